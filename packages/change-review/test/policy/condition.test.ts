import { Condition, implies, readConditions } from '../../src/policy/condition';

/** One condition from a policy's Condition block. */
function cond(operator: string, key: string, values: string | string[]): Condition {
  return readConditions({ [operator]: { [key]: values } }, 'test')[0];
}

describe('implies (is the first condition at least as strict as the second)', () => {
  test('positive operators: fewer values are stricter, more are looser', () => {
    expect(implies(cond('StringEquals', 'aws:SourceVpce', ['vpce-1']), cond('StringEquals', 'aws:SourceVpce', ['vpce-1', 'vpce-2']))).toBe(true);
    expect(implies(cond('StringEquals', 'aws:SourceVpce', ['vpce-1', 'vpce-2']), cond('StringEquals', 'aws:SourceVpce', ['vpce-1']))).toBe(false);
  });

  test('negated operators: MORE values are stricter (they exclude more), fewer are looser', () => {
    expect(implies(cond('StringNotEquals', 'aws:SourceVpce', ['vpce-1', 'vpce-2']), cond('StringNotEquals', 'aws:SourceVpce', ['vpce-1']))).toBe(true);
    expect(implies(cond('StringNotEquals', 'aws:SourceVpce', ['vpce-1']), cond('StringNotEquals', 'aws:SourceVpce', ['vpce-1', 'vpce-2']))).toBe(false);
    // "Deny unless from vpce-1" gaining '*' excludes every request: the Deny never applies.
    expect(implies(cond('StringNotLike', 'aws:SourceVpce', ['vpce-1', '*']), cond('StringNotLike', 'aws:SourceVpce', ['vpce-1']))).toBe(true);
    expect(implies(cond('StringNotLike', 'aws:SourceVpce', ['vpce-1']), cond('StringNotLike', 'aws:SourceVpce', ['vpce-1', '*']))).toBe(false);
    expect(implies(cond('ArnNotLike', 'aws:PrincipalArn', ['arn:aws:iam::1:role/a']), cond('ArnNotLike', 'aws:PrincipalArn', ['arn:aws:iam::1:role/*']))).toBe(false);
    expect(implies(cond('ArnNotLike', 'aws:PrincipalArn', ['arn:aws:iam::1:role/*']), cond('ArnNotLike', 'aws:PrincipalArn', ['arn:aws:iam::1:role/a']))).toBe(true);
  });

  test('wildcards: a Like pattern covers what it matches; ? never stands for a * of the other side', () => {
    expect(implies(cond('StringLike', 'k', 'abc'), cond('StringLike', 'k', 'a*'))).toBe(true);
    expect(implies(cond('StringLike', 'k', 'a*'), cond('StringLike', 'k', 'a?'))).toBe(false);
    expect(implies(cond('StringEquals', 'k', 'abc'), cond('StringLike', 'k', 'a*'))).toBe(true);
    expect(implies(cond('StringLike', 'k', 'a*'), cond('StringEquals', 'k', 'a*'))).toBe(false);
  });

  test('IfExists is looser: it also holds when the key is absent', () => {
    expect(implies(cond('StringEquals', 'k', 'v'), cond('StringEqualsIfExists', 'k', 'v'))).toBe(true);
    expect(implies(cond('StringEqualsIfExists', 'k', 'v'), cond('StringEquals', 'k', 'v'))).toBe(false);
  });

  test('ForAllValues and ForAnyValue are not interchangeable; ForAllValues holds on an empty set', () => {
    expect(implies(cond('ForAnyValue:StringEquals', 'aws:TagKeys', ['a']), cond('ForAllValues:StringEquals', 'aws:TagKeys', ['a']))).toBe(false);
    expect(implies(cond('ForAllValues:StringEquals', 'aws:TagKeys', ['a']), cond('ForAllValues:StringEquals', 'aws:TagKeys', ['a', 'b']))).toBe(true);
    expect(implies(cond('ForAllValues:StringEquals', 'aws:TagKeys', ['a']), cond('StringEquals', 'aws:TagKeys', ['a']))).toBe(false);
  });

  test('Null, Bool, numbers, dates and addresses compare by their meaning', () => {
    expect(implies(cond('Null', 'aws:TokenIssueTime', 'false'), cond('Null', 'aws:TokenIssueTime', 'true'))).toBe(false);
    expect(implies(cond('Bool', 'aws:SecureTransport', 'true'), cond('Bool', 'aws:SecureTransport', ['true', 'false']))).toBe(true);
    expect(implies(cond('NumericLessThan', 's3:max-keys', '10'), cond('NumericLessThanEquals', 's3:max-keys', '10'))).toBe(true);
    expect(implies(cond('NumericLessThanEquals', 's3:max-keys', '10'), cond('NumericLessThan', 's3:max-keys', '10'))).toBe(false);
    expect(implies(cond('DateGreaterThan', 'aws:CurrentTime', '2026-01-01T00:00:00Z'), cond('DateGreaterThan', 'aws:CurrentTime', '2025-01-01T00:00:00Z'))).toBe(true);
    expect(implies(cond('IpAddress', 'aws:SourceIp', '10.1.2.0/24'), cond('IpAddress', 'aws:SourceIp', '10.0.0.0/8'))).toBe(true);
    expect(implies(cond('IpAddress', 'aws:SourceIp', '10.0.0.0/8'), cond('IpAddress', 'aws:SourceIp', '10.1.2.0/24'))).toBe(false);
    expect(implies(cond('NotIpAddress', 'aws:SourceIp', '10.0.0.0/8'), cond('NotIpAddress', 'aws:SourceIp', '10.1.2.0/24'))).toBe(true);
  });

  test('an operator IAM does not document is never proven stricter or looser', () => {
    expect(implies(cond('StringEqualz', 'k', 'v'), cond('StringEqualz', 'k', 'v'))).toBe(false);
  });

  test('condition keys are case-insensitive, different keys never imply each other', () => {
    expect(implies(cond('StringEquals', 'AWS:SourceAccount', '1'), cond('StringEquals', 'aws:sourceaccount', '1'))).toBe(true);
    expect(implies(cond('StringEquals', 'aws:SourceAccount', '1'), cond('StringEquals', 'aws:SourceOwner', '1'))).toBe(false);
  });
});
