/**
 * The failure notifier's pure parts: reading the event, choosing the cause among stack
 * events, interpreting CodeDeploy and CodeBuild answers, and the message (subject rules,
 * links, truncation, the size cap), over recorded-shape fixtures.
 */
import type { ActionExecutionDetail } from '@aws-sdk/client-codepipeline';
import {
  alarmNamesIn, deploymentFinding, deploymentIdIn, ExecutionEvent, failed, FailedAction, failedActions, Findings, firstFailure,
  involvesCodeDeploy, parseInput, reachesOperationStart, read, READING, testFailures,
} from '../../lambda/failure-notifier/findings';
import { capMessage, formatNotification, formatSubject, MAX_SUBJECT_LENGTH, safeSubject } from '../../lambda/failure-notifier/format';
import {
  actionFailedEvent, alarmStoppedDeployment, BUILD_ACCOUNT, buildSucceeded, DEPLOYMENT_ID, deployWithoutRole, EXECUTION_ID,
  failedExecutionEvent, failedTestCases, hookFailedDeployment, hookFailedTargets, integrationTestsFailed, PIPELINE, PROD_ACCOUNT,
  PROD_STACK, PROD_STACK_ID, prodDeployFailed, prodStackEventsNewestFirst, REGION, REPORT_ARN, ROLLBACK_DEPLOYMENT_ID,
  stackOnlyFailureNewestFirst, succeededExecutionEvent, testBuild,
} from './failure-events';

const context = { partition: 'aws', region: REGION };

function executionEvent(): ExecutionEvent {
  const input = parseInput(failedExecutionEvent);
  if (input.kind !== 'execution') throw new Error('the fixture should parse as an execution event');
  return input;
}

/** The failed actions of the fixtures, as enrichment leaves them once everything was read. */
function enrichedActions(): FailedAction[] {
  const [tests, deploy] = failedActions([buildSucceeded, prodDeployFailed, integrationTestsFailed], REGION, 'aws');
  deploy.stack = {
    events: read(firstFailure(prodStackEventsNewestFirst, deploy.startTime)),
    deployment: { deploymentId: DEPLOYMENT_ID, info: read(deploymentFinding(alarmStoppedDeployment)) },
  };
  tests.tests = read(testFailures(testBuild.id!, testBuild.reportArns!, failedTestCases, false));
  return [tests, deploy];
}

function messageOf(findings: Findings, event: ExecutionEvent = executionEvent()) {
  return formatNotification(event, findings, context);
}

describe('reading the event', () => {
  test('a documented pipeline FAILED event is an execution event with its trigger', () => {
    expect(parseInput(failedExecutionEvent)).toEqual({
      kind: 'execution',
      pipeline: PIPELINE,
      executionId: EXECUTION_ID,
      state: 'FAILED',
      time: '2026-12-03T05:22:24Z',
      account: BUILD_ACCOUNT,
      region: REGION,
      triggerType: 'Webhook',
      triggerDetail: failedExecutionEvent.detail['execution-trigger']['trigger-detail'],
    });
  });

  test('another state of the same detail type is still an execution event', () => {
    expect(parseInput(succeededExecutionEvent)).toMatchObject({ kind: 'execution', state: 'SUCCEEDED', triggerType: undefined });
  });

  test.each([
    ['an action-level event', actionFailedEvent, /"CodePipeline Action Execution State Change" with state FAILED from source "aws.codepipeline"/],
    ['null', null, /not an EventBridge event \(null\)/],
    ['a string', 'FAILED', /not an EventBridge event \(string\)/],
    ['an array', [failedExecutionEvent], /not an EventBridge event \(an array\)/],
    ['an execution event without execution-id', { ...failedExecutionEvent, detail: { pipeline: PIPELINE, state: 'FAILED' } }, /without an execution-id/],
    ['an execution event without detail', { ...failedExecutionEvent, detail: 'x' }, /without a pipeline name/],
  ])('%s is reported as what arrived', (_what, input, description) => {
    const parsed = parseInput(input);
    expect(parsed.kind).toBe('other');
    expect(parsed.kind === 'other' && parsed.description).toMatch(description);
  });
});

