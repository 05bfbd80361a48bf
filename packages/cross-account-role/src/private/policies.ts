/**
 * The statements of the deployment role, the execution role and the permissions boundary.
 * Not part of the public API: callers replace or extend these through the construct's props
 * and `addToXxx()` methods.
 *
 * Every statement that needs a wildcard in its resources carries a `why`, which becomes the
 * reason of the cdk-nag acknowledgement of exactly that resource.
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import { ArtifactStoreAccess } from '../artifact-store-access';
import { CrosswalkNaming } from '../naming';

/** A statement and, if any of its resources has a wildcard, why it needs one. */
export interface ExplainedStatement {
  readonly statement: iam.PolicyStatement;
  readonly why?: string;
}

/** Where the policies apply: the target account, and the build account holding the artifacts. */
export interface PolicyScope {
  readonly naming: CrosswalkNaming;
  readonly account: string;
  readonly buildAccountId: string;
}

function arns(scope: PolicyScope) {
  const { naming, account } = scope;
  const prefix = naming.resourcePrefix;
  const regional = (service: string, resource: string) =>
    `arn:${naming.partition}:${service}:${naming.region}:${account}:${resource}`;
  return {
    prefix,
    regional,
    projectRoles: `arn:${naming.partition}:iam::${account}:role/${prefix}*`,
    functions: regional('lambda', `function:${prefix}*`),
    tables: regional('dynamodb', `table/${prefix}*`),
    parameters: [regional('ssm', `parameter/${prefix}*`), regional('ssm', `parameter/${naming.projectName}/*`)],
    alarms: regional('cloudwatch', `alarm:${prefix}*`),
    logGroups: [
      regional('logs', `log-group:${prefix}*`),
      regional('logs', `log-group:/aws/lambda/${prefix}*`),
      regional('logs', `log-group:/${naming.projectName}/*`),
    ],
    applications: regional('codedeploy', `application:${prefix}*`),
    deploymentGroups: regional('codedeploy', `deploymentgroup:${prefix}*/*`),
  };
}

/**
 * The artifact key is named by its alias only. `kms:ResourceAliases` is evaluated in IAM
 * policies for keys of other accounts too: the KMS developer guide's example for this key
 * covers keys in two accounts, and notes that their key policies must also admit the
 * caller's account (which the store's key policy does, narrowed to the convention roles).
 * https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-resource-aliases
 */
const ARTIFACT_KEY_CONDITION = (naming: CrosswalkNaming) => ({
  'ForAnyValue:StringEquals': { 'kms:ResourceAliases': naming.artifactKeyAliasName },
});

/**
 * The identity side of a target role's access to the artifact store, by convention names
 * only (the bucket and the key may not exist yet).
 */
export function artifactStoreStatements(scope: PolicyScope, access: ArtifactStoreAccess): ExplainedStatement[] {
  const { naming, buildAccountId } = scope;
  const statements: ExplainedStatement[] = [];
  if (access.bucketActions.length > 0) {
    statements.push({
      statement: new iam.PolicyStatement({
        sid: 'ArtifactBucket',
        actions: access.bucketActions,
        resources: [naming.artifactBucketArn(buildAccountId)],
      }),
    });
  }
  statements.push({
    statement: new iam.PolicyStatement({
      sid: access.assetsOnly ? 'ArtifactCodeAssets' : 'ArtifactObjects',
      actions: access.objectActions,
      resources: [access.objectArnPattern(naming, buildAccountId)],
    }),
    why: access.assetsOnly
      ? 'Code assets are published under content-hash keys, so the role reads the assets/ prefix of the artifact bucket, not a fixed list of objects'
      : 'Pipeline artifacts get generated object keys per execution, so the deployment role reads and writes objects of the artifact bucket by pattern',
  });
  statements.push({
    statement: new iam.PolicyStatement({
      sid: 'ArtifactKey',
      actions: access.keyActions,
      resources: [naming.artifactKeyArnPattern(buildAccountId)],
      conditions: ARTIFACT_KEY_CONDITION(naming),
    }),
    why: `Only the alias of the artifact key is known by convention; the key/* pattern is narrowed to that key by the kms:ResourceAliases condition on ${naming.artifactKeyAliasName}`,
  });
  return statements;
}

