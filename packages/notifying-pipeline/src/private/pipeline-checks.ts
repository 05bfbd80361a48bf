/**
 * The build account's pipeline-checks function (change review, verification of the reviewed
 * change set, bake) and the actions that invoke it. Not exported from the package.
 */
import * as path from 'path';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { CrosswalkNaming } from '@crosswalk/cross-account-role';
import { Construct } from 'constructs';
import { DEPLOYMENT_ROLE_BY_REGION_ENV, DEPLOYMENT_ROLE_ENV, READ_ONLY_ROLE_BY_REGION_ENV, READ_ONLY_ROLE_ENV } from '../contract/read-only-role';
import { RegionalTarget, roleNameEnvironment, targetRoleArns } from './target-roles';
import type { BakeParams, CreateChangeSetParams, ReviewParams, StopIfSupersededParams, VerifyParams, WaveReviewParams, WaveTarget } from '../contract/check-params';

const ASSETS = path.join(__dirname, '..', '..', 'assets');

/** The pipeline variable of the running execution's id. https://docs.aws.amazon.com/codepipeline/latest/userguide/reference-variables.html */
export const EXECUTION_ID = '#{codepipeline.PipelineExecutionId}';

export interface PipelineChecksProps {
  readonly naming: CrosswalkNaming;
  readonly pipelineName: string;
  readonly artifactBucket: s3.IBucket;
  readonly artifactKey: kms.IKey;
  /** The target accounts and regions whose read-only role the function may assume. */
  readonly targets: RegionalTarget[];
  /**
   * The target accounts and regions whose change sets are created with rollback triggers: a
   * second function, with its own role, that may assume their deployment role. None: no such function.
   */
  readonly revertTargets?: RegionalTarget[];
  /** The artifact key of each region other than the pipeline's, where the change set function writes the templates of that region's stacks. */
  readonly regionalKeyArns?: { [region: string]: string };
  readonly logRetention: logs.RetentionDays;
  /**
   * The ARN of the pipeline whose executions the function stops after a self-update (it reads
   * the pipeline's and the execution's versions). None: no such permission.
   */
  readonly stopsSupersededExecutionsOf?: string;
}

/** Without the `check` field and the target fields, which the actions fill in. */
type Fields<T> = Omit<T, 'check' | 'environment' | 'account' | 'region' | 'partition' | 'stackName'>;

/** The environment a check acts on. */
export interface CheckTarget {
  readonly environment: string;
  readonly account: string;
  readonly region: string;
  readonly stackName: string;
}

export class PipelineChecks extends Construct {
  public readonly function: lambda.Function;
  public readonly role: iam.Role;
  /** The change set function (rollback triggers), when an environment reverts on alarm. */
  public readonly changeSetFunction?: lambda.Function;
  public readonly changeSetRole?: iam.Role;
  /** Where the change review reports of this pipeline go (a key prefix ending in `/`). */
  public readonly reportPrefix: string;
  private readonly naming: CrosswalkNaming;

