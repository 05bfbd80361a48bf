import { javascript, typescript } from 'projen';
import { VERSIONS } from './versions';

/** Options every workspace package (construct or app) shares; set once here. */
export const COMMON_OPTIONS = {
  defaultReleaseBranch: 'main',
  typescriptVersion: VERSIONS.typescript,
  minNodeVersion: VERSIONS.minNode,
  packageManager: javascript.NodePackageManager.NPM as javascript.NodePackageManager,
  author: 'Crosswalk developers',
  authorAddress: 'crosswalk@example.com',
  repositoryUrl: 'https://github.com/crosswalk-dev/crosswalk.git',
  license: 'Apache-2.0',
  eslint: false,
  prettier: false,
  sampleCode: false,
  // A getter, so that each package gets its own arrays: projen appends to coverageReporters.
  get jestOptions() {
    return {
      jestVersion: VERSIONS.jest,
      // --ci: a changed snapshot fails instead of being rewritten.
      updateSnapshot: javascript.UpdateSnapshot.NEVER,
      jestConfig: {
        // text-summary on the console, cobertura for CodeBuild's coverage reports.
        coverageReporters: ['text-summary', 'cobertura'],
        // Coverage is a report nobody gates on (no threshold, no consumer of the files), and it
        // doubled the suite's time on 2 cores; `npx jest --coverage` in a package still gives it.
        collectCoverage: false,
        // Template tests synthesize CDK apps inside tests; on a busy 2-core machine one
        // synthesis can take several seconds, well past jest's 5 s default.
        testTimeout: 30_000,
      },
    };
  },
};

/** Every workspace package has this version; siblings depend on it exactly. */
export const WORKSPACE_VERSION = '0.0.0';

/** The scope of every package's npm name. */
export const SCOPE = '@crosswalk';

/**
 * Makes a projen subproject a well-behaved npm workspace member:
 * - install happens once at the root, after every package.json is written;
 * - its `default` task does not re-run the root's .projenrc.ts;
 * - tests run through @swc/jest (ts-jest is 3x slower) and are type-checked by tsc.
 */
export function asWorkspaceMember(project: typescript.TypeScriptProject): void {
  for (const name of ['install', 'install:ci', 'default']) {
    project.tasks.tryFind(name)?.reset();
  }
  project.deps.removeDependency('ts-jest');
  project.addDevDeps(`@swc/jest@${VERSIONS.swcJest}`, `@swc/core@${VERSIONS.swcCore}`);
  const jest = project.jest!;
  jest.config.transform = { '^.+\\.tsx?$': new javascript.Transform('@swc/jest') };
  // Silence network-bound banners of jsii and the AWS SDK in every task.
  project.tasks.addEnvironment('JSII_SILENCE_SUPPORT_WARNING', '1');
  project.tasks.addEnvironment('JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION', '20');
  project.tasks.addEnvironment('AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED', 'true');
  project.gitignore.exclude('/test-reports/');

  // projen's `build` also runs docs, tests and packaging; nx caches those as targets of
  // their own, so nx's `build` target is pre-compile + compile only.
  const compileOnly = project.addTask('build:compile', {
    description: 'Compile only (nx target `build`; `docgen`, `test`, `synth` and `package` are separate nx targets)',
  });
  for (const task of [project.preCompileTask, project.compileTask]) {
    compileOnly.spawn(task);
  }
  project.package.addField('nx', {
    targets: { build: { executor: 'nx:run-script', options: { script: compileOnly.name } } },
  });
}

/** The tsconfig of a package compiled as one program over src and test into lib/. */
export const ONE_PROGRAM_TSCONFIG = {
  extends: javascript.TypescriptConfigExtends.fromPaths(['../../tsconfig.base.json']),
  include: ['src/**/*.ts', 'test/**/*.ts'],
  // incremental: lib/tsconfig.tsbuildinfo (restored with lib/ from nx's cache) keeps the
  // last program's per-file signatures, so a one-file change re-checks that file and its
  // dependents instead of the whole program (sample-api: 5.4 s instead of 7.4 s).
  compilerOptions: { rootDir: '.', outDir: 'lib', incremental: true },
};

/**
 * Compile = one tsc program over src and test (type errors anywhere fail the build), with
 * the entry point under lib/src; the hoisted @types of the root (a package-local typeRoots
 * would hide them).
 */
export function compileAsOneProgram(project: typescript.TypeScriptProject): void {
  project.package.addField('main', 'lib/src/index.js');
  project.package.addField('types', 'lib/src/index.d.ts');
  for (const tsconfig of [project.tsconfig, project.tsconfigDev]) {
    tsconfig?.file.addDeletionOverride('compilerOptions.typeRoots');
  }
  project.compileTask.reset('tsc --build');
  project.postCompileTask.reset();
}
