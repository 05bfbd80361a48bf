import { App, CfnOutput, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import {
  ConventionRolesCheck, CrossAccountDeploymentRoles, CrosswalkNaming, ServiceStackSynthesizer, TargetAccountSynthesizer,
} from '@crosswalk/cross-account-role';

export function useCrossAccountRole(app: App): void {
  // The README's minimal example: the deployment roles of one target account, without bootstrap.
  const naming = new CrosswalkNaming({ projectName: 'Consumer', region: 'eu-west-1' });
  const buildAccountId = '111111111111';
  const dev = new Stack(app, 'ConsumerDeploymentRoles', {
    env: { account: '222222222222', region: naming.region },
    synthesizer: new TargetAccountSynthesizer(),
  });
  const roles = new CrossAccountDeploymentRoles(dev, 'DeploymentRoles', { naming, buildAccountId });
  new CfnOutput(dev, 'DeploymentRoleArn', { value: roles.deploymentRole.roleArn });
  new CfnOutput(dev, 'ConventionDeploymentRoleArn', { value: naming.deploymentRoleArn('222222222222') });

  // Another team's service (a function URL and a custom canary), deployed by the pipeline
  // without bootstrap (its assets go to the build account's artifact bucket), and checked
  // at synth against what the convention roles of its account may deploy.
  const serviceAccount = '444444444444';
  Validations.of(app).addPlugins(new ConventionRolesCheck({ naming, buildAccountId, targetAccounts: [serviceAccount] }));
  const service = new Stack(app, 'Consumer-Service', {
    env: { account: serviceAccount, region: naming.region },
    synthesizer: new ServiceStackSynthesizer({ naming, buildAccountId }),
  });
  CrossAccountDeploymentRoles.applyPermissionsBoundary(service, naming);
  const fn = new lambda.Function(service, 'Api', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200 })'),
  });
  fn.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.AWS_IAM });
  new codedeploy.LambdaDeploymentGroup(service, 'Deploy', {
    alias: new lambda.Alias(service, 'Live', { aliasName: 'live', version: fn.currentVersion }),
    deploymentConfig: new codedeploy.LambdaDeploymentConfig(service, 'Canary', {
      trafficRouting: new codedeploy.TimeBasedCanaryTrafficRouting({ interval: Duration.minutes(7), percentage: 10 }),
    }),
  });
}