  constructor(scope: Construct, id: string, props: PipelineChecksProps) {
    super(scope, id);
    const { naming } = props;
    this.naming = naming;
    this.reportPrefix = `${naming.changeReviewsPrefix}${props.pipelineName}/`;

    const logGroup = new logs.LogGroup(this, 'Logs', { retention: props.logRetention, removalPolicy: RemovalPolicy.RETAIN });
    const reports = `${props.artifactBucket.bucketArn}/${this.reportPrefix}*`;
    // The target accounts' read-only role trusts this role by its convention name.
    this.role = new iam.Role(this, 'Role', {
      roleName: naming.pipelineChecksRoleName,
      description: `Runs the change review, change set verification and bake of the ${props.pipelineName} pipeline`,
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      inlinePolicies: {
        Checks: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }),
            new iam.PolicyStatement({
              sid: 'ReadTargetAccountsThroughTheirReadOnlyRole',
              actions: ['sts:AssumeRole'],
              resources: targetRoleArns(naming, props.targets, (n, account) => n.readOnlyRoleArn(account)),
            }),
            new iam.PolicyStatement({ sid: 'WriteChangeReviewReports', actions: ['s3:PutObject'], resources: [reports] }),
            // Writing an object that the bucket encrypts with a KMS key needs kms:GenerateDataKey on it:
            // https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html#require-sse-kms
            new iam.PolicyStatement({ sid: 'EncryptTheReports', actions: ['kms:GenerateDataKey'], resources: [props.artifactKey.keyArn] }),
            // After a self-update: read the pipeline's and the execution's versions, stop the execution.
            // Each is authorized on the pipeline: https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscodepipeline.html
            ...(props.stopsSupersededExecutionsOf !== undefined ? [new iam.PolicyStatement({
              sid: 'StopExecutionsOfAnOlderPipeline',
              actions: ['codepipeline:GetPipeline', 'codepipeline:GetPipelineExecution', 'codepipeline:StopPipelineExecution'],
              resources: [props.stopsSupersededExecutionsOf],
            })] : []),
          ],
        }),
      },
    });
    Validations.of(this.role).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::${reports}]`,
      reason: 'Each execution writes its own report under the pipeline\'s change review prefix, keyed by the execution id',
    });
    acknowledgeJobResults(this.role);

    // A review of a large change set, or one look at the alarms plus a poll interval.
    this.function = checksFunction(this, 'Function', `Change review, change set verification and bake of the ${props.pipelineName} pipeline`,
      this.role, logGroup, roleNameEnvironment(naming, props.targets, (n) => n.readOnlyRoleName, READ_ONLY_ROLE_ENV, READ_ONLY_ROLE_BY_REGION_ENV));
    if ((props.revertTargets ?? []).length > 0) {
      const { fn, role } = this.createChangeSetFunction(props, props.revertTargets!);
      this.changeSetFunction = fn;
      this.changeSetRole = role;
    }
  }

  /**
   * The change set function: the same code, its own role, which alone may assume the target
   * accounts' deployment role (the review, verification and bake only read). It reads the
   * build output, writes the template under the pipeline's artifact folder for CloudFormation
   * to read, and creates the change set there.
   */
  private createChangeSetFunction(props: PipelineChecksProps, targets: RegionalTarget[]): { fn: lambda.Function; role: iam.Role } {
    const { naming } = props;
    const scope = new Construct(this, 'ChangeSet');
    const logGroup = new logs.LogGroup(scope, 'Logs', { retention: props.logRetention, removalPolicy: RemovalPolicy.RETAIN });
    const folder = `${props.artifactBucket.bucketArn}/${naming.pipelineArtifactsPrefix(props.pipelineName)}`;
    // The template goes to the artifact store of the stack's region, which its deployment role reads.
    const regions = [...new Set(targets.map((t) => t.region))].filter((r) => r !== naming.region).sort();
    const templateFolders = [
      ...(targets.some((t) => t.region === naming.region) ? [folder] : []),
      ...regions.map((r) => `${naming.forRegion(r).artifactBucketArn(Stack.of(this).account)}/${naming.pipelineArtifactsPrefix(props.pipelineName)}`),
    ];
    const regionalKeys = regions.map((r) => {
      const arn = props.regionalKeyArns?.[r];
      if (arn === undefined) throw new Error(`no artifact key ARN for region ${r} (the construct passes regionalKeyArns)`);
      return arn;
    });
    const role = new iam.Role(scope, 'Role', {
      roleName: naming.changeSetRoleName,
      description: `Creates the change sets with rollback triggers of the ${props.pipelineName} pipeline`,
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      inlinePolicies: {
        ChangeSets: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }),
            new iam.PolicyStatement({
              sid: 'CreateChangeSetsThroughTheDeploymentRole',
              actions: ['sts:AssumeRole'],
              resources: targetRoleArns(naming, targets, (n, account) => n.deploymentRoleArn(account)),
            }),
            new iam.PolicyStatement({ sid: 'ReadTheBuildOutput', actions: ['s3:GetObject'], resources: [`${folder}*`] }),
            new iam.PolicyStatement({ sid: 'WriteTheTemplates', actions: ['s3:PutObject'], resources: templateFolders.map((f) => `${f}change-sets/*`) }),
            // Objects of the bucket are encrypted with the artifact key: reading needs Decrypt, writing GenerateDataKey.
            // https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html#require-sse-kms
            new iam.PolicyStatement({ sid: 'TheArtifactKey', actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [props.artifactKey.keyArn] }),
            ...(regionalKeys.length > 0 ? [new iam.PolicyStatement({ sid: 'TheRegionsArtifactKeys', actions: ['kms:GenerateDataKey'], resources: regionalKeys })] : []),
          ],
        }),
      },
    });
    Validations.of(role).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::${folder}*]`,
      reason: 'CodePipeline names each execution\'s build output with a generated key under the pipeline\'s folder, which the function reads the template from',
    });
    for (const f of templateFolders) {
      Validations.of(role).acknowledge({
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::${f}change-sets/*]`,
        reason: 'The templates are written per execution and environment under the pipeline\'s change-sets/ folder, for CloudFormation to read',
      });
    }
    acknowledgeJobResults(role);
    // Reads the build output, writes the template, waits for the change set (seconds to a minute).
    const fn = checksFunction(scope, 'Function', `Change sets with rollback triggers of the ${props.pipelineName} pipeline`,
      role, logGroup, roleNameEnvironment(naming, targets, (n) => n.deploymentRoleName, DEPLOYMENT_ROLE_ENV, DEPLOYMENT_ROLE_BY_REGION_ENV));
    return { fn, role };
  }

  /**
   * The change set action with rollback triggers; its variables are `#{<namespace>.Revert}`
   * (`armed`, or `first-deployment` for a stack not created yet) and `.RevertAlarms`.
   */
  public createChangeSetAction(target: CheckTarget, fields: Fields<CreateChangeSetParams>, input: codepipeline.Artifact, namespace: string, runOrder: number, actionName = 'CreateChangeSet'): codepipeline.IAction {
    if (!this.changeSetFunction) throw new Error('createChangeSetAction: no environment reverts on alarm (the construct passes revertAccounts)');
    return new actions.LambdaInvokeAction({
      actionName,
      lambda: this.changeSetFunction,
      userParameters: { check: 'create-change-set', ...this.targetFields(target), ...fields },
      inputs: [input],
      variablesNamespace: namespace,
      runOrder,
    });
  }

  /** The change review action: its variables are `#{<namespace>.RiskTier}`, `.Summary`, `.ReportUrl`, `.ChangeSetName`… */
  public reviewAction(target: CheckTarget, fields: Omit<Fields<ReviewParams>, 'reportPrefix'>, namespace: string, runOrder: number): codepipeline.IAction {
    return this.action('Review', { check: 'review', ...this.targetFields(target), ...fields, reportPrefix: this.reportPrefix, ...this.reportRegion(target) }, namespace, runOrder);
  }

  /**
   * One change review of a wave's change sets: one report over all of them (each environment's
   * own report beside it), the highest risk deciding; its variables are the wave's
   * (`#{<namespace>.ApprovalRequired}`, `.Summary`, `.ReportUrl`…) and each environment's
   * (`#{<namespace>.<environment>Execute}`, `.<environment>ChangeSetId`, `.<environment>ChangeSetName`).
   */
  public waveReviewAction(
    wave: string, targets: Array<CheckTarget & Pick<WaveTarget, 'changeSetName' | 'autoApprove'>>,
    fields: Pick<WaveReviewParams, 'pipelineName' | 'executionId' | 'reportBucket'>, namespace: string, runOrder: number,
  ): codepipeline.IAction {
    const params: WaveReviewParams = {
      check: 'review-wave',
      wave,
      partition: this.naming.partition,
      region: this.naming.region,
      ...fields,
      reportPrefix: this.reportPrefix,
      targets: targets.map((t) => ({
        environment: t.environment, account: t.account, region: t.region, stackName: t.stackName, changeSetName: t.changeSetName, autoApprove: t.autoApprove,
      })),
    };
    return this.action('Review', params as unknown as Record<string, unknown>, namespace, runOrder);
  }

  /**
   * After the pipeline's own stack was executed: stops this execution if it started on an older
   * version of the pipeline; its variables are `#{SelfUpdateRestart.Superseded}` and `.PipelineVersion`.
   */
  public stopIfSupersededAction(pipelineName: string, executionId: string, runOrder: number): codepipeline.IAction {
    const params: StopIfSupersededParams = { check: 'stop-if-superseded', pipelineName, executionId };
    return this.action('StopIfPipelineChanged', params as unknown as Record<string, unknown>, 'SelfUpdateRestart', runOrder);
  }

  public verifyAction(target: CheckTarget, fields: Fields<VerifyParams>, namespace: string, runOrder: number, actionName = 'VerifyReviewedChangeSet'): codepipeline.IAction {
    return this.action(actionName, { check: 'verify', ...this.targetFields(target), ...fields }, namespace, runOrder);
  }

  /** The bake; it writes its report (every alarm watched, its states and history) next to the change review's. */
  public bakeAction(target: CheckTarget, fields: Omit<Fields<BakeParams>, 'reportPrefix'>, runOrder: number, actionName = 'Bake'): codepipeline.IAction {
    return this.action(actionName, { check: 'bake', ...this.targetFields(target), ...fields, ...(fields.reportBucket !== undefined ? { reportPrefix: this.reportPrefix, ...this.reportRegion(target) } : {}) }, undefined, runOrder);
  }

  /** The report bucket's region, when the target is in another: the reports' console links open there. */
  private reportRegion(target: CheckTarget): { reportRegion?: string } {
    return target.region === this.naming.region ? {} : { reportRegion: this.naming.region };
  }

  private targetFields(target: CheckTarget) {
    return { environment: target.environment, account: target.account, region: target.region, partition: this.naming.partition, stackName: target.stackName };
  }

  private action(actionName: string, userParameters: Record<string, unknown>, variablesNamespace: string | undefined, runOrder: number): codepipeline.IAction {
    return new actions.LambdaInvokeAction({ actionName, lambda: this.function, userParameters, variablesNamespace, runOrder });
  }
}

