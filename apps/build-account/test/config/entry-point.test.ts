import { spawnSync } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ConfigError, exitOnConfigError } from '../../src/config';

/** What an entry point reported: the lines it wrote and the exit code it asked for. */
function runEntryPoint(read: () => unknown): { lines: string[]; exitCode?: number } {
  const lines: string[] = [];
  let exitCode: number | undefined;
  class Exit extends Error {}
  try {
    exitOnConfigError(read, {
      error: (line) => lines.push(line),
      exit: (code) => {
        exitCode = code;
        throw new Exit();
      },
    });
  } catch (err) {
    if (!(err instanceof Exit)) throw err;
  }
  return { lines, exitCode };
}

describe('exitOnConfigError (the apps\' entry points)', () => {
  test('a bad config ends the process with exit code 1 and its message alone, no stack trace', () => {
    const error = new ConfigError('the test', ['accounts.dev must be a 12-digit AWS account id, got \'12\'']);

    const { lines, exitCode } = runEntryPoint(() => { throw error; });

    expect(exitCode).toBe(1);
    expect(lines).toEqual([error.message]);
    expect(lines.join('\n')).not.toMatch(/\n\s+at /);
  });

  test('a good config is returned as read, and nothing is printed', () => {
    expect(runEntryPoint(() => 'config')).toEqual({ lines: [], exitCode: undefined });
    expect(exitOnConfigError(() => 42)).toBe(42);
  });

  test('any other error is a bug and keeps its stack trace', () => {
    expect(() => runEntryPoint(() => { throw new TypeError('cannot read x of undefined'); })).toThrow(TypeError);
  });
});

describe('src/main.ts, as cdk synth runs it', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'crosswalk-entry-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs the app's entry point with CROSSWALK_CONFIG naming `config` (written to a file). */
  function synth(config: unknown) {
    const file = join(dir, 'crosswalk.json');
    writeFileSync(file, JSON.stringify(config));
    return spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], {
      cwd: join(__dirname, '..', '..'),
      env: { ...process.env, CROSSWALK_CONFIG: file, CDK_OUTDIR: join(dir, 'cdk.out') },
      encoding: 'utf-8',
      timeout: 120_000,
    });
  }

  test('fails on a bad config with exit code 1 and the message alone on stderr: every problem, escaped, no stack trace', () => {
    const result = synth({ accounts: { dev: '12' }, environments: { prod: { deploymentWindow: { cron: '* 0 9 ? * MON', timeZone: 'UTC\u202e\n  - forged line' } } } });

    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^The Crosswalk config \(the built-in example merged with .*crosswalk\.json \(from CROSSWALK_CONFIG\)\) has 2 problems:\n/);
    expect(result.stderr).toContain("  - accounts.dev must be a 12-digit AWS account id, got '12'");
    expect(result.stderr).toContain('environments.prod.deploymentWindow.timeZone must be an IANA time zone');
    expect(result.stderr).toContain('\\u202e\\n  - forged line');
    expect(result.stderr).not.toMatch(/\n\s+at |ConfigError|[\u202a-\u202e\u2066-\u2069]/);
    expect(result.stderr.split('\n').filter((line) => line.startsWith('  - '))).toHaveLength(2);
  });

  test('fails on a config file outside the repository with the message alone', () => {
    const result = synth({});

    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^The Crosswalk config \(CROSSWALK_CONFIG\) has 1 problem:\n  - CROSSWALK_CONFIG must name a file inside the repository/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
