import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { parseServeArgs, SEED_LOCATIONS } from '../../src/local/serve';

const APP_DIR = join(__dirname, '../..');

describe('parseServeArgs', () => {
  test('defaults to a free port, no seed, no simulated failure', () => {
    expect(parseServeArgs([])).toEqual({ port: 0, seed: false, simulateFailure: false, help: false });
  });

  test('reads --port N, --port=N, --seed and --simulate-failure', () => {
    expect(parseServeArgs(['--port', '3000', '--seed'])).toEqual({ port: 3000, seed: true, simulateFailure: false, help: false });
    expect(parseServeArgs(['--port=8080', '--simulate-failure']).port).toBe(8080);
  });

  test.each([
    [['--port'], '--port needs a port number from 0 to 65535, got nothing'],
    [['--port', 'http'], "--port needs a port number from 0 to 65535, got 'http'"],
    [['--port', '70000'], "--port needs a port number from 0 to 65535, got '70000'"],
    [['--host', '0.0.0.0'], "unknown argument '--host'; see --help"],
    [[`--${'x'.repeat(5000)}`], `unknown argument '--${'x'.repeat(38)}…'; see --help`],
  ])('fails for %j, saying why', (argv, message) => {
    expect(() => parseServeArgs(argv)).toThrow(message);
  });
});

/** Collects a child's output and resolves when a line matches. */
function waitForOutput(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`no output matching ${pattern} within ${timeoutMs} ms; got:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = pattern.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
  });
}

describe('the serve command', () => {
  test('prints the URL, serves the seeded API and stops cleanly on SIGINT', async () => {
    // Prepare: the command the serve task runs
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/local/serve.ts', '--port', '0', '--seed'], {
      cwd: APP_DIR,
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal })));
    try {
      const [, url] = await waitForOutput(child, /listening on (http:\/\/127\.0\.0\.1:\d+)\n/, 40_000);
      // Act
      const locations = await (await fetch(`${url}/locations`)).json() as { items: Array<{ name: string }> };
      const stopped = waitForOutput(child, /stopped\n/, 10_000);
      child.kill('SIGINT');
      // Assess
      expect(locations.items.map((location) => location.name).sort()).toEqual([...SEED_LOCATIONS].sort());
      await stopped;
      expect(await exited).toEqual({ code: 0, signal: null });
      await expect(fetch(`${url}/version`)).rejects.toThrow();
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 60_000);
});
