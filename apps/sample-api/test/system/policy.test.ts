import { evaluate, evaluateAll, wildcardMatch } from './policy';

const ROLE = 'arn:aws:iam::222222222222:role/Crosswalk-eu-west-1-DeploymentRole';

describe('the policy evaluator of the system test', () => {
  test('matches actions case-insensitively and resources with * and ?', () => {
    expect(wildcardMatch('s3:Get*', 'S3:GETOBJECT', true)).toBe(true);
    expect(wildcardMatch('arn:aws:s3:::b/assets/*', 'arn:aws:s3:::b/assets/x.zip')).toBe(true);
    expect(wildcardMatch('arn:aws:s3:::b/assets/*', 'arn:aws:s3:::b/other/x.zip')).toBe(false);
    expect(wildcardMatch('arn:aws:s3:::b/?', 'arn:aws:s3:::b/ab')).toBe(false);
  });

  test('an explicit deny wins over an allow, in one document or across several', () => {
    const allow = { Statement: [{ Effect: 'Allow', Action: 'iam:*', Resource: '*' }] };
    const deny = { Statement: [{ Effect: 'Deny', Action: 'iam:PassRole', Resource: ROLE }] };
    expect(evaluateAll([allow, deny], { action: 'iam:PassRole', resource: ROLE })).toBe('deny');
    expect(evaluateAll([allow, deny], { action: 'iam:GetRole', resource: ROLE })).toBe('allow');
    expect(evaluate(deny, { action: 'iam:GetRole', resource: ROLE })).toBe('implicit-deny');
  });

  test('an account principal narrowed by aws:PrincipalArn admits that role only', () => {
    const policy = { Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*', Principal: { AWS: 'arn:aws:iam::222222222222:root' }, Condition: { ArnEquals: { 'aws:PrincipalArn': ROLE } } }] };
    const request = (account: string, arn: string) => evaluate(policy, { action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', caller: { account, arn } });
    expect(request('222222222222', ROLE)).toBe('allow');
    expect(request('222222222222', 'arn:aws:iam::222222222222:role/Other')).toBe('implicit-deny');
    expect(request('333333333333', ROLE.replace('222222222222', '333333333333'))).toBe('implicit-deny');
  });

  test('ForAnyValue conditions match any context value; a missing key never matches', () => {
    const policy = { Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: 'arn:aws:kms:eu-west-1:1:key/*', Condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/a' } } }] };
    expect(evaluate(policy, { action: 'kms:Decrypt', resource: 'arn:aws:kms:eu-west-1:1:key/k', context: { 'kms:ResourceAliases': ['alias/b', 'alias/a'] } })).toBe('allow');
    expect(evaluate(policy, { action: 'kms:Decrypt', resource: 'arn:aws:kms:eu-west-1:1:key/k' })).toBe('implicit-deny');
  });

  test('fails on a condition operator it does not model, rather than ignoring it', () => {
    const policy = { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*', Condition: { DateGreaterThan: { 'aws:CurrentTime': '2020-01-01' } } }] };
    expect(() => evaluate(policy, { action: 's3:GetObject', resource: 'x', context: { 'aws:CurrentTime': '2021-01-01' } })).toThrow('condition operator DateGreaterThan is not modelled');
  });
});