/** CloudFormation on the project's stacks only, and passing only the execution role. */
export function deploymentStatements(scope: PolicyScope): ExplainedStatement[] {
  const { naming, account } = scope;
  const stacks = naming.stackArnPattern(account);
  const stackWhy = `CloudFormation stack ARNs end in a generated id, so the project's stacks are matched by the pattern of their ${naming.resourcePrefix} name prefix`;
  return [
    {
      statement: new iam.PolicyStatement({
        sid: 'ChangeProjectStacksWithExecutionRole',
        actions: ['cloudformation:CreateChangeSet', 'cloudformation:CreateStack', 'cloudformation:UpdateStack'],
        resources: [stacks],
        conditions: { StringEquals: { 'cloudformation:RoleArn': naming.executionRoleArn(account) } },
      }),
      why: stackWhy,
    },
    {
      statement: new iam.PolicyStatement({
        sid: 'OperateProjectStacks',
        actions: [
          'cloudformation:DeleteChangeSet',
          'cloudformation:DeleteStack',
          'cloudformation:DescribeChangeSet',
          'cloudformation:DescribeStackEvents',
          'cloudformation:DescribeStackResource',
          'cloudformation:DescribeStackResources',
          'cloudformation:DescribeStacks',
          'cloudformation:ExecuteChangeSet',
          'cloudformation:GetStackPolicy',
          'cloudformation:GetTemplate',
          'cloudformation:GetTemplateSummary',
          'cloudformation:ListChangeSets',
          'cloudformation:ListStackResources',
          'cloudformation:TagResource',
          'cloudformation:UntagResource',
        ],
        resources: [stacks],
      }),
      why: stackWhy,
    },
    {
      // An SSM parameter type (`AWS::SSM::Parameter::Value<…>`, what CDK's
      // valueForStringParameter makes) or an {{resolve:ssm:…}} reference is resolved when the
      // change set is created, with the permissions of the caller of the stack operation (here:
      // this role), not of the execution role; AWS's pages do not say so in one sentence
      // (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-supplied-parameter-types.html,
      // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references-ssm.html),
      // so the role may read the project's parameters, which is all it needs if the execution
      // role resolves them instead. Read-only, on the convention's names.
      statement: new iam.PolicyStatement({
        sid: 'ResolveProjectParameters',
        actions: ['ssm:GetParameters'],
        resources: arns(scope).parameters,
      }),
      why: `SSM parameters the project's templates name are ${naming.resourcePrefix}... or /${naming.projectName}/..., matched by those patterns (read-only)`,
    },
    {
      // The change set function picks the rollback triggers (the stack's alarms, by name prefix)
      // as this role; DescribeAlarms by prefix is authorized on alarm:*
      // (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html).
      // Whose permission CloudFormation uses to read the triggers during the operation is not
      // documented; this role is the operation's caller, so it can (read-only).
      statement: new iam.PolicyStatement({
        sid: 'ReadRollbackTriggerAlarms',
        actions: ['cloudwatch:DescribeAlarms'],
        resources: [naming.alarmArnPattern(account).replace(/alarm:.*$/, 'alarm:*')],
      }),
      why: 'DescribeAlarms by name prefix (the rollback triggers of a release) is authorized on the account\'s alarm:* pattern, not on the alarms it returns (read-only)',
    },
    {
      statement: new iam.PolicyStatement({
        sid: 'PassOnlyExecutionRoleToCloudFormation',
        actions: ['iam:PassRole'],
        resources: [naming.executionRoleArn(account)],
        conditions: { StringEquals: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } },
      }),
    },
  ];
}

/**
 * What the read-only role may read: the project's change sets, templates, stacks and their
 * events (change review, failure notifier), its alarms and their history (bake), and its
 * CodeDeploy deployments and their targets (failure notifier). No write action.
 */