describe('the failed actions', () => {
  test('only Failed actions, oldest first, with their account, partition, region and stack', () => {
    const actions = failedActions([prodDeployFailed, buildSucceeded, integrationTestsFailed], REGION, 'aws');

    expect(actions.map((a) => `${a.stageName}/${a.actionName}`)).toEqual(['Test-dev/IntegrationTests', 'Deploy-prod/Deploy']);
    expect(actions[1]).toMatchObject({
      category: 'Deploy', provider: 'CloudFormation', account: PROD_ACCOUNT, partition: 'aws', region: REGION, stackName: PROD_STACK,
      errorCode: 'JobFailed', summary: 'Stack checkin-api-prod in UPDATE_ROLLBACK_COMPLETE state',
    });
    expect(actions[0]).toMatchObject({ category: 'Test', provider: 'CodeBuild', account: undefined, externalExecutionId: testBuild.id });
  });

  test('an action without roleArn has no account and takes the default partition', () => {
    const [action] = failedActions([deployWithoutRole], REGION, 'aws-cn');
    expect(action).toMatchObject({ account: undefined, partition: 'aws-cn', stackName: 'checkin-tools', region: REGION });
  });

  test('a stage retried in the same execution counts its latest run only', () => {
    const retried: ActionExecutionDetail = { ...prodDeployFailed, status: 'Succeeded', startTime: new Date('2026-12-03T06:00:00Z') };
    expect(failedActions([prodDeployFailed, retried, integrationTestsFailed], REGION, 'aws').map((a) => a.stageName)).toEqual(['Test-dev']);
  });
});

describe('the first failed resource', () => {
  const since = prodDeployFailed.startTime;

  test('is the earliest failure of this operation that is neither a cascade nor the stack itself', () => {
    expect(firstFailure(prodStackEventsNewestFirst, since)).toMatchObject({
      logicalId: 'ApiAliasLive', resourceType: 'AWS::Lambda::Alias', status: 'UPDATE_FAILED', isStack: false, stackId: PROD_STACK_ID,
    });
  });

  test('the start of the operation bounds the search even without the action\'s start time', () => {
    expect(firstFailure(prodStackEventsNewestFirst)?.logicalId).toBe('ApiAliasLive');
  });

  test('only a cascade and the stack failed: the stack\'s own event, not the cancelled resource', () => {
    const events = prodStackEventsNewestFirst.filter((e) => e.LogicalResourceId !== 'ApiAliasLive');
    expect(firstFailure(events, since)).toMatchObject({ isStack: true, status: 'UPDATE_ROLLBACK_IN_PROGRESS' });
  });

  test('a stack whose own event failed and no resource: the stack\'s event', () => {
    expect(firstFailure(stackOnlyFailureNewestFirst, since)).toMatchObject({ isStack: true, status: 'UPDATE_FAILED', reason: expect.stringMatching(/cannot be assumed/) });
  });

  test('no stack events, or none that failed since the action started: nothing', () => {
    expect(firstFailure([], since)).toBeUndefined();
    expect(firstFailure(prodStackEventsNewestFirst.slice(8), since)).toBeUndefined();
  });

  test('a page reaches the operation start at its User Initiated event or at an event older than the action', () => {
    expect(reachesOperationStart(prodStackEventsNewestFirst.slice(0, 5), since)).toBe(false);
    expect(reachesOperationStart(prodStackEventsNewestFirst.slice(0, 8), since)).toBe(true);
    expect(reachesOperationStart(prodStackEventsNewestFirst.slice(8, 9), since)).toBe(true);
  });
});

