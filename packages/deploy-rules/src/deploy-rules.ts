import { readFileSync } from 'fs';
import { IPolicyValidationContext, IPolicyValidationPlugin, PolicyValidationPluginReport, PolicyViolation } from 'aws-cdk-lib';
import { CrosswalkNaming } from '@crosswalk/cross-account-role';
import { StackTemplate } from './private/assembly';
import { ConventionFacts, conventionFacts, runChecks } from './private/checks';
import { DEPLOY_RULES } from './rules';

/** Props of {@link DeployRules}. */
export interface DeployRulesProps {
  /**
   * The Crosswalk naming convention of the app, if it follows one: the rules then also
   * know the convention's artifact buckets (by name) and their code assets prefix, even
   * when the bucket and the functions that read it are in different apps.
   *
   * @default - only what the assembly itself shows (pipelines' artifact stores, functions' code)
   */
  readonly naming?: CrosswalkNaming;

  /**
   * Rule ids not to run (see `DEPLOY_RULES`). Prefer acknowledging a single finding with
   * `Validations.of(scope).acknowledge()`, which keeps the rule for everything else.
   *
   * @default - every rule runs
   */
  readonly skip?: string[];
}

/** A synthesized stack for {@link DeployRules.checkStacks}, as a cloud assembly lists it. */
export interface DeployRuleStack {
  /** The stack's name (or construct path). */
  readonly stackName: string;
  /** The path of its template file. */
  readonly templatePath: string;
  /**
   * The account the stack deploys to.
   * @default - unknown: rules that compare accounts skip the stack
   */
  readonly account?: string;
  /**
   * The region the stack deploys to.
   * @default - unknown: rules that compare regions skip the stack
   */
  readonly region?: string;
}

/** One finding of the deploy rules. */
export interface DeployRuleFinding {
  /** The rule broken (see `DEPLOY_RULES`). */
  readonly ruleId: string;
  /** The stack of the resource. */
  readonly stackName: string;
  /** The template of the resource. */
  readonly templatePath: string;
  /** The resource's logical id. */
  readonly logicalId: string;
  /** Where in the resource, e.g. `Properties/KeyPolicy/Statement/1/Condition`. */
  readonly location: string;
  /** What is wrong, with the value (shortened) and the fix. */
  readonly message: string;
}

/**
 * Crosswalk's deploy rules as a CDK validation plugin: AWS behaviours a template can break
 * without the CloudFormation schema or cdk-nag noticing, each rule citing the AWS page that
 * states it (`DEPLOY_RULES`). Synthesis fails on any finding that is not acknowledged.
 *
 * The rules read every template of the assembly together, with each stack's account and
 * region, so rules across stacks and accounts (who may write the artifact store, which
 * bucket a function's code comes from) see both sides.
 *
 * ```ts
 * import { App, Validations } from 'aws-cdk-lib';
 * import { CrosswalkNaming } from '@crosswalk/cross-account-role';
 * import { DeployRules } from '@crosswalk/deploy-rules';
 *
 * const app = new App();
 * const naming = new CrosswalkNaming({ projectName: 'Checkin', region: 'eu-west-1' });
 * Validations.of(app).addPlugins(new DeployRules({ naming }));
 * ```
 */
export class DeployRules implements IPolicyValidationPlugin {
  public readonly name = 'crosswalk-deploy-rules';
  public readonly version?: string;
  /** The ids of the rules that run. */
  public readonly ruleIds?: string[];

  private readonly facts: ConventionFacts;

  constructor(props: DeployRulesProps = {}) {
    const known = DEPLOY_RULES.map((r) => r.id);
    for (const id of props.skip ?? []) {
      if (!known.includes(id)) {
        throw new Error(`skip names an unknown deploy rule '${String(id).slice(0, 40)}': use one of ${known.join(', ')}`);
      }
    }
    this.version = '0.0.0';
    this.ruleIds = known.filter((id) => !(props.skip ?? []).includes(id));
    this.facts = conventionFacts(props.naming);
  }

  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const findings = this.checkStacks(context.stackTemplates.map((s) => ({
      stackName: s.stackConstructPath,
      templatePath: s.templatePath,
      account: s.accountId,
      region: s.region,
    })));
    const violations: PolicyViolation[] = DEPLOY_RULES
      .map((rule) => ({ rule, found: findings.filter((f) => f.ruleId === rule.id) }))
      .filter(({ found }) => found.length > 0)
      .map(({ rule, found }) => ({
        ruleName: rule.id,
        description: `${rule.title}. ${rule.behaviour} Source: ${rule.source}. ${found.map((f) => f.message).join('; ')}`,
        fix: rule.fix,
        severity: 'error',
        ruleMetadata: { source: rule.source },
        violatingResources: found.map((f) => ({
          resourceLogicalId: f.logicalId,
          templatePath: f.templatePath,
          locations: [f.location],
        })),
      }));
    return { success: violations.length === 0, violations };
  }

  /**
   * Runs the rules over synthesized stacks outside a CDK app (a cloud assembly on disk, as
   * `crosswalk doctor` does). Every template is read before any rule runs, so rules across
   * stacks see all of them.
   */
  public checkStacks(stacks: DeployRuleStack[]): DeployRuleFinding[] {
    const templates: StackTemplate[] = stacks.map((s) => ({ ...s, template: JSON.parse(readFileSync(s.templatePath, 'utf-8')) }));
    return runChecks(templates, this.ruleIds ?? [], this.facts).map((f) => ({
      ruleId: f.ruleId,
      stackName: f.resource.stack.stackName,
      templatePath: f.resource.stack.templatePath,
      logicalId: f.resource.logicalId,
      location: f.location,
      message: f.message,
    }));
  }
}
