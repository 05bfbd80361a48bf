import { Token } from 'aws-cdk-lib';

/** Props of {@link CrosswalkNaming}. */
export interface CrosswalkNamingProps {
  /**
   * The project name every cross-account name derives from. Letters, digits and
   * hyphens, starting with a letter, at most 24 characters (so that every derived
   * role name stays within IAM's 64 characters).
   */
  readonly projectName: string;

  /**
   * The region of the names: the target roles, the artifact bucket and key, the stacks
   * deployed there, for example `eu-west-1`.
   */
  readonly region: string;

  /**
   * The region of the build account's pipeline, whose roles (pipeline, pipeline checks, change
   * set function, failure notifier) the target roles of every region trust. A pipeline that
   * deploys to several regions has one naming per region (`forRegion()`), all with this one
   * pipeline region.
   * @default - `region`
   */
  readonly pipelineRegion?: string;

  /**
   * The AWS partition of the accounts.
   * @default 'aws'
   */
  readonly partition?: string;
}

/** The longest project name whose derived names all fit IAM's and S3's limits. */
export const MAX_PROJECT_NAME_LENGTH = 24;

const PROJECT_NAME = /^[A-Za-z][A-Za-z0-9-]*$/;
const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
const ACCOUNT_ID = /^\d{12}$/;

/**
 * The naming convention that holds the accounts together: every cross-account name
 * (roles in the target accounts, the pipeline role and the artifact store of the build
 * account) derives from the project name and region, so no ARN is passed by hand
 * between accounts and a policy may name a role before it exists.
 *
 * This is the only place these names are spelled.
 */
/** How many characters of a pipeline's name CodePipeline uses for its artifact folder. */
const PIPELINE_FOLDER_LENGTH = 20;

export class CrosswalkNaming {
  /**
   * Checks a project name; throws an error that says what is wrong and how to fix it.
   */
  public static validateProjectName(projectName: string): void {
    if (Token.isUnresolved(projectName)) {
      throw new Error('projectName must be a literal string, not a token: every cross-account name is derived from it at synth time');
    }
    if (!PROJECT_NAME.test(projectName)) {
      throw new Error(`projectName must start with a letter and contain only letters, digits and hyphens, got '${projectName}'`);
    }
    if (projectName.length > MAX_PROJECT_NAME_LENGTH) {
      throw new Error(`projectName must be at most ${MAX_PROJECT_NAME_LENGTH} characters so that derived role names stay within IAM's 64, got '${projectName}' (${projectName.length} characters)`);
    }
  }

