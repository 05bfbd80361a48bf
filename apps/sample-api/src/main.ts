import { App, Validations } from 'aws-cdk-lib';
import { addCompliance, deliveryTargets, exitOnConfigError, loadConfig, namingOf } from '@crosswalk/build-account';
import { ConventionRolesCheck } from '@crosswalk/cross-account-role';
import { DeployRules } from '@crosswalk/deploy-rules';
import { SampleApiStack, simulateFailureTarget } from './stacks';

/**
 * The sample API's CDK app: a stack per environment and region (dev and prod, or those of the
 * config's waves), on the config of
 * `CROSSWALK_CONFIG` (or the built-in example), checked by Crosswalk's deploy rules and by
 * what the convention roles may deploy (synth fails on a finding).
 *
 * - `-c isolated=<prefix>` adds an isolated copy in the dev account (see deploy:isolated);
 *   `-c isolatedAssetsBucket=<bucket>` uploads its code there instead of the bootstrap bucket.
 * - `-c simulateFailureIn=<dev|prod|prefix>` turns the rollback demo on for that one stack.
 */
// CloudFormation's template validation (aws-cdk-lib's built-in plugin) runs in the tests
// (test/stacks/template-validation.test.ts), once per change, not on every synth;
// `CDK_VALIDATION=true` turns it on here too.
const app = new App({ builtinCloudFormationValidation: process.env.CDK_VALIDATION === 'true' });
// A bad config ends synth with its message alone (exit 1), not a stack trace.
const config = exitOnConfigError(() => loadConfig());
Validations.of(app).addPlugins(
  new DeployRules({ naming: namingOf(config) }),
  // Every resource type and name of the service's stacks fits the convention roles' default policies.
  new ConventionRolesCheck({ naming: namingOf(config), buildAccountId: config.accounts.build }),
);
const isolated = contextString(app, 'isolated');
const targets = deliveryTargets(config);
const failIn = simulateFailureTarget(contextString(app, 'simulateFailureIn'), isolated, targets.map((t) => t.stackSuffix));

// One stack per environment and region of the config (dev and prod, or the waves').
for (const target of targets) {
  new SampleApiStack(app, { config, environmentName: target, simulateFailure: failIn === target.stackSuffix });
}
if (isolated !== undefined) {
  new SampleApiStack(app, {
    config,
    environmentName: 'dev',
    isolatedPrefix: isolated,
    isolatedAssetsBucket: contextString(app, 'isolatedAssetsBucket'),
    simulateFailure: failIn === isolated,
  });
}
if (app.node.tryGetContext('compliance')) addCompliance(app, config); // Control Tower controls, `compliance` task only
app.synth();

function contextString(scope: App, key: string): string | undefined {
  const value: unknown = scope.node.tryGetContext(key);
  if (value === undefined || value === '') return undefined;
  return String(value);
}
