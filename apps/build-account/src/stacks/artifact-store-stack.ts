import { CrosswalkNaming } from '@crosswalk/cross-account-role';
import { EncryptedArtifactStore } from '@crosswalk/encrypted-artifact-store';
import { Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { CrosswalkConfig, validateConfig } from '../config';
import { namingOf } from './naming';

/** Props of {@link ArtifactStoreStack}. */
export interface ArtifactStoreStackProps {
  /** The validated config: the build account, the region and the target accounts come from it. */
  readonly config: CrosswalkConfig;
}

/**
 * The build account's artifact store: the KMS key and the artifact bucket named by the
 * convention, admitting the dev and prod accounts' convention roles (deployment role:
 * pipeline artifacts; execution role: the published code assets). The admission goes
 * through account principals narrowed by `aws:PrincipalArn`, so this stack deploys
 * before or after the deployment-role stacks.
 */
export class ArtifactStoreStack extends Stack {
  /** `<resourcePrefix>ArtifactStore`, e.g. `Crosswalk-ArtifactStore`. */
  public static stackNameFor(config: CrosswalkConfig): string {
    return `${namingOf(config).resourcePrefix}ArtifactStore`;
  }

  public readonly naming: CrosswalkNaming;
  public readonly store: EncryptedArtifactStore;

  /** The construct id is the stack name, so `cdk deploy <stack name>` selects it. */
  constructor(scope: Construct, props: ArtifactStoreStackProps) {
    const config = validateConfig(props.config, 'given to ArtifactStoreStack');
    const naming = namingOf(config);
    const stackName = ArtifactStoreStack.stackNameFor(config);
    super(scope, stackName, {
      stackName,
      env: { account: config.accounts.build, region: config.region },
      description: `${config.projectName} artifact store (build account): pipeline artifacts and the service's code assets`,
    });
    this.naming = naming;
    this.store = new EncryptedArtifactStore(this, 'ArtifactStore', {
      naming,
      targetAccounts: [config.accounts.dev, config.accounts.prod],
    });
  }
}
