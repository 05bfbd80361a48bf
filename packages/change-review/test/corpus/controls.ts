/**
 * Controls: change sets that are every bit as boring as they look. Each change is one shape of the
 * low table (or CloudFormation reports no changes at all); a review that calls these `high` is
 * useless, one that calls them anything else is wrong.
 */
import {
  CDK_METADATA_PHYSICAL,
  DOC,
  LAMBDA_TRUST,
  NO_CHANGES_REASON,
  NO_UPDATES_REASON,
  ORDERS_POLICY,
  RELEASE_DOCS,
  TABLE_ACTIONS,
  TABLE_NAME,
  TABLE_RESOURCES,
  add,
  allow,
  bucketTags,
  cdkAnalytics,
  chunk,
  cites,
  cs,
  deny,
  doc,
  fnArn,
  holderDoc,
  lid,
  maker,
  modify,
  newCode,
  noChanges,
  paged,
  physName,
  policyChange,
  QUEUE_ARN,
  QUEUE_URL,
  release,
  releaseInput,
  remove,
  res,
  retention,
  roleArn,
  tableArn,
  tagChange,
  template,
  TABLE_LOGICAL,
  BUCKET_ARN,
  TOPIC_ARN,
  keyArn,
  ACCOUNT,
  HANDLER_ROLE_NAME,
  NO_TAG_SELECTORS,
} from './build';
import type { CorpusCase } from './types';

const c = maker('control-low');
const n = maker('control-none');

const orders = release('Orders');
const withCode = (base: string, p: Record<string, unknown>) => release(base, { fnPatch: { ...newCode(base), ...p } });

/** The previous version of the orders handler, kept when CDK's currentVersion moves on. */
const oldVersion = remove(
  'AWS::Lambda::Version',
  `${lid('OrdersHandlerCurrentVersion')}3f1c0a9e7b2d4c6e8a0b1c2d3e4f5a6b`,
  `${fnArn(orders.fnName)}:6`,
  { FunctionName: orders.fnName },
  'Retain',
);

const cdkMetadata = (before: string, after: string) =>
  modify('AWS::CDK::Metadata', 'CDKMetadata', CDK_METADATA_PHYSICAL, cdkAnalytics(before), cdkAnalytics(after));

const METADATA_DOCS = [DOC.rc, DOC.cdkMetadata];
const TAG_DOCS = [DOC.rc, DOC.target];

const RELEASES: CorpusCase[] = [
  c.low('release-code-one-function', 'One function gets new code behind its CodeDeploy-shifted alias', RELEASE_DOCS, releaseInput([orders])),
  c.low(
    'release-code-three-functions',
    'Three functions get new code, each with a new version and a CodeDeploy-shifted alias',
    RELEASE_DOCS,
    releaseInput([orders, release('Payments'), release('Shipping')]),
  ),
  c.low('release-timeout-only', 'A function timeout goes from 10 to 30 seconds, released through the alias', RELEASE_DOCS, releaseInput([release('Orders', { fnPatch: { Timeout: 30 } })])),
  c.low('release-code-and-memory', 'New code and 1024 MB of memory, released through the alias', RELEASE_DOCS, releaseInput([withCode('Orders', { MemorySize: 1024 })])),
  c.low(
    'release-environment-variable-added',
    'A LOG_LEVEL environment variable is added, released through the alias',
    RELEASE_DOCS,
    releaseInput([withCode('Orders', { Environment: { Variables: { LOG_LEVEL: 'debug' } } })]),
  ),
  c.low('release-runtime-upgrade', 'Runtime nodejs20.x to nodejs22.x, released through the alias', RELEASE_DOCS, releaseInput([withCode('Orders', { Runtime: 'nodejs22.x' })])),
  c.low(
    'release-description-and-handler',
    'The handler entry point moves and a description is added, released through the alias',
    RELEASE_DOCS,
    releaseInput([withCode('Orders', { Handler: 'dist/index.handler', Description: 'Orders API handler' })]),
  ),
  c.low(
    'release-architecture-and-ephemeral-storage',
    'x86_64 to arm64 and 1 GB of /tmp, released through the alias',
    RELEASE_DOCS,
    releaseInput([release('Orders', { fnBase: { Architectures: ['x86_64'] }, fnPatch: { ...newCode('Orders'), Architectures: ['arm64'], EphemeralStorage: { Size: 1024 } } })]),
  ),
  c.low(
    'release-tracing',
    'Tracing PassThrough to Active, released through the alias',
    RELEASE_DOCS,
    releaseInput([release('Orders', { fnBase: { TracingConfig: { Mode: 'PassThrough' } }, fnPatch: { ...newCode('Orders'), TracingConfig: { Mode: 'Active' } } })]),
  ),
  c.low(
    'release-alias-names-function-by-arn',
    'The alias names its function by ARN rather than by name; the release is otherwise the plain one',
    [...RELEASE_DOCS, DOC.lambdaAlias],
    releaseInput([release('Orders', { aliasBase: { FunctionName: fnArn(physName(lid('OrdersHandler'))) } })]),
  ),
  c.low(
    'release-alias-description-changes',
    'The alias description records the release while its version moves',
    [...RELEASE_DOCS, DOC.lambdaAlias],
    releaseInput([release('Orders', { aliasPatch: { Description: 'release 2025-06-02.1' } })]),
  ),
  c.low(
    'release-version-with-description-and-sha',
    'The new version carries a description and the CodeSha256 of the package',
    [...RELEASE_DOCS, DOC.lambdaVersions],
    releaseInput([release('Orders', { versionProps: { Description: 'build 4711', CodeSha256: 'x8Tq3cH0rV0b1m6T1Y2m0dGf5dYg2o8l3qkqv0i4m2A=' } })]),
  ),
  c.low('release-with-old-version-retained', 'A release that also retains the previous version', [...RELEASE_DOCS, DOC.deletionPolicy], releaseInput([orders], [oldVersion])),
  c.low(
    'release-with-metadata-and-tags',
    'A release, the CDK metadata and a bucket cost-centre tag',
    [...RELEASE_DOCS, DOC.cdkMetadata],
    releaseInput([orders], [cdkMetadata('a', 'b'), bucketTags()]),
  ),
  c.low(
    'release-split-over-three-pages',
    'A release whose function, version and alias come on three DescribeChangeSet pages',
    [...RELEASE_DOCS, DOC.describe],
    paged(chunk(orders.changes, 1), { template: template(orders) }),
  ),
  c.low(
    'release-of-two-functions-one-keeps-config',
    'Two functions released; one also gets 15 s timeout, the other only code',
    RELEASE_DOCS,
    releaseInput([withCode('Orders', { Timeout: 15 }), release('Payments')]),
  ),
];

