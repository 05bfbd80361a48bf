import { ChildProcess, execFileSync, spawn } from 'child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'fs';
import { request } from 'http';
import { connect } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';
import { NX_CACHE_SERVER_ENV, NX_CACHE_TOKEN_ENV, NxCacheServer, runWithNxCache, startNxCacheServer } from '../nx-cache';

/** One HTTP request as nx's remote cache client makes it; resolves with the status and body. */
function call(server: { url: string }, method: string, path: string, options: { token?: string; body?: Buffer; chunked?: boolean } = {}): Promise<{ status: number; body: Buffer }> {
  return new Promise((ok, fail) => {
    const headers: Record<string, string | number> = {};
    if (options.token !== undefined) headers.Authorization = `Bearer ${options.token}`;
    if (options.body !== undefined && !options.chunked) headers['Content-Length'] = options.body.length;
    const req = request(`${server.url}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => ok({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
    });
    req.on('error', fail);
    req.end(options.body);
  });
}

/** A task archive as nx's client uploads it: a gzip-compressed tar of `code`, `terminalOutput` and an output file. */
function taskArchive(output = 'built'): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'nx-archive-'));
  writeFileSync(join(dir, 'code'), '0');
  writeFileSync(join(dir, 'terminalOutput'), `> build\n${output}\n`);
  mkdirSync(join(dir, 'dist'));
  writeFileSync(join(dir, 'dist', 'out.txt'), output);
  const file = join(dir, 'archive.tar.gz');
  execFileSync('tar', ['czf', file, '-C', dir, 'code', 'terminalOutput', 'dist']);
  return readFileSync(file);
}

describe('the nx cache server (nx self-hosted remote cache protocol)', () => {
  let dir: string;
  let server: NxCacheServer;
  let logged: string[];
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nx-cache-'));
    logged = [];
    server = await startNxCacheServer(dir, { maxUploadBytes: 64 * 1024, log: (line) => logged.push(line) });
  });
  afterEach(() => server.close());

  test('listens on 127.0.0.1 only', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  test('stores an upload and serves the same bytes back; a miss is 404', async () => {
    const archive = taskArchive();
    expect((await call(server, 'GET', '/v1/cache/123', { token: server.token })).status).toBe(404);
    expect((await call(server, 'PUT', '/v1/cache/123', { token: server.token, body: archive })).status).toBe(200);
    const got = await call(server, 'GET', '/v1/cache/123', { token: server.token });
    expect(got.status).toBe(200);
    expect(got.body.equals(archive)).toBe(true);
    expect(server.used()).toEqual({ read: ['123'], written: ['123'] });
  });

  test('never replaces an entry (409), so a later run cannot change what a hash replays', async () => {
    const first = taskArchive('first');
    await call(server, 'PUT', '/v1/cache/7', { token: server.token, body: first });
    const again = await call(server, 'PUT', '/v1/cache/7', { token: server.token, body: taskArchive('second') });
    expect(again.status).toBe(409);
    expect(readFileSync(join(dir, '7.tar')).equals(first)).toBe(true);
  });

  test('refuses a request without the bearer token, or with another one (401)', async () => {
    await call(server, 'PUT', '/v1/cache/9', { token: server.token, body: taskArchive() });
    expect((await call(server, 'GET', '/v1/cache/9')).status).toBe(401);
    expect((await call(server, 'GET', '/v1/cache/9', { token: 'guess' })).status).toBe(401);
    expect((await call(server, 'PUT', '/v1/cache/10', { token: 'guess', body: taskArchive() })).status).toBe(401);
    expect(existsSync(join(dir, '10.tar'))).toBe(false);
  });

  test('a hash that is not letters and digits names no file (400); other paths and methods are refused', async () => {
    expect((await call(server, 'GET', '/v1/cache/..%2F..%2Fetc%2Fpasswd', { token: server.token })).status).toBe(400);
    expect((await call(server, 'PUT', '/v1/cache/a.b', { token: server.token, body: Buffer.from('x') })).status).toBe(400);
    expect((await call(server, 'GET', '/v2/anything', { token: server.token })).status).toBe(404);
    expect((await call(server, 'DELETE', '/v1/cache/1', { token: server.token })).status).toBe(405);
    expect(readdirSync(dir)).toEqual([]);
  });

  test('an upload cut short (the connection closes before Content-Length bytes) is not stored', async () => {
    const { port } = new URL(server.url);
    await new Promise<void>((ok) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write(`PUT /v1/cache/5 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${server.token}\r\nContent-Length: 10\r\n\r\nhalf`);
        setTimeout(() => socket.destroy(), 50);
      });
      socket.on('close', () => ok());
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(readdirSync(dir)).toEqual([]);
    expect(server.used().written).toEqual([]);
    expect((await call(server, 'GET', '/v1/cache/5', { token: server.token })).status).toBe(404);
  });

  test('refuses an upload nx could not replay (not a whole gzip-compressed tar), storing nothing', async () => {
    const whole = taskArchive();
    for (const body of [Buffer.from('not an archive'), whole.subarray(0, whole.length - 20)]) {
      expect((await call(server, 'PUT', '/v1/cache/11', { token: server.token, body })).status).toBe(400);
    }
    expect(readdirSync(dir)).toEqual([]);
    expect(logged.join('\n')).toMatch(/not storing task 11: it is not a whole gzip-compressed tar/);
  });

  test('refuses an upload larger than its bound (413), declared or streamed, storing nothing', async () => {
    const big = Buffer.alloc(64 * 1024 + 1, 7);
    expect((await call(server, 'PUT', '/v1/cache/12', { token: server.token, body: big })).status).toBe(413);
    expect((await call(server, 'PUT', '/v1/cache/13', { token: server.token, body: big, chunked: true })).status).toBe(413);
    expect(readdirSync(dir)).toEqual([]);
    expect(logged.join('\n')).toMatch(/not storing task 12: 65537 bytes, more than the 65536 it stores/);
  });

  test.each([
    ['truncated', (file: string) => truncateSync(file, 40)],
    ['corrupt', (file: string) => writeFileSync(file, Buffer.concat([readFileSync(file).subarray(0, 30), Buffer.alloc(30, 0xff), readFileSync(file).subarray(60)]))],
    ['replaced by another valid archive', (file: string) => writeFileSync(file, taskArchive('tampered'))],
  ])('does not replay an entry it stored that was %s since: 404, removed, not counted as replayed', async (_name, damage) => {
    await call(server, 'PUT', '/v1/cache/21', { token: server.token, body: taskArchive() });
    damage(join(dir, '21.tar'));

    expect((await call(server, 'GET', '/v1/cache/21', { token: server.token })).status).toBe(404);

    expect(existsSync(join(dir, '21.tar'))).toBe(false);
    expect(server.used().read).toEqual([]);
    expect(logged.join('\n')).toMatch(/not replaying task 21: .*; removed it, nx runs the task again/);
    // nx stores the task again once it ran it
    expect((await call(server, 'PUT', '/v1/cache/21', { token: server.token, body: taskArchive() })).status).toBe(200);
  });

  test('serves only regular files it wrote: not a directory, a link or a file without its record, and leaves them in place', async () => {
    mkdirSync(join(dir, '31.tar'));
    const outside = join(mkdtempSync(join(tmpdir(), 'nx-outside-')), 'secret.tar');
    writeFileSync(outside, taskArchive('secret'));
    symlinkSync(outside, join(dir, '32.tar'));
    writeFileSync(join(dir, '32.tar.sha256'), `${'0'.repeat(64)} 1\n`);
    writeFileSync(join(dir, '33.tar'), taskArchive('foreign'));

    for (const hash of ['31', '32', '33']) {
      const got = await call(server, 'GET', `/v1/cache/${hash}`, { token: server.token });
      expect({ hash, status: got.status }).toEqual({ hash, status: 404 });
    }
    expect((await call(server, 'PUT', '/v1/cache/31', { token: server.token, body: taskArchive() })).status).toBe(409);

    expect(readdirSync(dir).sort()).toEqual(['31.tar', '32.tar', '32.tar.sha256', '33.tar']);
    expect(existsSync(outside)).toBe(true);
    expect(server.used().read).toEqual([]);
    expect(logged.join('\n')).toMatch(/not replaying task 33: nx-cache did not write it \(it has no record\); left it in place/);
  });
});

describe('runWithNxCache', () => {
  /** A command that talks to the cache the way nx does, from the environment it is given. */
  const client = (script: string) => ['node', '-e', `
    const http = require('http');
    const url = process.env.${NX_CACHE_SERVER_ENV}, token = process.env.${NX_CACHE_TOKEN_ENV};
    const call = (method, hash, body) => new Promise((ok) => {
      const req = http.request(url + '/v1/cache/' + hash, { method, headers: { Authorization: 'Bearer ' + token } }, (res) => { res.resume(); res.on('end', () => ok(res.statusCode)); });
      req.end(body);
    });
    (async () => { ${script} })();
  `];

  test('hands nx the server and its token, returns the command\'s status, and removes only what it wrote and the run did not use', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nx-cache-'));
    const seed = await startNxCacheServer(dir);
    for (const hash of ['old', 'kept']) await call(seed, 'PUT', `/v1/cache/${hash}`, { token: seed.token, body: taskArchive(hash) });
    await seed.close();
    writeFileSync(join(dir, 'README'), 'the build host\'s own file');
    writeFileSync(join(dir, 'foreign.tar'), 'another tool\'s file');
    mkdirSync(join(dir, 'nested.tar'));
    const archive = taskArchive('fresh').toString('base64');
    const lines: string[] = [];

    const status = await runWithNxCache({
      dir,
      command: client(`
        if (await call('GET', 'kept') !== 200) process.exit(10);
        if (await call('GET', 'missing') !== 404) process.exit(11);
        if (await call('PUT', 'fresh', Buffer.from('${archive}', 'base64')) !== 200) process.exit(12);
        process.exit(3);
      `),
      log: (line) => lines.push(line),
    });

    expect(status).toBe(3);
    expect(readdirSync(dir).sort()).toEqual(['README', 'foreign.tar', 'fresh.tar', 'fresh.tar.sha256', 'kept.tar', 'kept.tar.sha256', 'nested.tar']);
    expect(lines[0]).toMatch(/^nx-cache: 2 task outputs in .*, served on http:\/\/127\.0\.0\.1:\d+$/);
    expect(lines[lines.length - 1]).toBe('nx-cache: 1 task outputs replayed, 1 stored, 1 unused removed');
  });

  test('fails without a command', async () => {
    await expect(runWithNxCache({ dir: mkdtempSync(join(tmpdir(), 'nx-cache-')), command: [] })).rejects.toThrow(/needs a command to run after --/);
  });
});

describe('nx-cache as the build runs it (ts-node, from source)', () => {
  /** Starts `nx-cache.ts <dir> -- <command>` the way the pipeline's buildspec does. */
  function wrapper(dir: string, command: string[]): ChildProcess {
    return spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', join(__dirname, '..', 'nx-cache.ts'), dir, '--', ...command], {
      cwd: join(__dirname, '..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }

  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };

  test.each(['SIGTERM', 'SIGINT'] as const)('passes %s on to the command, waits for it, and exits 128 + the signal\'s number', async (signal) => {
    const dir = mkdtempSync(join(tmpdir(), 'nx-cache-'));
    const marks = mkdtempSync(join(tmpdir(), 'nx-cache-marks-'));
    const child = wrapper(dir, ['node', '-e', `
      const fs = require('fs');
      process.on('${signal}', () => { fs.writeFileSync('${marks}/signal', '${signal}'); setTimeout(() => { fs.writeFileSync('${marks}/done', 'yes'); process.exit(0); }, 300); });
      fs.writeFileSync('${marks}/pid', String(process.pid));
      setInterval(() => {}, 1000);
    `]);
    const exited = new Promise<number | null>((ok) => child.on('exit', (code) => ok(code)));
    for (let i = 0; i < 300 && !existsSync(join(marks, 'pid')); i++) await new Promise((r) => setTimeout(r, 50));
    const commandPid = Number(readFileSync(join(marks, 'pid'), 'utf-8'));

    child.kill(signal);
    const code = await exited;

    expect(code).toBe(signal === 'SIGTERM' ? 143 : 130);
    expect(readFileSync(join(marks, 'signal'), 'utf-8')).toBe(signal);
    expect(readFileSync(join(marks, 'done'), 'utf-8')).toBe('yes'); // it waited for the command to finish
    expect(alive(commandPid)).toBe(false);
  }, 60_000);

  /** A workspace of one cacheable nx task, with the repository's nx. */
  function nxWorkspace(): string {
    const ws = mkdtempSync(join(tmpdir(), 'nx-ws-'));
    mkdirSync(join(ws, 'node_modules'));
    symlinkSync(join(__dirname, '..', '..', 'node_modules', 'nx'), join(ws, 'node_modules', 'nx'));
    writeFileSync(join(ws, 'package.json'), JSON.stringify({ name: 'ws', version: '0.0.0', private: true }));
    writeFileSync(join(ws, 'nx.json'), JSON.stringify({
      neverConnectToCloud: true, analytics: false, useDaemonProcess: false, tui: { enabled: false }, cacheDirectory: '.nx/cache',
      targetDefaults: { build: { cache: true, outputs: ['{projectRoot}/out'] } },
    }));
    mkdirSync(join(ws, 'proj'));
    writeFileSync(join(ws, 'proj', 'project.json'), JSON.stringify({
      name: 'proj', targets: { build: { command: 'mkdir -p proj/out && echo built > proj/out/x.txt && echo ran >> ran.log' } },
    }));
    return ws;
  }

  test('with real nx: a stored entry that was damaged is dropped, nx runs the task again and the build passes', async () => {
    // The nested nx is another build host's: it must not see the variables the nx running
    // this test suite gave its task (NX_TASK_*, NX_PREFIX_OUTPUT…), or it may report into that
    // task's output instead of its own.
    const inherited = Object.keys(process.env).filter((name) => name.startsWith('NX_'));
    const saved = Object.fromEntries(inherited.map((name) => [name, process.env[name]]));
    for (const name of inherited) delete process.env[name];
    try {
      await damagedEntryIsDropped();
    } finally {
      Object.assign(process.env, saved);
    }
  }, 120_000);

  async function damagedEntryIsDropped(): Promise<void> {
    const ws = nxWorkspace();
    const dir = mkdtempSync(join(tmpdir(), 'nx-cache-'));
    const nx = ['node', join(ws, 'node_modules', 'nx', 'dist', 'bin', 'nx.js'), 'run', 'proj:build'];
    const run = async () => {
      rmSync(join(ws, '.nx'), { recursive: true, force: true }); // a new build host: no local cache, no machine database
      rmSync(join(ws, 'proj', 'out'), { recursive: true, force: true });
      const lines: string[] = [];
      const status = await runWithNxCache({ dir, command: nx, cwd: ws, log: (line) => lines.push(line) });
      return { status, lines };
    };

    const first = await run();
    expect(first.status).toBe(0);
    const [archive] = readdirSync(dir).filter((name) => name.endsWith('.tar'));
    expect(archive).toBeDefined();

    const replayed = await run();
    expect(replayed.status).toBe(0);
    expect(replayed.lines.at(-1)).toBe('nx-cache: 1 task outputs replayed, 0 stored, 0 unused removed');
    expect(readFileSync(join(ws, 'ran.log'), 'utf-8')).toBe('ran\n');

    truncateSync(join(dir, archive), 100);
    const damaged = await run();
    expect(damaged.status).toBe(0);
    expect(damaged.lines.join('\n')).toMatch(/not replaying task \d+: .*; removed it, nx runs the task again/);
    expect(damaged.lines.at(-1)).toBe('nx-cache: 0 task outputs replayed, 1 stored, 0 unused removed');
    expect(readFileSync(join(ws, 'ran.log'), 'utf-8')).toBe('ran\nran\n');
    expect(readFileSync(join(ws, 'proj', 'out', 'x.txt'), 'utf-8')).toBe('built\n');
  }
});