export function readOnlyStatements(scope: PolicyScope): ExplainedStatement[] {
  const { naming, account } = scope;
  return [
    {
      // Change set and stack reads authorize against the stack: the deployment role's
      // statement for these actions uses the same pattern.
      statement: new iam.PolicyStatement({
        sid: 'ReadProjectStacksAndChangeSets',
        actions: [
          'cloudformation:DescribeChangeSet',
          'cloudformation:DescribeStackEvents',
          'cloudformation:DescribeStacks',
          'cloudformation:GetTemplate',
        ],
        resources: [naming.stackArnPattern(account)],
      }),
      why: `CloudFormation stack ARNs end in a generated id, so the project's stacks are matched by the pattern of their ${naming.resourcePrefix} name prefix`,
    },
    {
      // DescribeEvents with a change set's name returns the hooks and pre-deployment
      // validations CloudFormation ran on it (the change review shows them); it is authorized on
      // the change set or the stack (Service Authorization Reference: resource types changeset, stack).
      // https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeEvents.html
      statement: new iam.PolicyStatement({
        sid: 'ReadChangeSetEvents',
        actions: ['cloudformation:DescribeEvents'],
        resources: [naming.changeSetArnPattern(account), naming.stackArnPattern(account)],
      }),
      why: `Change sets and stacks of the project are named ${naming.resourcePrefix}..., with a generated id at the end of their ARN (read-only)`,
    },
    {
      // DescribeAlarms called with AlarmNamePrefix (how the bake lists the stack's alarms), or
      // with no names, is authorized on `arn:…:alarm:*`, not on the alarms it returns: a
      // statement scoped to `alarm:<prefix>*` is denied (public reports: aws-samples/
      // amazon-cloudwatch-auto-alarms issue 1). Composite alarms come back only to a call
      // without AlarmTypes filters (API_DescribeAlarms:
      // https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html).
      // DescribeAlarmHistory without an AlarmName is likewise evaluated on alarm:*.
      // https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatch.html
      statement: new iam.PolicyStatement({
        sid: 'ReadAlarms',
        actions: ['cloudwatch:DescribeAlarms', 'cloudwatch:DescribeAlarmHistory'],
        resources: [naming.alarmArnPattern(account).replace(/alarm:.*$/, 'alarm:*')],
      }),
      why: 'DescribeAlarms by name prefix (the bake) and DescribeAlarmHistory are authorized on the account\'s alarm:* pattern, not on the alarms they return (read-only)',
    },
    {
      // GetDeployment authorizes on the deployment group:
      // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscodedeploy.html
      statement: new iam.PolicyStatement({
        sid: 'ReadProjectDeployments',
        actions: ['codedeploy:GetDeployment'],
        resources: [naming.deploymentGroupArnPattern(account)],
      }),
      why: `CodeDeploy applications and deployment groups get generated names that start with the stack name, so the project's are matched by the ${naming.resourcePrefix} prefix`,
    },
    {
      // ListDeploymentTargets and BatchGetDeploymentTargets: the Service Authorization
      // Reference lists no resource type for them (so AWS evaluates `*`), while CodeDeploy's
      // permissions reference lists deployment groups. The form both pages allow is `*`; the
      // calls are reads, and the deployment ids the notifier reads come from the project's own
      // pipeline. https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscodedeploy.html
      // https://docs.aws.amazon.com/codedeploy/latest/userguide/auth-and-access-control-permissions-reference.html
      statement: new iam.PolicyStatement({
        sid: 'ReadDeploymentTargets',
        actions: ['codedeploy:BatchGetDeploymentTargets', 'codedeploy:ListDeploymentTargets'],
        resources: ['*'],
      }),
      why: 'The Service Authorization Reference lists no resource type for ListDeploymentTargets and BatchGetDeploymentTargets (CodeDeploy\'s own reference lists deployment groups): * is the form both allow (read-only)',
    },
  ];
}

/**
 * Enough for the stacks of a serverless API (API Gateway REST API with access logs, Lambda
 * functions, versions and aliases, a DynamoDB table, CodeDeploy traffic shifting, alarms,
 * log groups, SSM parameters and the roles of these), scoped to project-prefixed names
 * wherever the service's ARNs carry a name.
 */
