/**
 * The call-site authorization table: every AWS API call that Crosswalk's functions and the
 * `crosswalk` command make, with the IAM action, THE RESOURCE AWS EVALUATES for that call (which
 * is not always the resource the call is about), the condition keys that matter, who makes the
 * call, and the AWS page each row rests on. Tests check that every SDK command the code sends
 * has a row, and that each row is allowed by the synthesized policies of the role that makes it.
 *
 * Resource patterns use placeholders in `${…}`; `*` means AWS evaluates `*` (the Service
 * Authorization Reference lists no resource type for the action).
 */

/** Who makes a call. */
export enum CallPrincipal {
  /** `<project>-<region>-ReadOnlyRole` of a target account, assumed by the build account's functions. */
  READ_ONLY_ROLE = 'read-only role (target account)',
  /** The role of notifying-pipeline's pipeline-checks function (build account). */
  PIPELINE_CHECKS = 'pipeline-checks function role (build account)',
  /** The role of notifying-pipeline's change set function (build account): the change set with rollback triggers. */
  CHANGE_SET_FUNCTION = 'change set function role (build account)',
  /** `<project>-<region>-DeploymentRole` of a target account, assumed by the change set function. */
  DEPLOYMENT_ROLE = 'deployment role (target account), assumed by the change set function',
  /** The role of notifying-pipeline's failure-notifier function (build account). */
  FAILURE_NOTIFIER = 'failure-notifier function role (build account)',
  /** The role of safe-lambda-deploy's pre- and post-traffic hook functions (target account). */
  TRAFFIC_HOOK = 'traffic hook function role (target account)',
  /** The Build stage's CodeBuild role, which runs `crosswalk publish-assets` (build account). */
  BUILD_STAGE = 'Build stage CodeBuild role (build account)',
  /** A person's own credentials (`crosswalk clean-assets`), outside the pipeline. */
  OPERATOR = 'the operator\'s credentials',
  /** The service's own function role (the sample API's handlers, target account). */
  SERVICE_FUNCTION = 'service function role (target account)',
}

/** One row of the table. */
export interface CallSite {
  /** Package and file or function that sends the call. */
  readonly caller: string;
  readonly principal: CallPrincipal;
  /** The SDK v3 command, without `Command` (e.g. `DescribeChangeSet`). */
  readonly command: string;
  /** The SDK client package (e.g. `@aws-sdk/client-cloudformation`). */
  readonly client: string;
  /** The request parameters that decide what AWS authorizes (a name prefix, a qualifier). */
  readonly decidingParameters: string;
  /** The IAM actions the call needs. */
  readonly actions: string[];
  /** The resource ARN AWS evaluates for the call, with `${…}` placeholders; `*` when AWS evaluates `*`. */
  readonly resource: string;
  /** Condition keys that the call carries and Crosswalk's policies test (empty: none). */
  readonly conditionKeys: string[];
  /** Why this resource, when it is not simply the resource the call is about. */
  readonly note?: string;
  /** The AWS pages the row rests on. */
  readonly citations: string[];
}

const SAR = 'https://docs.aws.amazon.com/service-authorization/latest/reference';
const CFN = `${SAR}/list_awscloudformation.html`;
const CW = `${SAR}/list_amazoncloudwatch.html`;
const CD = `${SAR}/list_awscodedeploy.html`;
const CD_PERMS = 'https://docs.aws.amazon.com/codedeploy/latest/userguide/auth-and-access-control-permissions-reference.html';
const CP = `${SAR}/list_awscodepipeline.html`;
const CB = `${SAR}/list_awscodebuild.html`;
const S3 = `${SAR}/list_amazons3.html`;
const S3_ACTIONS = 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html';
const KMS = `${SAR}/list_awskeymanagementservice.html`;
const DDB = `${SAR}/list_amazondynamodb.html`;
const IAM = `${SAR}/list_awsidentityandaccessmanagementiam.html`;
const SNS = `${SAR}/list_amazonsns.html`;

const STACK = 'arn:${Partition}:cloudformation:${Region}:${TargetAccount}:stack/${StackName}/*';
const BUCKET = 'arn:${Partition}:s3:::${ArtifactBucket}';
const ARTIFACT_KEY = 'arn:${Partition}:kms:${Region}:${BuildAccount}:key/${ArtifactKeyId}';
const TABLE = 'arn:${Partition}:dynamodb:${Region}:${TargetAccount}:table/${TableName}';
const TOPIC = 'arn:${Partition}:sns:${Region}:${BuildAccount}:${TopicName}';

const PIPELINE_CHECKS = 'notifying-pipeline lambda/pipeline-checks';
const FAILURE_NOTIFIER = 'notifying-pipeline lambda/failure-notifier';
const READ_ONLY = 'notifying-pipeline lambda/shared/read-only-role.ts';

