/**
 * The pipeline-checks function with real SDK clients against a local HTTP server on
 * 127.0.0.1 standing in for STS, CloudFormation, CloudWatch, S3 and CodePipeline (the SDK's
 * own AWS_ENDPOINT_URL setting): what goes out on the wire, and what CodePipeline is told.
 */
import type { Context } from 'aws-lambda';
import { ChecksDependencies, runChecks } from '../../lambda/pipeline-checks';
import { defaultClients } from '../../lambda/pipeline-checks/clients';
import { alarmsThatFire } from '../../lambda/pipeline-checks/create-change-set';
import { tierRank, waveTier } from '../../lambda/pipeline-checks/review-wave';
import { strToU8, zipSync } from 'fflate';
import { isolateAws } from '../../../../test-support/isolated-aws';
import { CannedResponse, LocalServer, RecordedRequest } from '../../../../test-support/local-server';
import {
  assumeRoleAnswer, CFN_NAMESPACE, jsonAnswer, jsonError, jsonOperation, localAwsEnvironment, queryFields, toXml, xmlAnswer, xmlError,
} from './aws-wire';

const PROD = '333333333333';
const ROLE_NAME = 'Crosswalk-eu-west-1-ReadOnlyRole';
const ROLE_ARN = `arn:aws:iam::${PROD}:role/${ROLE_NAME}`;
const DEPLOYMENT_ROLE_NAME = 'Crosswalk-eu-west-1-DeploymentRole';
const STACK = 'Crosswalk-SampleApi-Prod';
const EXECUTION = '0f6e2a1c-1111-2222-3333-444455556666';
const CHANGE_SET = `Crosswalk-${EXECUTION}`;
const CHANGE_SET_ID = `arn:aws:cloudformation:eu-west-1:${PROD}:changeSet/${CHANGE_SET}/9d1e0c3a-aaaa-bbbb-cccc-ddddeeeeffff`;
const BUCKET = 'crosswalk-artifacts-111111111111-eu-west-1';

const target = { environment: 'Prod', account: PROD, region: 'eu-west-1', partition: 'aws', stackName: STACK };
const reviewParams = {
  check: 'review', ...target, changeSetName: CHANGE_SET, pipelineName: 'Crosswalk-pipeline', executionId: EXECUTION,
  autoApprove: 'noChanges', reportBucket: BUCKET, reportPrefix: 'change-reviews/Crosswalk-pipeline/',
};

function jobEvent(params: object, continuationToken?: string) {
  return {
    'CodePipeline.job': {
      id: 'job-1',
      accountId: '111111111111',
      data: {
        actionConfiguration: { configuration: { FunctionName: 'checks', UserParameters: JSON.stringify(params) } },
        inputArtifacts: [],
        outputArtifacts: [],
        artifactCredentials: { accessKeyId: 'x', secretAccessKey: 'y', sessionToken: 'z' },
        ...(continuationToken ? { continuationToken } : {}),
      },
    },
  };
}

const context = (remainingMs = 60_000): Pick<Context, 'getRemainingTimeInMillis'> => {
  const deadline = Date.now() + remainingMs;
  return { getRemainingTimeInMillis: () => deadline - Date.now() };
};

/** A table whose key changes (replacement of a data-bearing resource: high risk), on the first page; a function timeout on the second. */
const tableReplacement = {
  Type: 'Resource',
  ResourceChange: {
    Action: 'Modify', LogicalResourceId: 'CheckinsTable', PhysicalResourceId: 'Crosswalk-SampleApi-Prod-CheckinsTable-1A2B', ResourceType: 'AWS::DynamoDB::Table',
    Replacement: 'True', PolicyAction: 'ReplaceAndDelete', Scope: ['Properties'],
    Details: [{ Target: { Attribute: 'Properties', Name: 'KeySchema', RequiresRecreation: 'Always' }, Evaluation: 'Static', ChangeSource: 'DirectModification' }],
  },
};
const functionTimeout = {
  Type: 'Resource',
  ResourceChange: {
    Action: 'Modify', LogicalResourceId: 'ApiFunction', PhysicalResourceId: 'Crosswalk-SampleApi-Prod-ApiFunction-3C4D', ResourceType: 'AWS::Lambda::Function',
    Replacement: 'False', Scope: ['Properties'],
    BeforeContext: JSON.stringify({ Properties: { Handler: 'index.handler', Runtime: 'nodejs22.x', Timeout: 10, Code: { S3Bucket: 'b', S3Key: 'assets/a.zip' } } }),
    AfterContext: JSON.stringify({ Properties: { Handler: 'index.handler', Runtime: 'nodejs22.x', Timeout: 30, Code: { S3Bucket: 'b', S3Key: 'assets/a.zip' } } }),
    Details: [{
      Target: { Attribute: 'Properties', Name: 'Timeout', Path: '/Properties/Timeout', RequiresRecreation: 'Never', BeforeValue: '10', AfterValue: '30', AttributeChangeType: 'Modify' },
      Evaluation: 'Static', ChangeSource: 'DirectModification',
    }],
  },
};

function changeSetPage(changes: object[], extra: object = {}): CannedResponse {
  return xmlAnswer('DescribeChangeSet', toXml({
    ChangeSetName: CHANGE_SET, ChangeSetId: CHANGE_SET_ID, StackName: STACK, Status: 'CREATE_COMPLETE', ExecutionStatus: 'AVAILABLE', Changes: changes, ...extra,
  }), CFN_NAMESPACE);
}

interface Fake {
  describeChangeSet?: (fields: Record<string, string>, call: number) => CannedResponse;
  /** GetTemplate with ChangeSetName returns the change set's template: https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_GetTemplate.html */
  getTemplate?: (fields: Record<string, string>) => CannedResponse;
  describeEvents?: (fields: Record<string, string>) => CannedResponse;
  assumeRole?: (fields: Record<string, string>) => CannedResponse;
  describeAlarms?: (body: any) => CannedResponse;
  describeAlarmHistory?: (body: any) => CannedResponse;
}

/** Dispatches each request to the service it is for. */
function aws(fake: Fake) {
  let changeSetCalls = 0;
  return (request: RecordedRequest): CannedResponse => {
    if (request.method === 'PUT') return { status: 200, headers: { etag: '"etag-1"' } };
    const operation = jsonOperation(request);
    if (operation === 'PutJobSuccessResult' || operation === 'PutJobFailureResult') return jsonAnswer({});
    if (operation === 'DescribeAlarms') return fake.describeAlarms!(JSON.parse(request.body));
    if (operation === 'DescribeAlarmHistory') return fake.describeAlarmHistory!(JSON.parse(request.body));
    const fields = queryFields(request);
    if (fields.Action === 'AssumeRole') return (fake.assumeRole ?? (() => assumeRoleAnswer(fields.RoleArn)))(fields);
    if (fields.Action === 'DescribeChangeSet') return fake.describeChangeSet!(fields, ++changeSetCalls);
    // DescribeEvents with the change set: the hooks and validations AWS ran on it (none here).
    // https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeEvents.html
    if (fields.Action === 'DescribeEvents') return (fake.describeEvents ?? (() => xmlAnswer('DescribeEvents', toXml({ OperationEvents: [] }), CFN_NAMESPACE)))(fields);
    if (fields.Action === 'GetTemplate') {
      return (fake.getTemplate ?? (() => xmlAnswer('GetTemplate', toXml({ TemplateBody: JSON.stringify({ Resources: {} }), StagesAvailable: ['Original', 'Processed'] }), CFN_NAMESPACE)))(fields);
    }
    return xmlError(400, 'InvalidAction', `unexpected request ${request.method} ${request.url} ${operation ?? fields.Action}`);
  };
}

let server: LocalServer;
let respond: (request: RecordedRequest) => CannedResponse;
let restoreEnvironment: () => void;

beforeAll(async () => {
  server = await LocalServer.start((request) => respond(request));
  restoreEnvironment = isolateAws(localAwsEnvironment(server.url));
});
afterAll(async () => {
  restoreEnvironment();
  await server.stop();
});
beforeEach(() => {
  server.requests.length = 0;
});

let now = Date.parse('2026-12-03T10:00:00Z');
function deps(overrides: Partial<ChecksDependencies> = {}): ChecksDependencies {
  return {
    clients: defaultClients(ROLE_NAME, DEPLOYMENT_ROLE_NAME),
    sleep: async (ms) => { now += ms; },
    now: () => new Date(now),
    log: () => undefined,
    ...overrides,
  };
}

const jobReports = () => server.requests
  .filter((r) => ['PutJobSuccessResult', 'PutJobFailureResult'].includes(jsonOperation(r) ?? ''))
  .map((r) => ({ operation: jsonOperation(r), ...JSON.parse(r.body) }));

