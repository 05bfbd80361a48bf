import { AutoApprove, classify, Classification, decide, ReviewedChangeSet } from '../../lambda/change-review/classify';
import { renderHtml, renderMarkdown, ReportContext, summarize } from '../../lambda/change-review/report';
import {
  ACCOUNT, apiNested, CHANGE_SET_NAME, changeSetId, conditionalReplacement, dataAtRisk, deployWeakened, empty, HOSTILE_VALUE, hostileValues, HUGE_POLICY,
  iamWidening, lambdaModified, nestedParent, REGION, reviewed, STACK,
} from './change-sets';

const CONSOLE_URL = `https://${REGION}.console.aws.amazon.com/cloudformation/home?region=${REGION}#/stacks/changesets/changes?stackId=arn%3Aaws%3Acloudformation&changeSetId=arn%3Aaws%3Acloudformation`;

function contextFor(c: Classification, policy: AutoApprove = 'lowRisk', overrides: Partial<ReportContext> = {}): ReportContext {
  return {
    pipelineName: 'checkin-pipeline',
    executionId: 'f1e2d3c4-b5a6-4789-8abc-def012345678',
    environment: 'Prod',
    account: ACCOUNT,
    region: REGION,
    stackName: STACK,
    changeSetName: CHANGE_SET_NAME,
    changeSetId: changeSetId('report'),
    reviewedAt: '2025-03-14T09:27:30.000Z',
    policy,
    decision: decide(c.tier, policy),
    changeSetUrl: CONSOLE_URL,
    ...overrides,
  };
}

function review(changeSet: ReviewedChangeSet, policy: AutoApprove = 'lowRisk'): { c: Classification; ctx: ReportContext } {
  const c = classify(changeSet);
  return { c, ctx: contextFor(c, policy) };
}

/** Positions of the fragments in the text, each of which must be present. */
function positions(text: string, ...fragments: string[]): number[] {
  return fragments.map((f) => {
    const at = text.indexOf(f);
    if (at < 0) throw new Error(`missing: ${f}`);
    return at;
  });
}

const ascending = (xs: number[]): boolean => xs.every((x, i) => i === 0 || xs[i - 1] < x);

/** Table cell separators: `|` not escaped with a backslash. */
const cellBreaks = (line: string): number => (line.match(/(?<!\\)\|/g) ?? []).length;

