import { mkdtempSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CrosswalkConfig, loadConfig } from '../../src/config';
import { BuildAccountStacks, addBuildAccountStacks } from '../../src/stacks';

/** The validation report cdk writes next to the templates (`validation-report.json`). */
export interface ValidationReport {
  readonly pluginReports: Array<{
    readonly pluginName: string;
    readonly violations: Array<{ readonly ruleName: string; readonly description: string; readonly violatingConstructs?: Array<{ readonly constructPath: string }> }>;
    readonly suppressedViolations?: Array<{ readonly ruleName: string; readonly violatingConstructs?: Array<{ readonly constructPath: string }> }>;
  }>;
}

/** One synthesis of the four stacks, with the AwsSolutions checks, as `src/main.ts` does it. */
export interface SynthesizedApp {
  readonly app: App;
  readonly stacks: BuildAccountStacks;
  readonly outdir: string;
  readonly report: ValidationReport;
  /** The synthesized template of a stack (or of the stack of that name), parsed. */
  template(stack: Stack | string): any;
  /** The cloud assembly's manifest.json, parsed. */
  readonly manifest: any;
}

/**
 * Synthesizes the four stacks of `config` (the example by default) into a temporary directory.
 *
 * Like `src/main.ts`, without aws-cdk-lib's built-in CloudFormation template validation unless
 * `templateValidation` asks for it: a test that reads every plugin's findings in the report
 * does. Without the `@aws-cdk/core:validateAgainstDefaultRules` flag that validation only adds
 * warnings to the report (it fails no synthesis), and it costs each test file ~2.5 s (its
 * WebAssembly) and each synthesis ~0.2 s.
 */
export function synthesizeBuildAccount(
  config: CrosswalkConfig = loadConfig(undefined, {}),
  configFile?: string,
  change?: (stacks: BuildAccountStacks) => void,
  templateValidation = false,
): SynthesizedApp {
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'build-account-synth-')), builtinCloudFormationValidation: templateValidation });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const stacks = addBuildAccountStacks(app, config, { configFile });
  change?.(stacks);
  try {
    app.synth();
  } catch (err) {
    // A failed validation throws; the report is read either way, so every finding shows.
    if (!String(err).includes('Validation')) throw err;
  }
  const read = (file: string): any => JSON.parse(readFileSync(join(app.outdir, file), 'utf-8'));
  return {
    app,
    stacks,
    outdir: app.outdir,
    report: read('validation-report.json'),
    template: (stack) => read(typeof stack === 'string' ? `${stack}.template.json` : stack.templateFile),
    manifest: read('manifest.json'),
  };
}

/** Every unacknowledged finding, one line each (plugin, construct path, rule, description). */
export function unacknowledgedFindings(report: ValidationReport): string[] {
  return report.pluginReports.flatMap((plugin) => plugin.violations.flatMap((violation) =>
    (violation.violatingConstructs ?? [{ constructPath: '?' }]).map((c) =>
      `${plugin.pluginName}: ${c.constructPath} ${violation.ruleName}: ${violation.description.slice(0, 300)}`)));
}

/** The resources of one type in a template, as [logicalId, resource] pairs. */
export function resourcesOf(template: any, type: string): Array<[string, any]> {
  return Object.entries(template.Resources as Record<string, any>).filter(([, r]) => r.Type === type);
}

/** Every value of `key` anywhere in a template, depth first. */
export function valuesOf(node: unknown, key: string): unknown[] {
  if (Array.isArray(node)) return node.flatMap((n) => valuesOf(n, key));
  if (typeof node !== 'object' || node === null) return [];
  return Object.entries(node).flatMap(([k, v]) => (k === key ? [v, ...valuesOf(v, key)] : valuesOf(v, key)));
}

/** A CodeBuild project's buildspec, parsed (tokens of the Fn::Join become `<token>`). */
export function buildSpecOf(project: any): any {
  const spec = project.Properties.Source.BuildSpec;
  const text = typeof spec === 'string' ? spec
    : (spec['Fn::Join'][1] as unknown[]).map((part) => (typeof part === 'string' ? part : '<token>')).join(spec['Fn::Join'][0]);
  return JSON.parse(text);
}