export function serverlessExecutionStatements(scope: PolicyScope): ExplainedStatement[] {
  const { naming, account } = scope;
  // Reading the code assets is not part of this default: the construct always grants it.
  const a = arns(scope);
  const byPrefix = (what: string) => `${what} get generated names that start with the stack name, so the project's are matched by the ${a.prefix} prefix`;
  return [
    lambdaFunctionStatement(scope),
    {
      statement: new iam.PolicyStatement({
        sid: 'ApiGatewayRestApis',
        actions: ['apigateway:DELETE', 'apigateway:GET', 'apigateway:PATCH', 'apigateway:POST', 'apigateway:PUT'],
        resources: [
          `arn:${naming.partition}:apigateway:${naming.region}::/restapis`,
          `arn:${naming.partition}:apigateway:${naming.region}::/restapis/*`,
          `arn:${naming.partition}:apigateway:${naming.region}::/account`,
          `arn:${naming.partition}:apigateway:${naming.region}::/tags/*`,
        ],
      }),
      why: 'API Gateway ARNs carry the generated API id, not a name, so REST APIs (with their stages, deployments and tags) of the region are matched by pattern',
    },
    {
      statement: new iam.PolicyStatement({
        sid: 'DynamoDbTables',
        // AWS::DynamoDB::Table and AWS::DynamoDB::GlobalTable (CDK's TableV2); the global
        // table's handler also needs replica, resource-policy and item actions.
        actions: [
          'dynamodb:BatchWriteItem',
          'dynamodb:CreateTable',
          'dynamodb:CreateTableReplica',
          'dynamodb:DeleteItem',
          'dynamodb:DeleteResourcePolicy',
          'dynamodb:DeleteTable',
          'dynamodb:DeleteTableReplica',
          'dynamodb:DescribeContinuousBackups',
          'dynamodb:DescribeContributorInsights',
          'dynamodb:DescribeKinesisStreamingDestination',
          'dynamodb:DescribeTable',
          'dynamodb:DescribeTableReplicaAutoScaling',
          'dynamodb:DescribeTimeToLive',
          'dynamodb:GetItem',
          'dynamodb:GetResourcePolicy',
          'dynamodb:ListTagsOfResource',
          'dynamodb:PutItem',
          'dynamodb:PutResourcePolicy',
          'dynamodb:Query',
          'dynamodb:Scan',
          'dynamodb:TagResource',
          'dynamodb:UntagResource',
          'dynamodb:UpdateContinuousBackups',
          'dynamodb:UpdateContributorInsights',
          'dynamodb:UpdateItem',
          'dynamodb:UpdateTable',
          'dynamodb:UpdateTableReplicaAutoScaling',
          'dynamodb:UpdateTimeToLive',
        ],
        resources: [a.tables],
      }),
      why: byPrefix('DynamoDB tables'),
    },
    {
      // What the AWS::DynamoDB::GlobalTable handlers call besides the table itself: "The IAM
      // Principal executing the stack operation must have the permissions listed below"
      // (application-autoscaling, iam:CreateServiceLinkedRole, ...), and its resource schema's
      // handlers also read limits and put metrics. None of these take a table ARN.
      // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-dynamodb-globaltable.html
      statement: new iam.PolicyStatement({
        sid: 'DynamoDbGlobalTableAccountReads',
        actions: [
          'application-autoscaling:DescribeScalableTargets',
          'application-autoscaling:DescribeScalingPolicies',
          'cloudwatch:PutMetricData',
          'dynamodb:DescribeLimits',
        ],
        resources: ['*'],
      }),
      why: 'The DynamoDB global table handlers call account-level APIs that support no resource-level permissions (DescribeLimits, PutMetricData, the auto scaling Describe calls)',
    },
    {
      statement: new iam.PolicyStatement({
        sid: 'DynamoDbGlobalTableAutoScaling',
        actions: [
          'application-autoscaling:DeleteScalingPolicy',
          'application-autoscaling:DeleteScheduledAction',
          'application-autoscaling:DeregisterScalableTarget',
          'application-autoscaling:PutScalingPolicy',
          'application-autoscaling:PutScheduledAction',
          'application-autoscaling:RegisterScalableTarget',
        ],
        resources: [a.regional('application-autoscaling', 'scalable-target/*')],
      }),
      why: 'Auto scaling targets get ids generated by Application Auto Scaling, so the global table\'s capacity scaling is matched by the scalable-target/* pattern of the account and region',
    },
    {
      statement: new iam.PolicyStatement({
        sid: 'DynamoDbServiceLinkedRoles',
        actions: ['iam:CreateServiceLinkedRole'],
        resources: [`arn:${naming.partition}:iam::${account}:role/aws-service-role/*`],
        conditions: {
          StringEquals: {
            'iam:AWSServiceName': ['replication.dynamodb.amazonaws.com', 'dynamodb.application-autoscaling.amazonaws.com'],
          },
        },
      }),
      why: 'A global table creates the service-linked roles of DynamoDB replication and auto scaling once per account; the condition admits only those two services',
    },
    {
      statement: new iam.PolicyStatement({
        sid: 'CodeDeployApplications',
        actions: [
          'codedeploy:CreateApplication',
          'codedeploy:DeleteApplication',
          'codedeploy:GetApplication',
          'codedeploy:GetApplicationRevision',
          'codedeploy:ListTagsForResource',
          'codedeploy:RegisterApplicationRevision',
          'codedeploy:TagResource',
          'codedeploy:UntagResource',
        ],
        resources: [a.applications],
      }),
      why: byPrefix('CodeDeploy applications'),
    },
    {
      statement: new iam.PolicyStatement({
        sid: 'CodeDeployDeploymentGroups',
        actions: [
          'codedeploy:CreateDeployment',
          'codedeploy:CreateDeploymentGroup',
          'codedeploy:DeleteDeploymentGroup',
          'codedeploy:GetDeployment',
          'codedeploy:GetDeploymentGroup',
          'codedeploy:UpdateDeploymentGroup',
        ],
        resources: [a.deploymentGroups],
      }),
      why: byPrefix('CodeDeploy deployment groups (of the project\'s applications)'),
    },
    {
      // StopDeployment: the Service Authorization Reference lists no resource type (AWS then
      // evaluates `*`), CodeDeploy's permissions reference lists the deployment group; `*` is
      // the form both allow. https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscodedeploy.html
      // https://docs.aws.amazon.com/codedeploy/latest/userguide/auth-and-access-control-permissions-reference.html
      statement: new iam.PolicyStatement({
        sid: 'CodeDeployStopDeployment',
        actions: ['codedeploy:StopDeployment'],
        resources: ['*'],
      }),
      why: 'The Service Authorization Reference lists no resource type for StopDeployment (CodeDeploy\'s own reference lists deployment groups): * is the form both allow; CloudFormation stops only the deployment of the alias it updates',
    },
    {
      statement: new iam.PolicyStatement({
        sid: 'CodeDeployConfigs',
        actions: ['codedeploy:GetDeploymentConfig'],
        resources: [a.regional('codedeploy', 'deploymentconfig:*')],
      }),
      why: 'Traffic shifting reads the predefined CodeDeployDefault.Lambda* deployment configs, whose names the project does not choose (read-only)',
    },
    {
      // A custom traffic shift (e.g. TrafficShift.canary(10, 7)) is an
      // AWS::CodeDeploy::DeploymentConfig of the stack, named after it when unnamed.
      // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscodedeploy.html
      statement: new iam.PolicyStatement({
        sid: 'CodeDeployCustomConfigs',
        actions: ['codedeploy:CreateDeploymentConfig', 'codedeploy:DeleteDeploymentConfig'],
        resources: [a.regional('codedeploy', `deploymentconfig:${a.prefix}*`)],
      }),
      why: byPrefix('CodeDeploy deployment configs (custom traffic shifts)'),
    },
    {
      statement: new iam.PolicyStatement({
        sid: 'CloudWatchAlarms',
        actions: [
          'cloudwatch:DeleteAlarms',
          'cloudwatch:ListTagsForResource',
          'cloudwatch:PutMetricAlarm',
          'cloudwatch:TagResource',
          'cloudwatch:UntagResource',
        ],
        resources: [a.alarms],
      }),
      why: byPrefix('CloudWatch alarms'),
    },
    {
      // DescribeAlarms by prefix or without names is authorized on alarm:* (see ReadAlarms of
      // the read-only role); CloudFormation reads alarms back with it.
      statement: new iam.PolicyStatement({
        sid: 'DescribeAlarms',
        actions: ['cloudwatch:DescribeAlarms'],
        resources: [a.regional('cloudwatch', 'alarm:*')],
      }),
      why: 'DescribeAlarms by prefix or without names is authorized on the account\'s alarm:* pattern (read-only)',
    },
    ...logGroupStatements(scope),
    {
      statement: new iam.PolicyStatement({
        sid: 'SsmParameters',
        actions: [
          'ssm:AddTagsToResource',
          'ssm:DeleteParameter',
          'ssm:GetParameter',
          'ssm:GetParameters',
          'ssm:ListTagsForResource',
          'ssm:PutParameter',
          'ssm:RemoveTagsFromResource',
        ],
        resources: a.parameters,
      }),
      why: `SSM parameters of the project are named ${a.prefix}... or /${naming.projectName}/..., and matched by those patterns`,
    },
    ...projectRoleStatements(scope, ['apigateway.amazonaws.com', 'codedeploy.amazonaws.com', 'lambda.amazonaws.com']),
  ];
}