describe('renderMarkdown', () => {
  test('title, decision and tier, then what needs attention (with stack path and type), then counts, then the changes', () => {
    const { c, ctx } = review(reviewed(nestedParent, { ApiNested: reviewed(apiNested) }));
    const md = renderMarkdown(c, ctx);

    expect(ascending(positions(md,
      '# Change review: Prod, stack checkin-service-prod',
      '**Decision:** approval required: risk tier high',
      '**Risk tier:** high',
      '## Needs attention (2)',
      '- **ApiNested/SessionsTable9E0F1A2B**: AWS::DynamoDB::Table, Remove, stack checkin-service-prod / ApiNested',
      '  - ApiNested/SessionsTable9E0F1A2B (AWS::DynamoDB::Table) is deleted: its items are deleted with it.',
      '- **WorkerNested**: AWS::CloudFormation::Stack, Modify, stack checkin-service-prod',
      '## Counts',
      '| 0 | 3 | 1 | 0 | 4 |',
      '## Changes',
      '| 3 | Remove | ApiNested/SessionsTable9E0F1A2B | AWS::DynamoDB::Table |',
      '### 2. Modify ApiNested/ApiHandler5A6B7C8D (AWS::Lambda::Function), stack checkin-service-prod / ApiNested',
      '- `/Properties/MemorySize`: `256` → `512` (Modify)',
      '## Review',
    ))).toBe(true);
    expect(md).toContain('A person must approve this change set (auto-approve policy lowRisk).');
    expect(md).toContain(`| Reviewed at | ${ctx.reviewedAt} |`);
  });

  test('each property change shows before → after, and replacements name their causes', () => {
    const lambda = review(reviewed(lambdaModified));
    const replaced = review(reviewed(conditionalReplacement));
    const md = renderMarkdown(lambda.c, lambda.ctx);
    const replacedMd = renderMarkdown(replaced.c, replaced.ctx);

    expect(md).toContain('- `/Properties/Timeout`: `10` → `30` (Modify)');
    expect(md).toContain('- `/Properties/FunctionVersion`: `7` → `{{changeSet:KNOWN_AFTER_APPLY}}` (Modify)');
    expect(md.match(/`\/Properties\/Code\/S3Key`/g)).toHaveLength(1);
    expect(replacedMd).toContain('| True (/Properties/ImageId) |');
    expect(replacedMd).toContain('| Conditional (/Properties/InstanceId) |');
    expect(replacedMd).toContain('| 0 | 2 | 0 | 2 (1 conditional) | 2 |');
    expect(replacedMd).toContain('`i-0123456789abcdef0` → `{{changeSet:KNOWN_AFTER_APPLY}}` (Modify, requires recreation: Always)');
  });

  test('an auto-approved change set records the policy that approved it', () => {
    const auto = review(reviewed(lambdaModified), 'lowRisk');
    const manual = review(reviewed(lambdaModified), 'noChanges');

    expect(renderMarkdown(auto.c, auto.ctx)).toContain('**Decision:** auto-approved by policy lowRisk (risk tier low)');
    expect(renderMarkdown(auto.c, auto.ctx)).toContain('Auto-approved by policy lowRisk: no person approved this change set; this report is the record of that approval.');
    expect(renderMarkdown(manual.c, manual.ctx)).not.toContain('Auto-approved');
    expect(renderMarkdown(manual.c, manual.ctx)).toContain('A person must approve this change set (auto-approve policy noChanges).');
  });

  test('an empty change set gives a short report that says "No changes"', () => {
    const { c, ctx } = review(reviewed(empty));
    const md = renderMarkdown(c, ctx);

    expect(md).toContain('**No changes**');
    expect(md).toContain('**Decision:** no changes: nothing to approve or execute');
    expect(md).not.toContain('## Changes');
    expect(md).not.toContain('## Counts');
    expect(md.split('\n').length).toBeLessThan(30);
  });

  test('| in a table cell is escaped, so the row keeps its columns; outside tables a code span keeps it as it is', () => {
    const { c, ctx } = review(reviewed(hostileValues));
    const lines = renderMarkdown(c, ctx).split('\n');
    const header = lines.find((l) => l.startsWith('| # | Action |')) ?? '';
    const row = lines.find((l) => l.startsWith('| 1 | Modify |')) ?? '';

    expect(row).toContain('`/checkin/prod/feature\\|flags`');
    expect(cellBreaks(row)).toBe(cellBreaks(header));
    expect(lines).toContain('- `/Properties/Value`: `beta|gamma` → ``` <script>alert("owned")</script> | `rm -rf /` | ``double`` ``` (Modify)');
  });

  test('text from the change set cannot start Markdown: emphasis, links and HTML are escaped', () => {
    const { c, ctx } = review(reviewed(iamWidening));
    const md = renderMarkdown(c, ctx);

    expect(md).toContain("allows s3:GetObject on '\\*' (every resource).");
    expect(md).not.toMatch(/(?<!\\)<script/);
  });

  test('a long value is cut after 300 characters, and the report says so', () => {
    const { c, ctx } = review(reviewed(hostileValues));
    const md = renderMarkdown(c, ctx);

    expect(md).toContain(`\`${HUGE_POLICY.slice(0, 300)}…\` (truncated: ${HUGE_POLICY.length} characters)`);
    expect(md).not.toContain(HUGE_POLICY.slice(0, 301));
  });

  test('a problem of the change set itself is listed first under needs attention', () => {
    const { c, ctx } = review({ ...reviewed(empty), statusReason: 'Requires capabilities : [CAPABILITY_AUTO_EXPAND]' });
    const md = renderMarkdown(c, ctx);

    expect(ascending(positions(md, '## Needs attention (1)', '- **The change set itself**', 'is FAILED (Requires capabilities : \\[CAPABILITY\\_AUTO\\_EXPAND\\])'))).toBe(true);
  });
});