/** The rows; see {@link CallSites.all}. */
const ROWS: CallSite[] = [
  // ---- the build account's functions assume the target's read-only role ----
  {
    caller: READ_ONLY, principal: CallPrincipal.PIPELINE_CHECKS, command: 'AssumeRole', client: '@aws-sdk/client-sts',
    decidingParameters: 'RoleArn', actions: ['sts:AssumeRole'], resource: 'arn:${Partition}:iam::${TargetAccount}:role/${ReadOnlyRoleName}', conditionKeys: [],
    note: 'The role\'s trust policy must name this caller too (the other side)',
    citations: [`${SAR}/list_awssecuritytokenservice.html`, 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_permissions-to-switch.html'],
  },
  {
    caller: READ_ONLY, principal: CallPrincipal.FAILURE_NOTIFIER, command: 'AssumeRole', client: '@aws-sdk/client-sts',
    decidingParameters: 'RoleArn', actions: ['sts:AssumeRole'], resource: 'arn:${Partition}:iam::${TargetAccount}:role/${ReadOnlyRoleName}', conditionKeys: [],
    note: 'The role\'s trust policy must name this caller too (the other side)',
    citations: [`${SAR}/list_awssecuritytokenservice.html`, 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_permissions-to-switch.html'],
  },
  // ---- change review and verification (through the read-only role) ----
  {
    caller: `${PIPELINE_CHECKS}/review.ts`, principal: CallPrincipal.READ_ONLY_ROLE, command: 'DescribeChangeSet', client: '@aws-sdk/client-cloudformation',
    decidingParameters: 'StackName, ChangeSetName (name or ARN)', actions: ['cloudformation:DescribeChangeSet'], resource: STACK, conditionKeys: [],
    note: 'Authorized on the stack the change set belongs to', citations: [CFN],
  },
  {
    caller: `${PIPELINE_CHECKS}/review.ts`, principal: CallPrincipal.READ_ONLY_ROLE, command: 'GetTemplate', client: '@aws-sdk/client-cloudformation',
    decidingParameters: 'StackName, ChangeSetName, TemplateStage Processed', actions: ['cloudformation:GetTemplate'], resource: STACK, conditionKeys: [],
    note: 'The change set\'s template; authorized on its stack', citations: [CFN, 'https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_GetTemplate.html'],
  },
  {
    caller: `${PIPELINE_CHECKS}/review.ts`, principal: CallPrincipal.READ_ONLY_ROLE, command: 'DescribeEvents', client: '@aws-sdk/client-cloudformation',
    decidingParameters: 'StackName, ChangeSetName (ARN)', actions: ['cloudformation:DescribeEvents'],
    resource: 'arn:${Partition}:cloudformation:${Region}:${TargetAccount}:changeSet/${ChangeSetName}/*', conditionKeys: [],
    note: 'The hooks and validations CloudFormation ran on the change set; authorized on the change set (or the stack)',
    citations: [CFN, 'https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeEvents.html'],
  },
  // ---- the change set with rollback triggers (the revert on alarm) ----
  {
    caller: `${PIPELINE_CHECKS}/create-change-set.ts`, principal: CallPrincipal.CHANGE_SET_FUNCTION, command: 'GetObject', client: '@aws-sdk/client-s3',
    decidingParameters: 'Bucket, Key (the build output artifact)', actions: ['s3:GetObject'], resource: 'arn:${Partition}:s3:::${ArtifactBucket}/${PipelineFolder}/*', conditionKeys: ['aws:SecureTransport'],
    note: 'The input artifact CodePipeline names in the job (its first 20 characters of the pipeline\'s name are the folder)', citations: [S3, 'https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_S3ArtifactLocation.html'],
  },
  {
    caller: `${PIPELINE_CHECKS}/create-change-set.ts`, principal: CallPrincipal.CHANGE_SET_FUNCTION, command: 'GetObject', client: '@aws-sdk/client-s3',
    decidingParameters: 'SSE-KMS object', actions: ['kms:Decrypt'], resource: ARTIFACT_KEY, conditionKeys: [],
    note: 'S3 asks KMS to decrypt as the caller', citations: [KMS, 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html'],
  },
  {
    caller: `${PIPELINE_CHECKS}/create-change-set.ts`, principal: CallPrincipal.CHANGE_SET_FUNCTION, command: 'PutObject', client: '@aws-sdk/client-s3',
    decidingParameters: 'Bucket, Key (<pipeline folder>/change-sets/<execution>/<environment>.template.json)', actions: ['s3:PutObject'],
    resource: 'arn:${Partition}:s3:::${ArtifactBucket}/${PipelineFolder}/change-sets/*', conditionKeys: ['aws:SecureTransport'],
    note: 'The template CloudFormation reads by TemplateURL as the deployment role; it expires with the pipeline\'s artifacts', citations: [S3, S3_ACTIONS],
  },
  {
    caller: `${PIPELINE_CHECKS}/create-change-set.ts`, principal: CallPrincipal.CHANGE_SET_FUNCTION, command: 'PutObject', client: '@aws-sdk/client-s3',
    decidingParameters: 'SSE-KMS by the bucket default', actions: ['kms:GenerateDataKey'], resource: ARTIFACT_KEY, conditionKeys: [],
    note: 'S3 asks KMS for a data key as the caller', citations: [KMS, 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html'],
  },
  {
    caller: `${PIPELINE_CHECKS}/create-change-set.ts`, principal: CallPrincipal.CHANGE_SET_FUNCTION, command: 'AssumeRole', client: '@aws-sdk/client-sts',
    decidingParameters: 'RoleArn', actions: ['sts:AssumeRole'], resource: 'arn:${Partition}:iam::${TargetAccount}:role/${DeploymentRoleName}', conditionKeys: [],
    note: 'The deployment role\'s trust policy must name this caller too (the other side)',
    citations: [`${SAR}/list_awssecuritytokenservice.html`, 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_permissions-to-switch.html'],
  },
  {
    caller: `${PIPELINE_CHECKS}/create-change-set.ts`, principal: CallPrincipal.DEPLOYMENT_ROLE, command: 'DescribeStacks', client: '@aws-sdk/client-cloudformation',
    decidingParameters: 'StackName', actions: ['cloudformation:DescribeStacks'], resource: STACK, conditionKeys: [], citations: [CFN],
  },
  {
    caller: `${PIPELINE_CHECKS}/create-change-set.ts`, principal: CallPrincipal.DEPLOYMENT_ROLE, command: 'DescribeAlarms', client: '@aws-sdk/client-cloudwatch',
    decidingParameters: 'AlarmNamePrefix, AlarmTypes (no AlarmNames)', actions: ['cloudwatch:DescribeAlarms'],
    resource: 'arn:${Partition}:cloudwatch:${Region}:${TargetAccount}:alarm:*', conditionKeys: [],
    note: 'By prefix AWS evaluates alarm:*, not the alarms returned', citations: [CW, 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html'],
  },
  {
    caller: `${PIPELINE_CHECKS}/create-change-set.ts`, principal: CallPrincipal.DEPLOYMENT_ROLE, command: 'CreateChangeSet', client: '@aws-sdk/client-cloudformation',
    decidingParameters: 'StackName, RoleARN (the execution role), RollbackConfiguration, TemplateURL', actions: ['cloudformation:CreateChangeSet'], resource: STACK,
    conditionKeys: ['cloudformation:RoleArn'],
    note: 'The role\'s statement requires cloudformation:RoleArn to be the execution role; passing it needs iam:PassRole (next row)',
    citations: [CFN, 'https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateChangeSet.html'],
  },
  {
    caller: `${PIPELINE_CHECKS}/create-change-set.ts`, principal: CallPrincipal.DEPLOYMENT_ROLE, command: 'CreateChangeSet', client: '@aws-sdk/client-cloudformation',
    decidingParameters: 'RoleARN', actions: ['iam:PassRole'], resource: 'arn:${Partition}:iam::${TargetAccount}:role/${ExecutionRoleName}', conditionKeys: ['iam:PassedToService'],
    note: 'Passing the execution role to CloudFormation', citations: [`${SAR}/list_awsidentityandaccessmanagementiam.html`, 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html'],
  },
  {
    caller: `${PIPELINE_CHECKS}/create-change-set.ts`, principal: CallPrincipal.DEPLOYMENT_ROLE, command: 'DeleteChangeSet', client: '@aws-sdk/client-cloudformation',
    decidingParameters: 'StackName, ChangeSetName (the same execution\'s, on a retry)', actions: ['cloudformation:DeleteChangeSet'], resource: STACK, conditionKeys: [], citations: [CFN],
  },
  {
    caller: `${PIPELINE_CHECKS}/create-change-set.ts`, principal: CallPrincipal.DEPLOYMENT_ROLE, command: 'DescribeChangeSet', client: '@aws-sdk/client-cloudformation',
    decidingParameters: 'StackName, ChangeSetName', actions: ['cloudformation:DescribeChangeSet'], resource: STACK, conditionKeys: [], citations: [CFN],
  },
  // ---- bake (through the read-only role) ----
  {
    caller: `${PIPELINE_CHECKS}/bake.ts`, principal: CallPrincipal.READ_ONLY_ROLE, command: 'DescribeAlarms', client: '@aws-sdk/client-cloudwatch',
    decidingParameters: 'AlarmNamePrefix (no AlarmNames)', actions: ['cloudwatch:DescribeAlarms'],
    resource: 'arn:${Partition}:cloudwatch:${Region}:${TargetAccount}:alarm:*', conditionKeys: [],
    note: 'By prefix (or without names) AWS evaluates alarm:*, not the alarms returned; a statement on alarm:<prefix>* is denied',
    citations: [CW, 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html'],
  },
  {
    caller: `${PIPELINE_CHECKS}/bake.ts`, principal: CallPrincipal.READ_ONLY_ROLE, command: 'DescribeAlarmHistory', client: '@aws-sdk/client-cloudwatch',
    decidingParameters: 'AlarmName', actions: ['cloudwatch:DescribeAlarmHistory'],
    resource: 'arn:${Partition}:cloudwatch:${Region}:${TargetAccount}:alarm:${AlarmName}', conditionKeys: [], citations: [CW],
  },
  // ---- pipeline checks: report to CodePipeline, write the review reports ----
  {
    caller: `${PIPELINE_CHECKS}/job.ts`, principal: CallPrincipal.PIPELINE_CHECKS, command: 'PutJobSuccessResult', client: '@aws-sdk/client-codepipeline',
    decidingParameters: 'jobId', actions: ['codepipeline:PutJobSuccessResult'], resource: '*', conditionKeys: [],
    note: 'No resource type in the Service Authorization Reference', citations: [CP],
  },
  {
    caller: `${PIPELINE_CHECKS}/job.ts`, principal: CallPrincipal.PIPELINE_CHECKS, command: 'PutJobFailureResult', client: '@aws-sdk/client-codepipeline',
    decidingParameters: 'jobId', actions: ['codepipeline:PutJobFailureResult'], resource: '*', conditionKeys: [],
    note: 'No resource type in the Service Authorization Reference', citations: [CP],
  },
  {
    caller: `${PIPELINE_CHECKS}/review.ts`, principal: CallPrincipal.PIPELINE_CHECKS, command: 'PutObject', client: '@aws-sdk/client-s3',
    decidingParameters: 'Bucket, Key (change-reviews/<pipeline>/…)', actions: ['s3:PutObject'],
    resource: 'arn:${Partition}:s3:::${ArtifactBucket}/change-reviews/${PipelineName}/*', conditionKeys: ['aws:SecureTransport'],
    note: 'Encrypted by the bucket\'s default encryption with the artifact key, which needs kms:GenerateDataKey on it (next row)',
    citations: [S3, S3_ACTIONS],
  },
  {
    caller: `${PIPELINE_CHECKS}/review.ts`, principal: CallPrincipal.PIPELINE_CHECKS, command: 'PutObject', client: '@aws-sdk/client-s3',
    decidingParameters: 'SSE-KMS by the bucket default', actions: ['kms:GenerateDataKey'], resource: ARTIFACT_KEY, conditionKeys: [],
    note: 'S3 asks KMS for a data key as the caller', citations: [KMS, 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html'],
  },
  // ---- pipeline checks: after a self-update, stop the execution that started on the old pipeline ----
  ...(['GetPipelineExecution', 'GetPipeline', 'StopPipelineExecution'].map((command): CallSite => ({
    caller: `${PIPELINE_CHECKS}/superseded.ts`, principal: CallPrincipal.PIPELINE_CHECKS, command, client: '@aws-sdk/client-codepipeline',
    decidingParameters: command === 'GetPipeline' ? 'name' : 'pipelineName, pipelineExecutionId', actions: [`codepipeline:${command}`],
    resource: 'arn:${Partition}:codepipeline:${Region}:${BuildAccount}:${PipelineName}', conditionKeys: [],
    note: 'Authorized on the pipeline, whichever execution the call names',
    citations: [CP, `https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_${command}.html`],
  }))),
  // ---- failure notifier ----
  {
    caller: `${FAILURE_NOTIFIER}/enrich.ts`, principal: CallPrincipal.FAILURE_NOTIFIER, command: 'ListActionExecutions', client: '@aws-sdk/client-codepipeline',
    decidingParameters: 'pipelineName', actions: ['codepipeline:ListActionExecutions'],
    resource: 'arn:${Partition}:codepipeline:${Region}:${BuildAccount}:${PipelineName}', conditionKeys: [], citations: [CP],
  },
  {
    caller: `${FAILURE_NOTIFIER}/enrich.ts`, principal: CallPrincipal.FAILURE_NOTIFIER, command: 'BatchGetBuilds', client: '@aws-sdk/client-codebuild',
    decidingParameters: 'ids (build ids of the project)', actions: ['codebuild:BatchGetBuilds'],
    resource: 'arn:${Partition}:codebuild:${Region}:${BuildAccount}:project/${CodeBuildProject}', conditionKeys: [], citations: [CB],
  },
  {
    caller: `${FAILURE_NOTIFIER}/enrich.ts`, principal: CallPrincipal.FAILURE_NOTIFIER, command: 'DescribeTestCases', client: '@aws-sdk/client-codebuild',
    decidingParameters: 'reportArn', actions: ['codebuild:DescribeTestCases'],
    resource: 'arn:${Partition}:codebuild:${Region}:${BuildAccount}:report-group/${ReportGroupName}', conditionKeys: [],
    note: 'Authorized on the report group of the report', citations: [CB],
  },
  {
    caller: `${FAILURE_NOTIFIER}/notify.ts`, principal: CallPrincipal.FAILURE_NOTIFIER, command: 'Publish', client: '@aws-sdk/client-sns',
    decidingParameters: 'TopicArn', actions: ['sns:Publish'], resource: 'arn:${Partition}:sns:${Region}:${BuildAccount}:${TopicName}', conditionKeys: [],
    note: 'The topic is encrypted with a KMS key: the caller also needs kms:GenerateDataKey and kms:Decrypt on it',
    citations: [`${SAR}/list_amazonsns.html`, 'https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html'],
  },
  {
    caller: `${FAILURE_NOTIFIER}/enrich.ts`, principal: CallPrincipal.READ_ONLY_ROLE, command: 'DescribeStackEvents', client: '@aws-sdk/client-cloudformation',
    decidingParameters: 'StackName', actions: ['cloudformation:DescribeStackEvents'], resource: STACK, conditionKeys: [], citations: [CFN],
  },
  {
    caller: `${FAILURE_NOTIFIER}/enrich.ts`, principal: CallPrincipal.READ_ONLY_ROLE, command: 'DescribeAlarmHistory', client: '@aws-sdk/client-cloudwatch',
    decidingParameters: 'AlarmName (the alarm a revert names)', actions: ['cloudwatch:DescribeAlarmHistory'],
    resource: 'arn:${Partition}:cloudwatch:${Region}:${TargetAccount}:alarm:${AlarmName}', conditionKeys: [],
    note: 'The alarm that reverted a release: when it went off, and the datapoint that crossed', citations: [CW, 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarmHistory.html'],
  },
  {
    caller: `${FAILURE_NOTIFIER}/enrich.ts`, principal: CallPrincipal.READ_ONLY_ROLE, command: 'GetDeployment', client: '@aws-sdk/client-codedeploy',
    decidingParameters: 'deploymentId', actions: ['codedeploy:GetDeployment'],
    resource: 'arn:${Partition}:codedeploy:${Region}:${TargetAccount}:deploymentgroup:${ApplicationName}/${DeploymentGroupName}', conditionKeys: [],
    note: 'Authorized on the deployment group of the deployment', citations: [CD],
  },
  {
    caller: `${FAILURE_NOTIFIER}/enrich.ts`, principal: CallPrincipal.READ_ONLY_ROLE, command: 'ListDeploymentTargets', client: '@aws-sdk/client-codedeploy',
    decidingParameters: 'deploymentId', actions: ['codedeploy:ListDeploymentTargets'], resource: '*', conditionKeys: [],
    note: 'The Service Authorization Reference lists no resource type, CodeDeploy\'s permissions reference lists deployment groups: * is the form both allow',
    citations: [CD, CD_PERMS],
  },
  {
    caller: `${FAILURE_NOTIFIER}/enrich.ts`, principal: CallPrincipal.READ_ONLY_ROLE, command: 'BatchGetDeploymentTargets', client: '@aws-sdk/client-codedeploy',
    decidingParameters: 'deploymentId, targetIds', actions: ['codedeploy:BatchGetDeploymentTargets'], resource: '*', conditionKeys: [],
    note: 'The Service Authorization Reference lists no resource type, CodeDeploy\'s permissions reference lists deployment groups: * is the form both allow',
    citations: [CD, CD_PERMS],
  },
  // ---- traffic hooks (safe-lambda-deploy) ----
  {
    caller: 'safe-lambda-deploy lambda/shared/checks.ts', principal: CallPrincipal.TRAFFIC_HOOK, command: 'Invoke', client: '@aws-sdk/client-lambda',
    decidingParameters: 'FunctionName with a version qualifier', actions: ['lambda:InvokeFunction'],
    resource: 'arn:${Partition}:lambda:${Region}:${TargetAccount}:function:${FunctionName}:${Version}', conditionKeys: [],
    note: 'A qualified call is authorized on the qualified ARN', citations: [`${SAR}/list_awslambda.html`, 'https://docs.aws.amazon.com/lambda/latest/dg/lambda-api-permissions-ref.html'],
  },
  {
    caller: 'safe-lambda-deploy lambda/shared/report.ts', principal: CallPrincipal.TRAFFIC_HOOK, command: 'PutLifecycleEventHookExecutionStatus', client: '@aws-sdk/client-codedeploy',
    decidingParameters: 'deploymentId, lifecycleEventHookExecutionId', actions: ['codedeploy:PutLifecycleEventHookExecutionStatus'],
    resource: 'arn:${Partition}:codedeploy:${Region}:${TargetAccount}:deploymentgroup:${ApplicationName}/${DeploymentGroupName}', conditionKeys: [],
    note: 'The Service Authorization Reference lists no resource type; CodeDeploy\'s permissions reference and AWS\'s own SAM and CDK scope it to the deployment group, which works',
    citations: [CD, CD_PERMS],
  },
  {
    caller: 'safe-lambda-deploy lambda/shared/ssm.ts', principal: CallPrincipal.TRAFFIC_HOOK, command: 'GetParameter', client: '@aws-sdk/client-ssm',
    decidingParameters: 'Name', actions: ['ssm:GetParameter'], resource: 'arn:${Partition}:ssm:${Region}:${TargetAccount}:parameter/${ParameterName}', conditionKeys: [],
    note: 'A name that starts with / is written without it after parameter/', citations: [`${SAR}/list_awssystemsmanager.html`],
  },
  // ---- crosswalk publish-assets (through @aws-cdk/cdk-assets-lib), in the Build stage ----
  {
    caller: 'cli src/publish (cdk-assets-lib)', principal: CallPrincipal.BUILD_STAGE, command: 'ListObjectsV2', client: '@aws-sdk/client-s3',
    decidingParameters: 'Bucket, Prefix (the asset key)', actions: ['s3:ListBucket'], resource: BUCKET, conditionKeys: ['s3:prefix'],
    note: 'Authorized on the bucket, with s3:prefix the key looked up', citations: [S3, S3_ACTIONS],
  },
  {
    caller: 'cli src/publish (cdk-assets-lib)', principal: CallPrincipal.BUILD_STAGE, command: 'GetBucketLocation', client: '@aws-sdk/client-s3',
    decidingParameters: 'Bucket, ExpectedBucketOwner', actions: ['s3:GetBucketLocation'], resource: BUCKET, conditionKeys: [], citations: [S3],
  },
  {
    caller: 'cli src/publish (cdk-assets-lib)', principal: CallPrincipal.BUILD_STAGE, command: 'GetBucketEncryption', client: '@aws-sdk/client-s3',
    decidingParameters: 'Bucket', actions: ['s3:GetEncryptionConfiguration'], resource: BUCKET, conditionKeys: [], citations: [S3, S3_ACTIONS],
  },
  {
    caller: 'cli src/publish (cdk-assets-lib)', principal: CallPrincipal.BUILD_STAGE, command: 'PutObject', client: '@aws-sdk/client-s3',
    decidingParameters: 'Bucket, Key (assets/<hash>.zip)', actions: ['s3:PutObject'], resource: 'arn:${Partition}:s3:::${ArtifactBucket}/assets/*', conditionKeys: ['aws:SecureTransport'],
    citations: [S3, S3_ACTIONS],
  },
  // ---- crosswalk clean-assets (the operator) ----
  {
    caller: 'cli src/clean', principal: CallPrincipal.OPERATOR, command: 'DescribeStacks', client: '@aws-sdk/client-cloudformation',
    decidingParameters: 'StackName', actions: ['cloudformation:DescribeStacks'], resource: STACK, conditionKeys: [], citations: [CFN],
  },
  {
    caller: 'cli src/clean', principal: CallPrincipal.OPERATOR, command: 'GetTemplate', client: '@aws-sdk/client-cloudformation',
    decidingParameters: 'StackName, TemplateStage, ChangeSetName', actions: ['cloudformation:GetTemplate'], resource: STACK, conditionKeys: [], citations: [CFN],
  },
  {
    caller: 'cli src/clean', principal: CallPrincipal.OPERATOR, command: 'ListChangeSets', client: '@aws-sdk/client-cloudformation',
    decidingParameters: 'StackName', actions: ['cloudformation:ListChangeSets'], resource: STACK, conditionKeys: [], citations: [CFN],
  },
  {
    caller: 'cli src/clean/deployed.ts', principal: CallPrincipal.OPERATOR, command: 'ListStackResources', client: '@aws-sdk/client-cloudformation',
    decidingParameters: 'StackName (nested stacks)', actions: ['cloudformation:ListStackResources'], resource: STACK, conditionKeys: [], citations: [CFN],
  },
  {
    caller: 'cli src/clean/deployed.ts', principal: CallPrincipal.OPERATOR, command: 'ListStacks', client: '@aws-sdk/client-cloudformation',
    decidingParameters: 'StackStatusFilter (every status but DELETE_COMPLETE)', actions: ['cloudformation:ListStacks'], resource: '*', conditionKeys: [],
    note: 'The stacks of the bucket\'s own account, read whether or not --stack names them; no resource type in the Service Authorization Reference',
    citations: [CFN, 'https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ListStacks.html'],
  },
  {
    caller: 'cli src/clean/bucket.ts', principal: CallPrincipal.OPERATOR, command: 'GetBucketVersioning', client: '@aws-sdk/client-s3',
    decidingParameters: 'Bucket', actions: ['s3:GetBucketVersioning'], resource: BUCKET, conditionKeys: [], citations: [S3, S3_ACTIONS],
  },
  {
    caller: 'cli src/clean/bucket.ts', principal: CallPrincipal.OPERATOR, command: 'GetBucketLifecycleConfiguration', client: '@aws-sdk/client-s3',
    decidingParameters: 'Bucket', actions: ['s3:GetLifecycleConfiguration'], resource: BUCKET, conditionKeys: [], citations: [S3, S3_ACTIONS],
  },
  {
    caller: 'cli src/clean/bucket.ts', principal: CallPrincipal.OPERATOR, command: 'ListObjectVersions', client: '@aws-sdk/client-s3',
    decidingParameters: 'Bucket, Prefix assets/', actions: ['s3:ListBucketVersions'], resource: BUCKET, conditionKeys: ['s3:prefix'],
    note: 'ListObjectVersions is authorized as s3:ListBucketVersions on the bucket', citations: [S3, S3_ACTIONS],
  },
  {
    caller: 'cli src/clean/bucket.ts', principal: CallPrincipal.OPERATOR, command: 'GetObject', client: '@aws-sdk/client-s3',
    decidingParameters: 'Bucket, Key (a nested stack\'s template)', actions: ['s3:GetObject', 'kms:Decrypt'], resource: 'arn:${Partition}:s3:::${ArtifactBucket}/*', conditionKeys: [],
    note: 'An SSE-KMS object is decrypted with the caller\'s kms:Decrypt on the artifact key', citations: [S3, S3_ACTIONS, KMS],
  },
  {
    caller: 'cli src/clean/bucket.ts', principal: CallPrincipal.OPERATOR, command: 'DeleteObjects', client: '@aws-sdk/client-s3',
    decidingParameters: 'Bucket, Delete.Objects[].Key', actions: ['s3:DeleteObject'], resource: 'arn:${Partition}:s3:::${ArtifactBucket}/assets/*', conditionKeys: [],
    note: 'DeleteObjects is authorized as s3:DeleteObject on each key', citations: [S3, 'https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html'],
  },
  // ---- crosswalk review (whoever runs it) ----
  {
    caller: 'cli src/review.ts (--detect-drift)', principal: CallPrincipal.OPERATOR, command: 'DetectStackDrift', client: '@aws-sdk/client-cloudformation',
    decidingParameters: 'StackName', actions: ['cloudformation:DetectStackDrift'], resource: STACK, conditionKeys: [],
    note: 'Detection reads every resource of the stack with the caller\'s permissions (each type\'s read handler)',
    citations: [CFN, 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/detect-drift-stack.html'],
  },
  {
    caller: 'cli src/review.ts (--detect-drift)', principal: CallPrincipal.OPERATOR, command: 'DescribeStackDriftDetectionStatus', client: '@aws-sdk/client-cloudformation',
    decidingParameters: 'StackDriftDetectionId', actions: ['cloudformation:DescribeStackDriftDetectionStatus'], resource: '*', conditionKeys: [],
    note: 'No resource type in the Service Authorization Reference', citations: [CFN],
  },
  {
    caller: 'cli src/review.ts (--detect-drift)', principal: CallPrincipal.OPERATOR, command: 'DescribeStackResourceDrifts', client: '@aws-sdk/client-cloudformation',
    decidingParameters: 'StackName', actions: ['cloudformation:DescribeStackResourceDrifts'], resource: STACK, conditionKeys: [], citations: [CFN],
  },
  // ---- crosswalk doctor --live (the operator's credentials for each account; reads only) ----
  {
    caller: 'cli src/live/aws.ts', principal: CallPrincipal.OPERATOR, command: 'GetCallerIdentity', client: '@aws-sdk/client-sts',
    decidingParameters: '(none)', actions: ['sts:GetCallerIdentity'], resource: '*', conditionKeys: [],
    note: 'No resource type in the Service Authorization Reference; AWS answers it even when a policy denies it',
    citations: [`${SAR}/list_awssecuritytokenservice.html`, 'https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html'],
  },
  {
    caller: 'cli src/live/permissions.ts', principal: CallPrincipal.OPERATOR, command: 'SimulatePrincipalPolicy', client: '@aws-sdk/client-iam',
    decidingParameters: 'PolicySourceArn (the deployed role)', actions: ['iam:SimulatePrincipalPolicy'], resource: 'arn:${Partition}:iam::${Account}:role/${RoleName}', conditionKeys: [],
    note: 'Authorized on the role whose policies are simulated (PolicySourceArn), in that role\'s account',
    citations: [IAM, 'https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulatePrincipalPolicy.html'],
  },
  {
    caller: 'cli src/live/permissions.ts', principal: CallPrincipal.OPERATOR, command: 'GetRole', client: '@aws-sdk/client-iam',
    decidingParameters: 'RoleName (the read-only role: its trust policy)', actions: ['iam:GetRole'], resource: 'arn:${Partition}:iam::${TargetAccount}:role/${ReadOnlyRoleName}', conditionKeys: [],
    citations: [IAM, 'https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetRole.html'],
  },
  {
    caller: 'cli src/live/permissions.ts', principal: CallPrincipal.OPERATOR, command: 'GetBucketPolicy', client: '@aws-sdk/client-s3',
    decidingParameters: 'Bucket, ExpectedBucketOwner', actions: ['s3:GetBucketPolicy'], resource: BUCKET, conditionKeys: [], citations: [S3, S3_ACTIONS],
  },
  {
    caller: 'cli src/live/permissions.ts', principal: CallPrincipal.OPERATOR, command: 'GetKeyPolicy', client: '@aws-sdk/client-kms',
    decidingParameters: 'KeyId, PolicyName default', actions: ['kms:GetKeyPolicy'], resource: ARTIFACT_KEY, conditionKeys: [], citations: [KMS],
  },
  {
    caller: 'cli src/live/permissions.ts', principal: CallPrincipal.OPERATOR, command: 'GetTopicAttributes', client: '@aws-sdk/client-sns',
    decidingParameters: 'TopicArn', actions: ['sns:GetTopicAttributes'], resource: TOPIC, conditionKeys: [], citations: [SNS],
  },
  {
    caller: 'cli src/live/readiness.ts', principal: CallPrincipal.OPERATOR, command: 'ListSubscriptionsByTopic', client: '@aws-sdk/client-sns',
    decidingParameters: 'TopicArn', actions: ['sns:ListSubscriptionsByTopic'], resource: TOPIC, conditionKeys: [], citations: [SNS],
  },
  {
    caller: 'cli src/live/readiness.ts', principal: CallPrincipal.OPERATOR, command: 'GetConnection', client: '@aws-sdk/client-codestar-connections',
    decidingParameters: 'ConnectionArn', actions: ['codestar-connections:GetConnection'], resource: 'arn:${Partition}:codestar-connections:${Region}:${BuildAccount}:connection/${ConnectionId}', conditionKeys: [],
    note: 'A connection created since the rename has a codeconnections ARN, and a policy must name a resource with its own service prefix; which action AWS evaluates when the codestar-connections API is asked about such a connection is not documented: grant codeconnections:GetConnection on it too',
    citations: [`${SAR}/list_awscodestarconnections.html`, `${SAR}/list_awscodeconnections.html`, 'https://docs.aws.amazon.com/dtconsole/latest/userguide/rename.html'],
  },
  {
    caller: 'cli src/live/readiness.ts', principal: CallPrincipal.OPERATOR, command: 'HeadBucket', client: '@aws-sdk/client-s3',
    decidingParameters: 'Bucket, ExpectedBucketOwner', actions: ['s3:ListBucket'], resource: BUCKET, conditionKeys: [],
    note: 'HeadBucket is authorized as s3:ListBucket on the bucket', citations: [S3, 'https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadBucket.html'],
  },
  {
    caller: 'cli src/live/readiness.ts', principal: CallPrincipal.OPERATOR, command: 'HeadObject', client: '@aws-sdk/client-s3',
    decidingParameters: 'Bucket, Key (assets/<hash>.zip), ExpectedBucketOwner', actions: ['s3:GetObject'], resource: 'arn:${Partition}:s3:::${ArtifactBucket}/assets/*', conditionKeys: [],
    note: 'HeadObject is authorized as s3:GetObject; without s3:ListBucket a missing key answers 403, not 404 (the doctor reports both)',
    citations: [S3, 'https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html'],
  },
  {
    caller: 'cli src/live/readiness.ts', principal: CallPrincipal.OPERATOR, command: 'DescribeKey', client: '@aws-sdk/client-kms',
    decidingParameters: 'KeyId (the alias ARN)', actions: ['kms:DescribeKey'], resource: ARTIFACT_KEY, conditionKeys: [],
    note: 'Asked by alias, authorized on the key the alias names', citations: [KMS, 'https://docs.aws.amazon.com/kms/latest/developerguide/alias-authorization.html'],
  },
  // ---- the sample service's handlers ----
  ...['Get', 'Put', 'Query', 'Delete'].map((op): CallSite => ({
    caller: 'sample-api src/lib (DynamoDB document client)', principal: CallPrincipal.SERVICE_FUNCTION, command: op, client: '@aws-sdk/lib-dynamodb',
    decidingParameters: 'TableName', actions: [`dynamodb:${op === 'Query' ? 'Query' : `${op}Item`}`], resource: TABLE, conditionKeys: [],
    note: 'The document client sends the item API of @aws-sdk/client-dynamodb', citations: [DDB],
  })),
];

/** The call-site authorization table. */
export class CallSites {
  /** Every row. */
  public static all(): CallSite[] {
    return ROWS.map((row) => ({ ...row, actions: [...row.actions], conditionKeys: [...row.conditionKeys], citations: [...row.citations] }));
  }

  /** The rows of one principal. */
  public static of(principal: CallPrincipal): CallSite[] {
    return CallSites.all().filter((row) => row.principal === principal);
  }

  private constructor() {}
}
