/**
 * nx's task cache for a build whose machine changes every run (CodeBuild): this repository's
 * own build tooling (the pipeline's Build stage runs it), not part of a published package.
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
 * uses only Node's own modules, so a fresh clone can run this file from source
 * (`npx ts-node --transpile-only tools/nx-cache.ts <dir> -- <command>`) before
 * anything is built. The parts, in ./task-cache:
 *
 * - archive.ts: an archive is replayed only if it is a whole gzip-compressed tar;
 * - store.ts: the folder: only regular files of the folder, only archives nx-cache wrote
 *   and unchanged since, never replaced, and only nx-cache's own files removed;
 * - server.ts: the protocol, on 127.0.0.1, behind a random bearer token, uploads bounded;
 * - run.ts: the command, with SIGTERM and SIGINT passed on to it and awaited.
 */
import { runWithNxCache } from './task-cache/run';

export { DEFAULT_MAX_UPLOAD_BYTES, startNxCacheServer } from './task-cache/server';
export type { NxCacheServer, NxCacheServerOptions } from './task-cache/server';
export { NX_CACHE_SERVER_ENV, NX_CACHE_TOKEN_ENV, runWithNxCache } from './task-cache/run';
export type { RunWithNxCacheOptions } from './task-cache/run';
export { TaskArchiveStore } from './task-cache/store';

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
