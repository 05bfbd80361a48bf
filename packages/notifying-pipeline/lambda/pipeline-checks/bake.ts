/**
 * The bake: after an environment's deployment and tests, the stage waits while the
 * environment's alarms (in the target account) stay out of ALARM, and fails as soon as one
 * went off, which rolls the stage back when it has `rollbackOnFailure`.
 *
 * It is a Lambda invoke action that asks to be called again (a continuation token) until
 * the bake time is over: that protocol is documented for actions
 * (https://docs.aws.amazon.com/codepipeline/latest/userguide/actions-invoke-lambda-function.html),
 * while how a `LambdaInvoke` condition rule reports is not, and CodePipeline's
 * `CloudWatchAlarm` rule reads alarms of the pipeline's own account only
 * (https://docs.aws.amazon.com/codepipeline/latest/userguide/rule-reference-CloudWatchAlarm.html
 * names no account or role for the alarm).
 */
import {
  CloudWatchClient, DescribeAlarmHistoryCommand, DescribeAlarmsCommand, HistoryItemType, MetricAlarm, CompositeAlarm,
} from '@aws-sdk/client-cloudwatch';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { consoleUrl } from '../../src/contract/console';
import { alarmStateChange } from '../shared/alarm-history';
import { CheckClients, cloudWatchIn } from './clients';
import { JobSuccess } from './job';
import { BakeParams } from '../../src/contract/check-params';

/** Between two looks at the alarms within one invocation. */
export const BAKE_POLL_MS = 60_000;

export interface BakeDependencies {
  readonly clients: CheckClients;
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly now: () => Date;
}

interface BakeState {
  /** When the bake started (epoch ms): alarm history is read from then on. */
  readonly startedAt: number;
}

/** One look at the alarms, then another after a poll interval; continues, passes, or fails. */
export async function bake(params: BakeParams, continuationToken: string | undefined, deps: BakeDependencies, signal: AbortSignal): Promise<JobSuccess> {
  // With a revert, CloudFormation watched from the execution on (`since`): the bake covers that
  // window, and waits only for what is left of it.
  const state = parseState(continuationToken) ?? { startedAt: params.since !== undefined ? Date.parse(params.since) : deps.now().getTime() };
  const endsAt = state.startedAt + params.bakeMinutes * 60_000;
  const credentials = await deps.clients.assumeReadOnlyRole(params, `bake-${params.environment}`, signal);
  const cloudWatch = cloudWatchIn(params, credentials);

  let looked = await lookAtAlarms(cloudWatch, params, state.startedAt, signal);
  try {
    verdict(params, looked, false);
    const left = endsAt - deps.now().getTime();
    if (left > 0) {
      await deps.sleep(Math.min(left, BAKE_POLL_MS), signal);
      looked = await lookAtAlarms(cloudWatch, params, state.startedAt, signal);
    }
    const over = deps.now().getTime() >= endsAt;
    verdict(params, looked, over);
    const names = looked.map((a) => a.name).join(', ');
    if (over) {
      const reportUrl = await writeReport(params, looked, state.startedAt, deps, signal, 'passed: no alarm went off, and each one measured something');
      return {
        summary: `baked ${params.bakeMinutes} min in account ${params.account}: no alarm went off (${names})${reportUrl ? ` Report: ${reportUrl}` : ''}`,
        outputVariables: { BakeMinutes: String(params.bakeMinutes), WatchedAlarms: String(looked.length), ...(reportUrl ? { ReportUrl: reportUrl } : {}) },
      };
    }
    const minutesLeft = Math.ceil((endsAt - deps.now().getTime()) / 60_000);
    return {
      summary: `baking in account ${params.account}: ${minutesLeft} of ${params.bakeMinutes} min left, watching ${names}`,
      continuationToken: JSON.stringify(state),
    };
  } catch (err) {
    if (!(err instanceof BakeFailed)) throw err;
    // The failure is reported once, by the job; the report is written first when it can be.
    await writeReport(params, looked, state.startedAt, deps, signal, `failed: ${err.message}`).catch(() => undefined);
    throw new Error(err.message);
  }
}

