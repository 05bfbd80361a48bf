import { spawnSync } from 'child_process';
import { writeFileSync } from 'fs';
import { basename, join } from 'path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import type {
  IPolicyValidationContext,
  IPolicyValidationPlugin,
  PolicyValidationPluginReport,
  PolicyViolatingResource,
  PolicyViolation,
} from 'aws-cdk-lib';
import { ControlRule, controlRules, guardInstallation } from './rules';

/**
 * The plugin name findings are reported under; acknowledgement ids are
 * `cdk-validator-cfnguard::<guard rule name>` (for example
 * `cdk-validator-cfnguard::s3_bucket_versioning_enabled_check`).
 */
export const CFN_GUARD_PLUGIN_NAME = 'cdk-validator-cfnguard';

/** The file, next to the templates, with every control's outcome per stack. */
export const RULE_RESULTS_FILE = 'cfn-guard-rules.json';

/** How each control came out on one stack's template, as cfn-guard reports it. */
export interface TemplateRuleResults {
  /** The stack's construct path (its name for a top-level stack). */
  readonly stack: string;
  /** The template file name inside the cloud assembly. */
  readonly template: string;
  /** Guard rule names that applied and passed. */
  readonly compliant: string[];
  /** Guard rule names that applied and failed (before acknowledgements). */
  readonly notCompliant: string[];
  /** Guard rule names about resource types the template does not have. */
  readonly notApplicable: string[];
}

/** The content of {@link RULE_RESULTS_FILE}. */
export interface RuleResults {
  readonly pluginVersion: string;
  /** Every control that was run, by guard rule name. */
  readonly rules: ControlRule[];
  readonly templates: TemplateRuleResults[];
}

/** Options of {@link ControlTowerChecks}. */
export interface ControlTowerChecksProps {
  /** The cloud assembly directory (`app.outdir`), where {@link RULE_RESULTS_FILE} is written. */
  readonly outdir: string;
  /**
   * Fail the synthesis on an unacknowledged finding. When false, findings are reported
   * as warnings, so `cdk synth` completes and writes `validation-report.json`; the
   * compliance report then gives the verdict (and the exit code).
   * @default false
   */
  readonly failSynth?: boolean;
}

/**
 * The AWS Control Tower proactive controls through `@cdklabs/cdk-validator-cfnguard`
 * (the cfn-guard binary and rules it ships, offline), with two additions:
 *
 * - the outcome of every control per stack (passed, failed, not applicable) is written
 *   to {@link RULE_RESULTS_FILE}, which the validation report does not hold;
 * - violating "resources" the plugin cannot place (cfn-guard clauses that traverse to no
 *   resource, reported with an empty logical id next to the real resource of the same
 *   finding) are dropped, so that every finding can be acknowledged on its construct.
 */
export class ControlTowerChecks implements IPolicyValidationPlugin {
  public readonly name = CFN_GUARD_PLUGIN_NAME;
  public readonly version?: string;
  public readonly ruleIds?: string[];
  private readonly validator = new CfnGuardValidator();

  constructor(private readonly props: ControlTowerChecksProps) {
    this.version = this.validator.version;
    this.ruleIds = this.validator.ruleIds;
  }

  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const report = this.validator.validate(context);
    this.writeRuleResults(context);
    const failSynth = this.props.failSynth ?? false;
    const violations: PolicyViolation[] = report.violations.map((violation) => ({
      ...violation,
      severity: failSynth ? 'error' : 'warning',
      violatingResources: placedResources(violation.violatingResources),
    }));
    return {
      success: failSynth ? violations.length === 0 : true,
      violations,
      pluginVersion: this.version,
    };
  }

  private writeRuleResults(context: IPolicyValidationContext): void {
    const guard = guardInstallation();
    const rules = controlRules(guard.rulesDir);
    const stackOf = new Map(context.stackTemplates.map((s) => [s.templatePath, s.stackConstructPath]));
    const args = ['validate', '--rules', guard.rulesDir, ...context.templatePaths.flatMap((t) => ['--data', t]),
      '--output-format', 'json', '--show-summary', 'none', '--structured'];
    const run = spawnSync(guard.binary, args, { encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024 });
    // cfn-guard exits 19 (or 5) when a rule fails; the results are on stdout all the same.
    if (run.error || (run.status !== 0 && run.status !== 5 && run.status !== 19)) {
      throw new Error(`cfn-guard (${guard.binary}) failed with ${run.error?.message ?? `exit code ${run.status}`}: ${run.stderr}`);
    }
    const outcomes = JSON.parse(run.stdout.trim() || '[]') as GuardOutcome[];
    const known = (names: Array<string | GuardRuleRef> | undefined) => [...new Set((names ?? [])
      .map((n) => (typeof n === 'string' ? n : n.Rule?.name ?? n.name ?? ''))
      .filter((n) => rules.has(n)))].sort();
    const templates = outcomes.map((outcome): TemplateRuleResults => {
      // A control is several guard rules of one name (template and hook variants): it failed
      // if any failed, passed if one passed and none failed, and is not applicable otherwise.
      const notCompliant = known(outcome.not_compliant);
      const compliant = known(outcome.compliant).filter((n) => !notCompliant.includes(n));
      return {
        stack: stackOf.get(outcome.name) ?? basename(outcome.name).replace(/\.template\.json$/, ''),
        template: basename(outcome.name),
        compliant,
        notCompliant,
        notApplicable: [...rules.keys()].filter((n) => !compliant.includes(n) && !notCompliant.includes(n)).sort(),
      };
    });
    const results: RuleResults = { pluginVersion: this.version ?? 'unknown', rules: [...rules.values()], templates };
    writeFileSync(join(this.props.outdir, RULE_RESULTS_FILE), JSON.stringify(results, undefined, 2));
  }
}

/** A guard rule in cfn-guard's structured output: `{ "Rule": { "name": … } }` or `{ "name": … }`. */
interface GuardRuleRef {
  readonly Rule?: { readonly name?: string };
  readonly name?: string;
}

/** One template's entry in cfn-guard's structured JSON output. */
interface GuardOutcome {
  readonly name: string;
  readonly compliant?: Array<string | GuardRuleRef>;
  readonly not_compliant?: Array<string | GuardRuleRef>;
  readonly not_applicable?: Array<string | GuardRuleRef>;
}

function placedResources(resources: readonly PolicyViolatingResource[]): PolicyViolatingResource[] {
  const placed = resources.filter((r) => r.resourceLogicalId !== undefined && r.resourceLogicalId !== '');
  return placed.length > 0 ? placed : [...resources];
}
