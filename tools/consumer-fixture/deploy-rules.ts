import { App, Stack, Validations } from 'aws-cdk-lib';
import { CrosswalkNaming } from '@crosswalk/cross-account-role';
import { DEPLOY_RULES, DeployRules } from '@crosswalk/deploy-rules';

export function useDeployRules(app: App): void {
  // The README's minimal example: every stack of the consumer app is checked at synth.
  const naming = new CrosswalkNaming({ projectName: 'Consumer', region: 'eu-west-1' });
  Validations.of(app).addPlugins(new DeployRules({ naming }));
  new Stack(app, 'Consumer-Api', { env: { account: '222222222222', region: naming.region } });
  if (DEPLOY_RULES.length === 0) throw new Error('@crosswalk/deploy-rules exports no rule');
}
