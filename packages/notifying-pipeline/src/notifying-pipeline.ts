import { createHash } from 'crypto';
import { CfnCapabilities, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as codestarconnections from 'aws-cdk-lib/aws-codestarconnections';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { CrosswalkNaming } from '@crosswalk/cross-account-role';
import { EncryptedArtifactStore } from '@crosswalk/encrypted-artifact-store';
import { Construct } from 'constructs';
import { AutoApprove, BakeSettings, DeploymentWindow, PipelineEnvironment, PipelineTest, SelfUpdate } from './environment';
import { FailureNotifier, ReportedProject } from './private/failure-notifier';
import { actionFailureMessage, approvalWaitingMessage, executionMessage } from './private/messages';
import { CheckTarget, EXECUTION_ID, PipelineChecks } from './private/pipeline-checks';
import { RuleOnlyTopicTarget } from './private/topic-target';
import { RegionalTarget } from './private/target-roles';
import {
  bakeMinutes, MAX_BAKE_MINUTES, MAX_REVERT_MINUTES, revertsOnAlarm, rollsBack, validateDeploymentWindow, validateEmails, validateEnvironments, validateGroupName, validatePipelineName,
  selfUpdateEnvironments, SELF_UPDATE_WAVE, validateRegionalKeyArns, validateRegionMatches, validateSource, Wave, wavesOf,
} from './private/validation';

/** Where the pipeline's source comes from: a GitHub repository through a CodeStar connection. */
export interface PipelineSource {
  /** The GitHub user or organization that owns the repository. */
  readonly owner: string;

  /** The repository name. */
  readonly repo: string;

  /**
   * The branch whose pushes start the pipeline.
   * @default 'main'
   */
  readonly branch?: string;

  /**
   * The ARN of an existing, activated CodeStar connection to GitHub.
   * @default - a new connection, created pending: activate it once in the console
   */
  readonly connectionArn?: string;
}

/** Props of {@link NotifyingPipeline}. */
export interface NotifyingPipelineProps {
  /**
   * The naming convention shared with the target accounts: the pipeline role gets its
   * convention name, and every cross-account role is derived from it.
   */
  readonly naming: CrosswalkNaming;

  /**
   * The artifact bucket of the build account (`EncryptedArtifactStore.bucket`), named by
   * the convention (`naming.artifactBucketName(<build account>)`), since the target
   * accounts' roles are granted that bucket by name. A bucket whose name is not known at
   * synth time is refused. The pipeline writes no statement into its policy: the store
   * grants the target accounts, and when the store is in the same app, every
   * environment's account must be one of its target accounts.
   */
  readonly artifactBucket: s3.IBucket;

  /**
   * The key of the artifact bucket (`EncryptedArtifactStore.key`); it also encrypts the
   * CodeBuild projects' output and test report exports.
   */
  readonly artifactKey: kms.IKey;

  /** The GitHub repository and branch the pipeline builds. */
  readonly source: PipelineSource;

  /**
   * The build's buildspec: install, build, test and synthesize, and emit the templates
   * (and whatever the tests need) as the build output artifact. When created with
   * `BuildSpec.fromObject()`, the JUnit report section and the Node.js runtime are merged in.
   */
  readonly buildSpec: codebuild.BuildSpec;

  /**
   * The build image of the build and test projects.
   * @default codebuild.LinuxBuildImage.STANDARD_7_0
   */
  readonly buildImage?: codebuild.IBuildImage;

  /**
   * The compute type of the build project.
   * @default codebuild.ComputeType.MEDIUM
   */
  readonly buildComputeType?: codebuild.ComputeType;

  /**
   * The compute type of the test projects.
   * @default codebuild.ComputeType.SMALL
   */
  readonly testComputeType?: codebuild.ComputeType;

  /**
   * Environment variables of the build project.
   * @default - none
   */
  readonly buildEnvironmentVariables?: { [name: string]: codebuild.BuildEnvironmentVariable };

  /**
   * The JUnit XML files of the build (jest-junit's output) that become a CodeBuild test report.
   * @default ['**\/test-reports/*.xml']
   */
  readonly buildReportFiles?: string[];

  /**
   * Where the build project keeps the files its buildspec lists under `cache.paths` between
   * runs (for example npm's cache and a task runner's cache), so that a run after a small
   * change replays the rest. `codebuild.Cache.none()` turns it off.
   * @default - an S3 cache in the artifact bucket, under `build-cache/<pipeline name>`,
   * encrypted with the artifact key: it survives the build hosts, which a local cache does not
   * ([build caching](https://docs.aws.amazon.com/codebuild/latest/userguide/build-caching.html))
   */
  readonly buildCache?: codebuild.Cache;

  /**
   * The Node.js version the build and test projects install (`runtime-versions`).
   * @default '22'
   */
  readonly nodeVersion?: string;

  /**
   * The environments to deploy to, in order. Each is a wave of its own unless consecutive
   * environments share a `wave`, which then run together.
   */
  readonly environments: PipelineEnvironment[];

  /**
   * The build account's own stacks (this pipeline's, the artifact store's), which the pipeline
   * then updates from each commit, right after Build and before any environment, with a change
   * review and an approval; see {@link SelfUpdate}. The build account needs its own convention
   * roles (`BuildAccountDeploymentRoles`).
   * @default - none: the build account's stacks are deployed by hand
   */
  readonly selfUpdate?: SelfUpdate;

  /**
   * The ARN of the artifact key of each other region an environment is in: the key of the
   * `EncryptedArtifactStore` of the build account in that region, as `{ 'us-west-2': 'arn:aws:kms:us-west-2:<build account>:key/<id>' }`.
   * CodePipeline keeps a cross-region action's artifacts in an artifact store of that region,
   * and identifies the key of a cross-account action by its id or ARN only, not an alias
   * (https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_EncryptionKey.html), so
   * the key must be named here; the bucket is found by its convention name. Deploy the store
   * of the region first and copy its key's ARN (its stack's output).
   * @default - no other region: every environment is in the pipeline's region
   */
  readonly regionalArtifactKeyArns?: { [region: string]: string };

  /**
   * The pipeline's name.
   * @default - `naming.pipelineName` (`<project>-pipeline`). Another name: pass
   * `naming.pipelineArtifactsPrefix(name)` in the store's `expiringPrefixes`, so that its
   * artifacts expire.
   */
  readonly pipelineName?: string;

  /**
   * Email addresses subscribed to the notification topic (failures and, by option,
   * successes and waiting approvals). Each recipient confirms the subscription once.
   * @default - no subscription; use `notificationTopic` or the `notifyOn…` methods
   */
  readonly notificationEmails?: string[];

  /**
   * Email addresses subscribed to the approval topic, to which CodePipeline sends each
   * approval request.
   * @default - the `notificationEmails`
   */
  readonly approvalEmails?: string[];

  /**
   * Whether successful executions are notified too.
   * @default false
   */
  readonly notifyOnSuccess?: boolean;

  /**
   * Whether the notification topic also hears when an approval starts waiting.
   * @default false
   */
  readonly notifyOnApprovalWaiting?: boolean;

  /**
   * Whether a failed action sends its own short message, naming the stage and action, besides
   * the message about the failed execution.
   * @default - false when `explainFailures` is on (its message names the failed actions), else true
   */
  readonly notifyOnActionFailure?: boolean;

  /**
   * Whether a failed execution's message names its cause: a function of the build account
   * (the failure notifier) reads the failed actions and their error summaries, the first
   * resource that failed in the stack (through the target account's read-only role), the
   * CodeDeploy deployment that an alarm or a hook stopped, and the failed tests of the
   * CodeBuild report, with console links in the right region. When it cannot read the
   * details it still sends the basic message and says why; an event it cannot handle at
   * all reaches the topic as Lambda's raw failure record. Off: the basic message
   * (execution, state, console link) straight from EventBridge.
   * @default true
   */
  readonly explainFailures?: boolean;

  /**
   * The name of the IAM group whose members may approve the pipeline's approval actions
   * (created when an environment requires approval).
   * @default - a name generated by CloudFormation
   */
  readonly approverGroupName?: string;

  /**
   * How the pipeline runs executions that overlap. With an approval, `QUEUED` keeps an
   * execution that waits for a decision from being replaced by a newer one, so what was
   * reviewed is what runs; `SUPERSEDED` lets the newest execution win.
   * `PARALLEL` cannot roll a stage back: "failure conditions with a rollback result type
   * cannot be added to a PARALLEL mode pipeline"
   * (https://docs.aws.amazon.com/codepipeline/latest/userguide/execution-modes.html), so it
   * needs `rollbackOnFailure: false` on every environment.
   * @default - `ExecutionMode.QUEUED` when an environment requires approval, else `ExecutionMode.SUPERSEDED`
   */
  readonly executionMode?: codepipeline.ExecutionMode;

  /**
   * How long the logs of the build and test projects are kept.
   * @default logs.RetentionDays.ONE_YEAR (the build and test logs are the pipeline's audit trail)
   */
  readonly logRetention?: logs.RetentionDays;
}

const DEFAULT_REPORT_FILES = ['**/test-reports/*.xml'];
/** The longest name of a report group (CreateReportGroup: "Maximum length of 128"); a project may have a longer one. */
const MAX_BUILD_NAME = 128;
/** The key prefix of the build project's S3 cache in the artifact bucket. */
const BUILD_CACHE_PREFIX = 'build-cache/';
const DEFAULT_CAPABILITIES = [CfnCapabilities.NAMED_IAM, CfnCapabilities.AUTO_EXPAND];
/** Read-only access an approver needs to find and review an execution. */
const APPROVER_READ_ACTIONS = [
  'codepipeline:GetPipeline',
  'codepipeline:GetPipelineState',
  'codepipeline:GetPipelineExecution',
  'codepipeline:ListPipelineExecutions',
  'codepipeline:ListActionExecutions',
];

/**
 * The build account's delivery pipeline: Source (GitHub via CodeStar connection) → Build
 * (CodeBuild) → one stage per environment, in order (deploy as the target account's
 * convention deployment role, or create change set → manual approval → execute change
 * set; then tests fed by the stack outputs) — with failure notifications to an encrypted
 * SNS topic.
 *
 * Cross-account access to the artifact store is granted by the store itself (account
 * principal narrowed to the convention role ARN); the pipeline adds no statement naming
 * another account's role to the bucket or key policy, so every stack deploys in any order.
 */
export class NotifyingPipeline extends Construct {
  /**
   * Checks a deployment window (6 or 7 cron fields, an IANA time zone); throws an error
   * that names `field`, the value and the fix. For configs validated before synth.
   */
  public static validateDeploymentWindow(field: string, window: DeploymentWindow): void {
    validateDeploymentWindow(field, window);
  }

  /**
   * The longest bake in minutes (23 hours): the bake is a Lambda invoke action, which
   * CodePipeline fails after 24 hours (https://docs.aws.amazon.com/codepipeline/latest/userguide/limits.html).
   */
  public static readonly MAX_BAKE_MINUTES = MAX_BAKE_MINUTES;

  /**
   * The longest bake in minutes when an alarm reverts the release (180): CloudFormation watches
   * rollback triggers for at most that long (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_RollbackConfiguration.html).
   */
  public static readonly MAX_REVERT_MINUTES = MAX_REVERT_MINUTES;

  /** An environment's bake in whole minutes, with this construct's defaults (0: no bake). */
  public static bakeMinutes(settings: BakeSettings): number {
    return bakeMinutes(settings);
  }

  /**
   * Whether an alarm reverts the environment's release, with this construct's default (with
   * `requireApproval` and a bake). Another stack can ask it too: the target account's
   * deployment role trusts the change set function only where this is true.
   */
  public static revertsOnAlarm(settings: BakeSettings): boolean {
    return revertsOnAlarm(settings);
  }

  /** The CodePipeline (V2). */
  public readonly pipeline: codepipeline.Pipeline;

  /** The pipeline's role, named by the convention (`naming.pipelineRoleName`). */
  public readonly role: iam.IRole;

  /** The ARN of the CodeStar connection the source action uses. */
  public readonly connectionArn: string;

  /** The CodeBuild project of the Build stage. */
  public readonly buildProject: codebuild.IProject;

  /**
   * The build project's role. Add the permissions your build needs here: the project
   * itself holds an immutable view of it, so `buildProject.addToRolePolicy()` changes nothing.
   */
  public readonly buildRole: iam.IRole;

  /** The source checkout artifact. */
  public readonly sourceOutput: codepipeline.Artifact;

  /** The build output artifact (templates and whatever the buildspec emits). */
  public readonly buildOutput: codepipeline.Artifact;

  /**
   * The function that turns failed executions into messages naming the cause (with
   * `explainFailures`, the default).
   */
  public readonly failureNotifier?: lambda.IFunction;

  /** The key encrypting the notification and approval topics. */
  public readonly notificationKey: kms.IKey;

  /** The topic receiving the readable failure (and optional success/approval) messages. */
  public readonly notificationTopic: sns.ITopic;

  /** The topic CodePipeline sends approval requests to; present when an environment requires approval. */
  public readonly approvalTopic?: sns.ITopic;

  /** The group allowed to approve the approval actions; present when an environment requires approval. */
  public readonly approversGroup?: iam.IGroup;

  private readonly naming: CrosswalkNaming;
  private readonly pipelineName: string;
  private readonly pipelineArn: string;
  private readonly region: string;
  private readonly artifactBucket: s3.IBucket;
  private readonly artifactKey: kms.IKey;
  private readonly buildImage: codebuild.IBuildImage;
  private readonly nodeVersion: string;
  private readonly logRetention: logs.RetentionDays;
  private readonly namespaces = new Map<string, { namespace: string; outputs: string[] }>();
  /** The artifact store of each region other than the pipeline's. */
  private readonly regionalStores = new Map<string, { bucket: s3.IBucket; key: kms.IKey }>();
  private readonly approvalActionArns = new Map<string, string>();
  /** The change review, verification and bake function, when an environment needs one. */
  private readonly pipelineChecks?: PipelineChecks;
  /** The CodeBuild projects of the pipeline and their report groups. */
  private readonly reportedProjects: ReportedProject[] = [];
  /** The build account's own stacks as the environments of the self-update's wave (none without `selfUpdate`). */
  private readonly selfUpdateEnvironments: PipelineEnvironment[] = [];

  /** Where the report groups export the reports in the artifact bucket (a folder, no trailing slash). */
  private get reportsFolder(): string {
    return this.naming.testReportsPrefix.replace(/\/$/, '');
  }

  constructor(scope: Construct, id: string, props: NotifyingPipelineProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.naming = props.naming;
    this.region = stack.region;
    this.pipelineName = props.pipelineName ?? this.naming.pipelineName;
    const otherRegions = this.validateProps(props, stack);
    this.pipelineArn = stack.formatArn({ service: 'codepipeline', resource: this.pipelineName });
    this.buildImage = props.buildImage ?? codebuild.LinuxBuildImage.STANDARD_7_0;
    this.nodeVersion = props.nodeVersion ?? '22';
    this.logRetention = props.logRetention ?? logs.RetentionDays.ONE_YEAR;

    // The artifact stores: the pipeline region's, and one for each other region an environment is in.
    const store = this.importArtifactStore(props, stack);
    this.artifactBucket = store.bucket;
    this.artifactKey = store.key;
    const regionalBuckets = this.importRegionalStores(props, stack, otherRegions);

    // The pipeline and its role.
    this.role = this.createRole();
    this.pipeline = this.createPipeline(props, otherRegions, regionalBuckets);
    this.acknowledgePipelineRoleGrants();

    // Source, then Build.
    const source = this.addSourceStage(props.source);
    this.connectionArn = source.connectionArn;
    this.sourceOutput = source.output;
    const build = this.addBuildStage(props);
    this.buildOutput = build.output;
    this.buildProject = build.project;
    this.buildRole = build.role;

    // The topics and the checks' functions, which the environments' stages use.
    const notifications = this.createNotifications(props);
    this.notificationKey = notifications.key;
    this.notificationTopic = notifications.topic;
    this.approvalTopic = notifications.approvalTopic;
    this.approversGroup = notifications.approversGroup;
    this.pipelineChecks = this.createPipelineChecks(props);

    // The build account's own stacks first, then the environments, wave by wave.
    if (this.selfUpdateEnvironments.length > 0) {
      this.addWave(new Construct(this, 'SelfUpdate'), { name: SELF_UPDATE_WAVE, environments: this.selfUpdateEnvironments }, codebuild.ComputeType.SMALL);
    }
    const environmentsScope = new Construct(this, 'Environments');
    for (const wave of wavesOf(props.environments)) {
      this.addWave(environmentsScope, wave, props.testComputeType ?? codebuild.ComputeType.SMALL);
    }

    // Notifications, through rules that alone may publish to the topic.
    this.failureNotifier = this.addNotificationRules(props, notifications.key, notifications.topic);
  }

  /**
   * Checks the props as a whole and keeps the self-update's stacks as environments; returns the
   * regions other than the pipeline's that environments are in.
   */
  private validateProps(props: NotifyingPipelineProps, stack: Stack): string[] {
    validateRegionMatches('the region of the pipeline\'s stack', this.region, this.naming);
    if (this.naming.pipelineRegion !== this.naming.region) {
      throw new Error(`naming must be the pipeline region's naming: its region is '${this.naming.region}' but its pipelineRegion '${this.naming.pipelineRegion}'; ` +
        `pass the naming of the pipeline's region (naming.forRegion('${this.naming.pipelineRegion}')), which names the roles every region's target roles trust`);
    }
    validatePipelineName(this.pipelineName);
    validateSource(props.source.owner, props.source.repo, props.source.branch ?? 'main');
    // The build account's own stacks are checked with the environments: names and stages are shared.
    if (props.selfUpdate) this.selfUpdateEnvironments.push(...selfUpdateEnvironments(props.selfUpdate, stack.account, stack.stackName));
    const self = this.selfUpdateEnvironments;
    validateEnvironments([...self, ...props.environments], this.naming, [
      ...self.map((_, i) => `selfUpdate.stacks[${i}]`), ...props.environments.map((_, i) => `environments[${i}]`),
    ]);
    const otherRegions = [...new Set(props.environments.map((e) => this.regionOf(e)).filter((r) => r !== this.naming.region))].sort();
    validateRegionalKeyArns(props.regionalArtifactKeyArns ?? {}, otherRegions, this.naming, stack.account);
    if (props.executionMode === codepipeline.ExecutionMode.PARALLEL) {
      const rolling = props.environments.filter(rollsBack).map((e) => `'${e.name}'`);
      if (rolling.length > 0) {
        throw new Error(`executionMode PARALLEL cannot roll a stage back, but environments ${rolling.join(', ')} roll back on failure: set rollbackOnFailure: false on them, or use ExecutionMode.QUEUED`);
      }
    }
    validateEmails('notificationEmails', props.notificationEmails ?? []);
    if (props.approvalEmails) validateEmails('approvalEmails', props.approvalEmails);
    if (props.approverGroupName !== undefined) validateGroupName(props.approverGroupName);
    return otherRegions;
  }

  /**
   * The pipeline region's store, re-imported, so that the L2 grants of the actions land only on
   * the build account's identity policies: an imported bucket or key has no policy CDK could add
   * to. The bucket is addressed by its convention name, as the target accounts' roles are.
   */
  private importArtifactStore(props: NotifyingPipelineProps, stack: Stack): { bucket: s3.IBucket; key: kms.IKey } {
    const bucketName = conventionBucketName(stack, this.naming, props.artifactBucket);
    // Checked at synth time, once the store's target accounts are all added.
    this.node.addValidation({ validate: () => unadmittedEnvironments(this, props.environments, this.naming, stack.account) });
    const key = kms.Key.fromKeyArn(this, 'ArtifactKey', props.artifactKey.keyArn);
    const bucket = s3.Bucket.fromBucketAttributes(this, 'ArtifactBucket', {
      bucketArn: this.naming.artifactBucketArn(stack.account),
      bucketName,
      encryptionKey: key,
    });
    return { bucket, key };

  }

  /**
   * The artifact store of each other region, which CodePipeline copies a cross-region action's
   * input artifacts into: the convention's bucket there, with the key given by ARN.
   * https://docs.aws.amazon.com/codepipeline/latest/userguide/actions-create-cross-region.html
   */
  private importRegionalStores(props: NotifyingPipelineProps, stack: Stack, otherRegions: string[]): { [region: string]: s3.IBucket } {
    const regionalBuckets: { [region: string]: s3.IBucket } = {};
    for (const region of otherRegions) {
      const regional = this.naming.forRegion(region);
      const key = kms.Key.fromKeyArn(this, `ArtifactKey-${region}`, props.regionalArtifactKeyArns![region]);
      regionalBuckets[region] = s3.Bucket.fromBucketAttributes(this, `ArtifactBucket-${region}`, {
        bucketArn: regional.artifactBucketArn(stack.account),
        bucketName: regional.artifactBucketName(stack.account),
        encryptionKey: key,
        region,
      });
      this.regionalStores.set(region, { bucket: regionalBuckets[region], key });
    }

    return regionalBuckets;
  }

  private createRole(): iam.Role {
    return new iam.Role(this, 'Role', {
      roleName: this.naming.pipelineRoleName,
      description: `Role of the ${this.pipelineName} pipeline; the deployment roles of the target accounts trust it by this name`,
      // Trusted by the service principal alone: CodePipeline documents its service role's
      // trust policy without aws:SourceAccount / aws:SourceArn conditions, and a condition
      // on a key the service does not send would refuse every execution.
      // https://docs.aws.amazon.com/codepipeline/latest/userguide/pipelines-create-service-role-cli.html
      // The role's permissions stay narrow (this pipeline's artifacts, the convention roles).
      assumedBy: new iam.ServicePrincipal('codepipeline.amazonaws.com'),
    });

  }

  private createPipeline(props: NotifyingPipelineProps, otherRegions: string[], regionalBuckets: { [region: string]: s3.IBucket }): codepipeline.Pipeline {
    return new codepipeline.Pipeline(this, 'Resource', {
      pipelineName: this.pipelineName,
      pipelineType: codepipeline.PipelineType.V2,
      executionMode: props.executionMode
        ?? (this.hasApproval(props) ? codepipeline.ExecutionMode.QUEUED : codepipeline.ExecutionMode.SUPERSEDED),
      role: this.role,
      // With other regions, CDK takes every region's store in one map (the pipeline's own
      // region's is its artifact bucket) and refuses artifactBucket beside it.
      ...(otherRegions.length > 0
        ? { crossRegionReplicationBuckets: { [this.naming.region]: this.artifactBucket, ...regionalBuckets } }
        : { artifactBucket: this.artifactBucket }),
      // Actions of the build account run as the pipeline role itself, so that role
      // assumes nothing but the target accounts' deployment roles.
      usePipelineRoleForActions: true,
      // A self-update runs the updated pipeline again on the same commit ("Indicates whether to
      // rerun the CodePipeline pipeline after you update it":
      // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-codepipeline-pipeline.html).
      restartExecutionOnUpdate: props.selfUpdate !== undefined,
    });

  }

  /** Source: GitHub through a CodeStar connection (the given one, or a new one, pending until activated). */
  private addSourceStage(sourceProps: PipelineSource): { connectionArn: string; output: codepipeline.Artifact } {
    const branch = sourceProps.branch ?? 'main';
    let connectionArn: string;
    if (sourceProps.connectionArn !== undefined) {
      connectionArn = sourceProps.connectionArn;
    } else {
      const connection = new codestarconnections.CfnConnection(this, 'Connection', {
        connectionName: `${this.naming.projectName}-github`.slice(0, 32),
        providerType: 'GitHub',
      });
      connectionArn = connection.attrConnectionArn;
    }
    const output = new codepipeline.Artifact('Source');
    const sourceAction = new actions.CodeStarConnectionsSourceAction({
      actionName: 'GitHub',
      connectionArn,
      owner: sourceProps.owner,
      repo: sourceProps.repo,
      branch,
      output,
      triggerOnPush: true,
    });
    this.pipeline.addStage({ stageName: 'Source', actions: [sourceAction] });
    // CDK's action grants codestar-connections:UseConnection only. Connections made since
    // the service's rename have codeconnections ARNs, and IAM checks the action under the
    // prefix of the connection's ARN, so the role may use it under both prefixes.
    // https://docs.aws.amazon.com/dtconsole/latest/userguide/rename.html
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'UseTheSourceConnectionUnderBothServicePrefixes',
      actions: CONNECTION_ACTIONS.flatMap((action) => CONNECTION_SERVICE_PREFIXES.map((prefix) => `${prefix}:${action}`)),
      resources: connectionArnsUnderBothPrefixes(connectionArn),
    }));
    this.pipeline.addTrigger({
      providerType: codepipeline.ProviderType.CODE_STAR_SOURCE_CONNECTION,
      gitConfiguration: { sourceAction, pushFilter: [{ branchesIncludes: [branch] }] },
    });

    return { connectionArn, output };
  }

  /** Build: the buildspec in CodeBuild, whose output artifact the environments deploy and test. */
  private addBuildStage(props: NotifyingPipelineProps): { output: codepipeline.Artifact; project: codebuild.IProject; role: iam.IRole } {
    const output = new codepipeline.Artifact('BuildOutput');
    const buildScope = new Construct(this, 'Build');
    const project = this.testedProject(buildScope, {
      name: 'Build',
      buildSpec: props.buildSpec,
      writesArtifacts: true,
      cache: props.buildCache ?? codebuild.Cache.bucket(this.artifactBucket, { prefix: `${BUILD_CACHE_PREFIX}${this.pipelineName}` }),
      computeType: props.buildComputeType ?? codebuild.ComputeType.MEDIUM,
      environmentVariables: props.buildEnvironmentVariables,
      reportFiles: props.buildReportFiles ?? DEFAULT_REPORT_FILES,
      description: `Build of the ${this.pipelineName} pipeline`,
    });
    this.pipeline.addStage({
      stageName: 'Build',
      actions: [new actions.CodeBuildAction({
        actionName: 'Build',
        project,
        input: this.sourceOutput,
        outputs: [output],
      })],
    });
    return { output, project, role: buildScope.node.findChild('Role') as iam.IRole };

  }

  /** The key and topics of the notifications (and the approvers' group when an environment requires approval). */
  private createNotifications(props: NotifyingPipelineProps): { key: kms.IKey; topic: sns.ITopic; approvalTopic?: sns.ITopic; approversGroup?: iam.IGroup } {
    const key = new kms.Key(this, 'NotificationKey', {
      enableKeyRotation: true,
      description: `Encrypts the notification and approval topics of the ${this.pipelineName} pipeline`,
    });
    // No aws:SourceAccount / aws:SourceArn / aws:SourceOrgID condition here: EventBridge's
    // use of the key for an encrypted topic does not carry them, and a statement that
    // requires them silently drops every notification. Who may publish is narrowed by the
    // topic policy instead (each rule's aws:SourceArn, see RuleOnlyTopicTarget). SNS
    // developer guide, "Enable compatibility between event sources from AWS services and
    // encrypted topics": https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
    key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'EventBridgeRulesPublishToTheTopics',
      principals: [new iam.ServicePrincipal('events.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: ['*'],
    }));
    key.addToResourcePolicy(denyGrantsExceptForAwsResources());
    const notificationTopic = new sns.Topic(this, 'NotificationTopic', {
      displayName: `${this.pipelineName} notifications`,
      masterKey: key,
      enforceSSL: true,
    });
    for (const email of props.notificationEmails ?? []) {
      notificationTopic.addSubscription(new subscriptions.EmailSubscription(email));
    }

    if (!this.hasApproval(props)) return { key, topic: notificationTopic };
    const approvalTopic = new sns.Topic(this, 'ApprovalTopic', {
      displayName: `${this.pipelineName} approvals`,
      masterKey: key,
      enforceSSL: true,
    });
    for (const email of props.approvalEmails ?? props.notificationEmails ?? []) {
      approvalTopic.addSubscription(new subscriptions.EmailSubscription(email));
    }
    const approversGroup = new iam.Group(this, 'Approvers', { groupName: props.approverGroupName });
    Validations.of(approversGroup).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::${this.artifactBucket.bucketArn}/${this.naming.changeReviewsPrefix}${this.pipelineName}/*]`,
      reason: 'Approvers read the change review reports of this pipeline, one per execution and environment under its review prefix',
    });
    return { key, topic: notificationTopic, approvalTopic, approversGroup };
  }

  /**
   * The change review, verification and bake run in one function of the build account, which
   * reads the target accounts through their read-only convention role.
   */
  private createPipelineChecks(props: NotifyingPipelineProps): PipelineChecks | undefined {
    const checked = [...this.selfUpdateEnvironments, ...props.environments.filter((env) => env.requireApproval || bakeMinutes(env) > 0)];
    if (checked.length === 0) return undefined;
    const checks = new PipelineChecks(this, 'PipelineChecks', {
      naming: this.naming,
      pipelineName: this.pipelineName,
      artifactBucket: this.artifactBucket,
      artifactKey: this.artifactKey,
      targets: checked.map((env) => this.targetOf(env)),
      // The change set function: the environments with rollback triggers, and the build account's
      // own stacks (whose templates it gives CloudFormation by URL).
      revertTargets: [...this.selfUpdateEnvironments, ...props.environments.filter(revertsOnAlarm)].map((env) => this.targetOf(env)),
      stopsSupersededExecutionsOf: props.selfUpdate ? this.pipelineArn : undefined,
      regionalKeyArns: Object.fromEntries([...this.regionalStores].map(([region, store]) => [region, store.key.keyArn])),
      logRetention: this.logRetention,
    });
    const functionId = (fn: lambda.IFunction) => Stack.of(this).getLogicalId(fn.node.defaultChild as lambda.CfnFunction);
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason: 'The Lambda invoke actions give the pipeline role lambda:ListFunctions, which supports no resource-level permissions: ' +
        'https://docs.aws.amazon.com/service-authorization/latest/reference/list_awslambda.html',
    });
    Validations.of(this.role).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${functionId(checks.function)}.Arn>:*]`,
      reason: 'The pipeline invokes its own pipeline-checks function, under any of its versions or aliases (CDK\'s grant of the Lambda invoke action)',
    });
    if (checks.changeSetFunction) {
      Validations.of(this.role).acknowledge({
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${functionId(checks.changeSetFunction)}.Arn>:*]`,
        reason: 'The pipeline invokes its own change set function, under any of its versions or aliases (CDK\'s grant of the Lambda invoke action)',
      });
    }
    return checks;
  }

  /** The built-in notification rules; returns the failure notifier's function when `explainFailures` is on. */
  private addNotificationRules(props: NotifyingPipelineProps, key: kms.IKey, notificationTopic: sns.ITopic): lambda.IFunction | undefined {
    const partition = this.naming.partition;
    const explainFailures = props.explainFailures ?? true;
    let failureNotifier: lambda.IFunction | undefined;
    if (explainFailures) {
      const notifier = new FailureNotifier(this, 'FailureNotifier', {
        naming: this.naming,
        pipelineName: this.pipelineName,
        pipelineArn: this.pipelineArn,
        topic: notificationTopic,
        topicKey: key,
        targets: [...this.selfUpdateEnvironments, ...props.environments].map((env) => this.targetOf(env)),
        projects: this.reportedProjects,
        logRetention: this.logRetention,
      });
      this.notifyOnFailure('NotifyOnFailure', notifier.target());
      failureNotifier = notifier.function;
    } else {
      this.notifyOnFailure('NotifyOnFailure', new RuleOnlyTopicTarget(notificationTopic, executionMessage(partition, this.region)));
    }
    if (props.notifyOnActionFailure ?? !explainFailures) {
      this.notifyOnActionFailure('NotifyOnActionFailure', new RuleOnlyTopicTarget(notificationTopic, actionFailureMessage(partition, this.region)));
    }
    if (props.notifyOnSuccess ?? false) {
      this.notifyOnSuccess('NotifyOnSuccess', new RuleOnlyTopicTarget(notificationTopic, executionMessage(partition, this.region)));
    }
    if (props.notifyOnApprovalWaiting ?? false) {
      this.notifyOnApprovalWaiting('NotifyOnApprovalWaiting', new RuleOnlyTopicTarget(notificationTopic, approvalWaitingMessage(partition, this.region)));
    }
    return failureNotifier;
  }

  /**
   * Sends every failed execution of the pipeline to `target` (the raw
   * `CodePipeline Pipeline Execution State Change` event, unless the target reshapes it).
   * @param id the construct id of the new rule, unique within this construct
   */
  public notifyOnFailure(id: string, target: events.IRuleTarget): events.Rule {
    return this.addRule(id, 'failed executions', this.executionPattern('FAILED'), target);
  }

  /**
   * Sends every successful execution of the pipeline to `target`.
   * @param id the construct id of the new rule, unique within this construct
   */
  public notifyOnSuccess(id: string, target: events.IRuleTarget): events.Rule {
    return this.addRule(id, 'successful executions', this.executionPattern('SUCCEEDED'), target);
  }

  /**
   * Sends every failed action (with its stage and action names) to `target` (the raw
   * `CodePipeline Action Execution State Change` event, unless the target reshapes it).
   * @param id the construct id of the new rule, unique within this construct
   */
  public notifyOnActionFailure(id: string, target: events.IRuleTarget): events.Rule {
    return this.addRule(id, 'failed actions', {
      source: ['aws.codepipeline'],
      detailType: ['CodePipeline Action Execution State Change'],
      detail: { pipeline: [this.pipelineName], state: ['FAILED'] },
    }, target);
  }

  /**
   * Sends every approval that starts waiting for a decision to `target`.
   * @param id the construct id of the new rule, unique within this construct
   */
  public notifyOnApprovalWaiting(id: string, target: events.IRuleTarget): events.Rule {
    return this.addRule(id, 'approvals waiting for a decision', {
      source: ['aws.codepipeline'],
      detailType: ['CodePipeline Action Execution State Change'],
      detail: { pipeline: [this.pipelineName], state: ['STARTED'], type: { category: ['Approval'] } },
    }, target);
  }

  /**
   * Lets `grantee` approve or reject the approval action of one environment, read the
   * pipeline's executions and the change review reports; nothing more.
   */
  public grantApproval(grantee: iam.IGrantable, environmentName: string): iam.Grant {
    const actionArn = this.approvalActionArns.get(environmentName);
    if (actionArn === undefined) {
      const withApproval = [...this.approvalActionArns.keys()];
      throw new Error(`environment '${environmentName}' has no approval action: grantApproval takes one of ` +
        `${withApproval.length > 0 ? withApproval.map((n) => `'${n}'`).join(', ') : '(none: set requireApproval on an environment)'}`);
    }
    const reports = `${this.artifactBucket.bucketArn}/${this.pipelineChecks!.reportPrefix}*`;
    return iam.Grant.addToPrincipal({ grantee, actions: ['codepipeline:PutApprovalResult'], resourceArns: [actionArn] })
      .combine(iam.Grant.addToPrincipal({ grantee, actions: APPROVER_READ_ACTIONS, resourceArns: [this.pipelineArn] }))
      // The change review report the approval links to: an object of the artifact bucket,
      // encrypted with the artifact key.
      .combine(iam.Grant.addToPrincipal({ grantee, actions: ['s3:GetObject'], resourceArns: [reports] }))
      .combine(iam.Grant.addToPrincipal({ grantee, actions: ['kms:Decrypt'], resourceArns: [this.artifactKey.keyArn] }));
  }

  /**
   * The variable expression of an environment's stack output, `#{<name>Stack.<output>}`,
   * usable in the configuration of later actions.
   */
  public outputVariable(environmentName: string, outputName: string): string {
    const entry = this.namespaces.get(environmentName);
    if (entry === undefined) {
      throw new Error(`outputVariable: no environment named '${environmentName}'; environments: ${[...this.namespaces.keys()].map((n) => `'${n}'`).join(', ')}`);
    }
    if (!Token.isUnresolved(outputName) && !entry.outputs.includes(outputName)) {
      throw new Error(`outputVariable: environment '${environmentName}' does not declare the output '${outputName}' (outputs: ${entry.outputs.join(', ') || 'none'}): add it to the environment's outputs`);
    }
    return `#{${entry.namespace}.${outputName}}`;
  }

  /** Whether any stage waits for an approval: an environment's, or the self-update's. */
  private hasApproval(props: NotifyingPipelineProps): boolean {
    return props.selfUpdate !== undefined || props.environments.some((e) => e.requireApproval);
  }

  /** The environment's region: its own, or the pipeline's. */
  private regionOf(env: PipelineEnvironment): string {
    return env.region ?? this.naming.region;
  }

  private targetOf(env: PipelineEnvironment): RegionalTarget {
    return { account: env.account, region: this.regionOf(env) };
  }

  /** The artifact bucket of a region: the pipeline's own, or the region's store. */
  private bucketIn(region: string): s3.IBucket {
    return region === this.naming.region ? this.artifactBucket : this.regionalStores.get(region)!.bucket;
  }

  /**
   * One wave: its environments' stages. Without approval, one stage holds every environment's
   * deployment, tests and bake (actions of the same run order run in parallel). With approval:
   * the wave's change sets and their review, one approval, the deployment window's check, then
   * each environment's execution stage, which is skipped when its change set is empty.
   */
  private addWave(parent: Construct, wave: Wave, testComputeType: codebuild.ComputeType): void {
    // Stage conditions of CodePipeline V2: roll a failed stage back to its last successful
    // execution, enter it only inside the deployment window, skip what a review made needless.
    // https://docs.aws.amazon.com/codepipeline/latest/userguide/stage-rollback.html
    // https://docs.aws.amazon.com/codepipeline/latest/userguide/rule-reference-DeploymentWindow.html
    // https://docs.aws.amazon.com/codepipeline/latest/userguide/rule-reference-VariableCheck.html
    const [first] = wave.environments;
    const several = wave.environments.length > 1;
    const window = first.deploymentWindow;
    const windowCondition = (ruleName: string): codepipeline.Conditions | undefined => (window === undefined ? undefined : {
      conditions: [{
        result: codepipeline.Result.FAIL,
        rules: [new codepipeline.Rule({
          name: ruleName,
          provider: 'DeploymentWindow',
          version: '1',
          configuration: { Cron: window.cron.trim(), TimeZone: window.timeZone ?? 'UTC' },
        })],
      }],
    });
    const rollback = rollsBack(first) ? { result: codepipeline.Result.ROLLBACK } : undefined;
    const envs = wave.environments.map((env) => this.prepareEnvironment(new Construct(parent, env.name), env, several));

    if (!first.requireApproval) {
      const stage = this.pipeline.addStage({ stageName: wave.name, beforeEntry: windowCondition(`${wave.name}DeploymentWindow`), onFailure: rollback });
      // Deployments first (run order 1), then every environment's tests, then the bakes.
      for (const e of envs) {
        stage.addAction(new actions.CloudFormationCreateUpdateStackAction({
          ...e.deployProps, actionName: e.actionName('Deploy'), variablesNamespace: e.namespace, runOrder: 1,
        }));
        this.addTestsAndBake(stage, e, 2, testComputeType);
      }
      return;
    }

    const checks = this.pipelineChecks!;
    const review = `${wave.name}Review`;
    // One change set per execution, so that a newer run never replaces the one a person is
    // reviewing; executing one makes CloudFormation delete the stack's others.
    const changeSetName = `${this.naming.projectName}-${EXECUTION_ID}`;
    const createChangeSets = envs.map((e) => this.createChangeSetAction(e, changeSetName));
    const reviewAction = several
      ? checks.waveReviewAction(wave.name, envs.map((e) => ({ ...e.target, changeSetName, autoApprove: e.env.autoApprove ?? AutoApprove.NO_CHANGES })), {
        pipelineName: this.pipelineName,
        executionId: EXECUTION_ID,
        reportBucket: this.artifactBucket.bucketName,
      }, review, 2)
      : checks.reviewAction(envs[0].target, {
        changeSetName,
        pipelineName: this.pipelineName,
        executionId: EXECUTION_ID,
        autoApprove: first.autoApprove ?? AutoApprove.NO_CHANGES,
        reportBucket: this.artifactBucket.bucketName,
      }, review, 2);
    this.pipeline.addStage({ stageName: wave.name, beforeEntry: windowCondition(`${wave.name}DeploymentWindow`), actions: [...createChangeSets, reviewAction] });
    // The review's variables of one environment: its own (one environment), or its entry in the wave's review.
    const variable = (e: PreparedEnvironment, name: string) => (several ? `#{${review}.${e.env.name}${name}}` : `#{${review}.${name}}`);

    // The approval is skipped when the review says no person is needed. Its text and link are
    // the review's output variables (a Lambda invoke action's outputVariables become its
    // namespace's variables, and an approval's configuration may reference them:
    // https://docs.aws.amazon.com/codepipeline/latest/userguide/reference-variables.html,
    // https://docs.aws.amazon.com/codepipeline/latest/userguide/tutorials-lambda-variables.html).
    const approvalStage = `${wave.name}Approval`;
    this.pipeline.addStage({
      stageName: approvalStage,
      beforeEntry: skipUnless(`${wave.name}NeedsApproval`, `#{${review}.ApprovalRequired}`),
      actions: [new actions.ManualApprovalAction({
        actionName: 'Approve',
        notificationTopic: this.approvalTopic,
        additionalInformation: several
          ? `${wave.name}: one change review of ${envs.length} environments (${waveWhere(envs.map((e) => e.target))}). #{${review}.Summary}`
          : `${first.name}: change review of stack ${first.stackName} (account ${first.account}, ${envs[0].target.region}). #{${review}.Summary}`,
        externalEntityLink: `#{${review}.ReportUrl}`,
      })],
    });
    for (const e of envs) this.approvalActionArns.set(e.env.name, `${this.pipelineArn}/${approvalStage}/Approve`);
    if (window !== undefined) {
      // The window must hold back the EXECUTION, which comes after an approval that may wait
      // up to 7 days; an entry condition gates only its own stage, and the Deploy stage's one
      // entry condition (a stage has exactly one: API_BeforeEntryConditions) is the SKIP of
      // VariableCheck, which cannot hold a DeploymentWindow rule (only LambdaInvoke and
      // VariableCheck rules may SKIP: stage-conditions page). So a stage of its own, entered
      // only inside the window, checks the reviewed change sets right before the executions.
      // https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_BeforeEntryConditions.html
      // https://docs.aws.amazon.com/codepipeline/latest/userguide/stage-conditions.html
      // https://docs.aws.amazon.com/codepipeline/latest/userguide/approvals.html (7 days)
      this.pipeline.addStage({
        stageName: `${wave.name}Window`,
        beforeEntry: windowCondition(`${wave.name}ExecutionWindow`),
        actions: envs.map((e) => checks.verifyAction(e.target, {
          changeSetName: variable(e, 'ChangeSetName'),
          reviewedChangeSetId: variable(e, 'ChangeSetId'),
          execute: variable(e, 'Execute') as 'true',
        }, `${e.env.name}WindowVerify`, 1, e.actionName('VerifyReviewedChangeSet'))),
      });
    }
    // Each environment's execution in a stage of its own, skipped when its change set is empty:
    // a stage condition is the only way to skip an action, and CodePipeline documents nothing
    // about executing an empty change set, so the wave's executions go one after the other.
    for (const e of envs) {
      const deployStage = this.pipeline.addStage({
        stageName: `${e.env.name}Deploy`,
        beforeEntry: skipUnless(`${e.env.name}HasChanges`, variable(e, 'Execute')),
        onFailure: rollback,
      });
      deployStage.addAction(checks.verifyAction(e.target, {
        changeSetName: variable(e, 'ChangeSetName'),
        reviewedChangeSetId: variable(e, 'ChangeSetId'),
      }, `${e.env.name}Verify`, 1));
      deployStage.addAction(new actions.CloudFormationExecuteChangeSetAction({
        actionName: 'ExecuteChangeSet',
        stackName: e.env.stackName,
        changeSetName: variable(e, 'ChangeSetName'),
        role: e.deploymentRole,
        region: e.actionRegion,
        variablesNamespace: e.namespace,
        runOrder: 2,
      }));
      this.addTestsAndBake(deployStage, { ...e, actionName: (base) => base }, 3, testComputeType);
      if (this.selfUpdateEnvironments.includes(e.env) && e.env.stackName === Stack.of(this).stackName) {
        // Right after the pipeline's own update: an execution on the old structure stops here.
        deployStage.addAction(checks.stopIfSupersededAction(this.pipelineName, EXECUTION_ID, 3));
      }
      if (this.approversGroup) this.grantApproval(this.approversGroup, e.env.name);
    }
  }

  /** What every stage of an environment needs: its roles, its deploy props, its namespace. */
  private prepareEnvironment(scope: Construct, env: PipelineEnvironment, inWaveOfSeveral: boolean): PreparedEnvironment {
    const region = this.regionOf(env);
    const naming = this.naming.forRegion(region);
    // Immutable imports: CDK neither edits them nor names them in any resource policy.
    const deploymentRole = iam.Role.fromRoleArn(scope, 'DeploymentRole', naming.deploymentRoleArn(env.account), { mutable: false });
    const executionRole = iam.Role.fromRoleArn(scope, 'ExecutionRole', naming.executionRoleArn(env.account), { mutable: false });
    const namespace = `${env.name}Stack`;
    const outputs = env.outputs ?? [];
    this.namespaces.set(env.name, { namespace, outputs });
    // An action in another region runs there (CodePipeline copies its input artifacts to that
    // region's artifact store): https://docs.aws.amazon.com/codepipeline/latest/userguide/actions-create-cross-region.html
    const actionRegion = region === this.naming.region ? undefined : region;
    return {
      env,
      scope,
      naming,
      namespace,
      deploymentRole,
      actionRegion,
      target: { environment: env.name, account: env.account, region, stackName: env.stackName },
      actionName: (base) => (inWaveOfSeveral ? `${env.name}-${base}` : base),
      deployProps: {
        stackName: env.stackName,
        templatePath: this.buildOutput.atPath(env.templatePath),
        role: deploymentRole,
        deploymentRole: executionRole,
        cfnCapabilities: env.capabilities ?? DEFAULT_CAPABILITIES,
        adminPermissions: false,
        parameterOverrides: env.parameterOverrides,
        region: actionRegion,
      },
    };
  }

  /**
   * The environment's change set: with a revert, created by the change set function with
   * CloudFormation's rollback triggers, which CodePipeline's own change set action cannot set.
   */
  private createChangeSetAction(e: PreparedEnvironment, changeSetName: string): codepipeline.IAction {
    const { env } = e;
    const reverts = revertsOnAlarm(env);
    if (!reverts && !this.selfUpdateEnvironments.includes(env)) {
      return new actions.CloudFormationCreateReplaceChangeSetAction({ ...e.deployProps, actionName: e.actionName('CreateChangeSet'), changeSetName, runOrder: 1 });
    }
    // The change set function: with the stack's alarms as rollback triggers (a revert), or, for the
    // build account's own stacks, with none. It gives CloudFormation the template by URL (up to
    // 1 MB), where TemplateBody takes 51,200 bytes (the pipeline's own template is larger), and
    // CodePipeline's CloudFormation action does not say how it passes a template.
    // https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateChangeSet.html
    return this.pipelineChecks!.createChangeSetAction(e.target, {
      changeSetName,
      templatePath: env.templatePath,
      // In the stack's region, where its deployment role reads (CloudFormation reads TemplateURL as the caller).
      templateBucket: this.bucketIn(e.target.region).bucketName,
      templateKey: `${this.naming.pipelineArtifactsPrefix(this.pipelineName)}change-sets/${EXECUTION_ID}/${env.name}.template.json`,
      executionRoleArn: e.naming.executionRoleArn(env.account),
      capabilities: (env.capabilities ?? DEFAULT_CAPABILITIES).map(String),
      ...(env.parameterOverrides !== undefined ? { parameterOverrides: env.parameterOverrides } : {}),
      ...(reverts ? { alarmNamePrefix: env.bakeAlarmNamePrefix ?? `${env.stackName}-`, monitoringMinutes: bakeMinutes(env) } : { monitoringMinutes: 0 }),
    }, this.buildOutput, `${env.name}ChangeSet`, 1, e.actionName('CreateChangeSet'));
  }

  /** The environment's tests (in the build account, in parallel), then its bake. */
  private addTestsAndBake(stage: codepipeline.IStage, e: PreparedEnvironment, firstRunOrder: number, testComputeType: codebuild.ComputeType): void {
    const { env, namespace } = e;
    let runOrder = firstRunOrder;
    for (const test of env.tests ?? []) {
      stage.addAction(new actions.CodeBuildAction({
        actionName: e.actionName(test.name),
        type: actions.CodeBuildActionType.TEST,
        project: this.testedProject(new Construct(e.scope, test.name), {
          name: `${env.name}-${test.name}`,
          buildSpec: testBuildSpec(test),
          writesArtifacts: false,
          computeType: testComputeType,
          reportFiles: test.reportFiles ?? DEFAULT_REPORT_FILES,
          description: `${test.name} tests of environment ${env.name} of the ${this.pipelineName} pipeline`,
        }),
        input: this.sourceOutput,
        extraInputs: [this.buildOutput],
        environmentVariables: {
          ...Object.fromEntries(Object.entries(test.environmentVariables ?? {})
            .map(([name, value]) => [name, { value }])),
          ...Object.fromEntries(Object.entries(test.environmentFromOutputs ?? {})
            .map(([name, output]) => [name, { value: `#{${namespace}.${output}}` }])),
        },
        runOrder,
      }));
    }
    if ((env.tests ?? []).length > 0) runOrder++;

    const bake = bakeMinutes(env);
    if (bake > 0) {
      stage.addAction(this.pipelineChecks!.bakeAction(e.target, {
        alarmNamePrefix: env.bakeAlarmNamePrefix ?? `${env.stackName}-`,
        bakeMinutes: bake,
        // With a revert, CloudFormation watched the alarms from the execution on: the bake
        // reports on that window (from the verification right before it).
        ...(revertsOnAlarm(env) ? { since: `#{${env.name}Verify.VerifiedAt}` } : {}),
        reportBucket: this.artifactBucket.bucketName,
        executionId: EXECUTION_ID,
      }, runOrder, e.actionName('Bake')));
    }
  }

  /**
   * A CodeBuild project with its log group and JUnit report group. Its output, and the
   * report exports (under `test-reports/` of the artifact bucket), are encrypted with the
   * artifact key. Its role carries exactly the statements written here (CDK's defaults
   * would add log groups and report groups the project never uses).
   */
  private testedProject(scope: Construct, options: ProjectOptions): codebuild.PipelineProject {
    const logGroup = new logs.LogGroup(scope, 'Logs', { retention: this.logRetention });
    // Named under the project prefix, as the build account's own execution role may change only
    // the project's CodeBuild projects and report groups (a name CloudFormation generates need not carry it).
    const name = this.prefixedName(options.name);
    const reports = new codebuild.CfnReportGroup(scope, 'Reports', {
      name,
      type: 'TEST',
      exportConfig: {
        exportConfigType: 'S3',
        s3Destination: {
          bucket: this.artifactBucket.bucketName,
          path: this.reportsFolder,
          packaging: 'NONE',
          encryptionKey: this.artifactKey.keyArn,
          encryptionDisabled: false,
        },
      },
    });
    reports.applyRemovalPolicy(RemovalPolicy.RETAIN);

    const bucketArn = this.artifactBucket.bucketArn;
    const statements = [
      new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }),
      new iam.PolicyStatement({
        actions: ['codebuild:CreateReport', 'codebuild:UpdateReport', 'codebuild:BatchPutTestCases'],
        resources: [reports.attrArn],
      }),
      new iam.PolicyStatement({ actions: ['s3:GetBucketLocation', 's3:GetBucketAcl', 's3:ListBucket'], resources: [bucketArn] }),
      // The build publishes code assets with cdk-assets-lib (`crosswalk publish-assets`), which
      // reads the bucket's default encryption (GetBucketEncryption) to put each object with the
      // bucket's KMS key; the permission is s3:GetEncryptionConfiguration:
      // https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketEncryption.html
      ...(options.writesArtifacts ? [new iam.PolicyStatement({ actions: ['s3:GetEncryptionConfiguration'], resources: [bucketArn] })] : []),
      // Input artifacts of any execution (their keys are generated by CodePipeline).
      new iam.PolicyStatement({ actions: ['s3:GetObject', 's3:GetObjectVersion'], resources: [`${bucketArn}/*`] }),
      new iam.PolicyStatement({
        actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
        resources: [options.writesArtifacts ? `${bucketArn}/*` : `${bucketArn}/${this.naming.testReportsPrefix}*`],
      }),
      new iam.PolicyStatement({
        actions: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'],
        resources: [this.artifactKey.keyArn],
      }),
      // The build publishes the code assets of stacks in other regions to those regions' stores
      // (a Lambda function's code must be in its own region: https://docs.aws.amazon.com/lambda/latest/api/API_FunctionCode.html),
      // under the assets prefix only.
      ...(options.writesArtifacts ? [...this.regionalStores.values()].flatMap(({ bucket, key }) => [
        new iam.PolicyStatement({ actions: ['s3:GetBucketLocation', 's3:ListBucket', 's3:GetEncryptionConfiguration'], resources: [bucket.bucketArn] }),
        new iam.PolicyStatement({ actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'], resources: [`${bucket.bucketArn}/${this.naming.assetsPrefix}*`] }),
        new iam.PolicyStatement({ actions: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'], resources: [key.keyArn] }),
      ]) : []),
    ];
    const role = new iam.Role(scope, 'Role', {
      description: options.description,
      // The service principal alone, as CodeBuild's service-role guide shows it; a condition
      // on a key the service might not send would stop every build (the safe side).
      // https://docs.aws.amazon.com/codebuild/latest/userguide/setting-up-service-role.html
      assumedBy: new iam.ServicePrincipal('codebuild.amazonaws.com'),
      inlinePolicies: { Project: new iam.PolicyDocument({ statements }) },
    });
    Validations.of(role).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::${bucketArn}/*]`,
      reason: options.writesArtifacts
        ? 'The build reads the source artifact and writes the build output and the published code assets; CodePipeline generates their object keys per execution, so no narrower prefix exists'
        : 'The tests read the source and build output artifacts of the running execution; CodePipeline generates their object keys per execution, so no narrower prefix exists',
    });
    for (const { bucket } of options.writesArtifacts ? this.regionalStores.values() : []) {
      Validations.of(role).acknowledge({
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::${bucket.bucketArn}/${this.naming.assetsPrefix}*]`,
        reason: 'The build publishes the code assets of that region\'s stacks under the assets prefix, keyed by their content hash',
      });
    }
    if (!options.writesArtifacts) {
      Validations.of(role).acknowledge({
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::${bucketArn}/${this.naming.testReportsPrefix}*]`,
        reason: `The report group exports each run's JUnit report under ${this.naming.testReportsPrefix} with a key CodeBuild generates; the tests may write nowhere else in the bucket`,
      });
    }

    const project = new codebuild.PipelineProject(scope, 'Project', {
      projectName: name,
      description: options.description,
      buildSpec: withReportsAndRuntime(options.buildSpec, reports.attrArn, options.reportFiles, this.nodeVersion),
      environment: { buildImage: this.buildImage, computeType: options.computeType },
      environmentVariables: options.environmentVariables,
      cache: options.cache,
      encryptionKey: this.artifactKey,
      logging: { cloudWatch: { logGroup } },
      // CDK's grants (pipeline action, encryption key) would widen the role written above.
      role: role.withoutPolicyUpdates(),
    });
    this.reportedProjects.push({ projectArn: project.projectArn, reportGroupArn: reports.attrArn });
    return project;
  }

  /**
   * The name of one of the pipeline's CodeBuild projects (and its report group): the pipeline's
   * name under the project prefix, then `label`; letters, digits, `-` and `_`, at most 128
   * characters (a report group's longest name; a project's may be longer), shortened with a hash of the whole.
   * https://docs.aws.amazon.com/codebuild/latest/APIReference/API_CreateReportGroup.html
   * https://docs.aws.amazon.com/codebuild/latest/APIReference/API_CreateProject.html
   */
  private prefixedName(label: string): string {
    const prefix = this.naming.resourcePrefix;
    const base = this.pipelineName.startsWith(prefix) ? this.pipelineName : `${prefix}${this.pipelineName}`;
    const full = `${base}-${label}`.replace(/[^A-Za-z0-9_-]/g, '-');
    if (full.length <= MAX_BUILD_NAME) return full;
    return `${full.slice(0, MAX_BUILD_NAME - 9)}-${createHash('sha256').update(full).digest('hex').slice(0, 8)}`;
  }

  /**
   * The pipeline role's wildcards come from CDK's own pipeline grants (artifact bucket and
   * key, the approval topic's key); each is acknowledged with what it is for.
   */
  private acknowledgePipelineRoleGrants(): void {
    const bucket = this.artifactBucket.bucketArn;
    const reasons: Record<string, string> = {
      'Action::s3:GetObject*': 'CodePipeline reads the artifacts of its executions (object and version) to hand them to the next actions',
      'Action::s3:GetBucket*': 'CodePipeline reads the artifact bucket\'s location and versioning before it stores artifacts',
      'Action::s3:List*': 'CodePipeline lists the artifacts of its executions in the artifact bucket',
      'Action::s3:DeleteObject*': 'CodePipeline replaces the artifacts of its executions; the bucket is versioned and its lifecycle rules decide what is kept',
      'Action::s3:Abort*': 'CodePipeline aborts the multipart uploads of artifacts it did not finish writing',
      'Action::kms:ReEncrypt*': 'The artifacts are encrypted with the artifact key; re-encryption stays within that one key (the resource is the key ARN)',
      'Action::kms:GenerateDataKey*': 'Encrypting artifacts with the artifact key, and approval requests with the notification key, needs data keys of exactly these two keys',
      [`Resource::${bucket}/*`]: 'CodePipeline generates the object keys of each execution\'s artifacts, so the role needs every object of the artifact bucket, which holds nothing but this project\'s artifacts and assets',
    };
    for (const { bucket } of this.regionalStores.values()) {
      reasons[`Resource::${bucket.bucketArn}/*`] = 'CodePipeline copies the artifacts of the actions in that region into the region\'s artifact store under keys it generates per execution; the bucket holds nothing but this project\'s artifacts and assets';
    }
    for (const [finding, reason] of Object.entries(reasons)) {
      Validations.of(this.role).acknowledge({ id: `AwsSolutions::AwsSolutions-IAM5[${finding}]`, reason });
    }
  }

  private executionPattern(state: string): events.EventPattern {
    return {
      source: ['aws.codepipeline'],
      detailType: ['CodePipeline Pipeline Execution State Change'],
      detail: { pipeline: [this.pipelineName], state: [state] },
    };
  }

  private addRule(id: string, what: string, eventPattern: events.EventPattern, target: events.IRuleTarget): events.Rule {
    return new events.Rule(this, id, {
      description: `${what} of the ${this.pipelineName} pipeline`,
      eventPattern,
      targets: [target],
    });
  }
}

/** An environment as its stages use it. */
interface PreparedEnvironment {
  readonly env: PipelineEnvironment;
  readonly scope: Construct;
  /** The naming of the environment's region (its roles, its artifact store). */
  readonly naming: CrosswalkNaming;
  readonly namespace: string;
  readonly deploymentRole: iam.IRole;
  /** The region of its CloudFormation actions, when not the pipeline's. */
  readonly actionRegion?: string;
  readonly target: CheckTarget;
  /** An action's name: as is, or after the environment's name in a stage shared by a wave. */
  readonly actionName: (base: string) => string;
  readonly deployProps: {
    stackName: string;
    templatePath: codepipeline.ArtifactPath;
    role: iam.IRole;
    deploymentRole: iam.IRole;
    cfnCapabilities: CfnCapabilities[];
    adminPermissions: boolean;
    parameterOverrides?: { [name: string]: string };
    region?: string;
  };
}

/** Where a wave deploys, short enough for an approval's text: `Dev (222222222222, eu-west-1), …`. */
function waveWhere(targets: CheckTarget[]): string {
  const full = targets.map((t) => `${t.environment} (${t.account}, ${t.region})`).join(', ');
  return full.length <= 300 ? full : `${targets.length} environments in ${[...new Set(targets.map((t) => t.region))].join(', ')}`;
}

interface ProjectOptions {
  /** What the project is, in its name (`Build`, `<environment>-<test>`). */
  readonly name: string;
  readonly buildSpec: codebuild.BuildSpec;
  /** Whether the project writes pipeline artifacts (the build) or only test reports (the tests). */
  readonly writesArtifacts: boolean;
  readonly computeType: codebuild.ComputeType;
  readonly environmentVariables?: { [name: string]: codebuild.BuildEnvironmentVariable };
  readonly reportFiles: string[];
  readonly description: string;
  readonly cache?: codebuild.Cache;
}

function testBuildSpec(test: PipelineTest): codebuild.BuildSpec {
  return test.buildSpec ?? codebuild.BuildSpec.fromObject({
    version: '0.2',
    phases: { build: { commands: test.commands } },
  });
}

/**
 * Adds the JUnit reports section (pointing at the project's report group) and the
 * Node.js runtime to a buildspec given as an object. A buildspec file of the repository
 * is left as it is: it names its report group and runtime itself.
 */
function withReportsAndRuntime(spec: codebuild.BuildSpec, reportGroupArn: string, files: string[], nodeVersion: string): codebuild.BuildSpec {
  if (!spec.isImmediate) return spec;
  try {
    return codebuild.mergeBuildSpecs(spec, codebuild.BuildSpec.fromObject({
      phases: { install: { 'runtime-versions': { nodejs: nodeVersion } } },
      reports: { [reportGroupArn]: { 'files': files, 'file-format': 'JUNITXML' } },
    }));
  } catch (err) {
    throw new Error(`buildSpec ${spec} cannot be extended with the JUnit reports section (${(err as Error).message}): ` +
      'create it with codebuild.BuildSpec.fromObject({ version: \'0.2\', ... }), or keep it in the repository with BuildSpec.fromSourceFilename()');
  }
}

/**
 * The artifact bucket's name by the convention, after checking that the given bucket
 * carries it: a bucket whose name is not known at synth time cannot be shown to be the
 * one the target accounts' roles are granted.
 */
function conventionBucketName(stack: Stack, naming: CrosswalkNaming, bucket: s3.IBucket): string {
  if (Token.isUnresolved(stack.account)) {
    throw new Error(`NotifyingPipeline needs the build account: give stack '${stack.node.path}' env: { account: '<12-digit build account id>' }, ` +
      'the artifact bucket\'s name and the pipeline role\'s ARN, which the target accounts trust, derive from it');
  }
  const expected = naming.artifactBucketName(stack.account);
  // A bucket imported by name, or created with an explicit name, shows its name at synth time.
  const cfn = bucket.node.defaultChild;
  const given = !Token.isUnresolved(bucket.bucketName) ? bucket.bucketName
    : cfn instanceof s3.CfnBucket && cfn.bucketName !== undefined && !Token.isUnresolved(cfn.bucketName) ? cfn.bucketName
      : undefined;
  if (given === undefined) {
    throw new Error(`artifactBucket must be the convention's artifact bucket '${expected}' (naming.artifactBucketName('${stack.account}')), ` +
      `which the target accounts' roles are granted by name, got bucket '${bucket.node.path}', whose name is not known at synth time: ` +
      `pass EncryptedArtifactStore's bucket, or a bucket named '${expected}' (created with that bucketName, or imported with s3.Bucket.fromBucketName())`);
  }
  if (given !== expected) {
    throw new Error(`artifactBucket must be the convention's artifact bucket '${expected}' (naming.artifactBucketName('${stack.account}')), ` +
      `which the target accounts' roles are granted by name, got '${given}': pass EncryptedArtifactStore's bucket`);
  }
  return expected;
}

/**
 * For each region whose artifact store is an `EncryptedArtifactStore` of the same app, the
 * environments there whose account the store does not admit, one message each: their roles
 * could read neither the pipeline's artifacts nor the code assets.
 */
function unadmittedEnvironments(scope: Construct, environments: PipelineEnvironment[], naming: CrosswalkNaming, buildAccount: string): string[] {
  const stores = scope.node.root.node.findAll()
    .filter((c): c is EncryptedArtifactStore => EncryptedArtifactStore.isEncryptedArtifactStore(c));
  return environments.flatMap((env, i) => {
    const region = env.region ?? naming.region;
    const bucketName = naming.forRegion(region).artifactBucketName(buildAccount);
    const here = stores.filter((store) => store.naming.artifactBucketName(store.buildAccountId) === bucketName);
    if (here.length === 0 || Token.isUnresolved(env.account)) return [];
    const admitted = here.flatMap((store) => store.targetAccounts);
    if (admitted.includes(env.account)) return [];
    const where = here.map((store) => `'${store.node.path}'`).join(', ');
    return [
      `environments[${i}].account '${env.account}' (environment '${env.name}') is not a target account of the artifact store ${where} of ${region} ` +
      `(target accounts: ${admitted.length > 0 ? admitted.join(', ') : 'none'}): its deployment role could not read the pipeline's artifacts, ` +
      `nor its execution role the code assets, so the '${env.name}' stage would fail; admit it with store.addTargetAccount('${env.account}')`,
    ];
  });
}

/** The service prefixes a CodeConnections (formerly CodeStar Connections) ARN or action may carry. */
const CONNECTION_SERVICE_PREFIXES = ['codestar-connections', 'codeconnections'];
/** What the source action does with the connection. */
const CONNECTION_ACTIONS = ['UseConnection'];

/**
 * The connection's ARN under both service prefixes (a literal ARN), or as given (a token,
 * such as the ARN of a connection this construct creates).
 */
function connectionArnsUnderBothPrefixes(connectionArn: string): string[] {
  if (Token.isUnresolved(connectionArn)) return [connectionArn];
  const match = /^arn:([^:]+):(?:codestar-connections|codeconnections):(.+)$/.exec(connectionArn);
  if (!match) return [connectionArn];
  return CONNECTION_SERVICE_PREFIXES.map((prefix) => `arn:${match[1]}:${prefix}:${match[2]}`);
}

/**
 * Only AWS services may create grants on the key, and only for AWS resources (the
 * Control Tower control CT.KMS.PR.3): no principal can hand its key use on to another.
 */
function denyGrantsExceptForAwsResources(): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'DenyGrantsExceptForAwsResources',
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:CreateGrant'],
    resources: ['*'],
    conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
  });
}

/**
 * An entry condition that skips the stage unless a variable is 'true'. "If all rules in a
 * condition succeed, then the condition is met ... when the criteria are not met, the
 * specified result engages": https://docs.aws.amazon.com/codepipeline/latest/userguide/stage-conditions.html
 */
function skipUnless(ruleName: string, variable: string): codepipeline.Conditions {
  return {
    conditions: [{
      result: codepipeline.Result.SKIP,
      rules: [new codepipeline.Rule({
        name: ruleName,
        provider: 'VariableCheck',
        version: '1',
        configuration: { Variable: variable, Value: 'true', Operator: 'EQ' },
      })],
    }],
  };
}
