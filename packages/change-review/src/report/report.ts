/**
 * The review's outputs: a one-paragraph summary for the approval request, a Markdown and a
 * standalone HTML report, and JSON. Pure and deterministic: every input, the time included,
 * comes from the caller.
 *
 * What a person reads first is always the review's own verdict (tier, decision), never data
 * from the change set; then what needs attention, data loss and IAM first.
 */
import { Classification, ClassifiedChange, Finding } from '../classify';
import { Detail } from '../model/change-set';
import { capped, Msg, msg, quote, words } from '../model/text';
import { CATEGORY_ORDER, CATEGORY_TITLES } from '../rules/rule';
import { ReportContext } from './context';
import { esc, htmlMsg, mdCode, mdMsg, mdText } from './render-text';

/** Property values longer than this are cut in the reports. */
export const MAX_VALUE_LENGTH = 300;
/** Values in the summary are cut shorter, so that more findings fit. */
const SUMMARY_VALUE_CAP = 60;

function tierWord(c: Classification): string {
  return c.tier.toUpperCase();
}

function countsText(c: Classification): string {
  const { add, modify, remove, replace, total } = c.counts;
  return `${total} ${total === 1 ? 'change' : 'changes'} (${add} add, ${modify} modify, ${remove} remove, ${replace} replace)`;
}

function resourceName(ch: ClassifiedChange): string {
  return [...ch.change.stackPath, ch.change.logicalId].join('/');
}

function approvalLine(ctx: ReportContext): string {
  if (ctx.decision.execute && !ctx.decision.approvalRequired) return `Auto-approved by policy ${ctx.policy}: no person approved this change set; this report is the record of that approval.`;
  if (ctx.decision.approvalRequired) return `A person must approve this change set (auto-approve policy ${ctx.policy}).`;
  return `Nothing to approve or execute (auto-approve policy ${ctx.policy}).`;
}

function metadata(c: Classification, ctx: ReportContext): [string, Msg][] {
  const rows: [string, string | undefined][] = [
    ['Pipeline', ctx.pipelineName], ['Execution', ctx.executionId], ['Environment', ctx.environment],
    ['Account', ctx.account], ['Region', ctx.region], ['Stack', c.changeSet.stackName],
    ['Change set', c.changeSet.changeSetName], ['Change set id', c.changeSet.changeSetId],
  ];
  return [
    ...rows.filter((r): r is [string, string] => r[1] !== undefined).map(([k, v]): [string, Msg] => [k, msg`${v}`]),
    ['Auto-approve policy', msg`${words(ctx.policy)}`],
    ['Reviewed at', msg`${ctx.reviewedAt}`],
  ];
}