describe('change review', () => {
  test('assumes the target\'s read-only role, reads every page with property values (retrying throttling), writes both reports, reports the variables once', async () => {
    respond = aws({
      describeChangeSet: (fields, call) => {
        if (call === 1) return xmlError(400, 'Throttling', 'Rate exceeded');
        return fields.NextToken ? changeSetPage([functionTimeout]) : changeSetPage([tableReplacement], { NextToken: 'page-2' });
      },
    });
    const outcome = await runChecks(jobEvent(reviewParams), context(), deps());
    expect(outcome.status).toBe('succeeded');

    const assume = server.requests.map(queryFields).filter((f) => f.Action === 'AssumeRole');
    expect(assume).toHaveLength(1);
    expect(assume[0]).toMatchObject({ RoleArn: ROLE_ARN, DurationSeconds: '900', RoleSessionName: 'change-review-Prod' });

    const describes = server.requests.filter((r) => queryFields(r).Action === 'DescribeChangeSet');
    expect(describes).toHaveLength(3); // one throttled, then two pages
    for (const request of describes) {
      expect(queryFields(request)).toMatchObject({ StackName: STACK, ChangeSetName: CHANGE_SET, IncludePropertyValues: 'true' });
      // Signed with the role's credentials, not the function's own.
      expect(request.headers.authorization).toContain('Credential=ASIATARGETACCOUNT/');
    }

    const puts = server.requests.filter((r) => r.method === 'PUT');
    expect(puts.map((r) => decodeURIComponent(new URL(r.url, 'http://local').pathname))).toEqual([
      `/${BUCKET}/change-reviews/Crosswalk-pipeline/${EXECUTION}/Prod.html`,
      `/${BUCKET}/change-reviews/Crosswalk-pipeline/${EXECUTION}/Prod.md`,
    ]);
    expect(puts[0].headers['content-type']).toBe('text/html; charset=utf-8');
    expect(puts[1].body).toContain('CheckinsTable');
    expect(puts[1].body).toContain('ApiFunction');

    const reports = jobReports();
    expect(reports.map((r) => r.operation)).toEqual(['PutJobSuccessResult']);
    expect(reports[0]).toMatchObject({
      jobId: 'job-1',
      outputVariables: {
        RiskTier: 'high', ApprovalRequired: 'true', Execute: 'true', ChangeSetId: CHANGE_SET_ID, ChangeSetName: CHANGE_SET,
        // The table's replacement (data loss) and that its values are missing; the timeout change, which no low shape proves routine.
        Changes: '2', NeedsAttention: '3',
        ReportUrl: `https://eu-west-1.console.aws.amazon.com/s3/object/${BUCKET}?region=eu-west-1&bucketType=general&prefix=` +
          encodeURIComponent(`change-reviews/Crosswalk-pipeline/${EXECUTION}/Prod.html`),
      },
    });
    expect(reports[0].outputVariables.Summary.length).toBeLessThanOrEqual(500);
    expect(reports[0].outputVariables.Summary).toContain('CheckinsTable');
  });

  test('a target in another region is read there, through that region\'s read-only role; the report link opens the pipeline region\'s bucket', async () => {
    const westRole = 'Crosswalk-us-west-2-ReadOnlyRole';
    respond = aws({ describeChangeSet: () => changeSetPage([functionTimeout]) });
    const clients = defaultClients({ 'eu-west-1': ROLE_NAME, 'us-west-2': westRole }, DEPLOYMENT_ROLE_NAME);
    const outcome = await runChecks(jobEvent({ ...reviewParams, region: 'us-west-2', reportRegion: 'eu-west-1' }), context(), deps({ clients }));
    expect(outcome.status).toBe('succeeded');
    const [assume] = server.requests.map(queryFields).filter((f) => f.Action === 'AssumeRole');
    expect(assume.RoleArn).toBe(`arn:aws:iam::${PROD}:role/${westRole}`);
    // SigV4 names the region the request is for: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv4-create-signed-request.html
    const describe = server.requests.find((r) => queryFields(r).Action === 'DescribeChangeSet')!;
    expect(describe.headers.authorization).toMatch(/Credential=ASIATARGETACCOUNT\/\d{8}\/us-west-2\/cloudformation\//);
    expect(jobReports()[0].outputVariables.ReportUrl).toMatch(/^https:\/\/eu-west-1\.console\.aws\.amazon\.com\/s3\/object\/.*\?region=eu-west-1&/);
  });

  test('a region the function has no role for is refused before anything is read', async () => {
    respond = aws({ describeChangeSet: () => changeSetPage([functionTimeout]) });
    const clients = defaultClients({ 'eu-west-1': ROLE_NAME }, DEPLOYMENT_ROLE_NAME);
    const outcome = await runChecks(jobEvent({ ...reviewParams, region: 'us-west-2' }), context(), deps({ clients }));
    expect(outcome).toMatchObject({ status: 'failed', summary: expect.stringContaining('no convention role is configured for region us-west-2 (configured: eu-west-1)') });
    expect(server.requests.map(queryFields).filter((f) => f.Action === 'AssumeRole' || f.Action === 'DescribeChangeSet')).toEqual([]);
  });

  test('an empty change set (a re-run of the same commit) is tier none: no approval, nothing to execute', async () => {
    respond = aws({
      describeChangeSet: () => xmlAnswer('DescribeChangeSet', toXml({
        ChangeSetName: CHANGE_SET, ChangeSetId: CHANGE_SET_ID, StackName: STACK, Status: 'FAILED', ExecutionStatus: 'UNAVAILABLE',
        StatusReason: "The submitted information didn't contain changes. Submit different information to create a change set.",
      }), CFN_NAMESPACE),
    });
    const outcome = await runChecks(jobEvent(reviewParams), context(), deps());
    expect(outcome.status).toBe('succeeded');
    expect(jobReports()[0].outputVariables).toMatchObject({ RiskTier: 'none', ApprovalRequired: 'false', Execute: 'false', Changes: '0' });
  });

  test('a change set that failed for another reason fails the stage with CloudFormation\'s reason, reported once', async () => {
    respond = aws({
      describeChangeSet: () => xmlAnswer('DescribeChangeSet', toXml({
        ChangeSetName: CHANGE_SET, ChangeSetId: CHANGE_SET_ID, StackName: STACK, Status: 'FAILED', StatusReason: 'Template format error: Unresolved resource dependencies [Missing]',
      }), CFN_NAMESPACE),
    });
    const outcome = await runChecks(jobEvent(reviewParams), context(), deps());
    expect(outcome.status).toBe('failed');
    const reports = jobReports();
    expect(reports.map((r) => r.operation)).toEqual(['PutJobFailureResult']);
    expect(reports[0].failureDetails).toEqual({
      type: 'JobFailed',
      message: `UnreviewableChangeSet: change set "${CHANGE_SET}" of stack "${STACK}" is FAILED ("Template format error: Unresolved resource dependencies [Missing]"): ` +
        'only a CREATE_COMPLETE change set can be reviewed',
    });
    expect(server.requests.filter((r) => r.method === 'PUT')).toHaveLength(0);
  });

  test('a code release behind a CodeDeploy-shifted alias is low, proven with the change set\'s template (GetTemplate, Processed)', async () => {
    const fn = 'Crosswalk-SampleApi-Prod-ApiFunction-3C4D';
    const release = [
      { Type: 'Resource', ResourceChange: {
        ...functionTimeout.ResourceChange,
        BeforeContext: JSON.stringify({ Properties: { Handler: 'index.handler', Runtime: 'nodejs22.x', Code: { S3Bucket: 'b', S3Key: 'assets/a.zip' } } }),
        AfterContext: JSON.stringify({ Properties: { Handler: 'index.handler', Runtime: 'nodejs22.x', Code: { S3Bucket: 'b', S3Key: 'assets/b.zip' } } }),
        Details: [{
        Target: { Attribute: 'Properties', Name: 'Code', Path: '/Properties/Code/S3Key', RequiresRecreation: 'Never', BeforeValue: 'assets/a.zip', AfterValue: 'assets/b.zip', AttributeChangeType: 'Modify' },
        Evaluation: 'Static', ChangeSource: 'DirectModification',
      }] } },
      { Type: 'Resource', ResourceChange: { Action: 'Add', LogicalResourceId: 'ApiFunctionVersionB', ResourceType: 'AWS::Lambda::Version', Scope: [], Details: [], AfterContext: JSON.stringify({ Properties: { FunctionName: fn } }) } },
      { Type: 'Resource', ResourceChange: {
        Action: 'Modify', LogicalResourceId: 'ApiFunctionLive', PhysicalResourceId: `arn:aws:lambda:eu-west-1:${PROD}:function:${fn}:live`, ResourceType: 'AWS::Lambda::Alias',
        Replacement: 'False', Scope: ['Properties'],
        BeforeContext: JSON.stringify({ Properties: { FunctionName: fn, FunctionVersion: '4', Name: 'live' } }),
        AfterContext: JSON.stringify({ Properties: { FunctionName: fn, FunctionVersion: '{{changeSet:KNOWN_AFTER_APPLY}}', Name: 'live' } }),
        Details: [{
          Target: { Attribute: 'Properties', Name: 'FunctionVersion', Path: '/Properties/FunctionVersion', RequiresRecreation: 'Never', BeforeValue: '4', AfterValue: '{{changeSet:KNOWN_AFTER_APPLY}}', AttributeChangeType: 'Modify' },
          Evaluation: 'Dynamic', ChangeSource: 'ResourceAttribute', CausingEntity: 'ApiFunctionVersionB.Version',
        }],
      } },
    ];
    // Low only when the template's own deployment group stops and rolls back on its alarms.
    // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-codedeploy-deploymentgroup.html
    const template = {
      Resources: {
        App: { Type: 'AWS::CodeDeploy::Application', Properties: { ComputePlatform: 'Lambda' } },
        Group: {
          Type: 'AWS::CodeDeploy::DeploymentGroup',
          Properties: {
            ApplicationName: { Ref: 'App' },
            AlarmConfiguration: { Enabled: true, Alarms: [{ Name: 'api-errors' }] },
            AutoRollbackConfiguration: { Enabled: true, Events: ['DEPLOYMENT_STOP_ON_ALARM'] },
          },
        },
        ApiFunctionLive: { Type: 'AWS::Lambda::Alias', UpdatePolicy: { CodeDeployLambdaAliasUpdate: { ApplicationName: { Ref: 'App' }, DeploymentGroupName: { Ref: 'Group' } } } },
      },
    };
    respond = aws({
      describeChangeSet: () => changeSetPage(release),
      getTemplate: () => xmlAnswer('GetTemplate', toXml({ TemplateBody: JSON.stringify(template) }), CFN_NAMESPACE),
    });
    const outcome = await runChecks(jobEvent({ ...reviewParams, autoApprove: 'lowRisk' }), context(), deps());
    expect(outcome.status).toBe('succeeded');
    const getTemplate = server.requests.map(queryFields).filter((f) => f.Action === 'GetTemplate');
    expect(getTemplate).toEqual([expect.objectContaining({ ChangeSetName: CHANGE_SET_ID, TemplateStage: 'Processed' })]);
    expect(jobReports()[0].outputVariables).toMatchObject({ RiskTier: 'low', ApprovalRequired: 'false', Execute: 'true', NeedsAttention: '0' });
  });

  test('a validation CloudFormation reports as failed (WARN mode) on the change set makes the review ask a person', async () => {
    respond = aws({
      describeChangeSet: () => changeSetPage([functionTimeout]),
      describeEvents: (fields) => {
        expect(fields.ChangeSetName).toBe(CHANGE_SET_ID);
        return xmlAnswer('DescribeEvents', toXml({ OperationEvents: [{ EventId: 'e1', EventType: 'VALIDATION_ERROR', ValidationName: 'PROPERTY_VALIDATION', ValidationStatus: 'FAILED', ValidationFailureMode: 'WARN', LogicalResourceId: 'ApiFunction' }] }), CFN_NAMESPACE);
      },
    });
    const outcome = await runChecks(jobEvent({ ...reviewParams, autoApprove: 'lowRisk' }), context(), deps());
    expect(outcome.status).toBe('succeeded');
    expect(jobReports()[0].outputVariables).toMatchObject({ RiskTier: 'high', ApprovalRequired: 'true' });
    const md = server.requests.filter((r) => r.method === 'PUT')[1].body;
    expect(md).toContain('PROPERTY_VALIDATION');
  });

  test('without the template the same release needs a person: the alias move cannot be proven to go through CodeDeploy', async () => {
    respond = aws({
      describeChangeSet: () => changeSetPage([functionTimeout]),
      getTemplate: () => xmlError(403, 'AccessDenied', 'not authorized to perform: cloudformation:GetTemplate'),
    });
    const outcome = await runChecks(jobEvent({ ...reviewParams, autoApprove: 'lowRisk' }), context(), deps());
    expect(outcome.status).toBe('succeeded');
    expect(jobReports()[0].outputVariables).toMatchObject({ RiskTier: 'high', ApprovalRequired: 'true' });
  });

  // Only outputs or parameters changed: CloudFormation makes an executable change set listing no
  // resource change (aws/aws-cdk#2029). It is executed only after a person approves it.
  test('a CREATE_COMPLETE change set that lists no resource change asks a person, even with auto-approval of low risk', async () => {
    respond = aws({ describeChangeSet: () => changeSetPage([]) });
    const outcome = await runChecks(jobEvent({ ...reviewParams, autoApprove: 'lowRisk' }), context(), deps());
    expect(outcome.status).toBe('succeeded');
    expect(jobReports()[0].outputVariables).toMatchObject({ RiskTier: 'high', ApprovalRequired: 'true' });
    const md = server.requests.filter((r) => r.method === 'PUT')[1].body;
    expect(md).toContain('lists no resource change');
  });

  test('a FAILED "no changes" change set that still lists a change fails the stage: the two disagree', async () => {
    respond = aws({
      describeChangeSet: () => changeSetPage([functionTimeout], {
        Status: 'FAILED',
        ExecutionStatus: 'UNAVAILABLE',
        StatusReason: 'The submitted information didn\'t contain changes. Submit different information to create a change set.',
      }),
    });
    const outcome = await runChecks(jobEvent({ ...reviewParams, autoApprove: 'lowRisk' }), context(), deps());
    expect(outcome.status).toBe('failed');
    expect(jobReports().map((r) => r.operation)).toEqual(['PutJobFailureResult']);
    expect(jobReports()[0].failureDetails.message).toContain('disagree');
    expect(server.requests.filter((r) => r.method === 'PUT')).toHaveLength(0);
  });

  test('a change set of more pages than the review reads fails the stage after the cap, not paging without end', async () => {
    respond = aws({ describeChangeSet: (_fields, call) => changeSetPage([functionTimeout], { NextToken: `page-${call + 1}` }) });
    const outcome = await runChecks(jobEvent(reviewParams), context(), deps());
    expect(outcome.status).toBe('failed');
    expect(server.requests.filter((r) => queryFields(r).Action === 'DescribeChangeSet')).toHaveLength(101);
    expect(jobReports()[0].failureDetails.message).toContain('more than the 100');
  });

  test('a read-only role it may not assume fails the stage with the reason; nothing is written', async () => {
    respond = aws({ assumeRole: () => xmlError(403, 'AccessDenied', `User is not authorized to perform: sts:AssumeRole on resource: ${ROLE_ARN}`) });
    const outcome = await runChecks(jobEvent(reviewParams), context(), deps());
    expect(outcome.status).toBe('failed');
    expect(jobReports()).toEqual([expect.objectContaining({ operation: 'PutJobFailureResult' })]);
    expect(jobReports()[0].failureDetails.message).toContain('AccessDenied');
    expect(server.requests.filter((r) => r.method === 'PUT')).toHaveLength(0);
  });

  test('a hung CloudFormation endpoint: the time budget ends the review and the failure is still reported once', async () => {
    respond = aws({ describeChangeSet: () => ({ status: 0, hang: true }) });
    // 12 s left: 10 s are kept for the report, so the review gets 2 s.
    const outcome = await runChecks(jobEvent(reviewParams), context(12_000), deps());
    expect(outcome).toEqual({ status: 'failed', summary: 'the check did not finish within 2 s' });
    expect(jobReports().map((r) => r.operation)).toEqual(['PutJobFailureResult']);
  });

  test('user parameters with an unresolved pipeline variable are refused before anything is read', async () => {
    respond = aws({});
    const outcome = await runChecks(jobEvent({ ...reviewParams, executionId: '#{codepipeline.PipelineExecutionId}' }), context(), deps());
    expect(outcome).toEqual({ status: 'failed', summary: 'UserParameters.executionId holds an unresolved pipeline variable: #{codepipeline.PipelineExecutionId}' });
    expect(server.requests.map((r) => jsonOperation(r) ?? queryFields(r).Action)).toEqual(['PutJobFailureResult']);
  });
});

describe('wave review', () => {
  // Two environments of the wave "Prod", each in its own account and region; the pipeline (and its report bucket) in eu-west-1.
  const EU = { environment: 'ProdEu', account: '333333333333', region: 'eu-central-1', stackName: 'Crosswalk-SampleApi-ProdEu', changeSetName: CHANGE_SET, autoApprove: 'noChanges' };
  const US = { environment: 'ProdUs', account: '444444444444', region: 'us-east-1', stackName: 'Crosswalk-SampleApi-ProdUs', changeSetName: CHANGE_SET, autoApprove: 'noChanges' };
  type WaveTargetParams = typeof EU;
  const REPORTS = `change-reviews/Crosswalk-pipeline/${EXECUTION}`;
  const waveParams = (targets: object[]) => ({
    check: 'review-wave', wave: 'Prod', partition: 'aws', region: 'eu-west-1', pipelineName: 'Crosswalk-pipeline', executionId: EXECUTION,
    reportBucket: BUCKET, reportPrefix: 'change-reviews/Crosswalk-pipeline/', targets,
  });
  const changeSetIdOf = (t: WaveTargetParams) => `arn:aws:cloudformation:${t.region}:${t.account}:changeSet/${CHANGE_SET}/9d1e0c3a-aaaa-bbbb-cccc-${t.account}`;
  const reportUrlOf = (key: string) => `https://eu-west-1.console.aws.amazon.com/s3/object/${BUCKET}?region=eu-west-1&bucketType=general&prefix=${encodeURIComponent(key)}`;

  /** A log group's retention growing 30 → 365 days: a shape of the low table (the change's fields as in DescribeChangeSet's ResourceChange,
   * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceChange.html; the property:
   * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-logs-loggroup.html). */
  const retentionGrows = {
    Type: 'Resource',
    ResourceChange: {
      Action: 'Modify', LogicalResourceId: 'ApiLogGroup', PhysicalResourceId: '/aws/lambda/Crosswalk-SampleApi-ApiFunction', ResourceType: 'AWS::Logs::LogGroup',
      Replacement: 'False', Scope: ['Properties'],
      BeforeContext: JSON.stringify({ Properties: { LogGroupName: '/aws/lambda/Crosswalk-SampleApi-ApiFunction', RetentionInDays: 30 } }),
      AfterContext: JSON.stringify({ Properties: { LogGroupName: '/aws/lambda/Crosswalk-SampleApi-ApiFunction', RetentionInDays: 365 } }),
      Details: [{
        Target: { Attribute: 'Properties', Name: 'RetentionInDays', Path: '/Properties/RetentionInDays', RequiresRecreation: 'Never', BeforeValue: '30', AfterValue: '365', AttributeChangeType: 'Modify' },
        Evaluation: 'Static', ChangeSource: 'DirectModification',
      }],
    },
  };

  /** DescribeChangeSet's answer for one environment's change set (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeChangeSet.html). */
  function changeSetOf(t: WaveTargetParams, changes: object[], extra: object = {}): CannedResponse {
    return xmlAnswer('DescribeChangeSet', toXml({
      ChangeSetName: t.changeSetName, ChangeSetId: changeSetIdOf(t), StackName: t.stackName, Status: 'CREATE_COMPLETE', ExecutionStatus: 'AVAILABLE', Changes: changes, ...extra,
    }), CFN_NAMESPACE);
  }
  /** "The submitted information didn't contain changes": a FAILED change set with nothing to execute (StatusReason, same page). */
  const noChangesOf = (t: WaveTargetParams) => changeSetOf(t, [], {
    Status: 'FAILED', ExecutionStatus: 'UNAVAILABLE', StatusReason: "The submitted information didn't contain changes. Submit different information to create a change set.",
  });

  /**
   * The stand-in for the wave: each stack's change set by its name, and STS AssumeRole answering each account's role with an
   * access key that names the account (the answer's shape: https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html),
   * so that every read shows whose credentials signed it.
   */
  function waveAws(changeSets: Record<string, () => CannedResponse>, fake: Fake = {}) {
    return aws({
      assumeRole: (fields) => {
        const answer = assumeRoleAnswer(fields.RoleArn);
        return { ...answer, body: answer.body!.replace('ASIATARGETACCOUNT', `ASIA${fields.RoleArn.split(':')[4]}`) };
      },
      describeChangeSet: (fields) => changeSets[fields.StackName]?.() ?? xmlError(404, 'ChangeSetNotFound', `ChangeSet [${fields.ChangeSetName}] does not exist`),
      ...fake,
    });
  }
  const puts = () => server.requests.filter((r) => r.method === 'PUT');
  const putKeys = () => puts().map((r) => decodeURIComponent(new URL(r.url, 'http://local').pathname).slice(`/${BUCKET}/`.length));
  const putBody = (key: string) => puts().find((r) => decodeURIComponent(new URL(r.url, 'http://local').pathname) === `/${BUCKET}/${key}`)!.body;

  test('reads each environment through its own account\'s read-only role in its own region, writes each environment\'s report and the wave\'s, and sets the wave\'s variables', async () => {
    respond = waveAws({ [EU.stackName]: () => changeSetOf(EU, [tableReplacement, functionTimeout]), [US.stackName]: () => changeSetOf(US, [retentionGrows]) });
    const outcome = await runChecks(jobEvent(waveParams([EU, US])), context(), deps());
    expect(outcome.status).toBe('succeeded');

    const assume = server.requests.map(queryFields).filter((f) => f.Action === 'AssumeRole');
    expect(assume).toEqual([
      expect.objectContaining({ RoleArn: `arn:aws:iam::${EU.account}:role/${ROLE_NAME}`, RoleSessionName: 'change-review-ProdEu' }),
      expect.objectContaining({ RoleArn: `arn:aws:iam::${US.account}:role/${ROLE_NAME}`, RoleSessionName: 'change-review-ProdUs' }),
    ]);
    for (const t of [EU, US]) {
      const reads = server.requests.filter((r) => ['DescribeChangeSet', 'GetTemplate', 'DescribeEvents'].includes(queryFields(r).Action)
        && (queryFields(r).StackName === t.stackName || queryFields(r).ChangeSetName === changeSetIdOf(t)));
      expect(reads.length).toBeGreaterThanOrEqual(2);
      for (const read of reads) {
        // Signed with the role of the environment's account, for CloudFormation in the environment's region.
        expect(read.headers.authorization).toMatch(new RegExp(`Credential=ASIA${t.account}/\\d{8}/${t.region}/cloudformation/aws4_request`));
      }
    }

    expect(putKeys()).toEqual([
      `${REPORTS}/ProdEu.html`, `${REPORTS}/ProdEu.md`, `${REPORTS}/ProdUs.html`, `${REPORTS}/ProdUs.md`, `${REPORTS}/Prod.wave.html`, `${REPORTS}/Prod.wave.md`,
    ]);
    expect(puts()[4].headers['content-type']).toBe('text/html; charset=utf-8');
    expect(puts()[5].headers['content-type']).toBe('text/markdown; charset=utf-8');
    // The report bucket is the pipeline's own: written with the function's credentials, not a target's.
    expect(puts().every((r) => String(r.headers.authorization).includes('Credential=AKIABUILDACCOUNT/'))).toBe(true);
    const html = putBody(`${REPORTS}/Prod.wave.html`);
    for (const t of [EU, US]) {
      expect(html).toContain(`<td><code>${t.environment}</code></td><td><code>${t.account}</code></td><td><code>${t.region}</code></td><td><code>${t.stackName}</code></td>`);
      expect(html).toContain(`<a href="${reportUrlOf(`${REPORTS}/${t.environment}.html`).replace(/&/g, '&amp;')}" rel="noopener noreferrer">open</a>`);
      expect(html).toContain(`https://${t.region}.console.aws.amazon.com/cloudformation/home?region=${t.region}#/stacks/changesets/changes?stackId=${t.stackName}&amp;changeSetId=${encodeURIComponent(changeSetIdOf(t))}`);
    }
    expect(html).not.toMatch(/<script/i);
    expect(putBody(`${REPORTS}/Prod.wave.md`)).toContain(`| \`ProdEu\` | \`${EU.account}\` | \`${EU.region}\` | \`${EU.stackName}\` | \`high\` | \`2\` | \`3\` |`);

    const reports = jobReports();
    expect(reports.map((r) => r.operation)).toEqual(['PutJobSuccessResult']);
    const variables = reports[0].outputVariables;
    expect(variables).toEqual({
      RiskTier: 'high', ApprovalRequired: 'true', Execute: 'true', Changes: '3', NeedsAttention: '3',
      Summary: expect.any(String),
      ReportUrl: reportUrlOf(`${REPORTS}/Prod.wave.html`),
      ProdEuExecute: 'true', ProdEuChangeSetId: changeSetIdOf(EU), ProdEuChangeSetName: CHANGE_SET, ProdEuRiskTier: 'high',
      ProdUsExecute: 'true', ProdUsChangeSetId: changeSetIdOf(US), ProdUsChangeSetName: CHANGE_SET, ProdUsRiskTier: 'low',
    });
    expect(variables.Summary).toBe('Wave Prod: risk tier high, approval required. ProdEu high (2 changes, 3 needing attention); ProdUs low (1 change, 0 needing attention).');
  });

  test('a low environment its own policy auto-approves does not lower the wave: the high one asks a person and comes first in the report', async () => {
    respond = waveAws({ [EU.stackName]: () => changeSetOf(EU, [retentionGrows]), [US.stackName]: () => changeSetOf(US, [tableReplacement]) });
    const outcome = await runChecks(jobEvent(waveParams([{ ...EU, autoApprove: 'lowRisk' }, { ...US, autoApprove: 'lowRisk' }])), context(), deps());
    expect(outcome.status).toBe('succeeded');
    expect(jobReports()[0].outputVariables).toMatchObject({
      RiskTier: 'high', ApprovalRequired: 'true', Execute: 'true', ProdEuRiskTier: 'low', ProdUsRiskTier: 'high', ProdEuExecute: 'true', ProdUsExecute: 'true',
    });
    expect(jobReports()[0].outputVariables.Summary).toMatch(/^Wave Prod: risk tier high, approval required\. ProdUs high .*; ProdEu low /);

    // The environment's own report still shows its own decision (auto-approved), the wave's shows both rows, the high one first.
    expect(putBody(`${REPORTS}/ProdEu.md`)).toContain('auto-approved by policy lowRisk');
    const html = putBody(`${REPORTS}/Prod.wave.html`);
    const rows = html.split('\n').filter((line) => line.startsWith('<tr'));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/^<tr class="attention-needed"><td><code>ProdUs<\/code>/);
    expect(rows[0]).toContain('<td><code>approval required: risk tier high</code></td>');
    expect(rows[1]).toMatch(/^<tr><td><code>ProdEu<\/code>/);
    expect(rows[1]).toContain('<td><code>auto-approved by policy lowRisk: every change matched the low table</code></td>');
    expect(html).toContain('<p class="verdict tier-high"><strong>Risk tier:</strong> high<br><strong>Decision:</strong> approval required: one approval covers the 2 environments of the wave</p>');
    const md = putBody(`${REPORTS}/Prod.wave.md`);
    expect(md.indexOf('| `ProdUs`')).toBeLessThan(md.indexOf('| `ProdEu`'));
  });

  test('an environment with no changes executes nothing while the other one executes; no approval when every policy allows it', async () => {
    respond = waveAws({ [EU.stackName]: () => noChangesOf(EU), [US.stackName]: () => changeSetOf(US, [retentionGrows]) });
    const outcome = await runChecks(jobEvent(waveParams([EU, { ...US, autoApprove: 'lowRisk' }])), context(), deps());
    expect(outcome.status).toBe('succeeded');
    expect(jobReports()[0].outputVariables).toMatchObject({
      RiskTier: 'low', ApprovalRequired: 'false', Execute: 'true', Changes: '1', NeedsAttention: '0',
      ProdEuExecute: 'false', ProdEuRiskTier: 'none', ProdUsExecute: 'true', ProdUsRiskTier: 'low',
    });
  });

  test('a read-only role it may not assume fails the wave naming the environment, its account and region; no wave report is written', async () => {
    const denied = `arn:aws:iam::${US.account}:role/${ROLE_NAME}`;
    respond = waveAws({ [EU.stackName]: () => changeSetOf(EU, [retentionGrows]), [US.stackName]: () => changeSetOf(US, [retentionGrows]) }, {
      assumeRole: (fields) => (fields.RoleArn === denied
        ? xmlError(403, 'AccessDenied', `User is not authorized to perform: sts:AssumeRole on resource: ${denied}`)
        : assumeRoleAnswer(fields.RoleArn)),
    });
    const outcome = await runChecks(jobEvent(waveParams([{ ...EU, autoApprove: 'lowRisk' }, { ...US, autoApprove: 'lowRisk' }])), context(), deps());
    expect(outcome.status).toBe('failed');
    expect(outcome.summary).toMatch(/^the review of ProdUs \(account 444444444444, us-east-1\) failed, so wave Prod has no review and nothing of it is approved: AccessDenied: /);
    expect(jobReports().map((r) => r.operation)).toEqual(['PutJobFailureResult']);
    expect(server.requests.some((r) => queryFields(r).StackName === US.stackName)).toBe(false);
    // ProdEu was reviewed before (its own report stays, as a single review's would); the wave has none.
    expect(putKeys()).toEqual([`${REPORTS}/ProdEu.html`, `${REPORTS}/ProdEu.md`]);
  });

  test('malformed wave parameters are refused, naming the field, before anything is read', async () => {
    respond = waveAws({});
    const refused: [object[], string][] = [
      [[EU], 'UserParameters.targets must list at least 2 environments (a single one is a \'review\'), got '],
      [[EU, { ...US, environment: 'ProdEu' }], 'UserParameters.targets[1].environment \'ProdEu\' is already the name of targets[0]: environment names must be unique'],
      [[EU, { ...US, environment: 'prodeu' }], 'UserParameters.targets[1].environment \'prodeu\' is already the name of targets[0]'],
      [[EU, { ...US, account: '44444444444' }], 'UserParameters.targets[1].account must be a 12-digit account id, got \'44444444444\''],
      [[EU, { ...US, changeSetName: '#{Build.ChangeSetName}' }], 'UserParameters.targets[1].changeSetName holds an unresolved pipeline variable: #{Build.ChangeSetName}'],
      [[EU, { ...US, environment: 'Prod.Us' }], 'UserParameters.targets[1].environment must be letters, digits, \'_\' or \'-\''],
      [[EU, { ...US, autoApprove: 'always' }], 'UserParameters.targets[1].autoApprove must be one of never, noChanges, lowRisk, got \'always\''],
      [[EU, { ...US, region: '' }], 'UserParameters.targets[1].region must be a non-empty string, got ""'],
    ];
    for (const [targets, message] of refused) {
      server.requests.length = 0;
      const outcome = await runChecks(jobEvent(waveParams(targets)), context(), deps());
      expect(outcome.status).toBe('failed');
      expect(outcome.summary).toContain(message);
      expect(server.requests.map((r) => jsonOperation(r) ?? queryFields(r).Action)).toEqual(['PutJobFailureResult']);
    }
    server.requests.length = 0;
    const unresolved = await runChecks(jobEvent({ ...waveParams([EU, US]), executionId: '#{codepipeline.PipelineExecutionId}' }), context(), deps());
    expect(unresolved).toEqual({ status: 'failed', summary: 'UserParameters.executionId holds an unresolved pipeline variable: #{codepipeline.PipelineExecutionId}' });
    expect(server.requests.map((r) => jsonOperation(r) ?? queryFields(r).Action)).toEqual(['PutJobFailureResult']);
  });

  test('a hostile stack name is escaped in the wave report, and its link encodes it', async () => {
    const hostile = { ...US, stackName: 'Api"><img src=x onerror=alert(1)>\'&' };
    respond = waveAws({ [EU.stackName]: () => changeSetOf(EU, [retentionGrows]), [hostile.stackName]: () => changeSetOf(hostile, [retentionGrows]) });
    const outcome = await runChecks(jobEvent(waveParams([EU, hostile])), context(), deps());
    expect(outcome.status).toBe('succeeded');
    const html = putBody(`${REPORTS}/Prod.wave.html`);
    expect(html).not.toContain('<img');
    expect(html).not.toMatch(/<script|onerror=alert\(1\)>/i);
    expect(html).toContain('<td><code>Api&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&#39;&amp;</code></td>');
    // The change set's console URL holds the name encoded: one safe link, nothing of the name's markup.
    expect(html).toContain('href="https://us-east-1.console.aws.amazon.com/cloudformation/home?region=us-east-1#/stacks/changesets/changes?stackId=Api%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E%27%26&amp;changeSetId=');
    expect(putBody(`${REPORTS}/Prod.wave.md`)).toContain('| `Api"><img src=x onerror=alert(1)>\'&` |');
  });

  test('a tier the wave does not know ranks above high: unknown means attention, and no tier is no wave', () => {
    expect(waveTier(['low', 'none', 'high'])).toBe('high');
    expect(waveTier(['none', 'none'])).toBe('none');
    expect(waveTier(['low', 'critical', 'high'])).toBe('critical');
    expect(tierRank('critical')).toBeGreaterThan(tierRank('high'));
    expect(tierRank('constructor')).toBeGreaterThan(tierRank('high'));
    expect(() => waveTier([])).toThrow('a wave without environments has no tier');
  });
});

