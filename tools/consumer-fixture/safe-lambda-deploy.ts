import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { SafeLambdaDeploy, TrafficShift } from '@crosswalk/safe-lambda-deploy';

export function useSafeLambdaDeploy(app: App): void {
  const stack = new Stack(app, 'ConsumerSafeLambdaDeploy', { env: { account: '222222222222', region: 'eu-west-1' } });
  const api = new lambda.Function(stack, 'Api', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200, body: "{\\"version\\":\\"1\\"}" });'),
  });

  // The README's minimal example: the hooks' code comes from the package's bundled assets.
  const deploy = new SafeLambdaDeploy(stack, 'ApiDeploy', { lambdaFunction: api });
  if (deploy.alias.aliasName !== 'live') throw new Error(`expected the alias 'live', got '${deploy.alias.aliasName}'`);

  // Production shape: gradual shift, smoke checks below a URL read from SSM at run time.
  const other = new lambda.Function(stack, 'Locations', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200, body: "[]" });'),
  });
  new SafeLambdaDeploy(stack, 'LocationsDeploy', {
    lambdaFunction: other,
    trafficShift: TrafficShift.LINEAR_10_PERCENT_EVERY_1_MINUTE,
    postTrafficHook: { baseUrlParameterName: '/consumer/api-url', httpChecks: [{ path: '/locations' }] },
  });
  new ssm.StringParameter(stack, 'ApiUrl', { parameterName: '/consumer/api-url', stringValue: 'https://api.example.com/prod' });

  // The README's existing-function example: the owning stack publishes, retains and announces
  // versions; another stack imports the function and deploys the version named in SSM.
  const env = { account: '222222222222', region: 'eu-west-1' };
  const owner = new Stack(app, 'ConsumerSafeLambdaDeployOwner', { env });
  const orders = new lambda.Function(owner, 'Orders', {
    functionName: 'Consumer-orders',
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200, body: "[]" });'),
    currentVersionOptions: { removalPolicy: RemovalPolicy.RETAIN },
  });
  new ssm.StringParameter(owner, 'OrdersVersionArn', {
    parameterName: '/Consumer/orders-version-arn',
    stringValue: orders.currentVersion.functionArn,
  });
  const deployments = new Stack(app, 'ConsumerSafeLambdaDeployExisting', { env });
  deployments.addStackDependency(owner);
  const existing = new SafeLambdaDeploy(deployments, 'OrdersDeploy', {
    lambdaFunction: lambda.Function.fromFunctionArn(deployments, 'Orders', 'arn:aws:lambda:eu-west-1:222222222222:function:Consumer-orders'),
    version: lambda.Version.fromVersionArn(deployments, 'OrdersVersion',
      ssm.StringParameter.valueForStringParameter(deployments, '/Consumer/orders-version-arn')),
  });
  const aliasFunction = deployments.resolve((existing.alias.node.defaultChild as lambda.CfnAlias).functionName);
  if (aliasFunction !== 'Consumer-orders') throw new Error(`expected the alias on the imported function, got ${JSON.stringify(aliasFunction)}`);

  // An imported function without a version is refused at synth, with the fix (in an app of its own).
  const scratch = new Stack(new App(), 'Scratch', { env });
  let refusal = '';
  try {
    new SafeLambdaDeploy(scratch, 'Deploy', { lambdaFunction: lambda.Function.fromFunctionName(scratch, 'Unversioned', 'Consumer-unversioned') });
  } catch (err) {
    refusal = String(err);
  }
  if (!refusal.includes('is imported, so it has no currentVersion to publish: pass version')) {
    throw new Error(`expected an imported function without a version to be refused, got '${refusal}'`);
  }
}
