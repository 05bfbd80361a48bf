/**
 * A tiny CDK app that uses every construct package the way another repository would:
 * installed from the npm tarballs, compiled with tsc, synthesized with node.
 * Each package has a file here that uses what it exports (the examples of its README),
 * so a file missing from a tarball, or an example that no longer compiles, fails the check.
 */
import { App } from 'aws-cdk-lib';
import { useChangeReview } from './change-review';
import { useCrossAccountRole } from './cross-account-role';
import { synthesizeDelivery } from './delivery';
import { useDeployRules } from './deploy-rules';
import { useEncryptedArtifactStore } from './encrypted-artifact-store';
import { useNotifyingPipeline } from './notifying-pipeline';
import { useSafeLambdaDeploy } from './safe-lambda-deploy';

const app = new App({ outdir: 'cdk.out' });
useDeployRules(app); // the deploy rules check every stack below, as they would in a consumer's app
useCrossAccountRole(app);
useEncryptedArtifactStore(app);
useNotifyingPipeline(app);
useSafeLambdaDeploy(app);

const assembly = app.synth();
if (assembly.stacks.length === 0) throw new Error('the consumer app synthesized no stack');
for (const stack of assembly.stacks) {
  const resources = Object.keys(stack.template.Resources ?? {}).length;
  console.log(`consumer: synthesized ${stack.stackName} (${resources} resources)`);
}

// Another team's CDK Pipelines app with the change review before its approval.
useChangeReview();

// Another team's delivery (three environments, us-east-2, function URL, canary) in an app of its own.
synthesizeDelivery();
console.log('consumer: synthesized the Orders delivery (build, roles and service stacks)');
