/**
 * The change review's report, as Markdown and as a standalone HTML page, and its one-paragraph
 * summary for the approval request. Pure and deterministic: every input, the review time
 * included, comes from the caller.
 *
 * Order, in both reports: title, decision and risk tier (with the policy that auto-approved
 * it, if one did: the report is the audit record), what needs attention, counts, then every
 * resource change with its property changes.
 */
import type { AutoApprove, Classification, ClassifiedChange, Decision, PropertyChange } from './classify';

/** Who reviewed what, where, and what was decided: everything the report says besides the changes. */
export interface ReportContext {
  readonly pipelineName: string;
  readonly executionId: string;
  /** e.g. 'Prod' */
  readonly environment: string;
  readonly account: string;
  readonly region: string;
  readonly stackName: string;
  readonly changeSetName: string;
  readonly changeSetId: string;
  /** ISO timestamp (given, so output is deterministic) */
  readonly reviewedAt: string;
  readonly policy: AutoApprove;
  readonly decision: Decision;
  /** Console link to the change set in the target account (given by the caller). */
  readonly changeSetUrl: string;
}

/** Property values longer than this are cut in the reports, so that a huge policy does not drown them. */
export const MAX_VALUE_LENGTH = 300;

/** The summary's default length: CodePipeline approval CustomData leaves room for little more. */
export const DEFAULT_SUMMARY_LENGTH = 500;

// ---------------------------------------------------------------------------------------------
// What both reports say
// ---------------------------------------------------------------------------------------------

/** An attention entry: the change it is about (absent for a problem of the change set itself) and its reasons. */
interface AttentionEntry {
  readonly change?: ClassifiedChange;
  readonly reasons: readonly string[];
}

function attentionEntries(c: Classification): AttentionEntry[] {
  const problems = (c.problems ?? []).length > 0 ? [{ reasons: c.problems ?? [] }] : [];
  return [...problems, ...c.changes.filter((ch) => ch.attention.length > 0).map((change) => ({ change, reasons: change.attention }))];
}

function allReasons(c: Classification): string[] {
  return attentionEntries(c).flatMap((e) => e.reasons);
}

function title(ctx: ReportContext): string {
  return `Change review: ${ctx.environment}, stack ${ctx.stackName}`;
}

/** Whether the pipeline went on without a person, which the report must record. */
function autoApproved(ctx: ReportContext): boolean {
  return ctx.decision.execute && !ctx.decision.approvalRequired;
}

function approvalLine(ctx: ReportContext): string {
  if (autoApproved(ctx)) return `Auto-approved by policy ${ctx.policy}: no person approved this change set; this report is the record of that approval.`;
  if (ctx.decision.approvalRequired) return `A person must approve this change set (auto-approve policy ${ctx.policy}).`;
  return `Nothing to approve or execute (auto-approve policy ${ctx.policy}).`;
}

function stackLabel(change: ClassifiedChange, ctx: ReportContext): string {
  return [ctx.stackName, ...change.stackPath].join(' / ');
}

function resourceLabel(change: ClassifiedChange): string {
  return [...change.stackPath, change.logicalId].join('/');
}

function replacementLabel(change: ClassifiedChange): string {
  if (change.replacement === undefined || change.replacement === 'False') return change.replacement ?? '';
  return change.replacementCauses.length > 0 ? `${change.replacement} (${change.replacementCauses.join(', ')})` : change.replacement;
}

function conditionalCount(c: Classification): number {
  return c.changes.filter((ch) => ch.replacement === 'Conditional').length;
}

function countsLine(c: Classification): string {
  const { add, modify, remove, replace, total } = c.counts;
  const conditional = conditionalCount(c);
  const replaced = conditional > 0 ? `${replace} replace (${conditional} conditional)` : `${replace} replace`;
  return `${total} ${total === 1 ? 'change' : 'changes'}: ${add} add, ${modify} modify, ${remove} remove, ${replaced}`;
}

function metadata(ctx: ReportContext): [string, string][] {
  return [
    ['Pipeline', ctx.pipelineName],
    ['Execution', ctx.executionId],
    ['Environment', ctx.environment],
    ['Account', ctx.account],
    ['Region', ctx.region],
    ['Stack', ctx.stackName],
    ['Change set', ctx.changeSetName],
    ['Change set id', ctx.changeSetId],
    ['Auto-approve policy', ctx.policy],
    ['Reviewed at', ctx.reviewedAt],
  ];
}

/** A value as the report shows it: on one line, and cut after {@link MAX_VALUE_LENGTH} characters. */
interface ShownValue {
  readonly text: string;
  /** The full length when the value was cut. */
  readonly truncatedFrom?: number;
}

