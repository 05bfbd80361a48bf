import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DELIVERED_SERVICE, testBundlePath } from '@crosswalk/build-account';
import { LocalApi, startLocalApi } from '../../src/local/server';
import { bundleFileName, bundleSuites, SuiteBundle, SUITES } from '../../src/test-bundle/bundle-suites';

/** Temporary folders, removed after the file's tests. */
const temporary: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temporary.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

interface Run { readonly code: number; readonly output: string; readonly junit: string }

/**
 * Runs a bundle the way a test action does, from a fresh folder outside the repository
 * (no node_modules anywhere above it) holding nothing but the bundle, with only PATH and
 * the given variables in the environment. Asynchronous: the local API of this process answers meanwhile.
 */
function runBundle(bundle: string, env: Record<string, string> = {}): Promise<Run> {
  const dir = tempDir('test-action-');
  const file = join(dir, bundle.split('/').pop()!);
  copyFileSync(bundle, file);
  const reports = join(dir, 'test-reports');
  mkdirSync(reports);
  const args = ['--test', '--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=junit', `--test-reporter-destination=${join(reports, 'junit.xml')}`, file];
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd: dir, env: { PATH: process.env.PATH, ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, output: `${stdout}\n${stderr}`, junit: readFileSync(join(reports, 'junit.xml'), 'utf-8') });
    });
  });
}

/** The test cases of a JUnit report (Node's junit reporter): name, and whether it failed or was skipped. */
function testCases(junit: string): Array<{ name: string; failed: boolean; skipped: boolean }> {
  return [...junit.matchAll(/<testcase name="([^"]*)"[^>]*?(\/?)>([\s\S]*?)(?=<testcase|<\/?testsuite)/g)].map(([, name, selfClosing, body]) => ({
    name: name.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'),
    failed: selfClosing === '' && body.includes('<failure'),
    skipped: body.includes('<skipped'),
  }));
}

