import { CrossAccountDeploymentRoles, CrosswalkNaming, TargetAccountSynthesizer } from '@crosswalk/cross-account-role';
import { Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { CrosswalkConfig, DeliveryTarget, deliveryTargets, EnvironmentName, ENVIRONMENT_NAMES, revertsOnAlarm, rolesTargets, validateConfig } from '../config';
import { namingOf } from './naming';

/** Props of {@link DeploymentRolesStack}. */
export interface DeploymentRolesStackProps {
  /** The validated config. */
  readonly config: CrosswalkConfig;
  /**
   * The environment whose account (and region) receives the roles: `dev` or `prod` of the
   * two-environment config, or a target of `deliveryTargets(config)`. One stack serves every
   * environment of the same account and region.
   */
  readonly environmentName: EnvironmentName | DeliveryTarget;
}

/**
 * The roles of one target account (dev or prod): the deployment role the build account's
 * pipeline role assumes, the CloudFormation execution role, and the permissions boundary
 * of every role the service's stacks create (see `CrossAccountDeploymentRoles`).
 *
 * - Deploys without CDK bootstrap: {@link TargetAccountSynthesizer} adds no bootstrap
 *   parameter, rule, template upload or asset; `cdk deploy` runs it with the target
 *   account's own credentials.
 * - Deploys in any order: it references nothing of another stack; the build account is
 *   trusted by account id, narrowed to the pipeline role's convention ARN.
 * - Its name does not start with the project's `resourcePrefix`, so the deployment role,
 *   which may operate only `<resourcePrefix>*` stacks, cannot change the stack that
 *   defines its own permissions.
 */
export class DeploymentRolesStack extends Stack {
  /**
   * `<projectName>DeploymentRoles-<environment>`, e.g. `CrosswalkDeploymentRoles-dev`, after the
   * first environment of its account and region (`CrosswalkDeploymentRoles-prod-eu-us-west-2`).
   */
  public static stackNameFor(config: CrosswalkConfig, environmentName: EnvironmentName | DeliveryTarget): string {
    return `${config.projectName}DeploymentRoles-${rolesTarget(config, environmentName).stackSuffix}`;
  }

  public readonly naming: CrosswalkNaming;
  public readonly environmentName: string;
  public readonly roles: CrossAccountDeploymentRoles;

  /** The construct id is the stack name, so `cdk deploy <stack name>` selects it. */
  constructor(scope: Construct, props: DeploymentRolesStackProps) {
    const config = validateConfig(props.config, 'given to DeploymentRolesStack');
    const target = rolesTarget(config, props.environmentName);
    const naming = namingOf(config).forRegion(target.region);
    const stackName = DeploymentRolesStack.stackNameFor(config, target);
    // Every environment of this account and region deploys through these roles.
    const served = deliveryTargets(config).filter((t) => t.account === target.account && t.region === target.region);
    super(scope, stackName, {
      stackName,
      env: { account: target.account, region: target.region },
      description: `${config.projectName} deployment roles of account ${target.account} in ${target.region} (${served.map((t) => t.stackSuffix).join(', ')}), trusted by the pipeline of account ${config.accounts.build}`,
      synthesizer: new TargetAccountSynthesizer(),
    });
    this.naming = naming;
    this.environmentName = target.environment;
    this.roles = new CrossAccountDeploymentRoles(this, 'DeploymentRoles', {
      naming,
      buildAccountId: config.accounts.build,
      // The change set function assumes the deployment role only where a release can be reverted on alarm.
      trustChangeSetFunction: served.some((t) => revertsOnAlarm(t.settings)),
    });
  }
}

/**
 * The target whose account and region the roles are for: `dev`/`prod` stand for their target
 * in the two-environment config; a target stands for the first target of its account and region.
 */
function rolesTarget(config: CrosswalkConfig, environmentName: EnvironmentName | DeliveryTarget): DeliveryTarget {
  if (typeof environmentName === 'string') {
    const named = config.waves === undefined ? deliveryTargets(config).find((t) => t.environment === environmentName) : undefined;
    if (named === undefined) {
      throw new Error(`environmentName must be one of ${ENVIRONMENT_NAMES.join(', ')} (an environment of the config), got '${environmentName}'` +
        (config.waves === undefined ? '' : '; with waves, pass a target of deliveryTargets(config)'));
    }
    return named;
  }
  const first = rolesTargets(config).find((t) => t.account === environmentName.account && t.region === environmentName.region);
  if (first === undefined) throw new Error(`no environment of the config is in account ${environmentName.account} and region ${environmentName.region}: pass a target of deliveryTargets(config)`);
  return first;
}
