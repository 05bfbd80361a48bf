/**
 * The test bundles of the pipeline's test actions: each suite (the `node:test` files the
 * `integ` and `sanity` tasks run) becomes ONE CommonJS file that needs no `node_modules`, so a
 * test action runs it right away with `node --test` instead of installing the monorepo.
 *
 * - the suite's code and everything it imports are inlined by esbuild (the repository's
 *   own, a devDependency of this app; nothing is downloaded);
 * - the suites are written on Node's own test runner (`node:test`, a built-in module) with
 *   jest's `expect` library, which is inlined too: nothing stands between them and `node --test`;
 * - the local mode (`src/local/server`, and dynalite behind it) is left out: in its place
 *   a module that throws, and the bundle stops at once, naming `API_URL`, when it is unset.
 *
 * `npx nx run @crosswalk/sample-api:test-bundle -- <out dir>` (default `dist/test-bundle`)
 * writes `<out dir>/<suite>.cjs`; the build stage of build-account writes them into the
 * build output (`test-bundle/`). Run one: `API_URL=https://… node --test integ.cjs`.
 */
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { build, Plugin } from 'esbuild';

/**
 * The suites, by name (the nx target that runs them, and the bundle's name):
 * the folder, relative to the app, whose `*.test.ts` files they run.
 */
export const SUITES: Readonly<Record<string, string>> = {
  integ: 'test/integration',
  sanity: 'test/sanity',
};

/** The file name of a suite's bundle. */
export function bundleFileName(suite: string): string {
  return `${suite}.cjs`;
}

/** Modules of the app that no bundle holds, relative to the app, without extension. */
export const LEFT_OUT = ['src/local/server'];

/** Options of {@link bundleSuites}. */
export interface BundleSuitesOptions {
  /** The folder the bundles are written to; created when missing. */
  readonly outDir: string;
  /**
   * The suites to bundle, by name: a folder (all its `*.test.ts` files, in name order) or one file, relative to `appDir`.
   * @default SUITES
   */
  readonly suites?: Readonly<Record<string, string>>;
  /**
   * The environment variables a bundle requires: without one, it fails before any test, naming it.
   * @default ['API_URL']
   */
  readonly requiredEnv?: readonly string[];
  /** @default - this app's folder */
  readonly appDir?: string;
}

/** One bundle written. */
export interface SuiteBundle {
  readonly suite: string;
  /** The bundle's path. */
  readonly file: string;
  readonly bytes: number;
  /** The test files it runs, relative to the app. */
  readonly testFiles: string[];
  /** Every source inlined, relative to the app (`../../node_modules/…` for packages). */
  readonly inputs: string[];
}

/** Bundles each suite into `<outDir>/<suite>.cjs`; fails when a bundle would need anything but Node's built-in modules. */
export async function bundleSuites(options: BundleSuitesOptions): Promise<SuiteBundle[]> {
  const appDir = resolve(options.appDir ?? APP_DIR);
  const requiredEnv = options.requiredEnv ?? ['API_URL'];
  mkdirSync(options.outDir, { recursive: true });
  const bundles: SuiteBundle[] = [];
  for (const [suite, where] of Object.entries(options.suites ?? SUITES)) {
    const testFiles = testFilesOf(join(appDir, where));
    const file = resolve(options.outDir, bundleFileName(suite));
    const result = await build({
      absWorkingDir: appDir,
      stdin: { contents: entryOf(appDir, testFiles), resolveDir: appDir, sourcefile: `${suite}-suite.ts`, loader: 'ts' },
      outfile: file,
      bundle: true,
      platform: 'node',
      // Node 20 here, 22 in CodeBuild.
      target: 'node20',
      format: 'cjs',
      plugins: [leaveOut(appDir, LEFT_OUT)],
      banner: { js: requireEnvCode(suite, requiredEnv) },
      metafile: true,
      logLevel: 'silent',
      legalComments: 'none',
    });
    const [output] = Object.values(result.metafile.outputs);
    const needed = output.imports.filter((i) => i.external && !isBuiltin(i.path)).map((i) => i.path);
    if (needed.length > 0) {
      throw new Error(`the ${suite} bundle would need ${needed.join(', ')} at run time; a test bundle may need nothing but Node's built-in modules`);
    }
    bundles.push({
      suite,
      file,
      bytes: output.bytes,
      testFiles: testFiles.map((f) => relative(appDir, f)),
      inputs: Object.keys(result.metafile.inputs).filter((i) => !i.startsWith('<stdin>') && !i.startsWith('left-out:')),
    });
  }
  return bundles;
}

