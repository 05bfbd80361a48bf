/**
 * The failure notifier's handler as Lambda runs it (module-scope setup, real AWS SDK
 * clients), with every AWS endpoint overridden to a local HTTP server on 127.0.0.1 through
 * the SDK's own AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE>. The server plays CodePipeline,
 * CodeDeploy and CodeBuild (JSON 1.1) and STS, CloudFormation and SNS (query protocol, XML
 * answers) and records what arrives: the requests on the wire, not a mock's view of them.
 */
import type { StackEvent } from '@aws-sdk/client-cloudformation';
import type { Context } from 'aws-lambda';
import { isolateAws } from '../../../../test-support/isolated-aws';
import { CannedResponse, LocalServer, RecordedRequest } from '../../../../test-support/local-server';
import {
  assumeRoleAnswer, CFN_NAMESPACE, jsonAnswer, jsonError, jsonOperation, localAwsEnvironment, queryFields, SNS_NAMESPACE, toXml,
  xmlAnswer, xmlError,
} from './aws-wire';
import {
  alarmStoppedDeployment, BUILD_ACCOUNT, buildSucceeded, DEPLOYMENT_ID, EXECUTION_ID, failedExecutionEvent, failedTestCases,
  hookFailedDeployment, hookFailedTargets, integrationTestsFailed, PIPELINE, PROD_ACCOUNT, PROD_STACK, prodDeployFailed,
  prodStackEventsNewestFirst, READ_ONLY_ROLE_NAME, REGION, REPORT_ARN, succeededExecutionEvent, testBuild, TOPIC_ARN,
  actionFailedEvent, stackEvent,
} from './failure-events';

type Handler = (event: unknown, context: Context) => Promise<{ messageId?: string; subject: string }>;
type Answer = (request: RecordedRequest) => CannedResponse;

const READ_ONLY_ROLE_ARN = `arn:aws:iam::${PROD_ACCOUNT}:role/${READ_ONLY_ROLE_NAME}`;
/** The keys of the local environment (the function's role) and of the session assumeRoleAnswer hands out. */
const BUILD_KEY = localAwsEnvironment('').AWS_ACCESS_KEY_ID;
const ASSUMED_KEY = 'ASIATARGETACCOUNT';
const ASSUMED_TOKEN = 'target-session-token';

/** Every operation the notifier may call besides Publish: reads, and the AssumeRole that leads to reads. */
const READ_OPERATIONS = new Set([
  'ListActionExecutions', 'AssumeRole', 'DescribeStackEvents', 'GetDeployment', 'ListDeploymentTargets',
  'BatchGetDeploymentTargets', 'BatchGetBuilds', 'DescribeTestCases', 'DescribeAlarmHistory',
]);

function lambdaContext(remainingMs: number): Context {
  const deadline = Date.now() + remainingMs;
  return { getRemainingTimeInMillis: () => deadline - Date.now() } as Context;
}

/** Loads the handler afresh, as a new Lambda container would, with this environment. */
function loadHandler(env: Record<string, string>): Handler {
  Object.assign(process.env, env);
  let handler: Handler | undefined;
  jest.isolateModules(() => {
    handler = require('../../lambda/failure-notifier').handler;
  });
  return handler!;
}

/** The operation of a request: JSON 1.1 names it in X-Amz-Target, the query protocol in Action=. */
function operationOf(request: RecordedRequest): string {
  return jsonOperation(request) ?? queryFields(request).Action ?? `${request.method} ${request.url}`;
}

/** The access key a request was signed with. */
function signingKey(request: RecordedRequest): string | undefined {
  return /Credential=([^/]+)\//.exec(String(request.headers.authorization))?.[1];
}

/** A JSON 1.1 answer of fixtures in the SDK's shape: the protocol sends timestamps as epoch seconds. */
function json(body: unknown): CannedResponse {
  return jsonAnswer(JSON.parse(JSON.stringify(body, function epochSeconds(this: Record<string, unknown>, key, value) {
    const raw = this[key];
    return raw instanceof Date ? raw.getTime() / 1000 : value;
  })));
}

function stackEventsXml(events: StackEvent[], nextToken?: string): CannedResponse {
  return xmlAnswer('DescribeStackEvents', toXml({ StackEvents: events, NextToken: nextToken }), CFN_NAMESPACE);
}