/** The project's Lambda functions, their versions, aliases, URLs and invoke configs. */
export function lambdaFunctionStatement(scope: PolicyScope): ExplainedStatement {
  const a = arns(scope);
  return {
    statement: new iam.PolicyStatement({
      sid: 'LambdaFunctions',
      actions: [
        'lambda:AddPermission',
        'lambda:CreateAlias',
        'lambda:CreateFunction',
        // AWS::Lambda::Url (function URLs):
        // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awslambda.html
        'lambda:CreateFunctionUrlConfig',
        'lambda:DeleteFunctionUrlConfig',
        'lambda:GetFunctionUrlConfig',
        'lambda:UpdateFunctionUrlConfig',
        'lambda:DeleteAlias',
        'lambda:DeleteFunction',
        'lambda:DeleteFunctionConcurrency',
        'lambda:DeleteFunctionEventInvokeConfig',
        'lambda:DeleteProvisionedConcurrencyConfig',
        'lambda:GetAlias',
        'lambda:GetFunction',
        'lambda:GetFunctionCodeSigningConfig',
        'lambda:GetFunctionConfiguration',
        'lambda:GetFunctionEventInvokeConfig',
        'lambda:GetFunctionRecursionConfig',
        'lambda:GetPolicy',
        'lambda:GetProvisionedConcurrencyConfig',
        'lambda:GetRuntimeManagementConfig',
        'lambda:ListTags',
        'lambda:ListVersionsByFunction',
        'lambda:PublishVersion',
        'lambda:PutFunctionConcurrency',
        'lambda:PutFunctionEventInvokeConfig',
        'lambda:PutFunctionRecursionConfig',
        'lambda:PutProvisionedConcurrencyConfig',
        'lambda:PutRuntimeManagementConfig',
        'lambda:RemovePermission',
        'lambda:TagResource',
        'lambda:UntagResource',
        'lambda:UpdateAlias',
        'lambda:UpdateFunctionCode',
        'lambda:UpdateFunctionConfiguration',
        'lambda:UpdateFunctionEventInvokeConfig',
      ],
      resources: [a.functions],
    }),
    why: `Lambda functions (and their versions and aliases) get generated names that start with the stack name, so the project's are matched by the ${a.prefix} prefix`,
  };
}

