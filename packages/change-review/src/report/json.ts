/** The review as JSON. */
import { Classification } from '../classify';
import { capped } from '../model/text';
import { ReportContext } from './context';
import { MAX_VALUE_LENGTH, resourceName } from './shared';

/** The review as JSON: every value cleaned of hidden characters and capped, findings as plain text. */
export function renderJson(c: Classification, ctx: ReportContext): string {
  const clean = (v: string | undefined, cap = MAX_VALUE_LENGTH) => (v === undefined ? undefined : capped(v, cap));
  return `${JSON.stringify({
    tier: c.tier,
    decision: ctx.decision,
    policy: ctx.policy,
    reviewedAt: clean(ctx.reviewedAt),
    stackName: clean(c.changeSet.stackName),
    changeSetName: clean(c.changeSet.changeSetName),
    changeSetId: clean(c.changeSet.changeSetId),
    counts: c.counts,
    findings: c.findings.map((f) => ({ category: f.category, rule: f.rule, text: f.text.plain() })),
    changes: c.changes.map((ch) => ({
      resource: clean(resourceName(ch)),
      type: clean(ch.change.type),
      action: clean(ch.change.action),
      replacement: clean(ch.change.replacement),
      lowShape: ch.lowShape,
      findings: ch.findings.map((f) => ({ category: f.category, rule: f.rule, text: f.text.plain() })),
    })),
  }, null, 2)}\n`;
}

