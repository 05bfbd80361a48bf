import { DeployedStack, World } from './world';

/** One IAM request CloudFormation makes, as the execution role, to create a resource. */
export interface RequiredCall {
  readonly action: string;
  readonly resource: string;
  readonly context?: Record<string, string | string[]>;
}

type Planner = (world: World, stack: DeployedStack, logicalId: string, props: any) => RequiredCall[];

const calls = (actions: string[], resource: string, context?: Record<string, string | string[]>): RequiredCall[] =>
  actions.map((action) => ({ action, resource, context }));

const apiGateway = (world: World, stack: DeployedStack, path: string) => world.arn('apigateway', stack.region, '', path);
const restApiOf = (world: World, stack: DeployedStack, props: any) => world.resolve(stack, props.RestApiId) as string;
const boundaryOf = (world: World, stack: DeployedStack, roleRef: unknown): Record<string, string> => {
  const roleName = world.resolve(stack, roleRef) as string;
  const [[, role]] = world.resourcesOf(stack, 'AWS::IAM::Role').filter(([id]) => world.physicalId(stack, id) === roleName);
  return { 'iam:PermissionsBoundary': world.resolve(stack, role.Properties.PermissionsBoundary) };
};
const roleArnOf = (world: World, stack: DeployedStack, roleName: string) => world.arn('iam', '', stack.account, `role/${roleName}`);
const passRole = (world: World, stack: DeployedStack, roleArn: unknown, service: string): RequiredCall => ({
  action: 'iam:PassRole',
  resource: String(world.resolve(stack, roleArn)),
  context: { 'iam:PassedToService': service },
});

const qualified = (world: World, stack: DeployedStack, functionName: unknown, qualifier: unknown): string => {
  const q = String(world.resolve(stack, qualifier));
  return q.startsWith('arn:') ? q : `${world.functionArn(stack, functionName)}:${q}`;
};

/**
 * The IAM calls CloudFormation makes to create, update and delete each resource type of
 * the sample API's stacks (from the services' CloudFormation resource handler
 * permissions, reviewed for these stacks). A type that is not listed fails the test:
 * adding a kind of resource to the service means reviewing what the execution role needs.
 */
