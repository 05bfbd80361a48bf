import { widening } from '../../src/policy/covers';
import { readDocument } from '../../src/policy/document';
import { wildcardCovers } from '../../src/policy/wildcard';

const doc = (...Statement: object[]) => readDocument({ Version: '2012-10-17', Statement } as never, 'PolicyDocument');

describe('widening', () => {
  test('an Allow within an earlier one is no widening: fewer actions, a narrower resource, an added condition', () => {
    const before = doc({ Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:PutItem'], Resource: 'arn:aws:dynamodb:eu-west-1:1:table/*' });
    const after = doc({ Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: 'arn:aws:dynamodb:eu-west-1:1:table/orders', Condition: { Bool: { 'aws:SecureTransport': 'true' } } });
    expect(widening(before, after)).toEqual({ newAllows: [], lostDenies: [] });
  });

  test('iam:*Role* on every role is wider than iam:GetRole, though no action is a literal *', () => {
    const before = doc({ Effect: 'Allow', Action: 'iam:GetRole', Resource: 'arn:aws:iam::1:role/app' });
    const after = doc({ Effect: 'Allow', Action: 'iam:*Role*', Resource: 'arn:aws:iam::1:role/*' });
    expect(widening(before, after).newAllows).toHaveLength(1);
  });

  test('actions match case-insensitively, resources case-sensitively', () => {
    expect(widening(doc({ Effect: 'Allow', Action: 's3:getobject', Resource: '*' }), doc({ Effect: 'Allow', Action: 'S3:GetObject', Resource: '*' })).newAllows).toHaveLength(0);
    expect(widening(doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/a*' }), doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/A1' })).newAllows).toHaveLength(1);
  });

  test('NotAction allows everything else: never covered by a list of actions', () => {
    const before = doc({ Effect: 'Allow', Action: ['s3:*', 'dynamodb:*'], Resource: '*' });
    const after = doc({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' });
    expect(widening(before, after).newAllows).toHaveLength(1);
  });

  test('a Deny whose negated condition gains a value no longer covers what it did', () => {
    const deny = (values: string[]) => doc({ Effect: 'Deny', Action: 's3:*', Resource: '*', Condition: { StringNotEquals: { 'aws:SourceVpce': values } } });
    expect(widening(deny(['vpce-1']), deny(['vpce-1', 'vpce-2'])).lostDenies).toHaveLength(1);
    expect(widening(deny(['vpce-1', 'vpce-2']), deny(['vpce-1'])).lostDenies).toHaveLength(0);
  });

  test('a Deny turned IfExists, narrowed in actions or removed is lost', () => {
    const before = doc({ Effect: 'Deny', Action: 's3:*', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalTag/team': 'x' } } });
    expect(widening(before, doc({ Effect: 'Deny', Action: 's3:*', Resource: '*', Condition: { StringEqualsIfExists: { 'aws:PrincipalTag/team': 'x' } } })).lostDenies).toHaveLength(0);
    expect(widening(before, doc({ Effect: 'Deny', Action: 's3:DeleteObject', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalTag/team': 'x' } } })).lostDenies).toHaveLength(1);
    expect(widening(before, []).lostDenies).toHaveLength(1);
  });

  // In another account the root stands for its principals (their own IAM policies must allow too);
  // in the resource's own account naming a role grants it by itself, naming the account does not.
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-basics.html
  test('a principal of another account, or *, is wider than one role; a foreign account root covers its roles, the own root does not', () => {
    const trust = (p: object) => doc({ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: p });
    expect(widening(trust({ AWS: 'arn:aws:iam::111111111111:role/pipeline' }), trust({ AWS: '222222222222' })).newAllows).toHaveLength(1);
    expect(widening(trust({ AWS: 'arn:aws:iam::111111111111:role/pipeline' }), trust('*' as never)).newAllows).toHaveLength(1);
    const rootToRole = (own?: string) => widening(trust({ AWS: '111111111111' }), trust({ AWS: 'arn:aws:iam::111111111111:role/pipeline' }), own).newAllows;
    expect(rootToRole('222222222222')).toHaveLength(0);
    expect(rootToRole('111111111111')).toHaveLength(1);
    expect(rootToRole(undefined)).toHaveLength(1);
  });

  test('a value known only after apply is never proven covered', () => {
    const before = doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' });
    const after = doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '{{changeSet:KNOWN_AFTER_APPLY}}' });
    expect(widening(before, after).newAllows).toHaveLength(1);
  });
});

describe('wildcardCovers', () => {
  test('* covers any run, ? one character but not a wildcard of the other side', () => {
    expect(wildcardCovers('arn:aws:s3:::b/*', 'arn:aws:s3:::b/x/y')).toBe(true);
    expect(wildcardCovers('a?c', 'abc')).toBe(true);
    expect(wildcardCovers('a?c', 'a*c')).toBe(false);
    expect(wildcardCovers('a*', 'a?c')).toBe(true);
    expect(wildcardCovers('a.c', 'abc')).toBe(false);
  });
});
