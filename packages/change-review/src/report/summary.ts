/** The one paragraph for an approval request. */
import { Classification } from '../classify';
import { CATEGORY_TITLES } from '../rules/rule';
import { ReportContext } from './context';
import { countsText, SUMMARY_VALUE_CAP, tierWord } from './shared';

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
      out += `${cut(item, Math.max(0, room))} …`;
      shown++;
    }
    break;
  }
  if (shown < attention) out += ` (+${attention - shown} more in the report)`;
  return fit(out, maxLength);
}

function fit(text: string, max: number): string {
  return text.length <= max ? text : `${cut(text, Math.max(0, max - 1))}…`;
}

/** At most `units` UTF-16 units of `text`, never cutting a character (a surrogate pair) in two. */
function cut(text: string, units: number): string {
  let out = '';
  for (const ch of text) {
    if (out.length + ch.length > units) break;
    out += ch;
  }
  return out;
}
