/**
 * Privilege escalation without a literal `*` in the action: grants that let the grantee become
 * someone else (iam:PassRole, iam:AttachRolePolicy, sts:AssumeRole...), wildcards in the middle of
 * an action, NotAction / NotResource, managed policies nobody can read, trust opened up, resource
 * policies to other accounts, and ABAC tags. All `high`: none is a low shape.
 */
import {
  ACCOUNT,
  BUCKET_ARN,
  DOC,
  FOREIGN,
  HANDLER_ROLE_NAME,
  HOLDERS,
  KAA,
  LAMBDA_TRUST,
  ORDERS_POLICY,
  QUEUE_ARN,
  REGION,
  STACK,
  TABLE_ACTIONS,
  TABLE_BASE,
  TABLE_LOGICAL,
  TABLE_NAME,
  TABLE_RESOURCES,
  TOPIC_ARN,
  add,
  allow,
  cites,
  cs,
  deny,
  doc,
  fnArn,
  holderDoc,
  keyArn,
  lid,
  managed,
  maker,
  modify,
  ordersPolicyWith,
  patch,
  physName,
  policyChange,
  res,
  roleArn,
  roleChange,
  suffix,
  tableArn,
  tagChange,
  type Obj,
  type PolicyDocument,
  type Props,
  type Statement,
  NO_TAG_SELECTORS,
} from './build';
import type { CorpusCase } from './types';

const c = maker('privilege-escalation');

const ROLES = `arn:aws:iam::${ACCOUNT}:role/*`;
const USERS = `arn:aws:iam::${ACCOUNT}:user/*`;
const POLICIES = `arn:aws:iam::${ACCOUNT}:policy/*`;
const BASIC = managed('service-role/AWSLambdaBasicExecutionRole');
const FOREIGN_ROOT = `arn:aws:iam::${FOREIGN}:root`;
const OWN_ROOT = `arn:aws:iam::${ACCOUNT}:root`;

const IAM_DOCS = [holderDoc('iam-policy'), DOC.evaluation];

/** The handler's default policy gains `statement`. */
function grant(id: string, title: string, statement: Statement, extraCites: readonly string[] = []): CorpusCase {
  return c.high(id, title, 'iam', [...IAM_DOCS, ...extraCites], cs([policyChange('iam-policy', ORDERS_POLICY, ordersPolicyWith(statement))]));
}

/** The handler role gains the managed policy `arn`. */
function attach(id: string, title: string, arn: string, extraCites: readonly string[] = []): CorpusCase {
  return c.high(id, title, 'iam', [holderDoc('role-inline'), DOC.managedPolicies, ...extraCites], cs([roleChange({ ManagedPolicyArns: [BASIC, arn] })]));
}

