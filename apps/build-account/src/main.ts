import { dirname, relative, resolve, sep } from 'path';
import { App, Validations } from 'aws-cdk-lib';
import { DeployRules } from '@crosswalk/deploy-rules';
import { AwsSolutionsChecks } from 'cdk-nag';
import { addCompliance } from './compliance';
import { CONFIG_ENV_VAR, ConfigError, exitOnConfigError, loadConfig, quoteConfigValue } from './config';
import { findRepositoryRoot } from './pipeline/repository';
import { addBuildAccountStacks, addFoundationStacks, ArtifactStoreStack, namingOf, regionsAwaitingArtifactKey } from './stacks';

/**
 * The build-account app: the artifact store and pipeline stacks (build account) and the
 * deployment-role stacks (dev, prod), on the config of `CROSSWALK_CONFIG` (or the
 * built-in example), with Crosswalk's deploy rules: synth fails on any finding.
 *
 * cdk-nag's AwsSolutions checks and CloudFormation's template validation run where they
 * run once per change rather than on every synth: the tests (test/stacks/nag.test.ts,
 * test/stacks/template-validation.test.ts) and the `compliance` task; `CDK_VALIDATION=true`
 * turns the template validation on here too.
 */
const app = new App({ builtinCloudFormationValidation: process.env.CDK_VALIDATION === 'true' });
// A bad config ends synth with its message alone (exit 1), not a stack trace.
const config = exitOnConfigError(() => loadConfig());
const configFile = exitOnConfigError(() => configFileInRepository(process.env[CONFIG_ENV_VAR]));
const compliance = Boolean(app.node.tryGetContext('compliance'));
Validations.of(app).addPlugins(new DeployRules({ naming: namingOf(config) }), ...(compliance ? [new AwsSolutionsChecks(app)] : []));
const awaiting = regionsAwaitingArtifactKey(config);
if (awaiting.length === 0) {
  addBuildAccountStacks(app, config, { configFile });
} else {
  // The stores of other regions come first: the pipeline names their keys by ARN.
  addFoundationStacks(app, config);
  for (const region of awaiting) {
    console.error(`crosswalk: the pipeline stack is left out until regions.${region}.artifactKeyArn is set: deploy ${ArtifactStoreStack.stackNameFor(config, region)}, ` +
      `then copy its ${ArtifactStoreStack.KEY_ARN_OUTPUT} output into the config`);
  }
}
if (compliance) addCompliance(app, config); // Control Tower controls, `compliance` task only
app.synth();

/**
 * The override file as the pipeline's build sees it: relative to the repository root
 * (the build runs in a checkout of the repository).
 */
function configFileInRepository(file: string | undefined): string | undefined {
  if (file === undefined || file.trim() === '') return undefined;
  const absolute = resolve(file);
  const root = findRepositoryRoot(dirname(absolute));
  const inRepo = root === undefined ? undefined : relative(root, absolute);
  if (inRepo === undefined || inRepo.startsWith('..')) {
    throw new ConfigError(CONFIG_ENV_VAR, [`${CONFIG_ENV_VAR} must name a file inside the repository, so that the pipeline's build reads the same config, got ${quoteConfigValue(file)}; move it into the repository and commit it`]);
  }
  return inRepo.split(sep).join('/');
}
