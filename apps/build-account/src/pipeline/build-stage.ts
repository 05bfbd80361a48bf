import { spawnSync } from 'child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { basename, join } from 'path';
import { AssemblyError, PublishAssetsOptions, PublishAssetsResult, publishAssets, readAssembly, selectStacks } from '@crosswalk/cli';
import { CrosswalkConfig, deliveryTargets, ENVIRONMENT_NAMES, loadConfig, selfUpdates } from '../config';
import { ArtifactStoreStack } from '../stacks/artifact-store-stack';
import { PipelineStack } from '../stacks/pipeline-stack';
import {
  BUILD_ACCOUNT_APP, BUILD_OUTPUT_DIR, DELIVERED_SERVICE, TEMPLATES_DIR, TEST_BUNDLE_DIR, buildAccountTemplatePath, serviceStackName, serviceTemplatePath, testBundlePath,
} from './delivered-service';
import { findRepositoryRoot } from './repository';

/**
 * What the pipeline's Build stage runs after `npm ci`, and what a developer runs locally
 * (`npx nx run @crosswalk/build-account:build-stage -- --skip-publish`):
 *
 * 1. build and test the service and the workspace packages it needs, and synthesize the
 *    service's stacks (`@crosswalk/sample-api:synth`, with the same config), in one nx run
 *    that replays from nx's cache whatever a change did not touch;
 * 2. (with `--skip-build`: only the synthesis);
 * 3. publish the code assets of the dev and prod stacks to the artifact bucket
 *    (`publishAssets` of `@crosswalk/cli`, the `crosswalk publish-assets` command);
 * 4. copy their templates into the build output folder, where the pipeline's deploy
 *    actions find them (`templates/<stack name>.template.json`);
 * 5. bundle the service's suites into the build output (`@crosswalk/sample-api:test-bundle`,
 *    `test-bundle/<suite>.cjs`): the test actions run them with `node --test`, nothing installed;
 * 6. with the config's `selfUpdate` (the default): the same for the build account's own stacks
 *    (this app, built, tested and synthesized in step 1): the pipeline stack's code assets
 *    published, the store's and the pipeline's templates copied, for the self-update stages.
 *
 * Options: `--skip-build` (steps 2-5 only), `--skip-publish` (no AWS call at all),
 * `--dry-run` (list the uploads, make no AWS call).
 */
export interface BuildStageOptions {
  readonly repositoryRoot: string;
  readonly config: CrosswalkConfig;
  readonly skipBuild?: boolean;
  readonly skipPublish?: boolean;
  readonly dryRun?: boolean;
  /** Runs nx (inheriting the terminal); returns the exit status. */
  readonly runStep?: (argv: readonly string[]) => number;
  /** Publishes the assets. @default publishAssets of @crosswalk/cli, with the caller's credentials */
  readonly publish?: (options: PublishAssetsOptions) => Promise<PublishAssetsResult>;
  readonly log?: (line: string) => void;
}

export interface BuildStageResult {
  /** The templates written into the build output, relative to it. */
  readonly templates: string[];
  /** The suites' test bundles written into the build output, relative to it. */
  readonly testBundles: string[];
  readonly published?: PublishAssetsResult;
}

/**
 * The workspace packages `project` depends on, itself first: its `dependencies`,
 * `peerDependencies` and `devDependencies` that are members of the workspace, transitively,
 * as nx's project graph has them (the graph follows the package.json files).
 */
export function serviceProjects(repositoryRoot: string, project: string): string[] {
  const members = new Map<string, any>();
  for (const folder of ['packages', 'apps']) {
    const dir = join(repositoryRoot, folder);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      const manifest = join(dir, name, 'package.json');
      if (existsSync(manifest)) {
        const json = JSON.parse(readFileSync(manifest, 'utf-8'));
        members.set(json.name, json);
      }
    }
  }
  if (!members.has(project)) throw new Error(`${project} is not a workspace package of ${repositoryRoot} (packages/*, apps/*)`);
  const found = [project];
  for (let i = 0; i < found.length; i++) {
    const json = members.get(found[i]);
    for (const field of ['dependencies', 'peerDependencies', 'devDependencies']) {
      for (const dependency of Object.keys(json[field] ?? {})) {
        if (members.has(dependency) && !found.includes(dependency)) found.push(dependency);
      }
    }
  }
  return found;
}

