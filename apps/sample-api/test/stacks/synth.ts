import { mkdtempSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { SampleApiStack } from '../../src/stacks';

/** What one synthesis of an app with cdk-nag gives the tests. */
export interface Synthesized {
  readonly outdir: string;
  readonly report: ValidationReport;
  template(stack: SampleApiStack): Template;
  templateJson(stack: SampleApiStack): any;
  assetsManifest(stack: SampleApiStack): any;
}

export interface ValidationReport {
  readonly pluginReports: Array<{
    readonly pluginName: string;
    readonly violations: Array<{ readonly ruleName: string; readonly description: string; readonly violatingConstructs?: Array<{ readonly constructPath: string }> }>;
    readonly suppressedViolations?: Array<{ readonly ruleName: string; readonly violatingConstructs?: Array<{ readonly constructPath: string }> }>;
  }>;
}

/** An app with the AwsSolutions checks registered, synthesized into a temporary directory. */
export function newCheckedApp(): App {
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'sample-api-synth-')) });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return app;
}

/**
 * Synthesizes once. A failed validation makes `app.synth()` throw; the report is read
 * either way so that a test can print every finding, not only the first.
 */
export function synthesize(app: App): Synthesized {
  const outdir = app.outdir;
  try {
    app.synth();
  } catch (err) {
    if (!String(err).includes('Validation')) throw err;
  }
  const read = (file: string): any => JSON.parse(readFileSync(join(outdir, file), 'utf-8'));
  return {
    outdir,
    report: read('validation-report.json'),
    template: (stack) => Template.fromJSON(read(stack.templateFile)),
    templateJson: (stack) => read(stack.templateFile),
    assetsManifest: (stack) => read(`${stack.artifactId}.assets.json`),
  };
}

/** Every unacknowledged finding, one line each (construct path, rule, description). */
export function unacknowledgedFindings(report: ValidationReport): string[] {
  return report.pluginReports.flatMap((plugin) => plugin.violations.flatMap((violation) =>
    (violation.violatingConstructs ?? [{ constructPath: '?' }]).map((c) =>
      `${plugin.pluginName}: ${c.constructPath} ${violation.ruleName}: ${violation.description.slice(0, 300)}`)));
}

/** The resources of one type in a template, as [logicalId, resource] pairs. */
export function resourcesOf(json: any, type: string): Array<[string, any]> {
  return Object.entries(json.Resources as Record<string, any>).filter(([, r]) => r.Type === type);
}
