/**
 * nx's task cache for a build whose machine changes every run (CodeBuild).
 *
 * nx 20+ keeps its local cache index in a database named after the machine id
 * (`.nx/workspace-data/<machine id>-v*.db`). A build host restores `.nx/cache` from the
 * previous run, but a new host, with another machine id, opens an empty database and
 * treats every restored artifact as unknown: every task runs again. So the cache here
 * does not depend on the local database at all. It uses nx's documented self-hosted
 * remote cache protocol instead (`NX_SELF_HOSTED_REMOTE_CACHE_SERVER`, the OpenAPI
 * specification of https://nx.dev/docs/kb/self-hosted-caching): a small server on
 * 127.0.0.1 serves the task archives out of one folder that the build host keeps
 * between runs (the CodeBuild cache), and nx asks it for every task it does not find
 * locally.
 *
 * Written by hand because the packages nx offers for this (`@nx/s3-cache`,
 * `@nx/shared-fs-cache`) need an activation key obtained over the network. This one
 * uses only Node's own modules, so a fresh clone can run it from source before anything
 * is built.
 *
 * - Only the build's own processes can use it: it listens on 127.0.0.1 and asks for a
 *   random bearer token that it hands to the command through the environment.
 * - An entry is never replaced (409, as the specification answers an existing record), and
 *   an upload is written to a temporary file and renamed into place when complete: a
 *   failed or cut-off upload leaves nothing behind.
 * - After the command, the entries this run neither read nor wrote are removed, so the
 *   folder keeps one build's worth of archives instead of growing with every commit.
 */
import { spawn } from 'child_process';
import { randomBytes, timingSafeEqual } from 'crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'fs';
import { IncomingMessage, ServerResponse, createServer } from 'http';
import { AddressInfo } from 'net';
import { join, resolve } from 'path';

/** The environment variables nx reads for a self-hosted remote cache. */
export const NX_CACHE_SERVER_ENV = 'NX_SELF_HOSTED_REMOTE_CACHE_SERVER';
export const NX_CACHE_TOKEN_ENV = 'NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN';

/** What a task hash looks like (nx's are decimal digits); anything else is refused, so no request names a path. */
const HASH = /^[A-Za-z0-9]{1,128}$/;
const ARCHIVE_SUFFIX = '.tar';

export interface NxCacheServer {
  /** `http://127.0.0.1:<port>`, for NX_SELF_HOSTED_REMOTE_CACHE_SERVER. */
  readonly url: string;
  /** The bearer token requests must carry, for NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN. */
  readonly token: string;
  /** The hashes served (read) and stored (written) so far. */
  used(): { readonly read: readonly string[]; readonly written: readonly string[] };
  close(): Promise<void>;
}

/** Starts the server over `dir` (created if missing) on a free port of 127.0.0.1. */
export async function startNxCacheServer(dir: string): Promise<NxCacheServer> {
  const folder = resolve(dir);
  mkdirSync(folder, { recursive: true });
  const token = randomBytes(24).toString('hex');
  const expected = Buffer.from(`Bearer ${token}`);
  const read = new Set<string>();
  const written = new Set<string>();

  const answer = (res: ServerResponse, status: number, message: string) => {
    res.writeHead(status, { 'Content-Type': 'text/plain' }).end(message);
  };
  const authorized = (req: IncomingMessage): boolean => {
    const given = Buffer.from(req.headers.authorization ?? '');
    return given.length === expected.length && timingSafeEqual(given, expected);
  };

  const server = createServer((req, res) => {
    const match = /^\/v1\/cache\/([^/?#]*)$/.exec(req.url ?? '');
    if (!match) {
      req.resume();
      return answer(res, 404, 'not found: the cache serves /v1/cache/{hash}');
    }
    if (!authorized(req)) {
      req.resume();
      return answer(res, 401, 'missing or wrong bearer token');
    }
    const hash = match[1];
    if (!HASH.test(hash)) {
      req.resume();
      return answer(res, 400, 'a task hash is 1 to 128 letters or digits');
    }
    const archive = join(folder, `${hash}${ARCHIVE_SUFFIX}`);
    if (req.method === 'GET') {
      if (!existsSync(archive)) return answer(res, 404, 'no such task output');
      read.add(hash);
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': statSync(archive).size });
      createReadStream(archive).pipe(res);
      return;
    }
    if (req.method === 'PUT') {
      if (existsSync(archive)) {
        req.resume();
        return answer(res, 409, 'cannot override an existing record');
      }
      const partial = join(folder, `.partial-${hash}-${randomBytes(4).toString('hex')}`);
      const out = createWriteStream(partial);
      let received = 0;
      req.on('data', (chunk: Buffer) => { received += chunk.length; });
      const discard = () => rmSync(partial, { force: true });
      req.on('aborted', () => { out.destroy(); discard(); });
      out.on('error', () => { discard(); answer(res, 500, 'could not store the task output'); });
      out.on('finish', () => {
        const declared = Number(req.headers['content-length']);
        if (req.headers['content-length'] !== undefined && declared !== received) {
          discard();
          return answer(res, 400, `the upload ended after ${received} of ${declared} bytes`);
        }
        if (existsSync(archive)) {
          discard();
          return answer(res, 409, 'cannot override an existing record');
        }
        renameSync(partial, archive);
        written.add(hash);
        answer(res, 200, 'stored');
      });
      req.pipe(out);
      return;
    }
    req.resume();
    res.setHeader('Allow', 'GET, PUT');
    return answer(res, 405, `${req.method} is not served; GET or PUT /v1/cache/{hash}`);
  });

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ok());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    used: () => ({ read: [...read], written: [...written] }),
    close: () => new Promise<void>((ok) => {
      server.close(() => ok());
      server.closeAllConnections();
    }),
  };
}

