import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { builtinModules } from 'module';
import { tmpdir } from 'os';
import { join } from 'path';
import { loadConfig } from '../../src/config';
import { runBuildStage, serviceProjects } from '../../src/pipeline/build-stage';
import { BUILD_OUTPUT_DIR } from '../../src/pipeline/delivered-service';
import { PipelineStack } from '../../src/stacks/pipeline-stack';
import type { PublishAssetsOptions, PublishAssetsResult } from '@crosswalk/cli';
import { CODE_HASH, PIPELINE_CODE_HASH, writeFakeAssembly, writeFakeBuildAccountAssembly } from './fake-assembly';

const config = loadConfig(undefined, {});

/** A repository root whose sample-api has been "synthesized" into the fake assembly. */
/** Workspace members of the fake repository: the service, what it needs, and one package it does not. */
const MEMBERS: Record<string, { readonly name: string; readonly dependencies?: object; readonly peerDependencies?: object; readonly devDependencies?: object }> = {
  'apps/sample-api': { name: '@crosswalk/sample-api', dependencies: { '@crosswalk/build-account': '0.0.0', 'aws-cdk-lib': '2.276.0' } },
  'apps/build-account': { name: '@crosswalk/build-account', dependencies: { '@crosswalk/notifying-pipeline': '0.0.0' } },
  'packages/notifying-pipeline': { name: '@crosswalk/notifying-pipeline', peerDependencies: { '@crosswalk/cross-account-role': '^0.0.0' } },
  'packages/cross-account-role': { name: '@crosswalk/cross-account-role', devDependencies: { jsii: '5.9.0' } },
  'packages/unrelated': { name: '@crosswalk/unrelated', dependencies: { '@crosswalk/cross-account-role': '0.0.0' } },
};

/** The fake repository made last: where the recording runner writes what the test-bundle target writes. */
let lastRepository = '';

function fakeRepository(): string {
  const root = mkdtempSync(join(tmpdir(), 'repo-'));
  lastRepository = root;
  for (const [dir, manifest] of Object.entries(MEMBERS)) {
    mkdirSync(join(root, dir), { recursive: true });
    writeFileSync(join(root, dir, 'package.json'), JSON.stringify(manifest));
  }
  const assembly = join(root, 'apps', 'sample-api', 'cdk.out');
  mkdirSync(assembly, { recursive: true });
  writeFakeAssembly(assembly);
  const own = join(root, 'apps', 'build-account', 'cdk.out');
  mkdirSync(own, { recursive: true });
  writeFakeBuildAccountAssembly(own);
  return root;
}

const SERVICE_PROJECTS = '--projects=@crosswalk/sample-api,@crosswalk/build-account,@crosswalk/notifying-pipeline,@crosswalk/cross-account-role';

/**
 * A runner that records the steps and, for the test bundle step, writes what sample-api's
 * `test-bundle` target writes: `<suite>.cjs` into the folder it is given.
 */
function recordingRunner(steps: string[][], bundles = ['integ', 'sanity']): (argv: readonly string[]) => number {
  return (argv) => {
    steps.push([...argv]);
    if (argv.includes('@crosswalk/sample-api:test-bundle') || (argv.includes('run-many') && argv.includes('test-bundle'))) {
      const outDir = join(lastRepository, 'apps', 'sample-api', 'dist', 'test-bundle');
      mkdirSync(outDir, { recursive: true });
      for (const suite of bundles) writeFileSync(join(outDir, `${suite}.cjs`), `// ${suite}`);
    }
    return 0;
  };
}

describe('serviceProjects', () => {
  test('the delivered service and every workspace package it depends on, through any dependency field, and nothing else', () => {
    expect(serviceProjects(fakeRepository(), '@crosswalk/sample-api'))
      .toEqual(['@crosswalk/sample-api', '@crosswalk/build-account', '@crosswalk/notifying-pipeline', '@crosswalk/cross-account-role']);
    expect(() => serviceProjects(fakeRepository(), '@crosswalk/missing')).toThrow(/@crosswalk\/missing is not a workspace package of /);
  });

  test('in this repository, the sample API needs every package (build-account composes them all)', () => {
    const projects = serviceProjects(join(__dirname, '..', '..', '..', '..'), '@crosswalk/sample-api');
    expect(projects[0]).toBe('@crosswalk/sample-api');
    expect([...projects].sort()).toEqual([
      '@crosswalk/build-account', '@crosswalk/change-review', '@crosswalk/cli', '@crosswalk/cross-account-role', '@crosswalk/deploy-rules',
      '@crosswalk/encrypted-artifact-store', '@crosswalk/notifying-pipeline', '@crosswalk/safe-lambda-deploy', '@crosswalk/sample-api',
    ]);
  });
});

