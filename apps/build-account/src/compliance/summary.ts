import { existsSync, readFileSync } from 'fs';
import { basename, join } from 'path';
import { CFN_GUARD_PLUGIN_NAME, RULE_RESULTS_FILE, RuleResults } from './plugin';

/** The validation report cdk writes into the cloud assembly (the parts read here). */
export interface ValidationReport {
  readonly pluginReports: PluginReport[];
}

export interface PluginReport {
  readonly pluginName: string;
  readonly conclusion?: string;
  readonly violations: ReportedViolation[];
  readonly suppressedViolations?: Array<ReportedViolation & { readonly reason?: string }>;
}

export interface ReportedViolation {
  readonly ruleName: string;
  readonly description?: string;
  readonly suggestedFix?: string;
  readonly violatingConstructs?: Array<{
    readonly constructPath: string;
    readonly cloudFormationResource?: { readonly templatePath: string; readonly logicalId: string };
  }>;
}

/** A control failing on one resource, acknowledged or not. */
export interface Finding {
  readonly rule: string;
  /** The Control Tower control id, e.g. `CT.S3.PR.11` (the rule name if unknown). */
  readonly controlId: string;
  readonly description: string;
  readonly stack: string;
  /** The construct path of the resource (or its template and logical id). */
  readonly resource: string;
  /** How to fix it (unacknowledged findings). */
  readonly fix?: string;
  /** Why it does not apply (acknowledged findings). */
  readonly reason?: string;
}

/** The outcome of the controls on one stack, counted by control. */
export interface StackCompliance {
  readonly stack: string;
  /** Controls about resource types the stack has. */
  readonly applied: number;
  readonly passed: number;
  /** Controls with at least one unacknowledged finding. */
  readonly failed: number;
  /** Controls that failed only on resources where the finding is acknowledged. */
  readonly acknowledged: number;
  readonly notApplicable: number;
}

/** Everything the compliance report prints. */
export interface ComplianceSummary {
  readonly pluginVersion: string;
  readonly controlsRun: number;
  readonly stacks: StackCompliance[];
  readonly findings: Finding[];
  readonly acknowledged: Finding[];
  /** Other validation plugins (cdk-nag…) with unacknowledged findings: name and count. */
  readonly otherPlugins: Array<{ readonly pluginName: string; readonly findings: number }>;
}

/**
 * Reads `validation-report.json` and {@link RULE_RESULTS_FILE} from a cloud assembly
 * synthesized with `addCompliance` (`cdk synth -c compliance=true`).
 */
export function readCompliance(outdir: string): ComplianceSummary {
  const resultsFile = join(outdir, RULE_RESULTS_FILE);
  if (!existsSync(resultsFile)) {
    throw new Error(`${resultsFile} does not exist: the cloud assembly in ${outdir} was not synthesized with the Control Tower checks; `
      + 'run `cdk synth -q -c compliance=true` first (the compliance task does), in an app whose main.ts calls addCompliance');
  }
  const results = JSON.parse(readFileSync(resultsFile, 'utf-8')) as RuleResults;
  const reportFile = join(outdir, 'validation-report.json');
  // cdk writes no report when every plugin passed with nothing to acknowledge.
  const report: ValidationReport = existsSync(reportFile) ? JSON.parse(readFileSync(reportFile, 'utf-8')) : { pluginReports: [] };
  return summarizeCompliance(results, report);
}

