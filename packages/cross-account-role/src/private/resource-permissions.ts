/**
 * What CloudFormation asks IAM, as the execution role, to create, update and delete each
 * resource type a serverless stack has: the actions of the type's resource handlers (the
 * `handlers` permissions of the CloudFormation resource type schemas, e.g.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-lambda-function.html)
 * and the ARN they act on, built from the name the template sets or the name CloudFormation
 * would generate.
 */

/** How a template names a resource of a type, and what the execution role needs for it. */
export interface ResourcePermissions {
  /** The property holding the resource's name, if the type has one. */
  readonly nameProperty?: string;
  /** The property or properties naming the resource this one belongs to (a function, an application). */
  readonly parentProperty?: string;
  /**
   * The ARN the actions act on, from the resource's name (or its parent's), in `region` and
   * `account` of `partition`.
   */
  readonly arn: (names: { name: string; parent?: string; partition: string; region: string; account: string }) => string;
  /** The actions CloudFormation calls on that ARN. */
  readonly actions: string[];
  /**
   * How CloudFormation names the resource when the template does not.
   * @default `<stack name>-<logical id>-<random>`
   */
  readonly generatedName?: (stackName: string, logicalId: string) => string;
}

const regional = (service: string, resource: string) => ({ partition, region, account }: { partition: string; region: string; account: string }) =>
  `arn:${partition}:${service}:${region}:${account}:${resource}`;

const FUNCTION_ACTIONS = {
  arn: (n: { name: string; parent?: string; partition: string; region: string; account: string }) => regional('lambda', `function:${n.parent ?? n.name}`)(n),
  parentProperty: 'FunctionName',
};

/**
 * The resource types a Crosswalk serverless stack uses. A type that is not here fails the
 * check: what the execution role needs for it has not been reviewed.
 */
