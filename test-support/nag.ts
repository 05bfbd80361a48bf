/**
 * cdk-nag's AwsSolutions pack over a test's app, as an app runs it (a validation plugin), and
 * the validation report CDK writes: shared by the construct packages' nag tests.
 */
import { existsSync, mkdtempSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';

export interface NagFinding {
  readonly ruleName: string;
  readonly constructPaths: string[];
}

export interface NagAcknowledgement extends NagFinding {
  readonly acknowledgedAt: string;
  readonly reason: string;
}

export interface NagResult {
  /** Findings nobody acknowledged: these fail `cdk synth`. */
  readonly findings: NagFinding[];
  readonly acknowledged: NagAcknowledgement[];
}

/**
 * An app whose cloud assembly goes to a fresh temporary directory, without aws-cdk-lib's
 * built-in CloudFormation template validation: the tests read only the AwsSolutions findings
 * of the report, and that validation, which without the @aws-cdk/core:validateAgainstDefaultRules
 * flag only adds warnings of its own (it fails no synthesis), costs each test file ~2.5 s.
 */
export function newApp(): App {
  return new App({ outdir: mkdtempSync(join(tmpdir(), 'crosswalk-nag-')), builtinCloudFormationValidation: false });
}

/**
 * Synthesizes the app with the AwsSolutions pack registered as a validation plugin, the
 * way an app runs it, and reads the validation report CDK writes into the assembly.
 */
export function synthWithAwsSolutions(app: App): NagResult {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const report = synthesizeAndReadReport(app);
  const nag = (report.pluginReports as any[]).filter((r) => r.pluginName === 'AwsSolutions');
  const paths = (v: any) => (v.violatingConstructs as any[]).map((c) => c.constructPath);
  return {
    findings: nag.flatMap((r) => r.violations.map((v: any) => ({ ruleName: v.ruleName, constructPaths: paths(v) }))),
    acknowledged: nag.flatMap((r) => (r.suppressedViolations ?? []).map((v: any) => ({
      ruleName: v.ruleName,
      constructPaths: paths(v),
      acknowledgedAt: v.acknowledgedAt,
      reason: v.reason,
    }))),
  };
}

/**
 * Synthesizes the app (its validation plugins run, and a finding fails the synthesis) and
 * returns the validation report CDK wrote into the assembly; without a report, the synthesis's
 * own error is thrown.
 */
export function synthesizeAndReadReport(app: App): any {
  let failure: unknown;
  try {
    app.synth();
  } catch (err) {
    failure = err;
  }
  const reportFile = join(app.outdir, 'validation-report.json');
  if (!existsSync(reportFile)) throw failure ?? new Error(`no validation report in ${app.outdir}`);
  return JSON.parse(readFileSync(reportFile, 'utf-8'));
}