describe('the test bundles of the real suites', () => {
  const outDir = tempDir('test-bundle-');
  let bundles: SuiteBundle[];
  let api: LocalApi;

  beforeAll(async () => {
    [bundles, api] = await Promise.all([bundleSuites({ outDir }), startLocalApi({ log: () => undefined })]);
  }, 60_000);
  afterAll(async () => {
    await api?.stop();
  });

  test('one file per suite, named as the pipeline expects: test-bundle/<nx target>.cjs', () => {
    expect(readdirSync(outDir).sort()).toEqual(['integ.cjs', 'sanity.cjs']);
    expect(bundles.map((b) => b.suite)).toEqual(['integ', 'sanity']);
    for (const [env, target] of Object.entries(DELIVERED_SERVICE.testTargets)) {
      expect(Object.keys(SUITES)).toContain(target);
      expect(testBundlePath(env as 'dev' | 'prod')).toBe(`test-bundle/${bundleFileName(target)}`);
    }
  });

  test('inline the suite, its imports and jest\'s expect, and leave the local mode and dynalite out', () => {
    const [integ, sanity] = bundles;
    expect(integ.testFiles).toEqual(['test/integration/api.test.ts']);
    expect(sanity.testFiles).toEqual(['test/sanity/api.test.ts']);
    for (const bundle of bundles) {
      expect(bundle.inputs).toEqual(expect.arrayContaining([...bundle.testFiles, 'test/integration/target.ts']));
      // Nothing stands between the suites and Node's test runner: no shim, node:test stays Node's.
      expect(bundle.inputs.filter((i) => /jest/.test(i) && !/node_modules\/(expect|jest-matcher-utils|jest-diff|jest-get-type|jest-message-util|jest-util|@jest)\//.test(i))).toEqual([]);
      expect(bundle.inputs.some((i) => /node_modules\/expect\//.test(i))).toBe(true);
      expect(bundle.inputs.filter((i) => /dynalite|src\/local\/|aws-sdk|aws-cdk-lib/.test(i))).toEqual([]);
      expect(bundle.bytes).toBeLessThan(2 * 1024 * 1024);
    }
  });

  test('the integration bundle passes against the local mode, from a folder holding only the bundle', async () => {
    const run = await runBundle(join(outDir, 'integ.cjs'), { API_URL: api.url });

    expect(run.output).toContain('pass 26');
    expect(run.code).toBe(0);
    const cases = testCases(run.junit);
    expect(cases).toHaveLength(26);
    expect(cases.filter((c) => c.failed)).toEqual([]);
    expect(cases.map((c) => c.name)).toEqual(expect.arrayContaining(['creates a location and reads it back by id', 'an invalid date (30 February)']));
  }, 60_000);

  test('the sanity bundle passes against the local mode', async () => {
    const run = await runBundle(join(outDir, 'sanity.cjs'), { API_URL: `${api.url}/` });

    expect(run.code).toBe(0);
    expect(testCases(run.junit)).toEqual([
      { name: 'GET /version answers a version, a commit and an environment', failed: false, skipped: false },
      { name: 'GET /locations answers a list of locations', failed: false, skipped: false },
    ]);
  }, 60_000);

  test('a bundle fails before any test, naming API_URL, when it is unset', async () => {
    const run = await runBundle(join(outDir, 'sanity.cjs'));

    expect(run.code).toBe(1);
    expect(run.output).toContain('the sanity test bundle runs against a deployed API: set API_URL');
    expect(run.output).not.toContain('GET /version');
  }, 60_000);
});

describe('a bundled suite on node:test', () => {
  /** An app folder whose suites import `expect` as the real ones do (this repository's, linked in). */
  function tinyApp(): string {
    const appDir = tempDir('tiny-app-');
    mkdirSync(join(appDir, 'node_modules'));
    symlinkSync(join(__dirname, '..', '..', '..', '..', 'node_modules', 'expect'), join(appDir, 'node_modules', 'expect'));
    return appDir;
  }

  const TINY_SUITE = `
    import { after, afterEach, before, beforeEach, describe, it, test } from 'node:test';
    import { expect } from 'expect';
    const order: string[] = [];
    before(() => { order.push('before'); });
    beforeEach(() => { order.push('beforeEach'); });
    afterEach(async () => { order.push('afterEach'); });
    after(() => { console.log('order: ' + order.join(',')); });

    describe('tiny', () => {
      test('passes', async () => {
        expect({ id: 'a1', n: [1, 2] }).toEqual({ id: expect.any(String), n: expect.arrayContaining([2]) });
      });
      test('fails', () => {
        expect(1 + 1).toBe(3);
      });
      // The timer stays ref'd: a promise that nothing keeps pending would end the loop and cancel the rest.
      it('runs out of time', { timeout: 50 }, () => new Promise((resolve) => setTimeout(resolve, 300)));
      for (const [a, b, sum] of [[1, 2, 3], [2, 2, 4]]) {
        test(\`\${a} + \${b} = \${sum}\`, () => {
          expect(a + b).toBe(sum);
        });
      }
      describe('nested', () => {
        before(() => { order.push('nested before'); });
        test('runs after the outer hooks', () => {
          expect(order.slice(0, 2)).toEqual(['before', 'beforeEach']);
        });
      });
      test.skip('is skipped', () => {
        throw new Error('never runs');
      });
    });
  `;

  test('runs with node --test: exit code 1 for a failure, JUnit report of every test, expect\'s messages', async () => {
    const appDir = tinyApp();
    writeFileSync(join(appDir, 'tiny.test.ts'), TINY_SUITE);
    const [bundle] = await bundleSuites({ outDir: join(appDir, 'out'), appDir, suites: { tiny: 'tiny.test.ts' }, requiredEnv: [] });

    const run = await runBundle(bundle.file);

    expect(run.code).toBe(1);
    expect(testCases(run.junit)).toEqual([
      { name: 'passes', failed: false, skipped: false },
      { name: 'fails', failed: true, skipped: false },
      { name: 'runs out of time', failed: true, skipped: false },
      { name: '1 + 2 = 3', failed: false, skipped: false },
      { name: '2 + 2 = 4', failed: false, skipped: false },
      { name: 'runs after the outer hooks', failed: false, skipped: false },
      { name: 'is skipped', failed: false, skipped: true },
    ]);
    expect(run.junit).toContain('expect(received).toBe(expected)');
    expect(run.output).toMatch(/timed out after 50ms/);
    expect(run.output).toMatch(/order: before,beforeEach,afterEach,beforeEach,afterEach,.*nested before/);
    // Node counts a test that ran out of time as cancelled, apart from the one that failed.
    expect(run.output).toMatch(/ℹ pass 4\n[\s\S]*ℹ fail 1\n[\s\S]*ℹ cancelled 1\n/);
  }, 60_000);

  test('a suite of several files: one describe per file, named after it (its top-level hooks stay its own)', async () => {
    const appDir = tinyApp();
    mkdirSync(join(appDir, 'suite'));
    for (const name of ['a', 'b']) {
      writeFileSync(join(appDir, 'suite', `${name}.test.ts`), `
        import { before, test } from 'node:test';
        import { expect } from 'expect';
        let hooks = 0;
        before(() => { hooks++; });
        test('${name} ran its own before hook once', () => { expect(hooks).toBe(1); });
      `);
    }
    const [bundle] = await bundleSuites({ outDir: join(appDir, 'out'), appDir, suites: { two: 'suite' }, requiredEnv: [] });

    const run = await runBundle(bundle.file);

    expect(bundle.testFiles).toEqual(['suite/a.test.ts', 'suite/b.test.ts']);
    expect(run.code).toBe(0);
    expect(run.junit).toMatch(/<testsuite name="suite\/a.test.ts"[\s\S]*<testsuite name="suite\/b.test.ts"/);
    expect(testCases(run.junit).map((c) => [c.name, c.failed])).toEqual([['a ran its own before hook once', false], ['b ran its own before hook once', false]]);
  }, 60_000);

  test('a bundle of a suite that imports a package not installed fails to build, naming it', async () => {
    const appDir = tempDir('tiny-app-');
    writeFileSync(join(appDir, 'bad.test.ts'), 'import { test } from \'node:test\';\nimport { nothing } from \'no-such-package\';\ntest(\'x\', () => { if (nothing) throw new Error(); });\n');

    await expect(bundleSuites({ outDir: join(appDir, 'out'), appDir, suites: { bad: 'bad.test.ts' }, requiredEnv: [] }))
      .rejects.toThrow(/no-such-package/);
  });
});