function showValue(value: string | undefined): ShownValue {
  if (value === undefined) return { text: '(none)' };
  const oneLine = value.replace(/\r\n|\r|\n/g, '\\n');
  if (oneLine.length <= MAX_VALUE_LENGTH) return { text: oneLine };
  return { text: `${oneLine.slice(0, MAX_VALUE_LENGTH)}…`, truncatedFrom: value.length };
}

function truncationNote(v: ShownValue): string {
  return v.truncatedFrom === undefined ? '' : ` (truncated: ${v.truncatedFrom} characters)`;
}

function recreationNote(p: PropertyChange): string {
  return p.requiresRecreation === 'Always' || p.requiresRecreation === 'Conditionally' ? `requires recreation: ${p.requiresRecreation}` : '';
}

/** Only https links are rendered as links: anything else (a `javascript:` URL) stays text. */
function isSafeUrl(url: string): boolean {
  return /^https:\/\/[^\s"'<>]+$/.test(url);
}

// ---------------------------------------------------------------------------------------------
// Markdown
// ---------------------------------------------------------------------------------------------

/**
 * The report as GitHub-flavoured Markdown. Text is escaped so that values cannot start
 * emphasis, links, HTML or table cells; values are code spans with a fence longer than any
 * backtick run inside them.
 */
export function renderMarkdown(c: Classification, ctx: ReportContext): string {
  const lines: string[] = [`# ${md(title(ctx))}`, ''];
  lines.push(`**Decision:** ${md(ctx.decision.reason)}`, '');
  lines.push(`**Risk tier:** ${md(c.tier)}`, '');
  lines.push(md(approvalLine(ctx)), '');
  lines.push(`Change set in the console: ${isSafeUrl(ctx.changeSetUrl) ? `<${ctx.changeSetUrl}>` : code(ctx.changeSetUrl)}`, '');
  const entries = attentionEntries(c);
  if (c.tier === 'none' && entries.length === 0) {
    lines.push('**No changes**: the change set changes nothing, here or in a nested stack.', '');
    lines.push(...markdownMetadata(ctx));
    return `${lines.join('\n')}\n`;
  }
  lines.push(...markdownAttention(entries, ctx), ...markdownCounts(c), ...markdownChanges(c, ctx), ...markdownMetadata(ctx));
  return `${lines.join('\n')}\n`;
}

function markdownAttention(entries: readonly AttentionEntry[], ctx: ReportContext): string[] {
  const count = entries.reduce((n, e) => n + e.reasons.length, 0);
  const lines = [`## Needs attention (${count})`, ''];
  if (entries.length === 0) return [...lines, 'Nothing needs attention.', ''];
  for (const entry of entries) {
    const head = entry.change
      ? `- **${md(resourceLabel(entry.change))}**: ${md(entry.change.resourceType)}, ${md(entry.change.action)}, stack ${md(stackLabel(entry.change, ctx))}`
      : '- **The change set itself**';
    lines.push(head, ...entry.reasons.map((r) => `  - ${md(r)}`));
  }
  return [...lines, ''];
}

function markdownCounts(c: Classification): string[] {
  const { add, modify, remove, replace, total } = c.counts;
  const conditional = conditionalCount(c);
  return [
    '## Counts', '',
    '| Add | Modify | Remove | Replace | Total |',
    '| ---: | ---: | ---: | ---: | ---: |',
    `| ${add} | ${modify} | ${remove} | ${replace}${conditional > 0 ? ` (${conditional} conditional)` : ''} | ${total} |`,
    '',
  ];
}

function markdownChanges(c: Classification, ctx: ReportContext): string[] {
  const lines = [
    '## Changes', '',
    '| # | Action | Resource | Type | Physical id | Replacement | Attention |',
    '| ---: | --- | --- | --- | --- | --- | --- |',
    ...c.changes.map((ch, i) => `| ${i + 1} | ${cell(ch.action)} | ${cell(resourceLabel(ch))} | ${cell(ch.resourceType)} | ${ch.physicalId ? code(ch.physicalId, true) : ''} | ${cell(replacementLabel(ch))} | ${ch.attention.length > 0 ? `${ch.attention.length}` : ''} |`),
    '',
  ];
  c.changes.forEach((ch, i) => {
    if (ch.properties.length === 0) return;
    lines.push(`### ${i + 1}. ${md(`${ch.action} ${resourceLabel(ch)} (${ch.resourceType}), stack ${stackLabel(ch, ctx)}`)}`, '');
    lines.push(...ch.properties.map(markdownProperty), '');
  });
  return lines;
}

function markdownProperty(p: PropertyChange): string {
  const before = showValue(p.before);
  const after = showValue(p.after);
  const notes = [p.changeType, recreationNote(p)].filter((n) => n !== undefined && n !== '').join(', ');
  const values = p.before === undefined && p.after === undefined
    ? 'values not shown'
    : `${code(before.text)}${md(truncationNote(before))} → ${code(after.text)}${md(truncationNote(after))}`;
  return `- ${code(p.path)}: ${values}${notes ? ` (${md(notes)})` : ''}`;
}

function markdownMetadata(ctx: ReportContext): string[] {
  return [
    '## Review', '',
    '| | |', '| --- | --- |',
    ...metadata(ctx).map(([k, v]) => `| ${cell(k)} | ${cell(v)} |`),
    '',
  ];
}

/** Running text: no emphasis, links, HTML, code or cell breaks from the content. */
function md(text: string): string {
  return text.replace(/\r\n|\r|\n/g, ' ').replace(/[\\`*_[\]<>|~#]/g, (ch) => `\\${ch}`);
}

/** A table cell: running text (which escapes `|`). */
function cell(text: string): string {
  return md(text);
}

/**
 * A code span whose fence is one backtick longer than the longest run inside, padded with a
 * space when the value starts or ends with a backtick. In a table cell `|` is still a cell
 * break inside code, so there it is escaped (GFM removes the backslash).
 * https://github.github.com/gfm/#code-spans and https://github.github.com/gfm/#tables-extension-
 */
function code(value: string, inTable = false): string {
  const text = value.replace(/\r\n|\r|\n/g, ' ');
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  const body = inTable ? text.replace(/\|/g, '\\|') : text;
  return `${fence}${pad}${body}${pad}${fence}`;
}

// ---------------------------------------------------------------------------------------------
// HTML
// ---------------------------------------------------------------------------------------------

/** The report as one standalone HTML page: every value escaped, inline style only, no script, no external assets. */
export function renderHtml(c: Classification, ctx: ReportContext): string {
  const entries = attentionEntries(c);
  const empty = c.tier === 'none' && entries.length === 0;
  const body = [
    `<h1>${esc(title(ctx))}</h1>`,
    `<p class="decision tier-${esc(c.tier)}"><strong>Decision:</strong> ${esc(ctx.decision.reason)}<br><strong>Risk tier:</strong> ${esc(c.tier)}</p>`,
    `<p>${esc(approvalLine(ctx))}</p>`,
    `<p>Change set in the console: ${isSafeUrl(ctx.changeSetUrl) ? `<a href="${esc(ctx.changeSetUrl)}" rel="noopener noreferrer">${esc(ctx.changeSetName)}</a>` : `<code>${esc(ctx.changeSetUrl)}</code>`}</p>`,
    ...(empty
      ? ['<p class="empty"><strong>No changes</strong>: the change set changes nothing, here or in a nested stack.</p>']
      : [htmlAttention(entries, ctx), htmlCounts(c), htmlChanges(c, ctx)]),
    htmlMetadata(ctx),
  ];
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(title(ctx))}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    ...body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

const STYLE = [
  'body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem;color:#16191f;line-height:1.45}',
  'table{border-collapse:collapse;margin:.5rem 0 1.5rem}',
  'th,td{border:1px solid #d5dbdb;padding:.3rem .6rem;text-align:left;vertical-align:top}',
  'th{background:#f2f3f3}',
  'code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em;word-break:break-all}',
  '.decision{padding:.6rem 1rem;border-left:.4rem solid #879596;background:#f2f3f3}',
  '.tier-high{border-color:#d13212}',
  '.tier-low{border-color:#1d8102}',
  '.attention li{margin:.25rem 0}',
  '.note{color:#545b64;font-size:.9em}',
].join('');

function htmlAttention(entries: readonly AttentionEntry[], ctx: ReportContext): string {
  const count = entries.reduce((n, e) => n + e.reasons.length, 0);
  if (entries.length === 0) return `<h2>Needs attention (0)</h2>\n<p>Nothing needs attention.</p>`;
  const items = entries.map((e) => {
    const head = e.change
      ? `<strong>${esc(resourceLabel(e.change))}</strong>: ${esc(e.change.resourceType)}, ${esc(e.change.action)}, stack ${esc(stackLabel(e.change, ctx))}`
      : '<strong>The change set itself</strong>';
    return `<li>${head}<ul>${e.reasons.map((r) => `<li>${esc(r)}</li>`).join('')}</ul></li>`;
  });
  return `<h2>Needs attention (${count})</h2>\n<ul class="attention">\n${items.join('\n')}\n</ul>`;
}

function htmlCounts(c: Classification): string {
  const { add, modify, remove, replace, total } = c.counts;
  const conditional = conditionalCount(c);
  return [
    '<h2>Counts</h2>',
    '<table><tr><th>Add</th><th>Modify</th><th>Remove</th><th>Replace</th><th>Total</th></tr>',
    `<tr><td>${add}</td><td>${modify}</td><td>${remove}</td><td>${replace}${conditional > 0 ? ` (${conditional} conditional)` : ''}</td><td>${total}</td></tr></table>`,
  ].join('\n');
}

function htmlChanges(c: Classification, ctx: ReportContext): string {
  const rows = c.changes.map((ch, i) => [
    '<tr>',
    `<td>${i + 1}</td>`,
    `<td>${esc(ch.action)}</td>`,
    `<td>${esc(resourceLabel(ch))}<br><span class="note">stack ${esc(stackLabel(ch, ctx))}</span></td>`,
    `<td>${esc(ch.resourceType)}</td>`,
    `<td>${ch.physicalId ? `<code>${esc(ch.physicalId)}</code>` : ''}</td>`,
    `<td>${esc(replacementLabel(ch))}</td>`,
    `<td>${ch.attention.length > 0 ? `${ch.attention.length}` : ''}</td>`,
    `<td>${htmlProperties(ch.properties)}</td>`,
    '</tr>',
  ].join(''));
  return [
    '<h2>Changes</h2>',
    '<table>',
    '<tr><th>#</th><th>Action</th><th>Resource</th><th>Type</th><th>Physical id</th><th>Replacement</th><th>Attention</th><th>Property changes</th></tr>',
    ...rows,
    '</table>',
  ].join('\n');
}

function htmlProperties(properties: readonly PropertyChange[]): string {
  if (properties.length === 0) return '';
  const items = properties.map((p) => {
    const before = showValue(p.before);
    const after = showValue(p.after);
    const notes = [p.changeType, recreationNote(p)].filter((n) => n !== undefined && n !== '').join(', ');
    const values = p.before === undefined && p.after === undefined
      ? 'values not shown'
      : `<code>${esc(before.text)}</code>${esc(truncationNote(before))} → <code>${esc(after.text)}</code>${esc(truncationNote(after))}`;
    return `<li><code>${esc(p.path)}</code>: ${values}${notes ? ` <span class="note">(${esc(notes)})</span>` : ''}</li>`;
  });
  return `<ul>${items.join('')}</ul>`;
}

function htmlMetadata(ctx: ReportContext): string {
  const rows = metadata(ctx).map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`);
  return ['<h2>Review</h2>', '<table>', ...rows, '</table>'].join('\n');
}

/** Escapes text for HTML content and double- or single-quoted attributes. */
function esc(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => HTML_ENTITIES[ch]);
}

const HTML_ENTITIES: { readonly [ch: string]: string } = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

// ---------------------------------------------------------------------------------------------
// Summary
// ---------------------------------------------------------------------------------------------

const CUT_MARK = '… (see the report)';

/**
 * One paragraph for the approval request: the "needs attention" lines FIRST, then tier, counts,
 * decision; at most maxLength characters (default 500), cut on a word boundary with '…' and
 * 'see the report' if longer. When it is too long, the attention lines are cut first, so that
 * the tier, counts and decision still fit.
 */
export function summarize(c: Classification, ctx: ReportContext, maxLength: number = DEFAULT_SUMMARY_LENGTH): string {
  const reasons = allReasons(c);
  const head = reasons.length > 0 ? `Needs attention (${reasons.length}): ${reasons.map(sentence).join(' ')}` : '';
  const tier = c.tier === 'none' && reasons.length === 0 ? 'Risk tier none: no changes.' : `Risk tier ${c.tier}: ${countsLine(c)}.`;
  const tail = `${tier} Decision: ${sentence(ctx.decision.reason)}`;
  const full = head ? `${head} ${tail}` : tail;
  if (full.length <= maxLength) return full;
  const room = maxLength - tail.length - 1;
  if (head && room >= CUT_MARK.length + 20) return `${cutOnWord(head, room - CUT_MARK.length)}${CUT_MARK} ${tail}`;
  return maxLength > CUT_MARK.length ? `${cutOnWord(full, maxLength - CUT_MARK.length)}${CUT_MARK}` : full.slice(0, maxLength);
}

function sentence(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return /[.!?]$/.test(oneLine) ? oneLine : `${oneLine}.`;
}

/** At most `max` characters of `text`, ending at a word boundary when there is one, without trailing punctuation. */
function cutOnWord(text: string, max: number): string {
  if (text.length <= max) return text;
  const hard = text.slice(0, max);
  const space = hard.lastIndexOf(' ');
  const soft = space > max / 2 ? hard.slice(0, space) : hard;
  return soft.replace(/[\s,;:.(]+$/, '');
}
