/**
 * Conditions read the wrong way round. A value added to a StringNotEquals / StringNotLike /
 * ArnNotLike / NotIpAddress of a Deny lets more requests escape the Deny; `...IfExists`, ForAllValues
 * and ForAnyValue, Null and Bool flips change who a statement applies to without changing a single
 * action. The mirror images that really are stricter are controls (class control-low).
 */
import {
  ACCOUNT,
  BUCKET_ARN,
  DOC,
  FOREIGN,
  HANDLER_ROLE_NAME,
  ORDERS_POLICY,
  TABLE_ACTIONS,
  TABLE_NAME,
  TABLE_RESOURCES,
  allow,
  cs,
  deny,
  doc,
  holderDoc,
  maker,
  policyChange,
  roleArn,
  tableArn,
  type Obj,
  type PolicyKind,
  type Statement,
} from './build';
import type { CorpusCase, ExpectedCategory } from './types';

const c = maker('negated-condition');
const control = maker('control-low');

const COND_DOCS = [DOC.condOps, DOC.evaluation];
const VPCE = 'vpce-0a1b2c3d4e5f60718';
const VPCE_2 = 'vpce-0f9e8d7c6b5a40312';
const ORG = 'o-a1b2c3d4e5';
const OBJECTS = `${BUCKET_ARN}/*`;
const HANDLER = roleArn(HANDLER_ROLE_NAME);

/** The bucket's read grant to the handler, present before and after in every bucket case. */
const READ = allow('s3:GetObject', OBJECTS, { Sid: 'HandlerRead', Principal: { AWS: HANDLER } });
const bucketDeny = (condition: Obj, extra: Obj = {}): Statement =>
  deny('s3:*', [BUCKET_ARN, OBJECTS], { Sid: 'Guard', Principal: '*', Condition: condition, ...extra });

/** The handler's table grant under a condition. */
const tableAllow = (condition: Obj | undefined): Statement => allow(TABLE_ACTIONS, TABLE_RESOURCES, condition === undefined ? {} : { Condition: condition });

interface Shift {
  readonly id: string;
  readonly title: string;
  readonly before: readonly Statement[];
  readonly after: readonly Statement[];
  readonly kind?: PolicyKind;
  readonly cite?: readonly string[];
  readonly category?: ExpectedCategory | null;
}

function input(s: Shift) {
  const kind = s.kind ?? 'iam-policy';
  return { kind, input: cs([policyChange(kind, doc(...s.before), doc(...s.after))]) };
}

function loosened(s: Shift): CorpusCase {
  const { kind, input: i } = input(s);
  return c.high(s.id, s.title, s.category === null ? undefined : (s.category ?? 'iam'), [holderDoc(kind), ...COND_DOCS, ...(s.cite ?? [])], i);
}

function stricter(s: Shift): CorpusCase {
  const { kind, input: i } = input(s);
  return control.low(s.id, s.title, [holderDoc(kind), ...COND_DOCS, ...(s.cite ?? [])], i);
}

const bucket = (id: string, title: string, before: Obj, after: Obj, cite: readonly string[] = []): Shift => ({
  id,
  title,
  kind: 'bucket-policy',
  before: [READ, bucketDeny(before)],
  after: [READ, bucketDeny(after)],
  cite,
});

