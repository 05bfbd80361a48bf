import { CrosswalkNaming } from './naming';

/**
 * What a target-account role may do with the build account's artifact store.
 *
 * A cross-account permission needs both halves: the identity policy of the role (written
 * by `CrossAccountDeploymentRoles` in the target account) and the bucket and key policies
 * (written by `EncryptedArtifactStore` in the build account). Both read their actions and
 * resources from here, so the two halves cannot drift apart.
 */
export class ArtifactStoreAccess {
  /**
   * The deployment role the pipeline assumes: reads the input artifacts (templates) of the
   * CloudFormation actions it runs, and writes nothing.
   *
   * Read-only on purpose. The administrators of a target account control its roles; a role
   * that could put objects or encrypt with the artifact key would let them overwrite
   * another environment's template or code while that environment waits for approval.
   * CodePipeline's CloudFormation actions write to the artifact store only for an output
   * artifact (`OutputFileName`), which no Crosswalk deploy action declares; stack outputs
   * reach later actions as variables. Action structure reference, CloudFormation:
   * https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-CloudFormation.html
   */
  public static readonly DEPLOYMENT_ROLE = new ArtifactStoreAccess(
    'DeploymentRole',
    ['s3:GetBucketLocation', 's3:ListBucket'],
    ['s3:GetObject', 's3:GetObjectVersion'],
    ['kms:Decrypt', 'kms:DescribeKey'],
    false,
  );

  /**
   * The CloudFormation execution role: reads the service's published code assets (Lambda
   * fetches the code with the caller's credentials), and nothing else.
   */
  public static readonly EXECUTION_ROLE = new ArtifactStoreAccess(
    'ExecutionRole',
    [],
    ['s3:GetObject', 's3:GetObjectVersion'],
    ['kms:Decrypt'],
    true,
  );

  /** Both roles of a target account. */
  public static all(): ArtifactStoreAccess[] {
    return [ArtifactStoreAccess.DEPLOYMENT_ROLE, ArtifactStoreAccess.EXECUTION_ROLE];
  }

  /** Which convention role this access is for, usable in statement ids. */
  public readonly roleKind: string;
  /** S3 actions on the bucket itself. */
  public readonly bucketActions: string[];
  /** S3 actions on the objects matched by `objectArnPattern()`. */
  public readonly objectActions: string[];
  /** KMS actions on the artifact key. */
  public readonly keyActions: string[];
  /** Whether only the published code assets (the `assets/` prefix) may be read. */
  public readonly assetsOnly: boolean;

  private constructor(roleKind: string, bucketActions: string[], objectActions: string[], keyActions: string[], assetsOnly: boolean) {
    this.roleKind = roleKind;
    this.bucketActions = bucketActions;
    this.objectActions = objectActions;
    this.keyActions = keyActions;
    this.assetsOnly = assetsOnly;
  }

  /** The ARN of the role in `accountId` this access is for, by convention. */
  public roleArn(naming: CrosswalkNaming, accountId: string): string {
    return this.assetsOnly ? naming.executionRoleArn(accountId) : naming.deploymentRoleArn(accountId);
  }

  /** The objects this access covers, relative to the bucket: `*` or `assets/*`. */
  public objectKeyPattern(naming: CrosswalkNaming): string {
    return this.assetsOnly ? `${naming.assetsPrefix}*` : '*';
  }

  /** The ARN pattern of the objects this access covers in the build account's bucket. */
  public objectArnPattern(naming: CrosswalkNaming, buildAccountId: string): string {
    return `${naming.artifactBucketArn(buildAccountId)}/${this.objectKeyPattern(naming)}`;
  }
}