const RETENTION_DOCS = cites('AWS::Logs::LogGroup');

const RETENTION: CorpusCase[] = [
  c.low('retention-30-to-365', 'Log retention grows from 30 to 365 days', RETENTION_DOCS, cs([retention(30, 365)])),
  c.low('retention-30-to-never-expire', 'Log retention is removed: logs are now kept forever', [...RETENTION_DOCS, DOC.logsRetention], cs([retention(30, undefined)])),
  c.low('retention-1-to-3653', 'Log retention grows from 1 day to ten years', RETENTION_DOCS, cs([retention(1, 3653)])),
  // A template parameter passes the number as a string; CloudFormation takes it for the Integer property.
  c.low('retention-30-to-numeric-string-3653', 'Log retention grows from 30 to "3653" (a numeric string, as a parameter passes it)', RETENTION_DOCS, cs([retention(30, '3653')])),
  c.low(
    'retention-not-checked-drift',
    'Log retention grows from 7 to 14 days; drift NOT_CHECKED',
    [...RETENTION_DOCS, DOC.drift],
    cs([retention(7, 14, { drift: 'NOT_CHECKED' })]),
  ),
];

const TAGS: CorpusCase[] = [
  c.low('tags-bucket-cost-centre', 'A bucket cost-centre tag changes', [...TAG_DOCS, res('AWS::S3::Bucket')], cs([bucketTags()], { template: NO_TAG_SELECTORS })),
  c.low(
    'tags-table-owner',
    'The orders table gets a new owner tag value',
    [...TAG_DOCS, res('AWS::DynamoDB::Table')],
    cs([tagChange('AWS::DynamoDB::Table', TABLE_LOGICAL, TABLE_NAME, { owner: 'team-a' }, { owner: 'team-b' })], { template: NO_TAG_SELECTORS }),
  ),
  c.low(
    'tags-queue-added',
    'A queue gets a second tag',
    [...TAG_DOCS, res('AWS::SQS::Queue')],
    cs([tagChange('AWS::SQS::Queue', lid('OrdersQueue'), QUEUE_URL, { team: 'orders' }, { team: 'orders', tier: 'gold' })], { template: NO_TAG_SELECTORS }),
  ),
  c.low(
    'tags-topic-removed',
    'A topic loses a stale tag',
    [...TAG_DOCS, res('AWS::SNS::Topic')],
    cs([tagChange('AWS::SNS::Topic', lid('OrdersTopic'), TOPIC_ARN, { team: 'orders', legacy: 'yes' }, { team: 'orders' })], { template: NO_TAG_SELECTORS }),
  ),
  c.low('tags-bucket-in-sync-drift', 'A bucket tag changes; the bucket is IN_SYNC', [...TAG_DOCS, DOC.drift], cs([bucketTags({ drift: 'IN_SYNC' })], { template: NO_TAG_SELECTORS })),
  c.low(
    'tags-two-pages',
    'Tag changes on a bucket and a table, one per DescribeChangeSet page',
    [...TAG_DOCS, DOC.describe],
    paged([[bucketTags()], [tagChange('AWS::DynamoDB::Table', TABLE_LOGICAL, TABLE_NAME, { owner: 'a' }, { owner: 'b' })]], { template: NO_TAG_SELECTORS }),
  ),
];

