import { ChildProcess, spawn } from 'child_process';
import { constants } from 'os';
import { NxCacheServerOptions, startNxCacheServer } from './server';

/** The environment variables nx reads for a self-hosted remote cache. */
export const NX_CACHE_SERVER_ENV = 'NX_SELF_HOSTED_REMOTE_CACHE_SERVER';
export const NX_CACHE_TOKEN_ENV = 'NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN';

/** The signals a build host sends to stop a build, which the command receives too. */
const FORWARDED: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

export interface RunWithNxCacheOptions extends NxCacheServerOptions {
  /** The folder the build host keeps between runs. */
  readonly dir: string;
  /** The command and its arguments (e.g. `npx nx run-many -t build test`). */
  readonly command: readonly string[];
  readonly cwd?: string;
}

/**
 * Runs the command with nx pointed at the cache server, then removes the archives nx-cache
 * wrote that the run did not use. Resolves with the command's exit status (128 + the signal's
 * number when a signal ended it). SIGTERM and SIGINT sent to this process are passed on to the
 * command, which is awaited: it never outlives the cache it talks to. An interrupted run
 * removes nothing (it did not get to use what it would have).
 */
export async function runWithNxCache(options: RunWithNxCacheOptions): Promise<number> {
  const log = options.log ?? ((line: string) => console.error(line));
  if (options.command.length === 0) throw new Error('nx-cache needs a command to run after --, e.g. -- npx nx run-many -t build');
  const server = await startNxCacheServer(options.dir, options);
  log(`nx-cache: ${server.store.count()} task outputs in ${options.dir}, served on ${server.url}`);
  let outcome: { status: number; interrupted?: NodeJS.Signals; killed: boolean };
  try {
    outcome = await runForwardingSignals(spawn(options.command[0], options.command.slice(1), {
      cwd: options.cwd,
      stdio: 'inherit',
      env: { ...process.env, [NX_CACHE_SERVER_ENV]: server.url, [NX_CACHE_TOKEN_ENV]: server.token },
    }));
  } finally {
    await server.close();
  }
  const { read, written } = server.used();
  if (outcome.interrupted || outcome.killed) {
    server.store.discardPartials();
    log(`nx-cache: ${read.length} task outputs replayed, ${written.length} stored; the command was ${outcome.interrupted ? `interrupted (${outcome.interrupted})` : 'ended by a signal'}, so nothing was removed`);
  } else {
    const removed = server.store.prune(new Set([...read, ...written]));
    log(`nx-cache: ${read.length} task outputs replayed, ${written.length} stored, ${removed.length} unused removed`);
  }
  return outcome.status;
}

/**
 * Waits for the child, passing SIGTERM and SIGINT on to it meanwhile (Node then no longer exits
 * on them itself), and ending it if this process exits first.
 */
function runForwardingSignals(child: ChildProcess): Promise<{ status: number; interrupted?: NodeJS.Signals; killed: boolean }> {
  return new Promise((ok, fail) => {
    let interrupted: NodeJS.Signals | undefined;
    const forward = (signal: NodeJS.Signals) => {
      interrupted = signal;
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    };
    const onExit = () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    };
    for (const signal of FORWARDED) process.on(signal, forward);
    process.on('exit', onExit);
    const settle = () => {
      for (const signal of FORWARDED) process.off(signal, forward);
      process.off('exit', onExit);
    };
    child.on('error', (err) => {
      settle();
      fail(err);
    });
    child.on('close', (code, signal) => {
      settle();
      const bySignal = signal ? 128 + (constants.signals[signal] ?? 0) : undefined;
      const interruptedStatus = interrupted ? 128 + constants.signals[interrupted] : undefined;
      ok({
        status: bySignal ?? (code === 0 && interruptedStatus !== undefined ? interruptedStatus : code ?? 1),
        interrupted,
        killed: signal !== null,
      });
    });
  });
}
