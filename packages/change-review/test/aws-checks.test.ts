/**
 * What AWS already checked: CloudFormation hooks and pre-deployment validations on the change
 * set, as DescribeEvents (with the change set's name) returns them in OperationEvents.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_OperationEvent.html
 */
import { AutoApprove, ChangeReview, RiskTier } from '../src';
import { CORPUS } from './corpus';

const release = CORPUS.find((c) => c.id === 'release-code-one-function')!.input as { pages: unknown[]; template?: unknown };
const context = { reviewedAt: '2026-12-07T10:00:00.000Z', autoApprove: AutoApprove.LOW_RISK };

const hook = (status: string, extra: object = {}) => ({ EventType: 'HOOK_INVOCATION_ERROR', HookType: 'Acme::Security::NoPublicBuckets', HookStatus: status, HookFailureMode: 'WARN', ...extra });
const validation = (status: string, extra: object = {}) => ({ EventType: 'VALIDATION_ERROR', ValidationName: 'PROPERTY_VALIDATION', ValidationStatus: status, ValidationFailureMode: 'WARN', LogicalResourceId: 'OrdersTable', ...extra });

test('a release whose hooks all succeeded stays low, and the report lists what AWS checked', () => {
  const review = ChangeReview.review({ ...release, events: [hook('HOOK_COMPLETE_SUCCEEDED')] });
  expect(review.tier).toBe(RiskTier.LOW);
  expect(review.markdown(context)).toContain('## What AWS already checked\n\n- Hook `Acme::Security::NoPublicBuckets`: `HOOK_COMPLETE_SUCCEEDED`');
});

test('a hook or validation that failed in WARN mode (the change set was created anyway) needs a person, under AWS checks', () => {
  for (const event of [hook('HOOK_COMPLETE_FAILED', { HookStatusReason: 'bucket is public' }), hook('HOOK_FAILED'), validation('FAILED', { ValidationStatusReason: 'Invalid value' })]) {
    const review = ChangeReview.review({ ...release, events: [event] });
    expect(review.tier).toBe(RiskTier.HIGH);
    expect(review.findings.map((f) => f.category)).toEqual(['aws-check']);
  }
});

test('a hook still in progress has no verdict yet: a person looks', () => {
  expect(ChangeReview.review({ ...release, events: [hook('HOOK_IN_PROGRESS')] }).tier).toBe(RiskTier.HIGH);
});

test('a skipped validation is listed, not counted as a failure', () => {
  const review = ChangeReview.review({ ...release, events: [validation('SKIPPED')] });
  expect(review.tier).toBe(RiskTier.LOW);
  expect(review.markdown(context)).toContain('`SKIPPED`');
});

test('events that could not be read make the review ask a person, and say why', () => {
  const review = ChangeReview.review({ ...release, eventsProblem: 'AccessDenied: not authorized to perform cloudformation:DescribeEvents' });
  expect(review.tier).toBe(RiskTier.HIGH);
  expect(review.findings[0]).toMatchObject({ category: 'unreviewed', rule: 'aws-checks-unreadable' });
});

test('events not given at all: the report says they were not read, the tier does not change', () => {
  const review = ChangeReview.review(release as never);
  expect(review.tier).toBe(RiskTier.LOW);
  expect(review.markdown(context)).toContain('Not read: the review was not given the change set\'s events');
});

test('refuses events that are not a list of objects with string fields', () => {
  for (const events of [{}, [1], [{ HookStatus: 3 }]]) {
    expect(() => ChangeReview.review({ ...release, events: events as never })).toThrow(/events/);
  }
});