/** Removes every archive of `dir` whose hash is not in `keep`, and any partial upload; returns the removed hashes. */
export function pruneNxCache(dir: string, keep: ReadonlySet<string>): string[] {
  if (!existsSync(dir)) return [];
  const removed: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name.startsWith('.partial-')) {
      rmSync(join(dir, name), { force: true });
    } else if (name.endsWith(ARCHIVE_SUFFIX) && !keep.has(name.slice(0, -ARCHIVE_SUFFIX.length))) {
      rmSync(join(dir, name), { force: true });
      removed.push(name.slice(0, -ARCHIVE_SUFFIX.length));
    }
  }
  return removed;
}

export interface RunWithNxCacheOptions {
  /** The folder the build host keeps between runs. */
  readonly dir: string;
  /** The command and its arguments (e.g. `npx nx run-many -t build test`). */
  readonly command: readonly string[];
  readonly cwd?: string;
  readonly log?: (line: string) => void;
}

/**
 * Runs the command with nx pointed at the cache server, then removes what the run did not
 * use. Resolves with the command's exit status; a failed command keeps its cache entries
 * pruned the same way (the tasks it stored are valid results of their inputs).
 */
export async function runWithNxCache(options: RunWithNxCacheOptions): Promise<number> {
  const log = options.log ?? ((line: string) => console.error(line));
  if (options.command.length === 0) throw new Error('nx-cache needs a command to run after --, e.g. -- npx nx run-many -t build');
  const before = existsSync(options.dir) ? readdirSync(options.dir).filter((n) => n.endsWith(ARCHIVE_SUFFIX)).length : 0;
  const server = await startNxCacheServer(options.dir);
  log(`nx-cache: ${before} task outputs in ${options.dir}, served on ${server.url}`);
  let status: number;
  try {
    status = await new Promise<number>((ok, fail) => {
      // Asynchronous: this process must keep answering nx while the command runs.
      const child = spawn(options.command[0], options.command.slice(1), {
        cwd: options.cwd,
        stdio: 'inherit',
        env: { ...process.env, [NX_CACHE_SERVER_ENV]: server.url, [NX_CACHE_TOKEN_ENV]: server.token },
      });
      child.on('error', fail);
      child.on('close', (code, signal) => ok(code ?? (signal ? 128 : 1)));
    });
  } finally {
    await server.close();
  }
  const { read, written } = server.used();
  const removed = pruneNxCache(options.dir, new Set([...read, ...written]));
  log(`nx-cache: ${read.length} task outputs replayed, ${written.length} stored, ${removed.length} unused removed`);
  return status;
}

/** The arguments of `nx-cache <dir> -- <command...>`, or undefined when they are not that shape. */
export function parseNxCacheArgs(argv: readonly string[]): { readonly dir: string; readonly command: string[] } | undefined {
  return argv.indexOf('--') === 1 && argv.length > 2 ? { dir: argv[0], command: argv.slice(2) } : undefined;
}

export const NX_CACHE_USAGE = 'nx-cache takes one folder, then -- and the command to run, e.g. nx-cache .nx/task-cache -- npx nx run-many -t build test';

/** `nx-cache.ts <dir> -- <command...>`: run from source (ts-node) before the workspace is built. */
if (require.main === module) {
  const args = parseNxCacheArgs(process.argv.slice(2));
  if (args === undefined) {
    console.error(NX_CACHE_USAGE);
    process.exitCode = 2;
  } else {
    runWithNxCache(args).then((code) => { process.exitCode = code; }, (err) => {
      console.error(`nx-cache: ${(err as Error).message}`);
      process.exitCode = 1;
    });
  }
}
