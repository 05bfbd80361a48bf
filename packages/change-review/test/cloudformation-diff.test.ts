/**
 * A second opinion on IAM: the CDK team's own change detection (@aws-cdk/cloudformation-diff,
 * what `cdk diff` prints as "IAM Statement Changes"), over every policy-holding resource change
 * of the corpus. It treats any added Allow statement, removed Deny or added managed policy as
 * broadening, so it also flags narrowings that replace one statement with a narrower one; the
 * review may disagree only there, and only by proving the narrowing (shape `policy-narrowed`).
 */
import { fullDiff } from '@aws-cdk/cloudformation-diff';
import { ChangeReview } from '../src';
import { CORPUS } from './corpus';

const IAM_TYPES = new Set(['AWS::IAM::Role', 'AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy', 'AWS::IAM::RolePolicy', 'AWS::S3::BucketPolicy', 'AWS::SNS::TopicPolicy', 'AWS::SQS::QueuePolicy', 'AWS::KMS::Key', 'AWS::Lambda::Permission']);

interface Compared { id: string; logicalId: string; cdkBroadened: boolean; verdict: string }

function properties(context: unknown): object | undefined {
  if (typeof context !== 'string') return undefined;
  try {
    const parsed = JSON.parse(context) as { Properties?: object };
    return parsed.Properties ?? {};
  } catch {
    return undefined;
  }
}

function compare(): Compared[] {
  const out: Compared[] = [];
  for (const c of CORPUS) {
    if (c.expected === 'refuse' || c.expected === 'none') continue;
    const review = JSON.parse(ChangeReview.review(c.input as never).json({ reviewedAt: 'x' })) as { changes: { resource: string; lowShape?: string; findings: unknown[] }[] };
    const pages = c.input.pages as { Changes?: { ResourceChange?: { Action?: string; LogicalResourceId?: string; ResourceType?: string; BeforeContext?: unknown; AfterContext?: unknown } }[] }[];
    for (const change of pages.flatMap((p) => p.Changes ?? [])) {
      const rc = change.ResourceChange;
      if (!rc || !IAM_TYPES.has(rc.ResourceType ?? '') || rc.LogicalResourceId === undefined) continue;
      const before = rc.Action === 'Add' ? undefined : properties(rc.BeforeContext);
      const after = rc.Action === 'Remove' ? undefined : properties(rc.AfterContext);
      if ((rc.Action !== 'Add' && before === undefined) || (rc.Action !== 'Remove' && after === undefined)) continue;
      const template = (props: object | undefined) => ({ Resources: props === undefined ? {} : { [rc.LogicalResourceId!]: { Type: rc.ResourceType, Properties: props } } });
      const diff = fullDiff(template(before), template(after));
      const ours = review.changes.find((x) => x.resource === rc.LogicalResourceId);
      out.push({ id: c.id, logicalId: rc.LogicalResourceId, cdkBroadened: diff.permissionsBroadened, verdict: ours?.lowShape ?? (ours && ours.findings.length > 0 ? 'attention' : 'missing') });
    }
  }
  return out;
}

test('where cdk diff sees IAM permissions broadened, the review asks a person, or proves the change a narrowing', () => {
  const compared = compare();
  expect(compared.length).toBeGreaterThan(40);
  const silent = compared.filter((x) => x.cdkBroadened && x.verdict !== 'attention' && x.verdict !== 'policy-narrowed');
  expect(silent).toEqual([]);
});
