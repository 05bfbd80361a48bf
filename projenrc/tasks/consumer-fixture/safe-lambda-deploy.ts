import { App, Stack } from 'aws-cdk-lib';
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
}