describe('runBuildStage', () => {
  test('builds and tests the service, the build account\'s app and the workspace packages they need through nx, publishes the code of the service\'s stacks and of the pipeline\'s own, then puts the templates where the pipeline reads them', async () => {
    const root = fakeRepository();
    const steps: string[][] = [];
    const publications: PublishAssetsOptions[] = [];
    const publish = async (options: PublishAssetsOptions): Promise<PublishAssetsResult> => {
      publications.push(options);
      const hash = options.assemblyDir.includes('build-account') ? PIPELINE_CODE_HASH : CODE_HASH;
      const found = [`s3://crosswalk-artifacts-111111111111-eu-west-1/assets/${hash}.zip`];
      return { planned: [], uploaded: [], found };
    };
    const result = await runBuildStage({ repositoryRoot: root, config, runStep: recordingRunner(steps), publish, log: () => undefined });
    expect(steps).toEqual([
      ['npx', 'nx', 'run-many', '-t', 'build', 'test', 'synth', 'test-bundle', SERVICE_PROJECTS, '--output-style=stream'],
    ]);
    expect(publications.map(({ assemblyDir, stackNames, dryRun }) => ({ assemblyDir, stackNames, dryRun }))).toEqual([{
      assemblyDir: join(root, 'apps', 'sample-api', 'cdk.out'),
      stackNames: ['Crosswalk-SampleApi-dev', 'Crosswalk-SampleApi-prod'],
      dryRun: undefined,
    }, {
      // The self-update's: the pipeline's own functions (the store has no code).
      assemblyDir: join(root, 'apps', 'build-account', 'cdk.out'),
      stackNames: ['Crosswalk-Pipeline'],
      dryRun: undefined,
    }]);
    expect(result.templates).toEqual([
      'templates/Crosswalk-SampleApi-dev.template.json', 'templates/Crosswalk-SampleApi-prod.template.json',
      'templates/Crosswalk-ArtifactStore.template.json', 'templates/Crosswalk-Pipeline.template.json',
    ]);
    for (const stack of ['Crosswalk-ArtifactStore', 'Crosswalk-Pipeline']) {
      expect(JSON.parse(readFileSync(join(root, BUILD_OUTPUT_DIR, 'templates', `${stack}.template.json`), 'utf-8'))).toEqual({ Description: `${stack} template` });
    }
    for (const [i, env] of ['dev', 'prod'].entries()) {
      const copied = JSON.parse(readFileSync(join(root, BUILD_OUTPUT_DIR, result.templates[i]), 'utf-8'));
      expect(copied).toEqual({ Description: `${env} template` });
    }
    expect(result.testBundles).toEqual(['test-bundle/integ.cjs', 'test-bundle/sanity.cjs']);
    const info = JSON.parse(readFileSync(join(root, BUILD_OUTPUT_DIR, 'build-info.json'), 'utf-8'));
    expect(info.published).toEqual({ uploaded: [], found: [`s3://crosswalk-artifacts-111111111111-eu-west-1/assets/${CODE_HASH}.zip`, `s3://crosswalk-artifacts-111111111111-eu-west-1/assets/${PIPELINE_CODE_HASH}.zip`] });
    expect(info.testBundles).toEqual(['test-bundle/integ.cjs', 'test-bundle/sanity.cjs']);
    expect(result.published?.found).toHaveLength(2);
  });

  test('without the self-update, only the service: the build account\'s stacks are neither published nor collected', async () => {
    const root = fakeRepository();
    const publications: PublishAssetsOptions[] = [];
    const publish = async (options: PublishAssetsOptions): Promise<PublishAssetsResult> => {
      publications.push(options);
      return { planned: [], uploaded: [], found: [] };
    };
    const steps: string[][] = [];
    const result = await runBuildStage({ repositoryRoot: root, config: loadConfig({ selfUpdate: false }, {}), skipBuild: true, runStep: recordingRunner(steps), publish, log: () => undefined });
    expect(steps.map((argv) => argv[3])).toEqual(['@crosswalk/sample-api:synth', '@crosswalk/sample-api:test-bundle']);
    expect(publications.map((p) => p.stackNames)).toEqual([['Crosswalk-SampleApi-dev', 'Crosswalk-SampleApi-prod']]);
    expect(result.templates).toEqual(['templates/Crosswalk-SampleApi-dev.template.json', 'templates/Crosswalk-SampleApi-prod.template.json']);
  });

  test('the build output holds the suites\' test bundles, which the test actions run without installing anything', async () => {
    const root = fakeRepository();
    const result = await runBuildStage({ repositoryRoot: root, config, skipBuild: true, skipPublish: true, runStep: recordingRunner([]), log: () => undefined });
    for (const bundle of result.testBundles) {
      expect(existsSync(join(root, BUILD_OUTPUT_DIR, bundle))).toBe(true);
    }
  });

  test('fails when the test bundle step leaves a suite out', async () => {
    const root = fakeRepository();
    await expect(runBuildStage({ repositoryRoot: root, config, skipBuild: true, skipPublish: true, runStep: recordingRunner([], ['integ']), log: () => undefined }))
      .rejects.toThrow('bundle the test suites wrote no sanity.cjs into apps/sample-api/dist/test-bundle');
  });

  test('--skip-build and --skip-publish: only the synth and the test bundles, no publication; templates still collected', async () => {
    const root = fakeRepository();
    const steps: string[][] = [];
    const publish = async (): Promise<PublishAssetsResult> => {
      throw new Error('no publication expected');
    };
    const result = await runBuildStage({
      repositoryRoot: root, config, skipBuild: true, skipPublish: true, runStep: recordingRunner(steps), publish, log: () => undefined,
    });
    expect(steps.map((argv) => argv[3])).toEqual(['@crosswalk/sample-api:synth', '@crosswalk/sample-api:test-bundle', '@crosswalk/build-account:synth']);
    expect(result.published).toBeUndefined();
    expect(existsSync(join(root, BUILD_OUTPUT_DIR, 'templates', 'Crosswalk-SampleApi-prod.template.json'))).toBe(true);
  });

  test('fails at the first failing step, naming it', async () => {
    const root = fakeRepository();
    await expect(runBuildStage({ repositoryRoot: root, config, runStep: () => 2, log: () => undefined }))
      .rejects.toThrow(`build, test and synthesize the service and its dependencies, and bundle its test suites failed (exit 2): npx nx run-many -t build test synth test-bundle ${SERVICE_PROJECTS} --output-style=stream`);
  });

  test('fails when the synthesis lacks a stack the pipeline deploys (config mismatch), before publishing anything', async () => {
    const root = fakeRepository();
    const other = loadConfig({ projectName: 'Other' }, {});
    const publish = async (): Promise<PublishAssetsResult> => {
      throw new Error('no publication expected');
    };
    await expect(runBuildStage({ repositoryRoot: root, config: other, skipBuild: true, publish, runStep: () => 0, log: () => undefined }))
      .rejects.toThrow(/no stack named 'Other-SampleApi-dev'.*same config \(CROSSWALK_CONFIG\)/);
  });
});