const ESCALATING_GRANTS: CorpusCase[] = [
  grant('iam-star-role-star-on-every-role', 'The handler may run every iam:*Role* action on every role', allow('iam:*Role*', ROLES), [DOC.passRole]),
  grant('iam-star-policy-star-on-roles-and-policies', 'The handler may run every iam:*Policy* action on every role and policy', allow('iam:*Policy*', [ROLES, POLICIES])),
  grant('iam-put-star-on-every-role', 'The handler may iam:Put* (inline policies, boundaries) on every role', allow('iam:Put*', ROLES)),
  grant('iam-attach-role-policy-on-role-star', 'The handler may attach any managed policy to any role', allow('iam:AttachRolePolicy', ROLES)),
  grant('iam-put-role-policy-on-role-star', 'The handler may write inline policies into any role', allow('iam:PutRolePolicy', ROLES)),
  grant('iam-pass-role-on-role-star', 'The handler may pass any role of the account to a service', allow('iam:PassRole', ROLES), [DOC.passRole]),
  grant('iam-create-access-key-on-user-star', 'The handler may mint access keys for every user', allow('iam:CreateAccessKey', USERS)),
  grant('iam-update-assume-role-policy-on-role-star', 'The handler may rewrite the trust policy of every role', allow('iam:UpdateAssumeRolePolicy', ROLES)),
  grant('iam-create-policy-version-on-policy-star', 'The handler may publish a new default version of any customer managed policy', allow('iam:CreatePolicyVersion', POLICIES)),
  grant('sts-assume-role-on-star', 'The handler may assume any role that trusts the account', allow('sts:AssumeRole', '*')),
  grant('sts-star-on-admin-role', 'Every STS action on the admin role', allow('sts:*', roleArn('orders-admin'))),
  grant(
    'organizations-star-on-ou',
    'Every Organizations action on an organizational unit',
    allow('organizations:*', `arn:aws:organizations::${ACCOUNT}:ou/o-a1b2c3d4e5/ou-ab12-cdef3456`),
  ),
  grant('kms-star-on-data-key', 'Every KMS action (including ScheduleKeyDeletion, PutKeyPolicy) on the data key', allow('kms:*', keyArn('DataKey'))),
  grant(
    'lambda-update-code-on-every-function',
    'The handler may replace the code of every function (and run as their roles)',
    allow('lambda:UpdateFunctionCode', `arn:aws:lambda:${REGION}:${ACCOUNT}:function:*`),
  ),
  grant('iam-pass-role-upper-case-service', 'IAM:PASSROLE in capitals: action names are case-insensitive', allow('IAM:PASSROLE', ROLES), [DOC.passRole]),
  grant('iam-pass-role-question-mark-wildcard', 'iam:Pass?ole: a single-character wildcard, no `*` anywhere in the action', allow('iam:Pass?ole', ROLES), [DOC.passRole]),
  grant(
    'not-action-allow-everything-but-iam',
    'Allow NotAction [iam:*, organizations:*] on every resource: every other action of every service',
    { Effect: 'Allow', NotAction: ['iam:*', 'organizations:*', 'account:*'], Resource: '*' },
    [DOC.notAction],
  ),
  grant(
    'not-action-allow-on-one-table',
    'Allow NotAction dynamodb:DeleteTable on the orders table: every other action on it',
    { Effect: 'Allow', NotAction: 'dynamodb:DeleteTable', Resource: tableArn(TABLE_NAME) },
    [DOC.notAction],
  ),
  grant(
    'not-resource-allow-get-object',
    'Allow s3:GetObject on NotResource the secrets bucket: every other object of every bucket',
    { Effect: 'Allow', Action: 's3:GetObject', NotResource: 'arn:aws:s3:::orders-secrets/*' },
    [DOC.notResource],
  ),
];

const reshaped = (id: string, title: string, before: PolicyDocument, after: PolicyDocument): CorpusCase =>
  c.high(id, title, 'iam', IAM_DOCS, cs([policyChange('iam-policy', before, after)]));

const RESHAPED: CorpusCase[] = [
  reshaped(
    'fewer-actions-but-item-wildcard',
    'Five table actions become one `dynamodb:*Item`: a shorter list that grants BatchWriteItem and more',
    ORDERS_POLICY,
    doc(allow('dynamodb:*Item', TABLE_RESOURCES)),
  ),
  reshaped(
    'one-resource-becomes-prefix-wildcard',
    'table/orders becomes table/orders*: still one resource, now every table whose name starts with it',
    doc(allow('dynamodb:Query', tableArn('orders'))),
    doc(allow('dynamodb:Query', tableArn('orders*'))),
  ),
  reshaped(
    'deny-flipped-to-allow',
    'A Deny of table deletion becomes an Allow of it',
    doc(...ORDERS_POLICY.Statement, deny('dynamodb:DeleteTable', tableArn('*'))),
    doc(...ORDERS_POLICY.Statement, allow('dynamodb:DeleteTable', tableArn('*'))),
  ),
  reshaped(
    'get-object-becomes-get-star',
    's3:GetObject on the public prefix becomes s3:Get* on the whole bucket',
    doc(allow('s3:GetObject', `${BUCKET_ARN}/public/*`)),
    doc(allow('s3:Get*', `${BUCKET_ARN}/*`)),
  ),
  reshaped(
    'statement-replaced-same-count',
    'The X-Ray statement is replaced by a secrets read: same number of statements',
    ORDERS_POLICY,
    doc(ORDERS_POLICY.Statement[0], allow('secretsmanager:GetSecretValue', `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:*`)),
  ),
];

