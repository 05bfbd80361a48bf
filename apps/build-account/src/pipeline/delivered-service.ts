import type { CrosswalkConfig, DeliveryTarget, EnvironmentName } from '../config';
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
  /**
   * The suites run after each deployment, by nx target of `nxProject` (jest, locally); the
   * same names are the suites' test bundles (`testBundlePath`), which the test actions run.
   */
  testTargets: { dev: 'integ', prod: 'sanity' } as Record<EnvironmentName, string>,
  /**
   * The nx target of `nxProject` that bundles every suite of `testTargets` into one
   * self-contained file each, `<suite>.cjs`, in the folder given as its argument.
   */
  testBundleTarget: 'test-bundle',
} as const;

/**
 * The stack name of the service in an environment, as `SampleApiStack.stackNameFor`
 * spells it: `<resourcePrefix>SampleApi-<environment>` (`dev`, `prod`, or a target's stack
 * suffix, such as `prod-eu-us-west-2`).
 */
export function serviceStackName(config: CrosswalkConfig, environment: EnvironmentName | DeliveryTarget): string {
  return `${namingOf(config).resourcePrefix}SampleApi-${typeof environment === 'string' ? environment : environment.stackSuffix}`;
}

/** The build output artifact: the folder the build stage fills, relative to the repository root. */
export const BUILD_OUTPUT_DIR = 'apps/build-account/dist/build-output';

/** Where the build stage puts the service's templates, inside the build output artifact. */
export const TEMPLATES_DIR = 'templates';

/** The path of an environment's template inside the build output artifact (the pipeline's `templatePath`). */
export function serviceTemplatePath(config: CrosswalkConfig, environment: EnvironmentName | DeliveryTarget): string {
  return `${TEMPLATES_DIR}/${serviceStackName(config, environment)}.template.json`;
}

/** Where the build stage puts the suites' test bundles, inside the build output artifact. */
export const TEST_BUNDLE_DIR = 'test-bundle';

/** The path of an environment's test bundle inside the build output artifact: `test-bundle/<suite>.cjs`. */
export function testBundlePath(environmentName: EnvironmentName): string {
  return `${TEST_BUNDLE_DIR}/${DELIVERED_SERVICE.testTargets[environmentName]}.cjs`;
}

/**
 * The name of the build output artifact in the pipeline (`NotifyingPipeline.buildOutput`): a
 * test action finds it, its secondary input, in `$CODEBUILD_SRC_DIR_<name>`.
 */
export const BUILD_OUTPUT_ARTIFACT = 'BuildOutput';

/**
 * Where a test action writes its JUnit report, relative to its primary input (the source
 * checkout, `$CODEBUILD_SRC_DIR`): where the suites' jest reports always went, which the
 * report group's default pattern `**\/test-reports/*.xml` matches.
 */
export const TEST_REPORTS_DIR = `${DELIVERED_SERVICE.appDir}/test-reports`;

/**
 * The commands of an environment's test action: run the suite's bundle from the build
 * output with Node's test runner (spec output in the log, a JUnit report for the report
 * group). Nothing is installed: the bundle holds the suite, its imports, jest's `expect` and
 * the globals on `node:test`. The junit reporter needs Node.js >= 20.13 (CodeBuild runs 22).
 */
export function testActionCommands(environmentName: EnvironmentName): string[] {
  const suite = DELIVERED_SERVICE.testTargets[environmentName];
  const reports = `$CODEBUILD_SRC_DIR/${TEST_REPORTS_DIR}`;
  return [
    `mkdir -p "${reports}"`,
    'node --test --test-reporter=spec --test-reporter-destination=stdout '
      + `--test-reporter=junit --test-reporter-destination="${reports}/${suite}.xml" `
      + `"$CODEBUILD_SRC_DIR_${BUILD_OUTPUT_ARTIFACT}/${testBundlePath(environmentName)}"`,
  ];
}

/** This app itself, whose stacks the pipeline updates (self-update) from the build output. */
export const BUILD_ACCOUNT_APP = {
  /** The nx project that synthesizes the build account's stacks (its `synth` target). */
  nxProject: '@crosswalk/build-account',
  /** The app's directory, relative to the repository root. */
  appDir: 'apps/build-account',
} as const;

/** The path of one of the build account's own templates inside the build output artifact. */
export function buildAccountTemplatePath(stackName: string): string {
  return `${TEMPLATES_DIR}/${stackName}.template.json`;
}