export const EXECUTION_CALLS: Record<string, Planner> = {
  // Template metadata: CloudFormation makes no call for it.
  'AWS::CDK::Metadata': () => [],

  'AWS::ApiGateway::RestApi': (w, s, id) => [
    ...calls(['apigateway:POST'], apiGateway(w, s, '/restapis')),
    ...calls(['apigateway:GET', 'apigateway:PATCH', 'apigateway:PUT', 'apigateway:DELETE'], apiGateway(w, s, `/restapis/${w.physicalId(s, id)}`)),
  ],
  'AWS::ApiGateway::Resource': (w, s, id, p) => [
    ...calls(['apigateway:POST'], apiGateway(w, s, `/restapis/${restApiOf(w, s, p)}/resources/${w.resolve(s, p.ParentId)}`)),
    ...calls(['apigateway:GET', 'apigateway:DELETE'], apiGateway(w, s, `/restapis/${restApiOf(w, s, p)}/resources/${w.physicalId(s, id)}`)),
  ],
  'AWS::ApiGateway::Method': (w, s, _id, p) =>
    calls(['apigateway:PUT', 'apigateway:GET', 'apigateway:PATCH', 'apigateway:DELETE'],
      apiGateway(w, s, `/restapis/${restApiOf(w, s, p)}/resources/${w.resolve(s, p.ResourceId)}/methods/${p.HttpMethod}`)),
  'AWS::ApiGateway::Deployment': (w, s, id, p) => [
    ...calls(['apigateway:POST'], apiGateway(w, s, `/restapis/${restApiOf(w, s, p)}/deployments`)),
    ...calls(['apigateway:GET', 'apigateway:DELETE'], apiGateway(w, s, `/restapis/${restApiOf(w, s, p)}/deployments/${w.physicalId(s, id)}`)),
  ],
  'AWS::ApiGateway::Stage': (w, s, _id, p) => [
    ...calls(['apigateway:POST'], apiGateway(w, s, `/restapis/${restApiOf(w, s, p)}/stages`)),
    ...calls(['apigateway:GET', 'apigateway:PATCH', 'apigateway:DELETE'], apiGateway(w, s, `/restapis/${restApiOf(w, s, p)}/stages/${p.StageName}`)),
  ],
  'AWS::ApiGateway::GatewayResponse': (w, s, _id, p) =>
    calls(['apigateway:PUT', 'apigateway:GET', 'apigateway:DELETE'], apiGateway(w, s, `/restapis/${restApiOf(w, s, p)}/gatewayresponses/${p.ResponseType}`)),
  'AWS::ApiGateway::Account': (w, s, _id, p) => [
    ...calls(['apigateway:GET', 'apigateway:PATCH'], apiGateway(w, s, '/account')),
    passRole(w, s, p.CloudWatchRoleArn, 'apigateway.amazonaws.com'),
  ],

  // DescribeAlarms is evaluated on alarm:* unless the call names its alarms; the resource
  // handler is not documented to name them, so the execution role must pass either way.
  'AWS::CloudWatch::Alarm': (w, s, id) => [
    ...calls(['cloudwatch:PutMetricAlarm', 'cloudwatch:DescribeAlarms', 'cloudwatch:DeleteAlarms', 'cloudwatch:TagResource'],
      w.arn('cloudwatch', s.region, s.account, `alarm:${w.physicalId(s, id)}`)),
    ...calls(['cloudwatch:DescribeAlarms'], w.arn('cloudwatch', s.region, s.account, 'alarm:*')),
  ],

  'AWS::CodeDeploy::Application': (w, s, id) =>
    calls(['codedeploy:CreateApplication', 'codedeploy:GetApplication', 'codedeploy:DeleteApplication', 'codedeploy:TagResource'],
      w.arn('codedeploy', s.region, s.account, `application:${w.physicalId(s, id)}`)),
  'AWS::CodeDeploy::DeploymentGroup': (w, s, id, p) => [
    ...calls(['codedeploy:CreateDeploymentGroup', 'codedeploy:GetDeploymentGroup', 'codedeploy:UpdateDeploymentGroup', 'codedeploy:DeleteDeploymentGroup'],
      w.arn('codedeploy', s.region, s.account, `deploymentgroup:${w.resolve(s, p.ApplicationName)}/${w.physicalId(s, id)}`)),
    ...calls(['codedeploy:GetDeploymentConfig'], w.arn('codedeploy', s.region, s.account, `deploymentconfig:${p.DeploymentConfigName}`)),
    passRole(w, s, p.ServiceRoleArn, 'codedeploy.amazonaws.com'),
  ],

  'AWS::DynamoDB::GlobalTable': (w, s, id) =>
    calls([
      'dynamodb:CreateTable', 'dynamodb:DescribeTable', 'dynamodb:UpdateTable', 'dynamodb:DeleteTable',
      'dynamodb:DescribeContinuousBackups', 'dynamodb:UpdateContinuousBackups', 'dynamodb:DescribeTimeToLive',
      'dynamodb:TagResource', 'dynamodb:ListTagsOfResource',
    ], w.resourceArn(s, id)),

  'AWS::IAM::Role': (w, s, id, p) => {
    const roleName = w.physicalId(s, id);
    const boundary = { 'iam:PermissionsBoundary': w.resolve(s, p.PermissionsBoundary) };
    return [
      ...calls(['iam:CreateRole', 'iam:PutRolePermissionsBoundary'], roleArnOf(w, s, roleName), boundary),
      ...(w.resolve(s, p.ManagedPolicyArns ?? []) as string[]).map((policyArn) =>
        ({ action: 'iam:AttachRolePolicy', resource: roleArnOf(w, s, roleName), context: { ...boundary, 'iam:PolicyARN': policyArn } })),
      ...calls(['iam:GetRole', 'iam:DeleteRole', 'iam:TagRole', 'iam:UpdateAssumeRolePolicy'], roleArnOf(w, s, roleName)),
    ];
  },
  'AWS::IAM::Policy': (w, s, _id, p) => (p.Roles as unknown[]).flatMap((roleRef) =>
    calls(['iam:PutRolePolicy', 'iam:DeleteRolePolicy'], roleArnOf(w, s, w.resolve(s, roleRef)), boundaryOf(w, s, roleRef))
      .concat(calls(['iam:GetRolePolicy'], roleArnOf(w, s, w.resolve(s, roleRef))))),

  'AWS::Lambda::Function': (w, s, id, p) => [
    ...calls([
      'lambda:CreateFunction', 'lambda:GetFunction', 'lambda:GetFunctionConfiguration', 'lambda:UpdateFunctionCode',
      'lambda:UpdateFunctionConfiguration', 'lambda:DeleteFunction', 'lambda:TagResource', 'lambda:ListTags',
    ], w.resourceArn(s, id)),
    passRole(w, s, p.Role, 'lambda.amazonaws.com'),
  ],
  'AWS::Lambda::Version': (w, s, _id, p) =>
    calls(['lambda:PublishVersion', 'lambda:GetFunctionConfiguration', 'lambda:ListVersionsByFunction'], w.functionArn(s, p.FunctionName)),
  'AWS::Lambda::Alias': (w, s, id) =>
    calls(['lambda:CreateAlias', 'lambda:GetAlias', 'lambda:UpdateAlias', 'lambda:DeleteAlias'], w.physicalId(s, id)),
  'AWS::Lambda::Permission': (w, s, _id, p) =>
    calls(['lambda:AddPermission', 'lambda:RemovePermission', 'lambda:GetPolicy'], w.functionArn(s, p.FunctionName)),
  'AWS::Lambda::EventInvokeConfig': (w, s, _id, p) =>
    calls(['lambda:PutFunctionEventInvokeConfig', 'lambda:GetFunctionEventInvokeConfig', 'lambda:UpdateFunctionEventInvokeConfig', 'lambda:DeleteFunctionEventInvokeConfig'],
      qualified(w, s, p.FunctionName, p.Qualifier)),

  'AWS::Logs::LogGroup': (w, s, id) => [
    ...calls(['logs:CreateLogGroup', 'logs:PutRetentionPolicy', 'logs:DeleteLogGroup', 'logs:TagResource', 'logs:ListTagsForResource'], w.resourceArn(s, id)),
    ...calls(['logs:DescribeLogGroups'], w.arn('logs', s.region, s.account, 'log-group:*')),
  ],

  'AWS::SSM::Parameter': (w, s, id) =>
    calls(['ssm:PutParameter', 'ssm:GetParameters', 'ssm:DeleteParameter', 'ssm:AddTagsToResource'],
      w.arn('ssm', s.region, s.account, `parameter/${String(w.physicalId(s, id)).replace(/^\//, '')}`)),
};