/** The Lambda invoke actions give a function's role PutJobSuccessResult and PutJobFailureResult, on `*`. */
function acknowledgeJobResults(role: iam.Role): void {
  Validations.of(role).acknowledge({
    id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
    reason: 'codepipeline:PutJobSuccessResult and PutJobFailureResult (added by the Lambda invoke actions) support no resource-level permissions: ' +
      'https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscodepipeline.html',
  });
}

/** A function of the pipeline-checks bundle, invoked by CodePipeline once per job. */
function checksFunction(scope: Construct, id: string, description: string, role: iam.Role, logGroup: logs.LogGroup, environment: Record<string, string>): lambda.Function {
  const fn = new lambda.Function(scope, id, {
    description: description.slice(0, 256),
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromAsset(path.join(ASSETS, 'pipeline-checks')),
    role,
    logGroup,
    timeout: Duration.minutes(5),
    memorySize: 512,
    // CodePipeline invokes it and waits for its report; a retry would report twice.
    retryAttempts: 0,
    environment,
  });
  fn.node.addDependency(role);
  Validations.of(fn).acknowledge({
    id: 'AwsSolutions::AwsSolutions-L1',
    reason: 'The pipeline-checks bundle is built for Node.js 22 (esbuild target node22, the runtime\'s AWS SDK v3) and tested there; '
      + 'a newer runtime comes with a new release of this package.',
  });
  return fn;
}
