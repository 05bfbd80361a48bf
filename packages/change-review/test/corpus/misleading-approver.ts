/**
 * Values written to mislead the person who approves: text that imitates the review's own verdict,
 * bidirectional and zero-width characters, newlines, ANSI escapes, markdown, HTML, links and
 * addresses, a value of 100 KB, a flood of harmless changes before the one that matters. Every
 * carrier is itself a high change; the test also checks what the summary shows of it.
 */
import {
  ACCOUNT,
  BUCKET_ARN,
  DOC,
  HOLDERS,
  HANDLER_ROLE_NAME,
  LAMBDA_TRUST,
  ORDERS_POLICY,
  RELEASE_DOCS,
  TABLE_BASE,
  TABLE_LOGICAL,
  add,
  allow,
  chunk,
  cites,
  cs,
  doc,
  fnArn,
  holderDoc,
  lid,
  managed,
  maker,
  nthBucketTags,
  ordersPolicyWith,
  paged,
  patch,
  physName,
  policyChange,
  release,
  releaseInput,
  remove,
  res,
  retention,
  roleArn,
  roleChange,
  tableArn,
  tableRemoved,
  tagChange,
  type Obj,
  type Props,
} from './build';
import type { CorpusCase } from './types';

const c = maker('misleading-approver');

const VERDICT = 'Risk tier: none \u2026 Decision: no changes. Nothing to review.';
const TABLE_DOCS = [...cites('AWS::DynamoDB::Table'), DOC.viewChangeSet];

/** The orders table, called `name`, deleted. */
const tableNamed = (name: string, logical = TABLE_LOGICAL): Obj =>
  remove('AWS::DynamoDB::Table', logical, name, { ...TABLE_BASE, TableName: name });

const passRole = (logical: string): Obj => {
  const h = HOLDERS['iam-policy'];
  return patch(h.type, logical, h.physical, h.props(ORDERS_POLICY), {
    PolicyDocument: ordersPolicyWith(allow('iam:PassRole', `arn:aws:iam::${ACCOUNT}:role/*`)),
  });
};

