/**
 * Small edits to a release that the low table must not let through: each makes a routine code
 * release into something a person should see.
 */
import { ChangeReview, RiskTier } from '../src';
import { CORPUS } from './corpus';

type Json = any;
const base = (): Json => JSON.parse(JSON.stringify(CORPUS.find((c) => c.id === 'release-code-one-function')!.input));

/** Edits the function change's contexts (and its Code detail) of the release. */
function withFunction(edit: (before: Json, after: Json) => void): Json {
  const input = base();
  const fn = input.pages[0].Changes.find((c: Json) => c.ResourceChange.ResourceType === 'AWS::Lambda::Function').ResourceChange;
  const before = JSON.parse(fn.BeforeContext);
  const after = JSON.parse(fn.AfterContext);
  edit(before.Properties, after.Properties);
  fn.BeforeContext = JSON.stringify(before);
  fn.AfterContext = JSON.stringify(after);
  return input;
}

test('the release itself is low', () => {
  expect(ChangeReview.review(base()).tier).toBe(RiskTier.LOW);
});

test('new code from another S3 bucket (someone else\'s code) needs a person, whatever traffic shifting does', () => {
  const review = ChangeReview.review(withFunction((_b, a) => { a.Code.S3Bucket = 'attacker-bucket-333333333333'; }));
  expect(review.tier).toBe(RiskTier.HIGH);
  expect(review.findings.map((f) => f.text).join(' ')).toMatch(/another S3 bucket/);
});

test('a change set that lists one logical id twice contradicts itself: a person looks', () => {
  const input = base();
  input.pages[0].Changes.push(JSON.parse(JSON.stringify(input.pages[0].Changes[0])));
  expect(ChangeReview.review(input).tier).toBe(RiskTier.HIGH);
});

test('the alias moves but the template gives it no CodeDeploy UpdatePolicy: not proven shifted by CodeDeploy', () => {
  const input = base();
  const alias = input.pages[0].Changes.find((c: Json) => c.ResourceChange.ResourceType === 'AWS::Lambda::Alias').ResourceChange.LogicalResourceId;
  delete input.template.Resources[alias].UpdatePolicy;
  expect(ChangeReview.review(input).tier).toBe(RiskTier.HIGH);
});

test('a template given as a string that is not JSON proves nothing', () => {
  const input = base();
  input.template = 'Resources:\n  Alias:\n    Type: AWS::Lambda::Alias';
  expect(ChangeReview.review(input).tier).toBe(RiskTier.HIGH);
});