describe('the command the Build stage runs on a fresh clone', () => {
  // The buildspec runs `npx nx run @crosswalk/build-account:build-stage` right after
  // `npm ci`: no workspace package has its compiled lib/ yet, and the script (run by
  // ts-node) imports some of them. The nx target must build them first, or the
  // pipeline's first run fails with "Cannot find module …/lib/src/index.js".
  const appDir = join(__dirname, '..', '..');
  const manifest = JSON.parse(readFileSync(join(appDir, 'package.json'), 'utf-8'));

  /** The workspace packages a TypeScript file imports, following its relative imports inside the app. */
  function workspaceImports(file: string, seen = new Set<string>()): Set<string> {
    const found = new Set<string>();
    if (seen.has(file)) return found;
    seen.add(file);
    const source = readFileSync(file, 'utf-8');
    for (const [, spec] of source.matchAll(/^(?:import|export)\s[^;]*?from\s+'([^']+)'/gms)) {
      if (spec.startsWith('@crosswalk/')) {
        found.add(spec.split('/').slice(0, 2).join('/'));
      } else if (spec.startsWith('.')) {
        const base = join(file, '..', spec);
        const target = [`${base}.ts`, join(base, 'index.ts')].find((candidate) => existsSync(candidate));
        if (target) workspaceImports(target, seen).forEach((p) => found.add(p));
      }
    }
    return found;
  }

  test('its nx target builds the workspace packages the script imports first', () => {
    expect(manifest.nx.targets['build-stage'].dependsOn).toContain('^build');
    const imported = [...workspaceImports(join(appDir, 'src', 'pipeline', 'build-stage.ts'))];
    expect(imported).toContain('@crosswalk/cli');
    // `^build` builds the app's own workspace dependencies: each imported package must be one.
    const declared = Object.keys({ ...manifest.dependencies, ...manifest.devDependencies });
    expect(imported.filter((p) => !declared.includes(p))).toEqual([]);
  });

  test('the task cache it runs under is run from source before anything is built: it and the files it imports use only Node\'s own modules', () => {
    const command = JSON.stringify((PipelineStack.buildSpec() as unknown as { spec: object }).spec);
    const script = /ts-node --transpile-only (\S+\.ts) /.exec(command)?.[1];
    expect(script).toBe('tools/nx-cache.ts');
    // Follow the relative imports (ts-node compiles them too); every other import must be Node's.
    const seen = new Set<string>();
    const external: string[] = [];
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const source = readFileSync(file, 'utf-8');
      for (const [, spec] of source.matchAll(/^import[^;]*?from\s+'([^']+)'/gms)) {
        if (spec.startsWith('.')) visit(join(file, '..', `${spec}.ts`));
        else if (!builtinModules.includes(spec.replace(/^node:/, ''))) external.push(`${spec} (${file})`);
      }
    };
    visit(join(appDir, '..', '..', script!));
    expect(seen.size).toBeGreaterThan(1);
    expect(external).toEqual([]);
  });
});
