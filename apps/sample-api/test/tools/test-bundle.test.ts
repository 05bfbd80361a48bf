import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DELIVERED_SERVICE, testBundlePath } from '@crosswalk/build-account';
import { LocalApi, startLocalApi } from '../../src/local/server';
import { bundleFileName, bundleSuites, SuiteBundle, SUITES } from '../../src/test-bundle/bundle-suites';
import { eachTitle } from '../../src/test-bundle/each-title';

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
      expect(bundle.inputs).toEqual(expect.arrayContaining([...bundle.testFiles, 'test/integration/target.ts', 'src/test-bundle/jest-shim.ts']));
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

describe('the jest shim', () => {
  const TINY_SUITE = `
    const order: string[] = [];
    jest.setTimeout(2_000);
    beforeAll(() => { order.push('beforeAll'); });
    beforeEach(() => { order.push('beforeEach'); });
    afterEach(async () => { order.push('afterEach'); });
    afterAll(() => { console.log('order: ' + order.join(',')); });

    describe('tiny', () => {
      test('passes', async () => {
        expect({ id: 'a1', n: [1, 2] }).toEqual({ id: expect.any(String), n: expect.arrayContaining([2]) });
      });
      test('fails', () => {
        expect(1 + 1).toBe(3);
      });
      // unref'd: the late timer would otherwise keep the suite's process alive for a second after the timeout
      it('runs out of time', () => new Promise((resolve) => setTimeout(resolve, 1_000).unref()), 50);
      it('makes fewer assertions than it says', () => {
        expect.assertions(2);
        expect(true).toBe(true);
      });
      test.each([[1, 2, 3], [2, 2, 4]])('%i + %i = %i', (a, b, sum) => {
        expect(a + b).toBe(sum);
      });
      describe('nested', () => {
        beforeAll(() => { order.push('nested beforeAll'); });
        test('runs after the outer hooks', () => {
          expect(order.slice(0, 2)).toEqual(['beforeAll', 'beforeEach']);
        });
      });
      test.skip('is skipped', () => {
        throw new Error('never runs');
      });
    });
  `;

  test('runs a bundled suite with node --test: exit code 1 for a failure, JUnit report of every test, jest\'s messages', async () => {
    const appDir = tempDir('tiny-app-');
    writeFileSync(join(appDir, 'tiny.test.ts'), TINY_SUITE);
    const [bundle] = await bundleSuites({ outDir: join(appDir, 'out'), appDir, suites: { tiny: 'tiny.test.ts' }, requiredEnv: [] });

    const run = await runBundle(bundle.file);

    expect(run.code).toBe(1);
    expect(testCases(run.junit)).toEqual([
      { name: 'passes', failed: false, skipped: false },
      { name: 'fails', failed: true, skipped: false },
      { name: 'runs out of time', failed: true, skipped: false },
      { name: 'makes fewer assertions than it says', failed: true, skipped: false },
      { name: '1 + 2 = 3', failed: false, skipped: false },
      { name: '2 + 2 = 4', failed: false, skipped: false },
      { name: 'runs after the outer hooks', failed: false, skipped: false },
      { name: 'is skipped', failed: false, skipped: true },
    ]);
    expect(run.junit).toContain('expect(received).toBe(expected)');
    expect(run.output).toContain('Exceeded timeout of 50 ms for a test (\'runs out of time\')');
    expect(run.junit).toMatch(/Expected two assertions to be called but received one assertion call/);
    expect(run.output).toMatch(/order: beforeAll,beforeEach,afterEach,beforeEach,afterEach,.*nested beforeAll/);
    expect(run.output).toContain('pass 4');
    expect(run.output).toContain('fail 3');
  }, 60_000);

  test('a suite of several files: one describe per file, named after it (its top-level hooks stay its own, as with jest)', async () => {
    const appDir = tempDir('tiny-app-');
    mkdirSync(join(appDir, 'suite'));
    for (const name of ['a', 'b']) {
      writeFileSync(join(appDir, 'suite', `${name}.test.ts`), `
        let hooks = 0;
        beforeAll(() => { hooks++; });
        test('${name} ran its own beforeAll once', () => { expect(hooks).toBe(1); });
      `);
    }
    const [bundle] = await bundleSuites({ outDir: join(appDir, 'out'), appDir, suites: { two: 'suite' }, requiredEnv: [] });

    const run = await runBundle(bundle.file);

    expect(bundle.testFiles).toEqual(['suite/a.test.ts', 'suite/b.test.ts']);
    expect(run.code).toBe(0);
    expect(run.junit).toMatch(/<testsuite name="suite\/a.test.ts"[\s\S]*<testsuite name="suite\/b.test.ts"/);
    expect(testCases(run.junit).map((c) => [c.name, c.failed])).toEqual([['a ran its own beforeAll once', false], ['b ran its own beforeAll once', false]]);
  }, 60_000);

  test('a bundle of a suite that imports a package not installed fails to build, naming it', async () => {
    const appDir = tempDir('tiny-app-');
    writeFileSync(join(appDir, 'bad.test.ts'), 'import { nothing } from \'no-such-package\';\ntest(\'x\', () => expect(nothing).toBeUndefined());\n');

    await expect(bundleSuites({ outDir: join(appDir, 'out'), appDir, suites: { bad: 'bad.test.ts' }, requiredEnv: [] }))
      .rejects.toThrow(/no-such-package/);
  });

  test.each([
    ['%s is %d', ['a', 2], 0, 'a is 2'],
    ['%i%% of %p', [50.7, { a: 1 }], 0, '50% of { a: 1 }'],
    ['case %# (%$): %j', [[1, 'x']], 3, 'case 3 (4): [1,"x"]'],
    ['%s stays %s', ['%s'], 0, '%s stays %s'],
    ['$name at $where.city ($#)', { name: 'Ann', where: { city: 'Delft' } }, 1, 'Ann at Delft (1)'],
    ['$missing is left', { name: 'x' }, 0, '$missing is left'],
  ])('.each title %j', (title, row, index, expected) => {
    expect(eachTitle(title as string, row, index as number)).toBe(expected);
  });
});