describe('verification of the reviewed change set', () => {
  const verifyParams = { check: 'verify', ...target, changeSetName: CHANGE_SET, reviewedChangeSetId: CHANGE_SET_ID };

  test('passes when the change set is the one reviewed and executable, and says when (the start of a revert\'s bake)', async () => {
    respond = aws({ describeChangeSet: () => changeSetPage([tableReplacement]) });
    expect((await runChecks(jobEvent(verifyParams), context(), deps())).status).toBe('succeeded');
    expect(jobReports()[0].outputVariables).toEqual({ ChangeSetName: CHANGE_SET, ChangeSetId: CHANGE_SET_ID, VerifiedAt: new Date(now).toISOString() });
  });

  test('the deployment window\'s check passes at once when the review found nothing to execute, reading nothing', async () => {
    respond = aws({});
    const outcome = await runChecks(jobEvent({ ...verifyParams, execute: 'false' }), context(), deps());
    expect(outcome.status).toBe('succeeded');
    expect(server.requests.map((r) => jsonOperation(r) ?? queryFields(r).Action)).toEqual(['PutJobSuccessResult']);
  });

  test('fails, executing nothing, when the change set was replaced after the review', async () => {
    const newer = CHANGE_SET_ID.replace('9d1e0c3a', '7777aaaa');
    respond = aws({ describeChangeSet: () => changeSetPage([], { ChangeSetId: newer }) });
    const outcome = await runChecks(jobEvent(verifyParams), context(), deps());
    expect(outcome.status).toBe('failed');
    expect(outcome.summary).toBe(`change set '${CHANGE_SET}' of stack '${STACK}' was replaced after the review: reviewed ${CHANGE_SET_ID}, now ${newer}. ` +
      'Nothing was executed; release the change again to review what would now be executed');
  });

  test('fails when the change set is gone (another change set of the stack was executed)', async () => {
    respond = aws({ describeChangeSet: () => xmlError(404, 'ChangeSetNotFound', `ChangeSet [${CHANGE_SET}] does not exist`) });
    const outcome = await runChecks(jobEvent(verifyParams), context(), deps());
    expect(outcome.status).toBe('failed');
    expect(outcome.summary).toContain(`change set '${CHANGE_SET}' of stack '${STACK}' (account ${PROD}) no longer exists`);
  });

  test('fails when the change set is no longer executable', async () => {
    respond = aws({ describeChangeSet: () => changeSetPage([], { ExecutionStatus: 'OBSOLETE' }) });
    const outcome = await runChecks(jobEvent(verifyParams), context(), deps());
    expect(outcome.summary).toBe(`change set '${CHANGE_SET}' of stack '${STACK}' cannot be executed: its execution status is OBSOLETE. Nothing was executed`);
  });
});

