/**
 * The policies of the build account's own convention roles, through which the pipeline
 * updates the build account's stacks (its own stack and the artifact store): what
 * CloudFormation may create there (the execution role), and what the roles those stacks
 * create may do at most (the permissions boundary).
 *
 * Every action is scoped to the project's names wherever the service's ARN carries a name:
 * the build account's stacks name their resources after the project (the pipeline, the
 * convention roles, the CodeBuild projects and report groups) or get names CloudFormation
 * generates from the stack's name, which starts with the project prefix. Where a service
 * authorizes the call on nothing narrower, the statement says so and cites the Service
 * Authorization Reference (https://docs.aws.amazon.com/service-authorization/latest/reference/).
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import { ExplainedStatement, PolicyScope, lambdaFunctionStatement, logGroupStatements, projectRoleStatements } from './policies';

function scoped(scope: PolicyScope) {
  const { naming, account } = scope;
  const prefix = naming.resourcePrefix;
  const regional = (service: string, resource: string) => `arn:${naming.partition}:${service}:${naming.region}:${account}:${resource}`;
  return {
    prefix,
    regional,
    global: (service: string, resource: string) => `arn:${naming.partition}:${service}::${account}:${resource}`,
    /** Bucket names are lowercase: the artifact bucket and the buckets named after a project stack. */
    buckets: `arn:${naming.partition}:s3:::${naming.projectName.toLowerCase()}-*`,
    keys: regional('kms', 'key/*'),
  };
}

const byPrefix = (prefix: string, what: string) => `${what} are named by the project or get names CloudFormation generates from the stack name, so the project's are matched by the ${prefix} prefix`;

/**
 * What CloudFormation may do in the build account to create the pipeline's stack and the
 * artifact store's: CodePipeline, CodeStar connections, CodeBuild, KMS, SNS, EventBridge,
 * Lambda, CloudWatch Logs, S3 and IAM (roles only under the permissions boundary; groups
 * without members).
 */
