/**
 * The adversarial corpus (test/corpus/): change sets written from the CloudFormation API and
 * resource references, each with the tier a careful person gives it. The review must never
 * give less; it must never crash, answer twice, or show the approver a misleading summary.
 */
import { AutoApprove, ChangeReview, RiskTier } from '../src';
import { CORPUS } from './corpus';
import { CorpusCase } from './corpus/types';

const CONTEXT = { reviewedAt: '2026-12-07T10:00:00.000Z', autoApprove: AutoApprove.LOW_RISK, pipelineName: 'pipeline', executionId: 'exec', environment: 'Prod' };

/** Characters that must never reach a person unescaped: controls (except \n in the reports), bidi, zero-width, tags. */
const HIDDEN = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]|\udb40[\udc00-\udc7f]/;

function outcome(c: CorpusCase): { review?: ChangeReview; refused?: string } {
  try {
    return { review: ChangeReview.review(c.input as never) };
  } catch (e) {
    if (ChangeReview.isUnreviewable(e)) return { refused: (e as Error).message };
    throw e;
  }
}

test('the corpus holds at least 200 cases, every class, controls that must stay low, unique ids and a citation each', () => {
  expect(CORPUS.length).toBeGreaterThanOrEqual(200);
  expect(new Set(CORPUS.map((c) => c.id)).size).toBe(CORPUS.length);
  expect(CORPUS.filter((c) => c.expected === 'low').length).toBeGreaterThanOrEqual(30);
  for (const c of CORPUS) expect(c.cite.length).toBeGreaterThan(0);
});

describe.each(CORPUS.map((c) => [c.id, c] as const))('%s', (_id, c) => {
  test(`is ${c.expected}${c.category ? ` (${c.category})` : ''}: ${c.title}`, () => {
    const { review, refused } = outcome(c);
    if (c.expected === 'refuse') {
      expect(refused).toBeDefined();
      expect(refused).not.toMatch(HIDDEN);
      return;
    }
    expect(refused).toBeUndefined();
    const r = review!;
    expect(r.tier).toBe(c.expected);
    if (c.category !== undefined) expect(r.findings.map((f) => f.category)).toContain(c.category);
    // lowRisk lets through exactly the low tier; a person sees every high one.
    const decision = r.decide(AutoApprove.LOW_RISK);
    expect(decision.approvalRequired).toBe(r.tier === RiskTier.HIGH);
    expect(r.decide(AutoApprove.NO_CHANGES).approvalRequired).toBe(r.tier !== RiskTier.NONE);
  });

  if (c.expected !== 'refuse') {
    test('its summary starts with the verdict, keeps data loss and IAM first, fits 500 characters and hides nothing', () => {
      const r = outcome(c).review!;
      const summary = r.summary(CONTEXT);
      expect(summary.startsWith(`Risk tier ${r.tier.toUpperCase()}. Decision: `)).toBe(true);
      expect(summary.length).toBeLessThanOrEqual(500);
      expect(summary).not.toMatch(HIDDEN);
      expect(summary).not.toContain('\n');
      // Nothing from the change set comes before the review's own verdict.
      expect(summary.indexOf('Risk tier')).toBe(0);
      expect(summary.slice(0, summary.indexOf('Decision:'))).toBe(`Risk tier ${r.tier.toUpperCase()}. `);
      const first = r.findings[0];
      if (first !== undefined) {
        const titles: { [k: string]: string } = { 'data-loss': 'data loss', 'iam': 'IAM', 'aws-check': 'AWS checks', 'drift': 'drift', 'exposure': 'exposure', 'safe-deploy': 'safe deploy', 'unreviewed': 'not reviewed', 'not-proven-low': 'not proven low' };
        expect(summary).toContain(`[${titles[first.category]}]`);
        if (r.findings.some((f) => f.category === 'data-loss')) expect(first.category).toBe('data-loss');
      }
    });

    test('its reports hide nothing and link nothing from the change set', () => {
      const r = outcome(c).review!;
      const md = r.markdown(CONTEXT);
      const html = r.html(CONTEXT);
      const json = r.json(CONTEXT);
      for (const out of [md, html, json]) expect(out).not.toMatch(HIDDEN);
      // Outside code spans, Markdown holds no URL, e-mail address or HTML from the change set.
      const prose = md.replace(/(`+)[\s\S]*?\1/g, '');
      expect(prose).not.toMatch(/https?:|www\.|[\w.+-]+@[\w-]+\.[\w.-]+|<(?!https:\/\/)[a-z/!]/i);
      expect(html).not.toMatch(/<(script|img|iframe|svg|object|embed)\b|<a\s[^>]*href="(?!https:\/\/)/i);
      expect(() => JSON.parse(json)).not.toThrow();
      // No value longer than the cap reaches a report.
      for (const f of r.findings) expect(f.text.length).toBeLessThan(4_000);
    });
  }
});

describe('inputs built to break the review rather than fool it', () => {
  const base = CORPUS.find((c) => c.id === 'release-code-one-function')!.input as { pages: { Changes: { ResourceChange: object }[] }[]; template?: unknown };

  function withChange(rc: object): unknown {
    return { pages: [{ ...base.pages[0], Changes: [{ Type: 'Resource', ResourceChange: rc }] }] };
  }

  test('a resource type named like a property of every object (constructor, __proto__) is reviewed, not crashed on', () => {
    for (const type of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      const review = ChangeReview.review(withChange({ Action: 'Modify', LogicalResourceId: 'X', ResourceType: type, Replacement: 'False', Scope: ['Properties'], Details: [] }) as never);
      expect(review.tier).toBe(RiskTier.HIGH);
    }
  });

  test('a wildcard pattern built to make a regular expression backtrack is compared, and the change needs a person', () => {
    const pattern = `${'*a'.repeat(60)}b`;
    const policy = (resource: string) => JSON.stringify({ Properties: { PolicyName: 'p', Roles: ['r'], PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: resource }] } } });
    const review = ChangeReview.review(withChange({
      Action: 'Modify', LogicalResourceId: 'P', ResourceType: 'AWS::IAM::Policy', Replacement: 'False', Scope: ['Properties'],
      BeforeContext: policy(pattern), AfterContext: policy('a'.repeat(3_000)),
      Details: [{ Target: { Attribute: 'Properties', Name: 'PolicyDocument', Path: '/Properties/PolicyDocument', RequiresRecreation: 'Never' }, Evaluation: 'Static', ChangeSource: 'DirectModification' }],
    }) as never);
    expect(review.tier).toBe(RiskTier.HIGH);
    // Backtracking would take hours here; jest's timeout is the bound, not a figure.
  });

  test('a context nested deeper than the review walks is not reviewed, and the review still answers', () => {
    const deep = `{"Properties":{"Description":${'['.repeat(20_000)}${']'.repeat(20_000)}}}`;
    const review = ChangeReview.review(withChange({
      Action: 'Modify', LogicalResourceId: 'F', PhysicalResourceId: 'f', ResourceType: 'AWS::Lambda::Function', Replacement: 'False', Scope: ['Properties'],
      BeforeContext: '{"Properties":{}}', AfterContext: deep,
      Details: [{ Target: { Attribute: 'Properties', Name: 'Description', Path: '/Properties/Description', RequiresRecreation: 'Never' }, Evaluation: 'Static', ChangeSource: 'DirectModification' }],
    }) as never);
    expect(review.tier).toBe(RiskTier.HIGH);
  });
});
