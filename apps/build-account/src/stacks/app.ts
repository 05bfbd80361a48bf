import { App } from 'aws-cdk-lib';
import { CrosswalkConfig } from '../config';
import { ArtifactStoreStack } from './artifact-store-stack';
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

/** The four stacks of a Crosswalk installation. */
export interface BuildAccountStacks {
  readonly artifactStore: ArtifactStoreStack;
  readonly pipeline: PipelineStack;
  readonly deploymentRoles: { readonly dev: DeploymentRolesStack; readonly prod: DeploymentRolesStack };
}

/**
 * Adds the stacks of every account to `app`: the artifact store and the pipeline (build
 * account), the deployment roles of dev and of prod. The role stacks reference nothing
 * of the build account's stacks; the pipeline stack references the store stack of its
 * own account (its key ARN), which `cdk deploy` orders by itself.
 */
export function addBuildAccountStacks(app: App, config: CrosswalkConfig, options: BuildAccountStacksOptions = {}): BuildAccountStacks {
  const artifactStore = new ArtifactStoreStack(app, { config });
  const pipeline = new PipelineStack(app, {
    config,
    artifactBucket: artifactStore.store.bucket,
    artifactKey: artifactStore.store.key,
    configFile: options.configFile,
  });
  const deploymentRoles = {
    dev: new DeploymentRolesStack(app, { config, environmentName: 'dev' }),
    prod: new DeploymentRolesStack(app, { config, environmentName: 'prod' }),
  };
  return { artifactStore, pipeline, deploymentRoles };
}
