import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'fs';
import { request } from 'http';
import { connect } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';
import { NX_CACHE_SERVER_ENV, NX_CACHE_TOKEN_ENV, NxCacheServer, pruneNxCache, runWithNxCache, startNxCacheServer } from '../src/nx-cache';

/** One HTTP request as nx's remote cache client makes it; resolves with the status and body. */
function call(server: { url: string }, method: string, path: string, options: { token?: string; body?: Buffer } = {}): Promise<{ status: number; body: Buffer }> {
  return new Promise((ok, fail) => {
    const headers: Record<string, string | number> = {};
    if (options.token !== undefined) headers.Authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['Content-Length'] = options.body.length;
    const req = request(`${server.url}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => ok({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
    });
    req.on('error', fail);
    req.end(options.body);
  });
}

describe('the nx cache server (nx self-hosted remote cache protocol)', () => {
  let dir: string;
  let server: NxCacheServer;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nx-cache-'));
    server = await startNxCacheServer(dir);
  });
  afterEach(() => server.close());

  test('listens on 127.0.0.1 only', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  test('stores an upload and serves the same bytes back; a miss is 404', async () => {
    const archive = Buffer.from('task outputs as a tar archive \u0000\u0001\u0002');
    expect((await call(server, 'GET', '/v1/cache/123', { token: server.token })).status).toBe(404);
    expect((await call(server, 'PUT', '/v1/cache/123', { token: server.token, body: archive })).status).toBe(200);
    const got = await call(server, 'GET', '/v1/cache/123', { token: server.token });
    expect(got.status).toBe(200);
    expect(got.body.equals(archive)).toBe(true);
    expect(server.used()).toEqual({ read: ['123'], written: ['123'] });
  });

  test('never replaces an entry (409), so a later run cannot change what a hash replays', async () => {
    await call(server, 'PUT', '/v1/cache/7', { token: server.token, body: Buffer.from('first') });
    const again = await call(server, 'PUT', '/v1/cache/7', { token: server.token, body: Buffer.from('second') });
    expect(again.status).toBe(409);
    expect(readFileSync(join(dir, '7.tar'), 'utf-8')).toBe('first');
  });

  test('refuses a request without the bearer token, or with another one (401)', async () => {
    await call(server, 'PUT', '/v1/cache/9', { token: server.token, body: Buffer.from('x') });
    expect((await call(server, 'GET', '/v1/cache/9')).status).toBe(401);
    expect((await call(server, 'GET', '/v1/cache/9', { token: 'guess' })).status).toBe(401);
    expect((await call(server, 'PUT', '/v1/cache/10', { token: 'guess', body: Buffer.from('x') })).status).toBe(401);
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
});

describe('pruneNxCache', () => {
  test('keeps the entries a run used, removes the others and partial uploads', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nx-cache-'));
    for (const name of ['1.tar', '2.tar', '3.tar', '.partial-4-abcd', 'README']) writeFileSync(join(dir, name), 'x');
    expect(pruneNxCache(dir, new Set(['1', '3']))).toEqual(['2']);
    expect(readdirSync(dir).sort()).toEqual(['1.tar', '3.tar', 'README']);
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

  test('hands nx the server and its token, returns the command\'s status, and keeps only what the run used', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nx-cache-'));
    writeFileSync(join(dir, 'old.tar'), 'from a commit long gone');
    writeFileSync(join(dir, 'kept.tar'), 'still an input of this run');
    const lines: string[] = [];
    const status = await runWithNxCache({
      dir,
      command: client(`
        if (await call('GET', 'kept') !== 200) process.exit(10);
        if (await call('GET', 'missing') !== 404) process.exit(11);
        if (await call('PUT', 'fresh', 'new outputs') !== 200) process.exit(12);
        process.exit(3);
      `),
      log: (line) => lines.push(line),
    });
    expect(status).toBe(3);
    expect(readdirSync(dir).sort()).toEqual(['fresh.tar', 'kept.tar']);
    expect(lines[lines.length - 1]).toBe('nx-cache: 1 task outputs replayed, 1 stored, 1 unused removed');
  });

  test('needs a command', async () => {
    await expect(runWithNxCache({ dir: mkdtempSync(join(tmpdir(), 'nx-cache-')), command: [] })).rejects.toThrow(/needs a command to run after --/);
  });
});