/** The project's log groups (their retention, key and tags), and reading log groups back. */
export function logGroupStatements(scope: PolicyScope): ExplainedStatement[] {
  const { naming } = scope;
  const a = arns(scope);
  return [
    {
      statement: new iam.PolicyStatement({
        sid: 'LogGroups',
        actions: [
          'logs:AssociateKmsKey',
          'logs:CreateLogGroup',
          'logs:DeleteLogGroup',
          'logs:DeleteRetentionPolicy',
          'logs:DisassociateKmsKey',
          'logs:ListTagsForResource',
          'logs:ListTagsLogGroup',
          'logs:PutRetentionPolicy',
          'logs:TagLogGroup',
          'logs:TagResource',
          'logs:UntagLogGroup',
          'logs:UntagResource',
        ],
        resources: a.logGroups,
      }),
      why: `Log groups are matched by the ${a.prefix} prefix of their generated names, of the project's function names (/aws/lambda/${a.prefix}) or of the /${naming.projectName}/ path`,
    },
    {
      statement: new iam.PolicyStatement({
        sid: 'DescribeLogGroups',
        actions: ['logs:DescribeLogGroups'],
        resources: [a.regional('logs', 'log-group:*')],
      }),
      why: 'CloudFormation reads log groups back with DescribeLogGroups, which is authorized on the log-group:* pattern of the account (read-only)',
    },
  ];
}