const MANAGED: CorpusCase[] = [
  attach('managed-system-administrator', 'The handler role gets job-function/SystemAdministrator', managed('job-function/SystemAdministrator'), [DOC.jobFunctions]),
  attach('managed-administrator-access-amplify', 'The handler role gets AdministratorAccess-Amplify (iam:PassRole, CloudFormation, ...)', managed('AdministratorAccess-Amplify'), [
    DOC.managedPolicyList,
  ]),
  attach('managed-iam-full-access', 'The handler role gets IAMFullAccess', managed('IAMFullAccess'), [DOC.managedPolicyList]),
  attach('managed-network-administrator', 'The handler role gets job-function/NetworkAdministrator', managed('job-function/NetworkAdministrator'), [DOC.jobFunctions]),
  attach('managed-read-only-access', 'The handler role gets ReadOnlyAccess: read of every bucket and table in the account', managed('ReadOnlyAccess'), [DOC.managedPolicyList]),
  attach('managed-unknown-aws-policy', 'The handler role gets an AWS managed policy the review has never heard of', managed('AWSOrdersInsightsReadOnlyAccess'), [DOC.managedPolicyList]),
  attach('managed-customer-policy-arn', 'The handler role gets a customer managed policy the change set does not show', `arn:aws:iam::${ACCOUNT}:policy/x`, [DOC.managedPolicies]),
  attach('managed-foreign-account-policy-arn', 'The handler role gets a policy ARN from another account', `arn:aws:iam::${FOREIGN}:policy/shared-admin`, [DOC.managedPolicies]),
  c.high(
    'managed-policy-swapped-same-count',
    'AmazonDynamoDBReadOnlyAccess is swapped for AmazonDynamoDBFullAccess: the list keeps its length',
    'iam',
    [holderDoc('role-inline'), DOC.managedPolicyList],
    cs([
      roleChange(
        { ManagedPolicyArns: [BASIC, managed('AmazonDynamoDBFullAccess')] },
        { ...HOLDERS['role-inline'].props(ORDERS_POLICY), ManagedPolicyArns: [BASIC, managed('AmazonDynamoDBReadOnlyAccess')] },
      ),
    ]),
  ),
  c.high(
    'managed-policy-attached-to-another-role',
    'A customer managed policy is attached to one more role (Roles grows; the document is unchanged)',
    'iam',
    [holderDoc('managed-policy')],
    cs([
      patch(HOLDERS['managed-policy'].type, HOLDERS['managed-policy'].logical, HOLDERS['managed-policy'].physical, HOLDERS['managed-policy'].props(ORDERS_POLICY), {
        Roles: [HANDLER_ROLE_NAME, physName(lid('ReportsHandlerServiceRole'))],
      }),
    ]),
  ),
  c.high(
    'iam-policy-attached-to-group',
    'The handler policy is also attached to the ops group',
    'iam',
    [holderDoc('iam-policy')],
    cs([patch(HOLDERS['iam-policy'].type, HOLDERS['iam-policy'].logical, HOLDERS['iam-policy'].physical, HOLDERS['iam-policy'].props(ORDERS_POLICY), { Groups: ['ops'] })]),
  ),
];

