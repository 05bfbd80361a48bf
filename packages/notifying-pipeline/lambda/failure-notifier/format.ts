/**
 * The message a person gets about a failed pipeline execution: PURE formatting of what was
 * read (findings.ts) into an SNS subject and a plain-text body readable in an email.
 */
import { consoleUrl, pipelineExecutionUrl } from '../../src/contract/console';
import { MAX_MESSAGE_BYTES } from './config';
import {
  arnParts, DeploymentFinding, DeploymentLookup, RevertLookup, ExecutionEvent, FailedAction, Findings, Lookup,
  NotifierInput, oneLine, StackFailure, StackLookups, TestFailures, visible,
} from './findings';

/** What the message needs besides the input and the findings. */
export interface MessageContext {
  /** The partition of the build account (PARTITION). */
  readonly partition: string;
  /** The function's region, for an input that names none. */
  readonly region?: string;
  /** Problems of the notifier's own setup, said in the message. */
  readonly setupProblems?: readonly string[];
  /** The most bytes the body may have; {@link MAX_MESSAGE_BYTES} unless set. */
  readonly maxBytes?: number;
}

/** One SNS message. */
export interface NotificationMessage {
  readonly subject: string;
  readonly body: string;
}

/** A name from the event or from AWS (pipeline, execution, stage, action, account, region) on one line, hidden characters written out. */
function name(value: string): string {
  return oneLine(value, LIMITS.name);
}

/** The longest subject SNS accepts is 99 characters ("less than 100 characters long"). */
export const MAX_SUBJECT_LENGTH = 99;

/** Lengths kept of texts that come from AWS (reasons, summaries, messages). */
const LIMITS = { reason: 2_000, summary: 1_000, error: 1_000, testMessage: 300, hookMessage: 1_000, logTail: 600, name: 200 };

const INDENT = '   ';

/** The subject and body of the one message sent for an input. */
export function formatNotification(input: NotifierInput, findings: Findings, context: MessageContext): NotificationMessage {
  const body = input.kind === 'execution' ? executionBody(input, findings, context) : otherBody(input, context);
  return {
    subject: formatSubject(input, findings),
    // Every line is built from one-line values; this last pass writes out any hidden character left.
    body: capMessage(visible(body), context.maxBytes ?? MAX_MESSAGE_BYTES),
  };
}

/**
 * A subject SNS accepts for email. API_Publish, parameter Subject
 * (https://docs.aws.amazon.com/sns/latest/api/API_Publish.html): "Subjects must be UTF-8 text
 * with no line breaks or control characters, and less than 100 characters long" (the current
 * wording); earlier wording required ASCII text beginning with a letter, number or punctuation
 * mark. The stricter rule is kept: printable ASCII, at most 99 characters, starting with "Pipeline".
 */
export function formatSubject(input: NotifierInput, findings: Findings): string {
  if (input.kind === 'other') {
    return safeSubject(`Pipeline notifier: unexpected event${input.pipeline ? ` for ${input.pipeline}` : ''}`);
  }
  const actions = findings.actions?.state === 'read' ? findings.actions.value : [];
  if (input.state !== 'FAILED' || actions.length === 0) {
    return safeSubject(`Pipeline ${input.pipeline} ${input.state}`);
  }
  const first = actions[0];
  const more = actions.length > 1 ? ` (+${actions.length - 1} more)` : '';
  // The end (the count) must survive truncation; the names are cut instead.
  const head = safeSubject(`Pipeline ${input.pipeline} FAILED: ${first.stageName}/${first.actionName}`, MAX_SUBJECT_LENGTH - more.length);
  return safeSubject(`${head}${more}`);
}

/** Printable ASCII only, one line, at most `max` characters, never empty. */
export function safeSubject(value: string, max = MAX_SUBJECT_LENGTH): string {
  const ascii = value
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\s]+/g, ' ')
    .replace(/[^\x20-\x7e]+/g, '?')
    .trim();
  const subject = ascii.length > 0 ? ascii : 'Pipeline notification';
  return subject.length > max ? `${subject.slice(0, Math.max(0, max - 3)).trimEnd()}...` : subject;
}

