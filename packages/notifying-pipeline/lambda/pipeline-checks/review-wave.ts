/**
 * The review of a wave: the change sets of several environments (each an account, a region
 * and a stack) reviewed together, with one report and one decision, so that one approval
 * covers the wave. Each environment is reviewed exactly as alone (its own read-only role,
 * region, policy and reports); the wave adds the table of them all and the variables of the
 * approval. Fail closed: an environment that cannot be reviewed fails the wave, and no
 * environment's "no approval" lowers what another one needs.
 */
import { capped } from '@crosswalk/change-review/lib/model/text';
import { esc, mdCode } from '@crosswalk/change-review/lib/report/render-text';
import { isSafeUrl } from '@crosswalk/change-review/lib/report/shared';
import { RiskTier } from '@crosswalk/change-review/lib/review';
import { WaveReviewParams, WaveTarget } from '../../src/contract/check-params';
import { cut, describe, JobSuccess } from './job';
import { putReports, ReviewDependencies, ReviewedEnvironment, reviewEnvironment, s3ObjectUrl, SUMMARY_MAX } from './review';

/** The tiers from lowest to highest. */
const TIER_ORDER: readonly string[] = [RiskTier.NONE, RiskTier.LOW, RiskTier.HIGH];

/** A tier's rank; one this function does not know ranks above every known one: unknown means attention. */
export function tierRank(tier: string): number {
  const rank = TIER_ORDER.indexOf(tier);
  return rank === -1 ? TIER_ORDER.length : rank;
}

/** The highest of the tiers (the first of equals). No tier is an error, never "none". */
export function waveTier(tiers: readonly string[]): string {
  if (tiers.length === 0) throw new Error('a wave without environments has no tier');
  return tiers.reduce((highest, tier) => (tierRank(tier) > tierRank(highest) ? tier : highest));
}

/** One environment of the wave, reviewed: a row of the wave report. */
interface WaveRow extends ReviewedEnvironment {
  readonly target: WaveTarget;
  /** The console page of the environment's own HTML report. */
  readonly reportUrl: string;
  /** What needs a person's look, or a tier this function does not know. */
  readonly attention: boolean;
}

/** What the wave report says besides its rows. */
interface WaveVerdict {
  readonly tier: string;
  readonly approvalRequired: boolean;
  readonly execute: boolean;
  readonly reason: string;
}

/**
 * Reviews every environment of the wave, one after the other (a failure stops before the next
 * one is read), writes the wave report, and returns the variables of the wave's approval and
 * of each environment's execution.
 */
export async function reviewWave(params: WaveReviewParams, deps: ReviewDependencies, signal: AbortSignal): Promise<JobSuccess> {
  const rows: WaveRow[] = [];
  for (const target of params.targets) {
    let reviewed: ReviewedEnvironment;
    try {
      reviewed = await reviewEnvironment({
        ...target, partition: params.partition, pipelineName: params.pipelineName, executionId: params.executionId,
        reportBucket: params.reportBucket, reportPrefix: params.reportPrefix,
      }, deps, signal);
    } catch (err) {
      throw new Error(`the review of ${target.environment} (account ${target.account}, ${target.region}) failed, so wave ${params.wave} ` +
        `has no review and nothing of it is approved: ${describe(err)}`);
    }
    rows.push({
      ...reviewed, target,
      // The reports are in the pipeline's bucket, in its home region, whatever region the environment is in.
      reportUrl: s3ObjectUrl(params.partition, params.region, params.reportBucket, reviewed.reportKey),
      attention: reviewed.result.findings.length > 0 || tierRank(reviewed.result.tier) >= TIER_ORDER.length,
    });
  }
  // What needs attention first, then the highest tier; otherwise in the wave's order.
  rows.sort((a, b) => Number(b.attention) - Number(a.attention) || tierRank(b.result.tier) - tierRank(a.result.tier));

  const verdict = decideWave(rows);
  const key = `${params.reportPrefix}${params.executionId}/${params.wave}.wave`;
  const reviewedAt = deps.now().toISOString();
  await putReports(deps, signal, params.reportBucket, key, {
    html: waveHtml(params, verdict, rows, reviewedAt), markdown: waveMarkdown(params, verdict, rows, reviewedAt),
  });
  const reportUrl = s3ObjectUrl(params.partition, params.region, params.reportBucket, `${key}.html`);
  const summary = waveSummary(params.wave, verdict, rows);

  const outputVariables: Record<string, string> = {
    RiskTier: verdict.tier,
    ApprovalRequired: String(verdict.approvalRequired),
    Execute: String(verdict.execute),
    Summary: summary,
    ReportUrl: reportUrl,
    Changes: String(rows.reduce((sum, r) => sum + r.result.counts.total, 0)),
    NeedsAttention: String(rows.reduce((sum, r) => sum + r.result.findings.length, 0)),
  };
  for (const { target, result, decision } of rows) {
    outputVariables[`${target.environment}Execute`] = String(decision.execute);
    outputVariables[`${target.environment}ChangeSetId`] = result.changeSetId;
    outputVariables[`${target.environment}ChangeSetName`] = target.changeSetName;
    outputVariables[`${target.environment}RiskTier`] = result.tier;
  }
  return { summary: `${summary} Report: ${reportUrl}`, outputVariables };
}

/**
 * The wave's decision: its highest tier, and a person's approval when any environment needs
 * one or the highest tier is above low (an environment auto-approved by its own policy cannot
 * lower the wave). Something is executed when any environment has something to execute.
 */