function isSafeUrl(url: string | undefined): url is string {
  return url !== undefined && /^https:\/\/[A-Za-z0-9.-]+\.(aws\.amazon\.com|amazonaws\.cn|amazonaws-us-gov\.com)\/[^\s"'<>`]*$/.test(url);
}

function byCategory(c: Classification): [string, Finding[]][] {
  return CATEGORY_ORDER.map((cat): [string, Finding[]] => [CATEGORY_TITLES[cat], c.findings.filter((f) => f.category === cat)]).filter(([, fs]) => fs.length > 0);
}

// ---------------------------------------------------------------------------------------------
// Summary
// ---------------------------------------------------------------------------------------------

/**
 * One paragraph for the approval request, at most `maxLength` characters: the tier and the
 * decision first, then the counts, then the findings (data loss and IAM first), whole findings
 * while they fit, then how many more the report has.
 */
export function summarize(c: Classification, ctx: ReportContext, maxLength = 500): string {
  const head = `Risk tier ${tierWord(c)}. Decision: ${ctx.decision.reason}.`;
  if (c.tier === 'none') return fit(`${head} CloudFormation reports no changes.`, maxLength);
  const attention = c.findings.length;
  const counted = `${head} ${countsText(c)}; ${attention === 0 ? 'every change matched the low table.' : `${attention} ${attention === 1 ? 'finding needs' : 'findings need'} attention:`}`;
  if (attention === 0) return fit(counted, maxLength);
  let out = counted;
  let shown = 0;
  for (const f of c.findings) {
    const item = ` [${CATEGORY_TITLES[f.category]}] ${f.text.plain(SUMMARY_VALUE_CAP)}`;
    const rest = attention - shown - 1;
    const tail = rest > 0 ? ` (+${rest} more in the report)` : '';
    if (out.length + item.length + tail.length <= maxLength) {
      out += item;
      shown++;
      continue;
    }
    // The finding does not fit whole: show its start when there is room for a useful part, then stop.
    const room = maxLength - out.length - ` … (+${attention - shown - 1} more in the report)`.length;
    if (room >= 60 || shown === 0) {
      out += `${item.slice(0, Math.max(0, room))} …`;
      shown++;
    }
    break;
  }
  if (shown < attention) out += ` (+${attention - shown} more in the report)`;
  return fit(out, maxLength);
}

function fit(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

// ---------------------------------------------------------------------------------------------
// Markdown
// ---------------------------------------------------------------------------------------------

export function renderMarkdown(c: Classification, ctx: ReportContext): string {
  const lines: string[] = [
    `# Change review: stack ${mdCode(capped(c.changeSet.stackName, 120))}`, '',
    `**Risk tier:** ${tierWord(c)}`, '',
    `**Decision:** ${mdText(ctx.decision.reason)}`, '',
    mdText(approvalLine(ctx)), '',
  ];
  if (ctx.changeSetUrl !== undefined) lines.push(`Change set in the console: ${isSafeUrl(ctx.changeSetUrl) ? `<${ctx.changeSetUrl}>` : mdCode(capped(ctx.changeSetUrl, 300))}`, '');
  if (c.tier === 'none') {
    lines.push('**No changes**: CloudFormation reports that the change set changes nothing.', '', ...mdMetadata(c, ctx));
    return `${lines.join('\n')}\n`;
  }
  lines.push(`## Needs attention (${c.findings.length})`, '');
  if (c.findings.length === 0) lines.push('Nothing: every change matched a shape of the low table.', '');
  for (const [title, findings] of byCategory(c)) {
    lines.push(`### ${mdText(title)} (${findings.length})`, '', ...findings.map((f) => `- ${mdMsg(f.text)}`), '');
  }
  const { add, modify, remove, replace, total } = c.counts;
  lines.push('## Counts', '', '| Add | Modify | Remove | Replace | Total |', '| ---: | ---: | ---: | ---: | ---: |', `| ${add} | ${modify} | ${remove} | ${replace} | ${total} |`, '');
  lines.push('## Changes', '', '| # | Action | Resource | Type | Replacement | Verdict |', '| ---: | --- | --- | --- | --- | --- |');
  c.changes.forEach((ch, i) => {
    const verdict = ch.lowShape !== undefined ? `low: ${mdCode(ch.lowShape, true)}` : `**${ch.findings.length} finding${ch.findings.length === 1 ? '' : 's'}**`;
    lines.push(`| ${i + 1} | ${mdCode(capped(ch.change.action, 40), true)} | ${mdCode(capped(resourceName(ch), 120), true)} | ${mdCode(capped(ch.change.type, 80), true)} | ${ch.change.replacement !== undefined ? mdCode(capped(ch.change.replacement, 20), true) : ''} | ${verdict} |`);
  });
  lines.push('');
  c.changes.forEach((ch, i) => {
    if (ch.change.details.length === 0) return;
    lines.push(`### ${i + 1}. ${mdCode(capped(resourceName(ch), 120))}`, '', ...ch.change.details.map((d) => `- ${mdDetail(d)}`), '');
  });
  lines.push(...mdMetadata(c, ctx));
  return `${lines.join('\n')}\n`;
}

function detailParts(d: Detail): { path: string; values?: [string, string]; notes: string } {
  const path = d.path ?? [d.attribute, d.name].filter((x) => x !== undefined).join('.');
  const notes = [d.changeType, d.requiresRecreation !== undefined && d.requiresRecreation !== 'Never' ? `requires recreation: ${d.requiresRecreation}` : undefined, d.evaluation]
    .filter((n): n is string => n !== undefined).join(', ');
  return { path: path === '' ? '(no target)' : path, ...(d.before !== undefined || d.after !== undefined ? { values: [d.before ?? '(none)', d.after ?? '(none)'] as [string, string] } : {}), notes };
}

function mdDetail(d: Detail): string {
  const p = detailParts(d);
  const values = p.values ? `${mdCode(capped(p.values[0], MAX_VALUE_LENGTH))} → ${mdCode(capped(p.values[1], MAX_VALUE_LENGTH))}` : 'values not shown';
  return `${mdCode(capped(p.path, 200))}: ${values}${p.notes ? ` (${mdCode(capped(p.notes, 120))})` : ''}`;
}

function mdMetadata(c: Classification, ctx: ReportContext): string[] {
  return ['## Review', '', '| | |', '| --- | --- |', ...metadata(c, ctx).map(([k, v]) => `| ${mdText(k)} | ${mdMsg(v, true, 300)} |`), ''];
}

// ---------------------------------------------------------------------------------------------
// HTML
// ---------------------------------------------------------------------------------------------

const STYLE = [
  'body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:75rem;padding:0 1rem;color:#16191f;line-height:1.45}',
  'table{border-collapse:collapse;margin:.5rem 0 1.5rem;width:100%}',
  'th,td{border:1px solid #d5dbdb;padding:.3rem .6rem;text-align:left;vertical-align:top}',
  'th{background:#f2f3f3}',
  'code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em;word-break:break-all;background:#f2f3f3;padding:0 .2em}',
  '.verdict{padding:.6rem 1rem;border-left:.4rem solid #879596;background:#f2f3f3}',
  '.tier-high{border-color:#d13212}', '.tier-low{border-color:#1d8102}',
  '.attention li{margin:.25rem 0}', '.note{color:#545b64;font-size:.9em}',
].join('');

export function renderHtml(c: Classification, ctx: ReportContext): string {
  const title = `Change review: ${capped(c.changeSet.stackName, 120)}`;
  const body: string[] = [
    `<h1>Change review: stack <code>${esc(capped(c.changeSet.stackName, 120))}</code></h1>`,
    `<p class="verdict tier-${esc(c.tier)}"><strong>Risk tier:</strong> ${esc(tierWord(c))}<br><strong>Decision:</strong> ${esc(ctx.decision.reason)}</p>`,
    `<p>${esc(approvalLine(ctx))}</p>`,
  ];
  if (ctx.changeSetUrl !== undefined) {
    body.push(`<p>Change set in the console: ${isSafeUrl(ctx.changeSetUrl) ? `<a href="${esc(ctx.changeSetUrl)}" rel="noopener noreferrer">open</a>` : `<code>${esc(capped(ctx.changeSetUrl, 300))}</code>`}</p>`);
  }
  if (c.tier === 'none') {
    body.push('<p><strong>No changes</strong>: CloudFormation reports that the change set changes nothing.</p>');
  } else {
    body.push(`<h2>Needs attention (${c.findings.length})</h2>`);
    if (c.findings.length === 0) body.push('<p>Nothing: every change matched a shape of the low table.</p>');
    for (const [t, findings] of byCategory(c)) {
      body.push(`<h3>${esc(t)} (${findings.length})</h3>`, `<ul class="attention">${findings.map((f) => `<li>${htmlMsg(f.text)}</li>`).join('')}</ul>`);
    }
    const { add, modify, remove, replace, total } = c.counts;
    body.push('<h2>Counts</h2>', `<table><tr><th>Add</th><th>Modify</th><th>Remove</th><th>Replace</th><th>Total</th></tr><tr><td>${add}</td><td>${modify}</td><td>${remove}</td><td>${replace}</td><td>${total}</td></tr></table>`);
    body.push('<h2>Changes</h2>', '<table>', '<tr><th>#</th><th>Action</th><th>Resource</th><th>Type</th><th>Replacement</th><th>Verdict</th><th>Property changes</th></tr>');
    c.changes.forEach((ch, i) => {
      const verdict = ch.lowShape !== undefined ? `low: <code>${esc(ch.lowShape)}</code>` : `<strong>${ch.findings.length} finding${ch.findings.length === 1 ? '' : 's'}</strong>`;
      const details = ch.change.details.length === 0 ? '' : `<ul>${ch.change.details.map((d) => {
        const p = detailParts(d);
        const values = p.values ? `<code>${esc(capped(p.values[0], MAX_VALUE_LENGTH))}</code> → <code>${esc(capped(p.values[1], MAX_VALUE_LENGTH))}</code>` : 'values not shown';
        return `<li><code>${esc(capped(p.path, 200))}</code>: ${values}${p.notes ? ` <span class="note">(${esc(capped(p.notes, 120))})</span>` : ''}</li>`;
      }).join('')}</ul>`;
      body.push(`<tr><td>${i + 1}</td><td><code>${esc(capped(ch.change.action, 40))}</code></td><td><code>${esc(capped(resourceName(ch), 120))}</code></td><td><code>${esc(capped(ch.change.type, 80))}</code></td><td>${ch.change.replacement !== undefined ? `<code>${esc(capped(ch.change.replacement, 20))}</code>` : ''}</td><td>${verdict}</td><td>${details}</td></tr>`);
    });
    body.push('</table>');
  }
  body.push('<h2>Review</h2>', '<table>', ...metadata(c, ctx).map(([k, v]) => `<tr><th>${esc(k)}</th><td>${htmlMsg(v, 300)}</td></tr>`), '</table>');
  return [
    '<!DOCTYPE html>', '<html lang="en">', '<head>', '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(title)}</title>`, `<style>${STYLE}</style>`, '</head>', '<body>', ...body, '</body>', '</html>', '',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// JSON
// ---------------------------------------------------------------------------------------------

/** The review as JSON: every value cleaned of hidden characters and capped, findings as plain text. */
export function renderJson(c: Classification, ctx: ReportContext): string {
  const clean = (v: string | undefined, cap = MAX_VALUE_LENGTH) => (v === undefined ? undefined : capped(v, cap));
  return `${JSON.stringify({
    tier: c.tier,
    decision: ctx.decision,
    policy: ctx.policy,
    reviewedAt: clean(ctx.reviewedAt),
    stackName: clean(c.changeSet.stackName),
    changeSetName: clean(c.changeSet.changeSetName),
    changeSetId: clean(c.changeSet.changeSetId),
    counts: c.counts,
    findings: c.findings.map((f) => ({ category: f.category, rule: f.rule, text: f.text.plain() })),
    changes: c.changes.map((ch) => ({
      resource: clean(resourceName(ch)),
      type: clean(ch.change.type),
      action: clean(ch.change.action),
      replacement: clean(ch.change.replacement),
      lowShape: ch.lowShape,
      findings: ch.findings.map((f) => ({ category: f.category, rule: f.rule, text: f.text.plain() })),
    })),
  }, null, 2)}\n`;
}

export { quote };