/**
 * Cuts a body to at most `maxBytes` UTF-8 bytes (SNS counts bytes, not characters), at a
 * character boundary, and says so at the end.
 */
export function capMessage(body: string, maxBytes: number): string {
  if (Buffer.byteLength(body, 'utf8') <= maxBytes) return body;
  const notice = `\n\n[Message cut at ${Math.floor(maxBytes / 1024)} KB; the links above lead to the rest.]`;
  const room = Math.max(0, maxBytes - Buffer.byteLength(notice, 'utf8'));
  // Decoding a cut multi-byte character yields U+FFFD at the end: drop it.
  const cut = Buffer.from(body, 'utf8').subarray(0, room).toString('utf8').replace(/\uFFFD+$/, '');
  return `${cut}${notice}`;
}

/** `2026-12-03 05:22:24 UTC`; `undefined` for a missing or invalid time. */
export function formatTime(value: Date | string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return typeof value === 'string' ? oneLine(value, 40) : undefined;
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** `1.5 s`, `20 s`. */
export function formatSeconds(ms: number): string {
  const seconds = Math.round(ms / 100) / 10;
  return `${seconds} s`;
}

function executionBody(event: ExecutionEvent, findings: Findings, context: MessageContext): string {
  const region = event.region ?? context.region;
  const lines: string[] = [];
  const when = formatTime(event.time);
  lines.push(`Pipeline ${name(event.pipeline)}: execution ${name(event.executionId)} ${name(event.state)}${when ? ` at ${when}` : ''}.`);
  lines.push(`Build account ${event.account ? name(event.account) : '(not in the event)'}, region ${region ? name(region) : '(not in the event)'}.`);
  if (event.triggerType) {
    lines.push(`Started by ${oneLine(event.triggerType, LIMITS.name)}${event.triggerDetail ? ` (${oneLine(event.triggerDetail, 300)})` : ''}.`);
  }
  if (region) {
    lines.push('', `Pipeline execution (sign in to build account${event.account ? ` ${name(event.account)}` : ''}, ${name(region)}):`,
      `${INDENT}${pipelineExecutionUrl(context.partition, region, event.pipeline, event.executionId)}`);
  }
  for (const problem of context.setupProblems ?? []) lines.push('', `Notifier setup problem: ${problem}.`);

  const timeout = findings.timedOutAfterMs;
  if (findings.actions === undefined) {
    if (event.state !== 'FAILED') lines.push('', `The failure notifier reads details only for FAILED executions.`);
  } else if (findings.actions.state !== 'read') {
    lines.push('', `Details could not be read: ${problemOf(findings.actions, timeout)}.`);
  } else if (findings.actions.value.length === 0) {
    lines.push('', 'No action of this execution is marked Failed (ListActionExecutions); the console shows the execution.');
  } else {
    const actions = findings.actions.value;
    lines.push('', actions.length === 1 ? '1 action failed:' : `${actions.length} actions failed:`);
    actions.forEach((action, i) => lines.push('', ...actionLines(action, i + 1, event, timeout)));
  }
  if (findings.crashed) lines.push('', `Some details could not be read: the notifier failed: ${oneLine(findings.crashed, LIMITS.error)}.`);
  return `${lines.join('\n')}\n`;
}

function actionLines(action: FailedAction, n: number, event: ExecutionEvent, timeout: number | undefined): string[] {
  const kind = [action.category, action.provider].filter(Boolean).join(', ');
  const where = action.account ? `account ${name(action.account)}` : `build account${event.account ? ` ${name(event.account)}` : ''}`;
  const lines = [`${n}. Stage ${name(action.stageName)}, action ${name(action.actionName)}${kind ? ` (${name(kind)})` : ''}, ${where}, ${name(action.region)}`];
  const started = formatTime(action.startTime);
  const ended = formatTime(action.lastUpdateTime);
  if (started || ended) lines.push(`${INDENT}Ran ${started ? `from ${started} ` : ''}${ended ? `until ${ended}` : ''}`.trimEnd() + '.');
  if (action.errorCode || action.errorMessage) {
    lines.push(`${INDENT}Error: ${[action.errorCode, action.errorMessage && oneLine(action.errorMessage, LIMITS.error)].filter(Boolean).join(': ')}`);
  }
  if (action.summary && action.summary !== action.errorMessage) lines.push(`${INDENT}Summary: ${oneLine(action.summary, LIMITS.summary)}`);
  if (action.stack) lines.push(...stackLines(action, action.stack, timeout));
  if (action.tests) lines.push(...testLines(action, action.tests, event, timeout));
  if (action.externalExecutionUrl) lines.push(`${INDENT}Action details (from CodePipeline): ${oneLine(action.externalExecutionUrl, 2_048)}`);
  return lines;
}

function stackLines(action: FailedAction, stack: StackLookups, timeout: number | undefined): string[] {
  const account = action.account ? `account ${action.account}` : 'the pipeline\'s account';
  const lines = [`${INDENT}Stack ${action.stackName ? name(action.stackName) : '(no StackName in the configuration)'} in ${account}, ${name(action.region)}:`];
  const deeper = INDENT + INDENT;
  let stackId: string | undefined;
  if (stack.events.state !== 'read') {
    lines.push(`${deeper}Stack events could not be read: ${problemOf(stack.events, timeout)}.`);
  } else if (stack.events.value === undefined) {
    lines.push(`${deeper}No stack event of this deployment failed (the action's own error above is all CloudFormation said).`);
  } else {
    stackId = stack.events.value.stackId;
    lines.push(...failureLines(stack.events.value, deeper));
  }
  if (stack.deployment) lines.push(...deploymentLines(stack.deployment, deeper, timeout));
  if (stack.revert) lines.push(...revertLines(stack.revert, action.changeSetName, deeper, timeout));

  const links: string[] = [];
  if (action.stackName || stackId) {
    // The stack's Events tab: the console's route #/stacks/events?stackId=<stack ARN or name>,
    // the same hash-route family as the change set link of src/contract/console.ts.
    links.push(`Stack events: ${consoleUrl(action.partition, action.region, 'cloudformation/home',
      `/stacks/events?stackId=${encodeURIComponent(stackId ?? action.stackName ?? '')}`)}`);
  }
  const deploymentId = stack.deployment?.info.state === 'read' ? stack.deployment.info.value.deploymentId : stack.deployment?.deploymentId;
  if (deploymentId) {
    // A deployment's page in the CodeDeploy console: codesuite/codedeploy/deployments/<id>.
    links.push(`CodeDeploy deployment: ${consoleUrl(action.partition, action.region, `codesuite/codedeploy/deployments/${encodeURIComponent(deploymentId)}`)}`);
  } else if (stack.deployment) {
    links.push(`CodeDeploy deployments: ${consoleUrl(action.partition, action.region, 'codesuite/codedeploy/deployments')}`);
  }
  if (links.length > 0) {
    lines.push(`${INDENT}Links (sign in to ${account}, ${action.region}):`, ...links.map((l) => `${deeper}${l}`));
  }
  return lines;
}

function failureLines(failure: StackFailure, indent: string): string[] {
  const when = formatTime(failure.time);
  const what = failure.isStack
    ? `No resource failed; the stack itself: ${failure.status ?? 'FAILED'}`
    : `First failed resource: ${failure.logicalId ?? '(no logical id)'}${failure.resourceType ? ` (${failure.resourceType})` : ''}, ${failure.status ?? 'FAILED'}`;
  const lines = [`${indent}${what}${when ? ` at ${when}` : ''}.`];
  lines.push(`${indent}${INDENT}Reason: ${failure.reason ? oneLine(failure.reason, LIMITS.reason) : '(CloudFormation gave none)'}`);
  return lines;
}

/** The revert: which alarm, when, the value that crossed, and what it undid. */
function revertLines(revert: RevertLookup, changeSetName: string | undefined, indent: string, timeout: number | undefined): string[] {
  const deeper = indent + INDENT;
  const alarm = oneLine(revert.alarmName, LIMITS.name);
  const lines: string[] = [];
  if (revert.transition.state !== 'read') {
    lines.push(`${indent}Reverted by alarm ${alarm} (its history could not be read: ${problemOf(revert.transition, timeout)}).`);
  } else if (revert.transition.value === undefined) {
    lines.push(`${indent}Reverted by alarm ${alarm} (its history since the action started shows no move to ALARM).`);
  } else {
    const when = formatTime(revert.transition.value.time);
    lines.push(`${indent}Reverted by alarm ${alarm}${when ? ` at ${when}` : ''}.`);
    if (revert.transition.value.reason) lines.push(`${deeper}What crossed: ${oneLine(revert.transition.value.reason, LIMITS.reason)}`);
  }
  const release = changeSetName ? ` (change set ${oneLine(changeSetName, LIMITS.name)})` : '';
  lines.push(`${deeper}CloudFormation rolled this release back${release}: the stack is as it was before the change set executed, with no person needed.`,
    `${deeper}Find the cause in the alarm's metric, fix it, and release again.`);
  return lines;
}

function deploymentLines(deployment: DeploymentLookup, indent: string, timeout: number | undefined): string[] {
  if (deployment.info.state !== 'read') {
    const label = deployment.deploymentId ? `CodeDeploy deployment ${deployment.deploymentId}` : 'The CodeDeploy deployment';
    return [`${indent}${label} could not be read: ${problemOf(deployment.info, timeout)}.`];
  }
  const d: DeploymentFinding = deployment.info.value;
  const deeper = indent + INDENT;
  const lines = [`${indent}CodeDeploy deployment ${d.deploymentId}: ${d.status ?? 'status unknown'}.`];
  if (d.foundThroughRollback) lines.push(`${deeper}(${d.foundThroughRollback} named by CloudFormation is the rollback of this deployment.)`);
  if (d.stoppedByAlarm) {
    lines.push(`${deeper}Stopped by an alarm: ${d.alarms.length > 0 ? d.alarms.slice(0, 10).map((a) => oneLine(a, LIMITS.name)).join(', ') : '(CodeDeploy did not name it; see the deployment group\'s alarms)'}.`);
  }
  if (d.errorCode || d.errorMessage) {
    lines.push(`${deeper}${[d.errorCode, d.errorMessage && oneLine(d.errorMessage, LIMITS.error)].filter(Boolean).join(': ')}`);
  } else if (!d.stoppedByAlarm) {
    lines.push(`${deeper}CodeDeploy gave no error information.`);
  }
  for (const hook of d.failedHooks) {
    lines.push(`${deeper}Hook ${hook.lifecycleEvent ?? '(unnamed lifecycle event)'} failed${hook.errorCode ? ` (${hook.errorCode})` : ''}: ${hook.message ? oneLine(hook.message, LIMITS.hookMessage) : '(no diagnostics message)'}`);
    if (hook.logTail) {
      const tail = hook.logTail.length > LIMITS.logTail ? `…${hook.logTail.slice(-LIMITS.logTail)}` : hook.logTail;
      lines.push(`${deeper}${INDENT}Log tail: ${oneLine(tail, LIMITS.logTail + 1)}`);
    }
  }
  if (d.hooksProblem) {
    lines.push(`${deeper}Its hooks could not be read: ${oneLine(d.hooksProblem, LIMITS.error)}.`);
  } else if (!d.stoppedByAlarm && d.failedHooks.length === 0 && d.errorCode !== undefined) {
    lines.push(`${deeper}No alarm stopped it and no hook is marked Failed.`);
  }
  if (d.rollbackDeploymentId || d.rollbackMessage) {
    lines.push(`${deeper}Rollback${d.rollbackDeploymentId ? ` ${d.rollbackDeploymentId}` : ''}: ${d.rollbackMessage ? oneLine(d.rollbackMessage, LIMITS.error) : '(no message)'}`);
  }
  return lines;
}

function testLines(action: FailedAction, tests: Lookup<TestFailures>, event: ExecutionEvent, timeout: number | undefined): string[] {
  if (tests.state !== 'read') return [`${INDENT}Failed tests could not be read: ${problemOf(tests, timeout)}.`];
  const t = tests.value;
  const deeper = INDENT + INDENT;
  const lines: string[] = [];
  if (t.reportArns.length === 0) {
    lines.push(`${INDENT}The build ${t.buildId} wrote no test report.`);
  } else if (t.total === 0) {
    lines.push(`${INDENT}No test case is marked FAILED in ${plural(t.reportArns.length, 'report')} of build ${t.buildId}.`);
  } else {
    const total = `${t.total}${t.totalIsLowerBound ? ' or more' : ''}`;
    lines.push(`${INDENT}${total} ${t.total === 1 && !t.totalIsLowerBound ? 'test' : 'tests'} failed:`);
    for (const c of t.cases) {
      // The first line of a test's message is its assertion; the rest is usually a stack trace.
      const message = c.message?.split(/\r?\n/).find((l) => l.trim().length > 0);
      lines.push(`${deeper}- ${oneLine(c.name, LIMITS.name)}${message ? `: ${oneLine(message, LIMITS.testMessage)}` : ''}`);
    }
    const rest = t.total - t.cases.length;
    if (rest > 0) lines.push(`${deeper}... and ${rest}${t.totalIsLowerBound ? ' or more' : ''} more.`);
  }
  const reportLinks = t.reportArns.slice(0, 5).map((arn) => reportUrl(arn, action)).filter((u): u is string => !!u);
  if (reportLinks.length > 0) {
    lines.push(`${INDENT}Test report${reportLinks.length > 1 ? 's' : ''} (sign in to build account${event.account ? ` ${event.account}` : ''}, ${action.region}):`,
      ...reportLinks.map((u) => `${deeper}${u}`));
  }
  return lines;
}

/**
 * The console page of a test report. BatchGetBuilds returns report ARNs as
 * `arn:<partition>:codebuild:<region>:<account>:report/<report group>:<id>`; the console
 * shows a report under codesuite/codebuild/testReports/reports/<report group>/<report group>:<id>
 * (a console route, not an API: not in the API reference). The build's page, CodePipeline's
 * own link, has a Reports tab as well ("In the build page, choose Reports",
 * https://docs.aws.amazon.com/codebuild/latest/userguide/test-view-reports.html).
 */
export function reportUrl(reportArn: string, action: FailedAction): string | undefined {
  const arn = arnParts(reportArn);
  const match = arn?.resource.match(/^report\/([^:]+):(.+)$/);
  if (!arn || !match) return undefined;
  const [, group, id] = match;
  return consoleUrl(arn.partition || action.partition, arn.region || action.region,
    `codesuite/codebuild/testReports/reports/${encodeURIComponent(group)}/${encodeURIComponent(group)}:${encodeURIComponent(id)}`);
}

function otherBody(input: Extract<NotifierInput, { kind: 'other' }>, context: MessageContext): string {
  const region = input.region ?? context.region;
  const lines = [`The pipeline failure notifier received ${input.description}, which it does not handle.`];
  const facts = [
    input.pipeline && `pipeline ${oneLine(input.pipeline, LIMITS.name)}`,
    input.executionId && `execution ${oneLine(input.executionId, 100)}`,
    input.account && `account ${oneLine(input.account, 20)}`,
    region && `region ${oneLine(region, 30)}`,
    input.time && `time ${formatTime(input.time)}`,
  ].filter(Boolean);
  if (facts.length > 0) lines.push(`It names ${facts.join(', ')}.`);
  if (input.pipeline && input.executionId && region) {
    lines.push('', `Pipeline execution (sign in to account ${input.account ?? 'of the pipeline'}, ${region}):`,
      `${INDENT}${pipelineExecutionUrl(context.partition, region, input.pipeline, input.executionId)}`);
  }
  lines.push('', 'Check the EventBridge rule that targets the notifier: it should only pass CodePipeline Pipeline Execution State Change events.');
  for (const problem of context.setupProblems ?? []) lines.push('', `Notifier setup problem: ${problem}.`);
  return `${lines.join('\n')}\n`;
}

function problemOf(lookup: Lookup<unknown>, timeoutMs: number | undefined): string {
  if (lookup.state === 'failed') return oneLine(lookup.problem, LIMITS.error);
  return timeoutMs !== undefined ? `timed out after ${formatSeconds(timeoutMs)}` : 'not finished';
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