/**
 * The project's roles: created and changed only with the permissions boundary, managed by
 * name, and passed only to `passedTo` (service principals).
 */
export function projectRoleStatements(scope: PolicyScope, passedTo: string[]): ExplainedStatement[] {
  const { naming, account } = scope;
  const a = arns(scope);
  const byPrefix = (what: string) => `${what} get generated names that start with the stack name, so the project's are matched by the ${a.prefix} prefix`;
  return [
    {
      statement: new iam.PolicyStatement({
        sid: 'CreateRolesOnlyWithinBoundary',
        actions: [
          'iam:AttachRolePolicy',
          'iam:CreateRole',
          'iam:DeleteRolePolicy',
          'iam:DetachRolePolicy',
          'iam:PutRolePermissionsBoundary',
          'iam:PutRolePolicy',
        ],
        resources: [a.projectRoles],
        conditions: { StringEquals: { 'iam:PermissionsBoundary': naming.permissionsBoundaryArn(account) } },
      }),
      why: `${byPrefix('IAM roles')}; every change to their permissions requires the ${naming.permissionsBoundaryName} boundary`,
    },
    {
      statement: new iam.PolicyStatement({
        sid: 'ManageProjectRoles',
        actions: [
          'iam:DeleteRole',
          'iam:GetRole',
          'iam:GetRolePolicy',
          'iam:ListAttachedRolePolicies',
          'iam:ListRolePolicies',
          'iam:ListRoleTags',
          'iam:TagRole',
          'iam:UntagRole',
          'iam:UpdateAssumeRolePolicy',
          'iam:UpdateRole',
          'iam:UpdateRoleDescription',
        ],
        resources: [a.projectRoles],
      }),
      why: `${byPrefix('IAM roles')}; the convention roles themselves are protected by an explicit deny`,
    },
    {
      statement: new iam.PolicyStatement({
        sid: 'PassProjectRolesToTheirServices',
        actions: ['iam:PassRole'],
        resources: [a.projectRoles],
        conditions: {
          StringEquals: {
            'iam:PassedToService': passedTo,
          },
        },
      }),
      why: `${byPrefix('IAM roles')}; they may be passed only to ${passedTo.join(', ')}`,
    },
  ];
}

/**
 * Explicit denies that hold whatever policies the caller gives the execution role: it can
 * neither change the convention roles nor the permissions boundary, nor lift a boundary.
 */
export function guardrailStatements(scope: PolicyScope): ExplainedStatement[] {
  const { naming, account } = scope;
  return [
    {
      statement: new iam.PolicyStatement({
        sid: 'ProtectConventionRoles',
        effect: iam.Effect.DENY,
        actions: [
          'iam:AttachRolePolicy',
          'iam:DeleteRole',
          'iam:DeleteRolePermissionsBoundary',
          'iam:DeleteRolePolicy',
          'iam:DetachRolePolicy',
          'iam:PassRole',
          'iam:PutRolePermissionsBoundary',
          'iam:PutRolePolicy',
          'iam:TagRole',
          'iam:UntagRole',
          'iam:UpdateAssumeRolePolicy',
          'iam:UpdateRole',
          'iam:UpdateRoleDescription',
        ],
        resources: [naming.deploymentRoleArn(account), naming.executionRoleArn(account), naming.readOnlyRoleArn(account)],
      }),
    },
    {
      statement: new iam.PolicyStatement({
        sid: 'ProtectPermissionsBoundary',
        effect: iam.Effect.DENY,
        actions: [
          'iam:CreatePolicyVersion',
          'iam:DeletePolicy',
          'iam:DeletePolicyVersion',
          'iam:SetDefaultPolicyVersion',
          'iam:TagPolicy',
          'iam:UntagPolicy',
        ],
        resources: [naming.permissionsBoundaryArn(account)],
      }),
    },
    {
      statement: new iam.PolicyStatement({
        sid: 'NeverLiftABoundary',
        effect: iam.Effect.DENY,
        actions: ['iam:DeleteRolePermissionsBoundary'],
        resources: [`arn:${naming.partition}:iam::${account}:role/*`],
      }),
    },
  ];
}

