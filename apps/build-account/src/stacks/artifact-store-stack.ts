import { CrosswalkNaming, TargetAccountSynthesizer } from '@crosswalk/cross-account-role';
import { EncryptedArtifactStore } from '@crosswalk/encrypted-artifact-store';
import { CfnOutput, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { CrosswalkConfig, deliveryTargets, validateConfig } from '../config';
import { namingOf } from './naming';

/** Props of {@link ArtifactStoreStack}. */
export interface ArtifactStoreStackProps {
  /** The validated config: the build account, the region and the target accounts come from it. */
  readonly config: CrosswalkConfig;
  /**
   * The region of the store: another region an environment of the config is in, whose
   * actions keep their artifacts (and the service's code) there.
   * @default - the config's region
   */
  readonly region?: string;
}

/**
 * The build account's artifact store: the KMS key and the artifact bucket named by the
 * convention, admitting the dev and prod accounts' convention roles (deployment role:
 * pipeline artifacts; execution role: the published code assets). The admission goes
 * through account principals narrowed by `aws:PrincipalArn`, so this stack deploys
 * before or after the deployment-role stacks. Synthesized without bootstrap: the build
 * account needs no `cdk bootstrap`.
 */
export class ArtifactStoreStack extends Stack {
  /** `<resourcePrefix>ArtifactStore`, e.g. `Crosswalk-ArtifactStore`; in another region `Crosswalk-ArtifactStore-us-west-2`. */
  public static stackNameFor(config: CrosswalkConfig, region: string = config.region): string {
    return `${namingOf(config).resourcePrefix}ArtifactStore${region === config.region ? '' : `-${region}`}`;
  }

  /** The name of the output holding the store key's ARN, which the config's `regions.<region>.artifactKeyArn` takes for another region. */
  public static readonly KEY_ARN_OUTPUT = 'ArtifactKeyArn';

  public readonly naming: CrosswalkNaming;
  public readonly store: EncryptedArtifactStore;

  /** The construct id is the stack name, so `cdk deploy <stack name>` selects it. */
  constructor(scope: Construct, props: ArtifactStoreStackProps) {
    const config = validateConfig(props.config, 'given to ArtifactStoreStack');
    const region = props.region ?? config.region;
    const naming = namingOf(config).forRegion(region);
    // The accounts of the environments in this region: their roles read this store.
    const targetAccounts = [...new Set(deliveryTargets(config).filter((t) => t.region === region).map((t) => t.account))];
    if (targetAccounts.length === 0) {
      throw new Error(`region '${region}' has no environment of the config: an artifact store serves the environments of its region; give one of its regions, ${[...new Set(deliveryTargets(config).map((t) => t.region))].join(', ')}`);
    }
    const stackName = ArtifactStoreStack.stackNameFor(config, region);
    super(scope, stackName, {
      stackName,
      env: { account: config.accounts.build, region },
      description: `${config.projectName} artifact store (build account, ${region}): pipeline artifacts and the service's code assets`,
      // No asset and no bootstrap: the pipeline updates this stack itself (selfUpdate) from the
      // build output's template, and `cdk deploy` needs no bootstrapped account for it.
      synthesizer: new TargetAccountSynthesizer(),
    });
    this.naming = naming;
    this.store = new EncryptedArtifactStore(this, 'ArtifactStore', { naming, targetAccounts });
    new CfnOutput(this, ArtifactStoreStack.KEY_ARN_OUTPUT, {
      value: this.store.key.keyArn,
      description: region === config.region
        ? 'The artifact key'
        : `The artifact key of ${region}: the config's regions.${region}.artifactKeyArn (the pipeline names a cross-account action's key by ARN)`,
    });
  }
}