export const RESOURCE_PERMISSIONS: Record<string, ResourcePermissions> = {
  'AWS::CDK::Metadata': { arn: () => '', actions: [] },
  'AWS::Lambda::Function': {
    nameProperty: 'FunctionName',
    arn: (n) => regional('lambda', `function:${n.name}`)(n),
    actions: ['lambda:CreateFunction', 'lambda:GetFunction', 'lambda:UpdateFunctionCode', 'lambda:UpdateFunctionConfiguration', 'lambda:DeleteFunction', 'lambda:TagResource'],
  },
  'AWS::Lambda::Version': { ...FUNCTION_ACTIONS, actions: ['lambda:PublishVersion', 'lambda:GetFunctionConfiguration', 'lambda:ListVersionsByFunction'] },
  'AWS::Lambda::Alias': { ...FUNCTION_ACTIONS, actions: ['lambda:CreateAlias', 'lambda:GetAlias', 'lambda:UpdateAlias', 'lambda:DeleteAlias'] },
  'AWS::Lambda::Permission': { ...FUNCTION_ACTIONS, actions: ['lambda:AddPermission', 'lambda:RemovePermission', 'lambda:GetPolicy'] },
  'AWS::Lambda::Url': {
    ...FUNCTION_ACTIONS,
    parentProperty: 'TargetFunctionArn',
    actions: ['lambda:CreateFunctionUrlConfig', 'lambda:GetFunctionUrlConfig', 'lambda:UpdateFunctionUrlConfig', 'lambda:DeleteFunctionUrlConfig'],
  },
  'AWS::Lambda::EventInvokeConfig': {
    ...FUNCTION_ACTIONS,
    actions: ['lambda:PutFunctionEventInvokeConfig', 'lambda:GetFunctionEventInvokeConfig', 'lambda:UpdateFunctionEventInvokeConfig', 'lambda:DeleteFunctionEventInvokeConfig'],
  },
  'AWS::DynamoDB::Table': {
    nameProperty: 'TableName',
    arn: (n) => regional('dynamodb', `table/${n.name}`)(n),
    actions: ['dynamodb:CreateTable', 'dynamodb:DescribeTable', 'dynamodb:UpdateTable', 'dynamodb:DeleteTable', 'dynamodb:TagResource'],
  },
  'AWS::DynamoDB::GlobalTable': {
    nameProperty: 'TableName',
    arn: (n) => regional('dynamodb', `table/${n.name}`)(n),
    actions: ['dynamodb:CreateTable', 'dynamodb:CreateTableReplica', 'dynamodb:DescribeTable', 'dynamodb:UpdateTable', 'dynamodb:DeleteTable', 'dynamodb:TagResource'],
  },
  'AWS::IAM::Role': {
    nameProperty: 'RoleName',
    arn: ({ name, partition, account }) => `arn:${partition}:iam::${account}:role/${name}`,
    actions: ['iam:CreateRole', 'iam:GetRole', 'iam:PutRolePolicy', 'iam:AttachRolePolicy', 'iam:DeleteRolePolicy', 'iam:DetachRolePolicy', 'iam:DeleteRole', 'iam:TagRole'],
  },
  'AWS::IAM::Policy': {
    parentProperty: 'Roles',
    arn: ({ parent, name, partition, account }) => `arn:${partition}:iam::${account}:role/${parent ?? name}`,
    actions: ['iam:PutRolePolicy', 'iam:GetRolePolicy', 'iam:DeleteRolePolicy'],
  },
  'AWS::Logs::LogGroup': {
    nameProperty: 'LogGroupName',
    arn: (n) => regional('logs', `log-group:${n.name}`)(n),
    actions: ['logs:CreateLogGroup', 'logs:PutRetentionPolicy', 'logs:DeleteLogGroup', 'logs:TagResource'],
  },
  'AWS::CloudWatch::Alarm': {
    nameProperty: 'AlarmName',
    arn: (n) => regional('cloudwatch', `alarm:${n.name}`)(n),
    actions: ['cloudwatch:PutMetricAlarm', 'cloudwatch:DescribeAlarms', 'cloudwatch:DeleteAlarms'],
  },
  'AWS::CodeDeploy::Application': {
    nameProperty: 'ApplicationName',
    arn: (n) => regional('codedeploy', `application:${n.name}`)(n),
    actions: ['codedeploy:CreateApplication', 'codedeploy:GetApplication', 'codedeploy:DeleteApplication'],
  },
  'AWS::CodeDeploy::DeploymentGroup': {
    nameProperty: 'DeploymentGroupName',
    parentProperty: 'ApplicationName',
    arn: (n) => regional('codedeploy', `deploymentgroup:${n.parent}/${n.name}`)(n),
    actions: ['codedeploy:CreateDeploymentGroup', 'codedeploy:GetDeploymentGroup', 'codedeploy:UpdateDeploymentGroup', 'codedeploy:DeleteDeploymentGroup'],
  },
  'AWS::CodeDeploy::DeploymentConfig': {
    nameProperty: 'DeploymentConfigName',
    arn: (n) => regional('codedeploy', `deploymentconfig:${n.name}`)(n),
    actions: ['codedeploy:CreateDeploymentConfig', 'codedeploy:GetDeploymentConfig', 'codedeploy:DeleteDeploymentConfig'],
  },
  'AWS::SSM::Parameter': {
    nameProperty: 'Name',
    arn: (n) => regional('ssm', `parameter/${n.name.replace(/^\//, '')}`)(n),
    actions: ['ssm:PutParameter', 'ssm:GetParameters', 'ssm:DeleteParameter', 'ssm:AddTagsToResource'],
    // An unnamed parameter is called CFN-<logical id>-<random> by CloudFormation.
    generatedName: (_stackName, logicalId) => `CFN-${logicalId}-GENERATED`,
  },
  'AWS::ApiGateway::RestApi': { arn: ({ partition, region }) => `arn:${partition}:apigateway:${region}::/restapis`, actions: ['apigateway:POST', 'apigateway:GET', 'apigateway:DELETE'] },
  'AWS::ApiGateway::Resource': { arn: ({ partition, region }) => `arn:${partition}:apigateway:${region}::/restapis/GENERATED/resources`, actions: ['apigateway:POST', 'apigateway:GET', 'apigateway:DELETE'] },
  'AWS::ApiGateway::Method': { arn: ({ partition, region }) => `arn:${partition}:apigateway:${region}::/restapis/GENERATED/resources/GENERATED/methods/GET`, actions: ['apigateway:PUT', 'apigateway:GET', 'apigateway:DELETE'] },
  'AWS::ApiGateway::Deployment': { arn: ({ partition, region }) => `arn:${partition}:apigateway:${region}::/restapis/GENERATED/deployments`, actions: ['apigateway:POST', 'apigateway:GET', 'apigateway:DELETE'] },
  'AWS::ApiGateway::Stage': { arn: ({ partition, region }) => `arn:${partition}:apigateway:${region}::/restapis/GENERATED/stages`, actions: ['apigateway:POST', 'apigateway:GET', 'apigateway:PATCH', 'apigateway:DELETE'] },
  'AWS::ApiGateway::GatewayResponse': { arn: ({ partition, region }) => `arn:${partition}:apigateway:${region}::/restapis/GENERATED/gatewayresponses/DEFAULT_4XX`, actions: ['apigateway:PUT', 'apigateway:GET', 'apigateway:DELETE'] },
  'AWS::ApiGateway::Account': { arn: ({ partition, region }) => `arn:${partition}:apigateway:${region}::/account`, actions: ['apigateway:PATCH', 'apigateway:GET'] },
};
