/**
 * docs/sample-report.md is rendered here from corpus cases, not written by hand: the test fails
 * when the sample no longer matches what the code produces.
 * `UPDATE_SAMPLES=1 npx jest test/samples.test.ts` writes it anew.
 */
import { existsSync, readFileSync, writeFileSync } from 'fs';
import * as path from 'path';
import { AutoApprove, ChangeReview, RiskTier } from '../src';
import { CORPUS } from './corpus';

function caseInput(id: string): { pages: { Changes?: unknown[] }[]; template?: unknown } {
  const found = CORPUS.find((c) => c.id === id);
  if (!found) throw new Error(`no corpus case ${id}`);
  return found.input as never;
}

test('the sample report: a code release, a table deletion and a widened policy in one change set', () => {
  const release = caseInput('release-code-one-function');
  const changes = ['release-code-one-function', 'dynamodb-table-removed', 'iam-attach-role-policy-on-role-star']
    .flatMap((id) => caseInput(id).pages.flatMap((p) => p.Changes ?? []));
  const review = ChangeReview.review({ pages: [{ ...release.pages[0], Changes: changes }], template: release.template });
  expect(review.tier).toBe(RiskTier.HIGH);
  const context = {
    reviewedAt: '2026-12-07T10:00:00.000Z', autoApprove: AutoApprove.LOW_RISK,
    pipelineName: 'orders-pipeline', executionId: '3e1f0c9a-5b2d-4c1e-9f7a-2d8b6c4e1a90', environment: 'Prod',
    account: '222222222222', region: 'eu-west-1',
  };
  const rendered = '<!-- Rendered by test/samples.test.ts from cases of test/corpus/. -->\n\n' +
    `**Approval summary:** ${review.summary(context)}\n\n---\n\n${review.markdown(context)}`;
  const where = path.join(__dirname, '..', 'docs', 'sample-report.md');
  if (process.env.UPDATE_SAMPLES === '1') writeFileSync(where, rendered);
  if (!existsSync(where)) throw new Error('docs/sample-report.md is missing: run UPDATE_SAMPLES=1 npx jest test/samples.test.ts in packages/change-review');
  expect(readFileSync(where, 'utf8')).toBe(rendered);
});