describe('bake', () => {
  const bakeParams = { check: 'bake', ...target, alarmNamePrefix: `${STACK}-`, bakeMinutes: 10 };
  const alarm = (name: string, state = 'OK') => ({ AlarmName: `${STACK}-${name}`, StateValue: state, StateReason: `Threshold Crossed: 1 datapoint [3.0] was greater than the threshold (1.0).` });
  const quietHistory = () => jsonAnswer({ AlarmHistoryItems: [] }, '1.0');

  test('watches the stack\'s alarms through the read-only role and asks to be called again until the bake is over', async () => {
    respond = aws({ describeAlarms: () => jsonAnswer({ MetricAlarms: [alarm('Api5xxAlarm'), alarm('ErrorsAlarm')], CompositeAlarms: [] }, '1.0'), describeAlarmHistory: quietHistory });
    const started = now;
    const first = await runChecks(jobEvent(bakeParams), context(), deps());
    expect(first.status).toBe('continued');
    const token = jobReports()[0].continuationToken;
    expect(JSON.parse(token)).toEqual({ startedAt: started });
    const describe = server.requests.filter((r) => jsonOperation(r) === 'DescribeAlarms');
    expect(JSON.parse(describe[0].body)).toEqual({ AlarmNamePrefix: `${STACK}-`, AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] });
    expect(describe[0].headers.authorization).toContain('Credential=ASIATARGETACCOUNT/');
    const history = server.requests.filter((r) => jsonOperation(r) === 'DescribeAlarmHistory').map((r) => JSON.parse(r.body));
    expect(history[0]).toMatchObject({ AlarmName: `${STACK}-Api5xxAlarm`, HistoryItemType: 'StateUpdate', StartDate: started / 1000 });

    // Called again after the bake time: passes.
    server.requests.length = 0;
    now = started + 10 * 60_000;
    const last = await runChecks(jobEvent(bakeParams, token), context(), deps());
    expect(last).toEqual({ status: 'succeeded', summary: `baked 10 min in account ${PROD}: no alarm went off (${STACK}-Api5xxAlarm, ${STACK}-ErrorsAlarm)` });
    expect(jobReports()[0].continuationToken).toBeUndefined();
  });

  test('fails the stage when an alarm is in ALARM, or went to ALARM since the bake started and recovered', async () => {
    respond = aws({ describeAlarms: () => jsonAnswer({ MetricAlarms: [alarm('Api5xxAlarm', 'ALARM')] }, '1.0'), describeAlarmHistory: quietHistory });
    const firing = await runChecks(jobEvent(bakeParams), context(), deps());
    expect(firing.status).toBe('failed');
    expect(firing.summary).toContain(`alarm '${STACK}-Api5xxAlarm' is in ALARM during the bake of Prod (account ${PROD})`);

    respond = aws({
      describeAlarms: () => jsonAnswer({ MetricAlarms: [alarm('ErrorsAlarm')] }, '1.0'),
      describeAlarmHistory: () => jsonAnswer({
        AlarmHistoryItems: [{
          AlarmName: `${STACK}-ErrorsAlarm`, Timestamp: now / 1000 - 30, HistoryItemType: 'StateUpdate', HistorySummary: 'Alarm updated from OK to ALARM',
          HistoryData: JSON.stringify({ version: '1.0', oldState: { stateValue: 'OK' }, newState: { stateValue: 'ALARM', stateReason: 'Threshold Crossed' } }),
        }],
      }, '1.0'),
    });
    const recovered = await runChecks(jobEvent(bakeParams, JSON.stringify({ startedAt: now - 60_000 })), context(), deps());
    expect(recovered.status).toBe('failed');
    expect(recovered.summary).toMatch(new RegExp(`^alarm '${STACK}-ErrorsAlarm' went to ALARM at .* during the bake of Prod`));
  });

  test('the report lists every alarm watched, composite ones too, with its state at the start, at the end and its changes', async () => {
    const reporting = { ...bakeParams, reportBucket: BUCKET, reportPrefix: 'change-reviews/Crosswalk-pipeline/', executionId: EXECUTION };
    const started = now;
    respond = aws({
      describeAlarms: () => jsonAnswer({ MetricAlarms: [alarm('Api5xxAlarm')], CompositeAlarms: [{ AlarmName: `${STACK}-Release`, StateValue: 'OK' }] }, '1.0'),
      describeAlarmHistory: (body) => (body.AlarmName === `${STACK}-Api5xxAlarm`
        ? jsonAnswer({ AlarmHistoryItems: [{
          AlarmName: body.AlarmName, Timestamp: started / 1000 + 60, HistoryItemType: 'StateUpdate', HistorySummary: 'Alarm updated from INSUFFICIENT_DATA to OK',
          HistoryData: JSON.stringify({ version: '1.0', oldState: { stateValue: 'INSUFFICIENT_DATA' }, newState: { stateValue: 'OK' } }),
        }] }, '1.0')
        : quietHistory()),
    });
    now = started + 10 * 60_000;
    const outcome = await runChecks(jobEvent(reporting, JSON.stringify({ startedAt: started })), context(), deps());
    expect(outcome.status).toBe('succeeded');
    const put = server.requests.find((r) => r.method === 'PUT')!;
    expect(decodeURIComponent(new URL(put.url, 'http://local').pathname)).toBe(`/${BUCKET}/change-reviews/Crosswalk-pipeline/${EXECUTION}/Prod-bake.md`);
    expect(put.body).toContain(`| \`${STACK}-Api5xxAlarm\` | MetricAlarm | \`INSUFFICIENT_DATA\` | \`OK\` |`);
    expect(put.body).toContain(`| \`${STACK}-Release\` | CompositeAlarm | \`OK\` | \`OK\` | none |`);
    expect(jobReports()[0].outputVariables).toMatchObject({ WatchedAlarms: '2' });
  });

  test('an alarm with no data for the whole bake fails it at the end: it measured nothing', async () => {
    const started = now;
    respond = aws({ describeAlarms: () => jsonAnswer({ MetricAlarms: [alarm('Api5xxAlarm'), alarm('LatencyAlarm', 'INSUFFICIENT_DATA')] }, '1.0'), describeAlarmHistory: quietHistory });
    now = started + 10 * 60_000;
    const outcome = await runChecks(jobEvent(bakeParams, JSON.stringify({ startedAt: started })), context(), deps());
    expect(outcome.status).toBe('failed');
    expect(outcome.summary).toContain(`alarm '${STACK}-LatencyAlarm' had no data (INSUFFICIENT_DATA) for the whole bake of Prod`);
  });

  test('a bake with no alarm to watch fails instead of passing unwatched', async () => {
    respond = aws({ describeAlarms: () => jsonAnswer({ MetricAlarms: [], CompositeAlarms: [] }, '1.0') });
    const outcome = await runChecks(jobEvent(bakeParams), context(), deps());
    expect(outcome.status).toBe('failed');
    expect(outcome.summary).toContain(`no alarm whose name starts with '${STACK}-' in account ${PROD} (eu-west-1): the bake would watch nothing`);
  });
});