/** A bake that saw something wrong (not an error reading AWS). */
class BakeFailed extends Error {}

/** What one look found about one alarm. */
interface LookedAlarm {
  readonly name: string;
  readonly type: 'MetricAlarm' | 'CompositeAlarm';
  /** StateValue now: OK, ALARM or INSUFFICIENT_DATA. */
  readonly now: string;
  readonly reason?: string;
  /** The state when the bake started: the old state of its first change since, else its state now. */
  readonly atStart: string;
  /** State changes since the bake started, oldest first. */
  readonly changes: ReadonlyArray<{ readonly at: string; readonly from?: string; readonly to?: string; readonly summary?: string }>;
}

/**
 * Fails when an alarm is in ALARM, went to ALARM since the bake started (its history, so that
 * one that went off and recovered between two looks is not missed) and, at the end, when one
 * was INSUFFICIENT_DATA for the whole bake (it measured nothing, so it proved nothing).
 */
function verdict(params: BakeParams, alarms: readonly LookedAlarm[], over: boolean): void {
  const firing = alarms.find((a) => a.now === 'ALARM');
  if (firing) throw new BakeFailed(`alarm '${firing.name}' is in ALARM during the bake of ${params.environment} (account ${params.account}): ${firing.reason ?? 'no reason given'}`);
  for (const alarm of alarms) {
    const went = alarm.changes.find((c) => c.to === 'ALARM');
    if (went) {
      throw new BakeFailed(`alarm '${alarm.name}' went to ALARM at ${went.at} during the bake of ${params.environment} (account ${params.account}): ${went.summary ?? ''}`.trim());
    }
  }
  if (!over) return;
  const blind = alarms.filter((a) => a.atStart === 'INSUFFICIENT_DATA' && a.now === 'INSUFFICIENT_DATA' && a.changes.length === 0);
  if (blind.length > 0) {
    throw new BakeFailed(`alarm${blind.length === 1 ? '' : 's'} ${blind.map((a) => `'${a.name}'`).join(', ')} had no data (INSUFFICIENT_DATA) for the whole bake of ${params.environment} ` +
      `(account ${params.account}): ${blind.length === 1 ? 'it' : 'they'} measured nothing, so the bake proves nothing; give the alarm data (or TreatMissingData) and release again`);
  }
}

/**
 * Every alarm whose name starts with the prefix, metric and composite ones (composite alarms
 * come back only when AlarmTypes asks for them), with their state changes since the bake began.
 * Fails when there is none: a bake that watches nothing proves nothing.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarmHistory.html
 */