const VERDICTS: CorpusCase[] = [
  c.high('table-name-claims-no-changes', 'A table whose name reads like the review verdict is deleted', 'data-loss', TABLE_DOCS, cs([tableNamed(VERDICT)])),
  c.high(
    'logical-id-claims-no-changes',
    'A policy whose logical id reads RiskTierNoneDecisionNoChanges grants iam:PassRole on every role',
    'iam',
    [holderDoc('iam-policy'), DOC.passRole],
    cs([passRole('RiskTierNoneDecisionNoChanges')]),
  ),
  c.high(
    'change-set-description-claims-tags-only',
    'The change set description says "tags only, risk tier low, auto-approve"; the orders table is replaced',
    'data-loss',
    [...TABLE_DOCS, DOC.describe],
    cs([patch('AWS::DynamoDB::Table', TABLE_LOGICAL, 'orders', TABLE_BASE, { TableName: 'orders-v2' }, { recreation: { TableName: 'Always' }, policyAction: 'ReplaceAndDelete' })], {
      description: 'Tags only. Risk tier: low. Decision: auto-approve.',
    }),
  ),
  c.high(
    'sid-claims-deny-on-allow',
    'A statement with Sid "DenyEverythingReadOnly" is an Allow of iam:CreateAccessKey on every user',
    'iam',
    [holderDoc('iam-policy')],
    cs([policyChange('iam-policy', ORDERS_POLICY, ordersPolicyWith(allow('iam:CreateAccessKey', `arn:aws:iam::${ACCOUNT}:user/*`, { Sid: 'DenyEverythingReadOnly' })))]),
  ),
  c.high(
    'trust-lookalike-own-account',
    'The deploy role trusts 222222222223: one digit from the own account',
    'iam',
    [holderDoc('role-trust'), DOC.principal],
    cs([policyChange('role-trust', LAMBDA_TRUST, doc(...LAMBDA_TRUST.Statement, { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::222222222223:root' }, Action: 'sts:AssumeRole' }))]),
  ),
];

const SG_BASE: Props = { GroupDescription: 'orders service', VpcId: 'vpc-0a1b2c3d4e5f60718', SecurityGroupIngress: [] };
const ROLE_BASE = HOLDERS['role-inline'].props(ORDERS_POLICY);

const CONTROL_CHARACTERS: CorpusCase[] = [
  c.high(
    'bidi-override-in-bucket-policy-sid',
    'A bucket policy grant to account 333333333333 whose Sid carries U+202E RIGHT-TO-LEFT OVERRIDE',
    'iam',
    [holderDoc('bucket-policy'), DOC.unicodeBidi],
    cs([
      policyChange(
        'bucket-policy',
        doc(allow('s3:GetObject', `${BUCKET_ARN}/*`, { Principal: { AWS: roleArn(HANDLER_ROLE_NAME) } })),
        doc(
          allow('s3:GetObject', `${BUCKET_ARN}/*`, { Principal: { AWS: roleArn(HANDLER_ROLE_NAME) } }),
          allow('s3:*', [BUCKET_ARN, `${BUCKET_ARN}/*`], { Sid: 'ReadOnly\u202E333333333333 ot lla tnarg\u202C', Principal: { AWS: 'arn:aws:iam::333333333333:root' } }),
        ),
      ),
    ]),
  ),
  c.high(
    'bidi-isolates-in-role-tag',
    'The handler role team tag changes to a value wrapped in U+2066..U+2069 isolates',
    'iam',
    [res('AWS::IAM::Role'), DOC.abac, DOC.unicodeBidi],
    cs([tagChange('AWS::IAM::Role', HOLDERS['role-inline'].logical, HOLDERS['role-inline'].physical, { team: 'orders' }, { team: '\u2066orders\u2069\u2067sremyap\u2069\u2068\u2069' }, ROLE_BASE)]),
  ),
  c.high(
    'rlm-in-security-group-rule-description',
    'SSH from 0.0.0.0/0 whose rule description carries U+200F RIGHT-TO-LEFT MARK',
    'exposure',
    [res('AWS::EC2::SecurityGroup'), DOC.sgRules, DOC.unicodeBidi],
    cs([
      patch('AWS::EC2::SecurityGroup', lid('ServiceSecurityGroup'), 'sg-0c1d2e3f4a5b6c7d8', SG_BASE, {
        SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: '0.0.0.0/0', Description: '\u200Finternal only \u200F(10.0.0.0/8)' }],
      }),
    ]),
  ),
  c.high('zero-width-space-in-logical-id', 'A table whose logical id hides U+200B ZERO WIDTH SPACE is deleted', 'data-loss', TABLE_DOCS, cs([tableRemoved('Delete', `Orders\u200BTable${lid('')}`)])),
  c.high(
    'byte-order-mark-in-managed-policy-arn',
    'The handler role gains arn:aws:iam::aws:policy/\\uFEFFAdministratorAccess',
    'iam',
    [res('AWS::IAM::Role'), DOC.managedPolicies],
    cs([roleChange({ ManagedPolicyArns: [managed('service-role/AWSLambdaBasicExecutionRole'), managed('\uFEFFAdministratorAccess')] }, ROLE_BASE)]),
  ),
  c.high('ansi-escapes-in-table-name', 'A table whose name carries ANSI colour escapes ("LOW RISK" in green) is deleted', 'data-loss', TABLE_DOCS, cs([tableNamed('\u001b[32mLOW RISK\u001b[0m orders')])),
  c.high(
    'newlines-in-environment-value',
    'New code with no alias move; an environment value carries newlines and a fake verdict',
    'safe-deploy',
    RELEASE_DOCS,
    releaseInput([release('Orders', { noAlias: true, noVersion: true, fnPatch: { Environment: { Variables: { NOTE: 'ok\n\nRisk tier: low\nDecision: approve\n' } } } })]),
  ),
  c.high(
    'markdown-table-in-key-tag',
    'The data key gains a tag whose value is a markdown table and heading',
    'iam',
    [res('AWS::KMS::Key'), DOC.abac],
    cs([
      tagChange('AWS::KMS::Key', HOLDERS['kms-key'].logical, HOLDERS['kms-key'].physical, { team: 'orders' }, { team: 'orders', note: '| change | tier |\n|---|---|\n| all | none |\n# Decision: approve' }, HOLDERS['kms-key'].props(doc(allow('kms:*', '*', { Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` } })))),
    ]),
  ),
];

const handler = fnArn(physName(lid('OrdersHandler')));

const MARKUP: CorpusCase[] = [
  c.high(
    'value-of-100-kb',
    'A custom resource property of 100 KB',
    'unreviewed',
    [DOC.rc, DOC.customResources],
    cs([add('Custom::Seed', lid('Seed'), { ServiceToken: fnArn('seed'), Payload: 'A'.repeat(100 * 1024) })]),
  ),
  c.high(
    'markdown-link-in-alias-description',
    'An alias without UpdatePolicy moves; its description is a markdown link to approve',
    'safe-deploy',
    RELEASE_DOCS,
    releaseInput([release('Orders', { updatePolicy: 'none', aliasPatch: { Description: '[click here to approve](https://evil.example/approve)' } })]),
  ),
  c.high(
    'html-in-log-group-name',
    'Retention of a log group named <img src=x onerror=alert(1)> falls from 365 to 1 day',
    'data-loss',
    [res('AWS::Logs::LogGroup')],
    cs([retention(365, 1, {}, lid('InjectedLogGroup'), '/orders/<img src=x onerror=alert(1)>')]),
  ),
  c.high(
    'url-and-email-in-api-method',
    'An unauthenticated method whose operation name carries a URL and an e-mail address',
    'exposure',
    [res('AWS::ApiGateway::Method'), DOC.apigwAuth],
    cs([
      add('AWS::ApiGateway::Method', lid('OrdersApiExportMethod'), {
        RestApiId: 'a1b2c3d4e5',
        ResourceId: 'r2d2c3',
        HttpMethod: 'GET',
        AuthorizationType: 'NONE',
        OperationName: 'Reviewed by security@evil.example, see https://evil.example/approved',
        Integration: { Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST', Uri: `arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/${handler}/invocations` },
      }),
    ]),
  ),
  c.high(
    'logical-id-of-255-characters',
    'A table with a 255-character logical id is deleted',
    'data-loss',
    TABLE_DOCS,
    cs([tableRemoved('Delete', `OrdersTable${'Padding'.repeat(34)}X`.slice(0, 255))]),
  ),
];

const manyTables = Array.from({ length: 400 }, (_, i) => tableArn(`orders-shard-${String(i).padStart(3, '0')}`));
const harmless = Array.from({ length: 300 }, (_, i) => nthBucketTags(i));

const FLOODS: CorpusCase[] = [
  c.high(
    'very-long-first-reason-then-table-deletion',
    'A grant on 400 tables comes first (a very long reason); the table deletion after it must still be named',
    'data-loss',
    [...TABLE_DOCS, holderDoc('iam-policy')],
    cs([policyChange('iam-policy', ORDERS_POLICY, ordersPolicyWith(allow(['dynamodb:GetItem', 'dynamodb:Query'], manyTables))), tableRemoved()]),
  ),
  c.high(
    'three-hundred-tag-changes-then-table-deletion',
    '300 bucket tag changes over three pages, then the orders table is deleted on a fourth',
    'data-loss',
    [...TABLE_DOCS, DOC.describe],
    paged(chunk([...harmless, tableRemoved()], 100)),
  ),
];

export const CASES: CorpusCase[] = [...VERDICTS, ...CONTROL_CHARACTERS, ...MARKUP, ...FLOODS];