/** The answers of a healthy account: two pages of actions, two pages of stack events, an alarm-stopped deployment, 12 failed tests. */
const HEALTHY: Record<string, Answer> = {
  ListActionExecutions: (r) => (JSON.parse(r.body).nextToken === 'actions-2'
    ? json({ actionExecutionDetails: [prodDeployFailed] })
    : json({ actionExecutionDetails: [buildSucceeded, integrationTestsFailed], nextToken: 'actions-2' })),
  AssumeRole: (r) => assumeRoleAnswer(queryFields(r).RoleArn),
  DescribeStackEvents: (r) => (queryFields(r).NextToken === 'events-2'
    ? stackEventsXml(prodStackEventsNewestFirst.slice(5))
    : stackEventsXml(prodStackEventsNewestFirst.slice(0, 5), 'events-2')),
  GetDeployment: () => json({ deploymentInfo: alarmStoppedDeployment }),
  BatchGetBuilds: () => json({ builds: [testBuild], buildsNotFound: [] }),
  DescribeTestCases: () => json({ testCases: failedTestCases }),
  Publish: () => xmlAnswer('Publish', '<MessageId>msg-1</MessageId>', SNS_NAMESPACE),
};

function fakeAws(overrides: Record<string, Answer> = {}): Answer {
  const answers = { ...HEALTHY, ...overrides };
  return (request) => answers[operationOf(request)]?.(request) ?? jsonError(400, 'UnknownOperationException', operationOf(request));
}

