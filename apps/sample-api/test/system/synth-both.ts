import { mkdtempSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { BuildAccountStacks, CrosswalkConfig, addBuildAccountStacks, deliveryTargets, loadConfig } from '@crosswalk/build-account';
import { SampleApiStack } from '../../src/stacks';
import { DeployedStack, World } from './world';

/** Both apps synthesized into one cloud assembly, as they would be deployed together. */
export interface BothApps {
  readonly config: CrosswalkConfig;
  readonly outdir: string;
  readonly build: BuildAccountStacks;
  /** The service's stack of each environment and region, by its stack suffix (`dev`, `prod`, `prod-us-west-2`…). */
  readonly service: { readonly [stackSuffix: string]: SampleApiStack };
  readonly world: World;
  deployed(stack: Stack): DeployedStack;
}

export function synthesizeBothApps(config: CrosswalkConfig = loadConfig(undefined, {})): BothApps {
  // Without aws-cdk-lib's built-in CloudFormation template validation: the system tests read
  // the templates, not the validation report, where it only writes warnings (it fails no synth
  // without the @aws-cdk/core:validateAgainstDefaultRules flag), and it costs ~2.5 s to load.
  // test/stacks/template-validation.test.ts runs it over the service stacks.
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'crosswalk-system-')), builtinCloudFormationValidation: false });
  const build = addBuildAccountStacks(app, config);
  const buildInfo = { version: '1.0.0', commit: 'abcdef0' };
  const service = Object.fromEntries(deliveryTargets(config).map((target) => [target.stackSuffix,
    new SampleApiStack(app, { config, environmentName: target, buildInfo })]));
  app.synth();
  const all: Stack[] = [
    build.artifactStore, ...Object.values(build.regionalArtifactStores), build.pipeline, ...Object.values(build.deploymentRoles),
    ...(build.buildAccountRoles ? [build.buildAccountRoles] : []), ...Object.values(service),
  ];
  const deployed = all.map((stack) => ({
    stackName: stack.stackName,
    account: stack.account,
    region: stack.region,
    template: JSON.parse(readFileSync(join(app.outdir, stack.templateFile), 'utf-8')),
  }));
  const world = new World(deployed);
  return { config, outdir: app.outdir, build, service, world, deployed: (stack) => world.stack(stack.stackName) };
}