export async function runBuildStage(options: BuildStageOptions): Promise<BuildStageResult> {
  const { repositoryRoot, config } = options;
  const log = options.log ?? ((line: string) => console.log(line));
  const runStep = options.runStep ?? inheritingRunner(repositoryRoot);
  const step = (title: string, argv: string[]) => {
    log(`\n==> ${title}: ${argv.join(' ')}`);
    const status = runStep(argv);
    if (status !== 0) throw new Error(`${title} failed (exit ${status}): ${argv.join(' ')}`);
  };

  if (!options.skipBuild) {
    // Only what the service needs: its project and the workspace packages it depends on,
    // built and tested (no docs, no packaging). nx replays from its cache every project a
    // change did not touch.
    // The service's synth runs in the same nx invocation, next to its tests.
    const projects = [...new Set([
      ...serviceProjects(repositoryRoot, DELIVERED_SERVICE.nxProject),
      ...(selfUpdates(config) ? serviceProjects(repositoryRoot, BUILD_ACCOUNT_APP.nxProject) : []),
    ])];
    // The service's synth and its test bundles run in the same nx invocation, next to its tests.
    step('build, test and synthesize the service and its dependencies, and bundle its test suites',
      ['npx', 'nx', 'run-many', '-t', 'build', 'test', 'synth', DELIVERED_SERVICE.testBundleTarget, `--projects=${projects.join(',')}`, '--output-style=stream']);
  } else {
    step('synthesize the service', ['npx', 'nx', 'run', `${DELIVERED_SERVICE.nxProject}:synth`, '--output-style=stream']);
    step('bundle the test suites', ['npx', 'nx', 'run', `${DELIVERED_SERVICE.nxProject}:${DELIVERED_SERVICE.testBundleTarget}`, '--output-style=stream']);
    if (selfUpdates(config)) step('synthesize the build account\'s stacks', ['npx', 'nx', 'run', `${BUILD_ACCOUNT_APP.nxProject}:synth`, '--output-style=stream']);
  }

  const assemblyDir = join(repositoryRoot, DELIVERED_SERVICE.appDir, 'cdk.out');
  const targets = deliveryTargets(config);
  const stackNames = targets.map((target) => serviceStackName(config, target));
  const stacks = stacksOf(assemblyDir, stackNames);
  // The build account's own stacks (self-update): the store has no asset, the pipeline's functions do.
  const ownAssemblyDir = join(repositoryRoot, BUILD_ACCOUNT_APP.appDir, 'cdk.out');
  const ownStackNames = selfUpdates(config) ? [ArtifactStoreStack.stackNameFor(config), PipelineStack.stackNameFor(config)] : [];
  const ownStacks = ownStackNames.length === 0 ? [] : stacksOf(ownAssemblyDir, ownStackNames);
  let published: PublishAssetsResult | undefined;
  if (options.skipPublish) {
    log('\n==> publish the code assets: skipped (--skip-publish)');
  } else {
    log(`\n==> publish the code assets of ${stackNames.join(', ')}`);
    published = await (options.publish ?? publishAssets)({ assemblyDir, stackNames, dryRun: options.dryRun, log });
    if (ownStackNames.length > 0) {
      const pipelineStack = PipelineStack.stackNameFor(config);
      log(`\n==> publish the code assets of ${pipelineStack} (the pipeline's own functions, for its self-update)`);
      const own = await (options.publish ?? publishAssets)({ assemblyDir: ownAssemblyDir, stackNames: [pipelineStack], dryRun: options.dryRun, log });
      published = { planned: [...published.planned, ...own.planned], uploaded: [...published.uploaded, ...own.uploaded], found: [...published.found, ...own.found] };
    }
  }

  const outputDir = join(repositoryRoot, BUILD_OUTPUT_DIR);
  rmSync(outputDir, { recursive: true, force: true });
  mkdirSync(join(outputDir, TEMPLATES_DIR), { recursive: true });
  const templates: string[] = [];
  for (const [i, target] of targets.entries()) {
    const path = serviceTemplatePath(config, target);
    copyFileSync(stacks[i].templatePath, join(outputDir, path));
    templates.push(path);
    log(`template ${target.stackSuffix}: ${BUILD_OUTPUT_DIR}/${path}`);
  }
  for (const [i, stackName] of ownStackNames.entries()) {
    const path = buildAccountTemplatePath(stackName);
    copyFileSync(ownStacks[i].templatePath, join(outputDir, path));
    templates.push(path);
    log(`template of the build account's ${stackName}: ${BUILD_OUTPUT_DIR}/${path}`);
  }

  // The test-bundle target writes into its default folder, `<app>/dist/test-bundle`.
  const bundlesDir = join(repositoryRoot, DELIVERED_SERVICE.appDir, 'dist', TEST_BUNDLE_DIR);
  const testBundles = [...new Set(ENVIRONMENT_NAMES.map((env) => testBundlePath(env)))];
  const missing = testBundles.filter((bundle) => !existsSync(join(bundlesDir, basename(bundle))));
  if (missing.length > 0) {
    throw new Error(`bundle the test suites wrote no ${missing.map((b) => basename(b)).join(', ')} into ${DELIVERED_SERVICE.appDir}/dist/${TEST_BUNDLE_DIR}: the test actions run these files`);
  }
  mkdirSync(join(outputDir, TEST_BUNDLE_DIR), { recursive: true });
  for (const bundle of testBundles) {
    copyFileSync(join(bundlesDir, basename(bundle)), join(outputDir, bundle));
    log(`test bundle: ${BUILD_OUTPUT_DIR}/${bundle}`);
  }

  const publication = published && { uploaded: published.uploaded, found: published.found };
  writeFileSync(join(outputDir, 'build-info.json'), JSON.stringify({ stacks: stackNames, templates, testBundles, published: publication }, null, 2));
  return { templates, testBundles, published };
}