/** Joins the per-stack control outcomes with the (acknowledged) findings of the validation report. */
export function summarizeCompliance(results: RuleResults, report: ValidationReport): ComplianceSummary {
  const rules = new Map(results.rules.map((r) => [r.ruleName, r]));
  const stackOfTemplate = new Map(results.templates.map((t) => [t.template, t.stack]));
  const guard = report.pluginReports.filter((p) => p.pluginName === CFN_GUARD_PLUGIN_NAME);

  const toFindings = (v: ReportedViolation & { readonly reason?: string }, acknowledged: boolean): Finding[] =>
    (v.violatingConstructs ?? [{ constructPath: '' }]).map((c) => {
      const template = c.cloudFormationResource ? basename(c.cloudFormationResource.templatePath) : undefined;
      const stack = (template && stackOfTemplate.get(template)) || c.constructPath.split('/')[0] || '(unknown stack)';
      const resource = c.constructPath || (c.cloudFormationResource ? `${template}#${c.cloudFormationResource.logicalId}` : '(no resource: the rule failed on the template as a whole)');
      const rule = rules.get(v.ruleName);
      return {
        rule: v.ruleName,
        controlId: rule?.controlId ?? v.ruleName,
        description: rule?.title ?? (v.description ?? '').replace(/^\[[^\]]*\]:\s*/, ''),
        stack,
        resource,
        ...(acknowledged ? { reason: v.reason ?? '' } : { fix: v.suggestedFix }),
      };
    });
  const findings = guard.flatMap((p) => p.violations.flatMap((v) => toFindings(v, false)));
  const acknowledged = guard.flatMap((p) => (p.suppressedViolations ?? []).flatMap((v) => toFindings(v, true)));

  const stacks = results.templates.map((t): StackCompliance => {
    const failing = new Set(findings.filter((f) => f.stack === t.stack).map((f) => f.rule));
    const acked = new Set(acknowledged.filter((f) => f.stack === t.stack && !failing.has(f.rule)).map((f) => f.rule));
    return {
      stack: t.stack,
      applied: t.compliant.length + t.notCompliant.length,
      passed: t.compliant.length,
      failed: failing.size,
      acknowledged: acked.size,
      notApplicable: t.notApplicable.length,
    };
  }).sort((a, b) => a.stack.localeCompare(b.stack));

  const otherPlugins = report.pluginReports
    .filter((p) => p.pluginName !== CFN_GUARD_PLUGIN_NAME)
    .map((p) => ({ pluginName: p.pluginName, findings: p.violations.reduce((n, v) => n + Math.max(1, v.violatingConstructs?.length ?? 0), 0) }))
    .filter((p) => p.findings > 0);

  return { pluginVersion: results.pluginVersion, controlsRun: results.rules.length, stacks, findings, acknowledged, otherPlugins };
}

/** The summary as the compliance task prints it. */
export function formatCompliance(summary: ComplianceSummary, title: string): string {
  const lines: string[] = [];
  lines.push(`AWS Control Tower proactive controls: ${title}`);
  lines.push(`${summary.controlsRun} controls from @cdklabs/cdk-validator-cfnguard ${summary.pluginVersion} (cfn-guard, offline), counted per stack by control`);
  lines.push('');
  const header = ['Stack', 'applied', 'passed', 'failed', 'acknowledged', 'n/a'];
  const rows = summary.stacks.map((s) => [s.stack, s.applied, s.passed, s.failed, s.acknowledged, s.notApplicable].map(String));
  const total = (k: keyof StackCompliance) => summary.stacks.reduce((n, s) => n + (s[k] as number), 0);
  rows.push(['Total', total('applied'), total('passed'), total('failed'), total('acknowledged'), total('notApplicable')].map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const row = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  lines.push(row(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(0, -1).map(row), widths.map((w) => '-'.repeat(w)).join('  '), row(rows[rows.length - 1]));

  lines.push('');
  lines.push(`Unacknowledged findings: ${summary.findings.length}`);
  for (const [key, group] of groupBy(summary.findings, (f) => `${f.controlId} ${f.description}`)) {
    lines.push(`  [${key.split(' ')[0]}] ${key.slice(key.indexOf(' ') + 1)} (${group[0].rule})`);
    for (const f of group) lines.push(`      ${f.resource}`);
    if (group[0].fix) lines.push(`      fix: ${group[0].fix}`);
  }
  lines.push('');
  lines.push(`Acknowledged findings: ${summary.acknowledged.length}`);
  for (const [key, group] of groupBy(summary.acknowledged, (f) => `${f.controlId} ${f.description}`)) {
    lines.push(`  [${key.split(' ')[0]}] ${key.slice(key.indexOf(' ') + 1)}`);
    for (const [reason, same] of groupBy(group, (f) => f.reason ?? '')) {
      for (const f of same) lines.push(`      ${f.resource}`);
      lines.push(`      because: ${reason || '(no reason given)'}`);
    }
  }
  for (const p of summary.otherPlugins) {
    lines.push('', `${p.pluginName}: ${p.findings} unacknowledged finding(s) in validation-report.json`);
  }
  lines.push('');
  const failing = summary.findings.length + summary.otherPlugins.reduce((n, p) => n + p.findings, 0);
  lines.push(failing === 0
    ? 'Result: PASS, every finding is acknowledged with a reason'
    : `Result: FAIL, ${failing} finding(s) not acknowledged: fix the resource, or acknowledge the finding with a reason in apps/build-account/src/compliance/acknowledgements.ts if the control does not apply`);
  return lines.join('\n');
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    groups.set(k, [...(groups.get(k) ?? []), item]);
  }
  return groups;
}