/** This app's folder: the first one above this file with a package.json (from src/ and from the compiled lib/src/). */
const APP_DIR = (() => {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    if (dirname(dir) === dir) throw new Error(`no package.json above ${__dirname}`);
    dir = dirname(dir);
  }
  return dir;
})();

function testFilesOf(path: string): string[] {
  if (!existsSync(path)) throw new Error(`no suite at ${path}`);
  if (!statSync(path).isDirectory()) return [path];
  const files = readdirSync(path, { recursive: true, encoding: 'utf-8' })
    .filter((f) => f.endsWith('.test.ts'))
    .sort()
    .map((f) => join(path, f));
  if (files.length === 0) throw new Error(`no *.test.ts file in ${path}`);
  return files;
}

/**
 * The bundle's entry: the suite's one file, or each of its files inside a `describe`
 * named after it, so a file's top-level hooks stay its own, as they are when `node --test`
 * runs each file in a process of its own.
 */
function entryOf(appDir: string, testFiles: string[]): string {
  const path = (f: string) => relative(appDir, f).split(sep).join('/');
  if (testFiles.length === 1) return `import ${JSON.stringify(`./${path(testFiles[0])}`)};\n`;
  return [
    'const { describe } = require(\'node:test\');\n',
    ...testFiles.map((f) => `describe(${JSON.stringify(path(f))}, () => { require(${JSON.stringify(`./${path(f)}`)}); });\n`),
  ].join('');
}

/** Replaces the given modules (relative to the app, without extension) with one that throws when loaded. */
function leaveOut(appDir: string, leftOut: readonly string[]): Plugin {
  const modules = leftOut.map((m) => join(appDir, m));
  return {
    name: 'leave-out',
    setup(b) {
      b.onResolve({ filter: /^\./ }, (args) => {
        const path = resolve(args.resolveDir, args.path).replace(/\.(ts|js)$/, '');
        return modules.includes(path) ? { path: relative(appDir, path).split(sep).join('/'), namespace: 'left-out' } : undefined;
      });
      b.onLoad({ filter: /.*/, namespace: 'left-out' }, (args) => ({
        contents: `throw new Error(${JSON.stringify(`${args.path} is not in the test bundle: the bundle runs against a deployed API, set API_URL`)});`,
        loader: 'js',
      }));
    },
  };
}

/** The bundle's first line: without one of `names`, it stops before any test, saying what to do. */
function requireEnvCode(suite: string, names: readonly string[]): string {
  if (names.length === 0) return '';
  const message = `the ${suite} test bundle runs against a deployed API: set ${names.join(', ')} (the stack's ApiUrl output). `
    + `The local mode is not in the bundle: for it, run the suite with jest (npx nx run @crosswalk/sample-api:${suite}).`;
  return `for (const name of ${JSON.stringify(names)}) if (!process.env[name]?.trim()) throw new Error(${JSON.stringify(message)});`;
}

/** `bundle-suites.ts [out dir]`: writes every suite's bundle, prints what it wrote. */
async function main(argv: string[]): Promise<void> {
  if (argv.length > 1 || argv[0]?.startsWith('-')) throw new Error('usage: test-bundle [out dir] (default dist/test-bundle)');
  const outDir = resolve(argv[0] ?? join(APP_DIR, 'dist', 'test-bundle'));
  for (const bundle of await bundleSuites({ outDir })) {
    console.log(`${bundle.suite}: ${bundle.file} (${Math.round(bundle.bytes / 1024)} KiB, ${bundle.testFiles.join(', ')})`);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err) => {
    console.error(`test-bundle failed: ${(err as Error).message}`);
    process.exitCode = 1;
  });
}
