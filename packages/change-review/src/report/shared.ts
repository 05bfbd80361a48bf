/**
 * What the summary and the reports share: the verdict's words, the counts, the metadata, how a
 * change and a detail are named.
 */
import { Classification, ClassifiedChange, Finding } from '../classify';
import { Detail } from '../model/change-set';
import { Msg, msg, words } from '../model/text';
import { CATEGORY_ORDER, CATEGORY_TITLES } from '../rules/rule';
import { ReportContext } from './context';

/** Property values longer than this are cut in the reports. */
export const MAX_VALUE_LENGTH = 300;
/** Values in the summary are cut shorter, so that more findings fit. */
export const SUMMARY_VALUE_CAP = 60;

export function tierWord(c: Classification): string {
  return c.tier.toUpperCase();
}

export function countsText(c: Classification): string {
  const { add, modify, remove, replace, total } = c.counts;
  return `${total} ${total === 1 ? 'change' : 'changes'} (${add} add, ${modify} modify, ${remove} remove, ${replace} replace)`;
}

export function resourceName(ch: ClassifiedChange): string {
  return [...ch.change.stackPath, ch.change.logicalId].join('/');
}

export function approvalLine(ctx: ReportContext): string {
  if (ctx.decision.execute && !ctx.decision.approvalRequired) return `Auto-approved by policy ${ctx.policy}: no person approved this change set; this report is the record of that approval.`;
  if (ctx.decision.approvalRequired) return `A person must approve this change set (auto-approve policy ${ctx.policy}).`;
  return `Nothing to approve or execute (auto-approve policy ${ctx.policy}).`;
}

export function metadata(c: Classification, ctx: ReportContext): [string, Msg][] {
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

export function isSafeUrl(url: string | undefined): url is string {
  return url !== undefined && /^https:\/\/[A-Za-z0-9.-]+\.(aws\.amazon\.com|amazonaws\.cn|amazonaws-us-gov\.com)\/[^\s"'<>`]*$/.test(url);
}

export function byCategory(c: Classification): [string, Finding[]][] {
  return CATEGORY_ORDER.map((cat): [string, Finding[]] => [CATEGORY_TITLES[cat], c.findings.filter((f) => f.category === cat)]).filter(([, fs]) => fs.length > 0);
}

export function detailParts(d: Detail): { path: string; values?: [string, string]; notes: string } {
  const path = d.path ?? [d.attribute, d.name].filter((x) => x !== undefined).join('.');
  const notes = [d.changeType, d.requiresRecreation !== undefined && d.requiresRecreation !== 'Never' ? `requires recreation: ${d.requiresRecreation}` : undefined, d.evaluation]
    .filter((n): n is string => n !== undefined).join(', ');
  return { path: path === '' ? '(no target)' : path, ...(d.before !== undefined || d.after !== undefined ? { values: [d.before ?? '(none)', d.after ?? '(none)'] as [string, string] } : {}), notes };
}

/**
 * The lines of "What AWS already checked": one per hook invocation or validation, or why there
 * are none to show.
 */
export function awsCheckLines(c: Classification): { readonly empty?: string; readonly lines: Msg[] } {
  const checks = c.changeSet.awsChecks;
  if (checks.state === 'absent') return { empty: 'Not read: the review was not given the change set\'s events (DescribeEvents).', lines: [] };
  if (checks.state === 'unreadable') return { empty: 'Could not be read (see Needs attention).', lines: [] };
  if (checks.checks.length === 0) return { empty: 'No CloudFormation hook or pre-deployment validation reported anything on this change set.', lines: [] };
  return {
    lines: checks.checks.map((k) => msg`${words(k.kind === 'hook' ? 'Hook ' : 'Validation ')}${k.name}${words(': ')}${k.status}${k.logicalId !== undefined ? msg`${words(' on ')}${k.logicalId}` : msg``}${k.reason !== undefined ? msg`${words(' — ')}${k.reason}` : msg``}`),
  };
}

/** One sentence on the stack's drift: not read, could not be read, or how many resources drifted. */
export function driftLine(c: Classification): string {
  const d = c.changeSet.drifts;
  if (d.state === 'absent') return 'Drift: not read (the review was not given the stack\'s drift detection).';
  if (d.state === 'unreadable') return 'Drift: could not be read (see Needs attention).';
  const drifted = d.drifts.filter((x) => x.status === 'MODIFIED' || x.status === 'DELETED').length;
  return `Drift: ${d.drifts.length} resources checked, ${drifted} drifted${drifted > 0 ? ' (those the change set acts on are under Needs attention)' : ''}.`;
}

export type { Finding };