/** The service's stacks in the assembly, or an error that points at the config both apps must share. */
function stacksOf(assemblyDir: string, stackNames: string[]) {
  try {
    return selectStacks(readAssembly(assemblyDir), stackNames);
  } catch (err) {
    if (!(err instanceof AssemblyError)) throw err;
    throw new Error(`the cloud assembly ${assemblyDir} does not hold the stacks the pipeline deploys (${err.message}); synthesize the app with the same config (CROSSWALK_CONFIG) first`);
  }
}

function inheritingRunner(cwd: string): (argv: readonly string[]) => number {
  return (argv) => spawnSync(argv[0], argv.slice(1), { cwd, stdio: 'inherit' }).status ?? 1;
}

/** The command line: `build-stage.ts [--skip-build] [--skip-publish] [--dry-run]`. */
async function main(argv: string[]): Promise<void> {
  const known = ['--skip-build', '--skip-publish', '--dry-run'];
  const unknown = argv.filter((a) => !known.includes(a));
  if (unknown.length > 0) {
    throw new Error(`unknown option ${unknown.join(' ')}; the build stage takes ${known.join(', ')}`);
  }
  const repositoryRoot = findRepositoryRoot(__dirname);
  if (!repositoryRoot) throw new Error(`cannot find the repository root (nx.json) above ${__dirname}`);
  await runBuildStage({
    repositoryRoot,
    config: loadConfig(),
    skipBuild: argv.includes('--skip-build'),
    skipPublish: argv.includes('--skip-publish'),
    dryRun: argv.includes('--dry-run'),
  });
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err) => {
    console.error(`build stage failed: ${(err as Error).message}`);
    process.exitCode = 1;
  });
}