async function lookAtAlarms(cloudWatch: CloudWatchClient, params: BakeParams, since: number, signal: AbortSignal): Promise<LookedAlarm[]> {
  const alarms: Array<{ alarm: MetricAlarm | CompositeAlarm; type: LookedAlarm['type'] }> = [];
  let next: string | undefined;
  do {
    const page = await cloudWatch.send(new DescribeAlarmsCommand({
      AlarmNamePrefix: params.alarmNamePrefix, AlarmTypes: ['MetricAlarm', 'CompositeAlarm'], NextToken: next,
    }), { abortSignal: signal });
    alarms.push(...(page.MetricAlarms ?? []).map((alarm) => ({ alarm, type: 'MetricAlarm' as const })));
    alarms.push(...(page.CompositeAlarms ?? []).map((alarm) => ({ alarm, type: 'CompositeAlarm' as const })));
    next = page.NextToken;
  } while (next);
  if (alarms.length === 0) {
    throw new BakeFailed(`no alarm whose name starts with '${params.alarmNamePrefix}' in account ${params.account} (${params.region}): ` +
      'the bake would watch nothing; give the environment\'s alarms names with that prefix, or set its bake time to 0');
  }
  const looked: LookedAlarm[] = [];
  for (const { alarm, type } of alarms) {
    const history = await cloudWatch.send(new DescribeAlarmHistoryCommand({
      AlarmName: alarm.AlarmName, HistoryItemType: HistoryItemType.StateUpdate, StartDate: new Date(since), MaxRecords: 100,
    }), { abortSignal: signal });
    const changes = (history.AlarmHistoryItems ?? [])
      .map((item) => {
        const { reason: _reason, ...states } = alarmStateChange(item.HistoryData);
        return { at: item.Timestamp?.toISOString() ?? 'an unknown time', time: item.Timestamp?.getTime() ?? 0, ...states, summary: item.HistorySummary };
      })
      .sort((a, b) => a.time - b.time)
      .map(({ time: _time, ...change }) => change);
    const now = alarm.StateValue ?? 'UNKNOWN';
    looked.push({
      name: alarm.AlarmName ?? '?', type, now,
      ...(alarm.StateReason !== undefined ? { reason: alarm.StateReason } : {}),
      atStart: changes[0]?.from ?? now,
      changes,
    });
  }
  return looked;
}

/** The bake report, Markdown, next to the change review's; its console URL, or undefined when no bucket was given. */
async function writeReport(params: BakeParams, alarms: readonly LookedAlarm[], startedAt: number, deps: BakeDependencies, signal: AbortSignal, outcome: string): Promise<string | undefined> {
  if (params.reportBucket === undefined || params.reportPrefix === undefined || params.executionId === undefined) return undefined;
  const key = `${params.reportPrefix}${params.executionId}/${params.environment}-bake.md`;
  await deps.clients.s3.send(new PutObjectCommand({
    Bucket: params.reportBucket, Key: key, Body: bakeReport(params, alarms, startedAt, deps.now(), outcome), ContentType: 'text/markdown; charset=utf-8',
  }), { abortSignal: signal });
  return `${consoleUrl(params.partition, params.reportRegion ?? params.region, `s3/object/${params.reportBucket}`)}&bucketType=general&prefix=${encodeURIComponent(key)}`;
}

/** Every alarm watched: its type, its state at the start and at the end, and its changes in between. */
export function bakeReport(params: BakeParams, alarms: readonly LookedAlarm[], startedAt: number, now: Date, outcome: string): string {
  // Values from CloudWatch as code spans (no emphasis, no link, no cell break); hidden characters become spaces.
  const cell = (text: string) => `\`${text.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069`]/g, ' ').replace(/\|/g, '\\|').slice(0, 300)}\``;
  const lines = [
    `# Bake of ${cell(params.environment)} (account ${cell(params.account)}, ${cell(params.region)})`, '',
    `**Outcome:** ${cell(outcome)}`, '',
    `From ${new Date(startedAt).toISOString()} to ${now.toISOString()} (${params.bakeMinutes} min planned), alarms named \`${cell(params.alarmNamePrefix)}*\`.`, '',
    '| Alarm | Type | At the start | At the end | Changes during the bake |',
    '| --- | --- | --- | --- | --- |',
    ...alarms.map((a) => `| ${cell(a.name)} | ${a.type} | ${cell(a.atStart)} | ${cell(a.now)} | ${a.changes.length === 0 ? 'none' : a.changes.map((c) => `${cell(c.at)}: ${cell(c.from ?? '?')} → ${cell(c.to ?? '?')}`).join('<br>')} |`),
    '',
  ];
  return `${lines.join('\n')}\n`;
}

function parseState(token: string | undefined): BakeState | undefined {
  if (!token) return undefined;
  try {
    const state = JSON.parse(token);
    return typeof state?.startedAt === 'number' ? { startedAt: state.startedAt } : undefined;
  } catch {
    return undefined;
  }
}
