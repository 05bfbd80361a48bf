/**
 * Drift in the review: resources edited outside CloudFormation that the change set acts on.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackResourceDrift.html
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/drift-aware-change-sets.html
 */
import { ChangeReview, RiskTier } from '../src';
import { CORPUS } from './corpus';

type Json = any;
const release = (): Json => JSON.parse(JSON.stringify(CORPUS.find((c) => c.id === 'release-code-one-function')!.input));
const functionId = (input: Json): string => input.pages[0].Changes.find((c: Json) => c.ResourceChange.ResourceType === 'AWS::Lambda::Function').ResourceChange.LogicalResourceId;

test('a function edited in the console that the release modifies needs a person, naming the edited properties', () => {
  const input = release();
  const review = ChangeReview.review({
    ...input,
    drifts: [{ LogicalResourceId: functionId(input), StackResourceDriftStatus: 'MODIFIED', PropertyDifferences: [{ PropertyPath: '/Environment/Variables/FEATURE', ExpectedValue: 'off', ActualValue: 'on', DifferenceType: 'NOT_EQUAL' }] }],
  });
  expect(review.tier).toBe(RiskTier.HIGH);
  expect(review.findings).toEqual([expect.objectContaining({ category: 'drift', rule: 'drifted-resource-changes' })]);
  expect(review.findings[0].text).toContain('"/Environment/Variables/FEATURE"');
});

test('drift on a resource the change set does not touch, or IN_SYNC, leaves a release low', () => {
  const input = release();
  expect(ChangeReview.review({ ...input, drifts: [{ LogicalResourceId: 'SomethingElse', StackResourceDriftStatus: 'MODIFIED' }, { LogicalResourceId: functionId(input), StackResourceDriftStatus: 'IN_SYNC' }] }).tier).toBe(RiskTier.LOW);
});

test('a drift-aware change set\'s drifted property (Target.Drift) needs a person', () => {
  const input = release();
  const fn = input.pages[0].Changes.find((c: Json) => c.ResourceChange.ResourceType === 'AWS::Lambda::Function').ResourceChange;
  fn.Details[0].Target.Drift = { PreviousValue: '256', ActualValue: '1024' };
  const review = ChangeReview.review(input);
  expect(review.tier).toBe(RiskTier.HIGH);
  expect(review.findings.map((f) => f.category)).toContain('drift');
});

test('drift that could not be read makes the review ask a person', () => {
  const review = ChangeReview.review({ ...release(), driftProblem: 'DetectStackDrift did not finish in time' });
  expect(review.tier).toBe(RiskTier.HIGH);
  expect(review.findings[0]).toMatchObject({ category: 'unreviewed', rule: 'drift-unreadable' });
});

test('refuses drifts that are not StackResourceDrifts', () => {
  expect(() => ChangeReview.review({ ...release(), drifts: [{ LogicalResourceId: 1 }] })).toThrow(/drifts\[0\]/);
});