describe('the failure notifier on the wire', () => {
  let server: LocalServer;
  let restoreEnvironment: () => void;

  beforeEach(() => {
    restoreEnvironment = isolateAws();
  });
  afterEach(async () => {
    restoreEnvironment();
    await server?.stop();
  });

  /** The environment the construct sets, with every endpoint on the local server (region eu-west-1). */
  function notifierEnv(): Record<string, string> {
    return { ...localAwsEnvironment(server.url), TOPIC_ARN, READ_ONLY_ROLE_NAME };
  }

  const requestsOf = (operation: string) => server.requests.filter((r) => operationOf(r) === operation);

  /** The one Publish: asserts there is exactly one, and returns its subject and message. */
  function thePublish(): { subject: string; message: string; topicArn: string } {
    const publishes = requestsOf('Publish');
    expect(publishes).toHaveLength(1);
    const { Subject, Message, TopicArn } = queryFields(publishes[0]);
    return { subject: Subject, message: Message, topicArn: TopicArn };
  }

  function expectOnlyReadsAndOnePublish(): void {
    const writes = server.requests.map(operationOf).filter((op) => !READ_OPERATIONS.has(op));
    expect(writes).toEqual(['Publish']);
  }

  test('a failed execution: one Publish naming the failed actions, the first failed resource, the alarm and the failed tests', async () => {
    server = await LocalServer.start(fakeAws());
    const handler = loadHandler(notifierEnv());

    const outcome = await handler(failedExecutionEvent, lambdaContext(60_000));

    expect(outcome).toEqual({ messageId: 'msg-1', subject: 'Pipeline checkin-pipeline FAILED: Test-dev/IntegrationTests (+1 more)' });
    const { subject, message, topicArn } = thePublish();
    expect(topicArn).toBe(TOPIC_ARN);
    expect(subject).toBe(outcome.subject);
    expect(message).toContain(`execution ${EXECUTION_ID} FAILED at 2026-12-03 05:22:24 UTC`);
    expect(message).toContain(`Stage Deploy-prod, action Deploy (Deploy, CloudFormation), account ${PROD_ACCOUNT}, ${REGION}`);
    expect(message).toContain('First failed resource: ApiAliasLive (AWS::Lambda::Alias), UPDATE_FAILED at 2026-12-03 05:20:11 UTC.');
    expect(message).toContain(`CodeDeploy deployment ${DEPLOYMENT_ID}: Stopped.`);
    expect(message).toContain('Stopped by an alarm: checkin-api-prod-Errors, checkin-api-prod-Latency-p99.');
    expect(message).toContain('12 tests failed:');
    expect(message).toContain('... and 2 more.');
    expect(message).toContain(`Links (sign in to account ${PROD_ACCOUNT}, ${REGION}):`);
    expect(message).toContain(`Test report (sign in to build account ${BUILD_ACCOUNT}, ${REGION}):`);
    expect(message).not.toMatch(/could not be read/);
    expectOnlyReadsAndOnePublish();

    // ListActionExecutions: filtered by the execution, the second page asked with the token.
    const lists = requestsOf('ListActionExecutions').map((r) => JSON.parse(r.body));
    expect(lists).toEqual([
      { pipelineName: PIPELINE, filter: { pipelineExecutionId: EXECUTION_ID }, maxResults: 100 },
      { pipelineName: PIPELINE, filter: { pipelineExecutionId: EXECUTION_ID }, maxResults: 100, nextToken: 'actions-2' },
    ]);

    // AssumeRole: the read-only role of the prod account, once, as the function's own role.
    const [assume, ...moreAssumes] = requestsOf('AssumeRole');
    expect(moreAssumes).toEqual([]);
    expect(queryFields(assume).RoleArn).toBe(READ_ONLY_ROLE_ARN);
    expect(queryFields(assume).RoleSessionName).toBe('failure-notifier');
    expect(signingKey(assume)).toBe(BUILD_KEY);
    expect(assume.headers.authorization).toMatch(new RegExp(`/${REGION}/sts/aws4_request`));

    // The target account is read with the assumed session, in its region; the build account with the function's role.
    const stackReads = requestsOf('DescribeStackEvents');
    expect(stackReads.map((r) => queryFields(r).StackName)).toEqual([PROD_STACK, PROD_STACK]);
    expect(queryFields(stackReads[1]).NextToken).toBe('events-2');
    for (const r of [...stackReads, ...requestsOf('GetDeployment')]) {
      expect(signingKey(r)).toBe(ASSUMED_KEY);
      expect(r.headers['x-amz-security-token']).toBe(ASSUMED_TOKEN);
    }
    expect(stackReads[0].headers.authorization).toMatch(new RegExp(`/${REGION}/cloudformation/aws4_request`));
    expect(JSON.parse(requestsOf('GetDeployment')[0].body)).toEqual({ deploymentId: DEPLOYMENT_ID });
    // An alarm explains the stop: the hooks are not read.
    expect(requestsOf('ListDeploymentTargets')).toEqual([]);

    for (const r of [...requestsOf('BatchGetBuilds'), ...requestsOf('DescribeTestCases'), ...requestsOf('Publish')]) {
      expect(signingKey(r)).toBe(BUILD_KEY);
    }
    expect(JSON.parse(requestsOf('BatchGetBuilds')[0].body)).toEqual({ ids: [testBuild.id] });
    expect(JSON.parse(requestsOf('DescribeTestCases')[0].body)).toEqual({ reportArn: REPORT_ARN, filter: { status: 'FAILED' }, maxResults: 100 });
  });

  test('a failed hook: the deployment\'s targets are read and the hook\'s reason is in the message', async () => {
    server = await LocalServer.start(fakeAws({
      GetDeployment: () => json({ deploymentInfo: hookFailedDeployment }),
      ListDeploymentTargets: () => json({ targetIds: ['checkin-api-prod:live'] }),
      BatchGetDeploymentTargets: () => json({ deploymentTargets: hookFailedTargets }),
    }));
    const handler = loadHandler(notifierEnv());

    await handler(failedExecutionEvent, lambdaContext(60_000));

    const { message } = thePublish();
    expect(message).toContain('Hook BeforeAllowTraffic failed (ScriptFailed): The hook checkin-api-prod-PreTrafficHook reported Failed: GET /version answered 502');
    expect(JSON.parse(requestsOf('BatchGetDeploymentTargets')[0].body)).toEqual({ deploymentId: DEPLOYMENT_ID, targetIds: ['checkin-api-prod:live'] });
    expect(signingKey(requestsOf('BatchGetDeploymentTargets')[0])).toBe(ASSUMED_KEY);
    expectOnlyReadsAndOnePublish();
  });

  test('a release reverted by an alarm: the email names the alarm, when it went off, what crossed, and that the release was undone', async () => {
    // CloudFormation's wording of a rollback trigger's event is not documented
    // (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-rollback-triggers.html):
    // the notifier relies only on the alarm's ARN being in the stack's reason.
    const alarmArn = `arn:aws:cloudwatch:${REGION}:${PROD_ACCOUNT}:alarm:checkin-api-prod-ReleaseHealth`;
    const reverted = [
      stackEvent('05:21:40', PROD_STACK, 'AWS::CloudFormation::Stack', 'UPDATE_ROLLBACK_COMPLETE'),
      stackEvent('05:19:02', PROD_STACK, 'AWS::CloudFormation::Stack', 'UPDATE_ROLLBACK_IN_PROGRESS', `Rollback trigger ${alarmArn} went into ALARM state.`),
      stackEvent('05:12:01', 'ApiAliasLive', 'AWS::Lambda::Alias', 'UPDATE_COMPLETE'),
      stackEvent('05:10:20', PROD_STACK, 'AWS::CloudFormation::Stack', 'UPDATE_IN_PROGRESS', 'User Initiated'),
    ];
    // DescribeAlarmHistory's HistoryData: JSON with newState.stateReason (API_AlarmHistoryItem).
    const history = {
      AlarmHistoryItems: [{
        AlarmName: 'checkin-api-prod-ReleaseHealth', Timestamp: Date.parse('2026-12-03T05:18:57Z') / 1000, HistoryItemType: 'StateUpdate',
        HistorySummary: 'Alarm updated from OK to ALARM',
        HistoryData: JSON.stringify({ version: '1.0', oldState: { stateValue: 'OK' }, newState: { stateValue: 'ALARM', stateReason: 'Threshold Crossed: 1 datapoint [7.0 (03/12/26 05:17:00)] was greater than or equal to the threshold (1.0).' } }),
      }],
    };
    // The failed action: prod's ExecuteChangeSet, whose resolved configuration names the change set it executed.
    const executeFailed = {
      ...prodDeployFailed, stageName: 'ProdDeploy', actionName: 'ExecuteChangeSet',
      input: {
        ...prodDeployFailed.input,
        configuration: { ActionMode: 'CHANGE_SET_EXECUTE', StackName: PROD_STACK, ChangeSetName: '#{ProdReview.ChangeSetName}' },
        resolvedConfiguration: { StackName: PROD_STACK, ChangeSetName: 'checkin-0f6e2a1c-1111-2222-3333-444455556666' },
      },
    };
    server = await LocalServer.start(fakeAws({
      ListActionExecutions: () => json({ actionExecutionDetails: [buildSucceeded, executeFailed] }),
      DescribeStackEvents: () => stackEventsXml(reverted),
      DescribeAlarmHistory: () => jsonAnswer(history, '1.0'),
    }));
    const handler = loadHandler(notifierEnv());
    await handler(failedExecutionEvent, lambdaContext(60_000));
    const { message } = thePublish();
    expect(message).toContain('No resource failed; the stack itself: UPDATE_ROLLBACK_IN_PROGRESS at 2026-12-03 05:19:02 UTC.');
    expect(message).toContain('Reverted by alarm checkin-api-prod-ReleaseHealth at 2026-12-03 05:18:57 UTC.');
    expect(message).toContain('What crossed: Threshold Crossed: 1 datapoint [7.0 (03/12/26 05:17:00)] was greater than or equal to the threshold (1.0).');
    expect(message).toContain('Stage ProdDeploy, action ExecuteChangeSet (Deploy, CloudFormation)');
    expect(message).toContain('CloudFormation rolled this release back (change set checkin-0f6e2a1c-1111-2222-3333-444455556666): the stack is as it was before the change set executed, with no person needed.');
    const [historyRead] = requestsOf('DescribeAlarmHistory');
    expect(JSON.parse(historyRead.body)).toEqual({
      AlarmName: 'checkin-api-prod-ReleaseHealth', HistoryItemType: 'StateUpdate', ScanBy: 'TimestampDescending', MaxRecords: 20,
      StartDate: Date.parse('2026-12-03T05:10:02Z') / 1000,
    });
    expect(signingKey(historyRead)).toBe(ASSUMED_KEY);
    // No deployment is read for a revert: no resource failed.
    expect(requestsOf('GetDeployment')).toEqual([]);
    expectOnlyReadsAndOnePublish();
  });

  test('a stack rollback whose reason names no alarm is quoted as it is: no alarm is guessed', async () => {
    const rolledBack = [
      stackEvent('05:19:02', PROD_STACK, 'AWS::CloudFormation::Stack', 'UPDATE_ROLLBACK_IN_PROGRESS', 'Rollback requested by user.'),
      stackEvent('05:10:20', PROD_STACK, 'AWS::CloudFormation::Stack', 'UPDATE_IN_PROGRESS', 'User Initiated'),
    ];
    server = await LocalServer.start(fakeAws({ DescribeStackEvents: () => stackEventsXml(rolledBack) }));
    const handler = loadHandler(notifierEnv());
    await handler(failedExecutionEvent, lambdaContext(60_000));
    const { message } = thePublish();
    expect(message).toContain('Reason: Rollback requested by user.');
    expect(message).not.toContain('Reverted by alarm');
    expect(requestsOf('DescribeAlarmHistory')).toEqual([]);
  });

  test('AssumeRole denied: one Publish, the stack part says it could not be read and why, the rest is there', async () => {
    server = await LocalServer.start(fakeAws({
      AssumeRole: () => xmlError(403, 'AccessDenied', `User: arn:aws:sts::${BUILD_ACCOUNT}:assumed-role/notifier/fn is not authorized to perform: sts:AssumeRole on resource: ${READ_ONLY_ROLE_ARN}`),
    }));
    const handler = loadHandler(notifierEnv());

    await handler(failedExecutionEvent, lambdaContext(60_000));

    const { message } = thePublish();
    expect(message).toContain(`Stack events could not be read: could not assume ${READ_ONLY_ROLE_ARN}: AssumeRole: AccessDenied: User: arn:aws:sts::${BUILD_ACCOUNT}`);
    expect(message.match(/could not be read/g)).toHaveLength(1);
    expect(message).toContain('Error: JobFailed: Stack checkin-api-prod in UPDATE_ROLLBACK_COMPLETE state');
    expect(message).toContain('12 tests failed:');
    expect(requestsOf('AssumeRole')).toHaveLength(1); // a 403 is not retried
    expect(requestsOf('DescribeStackEvents')).toEqual([]);
    expectOnlyReadsAndOnePublish();
  });

  test('with environments in several regions, the action\'s region picks its read-only role; a region without one is said, not guessed', async () => {
    server = await LocalServer.start(fakeAws());
    const byRegion = { [REGION]: 'checkin-eu-west-1-ReadOnlyRole', 'us-west-2': 'checkin-us-west-2-ReadOnlyRole' };
    let handler = loadHandler({ ...notifierEnv(), READ_ONLY_ROLE_NAME_BY_REGION: JSON.stringify(byRegion) });
    await handler(failedExecutionEvent, lambdaContext(60_000));
    expect(requestsOf('AssumeRole').map((r) => queryFields(r).RoleArn)).toEqual([`arn:aws:iam::${PROD_ACCOUNT}:role/${byRegion[REGION]}`]);
    expect(thePublish().message).toContain('First failed resource: ApiAliasLive');

    server.requests.length = 0;
    handler = loadHandler({ ...notifierEnv(), READ_ONLY_ROLE_NAME_BY_REGION: JSON.stringify({ 'us-west-2': byRegion['us-west-2'] }) });
    await handler(failedExecutionEvent, lambdaContext(60_000));
    expect(requestsOf('AssumeRole')).toEqual([]);
    expect(thePublish().message).toContain(`no convention role is configured for region ${REGION} (configured: us-west-2)`);
  });

  test('a malformed READ_ONLY_ROLE_NAME_BY_REGION reads no target account, and the message says why', async () => {
    server = await LocalServer.start(fakeAws());
    const handler = loadHandler({ ...notifierEnv(), READ_ONLY_ROLE_NAME_BY_REGION: '{"eu-west-1": "not a role name!"}' });
    await handler(failedExecutionEvent, lambdaContext(60_000));
    expect(requestsOf('AssumeRole')).toEqual([]);
    expect(thePublish().message).toContain('READ_ONLY_ROLE_NAME_BY_REGION must be a JSON object of region to IAM role name');
  });

  test('ListActionExecutions denied: the basic message and one line saying the details could not be read', async () => {
    server = await LocalServer.start(fakeAws({
      ListActionExecutions: () => jsonError(400, 'AccessDeniedException', 'not authorized to perform codepipeline:ListActionExecutions'),
    }));
    const handler = loadHandler(notifierEnv());

    const outcome = await handler(failedExecutionEvent, lambdaContext(60_000));

    const { message } = thePublish();
    expect(outcome.subject).toBe('Pipeline checkin-pipeline FAILED');
    expect(message).toContain(`Pipeline ${PIPELINE}: execution ${EXECUTION_ID} FAILED at 2026-12-03 05:22:24 UTC.`);
    expect(message).toContain(`/codesuite/codepipeline/pipelines/${PIPELINE}/executions/${EXECUTION_ID}/timeline?region=${REGION}`);
    expect(message).toContain('Details could not be read: ListActionExecutions: AccessDeniedException: not authorized to perform codepipeline:ListActionExecutions.');
    expect(message.match(/could not be read/g)).toHaveLength(1);
    expect(server.requests.map(operationOf)).toEqual(['ListActionExecutions', 'Publish']);
  });

  test('a throttled read is retried by the SDK and the details arrive', async () => {
    let throttled = false;
    server = await LocalServer.start(fakeAws({
      ListActionExecutions: (r) => {
        if (!throttled) {
          throttled = true;
          return jsonError(400, 'ThrottlingException', 'Rate exceeded');
        }
        return HEALTHY.ListActionExecutions(r);
      },
    }));
    const handler = loadHandler(notifierEnv());

    await handler(failedExecutionEvent, lambdaContext(60_000));

    expect(requestsOf('ListActionExecutions')).toHaveLength(3);
    expect(thePublish().message).toContain('2 actions failed:');
  });

  test('a call that never answers: the budget cuts it, then exactly one Publish saying what timed out', async () => {
    // CloudFormation accepts the request and never answers.
    server = await LocalServer.start(fakeAws({ DescribeStackEvents: () => ({ status: 200, hang: true }) }));
    const handler = loadHandler(notifierEnv());
    const started = Date.now();

    // 6.5 s left, 5 s kept for Publish: 1.5 s to read the details.
    await handler(failedExecutionEvent, lambdaContext(6_500));

    expect(Date.now() - started).toBeLessThan(4_000);
    expect(requestsOf('DescribeStackEvents')).toHaveLength(1);
    const { message } = thePublish();
    expect(message).toContain('Stack events could not be read: timed out after 1.5 s.');
    expect(message.match(/could not be read/g)).toHaveLength(1);
    expect(message).toContain('12 tests failed:');
    expectOnlyReadsAndOnePublish();
  });

  test('a failed Publish throws, and is not sent again', async () => {
    server = await LocalServer.start(fakeAws({ Publish: () => xmlError(500, 'InternalError', 'try again') }));
    const handler = loadHandler(notifierEnv());

    await expect(handler(failedExecutionEvent, lambdaContext(60_000))).rejects.toThrow(/try again/);
    expect(requestsOf('Publish')).toHaveLength(1);
  });

  test.each([
    ['another state', succeededExecutionEvent, 'Pipeline checkin-pipeline SUCCEEDED', /execution .* SUCCEEDED/],
    ['another detail type', actionFailedEvent, 'Pipeline notifier: unexpected event for checkin-pipeline', /"CodePipeline Action Execution State Change"/],
    ['a malformed input', 'not an event', 'Pipeline notifier: unexpected event', /not an EventBridge event \(string\)/],
  ])('%s: one Publish that says what arrived, nothing read', async (_what, event, subject, text) => {
    server = await LocalServer.start(fakeAws());
    const handler = loadHandler(notifierEnv());

    await handler(event, lambdaContext(60_000));

    expect(server.requests.map(operationOf)).toEqual(['Publish']);
    expect(thePublish().subject).toBe(subject);
    expect(thePublish().message).toMatch(text);
  });

  test('without TOPIC_ARN the handler throws and sends nothing', async () => {
    server = await LocalServer.start(fakeAws());
    const handler = loadHandler({ ...localAwsEnvironment(server.url), READ_ONLY_ROLE_NAME });

    await expect(handler(failedExecutionEvent, lambdaContext(60_000))).rejects.toThrow(/TOPIC_ARN is not set/);
    expect(server.requests).toEqual([]);
  });
});
