import { App } from 'aws-cdk-lib';
import { ConfigError, CrosswalkConfig, deliveryRegions, rolesTargets, selfUpdates } from '../config';
import { ArtifactStoreStack } from './artifact-store-stack';
import { BuildAccountRolesStack } from './build-account-roles-stack';
import { DeploymentRolesStack } from './deployment-roles-stack';
import { PipelineStack } from './pipeline-stack';

/** Options of {@link addBuildAccountStacks}. */
export interface BuildAccountStacksOptions {
  /**
   * The config override file relative to the repository root, passed to the pipeline's
   * build (see `PipelineStackProps.configFile`).
   * @default - none: the build uses the built-in example config
   */
  readonly configFile?: string;
}

/** The stacks that come before the pipeline: the artifact stores and the target accounts' roles. */
export interface FoundationStacks {
  /** The artifact store of the config's region (the pipeline's). */
  readonly artifactStore: ArtifactStoreStack;
  /** The artifact store of each other region an environment is in, by region. */
  readonly regionalArtifactStores: { readonly [region: string]: ArtifactStoreStack };
  /**
   * The roles of each account and region delivered to, by the stack suffix of its first
   * environment: `dev` and `prod` for the two-environment config.
   */
  readonly deploymentRoles: { readonly [environment: string]: DeploymentRolesStack };
  /** The build account's own roles, through which the pipeline updates its own stacks (with the config's `selfUpdate`, the default). */
  readonly buildAccountRoles?: BuildAccountRolesStack;
}

/** The stacks of a Crosswalk installation. */
export interface BuildAccountStacks extends FoundationStacks {
  readonly pipeline: PipelineStack;
}

/**
 * The regions whose artifact key the config does not name yet: until it does, the pipeline
 * cannot be synthesized (CodePipeline names a cross-account action's key by ARN), but the
 * stores and roles can, so that they are deployed first.
 */
export function regionsAwaitingArtifactKey(config: CrosswalkConfig): string[] {
  return deliveryRegions(config).filter((region) => region !== config.region && config.regions?.[region]?.artifactKeyArn === undefined);
}

/**
 * Adds the artifact stores (build account, each region delivered to) and the deployment roles
 * (each target account and region) to `app`. They reference nothing of each other.
 */
export function addFoundationStacks(app: App, config: CrosswalkConfig): FoundationStacks {
  const artifactStore = new ArtifactStoreStack(app, { config });
  const regionalArtifactStores = Object.fromEntries(deliveryRegions(config).filter((r) => r !== config.region)
    .map((region) => [region, new ArtifactStoreStack(app, { config, region })]));
  const deploymentRoles = Object.fromEntries(rolesTargets(config)
    .map((target) => [target.stackSuffix, new DeploymentRolesStack(app, { config, environmentName: target })]));
  const buildAccountRoles = selfUpdates(config) ? new BuildAccountRolesStack(app, { config }) : undefined;
  return { artifactStore, regionalArtifactStores, deploymentRoles, ...(buildAccountRoles ? { buildAccountRoles } : {}) };
}

/**
 * Adds the stacks of every account to `app`: the artifact stores and the pipeline (build
 * account), the deployment roles of each target account and region. The role stacks reference
 * nothing of the build account's stacks; the pipeline stack references the store stack of its
 * own account and region (its key ARN), which `cdk deploy` orders by itself, and names the
 * stores of other regions by the key ARNs of the config.
 */
export function addBuildAccountStacks(app: App, config: CrosswalkConfig, options: BuildAccountStacksOptions = {}): BuildAccountStacks {
  const awaiting = regionsAwaitingArtifactKey(config);
  if (awaiting.length > 0) {
    throw new ConfigError('given to addBuildAccountStacks', awaiting.map((region) =>
      `regions.${region}.artifactKeyArn is not set, and the pipeline needs it (CodePipeline names a cross-account action's key by ARN); ` +
      `deploy ${ArtifactStoreStack.stackNameFor(config, region)} first (the app synthesizes it without the pipeline until then), then copy its ${ArtifactStoreStack.KEY_ARN_OUTPUT} output there`));
  }
  const foundation = addFoundationStacks(app, config);
  const pipeline = new PipelineStack(app, {
    config,
    artifactBucket: foundation.artifactStore.store.bucket,
    artifactKey: foundation.artifactStore.store.key,
    configFile: options.configFile,
  });
  return { ...foundation, pipeline };
}