describe('change set with rollback triggers (the revert)', () => {
  // The wire shapes of the calls the revert rests on:
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateChangeSet.html (RollbackConfiguration, TemplateURL, RoleARN, ChangeSetType)
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_RollbackConfiguration.html (at most 5 triggers; MonitoringTimeInMinutes 0 to 180)
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_RollbackTrigger.html (Type AWS::CloudWatch::Alarm or AWS::CloudWatch::CompositeAlarm)
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStacks.html (a missing stack: ValidationError "does not exist")
  // https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html (AlarmArn, StateValue; composite alarms only when AlarmTypes asks)
  // https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_JobData.html (inputArtifacts[].location.s3Location)
  const TEMPLATE_PATH = 'apps/sample-api/cdk.out/Crosswalk-SampleApi-prod.template.json';
  const TEMPLATE = JSON.stringify({ Resources: { Fn: { Type: 'AWS::Lambda::Function' } } });
  const ARTIFACT = { bucket: BUCKET, key: 'Crosswalk-pipeline/BuildOutpu/AbCdEf1' };
  const params = {
    check: 'create-change-set', ...target, changeSetName: CHANGE_SET, templatePath: TEMPLATE_PATH,
    templateBucket: BUCKET, templateKey: `Crosswalk-pipeline/change-sets/${EXECUTION}/Prod.template.json`,
    executionRoleArn: `arn:aws:iam::${PROD}:role/Crosswalk-eu-west-1-CfnExecutionRole`,
    capabilities: ['CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'], alarmNamePrefix: `${STACK}-`, monitoringMinutes: 10,
  };
  const alarmArn = (name: string) => `arn:aws:cloudwatch:eu-west-1:${PROD}:alarm:${STACK}-${name}`;
  const metric = (name: string, state = 'OK') => ({ AlarmName: `${STACK}-${name}`, AlarmArn: alarmArn(name), StateValue: state });
  const composite = (name: string, rule: string) => ({ AlarmName: `${STACK}-${name}`, AlarmArn: alarmArn(name), StateValue: 'OK', AlarmRule: rule });

  function withArtifact(event: any) {
    event['CodePipeline.job'].data.inputArtifacts = [{ name: 'BuildOutput', location: { type: 'S3', s3Location: { bucketName: ARTIFACT.bucket, objectKey: ARTIFACT.key } } }];
    return event;
  }

  interface CfnFake {
    stack?: 'missing' | string;
    alarms?: { MetricAlarms?: object[]; CompositeAlarms?: object[] };
    changeSetStatus?: string[];
    statusReason?: string;
    existsOnce?: boolean;
    /** The build output's bytes, when not the zip with the template. */
    artifact?: string;
  }
  function cfnAws(fake: CfnFake) {
    let describes = 0;
    let creates = 0;
    return (request: RecordedRequest): CannedResponse => {
      const path = decodeURIComponent(new URL(request.url, 'http://local').pathname);
      if (request.method === 'GET' && path === `/${ARTIFACT.bucket}/${ARTIFACT.key}`) {
        if (fake.artifact !== undefined) return { status: 200, headers: { 'content-type': 'application/zip' }, body: fake.artifact };
        return { status: 200, headers: { 'content-type': 'application/zip' }, body: Buffer.from(zipSync({ [TEMPLATE_PATH]: strToU8(TEMPLATE), 'other.txt': strToU8('x') })) as unknown as string };
      }
      if (request.method === 'PUT') return { status: 200, headers: { etag: '"etag-1"' } };
      const operation = jsonOperation(request);
      if (operation === 'PutJobSuccessResult' || operation === 'PutJobFailureResult') return jsonAnswer({});
      if (operation === 'DescribeAlarms') return jsonAnswer(fake.alarms ?? { MetricAlarms: [metric('Errors')], CompositeAlarms: [] }, '1.0');
      const fields = queryFields(request);
      switch (fields.Action) {
        case 'AssumeRole': return assumeRoleAnswer(fields.RoleArn);
        case 'DescribeStacks':
          return fake.stack === 'missing'
            ? xmlError(400, 'ValidationError', `Stack with id ${STACK} does not exist`)
            : xmlAnswer('DescribeStacks', toXml({ Stacks: [{ StackName: STACK, StackId: `arn:aws:cloudformation:eu-west-1:${PROD}:stack/${STACK}/1`, StackStatus: fake.stack ?? 'UPDATE_COMPLETE', CreationTime: '2026-12-01T00:00:00Z' }] }), CFN_NAMESPACE);
        case 'CreateChangeSet':
          creates++;
          if (fake.existsOnce && creates === 1) return xmlError(400, 'AlreadyExistsException', `ChangeSet ${CHANGE_SET} already exists`);
          return xmlAnswer('CreateChangeSet', toXml({ Id: CHANGE_SET_ID, StackId: `arn:aws:cloudformation:eu-west-1:${PROD}:stack/${STACK}/1` }), CFN_NAMESPACE);
        case 'DeleteChangeSet': return xmlAnswer('DeleteChangeSet', '', CFN_NAMESPACE);
        case 'DescribeChangeSet': {
          const statuses = fake.changeSetStatus ?? ['CREATE_COMPLETE'];
          const status = statuses[Math.min(describes++, statuses.length - 1)];
          return xmlAnswer('DescribeChangeSet', toXml({ ChangeSetName: CHANGE_SET, ChangeSetId: CHANGE_SET_ID, StackName: STACK, Status: status, ...(fake.statusReason ? { StatusReason: fake.statusReason } : {}), ExecutionStatus: 'AVAILABLE', Changes: [] }), CFN_NAMESPACE);
        }
        default:
          return xmlError(400, 'InvalidAction', `unexpected ${request.method} ${request.url} ${operation ?? fields.Action}`);
      }
    };
  }
  const created = () => server.requests.filter((r) => queryFields(r).Action === 'CreateChangeSet').map(queryFields);

  test('creates the change set as the deployment role, from the build output\'s template, with the stack\'s alarms as rollback triggers and the bake as the monitoring time', async () => {
    respond = cfnAws({ changeSetStatus: ['CREATE_PENDING', 'CREATE_IN_PROGRESS', 'CREATE_COMPLETE'] });
    const outcome = await runChecks(withArtifact(jobEvent(params)), context(), deps());
    expect(outcome.status).toBe('succeeded');
    // The template, taken out of the zip, put where CloudFormation reads it (as the deployment role).
    const put = server.requests.find((r) => r.method === 'PUT')!;
    expect(decodeURIComponent(new URL(put.url, 'http://local').pathname)).toBe(`/${BUCKET}/${params.templateKey}`);
    expect(put.body).toBe(TEMPLATE);
    expect(queryFields(server.requests.find((r) => queryFields(r).Action === 'AssumeRole')!).RoleArn).toBe(`arn:aws:iam::${PROD}:role/${DEPLOYMENT_ROLE_NAME}`);
    const [create] = created();
    expect(create).toMatchObject({
      StackName: STACK, ChangeSetName: CHANGE_SET, ChangeSetType: 'UPDATE', RoleARN: params.executionRoleArn,
      TemplateURL: `https://${BUCKET}.s3.eu-west-1.amazonaws.com/Crosswalk-pipeline/change-sets/${EXECUTION}/Prod.template.json`,
      'Capabilities.member.1': 'CAPABILITY_NAMED_IAM', 'Capabilities.member.2': 'CAPABILITY_AUTO_EXPAND',
      'RollbackConfiguration.MonitoringTimeInMinutes': '10',
      'RollbackConfiguration.RollbackTriggers.member.1.Arn': alarmArn('Errors'),
      'RollbackConfiguration.RollbackTriggers.member.1.Type': 'AWS::CloudWatch::Alarm',
    });
    expect(server.requests.find((r) => r.method === 'PUT')!.headers.authorization).toContain('Credential=AKIABUILDACCOUNT/');
    expect(server.requests.find((r) => queryFields(r).Action === 'CreateChangeSet')!.headers.authorization).toContain('Credential=ASIATARGETACCOUNT/');
    expect(jobReports()[0].outputVariables).toEqual({ Revert: 'armed', RevertAlarms: `${STACK}-Errors`, MonitoringMinutes: '10' });
  });

  test('a stack that does not exist yet is created with no trigger: there is nothing to return to', async () => {
    respond = cfnAws({ stack: 'missing' });
    const outcome = await runChecks(withArtifact(jobEvent(params)), context(), deps());
    expect(outcome.status).toBe('succeeded');
    expect(created()[0]).toMatchObject({ ChangeSetType: 'CREATE', 'RollbackConfiguration.MonitoringTimeInMinutes': '10' });
    expect(Object.keys(created()[0]).some((k) => k.includes('RollbackTriggers.member'))).toBe(false);
    expect(server.requests.some((r) => jsonOperation(r) === 'DescribeAlarms')).toBe(false);
    expect(jobReports()[0].outputVariables).toMatchObject({ Revert: 'first-deployment' });
  });

  test('no alarm, or an alarm already in ALARM, fails the action with the fix; nothing is created', async () => {
    respond = cfnAws({ alarms: { MetricAlarms: [], CompositeAlarms: [] } });
    const none = await runChecks(withArtifact(jobEvent(params)), context(), deps());
    expect(none.status).toBe('failed');
    expect(none.summary).toContain(`no alarm of account ${PROD} starts with '${STACK}-': a bake without alarms measures nothing`);
    respond = cfnAws({ alarms: { MetricAlarms: [metric('Errors', 'ALARM')] } });
    const alarming = await runChecks(withArtifact(jobEvent(params)), context(), deps());
    expect(alarming.summary).toContain(`${STACK}-Errors is in ALARM now: CloudFormation would revert the release at once`);
    expect(created()).toEqual([]);
  });

  test('more alarms than CloudFormation watches: the composite alarms that cover them all, else a failure naming what is uncovered', async () => {
    const children = ['A', 'B', 'C', 'D', 'E', 'F'].map((n) => metric(n));
    const covering = composite('Release', children.map((c) => `ALARM("${c.AlarmName}")`).join(' OR '));
    respond = cfnAws({ alarms: { MetricAlarms: children, CompositeAlarms: [covering] } });
    const ok = await runChecks(withArtifact(jobEvent(params)), context(), deps());
    expect(ok.status).toBe('succeeded');
    expect(created()[0]).toMatchObject({ 'RollbackConfiguration.RollbackTriggers.member.1.Arn': alarmArn('Release'), 'RollbackConfiguration.RollbackTriggers.member.1.Type': 'AWS::CloudWatch::CompositeAlarm' });
    expect(created()[0]['RollbackConfiguration.RollbackTriggers.member.2.Arn']).toBeUndefined();

    // An AND does not fire on one child: the composite proves nothing about F alone.
    server.requests.length = 0;
    const anded = composite('Release', `${children.slice(0, 5).map((c) => `ALARM("${c.AlarmName}")`).join(' OR ')} OR (ALARM("${STACK}-F") AND ALARM("${STACK}-A"))`);
    respond = cfnAws({ alarms: { MetricAlarms: children, CompositeAlarms: [anded] } });
    const refused = await runChecks(withArtifact(jobEvent(params)), context(), deps());
    expect(refused.status).toBe('failed');
    expect(refused.summary).toContain(`7 alarms start with '${STACK}-', and CloudFormation watches at most 5`);
    expect(created()).toEqual([]);
  });

  test('the same execution\'s action run again replaces its change set; a change set with no change is no failure', async () => {
    respond = cfnAws({ existsOnce: true, changeSetStatus: ['FAILED'], statusReason: 'The submitted information didn\'t contain changes. Submit different information to create a change set.' });
    const outcome = await runChecks(withArtifact(jobEvent(params)), context(), deps());
    expect(outcome.status).toBe('succeeded');
    expect(server.requests.map((r) => queryFields(r).Action).filter((a) => a === 'CreateChangeSet' || a === 'DeleteChangeSet')).toEqual(['CreateChangeSet', 'DeleteChangeSet', 'CreateChangeSet']);
    expect(outcome.summary).toContain('(no change)');
  });

  test('a change set CloudFormation refuses fails the action with its reason', async () => {
    respond = cfnAws({ changeSetStatus: ['FAILED'], statusReason: 'Requires capabilities : [CAPABILITY_IAM]' });
    const outcome = await runChecks(withArtifact(jobEvent(params)), context(), deps());
    expect(outcome).toEqual({ status: 'failed', summary: `CloudFormation could not create change set '${CHANGE_SET}' of stack '${STACK}': Requires capabilities : [CAPABILITY_IAM]` });
  });

  test('a build output without the template, or not a zip, fails before anything is created', async () => {
    respond = cfnAws({});
    const missing = await runChecks(withArtifact(jobEvent({ ...params, templatePath: 'cdk.out/Other.template.json' })), context(), deps());
    expect(missing.summary).toContain('the build output has no file \'cdk.out/Other.template.json\'');
    const noInput = await runChecks(jobEvent(params), context(), deps());
    expect(noInput.summary).toContain('the action has no input artifact \'BuildOutput\'');
    respond = cfnAws({ artifact: 'this is not a zip archive' });
    const notZip = await runChecks(withArtifact(jobEvent(params)), context(), deps());
    expect(notZip.summary).toContain(`the build output s3://${ARTIFACT.bucket}/${ARTIFACT.key} is not a zip archive`);
    expect(created()).toEqual([]);
  });

  test('without an alarm prefix (the build account\'s own stacks) the change set is created by URL with no rollback configuration, reading no alarm', async () => {
    const { alarmNamePrefix: _prefix, ...rest } = params;
    respond = cfnAws({ alarms: { MetricAlarms: [], CompositeAlarms: [] } });
    const outcome = await runChecks(withArtifact(jobEvent({ ...rest, monitoringMinutes: 0 })), context(), deps());
    expect(outcome.status).toBe('succeeded');
    const [create] = created();
    expect(create).toMatchObject({ ChangeSetType: 'UPDATE', TemplateURL: `https://${BUCKET}.s3.eu-west-1.amazonaws.com/Crosswalk-pipeline/change-sets/${EXECUTION}/Prod.template.json` });
    expect(Object.keys(create).filter((k) => k.startsWith('RollbackConfiguration'))).toEqual([]);
    expect(server.requests.some((r) => jsonOperation(r) === 'DescribeAlarms')).toBe(false);
    expect(jobReports()[0].outputVariables).toEqual({ Revert: 'off', RevertAlarms: '', MonitoringMinutes: '0' });
    // A monitoring time without alarms to watch is a contradiction, refused before anything is read.
    server.requests.length = 0;
    const contradictory = await runChecks(withArtifact(jobEvent({ ...rest, monitoringMinutes: 10 })), context(), deps());
    expect(contradictory.summary).toContain('UserParameters.monitoringMinutes must be 0 without an alarmNamePrefix');
    expect(created()).toEqual([]);
  });

  test('the composite rule parser counts only a plain disjunction of ALARM terms', () => {
    expect([...alarmsThatFire('ALARM("a") OR ALARM(b) OR ALARM( "c d" )')]).toEqual(['a', 'b', 'c d']);
    expect(alarmsThatFire('ALARM("a") AND ALARM("b")').size).toBe(0);
    expect(alarmsThatFire('NOT ALARM("a")').size).toBe(0);
    expect(alarmsThatFire('OK("a") OR ALARM("b")').size).toBe(0);
    expect(alarmsThatFire('(ALARM("a") OR ALARM("b"))').size).toBe(0);
    expect(alarmsThatFire('').size).toBe(0);
    expect(alarmsThatFire(undefined).size).toBe(0);
  });
});

