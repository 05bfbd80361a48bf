/**
 * A tiny CDK app that uses every construct package the way another repository would:
 * installed from the npm tarballs, compiled with tsc, synthesized with node.
 * Each package adds what it exports here, so a missing file in a tarball fails the check.
 */
import { App, Stack } from 'aws-cdk-lib';
import { CrosswalkNaming } from '@crosswalk/cross-account-role';
import '@crosswalk/encrypted-artifact-store';
import '@crosswalk/notifying-pipeline';
import '@crosswalk/safe-lambda-deploy';

const app = new App({ outdir: 'cdk.out' });
const env = { account: '111111111111', region: 'eu-west-1' };
const names = new CrosswalkNaming({ projectName: 'Consumer', region: env.region });
new Stack(app, `${names.resourcePrefix}Placeholder`, { env });

const assembly = app.synth();
for (const stack of assembly.stacks) {
  const resources = Object.keys(stack.template.Resources ?? {}).length;
  console.log(`consumer: synthesized ${stack.stackName} (${resources} resources)`);
}