describe('renderHtml', () => {
  test('a standalone page: every value escaped, no script, no external asset, one link (to the change set)', () => {
    const { c, ctx } = review(reviewed(hostileValues));
    const html = renderHtml(c, ctx);

    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('&lt;script&gt;alert(&quot;owned&quot;)&lt;/script&gt; | `rm -rf /` | ``double``');
    expect(html).not.toContain(HOSTILE_VALUE);
    expect(html).not.toMatch(/\ssrc=|<link|<img|<iframe|@import|url\(/i);
    expect(html.match(/https?:\/\//g)).toHaveLength(1);
    expect(html).toContain(`<a href="${CONSOLE_URL.replace(/&/g, '&amp;')}" rel="noopener noreferrer">${CHANGE_SET_NAME}</a>`);
    expect(html).toContain(`<code>/checkin/prod/feature|flags</code>`);
  });

  test('attention first, reasons escaped', () => {
    const { c, ctx } = review(reviewed(iamWidening));
    const html = renderHtml(c, ctx);

    expect(ascending(positions(html, '<h1>', '<strong>Risk tier:</strong> high', '<h2>Needs attention (4)</h2>', '<h2>Counts</h2>', '<h2>Changes</h2>'))).toBe(true);
    expect(html).toContain('allows s3:GetObject on &#39;*&#39; (every resource).</li>');
  });

  test('a long value is cut after 300 characters, and the page says so', () => {
    const { c, ctx } = review(reviewed(hostileValues));
    const html = renderHtml(c, ctx);
    const shown = HUGE_POLICY.slice(0, 300).replace(/"/g, '&quot;');

    expect(html).toContain(`<code>${shown}…</code> (truncated: ${HUGE_POLICY.length} characters)`);
  });

  test('a change set link that is not https stays text', () => {
    const { c } = review(reviewed(lambdaModified));
    const html = renderHtml(c, contextFor(c, 'lowRisk', { changeSetUrl: 'javascript:alert(1)' }));

    expect(html).not.toContain('<a ');
    expect(html).toContain('<code>javascript:alert(1)</code>');
  });

  test('an empty change set says "No changes"', () => {
    const { c, ctx } = review(reviewed(empty), 'never');
    const html = renderHtml(c, ctx);

    expect(html).toContain('<strong>No changes</strong>');
    expect(html).toContain('no changes: approval required by policy never');
    expect(html).not.toContain('<h2>Changes</h2>');
  });
});

describe('summarize', () => {
  test('the attention lines come first, then tier, counts and decision', () => {
    const { c, ctx } = review(reviewed(deployWeakened));
    const summary = summarize(c, ctx, 1000);

    expect(summary.length).toBeGreaterThan(500);
    expect(summary.startsWith('Needs attention (3): OrdersDeploymentGroup3B4C5D6E (AWS::CodeDeploy::DeploymentGroup): Properties.DeploymentConfigName changes')).toBe(true);
    expect(ascending(positions(summary, 'Needs attention (3)', 'OrdersErrorsAlarm8A9B0C1D (AWS::CloudWatch::Alarm) is removed', 'Risk tier high: 2 changes: 0 add, 1 modify, 1 remove, 0 replace.', 'Decision: approval required: risk tier high.'))).toBe(true);
    expect(summary.endsWith('Decision: approval required: risk tier high.')).toBe(true);
    // Without a limit, the default of 500 applies.
    expect(summarize(c, ctx).length).toBeLessThanOrEqual(500);
  });

  test('too long: the attention lines are cut on a word boundary with "see the report", and tier, counts and decision stay', () => {
    const changes = [...(dataAtRisk.Changes ?? []), ...(iamWidening.Changes ?? []), ...(deployWeakened.Changes ?? [])];
    const { c, ctx } = review({ ...reviewed(dataAtRisk), changes });
    const full = summarize(c, ctx, 100_000);
    const summary = summarize(c, ctx);
    const [kept, rest] = summary.split('… (see the report) ');

    expect(full.length).toBeGreaterThan(500);
    expect(summary.length).toBeLessThanOrEqual(500);
    expect(summary.startsWith('Needs attention (11): ')).toBe(true);
    expect(full.startsWith(kept)).toBe(true);
    expect(full[kept.length]).toMatch(/[\s,;:.]/);
    expect(rest).toBe('Risk tier high: 9 changes: 0 add, 6 modify, 3 remove, 2 replace (1 conditional). Decision: approval required: risk tier high.');
  });

  test('a limit too small for the tail still holds, cut with "see the report"', () => {
    const { c, ctx } = review(reviewed(dataAtRisk));
    const summary = summarize(c, ctx, 120);

    expect(summary.length).toBeLessThanOrEqual(120);
    expect(summary.startsWith('Needs attention (4): OrdersTableA1B2C3D4')).toBe(true);
    expect(summary.endsWith('… (see the report)')).toBe(true);
  });

  test('low risk and no changes read as one sentence each', () => {
    const low = review(reviewed(lambdaModified));
    const none = review(reviewed(empty), 'noChanges');

    expect(summarize(low.c, low.ctx)).toBe('Risk tier low: 4 changes: 1 add, 2 modify, 1 remove, 0 replace. Decision: auto-approved by policy lowRisk (risk tier low).');
    expect(summarize(none.c, none.ctx)).toBe('Risk tier none: no changes. Decision: no changes: nothing to approve or execute.');
  });
});

test('the reports depend on their inputs only', () => {
  const { c, ctx } = review(reviewed(dataAtRisk));
  const later = contextFor(c, 'lowRisk', { reviewedAt: '2031-01-01T00:00:00.000Z' });

  expect(renderMarkdown(c, ctx)).toBe(renderMarkdown(classify(reviewed(dataAtRisk)), ctx));
  expect(renderHtml(c, ctx)).toBe(renderHtml(c, ctx));
  expect(renderHtml(c, later)).toContain('2031-01-01T00:00:00.000Z');
  expect(renderHtml(c, later)).not.toContain(ctx.reviewedAt);
});
