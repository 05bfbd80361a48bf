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
import { CheckClients, cloudWatchIn } from './clients';
import { JobSuccess } from './job';
import { BakeParams } from '../../src/private/check-params';

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
  const state = parseState(continuationToken) ?? { startedAt: deps.now().getTime() };
  const endsAt = state.startedAt + params.bakeMinutes * 60_000;
  const credentials = await deps.clients.assumeReadOnlyRole(params, `bake-${params.environment}`, signal);
  const cloudWatch = cloudWatchIn(params, credentials);

  let watched = await lookAtAlarms(cloudWatch, params, state.startedAt, signal);
  const left = endsAt - deps.now().getTime();
  if (left > 0) {
    await deps.sleep(Math.min(left, BAKE_POLL_MS), signal);
    watched = await lookAtAlarms(cloudWatch, params, state.startedAt, signal);
  }
  const names = watched.join(', ');
  if (deps.now().getTime() >= endsAt) {
    return {
      summary: `baked ${params.bakeMinutes} min in account ${params.account}: no alarm went off (${names})`,
      outputVariables: { BakeMinutes: String(params.bakeMinutes), WatchedAlarms: String(watched.length) },
    };
  }
  const minutesLeft = Math.ceil((endsAt - deps.now().getTime()) / 60_000);
  return {
    summary: `baking in account ${params.account}: ${minutesLeft} of ${params.bakeMinutes} min left, watching ${names}`,
    continuationToken: JSON.stringify(state),
  };
}

/**
 * Fails when no alarm matches the prefix (a bake that watches nothing proves nothing), when
 * one is in ALARM now, or when one went to ALARM since the bake started (its history, so
 * that an alarm that went off and recovered between two looks is not missed). Returns the
 * names of the alarms watched.
 */
async function lookAtAlarms(cloudWatch: CloudWatchClient, params: BakeParams, since: number, signal: AbortSignal): Promise<string[]> {
  const alarms: Array<MetricAlarm | CompositeAlarm> = [];
  let next: string | undefined;
  do {
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html
    const page = await cloudWatch.send(new DescribeAlarmsCommand({
      AlarmNamePrefix: params.alarmNamePrefix, AlarmTypes: ['MetricAlarm', 'CompositeAlarm'], NextToken: next,
    }), { abortSignal: signal });
    alarms.push(...(page.MetricAlarms ?? []), ...(page.CompositeAlarms ?? []));
    next = page.NextToken;
  } while (next);
  if (alarms.length === 0) {
    throw new Error(`no alarm whose name starts with '${params.alarmNamePrefix}' in account ${params.account} (${params.region}): ` +
      'the bake would watch nothing; give the environment\'s alarms names with that prefix, or set its bake time to 0');
  }
  const firing = alarms.find((alarm) => alarm.StateValue === 'ALARM');
  if (firing) {
    throw new Error(`alarm '${firing.AlarmName}' is in ALARM during the bake of ${params.environment} (account ${params.account}): ${firing.StateReason ?? 'no reason given'}`);
  }
  for (const alarm of alarms) {
    const history = await cloudWatch.send(new DescribeAlarmHistoryCommand({
      AlarmName: alarm.AlarmName, HistoryItemType: HistoryItemType.StateUpdate, StartDate: new Date(since), MaxRecords: 100,
    }), { abortSignal: signal });
    for (const item of history.AlarmHistoryItems ?? []) {
      // HistoryData of a state update is JSON with the new state:
      // https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_AlarmHistoryItem.html
      if (newStateOf(item.HistoryData) === 'ALARM') {
        throw new Error(`alarm '${alarm.AlarmName}' went to ALARM at ${item.Timestamp?.toISOString() ?? 'an unknown time'} during the bake of ` +
          `${params.environment} (account ${params.account}): ${item.HistorySummary ?? ''}`.trim());
      }
    }
  }
  return alarms.map((alarm) => alarm.AlarmName ?? '?');
}

function newStateOf(historyData: string | undefined): string | undefined {
  try {
    return JSON.parse(historyData ?? '')?.newState?.stateValue;
  } catch {
    return undefined;
  }
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
