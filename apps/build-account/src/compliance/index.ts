import { App, Aspects, Validations } from 'aws-cdk-lib';
import type { CrosswalkConfig } from '../config';
import { ControlTowerAcknowledgements } from './acknowledgements';
import { ControlTowerChecks } from './plugin';

export { ControlTowerAcknowledgements, acknowledgedResources, acknowledgementId } from './acknowledgements';
export type { ControlAcknowledgement } from './acknowledgements';
export { CFN_GUARD_PLUGIN_NAME, ControlTowerChecks, RULE_RESULTS_FILE } from './plugin';
export type { ControlTowerChecksProps, RuleResults, TemplateRuleResults } from './plugin';
export { summarizeCompliance, formatCompliance, readCompliance } from './summary';
export { validateTemplates } from './template-validation';
export type { ComplianceSummary, StackCompliance, Finding, ValidationReport } from './summary';

/** Options of {@link addCompliance}. */
export interface ComplianceOptions {
  /**
   * Fail the synthesis on an unacknowledged finding, instead of reporting it as a
   * warning and leaving the verdict to the compliance report.
   * @default false
   */
  readonly failSynth?: boolean;
}

/**
 * Runs the AWS Control Tower proactive controls (cfn-guard, offline) over every stack of
 * `app` when it synthesizes, and acknowledges, resource by resource, the findings that do
 * not apply to Crosswalk (see {@link ControlTowerAcknowledgements}). Call it before or after
 * adding the stacks. The findings land in `<outdir>/validation-report.json`, the outcome
 * of every control per stack in `<outdir>/cfn-guard-rules.json`; `src/compliance/report.ts`
 * prints both.
 *
 * @example
 *   if (app.node.tryGetContext('compliance')) addCompliance(app, config);
 */
export function addCompliance(app: App, config: CrosswalkConfig, options: ComplianceOptions = {}): ControlTowerChecks {
  const checks = new ControlTowerChecks({ outdir: app.outdir, failSynth: options.failSynth });
  Validations.of(app).addPlugins(checks);
  Aspects.of(app).add(new ControlTowerAcknowledgements(config));
  return checks;
}