/**
 * What the roles created by the project's stacks may do at most: the runtime needs of the
 * API's functions, of CodeDeploy's traffic shifting and hooks, and of API Gateway logging.
 */
export function boundaryStatements(scope: PolicyScope): ExplainedStatement[] {
  const a = arns(scope);
  const byPrefix = (what: string) => `${what} of the project are matched by the ${a.prefix} prefix of their generated names`;
  return [
    {
      statement: new iam.PolicyStatement({
        sid: 'WriteLogs',
        actions: [
          'logs:CreateLogGroup',
          'logs:CreateLogStream',
          'logs:DescribeLogGroups',
          'logs:DescribeLogStreams',
          'logs:FilterLogEvents',
          'logs:GetLogEvents',
          'logs:PutLogEvents',
        ],
        resources: [a.regional('logs', 'log-group:*')],
      }),
      why: 'Lambda and API Gateway create and write their own log groups (/aws/lambda/<function>, API-Gateway-Execution-Logs_<api id>/<stage>), named by the services, within this account and region',
    },
    {
      statement: new iam.PolicyStatement({
        sid: 'WriteTraces',
        actions: ['xray:GetSamplingRules', 'xray:GetSamplingStatisticSummaries', 'xray:GetSamplingTargets', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments'],
        resources: ['*'],
      }),
      why: 'X-Ray trace and sampling actions support no resource-level permissions, so active tracing needs Resource *',
    },
    {
      statement: new iam.PolicyStatement({
        sid: 'UseProjectTables',
        actions: [
          'dynamodb:BatchGetItem',
          'dynamodb:BatchWriteItem',
          'dynamodb:ConditionCheckItem',
          'dynamodb:DeleteItem',
          'dynamodb:DescribeTable',
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:Query',
          'dynamodb:Scan',
          'dynamodb:UpdateItem',
        ],
        resources: [a.tables],
      }),
      why: byPrefix('DynamoDB tables (and their indexes)'),
    },
    {
      statement: new iam.PolicyStatement({
        sid: 'ReadProjectParameters',
        actions: ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:GetParametersByPath'],
        resources: a.parameters,
      }),
      why: `SSM parameters of the project are named ${a.prefix}... or /${scope.naming.projectName}/..., and matched by those patterns`,
    },
    {
      statement: new iam.PolicyStatement({
        sid: 'ShiftTrafficOfProjectFunctions',
        actions: ['lambda:GetAlias', 'lambda:GetFunction', 'lambda:GetProvisionedConcurrencyConfig', 'lambda:InvokeFunction', 'lambda:UpdateAlias'],
        resources: [a.functions],
      }),
      why: byPrefix('Lambda functions (with their versions and aliases, which CodeDeploy and the traffic hooks use)'),
    },
    {
      statement: new iam.PolicyStatement({
        sid: 'ReportHookStatus',
        actions: ['codedeploy:PutLifecycleEventHookExecutionStatus'],
        resources: [a.deploymentGroups],
      }),
      why: byPrefix('CodeDeploy deployment groups'),
    },
    {
      statement: new iam.PolicyStatement({
        sid: 'ReadRollbackAlarms',
        actions: ['cloudwatch:DescribeAlarms'],
        resources: [a.regional('cloudwatch', 'alarm:*')],
      }),
      why: 'CodeDeploy reads the rollback alarms of a deployment group with DescribeAlarms, authorized on the alarm:* pattern of the account (read-only)',
    },
    {
      statement: new iam.PolicyStatement({
        sid: 'PublishProjectTopics',
        actions: ['sns:Publish'],
        resources: [a.regional('sns', `${a.prefix}*`)],
      }),
      why: byPrefix('SNS topics (CodeDeploy and alarm notifications)'),
    },
  ];
}
