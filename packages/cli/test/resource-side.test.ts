/**
 * The resource side of doctor --live fails closed: a policy lets a call through only when a
 * statement provably matches, and a Deny is set aside only when one of its conditions is
 * provably false for the call. Each case below is a way a policy could talk the doctor into
 * "allowed". Evaluation: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 */
import { decideResourcePolicy } from '../src/live';

const BUILD = '111111111111';
const CHECKS = `arn:aws:iam::${BUILD}:role/checkin-eu-west-1-PipelineChecksRole`;
const OTHER = `arn:aws:iam::${BUILD}:role/someone-else`;
const BUCKET = 'arn:aws:s3:::checkin-artifacts-111111111111-eu-west-1';
const OBJECT = `${BUCKET}/change-reviews/checkin-pipeline/x.md`;
const TLS = { 'aws:SecureTransport': 'true' };

const doc = (...Statement: object[]) => ({ Version: '2012-10-17', Statement });
const put = (policy: unknown, principalArn = CHECKS, context: Record<string, string> = TLS) =>
  decideResourcePolicy(policy, { principalArn, action: 's3:PutObject', resource: OBJECT, context }).decision;
const assume = (policy: unknown, principalArn = CHECKS) =>
  decideResourcePolicy(policy, { principalArn, action: 'sts:AssumeRole', context: TLS }).decision;

