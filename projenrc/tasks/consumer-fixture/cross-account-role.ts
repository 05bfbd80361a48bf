import { App, CfnOutput, Stack } from 'aws-cdk-lib';
import { CrosswalkNaming } from '@crosswalk/cross-account-role';

export function useCrossAccountRole(app: App): void {
  const names = new CrosswalkNaming({ projectName: 'Consumer', region: 'eu-west-1' });
  const stack = new Stack(app, 'ConsumerNaming', { env: { account: '222222222222', region: names.region } });
  new CfnOutput(stack, 'DeploymentRoleArn', { value: names.deploymentRoleArn('222222222222') });
}
