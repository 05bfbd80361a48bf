/**
 * `crosswalk review` with the real SDK against a local stand-in for CloudFormation and STS on
 * 127.0.0.1 (the SDK's own AWS_ENDPOINT_URL_* settings). The stand-in answers in the query
 * protocol's XML, shaped after the API reference:
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeChangeSet.html
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_GetTemplate.html
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeEvents.html
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
 */
import { createServer, Server } from 'http';
import { AddressInfo } from 'net';
import { mkdtempSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { EXIT_NOT_REVIEWED, review } from '../src/review';
import { NAMESPACES, queryAnswer } from './query-protocol';

const ACCOUNT = '222222222222';
const STACK = 'orders-api';
const CHANGE_SET_ID = `arn:aws:cloudformation:eu-west-1:${ACCOUNT}:changeSet/release-42/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d`;
const FUNCTION = 'orders-api-OrdersHandler-Xy7Zq8Rt9Uv0';

const answer = (action: string, result: object, namespace: string = NAMESPACES.cloudformation) => queryAnswer(action, result, namespace);

const context = (props: object) => JSON.stringify({ Properties: props });
const detail = (name: string, before: string, after: string, evaluation = 'Static', extra: object = {}) => ({
  Target: { Attribute: 'Properties', Name: name, Path: `/Properties/${name}`, RequiresRecreation: 'Never', BeforeValue: before, AfterValue: after, AttributeChangeType: 'Modify' },
  Evaluation: evaluation, ChangeSource: 'DirectModification', ...extra,
});

/** A code release: the function's code, a new version, the alias moved (low with the template). */
const RELEASE = [
  { Type: 'Resource', ResourceChange: {
    Action: 'Modify', LogicalResourceId: 'OrdersHandler', PhysicalResourceId: FUNCTION, ResourceType: 'AWS::Lambda::Function', Replacement: 'False', Scope: ['Properties'],
    BeforeContext: context({ Code: { S3Bucket: 'artifacts', S3Key: 'assets/a.zip' }, Handler: 'index.handler' }),
    AfterContext: context({ Code: { S3Bucket: 'artifacts', S3Key: 'assets/b.zip' }, Handler: 'index.handler' }),
    Details: [{ ...detail('Code', 'assets/a.zip', 'assets/b.zip'), Target: { ...detail('Code', 'assets/a.zip', 'assets/b.zip').Target, Path: '/Properties/Code/S3Key' } }],
  } },
  { Type: 'Resource', ResourceChange: { Action: 'Add', LogicalResourceId: 'OrdersHandlerVersionB', ResourceType: 'AWS::Lambda::Version', Scope: [], AfterContext: context({ FunctionName: FUNCTION }) } },
  { Type: 'Resource', ResourceChange: {
    Action: 'Modify', LogicalResourceId: 'OrdersLive', PhysicalResourceId: `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:${FUNCTION}:live`, ResourceType: 'AWS::Lambda::Alias', Replacement: 'False', Scope: ['Properties'],
    BeforeContext: context({ FunctionName: FUNCTION, FunctionVersion: '7', Name: 'live' }),
    AfterContext: context({ FunctionName: FUNCTION, FunctionVersion: '{{changeSet:KNOWN_AFTER_APPLY}}', Name: 'live' }),
    Details: [detail('FunctionVersion', '7', '{{changeSet:KNOWN_AFTER_APPLY}}', 'Dynamic', { ChangeSource: 'ResourceAttribute', CausingEntity: 'OrdersHandlerVersionB.Version' })],
  } },
];
// The alias shape is low only when the template's own deployment group stops and rolls back on
// its alarms. https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-codedeploy-deploymentgroup.html
const TEMPLATE = {
  Resources: {
    App: { Type: 'AWS::CodeDeploy::Application', Properties: { ComputePlatform: 'Lambda' } },
    Group: {
      Type: 'AWS::CodeDeploy::DeploymentGroup',
      Properties: {
        ApplicationName: { Ref: 'App' },
        AlarmConfiguration: { Enabled: true, Alarms: [{ Name: 'orders-errors' }] },
        AutoRollbackConfiguration: { Enabled: true, Events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM'] },
      },
    },
    OrdersLive: { Type: 'AWS::Lambda::Alias', UpdatePolicy: { CodeDeployLambdaAliasUpdate: { ApplicationName: { Ref: 'App' }, DeploymentGroupName: { Ref: 'Group' } } } },
  },
};
const TABLE_REMOVED = { Type: 'Resource', ResourceChange: { Action: 'Remove', LogicalResourceId: 'OrdersTable', PhysicalResourceId: 'orders', ResourceType: 'AWS::DynamoDB::Table', PolicyAction: 'Delete', Scope: [], BeforeContext: context({ BillingMode: 'PAY_PER_REQUEST' }) } };

let server: Server;
let requests: URLSearchParams[];
let changes: object[];
let status: { Status: string; StatusReason?: string };
let detection: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const fields = new URLSearchParams(Buffer.concat(chunks).toString());
      requests.push(fields);
      const send = (body: string) => { res.writeHead(200, { 'content-type': 'text/xml' }); res.end(body); };
      switch (fields.get('Action')) {
        case 'AssumeRole':
          return send(answer('AssumeRole', { Credentials: { AccessKeyId: 'ASIAROLE', SecretAccessKey: 's', SessionToken: 't', Expiration: '2030-01-01T00:00:00Z' }, AssumedRoleUser: { Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/r/crosswalk-review`, AssumedRoleId: 'AROA:crosswalk-review' } }, NAMESPACES.sts));
        case 'DescribeChangeSet':
          return send(answer('DescribeChangeSet', { ChangeSetName: 'release-42', ChangeSetId: CHANGE_SET_ID, StackName: STACK, ExecutionStatus: 'AVAILABLE', ...status, Changes: changes }));
        case 'GetTemplate':
          return send(answer('GetTemplate', { TemplateBody: JSON.stringify(TEMPLATE) }));
        case 'DescribeEvents':
          return send(answer('DescribeEvents', { OperationEvents: [] }));
        case 'DetectStackDrift':
          return send(answer('DetectStackDrift', { StackDriftDetectionId: 'd-1' }));
        case 'DescribeStackDriftDetectionStatus':
          return send(answer('DescribeStackDriftDetectionStatus', { StackId: 's', StackDriftDetectionId: 'd-1', DetectionStatus: detection, Timestamp: '2026-12-07T10:00:00Z' }));
        case 'DescribeStackResourceDrifts':
          return send(answer('DescribeStackResourceDrifts', { StackResourceDrifts: [{ StackId: 's', LogicalResourceId: 'OrdersHandler', ResourceType: 'AWS::Lambda::Function', StackResourceDriftStatus: 'MODIFIED', Timestamp: '2026-12-07T10:00:00Z', PropertyDifferences: [{ PropertyPath: '/MemorySize', ExpectedValue: '256', ActualValue: '1024', DifferenceType: 'NOT_EQUAL' }] }] }));
        default:
          res.writeHead(400, { 'content-type': 'text/xml' });
          return res.end(`<ErrorResponse><Error><Code>InvalidAction</Code><Message>${fields.get('Action')}</Message></Error></ErrorResponse>`);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_CLOUDFORMATION: url, AWS_ENDPOINT_URL_STS: url, AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'AKIACALLER', AWS_SECRET_ACCESS_KEY: 'secret', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  requests = [];
  changes = RELEASE;
  status = { Status: 'CREATE_COMPLETE' };
  detection = 'DETECTION_COMPLETE';
});

function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  return review(args, { out: (t) => out.push(t), err: (l) => err.push(l), now: () => new Date('2026-12-07T10:00:00Z') }).then((code) => ({ code, out: out.join(''), err: err.join('\n') }));
}

test('a code release behind a CodeDeploy alias exits 10 (low), reading every page with property values, the template and AWS\'s checks', async () => {
  const { code, out } = await run(['--stack', STACK, '--change-set', 'release-42']);
  expect(code).toBe(10);
  expect(out).toContain('**Risk tier:** LOW');
  expect(requests.map((r) => r.get('Action'))).toEqual(['DescribeChangeSet', 'GetTemplate', 'DescribeEvents']);
  expect(requests[0].get('IncludePropertyValues')).toBe('true');
  expect(requests[1].get('ChangeSetName')).toBe(CHANGE_SET_ID);
});

test('a table deletion exits 20 (high), and the summary on standard error names it first', async () => {
  changes = [...RELEASE, TABLE_REMOVED];
  const { code, err } = await run(['--stack', STACK, '--change-set', 'release-42', '--format', 'json']);
  expect(code).toBe(20);
  expect(err).toMatch(/^Risk tier HIGH\. .*\[data loss\] "OrdersTable"/);
});

test('no changes (CloudFormation\'s FAILED "no changes") exits 0', async () => {
  changes = [];
  status = { Status: 'FAILED', StatusReason: 'The submitted information didn\'t contain changes. Submit different information to create a change set.' };
  expect((await run(['--stack', STACK, '--change-set', 'release-42'])).code).toBe(0);
});

// Only outputs or parameters changed: CloudFormation makes an executable change set listing no
// resource change (aws/aws-cdk#2029); a person looks at what the change set does not show.
test('a change set that will execute but lists no resource change exits 20 (high), never 0', async () => {
  changes = [];
  const { code, err } = await run(['--stack', STACK, '--change-set', 'release-42']);
  expect(code).toBe(20);
  expect(err).toMatch(/lists no resource change/);
});

test('a change set the review refuses (FAILED "no changes" yet listing a deletion) exits 30, never 0', async () => {
  changes = [TABLE_REMOVED];
  status = { Status: 'FAILED', StatusReason: 'The submitted information didn\'t contain changes. Submit different information to create a change set.' };
  const { code, err } = await run(['--stack', STACK, '--change-set', 'release-42']);
  expect(code).toBe(EXIT_NOT_REVIEWED);
  expect(err).toContain('cannot be reviewed');
});

test('--role-arn reads as that role; --out writes the HTML report to a file', async () => {
  const out = path.join(mkdtempSync(path.join(tmpdir(), 'review-')), 'report.html');
  const { code } = await run(['--stack', STACK, '--change-set', 'release-42', '--role-arn', `arn:aws:iam::${ACCOUNT}:role/reviewer`, '--format', 'html', '--out', out]);
  expect(code).toBe(10);
  expect(requests[0].get('Action')).toBe('AssumeRole');
  expect(requests[0].get('RoleArn')).toBe(`arn:aws:iam::${ACCOUNT}:role/reviewer`);
  expect(readFileSync(out, 'utf8')).toMatch(/^<!DOCTYPE html>/);
});

test('--detect-drift: a function edited in the console that the release changes makes it high (20), naming the drift', async () => {
  const { code, out } = await run(['--stack', STACK, '--change-set', 'release-42', '--detect-drift']);
  expect(code).toBe(20);
  expect(requests.map((r) => r.get('Action'))).toEqual(expect.arrayContaining(['DetectStackDrift', 'DescribeStackDriftDetectionStatus', 'DescribeStackResourceDrifts']));
  expect(out).toContain('`/MemorySize`');
});

test('--detect-drift: drift detection that failed for part of the stack makes the review ask a person (20)', async () => {
  detection = 'DETECTION_FAILED';
  expect((await run(['--stack', STACK, '--change-set', 'release-42', '--detect-drift'])).code).toBe(20);
});

test('a bad command line exits 30 with what was wrong, never 0', async () => {
  for (const args of [[], ['--stack', STACK], ['--stack', STACK, '--change-set', 'x', '--format', 'pdf'], ['--stack', STACK, '--change-set', 'x', '--role-arn', 'reviewer'], ['--stack', STACK, '--change-set', 'x', '--bogus']]) {
    const { code, err } = await run(args);
    expect({ args, code }).toEqual({ args, code: EXIT_NOT_REVIEWED });
    expect(err).toMatch(/crosswalk review: /);
  }
  expect(requests).toEqual([]);
});