describe('what lets a call through', () => {
  test('the role by ARN, its account\'s root, or everyone; not another account\'s root, not another role', () => {
    const allow = (principal: unknown) => doc({ Effect: 'Allow', Principal: principal, Action: 's3:PutObject', Resource: `${BUCKET}/*` });
    expect(put(allow({ AWS: CHECKS }))).toBe('allow');
    expect(put(allow({ AWS: `arn:aws:iam::${BUILD}:root` }))).toBe('allow');
    expect(put(allow({ AWS: BUILD }))).toBe('allow');
    expect(put(allow('*'))).toBe('allow');
    expect(put(allow({ AWS: 'arn:aws:iam::222222222222:root' }))).toBe('no-allow');
    expect(put(allow({ AWS: OTHER }))).toBe('no-allow');
    expect(put(allow({ Service: 'codepipeline.amazonaws.com' }))).toBe('no-allow');
  });

  test('a trust policy narrowed by aws:PrincipalArn admits the named roles only', () => {
    const trust = doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${BUILD}:root` }, Action: 'sts:AssumeRole', Condition: { ArnEquals: { 'aws:PrincipalArn': [CHECKS] } } });
    expect(assume(trust)).toBe('allow');
    expect(assume(trust, OTHER)).toBe('no-allow');
    const like = doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${BUILD}:root` }, Action: 'sts:AssumeRole', Condition: { ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${BUILD}:role/checkin-*` } } });
    expect(assume(like)).toBe('allow');
    expect(assume(like, OTHER)).toBe('no-allow');
  });

  test('an Allow of another action or resource does not count', () => {
    expect(put(doc({ Effect: 'Allow', Principal: { AWS: CHECKS }, Action: 's3:GetObject', Resource: `${BUCKET}/*` }))).toBe('no-allow');
    expect(put(doc({ Effect: 'Allow', Principal: { AWS: CHECKS }, Action: 's3:PutObject', Resource: `${BUCKET}/assets/*` }))).toBe('no-allow');
    expect(put(doc({ Effect: 'Allow', Principal: { AWS: CHECKS }, Action: 's3:Put*', Resource: `${BUCKET}/*` }))).toBe('allow');
  });

  test('an Allow whose condition the doctor cannot decide does not count', () => {
    const allow = (Condition: object) => doc({ Effect: 'Allow', Principal: { AWS: CHECKS }, Action: 's3:PutObject', Resource: `${BUCKET}/*`, Condition });
    expect(put(allow({ StringEquals: { 'aws:SourceVpce': 'vpce-1' } }))).toBe('no-allow');
    expect(put(allow({ IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }))).toBe('no-allow');
    expect(put(allow({ 'ForAnyValue:StringEquals': { 'aws:PrincipalArn': CHECKS } }))).toBe('no-allow');
    expect(put(allow({ StringEquals: { 'aws:PrincipalArn': '${aws:username}' } }))).toBe('no-allow');
    expect(put(allow({ Bool: { 'aws:SecureTransport': 'true' } }))).toBe('allow');
  });

  test('NotPrincipal in an Allow is never proven to include the role', () => {
    expect(put(doc({ Effect: 'Allow', NotPrincipal: { AWS: OTHER }, Action: 's3:PutObject', Resource: `${BUCKET}/*` }))).toBe('no-allow');
  });

  test('a principal pattern with a wildcard is not proven either way', () => {
    expect(put(doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${BUILD}:role/checkin-*` }, Action: 's3:PutObject', Resource: `${BUCKET}/*` }))).toBe('no-allow');
  });
});

describe('what may deny a call', () => {
  const allowAll = { Effect: 'Allow', Principal: { AWS: CHECKS }, Action: 's3:PutObject', Resource: `${BUCKET}/*` };

  test('the TLS-only Deny is refuted for a call over TLS, and applies to one without', () => {
    const tlsOnly = { Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [BUCKET, `${BUCKET}/*`], Condition: { Bool: { 'aws:SecureTransport': 'false' } } };
    expect(put(doc(tlsOnly, allowAll))).toBe('allow');
    expect(put(doc(tlsOnly, allowAll), CHECKS, { 'aws:SecureTransport': 'false' })).toBe('deny');
  });

  test('a Deny on a key the doctor does not know may apply: unknown, even beside an Allow', () => {
    const vpce = { Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: `${BUCKET}/*`, Condition: { StringNotEquals: { 'aws:SourceVpce': 'vpce-1' } } };
    expect(put(doc(allowAll, vpce))).toBe('unknown');
    const ifExists = { ...vpce, Condition: { StringNotEqualsIfExists: { 'aws:SourceVpce': 'vpce-1' } } };
    expect(put(doc(allowAll, ifExists))).toBe('unknown');
    const numeric = { ...vpce, Condition: { NumericLessThan: { 's3:TlsVersion': '1.2' } } };
    expect(put(doc(allowAll, numeric))).toBe('unknown');
  });

  test('a Deny by NotAction or NotResource that leaves the call in applies', () => {
    expect(put(doc(allowAll, { Effect: 'Deny', Principal: '*', NotAction: 's3:GetObject', Resource: `${BUCKET}/*` }))).toBe('deny');
    expect(put(doc(allowAll, { Effect: 'Deny', Principal: '*', Action: 's3:PutObject', NotResource: `${BUCKET}/assets/*` }))).toBe('deny');
    expect(put(doc(allowAll, { Effect: 'Deny', Principal: '*', NotAction: 's3:Put*', Resource: `${BUCKET}/*` }))).toBe('allow');
  });

  test('a Deny whose action pattern may cover the call applies; one of another principal does not', () => {
    expect(put(doc(allowAll, { Effect: 'Deny', Principal: '*', Action: 's3:Put*', Resource: '*' }))).toBe('deny');
    expect(put(doc(allowAll, { Effect: 'Deny', Principal: { AWS: OTHER }, Action: 's3:*', Resource: '*' }))).toBe('allow');
    expect(put(doc(allowAll, { Effect: 'Deny', NotPrincipal: { AWS: OTHER }, Action: 's3:*', Resource: '*' }))).toBe('unknown');
  });

  test('a Deny that exempts the role by aws:PrincipalArn is refuted; one that exempts another role applies', () => {
    const exempt = (arn: string) => ({ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: `${BUCKET}/*`, Condition: { ArnNotEquals: { 'aws:PrincipalArn': arn } } });
    expect(put(doc(allowAll, exempt(CHECKS)))).toBe('allow');
    expect(put(doc(allowAll, exempt(OTHER)))).toBe('deny');
  });
});

describe('what cannot be read is refused', () => {
  test('not JSON, not a policy, a statement that is not an object', () => {
    expect(put('{not json')).toBe('unknown');
    expect(put('"a string"')).toBe('unknown');
    expect(put({ Version: '2012-10-17', Statement: ['Allow everything'] })).toBe('unknown');
  });

  test('${…} without Version 2012-10-17 is text, not a variable: not compared', () => {
    expect(put({ Statement: [{ Effect: 'Allow', Principal: { AWS: CHECKS }, Action: 's3:PutObject', Resource: '${aws:username}' }] })).toBe('unknown');
  });

  test('a policy with no statement allows nothing', () => {
    expect(put(doc())).toBe('no-allow');
  });
});