const UNREADABLE: CorpusCase[] = [
  c.high(
    'policy-document-known-after-apply',
    'The whole handler policy document is known only after apply',
    'unreviewed',
    [holderDoc('iam-policy'), DOC.rc, DOC.detail],
    cs([policyChange('iam-policy', ORDERS_POLICY, KAA)]),
  ),
  c.high(
    'policy-resource-known-after-apply',
    'Two table ARNs become one ARN known only after apply: looks narrower, cannot be read',
    'unreviewed',
    [holderDoc('iam-policy'), DOC.rc],
    cs([policyChange('iam-policy', doc(allow(TABLE_ACTIONS, [tableArn('orders'), tableArn('orders-archive')])), doc(allow(TABLE_ACTIONS, KAA)))]),
  ),
  c.high(
    'policy-document-from-custom-resource',
    'The handler policy comes from a custom resource GetAtt (PolicyFetcher.Document)',
    'unreviewed',
    [holderDoc('iam-policy'), DOC.customResources, DOC.detail],
    cs([
      modify('Custom::PolicyFetcher', lid('PolicyFetcher'), `${lid('PolicyFetcher')}-${suffix('fetcher')}`, { ServiceToken: fnArn('policy-fetcher'), Version: '3' }, { ServiceToken: fnArn('policy-fetcher'), Version: '4' }),
      policyChange('iam-policy', ORDERS_POLICY, KAA, { causes: { PolicyDocument: `${lid('PolicyFetcher')}.Document` } }),
    ]),
  ),
];

const userLogical = lid('CiBotUser');
const PRINCIPALS: CorpusCase[] = [
  c.high(
    'new-user-with-access-key',
    'A new IAM user with a long-lived access key',
    'iam',
    [...cites('AWS::IAM::User', 'AWS::IAM::AccessKey')],
    cs([
      add('AWS::IAM::User', userLogical, { Policies: [{ PolicyName: 'deploy', PolicyDocument: doc(allow('s3:PutObject', `${BUCKET_ARN}/*`)) }] }),
      add('AWS::IAM::AccessKey', lid('CiBotAccessKey'), { UserName: KAA, Status: 'Active' }),
    ]),
  ),
  c.high(
    'user-added-to-admin-group',
    'AWS::IAM::UserToGroupAddition puts the ci-bot user into the admins group',
    'iam',
    cites('AWS::IAM::UserToGroupAddition'),
    cs([add('AWS::IAM::UserToGroupAddition', lid('CiBotAdmins'), { GroupName: 'admins', Users: ['ci-bot'] })]),
  ),
  c.high(
    'user-to-group-addition-grows',
    'The admins group membership gains ci-bot',
    'iam',
    cites('AWS::IAM::UserToGroupAddition'),
    cs([
      patch('AWS::IAM::UserToGroupAddition', lid('AdminsMembers'), `${STACK}-AdminsMembers-${suffix('members')}`, { GroupName: 'admins', Users: ['alice'] }, { Users: ['alice', 'ci-bot'] }),
    ]),
  ),
  c.high(
    'new-group-with-administrator-access',
    'A new ops group with AdministratorAccess',
    'iam',
    cites('AWS::IAM::Group'),
    cs([add('AWS::IAM::Group', lid('OpsGroup'), { GroupName: 'ops', ManagedPolicyArns: [managed('AdministratorAccess')] })]),
  ),
  c.high(
    'new-role-narrow-grants',
    'A new role that may only read one table: adding a role is not a low shape',
    'iam',
    cites('AWS::IAM::Role'),
    cs([add('AWS::IAM::Role', lid('ReportsHandlerServiceRole'), HOLDERS['role-inline'].props(doc(allow('dynamodb:GetItem', tableArn(TABLE_NAME)))))]),
  ),
];

const DEPLOY_TRUST = doc({
  Effect: 'Allow',
  Principal: { AWS: roleArn('pipeline-deploy') },
  Action: 'sts:AssumeRole',
  Condition: { StringEquals: { 'sts:ExternalId': 'orders-pipeline-7f3a' } },
});
const trustWith = (statement: Statement): PolicyDocument => doc(...DEPLOY_TRUST.Statement, statement);
const trusted = (id: string, title: string, after: PolicyDocument, extraCites: readonly string[] = []): CorpusCase =>
  c.high(id, title, 'iam', [holderDoc('role-trust'), DOC.principal, ...extraCites], cs([policyChange('role-trust', DEPLOY_TRUST, after)]));