describe('CodeDeploy', () => {
  test('a deployment id is d- and nine upper-case letters or digits', () => {
    expect(deploymentIdIn(`see ${DEPLOYMENT_ID}.`)).toBe(DEPLOYMENT_ID);
    expect(deploymentIdIn('d-short and d-lowercase9')).toBeUndefined();
    expect(deploymentIdIn(undefined)).toBeUndefined();
  });

  test('a failed alias, or a reason naming a deployment, is looked up in CodeDeploy', () => {
    const alias = firstFailure(prodStackEventsNewestFirst, prodDeployFailed.startTime);
    expect(involvesCodeDeploy(alias)).toBe(true);
    expect(involvesCodeDeploy({ isStack: false, resourceType: 'AWS::DynamoDB::Table', reason: 'throttled' })).toBe(false);
    expect(involvesCodeDeploy({ isStack: false, resourceType: 'Custom::Thing', reason: `deployment ${DEPLOYMENT_ID} failed` })).toBe(true);
    expect(involvesCodeDeploy(undefined)).toBe(false);
  });

  test('ALARM_ACTIVE: stopped by the alarms named in the message, with the rollback', () => {
    expect(deploymentFinding(alarmStoppedDeployment)).toMatchObject({
      deploymentId: DEPLOYMENT_ID, status: 'Stopped', errorCode: 'ALARM_ACTIVE', stoppedByAlarm: true,
      alarms: ['checkin-api-prod-Errors', 'checkin-api-prod-Latency-p99'],
      rollbackDeploymentId: ROLLBACK_DEPLOYMENT_ID, failedHooks: [],
    });
  });

  test('ALARM_ACTIVE without names in the message: the deployment\'s own alarm configuration, else none', () => {
    const unnamed = { ...alarmStoppedDeployment, errorInformation: { code: 'ALARM_ACTIVE' as const, message: 'Alarms were activated.' } };
    expect(deploymentFinding(unnamed).alarms).toEqual([]);
    expect(deploymentFinding({ ...unnamed, overrideAlarmConfiguration: { enabled: true, alarms: [{ name: 'override-alarm' }] } }).alarms).toEqual(['override-alarm']);
    expect(alarmNamesIn('Activated alarms: <a> <b c>')).toEqual(['a', 'b c']);
  });

  test('a failed hook: the lifecycle event and its diagnostics', () => {
    expect(deploymentFinding(hookFailedDeployment, hookFailedTargets)).toMatchObject({
      stoppedByAlarm: false,
      failedHooks: [{ lifecycleEvent: 'BeforeAllowTraffic', errorCode: 'ScriptFailed', message: expect.stringMatching(/GET \/version answered 502/) }],
    });
  });
});

