import { BuildAccountDeploymentRoles, CrosswalkNaming, TargetAccountSynthesizer } from '@crosswalk/cross-account-role';
import { Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { CrosswalkConfig, validateConfig } from '../config';
import { namingOf } from './naming';

/** Props of {@link BuildAccountRolesStack}. */
export interface BuildAccountRolesStackProps {
  /** The validated config. */
  readonly config: CrosswalkConfig;
}

/**
 * The build account's own convention roles (`BuildAccountDeploymentRoles`), through which the
 * pipeline updates the artifact store's and its own stack after the change review and the
 * approval (the config's `selfUpdate`).
 *
 * - Deployed once by hand, before the pipeline's stack, with the build account's credentials;
 *   no bootstrap ({@link TargetAccountSynthesizer}: no asset, no bootstrap parameter).
 * - Its name does not start with the project's `resourcePrefix`, so the deployment role, which
 *   may operate only `<resourcePrefix>*` stacks, cannot change the stack that defines its own
 *   permissions: a change to these roles is always a person's deployment.
 */
export class BuildAccountRolesStack extends Stack {
  /** `<projectName>DeploymentRoles-build`, e.g. `CrosswalkDeploymentRoles-build`. */
  public static stackNameFor(config: CrosswalkConfig): string {
    return `${config.projectName}DeploymentRoles-build`;
  }

  public readonly naming: CrosswalkNaming;
  public readonly roles: BuildAccountDeploymentRoles;

  /** The construct id is the stack name, so `cdk deploy <stack name>` selects it. */
  constructor(scope: Construct, props: BuildAccountRolesStackProps) {
    const config = validateConfig(props.config, 'given to BuildAccountRolesStack');
    const stackName = BuildAccountRolesStack.stackNameFor(config);
    super(scope, stackName, {
      stackName,
      env: { account: config.accounts.build, region: config.region },
      description: `${config.projectName} deployment roles of the build account ${config.accounts.build} in ${config.region}, through which the pipeline updates its own stacks`,
      synthesizer: new TargetAccountSynthesizer(),
    });
    this.naming = namingOf(config);
    this.roles = new BuildAccountDeploymentRoles(this, 'DeploymentRoles', { naming: this.naming });
  }
}
