import { App, CfnOutput, Stack } from 'aws-cdk-lib';
import { CrossAccountDeploymentRoles, CrosswalkNaming } from '@crosswalk/cross-account-role';

export function useCrossAccountRole(app: App): void {
  // The README's minimal example: the deployment roles of one target account.
  const naming = new CrosswalkNaming({ projectName: 'Consumer', region: 'eu-west-1' });
  const dev = new Stack(app, 'ConsumerDeploymentRoles', { env: { account: '222222222222', region: naming.region } });
  const roles = new CrossAccountDeploymentRoles(dev, 'DeploymentRoles', { naming, buildAccountId: '111111111111' });
  new CfnOutput(dev, 'DeploymentRoleArn', { value: roles.deploymentRole.roleArn });
  new CfnOutput(dev, 'ConventionDeploymentRoleArn', { value: naming.deploymentRoleArn('222222222222') });
}