describe('the message', () => {
  test('names the failed actions, the cause in the target account, the alarm, the failed tests and the links', () => {
    const { subject, body } = messageOf({ actions: read(enrichedActions()) });

    expect(subject).toBe('Pipeline checkin-pipeline FAILED: Test-dev/IntegrationTests (+1 more)');
    expect(body).toContain(`Pipeline checkin-pipeline: execution ${EXECUTION_ID} FAILED at 2026-12-03 05:22:24 UTC.`);
    expect(body).toContain(`Build account ${BUILD_ACCOUNT}, region ${REGION}.`);
    expect(body).toContain(`Pipeline execution (sign in to build account ${BUILD_ACCOUNT}, ${REGION}):\n   https://${REGION}.console.aws.amazon.com/codesuite/codepipeline/pipelines/${PIPELINE}/executions/${EXECUTION_ID}/timeline?region=${REGION}`);
    expect(body).toContain('2 actions failed:');

    // The deployment into prod.
    expect(body).toContain(`2. Stage Deploy-prod, action Deploy (Deploy, CloudFormation), account ${PROD_ACCOUNT}, ${REGION}`);
    expect(body).toContain('Ran from 2026-12-03 05:10:02 UTC until 2026-12-03 05:21:50 UTC.');
    expect(body).toContain('Error: JobFailed: Stack checkin-api-prod in UPDATE_ROLLBACK_COMPLETE state');
    expect(body).toContain(`Stack ${PROD_STACK} in account ${PROD_ACCOUNT}, ${REGION}:`);
    expect(body).toContain('First failed resource: ApiAliasLive (AWS::Lambda::Alias), UPDATE_FAILED at 2026-12-03 05:20:11 UTC.');
    expect(body).toContain(`Reason: Resource handler returned message: "CodeDeploy deployment ${DEPLOYMENT_ID} did not succeed`);
    expect(body).not.toMatch(/CheckinTable|OldQueue/);
    expect(body).toContain(`CodeDeploy deployment ${DEPLOYMENT_ID}: Stopped.`);
    expect(body).toContain('Stopped by an alarm: checkin-api-prod-Errors, checkin-api-prod-Latency-p99.');
    expect(body).toContain(`Rollback ${ROLLBACK_DEPLOYMENT_ID}: Deployment ${DEPLOYMENT_ID} terminated.`);
    expect(body).toContain(`Links (sign in to account ${PROD_ACCOUNT}, ${REGION}):`);
    expect(body).toContain(`Stack events: https://${REGION}.console.aws.amazon.com/cloudformation/home?region=${REGION}#/stacks/events?stackId=${encodeURIComponent(PROD_STACK_ID)}`);
    expect(body).toContain(`CodeDeploy deployment: https://${REGION}.console.aws.amazon.com/codesuite/codedeploy/deployments/${DEPLOYMENT_ID}?region=${REGION}`);

    // The tests in the build account.
    expect(body).toContain(`1. Stage Test-dev, action IntegrationTests (Test, CodeBuild), build account ${BUILD_ACCOUNT}, ${REGION}`);
    expect(body).toContain('12 tests failed:');
    expect(body).toContain('- checkin api > POST /checkins rejects case 1: expected 400, got 500\n');
    expect(body).not.toContain('at Object.<anonymous>');
    expect(body).toContain('- checkin api > POST /checkins rejects case 10: expected 400, got 500');
    expect(body).not.toContain('rejects case 11');
    expect(body).toContain('... and 2 more.');
    expect(body).toContain(`Test report (sign in to build account ${BUILD_ACCOUNT}, ${REGION}):\n      https://${REGION}.console.aws.amazon.com/codesuite/codebuild/testReports/reports/checkin-IntegrationTests-reports/${REPORT_ARN.split('/')[1]}?region=${REGION}`);
    expect(body).not.toMatch(/could not be read/);
  });

  test('a test message keeps its first line, cut short', () => {
    const actions = enrichedActions();
    const line = (body: string) => body.split('\n').find((l) => l.includes('rejects case 1:'))!;
    expect(line(messageOf({ actions: read(actions) }).body)).toMatch(/rejects case 1: expected 400, got 500$/);

    actions[0].tests = read(testFailures(testBuild.id!, testBuild.reportArns!, [{ ...failedTestCases[0], message: `\n${'m'.repeat(5_000)}\nsecond` }], false));
    const long = line(messageOf({ actions: read(actions) }).body);
    expect(long.length).toBeLessThan(360);
    expect(long).toMatch(/: m+…$/);
  });

  test('a failed hook is named with its reason', () => {
    const [action] = failedActions([prodDeployFailed], REGION, 'aws');
    action.stack = {
      events: read(firstFailure(prodStackEventsNewestFirst, action.startTime)),
      deployment: { deploymentId: DEPLOYMENT_ID, info: read(deploymentFinding(hookFailedDeployment, hookFailedTargets)) },
    };
    const { body } = messageOf({ actions: read([action]) });

    expect(body).toContain('HOOK_EXECUTION_FAILURE: The deployment failed because one or more of the lifecycle event hooks failed.');
    expect(body).toContain('Hook BeforeAllowTraffic failed (ScriptFailed): The hook checkin-api-prod-PreTrafficHook reported Failed: GET /version answered 502');
    expect(body).not.toContain('Stopped by an alarm');
  });

  test('a deployment without errorInformation, and one whose hooks could not be read', () => {
    const [action] = failedActions([prodDeployFailed], REGION, 'aws');
    action.stack = {
      events: read(firstFailure(prodStackEventsNewestFirst, action.startTime)),
      deployment: { deploymentId: DEPLOYMENT_ID, info: read(deploymentFinding({ deploymentId: DEPLOYMENT_ID, status: 'Failed' }, [], undefined, 'ListDeploymentTargets: AccessDeniedException: no')) },
    };
    const { body } = messageOf({ actions: read([action]) });

    expect(body).toContain(`CodeDeploy deployment ${DEPLOYMENT_ID}: Failed.`);
    expect(body).toContain('CodeDeploy gave no error information.');
    expect(body).toContain('Its hooks could not be read: ListDeploymentTargets: AccessDeniedException: no.');
  });

  test('when nothing could be read: the basic message and ONE line saying why', () => {
    const { subject, body } = messageOf({ actions: failed('ListActionExecutions: AccessDeniedException: not authorized') });

    expect(subject).toBe('Pipeline checkin-pipeline FAILED');
    expect(body.match(/could not be read/g)).toHaveLength(1);
    expect(body).toContain('Details could not be read: ListActionExecutions: AccessDeniedException: not authorized.');
    expect(body).toContain(`/executions/${EXECUTION_ID}/timeline`);
  });

  test('when time ran out: what was read, and the parts still being read as timed out', () => {
    const [action] = failedActions([prodDeployFailed], REGION, 'aws');
    action.stack = { events: READING };
    expect(messageOf({ actions: READING, timedOutAfterMs: 20_000 }).body).toContain('Details could not be read: timed out after 20 s.');

    const { body } = messageOf({ actions: read([action]), timedOutAfterMs: 1_500 });
    expect(body).toContain('Error: JobFailed');
    expect(body).toContain('Stack events could not be read: timed out after 1.5 s.');
    expect(body.match(/could not be read/g)).toHaveLength(1);
  });

  test('no failed stack event, no report, no role ARN: each said plainly', () => {
    const [tests, noRole, deploy] = failedActions([deployWithoutRole, prodDeployFailed, integrationTestsFailed], REGION, 'aws');
    deploy.stack = { events: read(undefined) };
    noRole.stack = { events: failed('the action has no role ARN: it ran with the pipeline\'s own role, and the notifier reads only target accounts') };
    tests.tests = read(testFailures(testBuild.id!, [], [], false));
    const { body } = messageOf({ actions: read([tests, noRole, deploy]) });

    expect(body).toContain('No stack event of this deployment failed');
    expect(body).toContain(`The build ${testBuild.id} wrote no test report.`);
    expect(body).toContain(`2. Stage Deploy-tools, action Deploy (Deploy, CloudFormation), build account ${BUILD_ACCOUNT}, ${REGION}`);
    expect(body).toContain('Stack checkin-tools in the pipeline\'s account');
    expect(body).toContain('Stack events could not be read: the action has no role ARN');
  });

  test('an extremely long reason is cut, on one line', () => {
    const [action] = failedActions([prodDeployFailed], REGION, 'aws');
    action.stack = { events: read({ isStack: false, logicalId: 'Fn', resourceType: 'AWS::Lambda::Function', status: 'CREATE_FAILED', reason: `bad\r\n${'x'.repeat(100_000)}` }) };
    const { body } = messageOf({ actions: read([action]) });
    const reason = body.split('\n').find((l) => l.includes('Reason: bad'))!;

    expect(reason.trim().length).toBeLessThanOrEqual('Reason: '.length + 2_000);
    expect(reason).toMatch(/^ +Reason: bad x+…$/);
  });

  test('no failed action found: said, with the link', () => {
    const { subject, body } = messageOf({ actions: read([]) });
    expect(subject).toBe('Pipeline checkin-pipeline FAILED');
    expect(body).toContain('No action of this execution is marked Failed');
  });

  test('another state: the basic message, nothing read', () => {
    const input = parseInput(succeededExecutionEvent);
    const { subject, body } = formatNotification(input, {}, context);
    expect(subject).toBe('Pipeline checkin-pipeline SUCCEEDED');
    expect(body).toContain(`execution ${EXECUTION_ID} SUCCEEDED`);
    expect(body).toContain('reads details only for FAILED executions');
  });

  test('an unexpected input: one message saying what arrived, with a link when it can', () => {
    const other = formatNotification(parseInput(actionFailedEvent), {}, { ...context, setupProblems: ['READ_ONLY_ROLE_NAME is not set'] });
    expect(other.subject).toBe(`Pipeline notifier: unexpected event for ${PIPELINE}`);
    expect(other.body).toContain('received an event of type "CodePipeline Action Execution State Change" with state FAILED');
    expect(other.body).toContain(`/executions/${EXECUTION_ID}/timeline`);
    expect(other.body).toContain('Notifier setup problem: READ_ONLY_ROLE_NAME is not set.');

    const garbage = formatNotification(parseInput(42), {}, context);
    expect(garbage.subject).toBe('Pipeline notifier: unexpected event');
    expect(garbage.body).toContain('an input that is not an EventBridge event (number)');
  });

  test('a pipeline or action name with a line break or bidi and zero-width characters stays on its line, every hidden character written out', () => {
    const hostile = { ...failedExecutionEvent, detail: { ...failedExecutionEvent.detail, pipeline: 'checkin\nApproved: yes\u202Eevil\u200B' } };
    const input = parseInput(hostile);
    const [deploy] = failedActions([{ ...prodDeployFailed, stageName: 'Prod\u2066Deploy\r\nOK' }], REGION, 'aws');
    const { subject, body } = formatNotification(input, { actions: read([deploy]) }, context);
    expect(body).not.toMatch(/[\u200b-\u200f\u202a-\u202e\u2066-\u2069\r]/);
    expect(body.split('\n')[0]).toMatch(new RegExp(`^Pipeline checkin Approved: yes<U\\+202E>evil<U\\+200B>: execution ${EXECUTION_ID} FAILED`));
    expect(body).toContain('/pipelines/checkin%0AApproved:%20yes%E2%80%AEevil%E2%80%8B/executions/');
    expect(body).not.toMatch(/^Approved: yes/m);
    expect(body).toContain('Stage Prod<U+2066>Deploy OK, action');
    expect(subject).toMatch(/^[\x20-\x7e]+$/);
  });

  test('links follow the partition', () => {
    const { body } = formatNotification(executionEvent(), { actions: read([]) }, { partition: 'aws-cn', region: 'cn-north-1' });
    expect(body).toContain(`https://console.amazonaws.cn/codesuite/codepipeline/pipelines/${PIPELINE}/executions/${EXECUTION_ID}/timeline?region=${REGION}`);
  });
});

