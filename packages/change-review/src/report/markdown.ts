/** The report as GitHub-flavoured Markdown: values are code spans (no link, no emphasis), only the caller's console URL is a link. */
import { Classification } from '../classify';
import { Detail } from '../model/change-set';
import { capped } from '../model/text';
import { ReportContext } from './context';
import { mdCode, mdMsg, mdText } from './render-text';
import { approvalLine, awsCheckLines, byCategory, driftLine, detailParts, isSafeUrl, MAX_VALUE_LENGTH, metadata, resourceName, tierWord } from './shared';

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
  const aws = awsCheckLines(c);
  lines.push('## What AWS already checked', '', ...(aws.empty !== undefined ? [mdText(aws.empty)] : aws.lines.map((l) => `- ${mdMsg(l)}`)), '', mdText(driftLine(c)), '');
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

function mdDetail(d: Detail): string {
  const p = detailParts(d);
  const values = p.values ? `${mdCode(capped(p.values[0], MAX_VALUE_LENGTH))} → ${mdCode(capped(p.values[1], MAX_VALUE_LENGTH))}` : 'values not shown';
  return `${mdCode(capped(p.path, 200))}: ${values}${p.notes ? ` (${mdCode(capped(p.notes, 120))})` : ''}`;
}

function mdMetadata(c: Classification, ctx: ReportContext): string[] {
  return ['## Review', '', '| | |', '| --- | --- |', ...metadata(c, ctx).map(([k, v]) => `| ${mdText(k)} | ${mdMsg(v, true, 300)} |`), ''];
}