const LOOSENED: CorpusCase[] = ([
  bucket(
    'deny-vpce-string-not-like-gains-star',
    'Deny unless aws:SourceVpce is the endpoint: StringNotLike gains `*`, so nothing is ever denied',
    { StringNotLike: { 'aws:SourceVpce': [VPCE] } },
    { StringNotLike: { 'aws:SourceVpce': [VPCE, '*'] } },
  ),
  bucket(
    'deny-vpce-string-not-equals-gains-endpoint',
    'Deny unless aws:SourceVpce is the endpoint: StringNotEquals gains a second endpoint',
    { StringNotEquals: { 'aws:SourceVpce': VPCE } },
    { StringNotEquals: { 'aws:SourceVpce': [VPCE, VPCE_2] } },
  ),
  bucket(
    'deny-vpce-not-equals-becomes-not-like-prefix',
    'StringNotEquals the endpoint becomes StringNotLike vpce-*: any endpoint in any account escapes the Deny',
    { StringNotEquals: { 'aws:SourceVpce': VPCE } },
    { StringNotLike: { 'aws:SourceVpce': 'vpce-*' } },
  ),
  bucket(
    'deny-org-id-not-equals-gains-org',
    'Deny outside the organisation: StringNotEquals aws:PrincipalOrgID gains another organisation',
    { StringNotEquals: { 'aws:PrincipalOrgID': ORG } },
    { StringNotEquals: { 'aws:PrincipalOrgID': [ORG, 'o-zz9y8x7w6v'] } },
    [DOC.globalKeys],
  ),
  bucket(
    'deny-org-key-swapped-to-resource-org',
    'aws:PrincipalOrgID becomes aws:ResourceOrgID: the Deny now tests the bucket, which is always inside',
    { StringNotEquals: { 'aws:PrincipalOrgID': ORG } },
    { StringNotEquals: { 'aws:ResourceOrgID': ORG } },
    [DOC.globalKeys],
  ),
  bucket(
    'deny-arn-not-like-gains-any-role',
    'Deny unless the caller is an orders role: ArnNotLike gains arn:aws:iam::*:role/*',
    { ArnNotLike: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:role/orders-*` } },
    { ArnNotLike: { 'aws:PrincipalArn': [`arn:aws:iam::${ACCOUNT}:role/orders-*`, 'arn:aws:iam::*:role/*'] } },
  ),
  bucket(
    'deny-not-ip-address-gains-everything',
    'Deny outside the office range: NotIpAddress gains 0.0.0.0/0',
    { NotIpAddress: { 'aws:SourceIp': ['10.0.0.0/8'] } },
    { NotIpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '0.0.0.0/0'] } },
  ),
  bucket(
    'deny-not-ip-address-gains-cidr',
    'Deny outside the office range: NotIpAddress gains 203.0.113.0/24',
    { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
    { NotIpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '203.0.113.0/24'] } },
  ),
  bucket(
    'deny-null-mfa-flipped',
    'Deny when MFA is absent (Null "true") becomes deny when MFA is present (Null "false")',
    { Null: { 'aws:MultiFactorAuthPresent': 'true' } },
    { Null: { 'aws:MultiFactorAuthPresent': 'false' } },
  ),
  bucket(
    'deny-secure-transport-flipped',
    'Deny plain HTTP (aws:SecureTransport "false") becomes deny HTTPS: HTTP is now allowed',
    { Bool: { 'aws:SecureTransport': 'false' } },
    { Bool: { 'aws:SecureTransport': 'true' } },
    [DOC.globalKeys],
  ),
  bucket(
    'deny-gains-extra-condition',
    'The endpoint Deny gains a second condition: it now applies only to requests that also match it',
    { StringNotEquals: { 'aws:SourceVpce': VPCE } },
    { StringNotEquals: { 'aws:SourceVpce': VPCE }, StringEquals: { 'aws:PrincipalAccount': FOREIGN } },
  ),
  {
    id: 'deny-not-principal-gains-foreign-account',
    title: 'Deny everyone but the admin role: NotPrincipal gains account 333333333333',
    kind: 'bucket-policy',
    before: [READ, deny('s3:DeleteObject', OBJECTS, { NotPrincipal: { AWS: roleArn('orders-admin') } })],
    after: [READ, deny('s3:DeleteObject', OBJECTS, { NotPrincipal: { AWS: [roleArn('orders-admin'), `arn:aws:iam::${FOREIGN}:root`] } })],
    cite: [DOC.notPrincipal],
  },
  {
    id: 'deny-if-exists-to-plain',
    title: "A Deny's StringEqualsIfExists becomes StringEquals: untagged tables are no longer denied",
    before: [...ORDERS_POLICY.Statement, deny('dynamodb:*', tableArn('*'), { Condition: { StringEqualsIfExists: { 'aws:ResourceTag/classification': 'restricted' } } })],
    after: [...ORDERS_POLICY.Statement, deny('dynamodb:*', tableArn('*'), { Condition: { StringEquals: { 'aws:ResourceTag/classification': 'restricted' } } })],
  },
  {
    id: 'deny-removed',
    title: 'The Deny of table deletion is removed',
    before: [...ORDERS_POLICY.Statement, deny(['dynamodb:DeleteTable', 'dynamodb:DeleteBackup'], tableArn('*'))],
    after: [...ORDERS_POLICY.Statement],
  },
  {
    id: 'deny-actions-narrowed',
    title: 'Deny dynamodb:Delete* narrows to Deny dynamodb:DeleteTable: DeleteBackup is no longer denied',
    before: [...ORDERS_POLICY.Statement, deny('dynamodb:Delete*', tableArn('*'))],
    after: [...ORDERS_POLICY.Statement, deny('dynamodb:DeleteTable', tableArn('*'))],
  },
  {
    id: 'deny-resources-narrowed',
    title: 'Deny on every table narrows to one table',
    before: [...ORDERS_POLICY.Statement, deny('dynamodb:DeleteTable', tableArn('*'))],
    after: [...ORDERS_POLICY.Statement, deny('dynamodb:DeleteTable', tableArn(TABLE_NAME))],
  },
  {
    id: 'deny-tag-keys-for-any-to-for-all',
    title: 'Deny tagging with unapproved keys: ForAnyValue:StringNotEquals becomes ForAllValues:StringNotEquals',
    before: [...ORDERS_POLICY.Statement, deny('dynamodb:TagResource', tableArn('*'), { Condition: { 'ForAnyValue:StringNotEquals': { 'aws:TagKeys': ['owner', 'cost-centre'] } } })],
    after: [...ORDERS_POLICY.Statement, deny('dynamodb:TagResource', tableArn('*'), { Condition: { 'ForAllValues:StringNotEquals': { 'aws:TagKeys': ['owner', 'cost-centre'] } } })],
    cite: [DOC.multiValued],
  },
  {
    id: 'allow-tag-keys-for-any-to-for-all',
    title: 'Allow tagging when any key is owner: ForAnyValue becomes ForAllValues, true for a request with no tags',
    before: [...ORDERS_POLICY.Statement, allow('dynamodb:TagResource', tableArn('*'), { Condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': 'owner' } } })],
    after: [...ORDERS_POLICY.Statement, allow('dynamodb:TagResource', tableArn('*'), { Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': 'owner' } } })],
    cite: [DOC.multiValued],
  },
  {
    id: 'allow-string-equals-value-added',
    title: 'Allow for team orders becomes allow for orders or payments',
    before: [tableAllow({ StringEquals: { 'aws:PrincipalTag/team': ['orders'] } })],
    after: [tableAllow({ StringEquals: { 'aws:PrincipalTag/team': ['orders', 'payments'] } })],
    cite: [DOC.abac],
  },
  {
    id: 'allow-condition-removed',
    title: 'The team condition of the table grant is removed',
    before: [tableAllow({ StringEquals: { 'aws:PrincipalTag/team': 'orders' } })],
    after: [tableAllow(undefined)],
  },
  {
    id: 'allow-string-equals-to-string-like-star',
    title: 'StringEquals team orders becomes StringLike team *',
    before: [tableAllow({ StringEquals: { 'aws:PrincipalTag/team': 'orders' } })],
    after: [tableAllow({ StringLike: { 'aws:PrincipalTag/team': '*' } })],
  },
  {
    id: 'allow-string-equals-to-if-exists',
    title: "An Allow's StringEquals becomes StringEqualsIfExists: callers without the tag are now allowed",
    before: [tableAllow({ StringEquals: { 'aws:PrincipalTag/team': 'orders' } })],
    after: [tableAllow({ StringEqualsIfExists: { 'aws:PrincipalTag/team': 'orders' } })],
  },
  {
    id: 'allow-string-not-equals-loses-value',
    title: 'Allow outside us-east-1 and us-west-2 becomes allow outside us-east-1 only',
    before: [tableAllow({ StringNotEquals: { 'aws:RequestedRegion': ['us-east-1', 'us-west-2'] } })],
    after: [tableAllow({ StringNotEquals: { 'aws:RequestedRegion': ['us-east-1'] } })],
  },
  {
    id: 'allow-not-ip-address-loses-cidr',
    title: 'Allow from outside two blocked ranges becomes allow from outside one',
    before: [tableAllow({ NotIpAddress: { 'aws:SourceIp': ['198.51.100.0/24', '203.0.113.0/24'] } })],
    after: [tableAllow({ NotIpAddress: { 'aws:SourceIp': ['198.51.100.0/24'] } })],
  },
  {
    id: 'allow-mfa-age-raised',
    title: 'MFA no older than an hour becomes no older than a day',
    before: [tableAllow({ NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } })],
    after: [tableAllow({ NumericLessThan: { 'aws:MultiFactorAuthAge': '86400' } })],
  },
  {
    id: 'allow-date-less-than-extended',
    title: 'A temporary grant that ended mid-2025 now runs until 2030',
    before: [tableAllow({ DateLessThan: { 'aws:CurrentTime': '2025-06-30T00:00:00Z' } })],
    after: [tableAllow({ DateLessThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } })],
  },
  {
    id: 'allow-arn-like-source-gains-wildcard',
    title: 'The queue accepts messages from one rule, then from every rule of the account',
    kind: 'queue-policy',
    before: [allow('sqs:SendMessage', '*', { Principal: { Service: 'events.amazonaws.com' }, Condition: { ArnLike: { 'aws:SourceArn': `arn:aws:events:eu-west-1:${ACCOUNT}:rule/orders-nightly` } } })],
    after: [allow('sqs:SendMessage', '*', { Principal: { Service: 'events.amazonaws.com' }, Condition: { ArnLike: { 'aws:SourceArn': `arn:aws:events:eu-west-1:${ACCOUNT}:rule/*` } } })],
  },
  {
    id: 'allow-condition-operator-to-not',
    title: 'StringEquals team orders becomes StringNotEquals team orders: everyone but orders',
    kind: 'managed-policy',
    before: [tableAllow({ StringEquals: { 'aws:PrincipalTag/team': 'orders' } })],
    after: [tableAllow({ StringNotEquals: { 'aws:PrincipalTag/team': 'orders' } })],
  },
] satisfies Shift[]).map(loosened);

const STRICTER: CorpusCase[] = ([
  {
    id: 'deny-string-equals-to-if-exists',
    title: "A Deny's StringEquals becomes StringEqualsIfExists: the Deny now also applies to untagged tables (stricter)",
    before: [...ORDERS_POLICY.Statement, deny('dynamodb:*', tableArn('*'), { Condition: { StringEquals: { 'aws:ResourceTag/classification': 'restricted' } } })],
    after: [...ORDERS_POLICY.Statement, deny('dynamodb:*', tableArn('*'), { Condition: { StringEqualsIfExists: { 'aws:ResourceTag/classification': 'restricted' } } })],
  },

  bucket(
    'control-deny-string-not-equals-loses-value',
    'Deny unless one of two endpoints becomes deny unless the first: a stricter Deny',
    { StringNotEquals: { 'aws:SourceVpce': [VPCE, VPCE_2] } },
    { StringNotEquals: { 'aws:SourceVpce': [VPCE] } },
  ),
  bucket(
    'control-deny-not-ip-address-loses-cidr',
    'Deny outside two ranges becomes deny outside one: a stricter Deny',
    { NotIpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '203.0.113.0/24'] } },
    { NotIpAddress: { 'aws:SourceIp': ['10.0.0.0/8'] } },
  ),
  {
    id: 'control-deny-condition-removed',
    title: 'A conditional Deny of table deletion becomes unconditional',
    before: [...ORDERS_POLICY.Statement, deny('dynamodb:DeleteTable', tableArn('*'), { Condition: { StringEquals: { 'aws:PrincipalTag/team': 'contractors' } } })],
    after: [...ORDERS_POLICY.Statement, deny('dynamodb:DeleteTable', tableArn('*'))],
  },
  {
    id: 'control-deny-action-added',
    title: 'Deny DeleteTable becomes deny DeleteTable and DeleteBackup',
    before: [...ORDERS_POLICY.Statement, deny('dynamodb:DeleteTable', tableArn('*'))],
    after: [...ORDERS_POLICY.Statement, deny(['dynamodb:DeleteTable', 'dynamodb:DeleteBackup'], tableArn('*'))],
  },
  {
    id: 'control-allow-string-equals-loses-value',
    title: 'Allow for orders or payments becomes allow for orders',
    before: [tableAllow({ StringEquals: { 'aws:PrincipalTag/team': ['orders', 'payments'] } })],
    after: [tableAllow({ StringEquals: { 'aws:PrincipalTag/team': ['orders'] } })],
    cite: [DOC.abac],
  },
  {
    id: 'control-allow-condition-added',
    title: 'The table grant gains a team condition',
    before: [tableAllow(undefined)],
    after: [tableAllow({ StringEquals: { 'aws:PrincipalTag/team': 'orders' } })],
  },
  {
    id: 'control-allow-if-exists-to-plain',
    title: "An Allow's StringEqualsIfExists becomes StringEquals: callers without the tag lose access",
    before: [tableAllow({ StringEqualsIfExists: { 'aws:PrincipalTag/team': 'orders' } })],
    after: [tableAllow({ StringEquals: { 'aws:PrincipalTag/team': 'orders' } })],
  },
  {
    id: 'control-allow-string-not-equals-gains-value',
    title: 'Allow outside us-east-1 becomes allow outside us-east-1 and us-west-2',
    before: [tableAllow({ StringNotEquals: { 'aws:RequestedRegion': 'us-east-1' } })],
    after: [tableAllow({ StringNotEquals: { 'aws:RequestedRegion': ['us-east-1', 'us-west-2'] } })],
  },
  {
    id: 'control-statement-removed',
    title: 'The X-Ray statement is removed',
    before: [...ORDERS_POLICY.Statement],
    after: [ORDERS_POLICY.Statement[0]],
  },
  {
    id: 'control-action-removed',
    title: 'dynamodb:DeleteItem is removed from the table grant',
    before: [allow(TABLE_ACTIONS, TABLE_RESOURCES)],
    after: [allow(TABLE_ACTIONS.filter((a) => a !== 'dynamodb:DeleteItem'), TABLE_RESOURCES)],
  },
  {
    id: 'control-resource-narrowed-to-one-table',
    title: 'table/* narrows to the orders table',
    kind: 'managed-policy',
    before: [allow(['dynamodb:GetItem', 'dynamodb:Query'], tableArn('*'))],
    after: [allow(['dynamodb:GetItem', 'dynamodb:Query'], tableArn(TABLE_NAME))],
  },
  {
    id: 'control-deny-resources-widened',
    title: 'Deny of deletion on the orders table widens to every table',
    kind: 'role-policy',
    before: [...ORDERS_POLICY.Statement, deny('dynamodb:DeleteTable', tableArn(TABLE_NAME))],
    after: [...ORDERS_POLICY.Statement, deny('dynamodb:DeleteTable', tableArn('*'))],
  },
] satisfies Shift[]).map(stricter);

export const CASES: CorpusCase[] = [...LOOSENED, ...STRICTER];