const METADATA: CorpusCase[] = [
  c.low('cdk-metadata-modified', 'The CDK analytics string changes after a CDK upgrade', METADATA_DOCS, cs([cdkMetadata('2.150', '2.176')])),
  c.low('cdk-metadata-added', 'Version reporting is turned on: AWS::CDK::Metadata added', METADATA_DOCS, cs([add('AWS::CDK::Metadata', 'CDKMetadata', cdkAnalytics('2.176'))])),
  c.low(
    'cdk-metadata-removed',
    'Version reporting is turned off: AWS::CDK::Metadata removed',
    METADATA_DOCS,
    cs([remove('AWS::CDK::Metadata', 'CDKMetadata', CDK_METADATA_PHYSICAL, cdkAnalytics('2.176'))]),
  ),
  c.low(
    'version-retained-alone',
    'An old Lambda version leaves the template and is retained',
    [DOC.rc, res('AWS::Lambda::Version'), DOC.deletionPolicy],
    cs([oldVersion]),
  ),
];

const narrowed = TABLE_ACTIONS.filter((a) => a !== 'dynamodb:DeleteItem');
const adminRole = roleArn('orders-admin');
const auditRole = roleArn('orders-audit');

const POLICIES: CorpusCase[] = [
  c.low(
    'narrowed-iam-policy-action-removed',
    'The handler policy drops dynamodb:DeleteItem',
    [holderDoc('iam-policy'), DOC.evaluation],
    cs([policyChange('iam-policy', ORDERS_POLICY, doc(allow(narrowed, TABLE_RESOURCES), ORDERS_POLICY.Statement[1]))]),
  ),
  c.low(
    'narrowed-managed-policy-resource',
    'A managed policy narrows from every table to the orders table',
    [holderDoc('managed-policy'), DOC.evaluation],
    cs([policyChange('managed-policy', doc(allow('dynamodb:Query', tableArn('*'))), doc(allow('dynamodb:Query', tableArn(TABLE_NAME))))]),
  ),
  c.low(
    'narrowed-role-policy-statement-removed',
    'An inline RolePolicy loses its X-Ray statement',
    [holderDoc('role-policy'), DOC.evaluation],
    cs([policyChange('role-policy', ORDERS_POLICY, doc(ORDERS_POLICY.Statement[0]))]),
  ),
  c.low(
    'narrowed-role-inline-action-removed',
    'A role inline policy drops dynamodb:UpdateItem',
    [holderDoc('role-inline'), DOC.evaluation],
    cs([policyChange('role-inline', ORDERS_POLICY, doc(allow(TABLE_ACTIONS.filter((a) => a !== 'dynamodb:UpdateItem'), TABLE_RESOURCES), ORDERS_POLICY.Statement[1]))]),
  ),
  c.low(
    'narrowed-trust-to-one-service',
    'A role trust drops edgelambda.amazonaws.com and keeps lambda.amazonaws.com',
    [holderDoc('role-trust'), DOC.principal],
    cs([
      policyChange(
        'role-trust',
        doc({ Effect: 'Allow', Principal: { Service: ['lambda.amazonaws.com', 'edgelambda.amazonaws.com'] }, Action: 'sts:AssumeRole' }),
        LAMBDA_TRUST,
      ),
    ]),
  ),
  c.low(
    'narrowed-bucket-policy-principal-removed',
    'A bucket policy read grant drops the audit role',
    [holderDoc('bucket-policy'), DOC.principal],
    cs([
      policyChange(
        'bucket-policy',
        doc(allow('s3:GetObject', `${BUCKET_ARN}/*`, { Principal: { AWS: [adminRole, auditRole] } })),
        doc(allow('s3:GetObject', `${BUCKET_ARN}/*`, { Principal: { AWS: [adminRole] } })),
      ),
    ]),
  ),
  c.low(
    'narrowed-topic-policy-statement-removed',
    'A topic policy no longer lets EventBridge publish',
    [holderDoc('topic-policy')],
    cs([
      policyChange(
        'topic-policy',
        doc(
          allow('sns:Publish', TOPIC_ARN, { Sid: 'Cw', Principal: { Service: 'cloudwatch.amazonaws.com' } }),
          allow('sns:Publish', TOPIC_ARN, { Sid: 'Events', Principal: { Service: 'events.amazonaws.com' } }),
        ),
        doc(allow('sns:Publish', TOPIC_ARN, { Sid: 'Cw', Principal: { Service: 'cloudwatch.amazonaws.com' } })),
      ),
    ]),
  ),
  c.low(
    'narrowed-queue-policy-action-removed',
    'A queue policy for the topic drops sqs:GetQueueAttributes',
    [holderDoc('queue-policy')],
    cs([
      policyChange(
        'queue-policy',
        doc(allow(['sqs:SendMessage', 'sqs:GetQueueAttributes'], QUEUE_ARN, { Principal: { Service: 'sns.amazonaws.com' }, Condition: { ArnEquals: { 'aws:SourceArn': TOPIC_ARN } } })),
        doc(allow('sqs:SendMessage', QUEUE_ARN, { Principal: { Service: 'sns.amazonaws.com' }, Condition: { ArnEquals: { 'aws:SourceArn': TOPIC_ARN } } })),
      ),
    ]),
  ),
  c.low(
    'narrowed-key-policy-grant-removed',
    'A key policy stops letting the audit role decrypt',
    [holderDoc('kms-key'), DOC.kmsKeyPolicy],
    cs([
      policyChange(
        'kms-key',
        doc(
          allow('kms:*', '*', { Sid: 'Root', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` } }),
          allow('kms:Decrypt', '*', { Sid: 'Audit', Principal: { AWS: auditRole } }),
        ),
        doc(allow('kms:*', '*', { Sid: 'Root', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` } })),
      ),
    ]),
  ),
  c.low(
    'narrowed-deny-added',
    'The handler policy gains a Deny of table deletion: strictly fewer grants',
    [holderDoc('iam-policy'), DOC.evaluation],
    cs([policyChange('iam-policy', ORDERS_POLICY, doc(...ORDERS_POLICY.Statement, deny('dynamodb:DeleteTable', tableArn('*'))))]),
  ),
  c.low(
    'narrowed-iam-policy-index-grant-removed',
    'The handler policy no longer reaches the table indexes',
    [holderDoc('iam-policy'), DOC.evaluation],
    cs([policyChange('iam-policy', ORDERS_POLICY, doc(allow(TABLE_ACTIONS, [tableArn(TABLE_NAME)]), ORDERS_POLICY.Statement[1]))]),
  ),
  c.low(
    'narrowed-key-policy-and-table-tags',
    'A key policy drops a decrypt grant while the table owner tag changes',
    [holderDoc('kms-key'), res('AWS::DynamoDB::Table')],
    cs([
      policyChange(
        'kms-key',
        doc(allow('kms:*', '*', { Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` } }), allow(['kms:Decrypt', 'kms:GenerateDataKey'], keyArn('DataKey'), { Principal: { AWS: roleArn(HANDLER_ROLE_NAME) } })),
        doc(allow('kms:*', '*', { Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` } }), allow('kms:Decrypt', keyArn('DataKey'), { Principal: { AWS: roleArn(HANDLER_ROLE_NAME) } })),
      ),
      tagChange('AWS::DynamoDB::Table', TABLE_LOGICAL, TABLE_NAME, { owner: 'a' }, { owner: 'b' }),
    ], { template: NO_TAG_SELECTORS }),
  ),
];

const NONE: CorpusCase[] = [
  n.none('none-did-not-contain-changes-no-field', 'CloudFormation: the submitted information did not contain changes; no Changes field', [DOC.describe, DOC.changeSets], noChanges()),
  n.none('none-did-not-contain-changes-empty-list', 'CloudFormation: the submitted information did not contain changes; Changes is []', [DOC.describe, DOC.changeSets], noChanges(NO_CHANGES_REASON, [])),
  n.none('none-no-updates-no-field', 'CloudFormation: no updates are to be performed; no Changes field', [DOC.describe, DOC.changeSets], noChanges(NO_UPDATES_REASON)),
  n.none('none-no-updates-empty-list', 'CloudFormation: no updates are to be performed; Changes is []', [DOC.describe, DOC.changeSets], noChanges(NO_UPDATES_REASON, [])),
  n.none(
    'none-with-description-and-nested-flag',
    'No changes on a change set created with IncludeNestedStacks and a description',
    [DOC.describe, DOC.nested],
    noChanges(NO_CHANGES_REASON, undefined, { nested: true, description: 'pipeline run 8812' }),
  ),
];

export const CASES: CorpusCase[] = [...RELEASES, ...RETENTION, ...TAGS, ...METADATA, ...POLICIES, ...NONE];
