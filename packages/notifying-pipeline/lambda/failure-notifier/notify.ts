/**
 * One invocation of the failure notifier: read the input, enrich a FAILED execution within
 * its time budget, format, and Publish exactly once.
 */
import { PublishCommand } from '@aws-sdk/client-sns';
import { BuildAccountClients, TargetClientFactory } from './clients';
import { NotifierSetup, NotifierTiming, TOPIC_ARN_ENV } from './config';
import { enrich, EnrichmentSettings } from './enrich';
import { Findings, NotifierInput, parseInput } from './findings';
import { formatNotification, NotificationMessage, safeSubject } from './format';
import { describeError, Log } from './log';

/** Lambda's view of the time left: `context.getRemainingTimeInMillis()`. */
export interface Clock {
  getRemainingTimeInMillis(): number;
}

/** What an invocation calls; the handler passes the real clients. */
export interface NotifierDependencies {
  readonly clients: BuildAccountClients;
  readonly targetClients: TargetClientFactory;
  readonly timing: NotifierTiming;
  readonly log: Log;
}

/** What was sent. */
export interface NotifyOutcome {
  readonly messageId?: string;
  readonly subject: string;
}

/**
 * Sends the one message about `event`. Enrichment problems never stop the message (they
 * are said in it); a failed Publish throws, so that Lambda's asynchronous retry or failure
 * destination takes over. Publish is called once per invocation.
 */
export async function notify(event: unknown, clock: Clock, setup: NotifierSetup, deps: NotifierDependencies): Promise<NotifyOutcome> {
  const input = parseInput(event);
  deps.log('INFO', 'received', summary(input));
  if (!setup.topicArn) {
    // Nowhere to send the message: only Lambda's failure handling can still tell someone.
    throw new Error(`${TOPIC_ARN_ENV} is not set: the failure notifier cannot publish`);
  }

  let findings: Findings = {};
  if (input.kind === 'execution' && input.state === 'FAILED') {
    const budgetMs = Math.min(deps.timing.enrichmentLimitMs, clock.getRemainingTimeInMillis() - deps.timing.publishReserveMs);
    findings = await enrichWithinBudget(input, deps, {
      readOnlyRoleName: setup.readOnlyRoleName,
      partition: setup.partition,
      region: input.region ?? setup.region ?? 'us-east-1',
    }, budgetMs);
  }

  const message = formatSafely(input, findings, setup, deps.log);
  let messageId: string | undefined;
  try {
    const out = await deps.clients.sns.send(new PublishCommand({ TopicArn: setup.topicArn, Subject: message.subject, Message: message.body }));
    messageId = out.MessageId;
  } catch (err) {
    deps.log('ERROR', 'could not publish the message', { error: describeError(err), subject: message.subject });
    throw err;
  }
  deps.log('INFO', 'published', { messageId, subject: message.subject, bytes: Buffer.byteLength(message.body, 'utf8'), ...findingsSummary(findings) });
  return { messageId, subject: message.subject };
}

/**
 * Runs {@link enrich} for at most `budgetMs`. When time runs out, the calls still in flight
 * are aborted and the findings are taken as they are: the parts still being read are
 * reported as timed out. Never throws.
 */
export async function enrichWithinBudget(
  event: Extract<NotifierInput, { kind: 'execution' }>,
  deps: Pick<NotifierDependencies, 'clients' | 'targetClients' | 'log'>,
  settings: EnrichmentSettings,
  budgetMs: number,
): Promise<Findings> {
  const findings: Findings = {};
  if (budgetMs <= 0) {
    findings.actions = { state: 'failed', problem: 'no time was left to read them before the function\'s timeout' };
    return findings;
  }
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timed out'>((resolve) => {
    timer = setTimeout(() => resolve('timed out'), budgetMs);
  });
  const work = enrich(event, findings, deps, settings, controller.signal).then(
    () => 'done' as const,
    (err: unknown) => {
      findings.crashed = describeError(err);
      deps.log('ERROR', 'enrichment failed', { error: findings.crashed });
      return 'done' as const;
    },
  );
  try {
    if (await Promise.race([work, timedOut]) === 'done') return findings;
  } finally {
    clearTimeout(timer);
  }
  // A copy as it is now: the aborted calls settle later and must not change the message.
  const snapshot = structuredClone(findings);
  snapshot.timedOutAfterMs = budgetMs;
  controller.abort();
  deps.log('WARN', 'enrichment timed out', { budgetMs });
  return snapshot;
}

/** The formatted message; if formatting itself fails (a bug), a plain one that names the event. */
function formatSafely(input: NotifierInput, findings: Findings, setup: NotifierSetup, log: Log): NotificationMessage {
  const context = { partition: setup.partition, region: setup.region, setupProblems: setup.problems };
  try {
    return formatNotification(input, findings, context);
  } catch (err) {
    log('ERROR', 'could not format the message', { error: describeError(err) });
    try {
      return formatNotification(input, {}, context);
    } catch {
      const what = input.kind === 'execution' ? `execution ${input.executionId} of pipeline ${input.pipeline} ${input.state}` : input.description;
      return {
        subject: safeSubject(`Pipeline notification: ${input.pipeline ?? 'unknown pipeline'}`),
        body: `The pipeline failure notifier received ${what} at ${input.time ?? 'an unknown time'}. ` +
          `Details could not be read: the message could not be formatted (${describeError(err)}).\n`,
      };
    }
  }
}

function summary(input: NotifierInput): Record<string, unknown> {
  return input.kind === 'execution'
    ? { kind: input.kind, pipeline: input.pipeline, executionId: input.executionId, state: input.state }
    : { kind: input.kind, description: input.description };
}

function findingsSummary(findings: Findings): Record<string, unknown> {
  const actions = findings.actions;
  return {
    actionsRead: actions?.state ?? 'not read',
    failedActions: actions?.state === 'read' ? actions.value.length : undefined,
    timedOutAfterMs: findings.timedOutAfterMs,
  };
}