const TRUST: CorpusCase[] = [
  trusted('trust-foreign-account', 'The deploy role trusts account 333333333333', trustWith({ Effect: 'Allow', Principal: { AWS: FOREIGN_ROOT }, Action: 'sts:AssumeRole' })),
  trusted('trust-everyone', 'The deploy role trusts Principal *', trustWith({ Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole' })),
  trusted(
    'trust-github-oidc-any-repository',
    'The deploy role trusts GitHub Actions OIDC tokens of any repository',
    trustWith({
      Effect: 'Allow',
      Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com` },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' } },
    }),
    [DOC.oidc],
  ),
  trusted(
    'trust-external-id-condition-removed',
    'The deploy role trust loses its sts:ExternalId condition',
    doc({ Effect: 'Allow', Principal: { AWS: roleArn('pipeline-deploy') }, Action: 'sts:AssumeRole' }),
    [DOC.condOps],
  ),
  c.high(
    'trust-service-becomes-own-account-root',
    'A Lambda-only trust becomes the account root: any principal of the account with sts:AssumeRole may now use it',
    'iam',
    [holderDoc('role-trust'), DOC.principal],
    cs([policyChange('role-trust', LAMBDA_TRUST, doc({ Effect: 'Allow', Principal: { AWS: OWN_ROOT }, Action: 'sts:AssumeRole' }))]),
  ),
  c.high(
    'trust-adds-tag-session',
    'The deploy role trust adds sts:TagSession: callers may now set the session tags ABAC decisions rest on',
    'iam',
    [holderDoc('role-trust'), DOC.abac],
    cs([policyChange('role-trust', DEPLOY_TRUST, doc({ ...DEPLOY_TRUST.Statement[0], Action: ['sts:AssumeRole', 'sts:TagSession'] }))]),
  ),
];

const BOUNDED: Props = { ...HOLDERS['role-inline'].props(ORDERS_POLICY), PermissionsBoundary: `arn:aws:iam::${ACCOUNT}:policy/orders-boundary` };
const BOUNDARY_DOCS = [holderDoc('role-inline'), DOC.boundaries];
const BOUNDARIES: CorpusCase[] = [
  c.high('permissions-boundary-removed', 'The handler role loses its permissions boundary', 'iam', BOUNDARY_DOCS, cs([roleChange({ PermissionsBoundary: undefined }, BOUNDED)])),
  c.high(
    'permissions-boundary-changed',
    'The handler role boundary moves to another customer managed policy',
    'iam',
    BOUNDARY_DOCS,
    cs([roleChange({ PermissionsBoundary: `arn:aws:iam::${ACCOUNT}:policy/orders-boundary-v2` }, BOUNDED)]),
  ),
  c.high(
    'permissions-boundary-becomes-aws-managed-admin',
    'The handler role boundary becomes AdministratorAccess: a boundary that bounds nothing',
    'iam',
    BOUNDARY_DOCS,
    cs([roleChange({ PermissionsBoundary: managed('AdministratorAccess') }, BOUNDED)]),
  ),
];

const handlerArn = fnArn(physName(lid('OrdersHandler')));
const permission = (props: Props): Obj => add('AWS::Lambda::Permission', lid('OrdersHandlerInvokePermission'), { Action: 'lambda:InvokeFunction', FunctionName: handlerArn, ...props });
const LAMBDA_PERMISSION_DOCS = [...cites('AWS::Lambda::Permission'), DOC.lambdaResourcePolicy];

const RESOURCE_POLICIES: CorpusCase[] = [
  c.high('lambda-permission-principal-star', 'Anyone may invoke the handler', 'iam', LAMBDA_PERMISSION_DOCS, cs([permission({ Principal: '*' })])),
  c.high(
    'lambda-permission-s3-without-source',
    's3.amazonaws.com may invoke the handler, with neither SourceArn nor SourceAccount: any bucket of any account',
    'iam',
    LAMBDA_PERMISSION_DOCS,
    cs([permission({ Principal: 's3.amazonaws.com' })]),
  ),
  c.high(
    'lambda-permission-foreign-account',
    'Account 333333333333 may invoke the handler',
    'iam',
    LAMBDA_PERMISSION_DOCS,
    cs([permission({ Principal: FOREIGN })]),
  ),
  c.high(
    'lambda-permission-function-url-public',
    'lambda:InvokeFunctionUrl for Principal * with FunctionUrlAuthType NONE',
    'iam',
    [...LAMBDA_PERMISSION_DOCS, DOC.lambdaUrlAuth],
    cs([permission({ Action: 'lambda:InvokeFunctionUrl', Principal: '*', FunctionUrlAuthType: 'NONE' })]),
  ),
  c.high(
    'bucket-policy-principal-star',
    'The bucket policy lets Principal * read every object',
    undefined,
    [holderDoc('bucket-policy'), DOC.principal, DOC.s3Bpa],
    cs([
      policyChange(
        'bucket-policy',
        doc(deny('s3:*', [BUCKET_ARN, `${BUCKET_ARN}/*`], { Principal: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })),
        doc(
          deny('s3:*', [BUCKET_ARN, `${BUCKET_ARN}/*`], { Principal: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          allow('s3:GetObject', `${BUCKET_ARN}/*`, { Principal: '*' }),
        ),
      ),
    ]),
  ),
  c.high(
    'bucket-policy-role-becomes-account-root',
    'A bucket read grant to one role becomes a grant to the whole account',
    'iam',
    [holderDoc('bucket-policy'), DOC.principal],
    cs([
      policyChange(
        'bucket-policy',
        doc(allow('s3:GetObject', `${BUCKET_ARN}/*`, { Principal: { AWS: roleArn(HANDLER_ROLE_NAME) } })),
        doc(allow('s3:GetObject', `${BUCKET_ARN}/*`, { Principal: { AWS: OWN_ROOT } })),
      ),
    ]),
  ),
  c.high(
    'key-policy-foreign-account-decrypt',
    'The data key lets account 333333333333 decrypt',
    'iam',
    [holderDoc('kms-key'), DOC.kmsKeyPolicy],
    cs([
      policyChange(
        'kms-key',
        doc(allow('kms:*', '*', { Principal: { AWS: OWN_ROOT } })),
        doc(allow('kms:*', '*', { Principal: { AWS: OWN_ROOT } }), allow(['kms:Decrypt', 'kms:DescribeKey'], '*', { Principal: { AWS: FOREIGN_ROOT } })),
      ),
    ]),
  ),
  c.high(
    'queue-policy-foreign-account-receive',
    'The orders queue lets account 333333333333 receive and delete messages',
    'iam',
    [holderDoc('queue-policy')],
    cs([
      policyChange(
        'queue-policy',
        doc(allow('sqs:SendMessage', QUEUE_ARN, { Principal: { Service: 'sns.amazonaws.com' }, Condition: { ArnEquals: { 'aws:SourceArn': TOPIC_ARN } } })),
        doc(
          allow('sqs:SendMessage', QUEUE_ARN, { Principal: { Service: 'sns.amazonaws.com' }, Condition: { ArnEquals: { 'aws:SourceArn': TOPIC_ARN } } }),
          allow(['sqs:ReceiveMessage', 'sqs:DeleteMessage'], QUEUE_ARN, { Principal: { AWS: FOREIGN_ROOT } }),
        ),
      ),
    ]),
  ),
  c.high(
    'topic-policy-foreign-account-subscribe',
    'The orders topic lets account 333333333333 subscribe',
    'iam',
    [holderDoc('topic-policy')],
    cs([
      policyChange(
        'topic-policy',
        doc(allow('sns:Publish', TOPIC_ARN, { Principal: { Service: 'events.amazonaws.com' } })),
        doc(allow('sns:Publish', TOPIC_ARN, { Principal: { Service: 'events.amazonaws.com' } }), allow('sns:Subscribe', TOPIC_ARN, { Principal: { AWS: FOREIGN_ROOT } })),
      ),
    ]),
  ),
  c.high(
    'secret-resource-policy-foreign-account',
    'A Secrets Manager resource policy lets account 333333333333 read the database secret',
    'iam',
    cites('AWS::SecretsManager::ResourcePolicy'),
    cs([
      add('AWS::SecretsManager::ResourcePolicy', lid('DbSecretPolicy'), {
        SecretId: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:orders-db-a1B2c3`,
        BlockPublicPolicy: true,
        ResourcePolicy: doc(allow('secretsmanager:GetSecretValue', '*', { Principal: { AWS: FOREIGN_ROOT } })),
      }),
    ]),
  ),
  c.high(
    'ecr-repository-policy-foreign-pull-push',
    'The ECR repository policy lets account 333333333333 push images',
    'iam',
    cites('AWS::ECR::Repository'),
    cs([
      patch('AWS::ECR::Repository', lid('OrdersRepository'), 'orders-api', { ImageScanningConfiguration: { ScanOnPush: true } }, {
        RepositoryPolicyText: doc(allow(['ecr:BatchGetImage', 'ecr:PutImage', 'ecr:InitiateLayerUpload', 'ecr:UploadLayerPart', 'ecr:CompleteLayerUpload'], '*', { Principal: { AWS: FOREIGN_ROOT } })),
      }),
    ]),
  ),
  c.high(
    'event-bus-policy-foreign-put-events',
    'A new AWS::Events::EventBusPolicy lets account 333333333333 put events on the orders bus',
    'iam',
    cites('AWS::Events::EventBusPolicy'),
    cs([
      add('AWS::Events::EventBusPolicy', lid('OrdersBusPartnerPolicy'), {
        EventBusName: 'orders-bus',
        StatementId: 'AllowPartner',
        Statement: { Effect: 'Allow', Principal: { AWS: FOREIGN_ROOT }, Action: 'events:PutEvents', Resource: `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/orders-bus` },
      }),
    ]),
  ),
  c.high(
    'event-bus-policy-property-everyone',
    'The orders bus Policy property lets Principal * put events',
    'iam',
    cites('AWS::Events::EventBus'),
    cs([
      patch('AWS::Events::EventBus', lid('OrdersBus'), 'orders-bus', { Name: 'orders-bus' }, {
        Policy: doc(allow('events:PutEvents', `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/orders-bus`, { Principal: '*' })),
      }),
    ]),
  ),
  c.high(
    'opensearch-access-policies-foreign',
    'The OpenSearch domain access policy lets account 333333333333 call es:*',
    'iam',
    cites('AWS::OpenSearchService::Domain'),
    cs([
      patch(
        'AWS::OpenSearchService::Domain',
        lid('SearchDomain'),
        'orders-search',
        { EngineVersion: 'OpenSearch_2.13', AccessPolicies: doc(allow('es:ESHttpGet', `arn:aws:es:${REGION}:${ACCOUNT}:domain/orders-search/*`, { Principal: { AWS: roleArn(HANDLER_ROLE_NAME) } })) },
        { AccessPolicies: doc(allow('es:*', `arn:aws:es:${REGION}:${ACCOUNT}:domain/orders-search/*`, { Principal: { AWS: [roleArn(HANDLER_ROLE_NAME), FOREIGN_ROOT] } })) },
      ),
    ]),
  ),
  c.high(
    'dynamodb-table-resource-policy-foreign',
    'The orders table gets a ResourcePolicy letting account 333333333333 read it',
    'iam',
    [res('AWS::DynamoDB::Table'), DOC.ddbResourcePolicy],
    cs([patch('AWS::DynamoDB::Table', TABLE_LOGICAL, TABLE_NAME, TABLE_BASE, { ResourcePolicy: { PolicyDocument: doc(allow(['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan'], '*', { Principal: { AWS: FOREIGN_ROOT } })) } })]),
  ),
  c.high(
    'lambda-url-added-iam-auth',
    'A function URL is added (AWS_IAM auth): a new way in, not a low shape',
    undefined,
    [...cites('AWS::Lambda::Url'), DOC.lambdaUrlAuth],
    cs([add('AWS::Lambda::Url', lid('OrdersHandlerUrl'), { TargetFunctionArn: handlerArn, AuthType: 'AWS_IAM', Cors: { AllowOrigins: ['*'] } })]),
  ),
];

const ROLE_BASE = HOLDERS['role-inline'].props(ORDERS_POLICY);
const ABAC_DOCS = [DOC.abac, DOC.target];
const ABAC: CorpusCase[] = [
  c.high(
    'abac-role-team-tag-changed',
    'The handler role team tag changes from orders to payments: ABAC grants follow it',
    'iam',
    [...ABAC_DOCS, res('AWS::IAM::Role')],
    cs([tagChange('AWS::IAM::Role', HOLDERS['role-inline'].logical, HANDLER_ROLE_NAME, { team: 'orders' }, { team: 'payments' }, ROLE_BASE)]),
  ),
  c.high(
    'abac-key-tag-added',
    'The data key gains an access-project tag: ABAC key policies may now let more principals use it',
    'iam',
    [...ABAC_DOCS, res('AWS::KMS::Key'), DOC.kmsAbac],
    cs([tagChange('AWS::KMS::Key', HOLDERS['kms-key'].logical, HOLDERS['kms-key'].physical, { team: 'orders' }, { team: 'orders', 'access-project': 'shared' }, HOLDERS['kms-key'].props(doc(allow('kms:*', '*', { Principal: { AWS: OWN_ROOT } }))))]),
  ),
  c.high(
    'abac-user-tag-changed',
    'A user department tag changes: ABAC grants follow it',
    'iam',
    [...ABAC_DOCS, res('AWS::IAM::User')],
    cs([tagChange('AWS::IAM::User', userLogical, 'ci-bot', { department: 'orders' }, { department: 'platform' })]),
  ),
  c.high(
    'abac-secret-tag-changed',
    'A secret owner tag changes: tag-conditioned policies may now let another team read it',
    'iam',
    [...ABAC_DOCS, res('AWS::SecretsManager::Secret')],
    cs([
      tagChange(
        'AWS::SecretsManager::Secret',
        lid('DbSecret'),
        `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:orders-db-a1B2c3`,
        { owner: 'orders' },
        { owner: 'shared' },
        { Description: 'orders database credentials', GenerateSecretString: { SecretStringTemplate: '{"username":"orders"}', GenerateStringKey: 'password' } },
      ),
    ]),
  ),
  c.high(
    'abac-function-tag-changed',
    'A function env tag changes: Lambda authorizes calls on aws:ResourceTag, so tags there decide access',
    'iam',
    [...ABAC_DOCS, res('AWS::Lambda::Function'), 'https://docs.aws.amazon.com/lambda/latest/dg/attribute-based-access-control.html'],
    cs([tagChange('AWS::Lambda::Function', lid('OrdersHandler'), physName(lid('OrdersHandler')), { env: 'prod' }, { env: 'production' })], { template: NO_TAG_SELECTORS }),
  ),
];

export const CASES: CorpusCase[] = [...ESCALATING_GRANTS, ...RESHAPED, ...MANAGED, ...UNREADABLE, ...PRINCIPALS, ...TRUST, ...BOUNDARIES, ...RESOURCE_POLICIES, ...ABAC];