describe('the subject', () => {
  const rules = (subject: string) => {
    expect(subject.length).toBeLessThanOrEqual(MAX_SUBJECT_LENGTH);
    expect(subject).toMatch(/^[\x20-\x7e]+$/);
    expect(subject).toMatch(/^[A-Za-z0-9\p{P}]/u);
  };

  test('is ASCII, one line, under 100 characters, whatever the names', () => {
    const long = { ...executionEvent(), pipeline: `p${'ü-\n'.repeat(200)}` };
    const subject = formatSubject(long, { actions: read(enrichedActions()) });
    rules(subject);
    expect(subject).toMatch(/\.\.\. \(\+1 more\)$/);
    rules(safeSubject('\n\t'));
    expect(safeSubject('\n\t')).toBe('Pipeline notification');
    rules(safeSubject('Pipeline é — ok'));
    expect(safeSubject('Pipeline é — ok')).toBe('Pipeline ? ? ok');
  });
});

describe('the size cap', () => {
  test('cuts at a character boundary and says so', () => {
    const body = '€'.repeat(50_000); // 150,000 bytes
    const capped = capMessage(body, 64 * 1024);

    expect(Buffer.byteLength(capped, 'utf8')).toBeLessThanOrEqual(64 * 1024);
    expect(capped).not.toContain('\uFFFD');
    expect(capped).toMatch(/\[Message cut at 64 KB; the links above lead to the rest\.\]$/);
    expect(capMessage('short', 64 * 1024)).toBe('short');
  });

  test('a message with very many failed actions stays under the cap', () => {
    const many = Array.from({ length: 400 }, (_, i) => ({ ...prodDeployFailed, stageName: `Stage${i}`, actionName: 'Deploy',
      output: { executionResult: { errorDetails: { code: 'JobFailed', message: 'y'.repeat(5_000) }, externalExecutionSummary: 'z'.repeat(5_000) } } }));
    const actions = failedActions(many, REGION, 'aws');
    actions.forEach((a) => { a.stack = { events: failed('x'.repeat(5_000)) }; });
    const { body } = messageOf({ actions: read(actions) });

    expect(Buffer.byteLength(body, 'utf8')).toBeLessThanOrEqual(64 * 1024);
    expect(body).toContain(`/executions/${EXECUTION_ID}/timeline`);
    expect(body).toMatch(/\[Message cut at 64 KB/);
  });
});
