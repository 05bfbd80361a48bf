import type { CrosswalkConfig, EnvironmentName } from '../config';
import { namingOf } from '../stacks/naming';

/**
 * What the pipeline delivers: the `apps/sample-api` CDK app. build-account may not import
 * sample-api (sample-api depends on build-account for the config), so the few facts the
 * pipeline and the build stage share about it are written down here, once; the system
 * test in `apps/sample-api/test/system/` checks them against `SampleApiStack`.
 */
export const DELIVERED_SERVICE = {
  /** The nx project that synthesizes the service's stacks (its `synth` target). */
  nxProject: '@crosswalk/sample-api',
  /** The app's directory, relative to the repository root. */
  appDir: 'apps/sample-api',
  /** The output the integration and sanity suites read as `API_URL`. */
  urlOutput: 'ApiUrl',
  /** The suites run after each deployment, by nx target of `nxProject`. */
  testTargets: { dev: 'integ', prod: 'sanity' } as Record<EnvironmentName, string>,
} as const;

/**
 * The stack name of the service in an environment, as `SampleApiStack.stackNameFor`
 * spells it: `<resourcePrefix>SampleApi-<environment>`.
 */
export function serviceStackName(config: CrosswalkConfig, environmentName: EnvironmentName): string {
  return `${namingOf(config).resourcePrefix}SampleApi-${environmentName}`;
}

/** The build output artifact: the folder the build stage fills, relative to the repository root. */
export const BUILD_OUTPUT_DIR = 'apps/build-account/dist/build-output';

/** Where the build stage puts the service's templates, inside the build output artifact. */
export const TEMPLATES_DIR = 'templates';

/** The path of an environment's template inside the build output artifact (the pipeline's `templatePath`). */
export function serviceTemplatePath(config: CrosswalkConfig, environmentName: EnvironmentName): string {
  return `${TEMPLATES_DIR}/${serviceStackName(config, environmentName)}.template.json`;
}