export function buildAccountExecutionStatements(scope: PolicyScope): ExplainedStatement[] {
  const { naming } = scope;
  const a = scoped(scope);
  const connections = ['codestar-connections', 'codeconnections'];
  return [
    {
      statement: new iam.PolicyStatement({
        sid: 'ProjectPipelines',
        actions: [
          'codepipeline:CreatePipeline',
          'codepipeline:DeletePipeline',
          'codepipeline:GetPipeline',
          'codepipeline:ListTagsForResource',
          'codepipeline:TagResource',
          'codepipeline:UntagResource',
          'codepipeline:UpdatePipeline',
        ],
        resources: [a.regional('codepipeline', `${a.prefix}*`)],
      }),
      why: byPrefix(a.prefix, 'Pipelines'),
    },
    {
      // CreateConnection is authorized on no resource (its ARN does not exist yet):
      // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscodestarconnections.html
      // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscodeconnections.html
      statement: new iam.PolicyStatement({
        sid: 'CreateGitHubConnections',
        actions: connections.map((service) => `${service}:CreateConnection`),
        resources: ['*'],
        conditions: { StringEquals: { 'codestar-connections:ProviderType': 'GitHub' } },
      }),
      why: 'CreateConnection supports no resource-level permission (the Service Authorization Reference lists none); it is narrowed to GitHub connections by the ProviderType condition',
    },
    {
      statement: new iam.PolicyStatement({
        sid: 'ManageConnections',
        actions: connections.flatMap((service) => ['DeleteConnection', 'GetConnection', 'ListTagsForResource', 'TagResource', 'UntagResource']
          .map((action) => `${service}:${action}`)),
        resources: connections.map((service) => a.regional(service, 'connection/*')),
      }),
      why: 'A connection\'s ARN ends in a generated id, not its name, so the connections of the account and region are matched by pattern',
    },
    {
      statement: new iam.PolicyStatement({
        sid: 'ProjectBuildProjects',
        actions: [
          'codebuild:BatchGetProjects',
          'codebuild:BatchGetReportGroups',
          'codebuild:CreateProject',
          'codebuild:CreateReportGroup',
          'codebuild:DeleteProject',
          'codebuild:DeleteReportGroup',
          'codebuild:UpdateProject',
          'codebuild:UpdateReportGroup',
        ],
        resources: [a.regional('codebuild', `project/${a.prefix}*`), a.regional('codebuild', `report-group/${a.prefix}*`)],
      }),
      why: 'NotifyingPipeline names its CodeBuild projects and report groups with the project prefix, so they are matched by it',
    },
    {
      // CreateKey is authorized on no resource: https://docs.aws.amazon.com/service-authorization/latest/reference/list_awskeymanagementservice.html
      statement: new iam.PolicyStatement({
        sid: 'CreateKeys',
        actions: ['kms:CreateKey'],
        resources: ['*'],
      }),
      why: 'CreateKey supports no resource-level permission (the Service Authorization Reference lists none): the new key has no ARN yet',
    },
    {
      statement: new iam.PolicyStatement({
        sid: 'ManageKeys',
        actions: [
          'kms:DescribeKey',
          'kms:EnableKeyRotation',
          'kms:GetKeyPolicy',
          'kms:GetKeyRotationStatus',
          'kms:ListResourceTags',
          'kms:PutKeyPolicy',
          'kms:ScheduleKeyDeletion',
          'kms:TagResource',
          'kms:UntagResource',
          'kms:UpdateKeyDescription',
        ],
        resources: [a.keys],
      }),
      why: 'A key\'s ARN is its generated id, so the keys of the account and region (the artifact key, the notification key) are matched by pattern',
    },
    {
      // An alias action is authorized on the alias and on the key it points to (both required).
      statement: new iam.PolicyStatement({
        sid: 'ProjectKeyAliases',
        actions: ['kms:CreateAlias', 'kms:DeleteAlias', 'kms:UpdateAlias'],
        resources: [a.regional('kms', `alias/${naming.projectName}/*`), a.keys],
      }),
      why: `The project's aliases are alias/${naming.projectName}/...; an alias action is also authorized on the key, whose ARN is a generated id`,
    },
    {
      statement: new iam.PolicyStatement({
        sid: 'ProjectTopics',
        actions: [
          'sns:CreateTopic',
          'sns:DeleteTopic',
          'sns:GetSubscriptionAttributes',
          'sns:GetTopicAttributes',
          'sns:ListSubscriptionsByTopic',
          'sns:ListTagsForResource',
          'sns:SetSubscriptionAttributes',
          'sns:SetTopicAttributes',
          'sns:Subscribe',
          'sns:TagResource',
          'sns:Unsubscribe',
          'sns:UntagResource',
        ],
        resources: [a.regional('sns', `${a.prefix}*`)],
      }),
      why: byPrefix(a.prefix, 'SNS topics'),
    },
    {
      statement: new iam.PolicyStatement({
        sid: 'ProjectRules',
        actions: [
          'events:DeleteRule',
          'events:DescribeRule',
          'events:DisableRule',
          'events:EnableRule',
          'events:ListTagsForResource',
          'events:ListTargetsByRule',
          'events:PutRule',
          'events:PutTargets',
          'events:RemoveTargets',
          'events:TagResource',
          'events:UntagResource',
        ],
        resources: [a.regional('events', `rule/${a.prefix}*`)],
      }),
      why: byPrefix(a.prefix, 'EventBridge rules'),
    },
    lambdaFunctionStatement(scope),
    ...logGroupStatements(scope),
    {
      statement: new iam.PolicyStatement({
        sid: 'ProjectBuckets',
        actions: [
          's3:CreateBucket',
          's3:DeleteBucket',
          's3:DeleteBucketPolicy',
          's3:GetBucketLocation',
          's3:GetBucketLogging',
          's3:GetBucketOwnershipControls',
          's3:GetBucketPolicy',
          's3:GetBucketPublicAccessBlock',
          's3:GetBucketTagging',
          's3:GetBucketVersioning',
          's3:GetEncryptionConfiguration',
          's3:GetLifecycleConfiguration',
          's3:ListBucket',
          's3:PutBucketLogging',
          's3:PutBucketOwnershipControls',
          's3:PutBucketPolicy',
          's3:PutBucketPublicAccessBlock',
          's3:PutBucketTagging',
          's3:PutBucketVersioning',
          's3:PutEncryptionConfiguration',
          's3:PutLifecycleConfiguration',
        ],
        resources: [a.buckets],
      }),
      why: `Bucket names are lowercase: the artifact bucket and the buckets named after the project's stacks start with ${naming.projectName.toLowerCase()}-`,
    },
    ...projectRoleStatements(scope, ['codebuild.amazonaws.com', 'codepipeline.amazonaws.com', 'lambda.amazonaws.com']),
    {
      // The approvers' group: its policy, never its members (people are added by hand).
      statement: new iam.PolicyStatement({
        sid: 'ProjectGroupsWithoutMembers',
        actions: [
          'iam:CreateGroup',
          'iam:DeleteGroup',
          'iam:DeleteGroupPolicy',
          'iam:GetGroup',
          'iam:GetGroupPolicy',
          'iam:ListAttachedGroupPolicies',
          'iam:ListGroupPolicies',
          'iam:PutGroupPolicy',
        ],
        resources: [a.global('iam', `group/${a.prefix}*`)],
      }),
      why: byPrefix(a.prefix, 'IAM groups'),
    },
  ];
}

/**
 * The most the roles of the build account's stacks may do: the pipeline (artifacts, the
 * CodeBuild projects, the source connection, the functions, the approval topic, the target
 * accounts' convention roles), the builds (logs, reports, the artifact stores of every
 * region), the pipeline checks and the failure notifier (the convention roles, the
 * pipeline's executions, the notification topic).
 */
