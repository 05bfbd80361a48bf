/**
 * The report as one standalone HTML page: every value escaped, inline style only, no script,
 * no external asset. Laid out to read without horizontal scrolling from a phone (360 px) to a
 * desktop: the verdict and the attention list are text that wraps, each change is a card, and
 * long values break anywhere rather than widen the page (a test checks it in Chromium).
 */
import { Classification, ClassifiedChange } from '../classify';
import { Detail } from '../model/change-set';
import { capped } from '../model/text';
import { ReportContext } from './context';
import { esc, htmlMsg } from './render-text';
import { approvalLine, awsCheckLines, byCategory, driftLine, detailParts, isSafeUrl, MAX_VALUE_LENGTH, metadata, resourceName, tierWord } from './shared';

const STYLE = [
  '*{box-sizing:border-box}',
  'body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:72rem;padding:1rem;color:#16191f;line-height:1.45;overflow-wrap:anywhere}',
  'h1{font-size:1.5rem}',
  'code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em;background:#f2f3f3;padding:0 .2em;overflow-wrap:anywhere;word-break:break-word}',
  '.verdict{padding:.6rem 1rem;border-left:.4rem solid #879596;background:#f2f3f3}',
  '.tier-high{border-color:#d13212}', '.tier-low{border-color:#1d8102}',
  '.attention li{margin:.35rem 0}',
  '.counts{display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;padding:0;list-style:none}',
  '.change{border:1px solid #d5dbdb;border-radius:.3rem;padding:.5rem .8rem;margin:.6rem 0}',
  '.change.low{border-left:.3rem solid #1d8102}', '.change.attention-needed{border-left:.3rem solid #d13212}',
  '.change h3{font-size:1rem;margin:.2rem 0}',
  '.change ul{padding-left:1.2rem;margin:.3rem 0}',
  '.note{color:#545b64;font-size:.9em}',
  'dl{display:grid;grid-template-columns:minmax(7rem,max-content) 1fr;gap:.2rem 1rem}',
  'dt{font-weight:600}', 'dd{margin:0;min-width:0}',
  '@media (max-width:40rem){dl{grid-template-columns:1fr}dd{margin-bottom:.4rem}}',
].join('');

export function renderHtml(c: Classification, ctx: ReportContext): string {
  const stack = esc(capped(c.changeSet.stackName, 120));
  const body: string[] = [
    `<h1>Change review: stack <code>${stack}</code></h1>`,
    `<p class="verdict tier-${esc(c.tier)}"><strong>Risk tier:</strong> ${esc(tierWord(c))}<br><strong>Decision:</strong> ${esc(ctx.decision.reason)}</p>`,
    `<p>${esc(approvalLine(ctx))}</p>`,
  ];
  if (ctx.changeSetUrl !== undefined) {
    body.push(`<p>Change set in the console: ${isSafeUrl(ctx.changeSetUrl) ? `<a href="${esc(ctx.changeSetUrl)}" rel="noopener noreferrer">open</a>` : `<code>${esc(capped(ctx.changeSetUrl, 300))}</code>`}</p>`);
  }
  if (c.tier === 'none') {
    body.push('<p><strong>No changes</strong>: CloudFormation reports that the change set changes nothing.</p>');
  } else {
    body.push(...attention(c), ...awsChecks(c), ...counts(c), '<h2>Changes</h2>', ...c.changes.map((ch, i) => change(ch, i)));
  }
  body.push('<h2>Review</h2>', '<dl>', ...metadata(c, ctx).map(([k, v]) => `<dt>${esc(k)}</dt><dd>${htmlMsg(v, 300)}</dd>`), '</dl>');
  return [
    '<!DOCTYPE html>', '<html lang="en">', '<head>', '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>Change review: ${stack}</title>`, `<style>${STYLE}</style>`, '</head>', '<body>', ...body, '</body>', '</html>', '',
  ].join('\n');
}

function attention(c: Classification): string[] {
  const out = [`<h2 id="attention">Needs attention (${c.findings.length})</h2>`];
  if (c.findings.length === 0) return [...out, '<p>Nothing: every change matched a shape of the low table.</p>'];
  for (const [title, findings] of byCategory(c)) {
    out.push(`<h3>${esc(title)} (${findings.length})</h3>`, `<ul class="attention">${findings.map((f) => `<li>${htmlMsg(f.text)}</li>`).join('')}</ul>`);
  }
  return out;
}

function awsChecks(c: Classification): string[] {
  const aws = awsCheckLines(c);
  return [
    '<h2>What AWS already checked</h2>',
    aws.empty !== undefined ? `<p>${esc(aws.empty)}</p>` : `<ul>${aws.lines.map((l) => `<li>${htmlMsg(l)}</li>`).join('')}</ul>`,
    `<p>${esc(driftLine(c))}</p>`,
  ];
}

function counts(c: Classification): string[] {
  const { add, modify, remove, replace, total } = c.counts;
  const items = [['Add', add], ['Modify', modify], ['Remove', remove], ['Replace', replace], ['Total', total]] as const;
  return ['<h2>Counts</h2>', `<ul class="counts">${items.map(([k, n]) => `<li><strong>${k}</strong> ${n}</li>`).join('')}</ul>`];
}

function change(ch: ClassifiedChange, i: number): string {
  const verdict = ch.lowShape !== undefined
    ? `low: <code>${esc(ch.lowShape)}</code>`
    : `<strong>${ch.findings.length} finding${ch.findings.length === 1 ? '' : 's'}</strong>`;
  const replacement = ch.change.replacement !== undefined ? `, replacement <code>${esc(capped(ch.change.replacement, 20))}</code>` : '';
  const details = ch.change.details.length === 0 ? '' : `<ul>${ch.change.details.map(detail).join('')}</ul>`;
  return [
    `<section class="change ${ch.lowShape !== undefined ? 'low' : 'attention-needed'}">`,
    `<h3>${i + 1}. <code>${esc(capped(ch.change.action, 40))}</code> <code>${esc(capped(resourceName(ch), 120))}</code></h3>`,
    `<p class="note"><code>${esc(capped(ch.change.type, 80))}</code>${replacement}: ${verdict}</p>`,
    details,
    '</section>',
  ].join('');
}

function detail(d: Detail): string {
  const p = detailParts(d);
  const values = p.values ? `<code>${esc(capped(p.values[0], MAX_VALUE_LENGTH))}</code> → <code>${esc(capped(p.values[1], MAX_VALUE_LENGTH))}</code>` : 'values not shown';
  return `<li><code>${esc(capped(p.path, 200))}</code>: ${values}${p.notes ? ` <span class="note">(${esc(capped(p.notes, 120))})</span>` : ''}</li>`;
}