function decideWave(rows: readonly WaveRow[]): WaveVerdict {
  const tier = waveTier(rows.map((r) => r.result.tier));
  const approvalRequired = rows.some((r) => r.decision.approvalRequired) || tierRank(tier) > tierRank(RiskTier.LOW);
  const execute = rows.some((r) => r.decision.execute);
  const reason = approvalRequired
    ? `approval required: one approval covers the ${rows.length} environments of the wave`
    : execute ? 'no approval required: every environment\'s policy auto-approves its change set' : 'no changes: nothing to approve or execute';
  return { tier, approvalRequired, execute, reason };
}

/** One line: the wave, its tier and decision, then each environment's tier and counts (most attention first). */
function waveSummary(wave: string, verdict: WaveVerdict, rows: readonly WaveRow[]): string {
  const environments = rows.map(({ target, result }) => {
    const changes = result.counts.total;
    return `${target.environment} ${capped(result.tier, 20)} (${changes} ${changes === 1 ? 'change' : 'changes'}, ${result.findings.length} needing attention)`;
  });
  return cut(`Wave ${capped(wave, 60)}: risk tier ${capped(verdict.tier, 20)}, ${verdict.approvalRequired ? 'approval required' : 'no approval required'}. ` +
    `${environments.join('; ')}.`, SUMMARY_MAX);
}

const COLUMNS = ['Environment', 'Account', 'Region', 'Stack', 'Risk tier', 'Changes', 'Needs attention', 'Decision', 'Report', 'Change set'];

/** A row's cells as plain values, in the order of {@link COLUMNS} (the two links apart). */
function cells(r: WaveRow): string[] {
  return [
    r.target.environment, r.target.account, r.target.region, r.target.stackName, r.result.tier,
    String(r.result.counts.total), String(r.result.findings.length), r.decision.reason,
  ];
}

const STYLE = [
  'body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:80rem;padding:1rem;color:#16191f;line-height:1.45;overflow-wrap:anywhere}',
  'code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em;background:#f2f3f3;padding:0 .2em}',
  '.verdict{padding:.6rem 1rem;border-left:.4rem solid #d13212;background:#f2f3f3}',
  '.tier-none,.tier-low{border-color:#1d8102}',
  'table{border-collapse:collapse;width:100%}', 'th,td{border:1px solid #d5dbdb;padding:.3rem .5rem;text-align:left;vertical-align:top}',
  'tr.attention-needed td:first-child{border-left:.3rem solid #d13212}',
].join('');

/** The wave report as one standalone HTML page: every value escaped, inline style only, no script. */
function waveHtml(params: WaveReviewParams, verdict: WaveVerdict, rows: readonly WaveRow[], reviewedAt: string): string {
  const wave = esc(capped(params.wave, 120));
  const link = (url: string | undefined) => (isSafeUrl(url) ? `<a href="${esc(url)}" rel="noopener noreferrer">open</a>` : `<code>${esc(capped(url ?? 'none', 300))}</code>`);
  const row = (r: WaveRow) => `<tr${r.attention ? ' class="attention-needed"' : ''}>` +
    `${cells(r).map((c) => `<td><code>${esc(capped(c, 300))}</code></td>`).join('')}<td>${link(r.reportUrl)}</td><td>${link(r.context.changeSetUrl)}</td></tr>`;
  return [
    '<!DOCTYPE html>', '<html lang="en">', '<head>', '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>Wave review: ${wave}</title>`, `<style>${STYLE}</style>`, '</head>', '<body>',
    `<h1>Wave review: <code>${wave}</code></h1>`,
    `<p class="verdict tier-${esc(verdict.tier)}"><strong>Risk tier:</strong> ${esc(capped(verdict.tier, 20))}<br><strong>Decision:</strong> ${esc(verdict.reason)}</p>`,
    `<p>Pipeline <code>${esc(capped(params.pipelineName, 120))}</code>, execution <code>${esc(capped(params.executionId, 120))}</code>, reviewed at ${esc(reviewedAt)}.</p>`,
    '<table>', `<thead><tr>${COLUMNS.map((c) => `<th scope="col">${c}</th>`).join('')}</tr></thead>`,
    '<tbody>', ...rows.map(row), '</tbody>', '</table>', '</body>', '</html>', '',
  ].join('\n');
}

/** The wave report as GitHub-flavoured Markdown: values as code spans, links only to the console. */
function waveMarkdown(params: WaveReviewParams, verdict: WaveVerdict, rows: readonly WaveRow[], reviewedAt: string): string {
  const value = (text: string, inTable = true) => mdCode(capped(text, 300), inTable);
  // A link only where nothing in the URL can end it or the cell.
  const link = (url: string | undefined) => (isSafeUrl(url) && !/[()[\]|\\]/.test(url) ? `[open](${url})` : value(url ?? 'none'));
  const lines = [
    `# Wave review: ${value(params.wave, false)}`, '',
    `**Risk tier:** ${value(verdict.tier, false)}. **Decision:** ${verdict.reason}.`, '',
    `Pipeline ${value(params.pipelineName, false)}, execution ${value(params.executionId, false)}, reviewed at ${reviewedAt}.`, '',
    `| ${COLUMNS.join(' | ')} |`,
    `|${' --- |'.repeat(COLUMNS.length)}`,
    ...rows.map((r) => `| ${[...cells(r).map((c) => value(c)), link(r.reportUrl), link(r.context.changeSetUrl)].join(' | ')} |`),
    '',
  ];
  return `${lines.join('\n')}\n`;
}