export function buildAccountBoundaryStatements(scope: PolicyScope): ExplainedStatement[] {
  const { naming, account } = scope;
  const a = scoped(scope);
  const anyRegion = (service: string, resource: string) => `arn:${naming.partition}:${service}:*:${account}:${resource}`;
  const artifactBuckets = `arn:${naming.partition}:s3:::${naming.projectName.toLowerCase()}-artifacts-${account}-*`;
  return [
    {
      statement: new iam.PolicyStatement({
        sid: 'ArtifactStores',
        actions: [
          's3:Abort*',
          's3:DeleteObject*',
          's3:GetBucket*',
          's3:GetEncryptionConfiguration',
          's3:GetObject*',
          's3:List*',
          's3:PutObject',
          's3:PutObjectAcl',
          's3:PutObjectLegalHold',
          's3:PutObjectRetention',
          's3:PutObjectTagging',
          's3:PutObjectVersionAcl',
          's3:PutObjectVersionTagging',
        ],
        resources: [artifactBuckets, `${artifactBuckets}/*`],
      }),
      why: 'The artifact stores of every region of the build account (one bucket per region, named by the convention), whose objects CodePipeline keys per execution; the action patterns are CDK\'s own grants to the pipeline role',
    },
    {
      statement: new iam.PolicyStatement({
        sid: 'UseKeys',
        actions: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'],
        resources: [anyRegion('kms', 'key/*')],
      }),
      why: 'The artifact keys of every region and the notification key are named by generated ids; their key policies decide who uses them',
    },
    {
      statement: new iam.PolicyStatement({
        sid: 'RunProjectBuilds',
        actions: [
          'codebuild:BatchGetBuilds',
          'codebuild:BatchPutTestCases',
          'codebuild:CreateReport',
          'codebuild:DescribeTestCases',
          'codebuild:StartBuild',
          'codebuild:StopBuild',
          'codebuild:UpdateReport',
        ],
        resources: [a.regional('codebuild', `project/${a.prefix}*`), a.regional('codebuild', `report-group/${a.prefix}*`)],
      }),
      why: 'NotifyingPipeline names its CodeBuild projects and report groups with the project prefix',
    },
    {
      statement: new iam.PolicyStatement({
        sid: 'UseSourceConnection',
        actions: ['codestar-connections:UseConnection', 'codeconnections:UseConnection'],
        resources: [a.regional('codestar-connections', 'connection/*'), a.regional('codeconnections', 'connection/*')],
      }),
      why: 'A connection\'s ARN ends in a generated id, so the connections of the account and region are matched by pattern',
    },
    {
      statement: new iam.PolicyStatement({
        sid: 'ProjectPipelineExecutions',
        actions: [
          'codepipeline:GetPipeline',
          'codepipeline:GetPipelineExecution',
          'codepipeline:GetPipelineState',
          'codepipeline:ListActionExecutions',
          'codepipeline:ListPipelineExecutions',
          'codepipeline:PutApprovalResult',
          'codepipeline:StopPipelineExecution',
        ],
        resources: [a.regional('codepipeline', `${a.prefix}*`)],
      }),
      why: byPrefix(a.prefix, 'Pipelines (and their actions)'),
    },
    {
      // PutJobSuccessResult and PutJobFailureResult are authorized on no resource:
      // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscodepipeline.html
      statement: new iam.PolicyStatement({
        sid: 'ReportJobResults',
        actions: ['codepipeline:PutJobFailureResult', 'codepipeline:PutJobSuccessResult'],
        resources: ['*'],
      }),
      why: 'PutJobSuccessResult and PutJobFailureResult support no resource-level permission (the Service Authorization Reference lists none)',
    },
    {
      statement: new iam.PolicyStatement({
        sid: 'InvokeProjectFunctions',
        actions: ['lambda:InvokeFunction'],
        resources: [a.regional('lambda', `function:${a.prefix}*`)],
      }),
      why: byPrefix(a.prefix, 'Lambda functions'),
    },
    {
      // CDK's Lambda invoke action grants ListFunctions, which is authorized on no resource:
      // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awslambda.html
      statement: new iam.PolicyStatement({ sid: 'ListFunctions', actions: ['lambda:ListFunctions'], resources: ['*'] }),
      why: 'ListFunctions supports no resource-level permission (the Service Authorization Reference lists none)',
    },
    {
      statement: new iam.PolicyStatement({
        sid: 'WriteProjectLogs',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [a.regional('logs', `log-group:${a.prefix}*`), a.regional('logs', `log-group:/aws/lambda/${a.prefix}*`)],
      }),
      why: byPrefix(a.prefix, 'Log groups'),
    },
    {
      statement: new iam.PolicyStatement({
        sid: 'PublishProjectTopics',
        actions: ['sns:Publish'],
        resources: [a.regional('sns', `${a.prefix}*`)],
      }),
      why: byPrefix(a.prefix, 'SNS topics'),
    },
    {
      // The convention roles of every target account and region (and of this account, for the
      // pipeline's own stacks) are named <project>-<region>-...; their trust names the caller.
      statement: new iam.PolicyStatement({
        sid: 'AssumeConventionRoles',
        actions: ['sts:AssumeRole'],
        resources: [`arn:${naming.partition}:iam::*:role/${a.prefix}*`],
      }),
      why: 'The target accounts\' convention roles are named <project>-<region>-...; each one\'s trust policy admits only the build account\'s role that needs it',
    },
  ];
}
