import { CrossAccountDeploymentRoles, CrosswalkNaming, TargetAccountSynthesizer } from '@crosswalk/cross-account-role';
import { Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { CrosswalkConfig, EnvironmentName, ENVIRONMENT_NAMES, revertsOnAlarm, validateConfig } from '../config';
import { namingOf } from './naming';

/** Props of {@link DeploymentRolesStack}. */
export interface DeploymentRolesStackProps {
  /** The validated config. */
  readonly config: CrosswalkConfig;
  /** The target environment whose account receives the roles. */
  readonly environmentName: EnvironmentName;
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
  /** `<projectName>DeploymentRoles-<environment>`, e.g. `CrosswalkDeploymentRoles-dev`. */
  public static stackNameFor(config: CrosswalkConfig, environmentName: EnvironmentName): string {
    return `${config.projectName}DeploymentRoles-${environmentName}`;
  }

  public readonly naming: CrosswalkNaming;
  public readonly environmentName: EnvironmentName;
  public readonly roles: CrossAccountDeploymentRoles;

  /** The construct id is the stack name, so `cdk deploy <stack name>` selects it. */
  constructor(scope: Construct, props: DeploymentRolesStackProps) {
    const config = validateConfig(props.config, 'given to DeploymentRolesStack');
    const { environmentName } = props;
    if (!(ENVIRONMENT_NAMES as readonly string[]).includes(environmentName)) {
      throw new Error(`environmentName must be one of ${ENVIRONMENT_NAMES.join(', ')} (an environment of the config), got '${environmentName}'`);
    }
    const naming = namingOf(config);
    const stackName = DeploymentRolesStack.stackNameFor(config, environmentName);
    super(scope, stackName, {
      stackName,
      env: { account: config.accounts[environmentName], region: config.region },
      description: `${config.projectName} deployment roles of the ${environmentName} account, trusted by the pipeline of account ${config.accounts.build}`,
      synthesizer: new TargetAccountSynthesizer(),
    });
    this.naming = naming;
    this.environmentName = environmentName;
    this.roles = new CrossAccountDeploymentRoles(this, 'DeploymentRoles', {
      naming,
      buildAccountId: config.accounts.build,
      // The change set function assumes the deployment role only where a release can be reverted on alarm.
      trustChangeSetFunction: revertsOnAlarm(config.environments[environmentName]),
    });
  }
}
