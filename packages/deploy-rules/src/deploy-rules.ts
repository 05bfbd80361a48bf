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
    const stacks: StackTemplate[] = context.stackTemplates.map((s) => ({
      stackName: s.stackConstructPath,
      templatePath: s.templatePath,
      account: s.accountId,
      region: s.region,
      template: JSON.parse(readFileSync(s.templatePath, 'utf-8')),
    }));
    const findings = runChecks(stacks, this.ruleIds ?? [], this.facts);
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
          resourceLogicalId: f.resource.logicalId,
          templatePath: f.resource.stack.templatePath,
          locations: [f.location],
        })),
      }));
    return { success: violations.length === 0, violations };
  }
}
