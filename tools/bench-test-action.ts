/**
 * The setup time of the pipeline's test actions (prod sanity, dev integration), measured
 * locally: how long a test action takes from the build output to its suite's first test.
 *
 * What is measured, per action:
 * - before the clock: the build output (the one in the repository, if any, with fresh test
 *   bundles from `@crosswalk/sample-api:test-bundle`) is copied into a fresh folder as
 *   `BuildOutput/`, next to an empty `src/` (the source checkout, which the commands only
 *   write their report into), and a stub API starts on 127.0.0.1;
 * - t0: the folder holds only that; the action's own commands (`testActionCommands`, the
 *   ones in the pipeline) start, with bash, `CODEBUILD_SRC_DIR`, `CODEBUILD_SRC_DIR_BuildOutput`
 *   and `API_URL` set as CodeBuild sets them;
 * - t1: the suite's first request reaches the stub (the first test's first statement is a
 *   request), stamped by the stub on the same clock (`performance.timeOrigin + now()`).
 * setup = t1 - t0. Not included: what CodeBuild does before the commands (provisioning,
 * downloading the artifacts, the runtime selection of the install phase).
 *
 * The stub answers `GET /version` and `GET /locations` like the service (all the sanity
 * suite reads) and 404 to the rest: the sanity action passes; the integration action's
 * setup is measured the same way, but its writing tests fail against the stub (exit 1, expected).
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { performance } from 'perf_hooks';
import { BUILD_OUTPUT_ARTIFACT, BUILD_OUTPUT_DIR, DELIVERED_SERVICE, TEST_BUNDLE_DIR, testActionCommands } from '@crosswalk/build-account';

/** A stub of the API in its own process: the time of the first request in `stub.first`, its port in `stub.port`; stops by itself after 2 minutes. */
const STUB = `
const { createServer } = require('node:http');
const { renameSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const dir = process.env.STUB_DIR;
let first = true;
const server = createServer((req, res) => {
  if (first) { first = false; writeFileSync(join(dir, 'stub.first'), String(performance.timeOrigin + performance.now())); }
  const path = new URL(req.url, 'http://stub').pathname;
  const answer = (status, body) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(body)); };
  if (req.method === 'GET' && path === '/version') return answer(200, { version: '0.0.0-bench', commit: 'bench', environment: 'bench' });
  if (req.method === 'GET' && path === '/locations') return answer(200, { items: [{ id: '5f0c2a8e-0d4b-4c52-9a51-0b7e6f4d2c11', name: 'Library', createdAt: '2024-01-01T00:00:00.000Z' }] });
  answer(404, { message: 'the bench stub answers GET /version and GET /locations only' });
});
server.listen(0, '127.0.0.1', () => {
  writeFileSync(join(dir, 'stub.port.tmp'), String(server.address().port));
  renameSync(join(dir, 'stub.port.tmp'), join(dir, 'stub.port'));
});
setTimeout(() => process.exit(0), 120000);
`;

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

interface ActionRun { readonly suite: string; readonly setupSeconds: number; readonly totalSeconds: number; readonly status: number | null }

export function benchTestActionSetup(root: string): { setupSeconds: number; detail: string } {
  const buildOutput = mkdtempSync(join(tmpdir(), 'bench-build-output-'));
  try {
    const existing = join(root, BUILD_OUTPUT_DIR);
    if (existsSync(existing)) cpSync(existing, buildOutput, { recursive: true });
    rmSync(join(buildOutput, TEST_BUNDLE_DIR), { recursive: true, force: true });
    const bundling = spawnSync('npx', ['nx', 'run', `${DELIVERED_SERVICE.nxProject}:${DELIVERED_SERVICE.testBundleTarget}`, '--output-style=stream', '--', join(buildOutput, TEST_BUNDLE_DIR)], {
      cwd: root, encoding: 'utf-8', env: { ...process.env, NX_TUI: 'false', FORCE_COLOR: '0' },
    });
    if (bundling.status !== 0) throw new Error(`bench: the test bundles could not be built (exit ${bundling.status}):\n${bundling.stdout}\n${bundling.stderr}`);

    const runs = (['prod', 'dev'] as const).map((env) => runAction(buildOutput, env));
    const files = readdirSync(buildOutput, { recursive: true, encoding: 'utf-8' }).filter((f) => statSync(join(buildOutput, f)).isFile());
    const bundleKiB = readdirSync(join(buildOutput, TEST_BUNDLE_DIR)).map((f) => `${f} ${Math.round(statSync(join(buildOutput, TEST_BUNDLE_DIR, f)).size / 1024)} KiB`);
    const detail = [
      ...runs.map((r) => `${r.suite}: setup ${r.setupSeconds.toFixed(2)} s, whole action ${r.totalSeconds.toFixed(2)} s, exit ${r.status}`
        + (r.suite === DELIVERED_SERVICE.testTargets.dev && r.status !== 0 ? ' (expected: its writing tests fail against the read-only stub)' : '')),
      `build output ${files.length} files (${bundleKiB.join(', ')}), node ${process.version}`,
    ].join('; ');
    return { setupSeconds: Math.max(...runs.map((r) => r.setupSeconds)), detail };
  } finally {
    rmSync(buildOutput, { recursive: true, force: true });
  }
}

function runAction(buildOutput: string, env: 'dev' | 'prod'): ActionRun {
  const suite = DELIVERED_SERVICE.testTargets[env];
  const action = mkdtempSync(join(tmpdir(), 'bench-test-action-'));
  let stub: ChildProcess | undefined;
  try {
    const outputDir = join(action, BUILD_OUTPUT_ARTIFACT);
    const sourceDir = join(action, 'src');
    cpSync(buildOutput, outputDir, { recursive: true });
    mkdirSync(sourceDir);
    stub = spawn(process.execPath, ['-e', STUB], { env: { STUB_DIR: action }, stdio: 'ignore' });
    const port = waitForFile(join(action, 'stub.port'), 10_000);

    const t0 = now();
    const result = spawnSync('bash', ['-e', '-c', testActionCommands(env).join('\n')], {
      cwd: sourceDir,
      encoding: 'utf-8',
      timeout: 120_000,
      env: {
        ...process.env,
        CODEBUILD_SRC_DIR: sourceDir,
        [`CODEBUILD_SRC_DIR_${BUILD_OUTPUT_ARTIFACT}`]: outputDir,
        API_URL: `http://127.0.0.1:${port}`,
      },
    });
    const end = now();
    const first = join(action, 'stub.first');
    if (!existsSync(first)) {
      throw new Error(`bench: the ${suite} action never reached the API (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
    }
    const t1 = Number(readFileSync(first, 'utf-8'));
    return { suite, setupSeconds: (t1 - t0) / 1000, totalSeconds: (end - t0) / 1000, status: result.status };
  } finally {
    stub?.kill();
    rmSync(action, { recursive: true, force: true });
  }
}

function waitForFile(path: string, timeoutMs: number): string {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(path)) {
    if (Date.now() > deadline) throw new Error(`bench: the stub API did not start within ${timeoutMs} ms`);
    sleep(20);
  }
  return readFileSync(path, 'utf-8');
}

/** `ts-node --transpile-only tools/bench-test-action.ts [runs]`: the figure alone. */
if (require.main === module) {
  const runs = Number(process.argv[2] ?? 1);
  for (let i = 0; i < runs; i++) {
    const { setupSeconds, detail } = benchTestActionSetup(join(__dirname, '..'));
    console.log(`test action setup: ${setupSeconds.toFixed(2)} s (${detail})`);
  }
}