describe('bake after a revert', () => {
  test('with `since`, the bake covers the window CloudFormation watched from the execution on, and waits only for the rest of it', async () => {
    const verifiedAt = now - 10 * 60_000;
    respond = aws({ describeAlarms: () => jsonAnswer({ MetricAlarms: [{ AlarmName: `${STACK}-Errors`, StateValue: 'OK' }], CompositeAlarms: [] }, '1.0'), describeAlarmHistory: () => jsonAnswer({ AlarmHistoryItems: [] }, '1.0') });
    const outcome = await runChecks(jobEvent({ check: 'bake', ...target, alarmNamePrefix: `${STACK}-`, bakeMinutes: 10, since: new Date(verifiedAt).toISOString() }), context(), deps());
    expect(outcome.status).toBe('succeeded');
    const history = server.requests.filter((r) => jsonOperation(r) === 'DescribeAlarmHistory').map((r) => JSON.parse(r.body));
    expect(history[0].StartDate).toBe(verifiedAt / 1000);
  });
});

describe('after a self-update: stop the execution that started on the old pipeline', () => {
  // The wire shapes (CodePipeline, JSON 1.1):
  // https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_GetPipelineExecution.html (pipelineExecution.pipelineVersion)
  // https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_GetPipeline.html (pipeline.version, "incremented when a pipeline is updated")
  // https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_StopPipelineExecution.html (abandon, reason; DuplicatedStopRequestException, PipelineExecutionNotStoppableException)
  const params = { check: 'stop-if-superseded', pipelineName: 'Crosswalk-pipeline', executionId: EXECUTION };
  interface PipelineFake { executionVersion?: unknown; pipelineVersion?: unknown; stop?: () => CannedResponse; getPipeline?: () => CannedResponse }
  function pipelineAws(fake: PipelineFake) {
    return (request: RecordedRequest): CannedResponse => {
      switch (jsonOperation(request)) {
        case 'PutJobSuccessResult':
        case 'PutJobFailureResult':
          return jsonAnswer({});
        case 'GetPipelineExecution':
          return jsonAnswer({ pipelineExecution: { pipelineName: 'Crosswalk-pipeline', pipelineExecutionId: EXECUTION, status: 'InProgress', pipelineVersion: fake.executionVersion } });
        case 'GetPipeline':
          return (fake.getPipeline ?? (() => jsonAnswer({ pipeline: { name: 'Crosswalk-pipeline', version: fake.pipelineVersion, stages: [] } })))();
        case 'StopPipelineExecution':
          return (fake.stop ?? (() => jsonAnswer({ pipelineExecutionId: EXECUTION })))();
        default:
          return jsonError(400, 'InvalidAction', `unexpected ${request.url} ${jsonOperation(request)}`);
      }
    };
  }
  const stops = () => server.requests.filter((r) => jsonOperation(r) === 'StopPipelineExecution').map((r) => JSON.parse(r.body));

  test('an execution that started on an older version stops itself, waiting for its running actions, and the action succeeds', async () => {
    respond = pipelineAws({ executionVersion: 7, pipelineVersion: 8 });
    const outcome = await runChecks(jobEvent(params), context(), deps());
    expect(outcome.status).toBe('succeeded');
    expect(stops()).toEqual([{
      pipelineName: 'Crosswalk-pipeline', pipelineExecutionId: EXECUTION, abandon: false,
      reason: 'The pipeline was updated from version 7 to 8 by this execution\'s self-update; the updated pipeline runs the same commit again',
    }]);
    expect(jobReports()[0].outputVariables).toEqual({ Superseded: 'true', PipelineVersion: '8' });
    // The function's own credentials: its role, in the build account.
    expect(server.requests.find((r) => jsonOperation(r) === 'StopPipelineExecution')!.headers.authorization).toContain('Credential=AKIABUILDACCOUNT/');
  });

  test('an execution on the current version goes on, stopping nothing', async () => {
    respond = pipelineAws({ executionVersion: 8, pipelineVersion: 8 });
    const outcome = await runChecks(jobEvent(params), context(), deps());
    expect(outcome).toMatchObject({ status: 'succeeded', summary: 'pipeline Crosswalk-pipeline is unchanged (version 8): this execution goes on' });
    expect(stops()).toEqual([]);
  });

  test('a stop already under way, or an execution no longer running, is no failure', async () => {
    for (const type of ['DuplicatedStopRequestException', 'PipelineExecutionNotStoppableException']) {
      server.requests.length = 0;
      respond = pipelineAws({ executionVersion: 7, pipelineVersion: 8, stop: () => jsonError(400, type, 'already stopping') });
      expect((await runChecks(jobEvent(params), context(), deps())).status).toBe('succeeded');
    }
  });

  test('unknown means stop: unreadable or missing versions, an older pipeline, a refused stop fail the action', async () => {
    const cases: Array<[PipelineFake, string]> = [
      [{ executionVersion: undefined, pipelineVersion: 8 }, 'cannot tell whether pipeline Crosswalk-pipeline changed since execution'],
      [{ executionVersion: 7, pipelineVersion: '8' }, 'cannot tell whether pipeline Crosswalk-pipeline changed'],
      [{ executionVersion: 9, pipelineVersion: 8 }, 'is at version 8, older than the version 9'],
      [{ executionVersion: 7, getPipeline: () => jsonError(400, 'AccessDeniedException', 'not authorized to perform codepipeline:GetPipeline') }, 'not authorized to perform codepipeline:GetPipeline'],
      [{ executionVersion: 7, pipelineVersion: 8, stop: () => jsonError(400, 'AccessDeniedException', 'not authorized to perform codepipeline:StopPipelineExecution') }, 'not authorized to perform codepipeline:StopPipelineExecution'],
    ];
    for (const [fake, reason] of cases) {
      server.requests.length = 0;
      respond = pipelineAws(fake);
      const outcome = await runChecks(jobEvent(params), context(), deps());
      expect([outcome.status, outcome.summary]).toEqual(['failed', expect.stringContaining(reason)]);
      expect(jobReports().map((r) => r.operation)).toEqual(['PutJobFailureResult']);
    }
  });

  test('parameters without the pipeline or the execution are refused before anything is read', async () => {
    respond = pipelineAws({});
    const outcome = await runChecks(jobEvent({ check: 'stop-if-superseded', pipelineName: 'Crosswalk-pipeline', executionId: '#{codepipeline.PipelineExecutionId}' }), context(), deps());
    expect(outcome.summary).toContain('UserParameters.executionId holds an unresolved pipeline variable');
    expect(server.requests.filter((r) => jsonOperation(r) === 'GetPipeline')).toEqual([]);
  });
});