  /**
   * Why S3 refuses a general purpose bucket name, or undefined if it is fine: 3 to 63
   * lower-case letters, digits, periods and hyphens, starting and ending with a letter or
   * digit, no adjacent periods, not an IP address, none of the reserved prefixes and suffixes.
   * https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
   */
  public static bucketNameProblem(name: string): string | undefined {
    if (name.length < 3 || name.length > 63) return `is ${name.length} characters long (3 to 63 allowed)`;
    if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name)) return 'must be lower-case letters, digits, periods and hyphens, beginning and ending with a letter or digit';
    if (name.includes('..')) return 'has two adjacent periods';
    if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) return 'is formatted as an IP address';
    const prefix = ['xn--', 'sthree-', 'amzn-s3-demo-'].find((p) => name.startsWith(p));
    if (prefix) return `starts with the reserved prefix '${prefix}'`;
    const suffix = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'].find((s) => name.endsWith(s));
    if (suffix) return `ends with the reserved suffix '${suffix}'`;
    return undefined;
  }

  /** Checks a 12-digit account id; `field` names the prop or config field in the message. */
  public static validateAccountId(field: string, accountId: string): void {
    if (!Token.isUnresolved(accountId) && !ACCOUNT_ID.test(accountId)) {
      throw new Error(`${field} must be a 12-digit AWS account id, got '${accountId}'`);
    }
  }

  /** Checks a region name such as `eu-west-1`; `field` names the prop or config field. */
  public static validateRegion(field: string, region: string): void {
    if (!Token.isUnresolved(region) && !REGION.test(region)) {
      throw new Error(`${field} must be an AWS region name such as 'eu-west-1', got '${region}'`);
    }
  }

  public readonly projectName: string;
  public readonly region: string;
  /** The region of the build account's pipeline and its roles (`region` unless given). */
  public readonly pipelineRegion: string;
  public readonly partition: string;

  constructor(props: CrosswalkNamingProps) {
    CrosswalkNaming.validateProjectName(props.projectName);
    for (const [field, value] of [['region', props.region], ['pipelineRegion', props.pipelineRegion ?? props.region]] as const) {
      if (Token.isUnresolved(value)) {
        throw new Error(`${field} must be a literal region name such as 'eu-west-1', not a token: cross-account names are derived from it at synth time`);
      }
      CrosswalkNaming.validateRegion(field, value);
    }
    this.projectName = props.projectName;
    this.region = props.region;
    this.pipelineRegion = props.pipelineRegion ?? props.region;
    this.partition = props.partition ?? 'aws';
  }

  /**
   * The same project's names in another region, with the same pipeline region: the roles,
   * bucket and key a pipeline uses for the environments it deploys there. IAM names are
   * global, so the roles of each region carry the region in their name and an account
   * deployed to in two regions holds two sets of roles, each read only by its region's actions.
   */
  public forRegion(region: string): CrosswalkNaming {
    return new CrosswalkNaming({ projectName: this.projectName, region, pipelineRegion: this.pipelineRegion, partition: this.partition });
  }

  /** The role the pipeline assumes in each target account: `${projectName}-${region}-DeploymentRole`. */
  public get deploymentRoleName(): string {
    return `${this.projectName}-${this.region}-DeploymentRole`;
  }

  /** The role CloudFormation uses in each target account to create the project's resources. */
  public get executionRoleName(): string {
    return `${this.projectName}-${this.region}-CfnExecutionRole`;
  }

  /** The managed policy every role created by the execution role must carry as its permissions boundary. */
  public get permissionsBoundaryName(): string {
    return `${this.projectName}-${this.region}-PermissionsBoundary`;
  }

  /**
   * The read-only role of each target account: it reads the project's change sets, stacks,
   * stack events, alarms and CodeDeploy deployments, and nothing else. The build account's
   * pipeline checks (change review, bake) and failure notifier assume it.
   */
  public get readOnlyRoleName(): string {
    return `${this.projectName}-${this.region}-ReadOnlyRole`;
  }

  /**
   * The role of the build account's pipeline-checks function (change review, verification
   * of the reviewed change set, bake), trusted by the target accounts' read-only role:
   * `<project>-<pipelineRegion>-PipelineChecksRole`.
   */
  public get pipelineChecksRoleName(): string {
    return `${this.projectName}-${this.pipelineRegion}-PipelineChecksRole`;
  }

  /**
   * The role of the build account's change set function, which creates an environment's
   * change set with CloudFormation rollback triggers (the revert on alarm); trusted by the
   * target accounts' deployment role: `<project>-<pipelineRegion>-ChangeSetRole`.
   */
  public get changeSetRoleName(): string {
    return `${this.projectName}-${this.pipelineRegion}-ChangeSetRole`;
  }

  /** The role of the build account's failure notifier, trusted by the target accounts' read-only role: `<project>-<pipelineRegion>-FailureNotifierRole`. */
  public get failureNotifierRoleName(): string {
    return `${this.projectName}-${this.pipelineRegion}-FailureNotifierRole`;
  }

  /**
   * The key prefix of the change review reports in the artifact bucket. The reports are
   * the record of what was approved, so they do not expire with the pipeline's artifacts.
   */
  public get changeReviewsPrefix(): string {
    return 'change-reviews/';
  }

  /** The pipeline's role in the build account: `<project>-<pipelineRegion>-PipelineRole`, trusted by the deployment role of every region. */
  public get pipelineRoleName(): string {
    return `${this.projectName}-${this.pipelineRegion}-PipelineRole`;
  }

  /** The default name of the pipeline in the build account: `${projectName}-pipeline`. */
  public get pipelineName(): string {
    return `${this.resourcePrefix}pipeline`;
  }

  /**
   * The key prefix of the artifacts a pipeline writes into the artifact bucket: "A folder to
   * contain the pipeline artifacts is created for you based on the name of the pipeline"
   * (https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_ArtifactStore.html),
   * named after the FIRST 20 CHARACTERS of the pipeline's name: AWS's answer on re:Post
   * ("the pipeline name is truncated to just 20 characters for the folder",
   * https://repost.aws/questions/QUI91tw7A9SUOMohJurNqmgA) and the CodePipeline user guide's
   * troubleshooting entry on truncated artifact folder names
   * (https://docs.aws.amazon.com/codepipeline/latest/userguide/troubleshooting.html). A
   * lifecycle rule on the whole name of a longer pipeline would match nothing.
   *
   * @param pipelineName the pipeline's name; defaults to {@link pipelineName}
   */
  public pipelineArtifactsPrefix(pipelineName?: string): string {
    const name = pipelineName ?? this.pipelineName;
    if (Token.isUnresolved(name)) {
      throw new Error('pipelineArtifactsPrefix needs the pipeline\'s name as a literal string, not a token: CodePipeline files its artifacts under the first 20 characters of the name');
    }
    return `${Array.from(name).slice(0, PIPELINE_FOLDER_LENGTH).join('')}/`;
  }

  /** The key prefix under which the pipeline's test report groups export their reports. */
  public get testReportsPrefix(): string {
    return 'test-reports/';
  }

  /** The KMS alias of the artifact key in the build account (without the `alias/` prefix). */
  public get artifactKeyAliasName(): string {
    return `alias/${this.projectName}/${this.region}/artifacts`;
  }

  /**
   * The prefix of every CloudFormation stack of the project. Deployment roles may act
   * only on stacks whose name starts with it, and roles the stacks create carry it.
   */
  public get resourcePrefix(): string {
    return `${this.projectName}-`;
  }

  /** The artifact bucket of the build account (lower case, as S3 requires). */
  public artifactBucketName(buildAccountId: string): string {
    CrosswalkNaming.validateAccountId('buildAccountId', buildAccountId);
    return `${this.projectName.toLowerCase()}-artifacts-${buildAccountId}-${this.region}`;
  }

  public artifactBucketArn(buildAccountId: string): string {
    return `arn:${this.partition}:s3:::${this.artifactBucketName(buildAccountId)}`;
  }

  /** The ARN of the artifact key's alias, usable in policies before the key exists. */
  public artifactKeyAliasArn(buildAccountId: string): string {
    CrosswalkNaming.validateAccountId('buildAccountId', buildAccountId);
    return `arn:${this.partition}:kms:${this.region}:${buildAccountId}:${this.artifactKeyAliasName}`;
  }

  /**
   * The key prefix under which the build publishes the service's code assets in the
   * artifact bucket (the same for every project). CloudFormation execution roles may read
   * only this part of the bucket.
   */
  public static readonly ASSETS_PREFIX = 'assets/';

  /** The key prefix of the code assets in the artifact bucket: {@link CrosswalkNaming.ASSETS_PREFIX}. */
  public get assetsPrefix(): string {
    return CrosswalkNaming.ASSETS_PREFIX;
  }

  /** The ARN of the published code assets in the artifact bucket: `<bucket ARN>/assets/*`. */
  public artifactAssetsArnPattern(buildAccountId: string): string {
    return `${this.artifactBucketArn(buildAccountId)}/${this.assetsPrefix}*`;
  }

  /**
   * Matches every KMS key of the build account in the project's region. Only the alias of
   * the artifact key is known by convention, so identity policies name this pattern and
   * narrow it with a `kms:ResourceAliases` condition on {@link artifactKeyAliasName}.
   */
  public artifactKeyArnPattern(buildAccountId: string): string {
    CrosswalkNaming.validateAccountId('buildAccountId', buildAccountId);
    return `arn:${this.partition}:kms:${this.region}:${buildAccountId}:key/*`;
  }

  public deploymentRoleArn(accountId: string): string {
    return this.roleArn(accountId, this.deploymentRoleName);
  }

  public executionRoleArn(accountId: string): string {
    return this.roleArn(accountId, this.executionRoleName);
  }

  public pipelineRoleArn(buildAccountId: string): string {
    return this.roleArn(buildAccountId, this.pipelineRoleName);
  }

  public readOnlyRoleArn(accountId: string): string {
    return this.roleArn(accountId, this.readOnlyRoleName);
  }

  public pipelineChecksRoleArn(buildAccountId: string): string {
    return this.roleArn(buildAccountId, this.pipelineChecksRoleName);
  }

  public changeSetRoleArn(buildAccountId: string): string {
    return this.roleArn(buildAccountId, this.changeSetRoleName);
  }

  public failureNotifierRoleArn(buildAccountId: string): string {
    return this.roleArn(buildAccountId, this.failureNotifierRoleName);
  }

  /** Matches every CloudWatch alarm of the project in that account and region (names start with the resource prefix). */
  public alarmArnPattern(accountId: string): string {
    CrosswalkNaming.validateAccountId('accountId', accountId);
    return `arn:${this.partition}:cloudwatch:${this.region}:${accountId}:alarm:${this.resourcePrefix}*`;
  }

  /** Matches every CodeDeploy deployment group of the project's applications in that account and region. */
  public deploymentGroupArnPattern(accountId: string): string {
    CrosswalkNaming.validateAccountId('accountId', accountId);
    return `arn:${this.partition}:codedeploy:${this.region}:${accountId}:deploymentgroup:${this.resourcePrefix}*/*`;
  }

  public permissionsBoundaryArn(accountId: string): string {
    CrosswalkNaming.validateAccountId('accountId', accountId);
    return `arn:${this.partition}:iam::${accountId}:policy/${this.permissionsBoundaryName}`;
  }

  /** Matches every stack of the project in that account and region. */
  public stackArnPattern(accountId: string): string {
    CrosswalkNaming.validateAccountId('accountId', accountId);
    return `arn:${this.partition}:cloudformation:${this.region}:${accountId}:stack/${this.resourcePrefix}*/*`;
  }

  /** Matches every change set the pipeline creates in that account and region (named `<project>-<execution id>`). */
  public changeSetArnPattern(accountId: string): string {
    CrosswalkNaming.validateAccountId('accountId', accountId);
    return `arn:${this.partition}:cloudformation:${this.region}:${accountId}:changeSet/${this.resourcePrefix}*/*`;
  }

  private roleArn(accountId: string, roleName: string): string {
    CrosswalkNaming.validateAccountId('accountId', accountId);
    return `arn:${this.partition}:iam::${accountId}:role/${roleName}`;
  }
}
