/**
 * `npx projen serve` (or `npx nx run @crosswalk/sample-api:serve`): runs the API
 * locally over an in-memory DynamoDB until Ctrl-C. See `--help`.
 */
import { quote } from '../lib/echo';
import { LocalApi, startLocalApi } from './server';

const USAGE = `Usage: serve [--port <port>] [--seed] [--simulate-failure]

Runs the sample API on http://127.0.0.1:<port> over an in-memory DynamoDB
(dynalite), calling the same handlers as Lambda. The data is gone when it stops.

  --port <port>        port to listen on (default 0: a free port, printed at start)
  --seed               create a few locations at start
  --simulate-failure   run the handlers with SIMULATE_FAILURE=true (data routes answer 500)
  --help               show this help

Stop it with Ctrl-C.`;

/** What the command line asks for. */
export interface ServeArgs {
  readonly port: number;
  readonly seed: boolean;
  readonly simulateFailure: boolean;
  readonly help: boolean;
}

/** A command line that cannot be run; the message says why and what to write. */
export class UsageError extends Error {
  public override readonly name = 'UsageError';
}

/** Parses the arguments after the task name. */
export function parseServeArgs(argv: readonly string[]): ServeArgs {
  let port = 0;
  let seed = false;
  let simulateFailure = false;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    switch (flag) {
      case '--port': {
        const value = inline ?? argv[++i];
        if (value === undefined || !/^\d{1,5}$/.test(value) || Number(value) > 65535) {
          throw new UsageError(`--port needs a port number from 0 to 65535, got ${value === undefined ? 'nothing' : quote(value)}`);
        }
        port = Number(value);
        break;
      }
      case '--seed': seed = true; break;
      case '--simulate-failure': simulateFailure = true; break;
      case '--help': case '-h': help = true; break;
      default: throw new UsageError(`unknown argument ${quote(argv[i])}; see --help`);
    }
  }
  return { port, seed, simulateFailure, help };
}

/** The locations `--seed` creates. */
export const SEED_LOCATIONS = ['Main entrance', 'Library', 'Cafeteria'];

/** Creates the seed locations through the API itself. */
export async function seed(url: string): Promise<void> {
  for (const name of SEED_LOCATIONS) {
    const response = await fetch(`${url}/locations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name }),
    });
    if (response.status !== 201) throw new Error(`seeding location '${name}' answered ${response.status}: ${await response.text()}`);
  }
}

async function main(argv: readonly string[]): Promise<number> {
  let args: ServeArgs;
  try {
    args = parseServeArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`serve: ${err.message}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }

  let api: LocalApi;
  try {
    api = await startLocalApi({
      port: args.port,
      simulateFailure: args.simulateFailure,
      log: (line) => console.log(line),
    });
  } catch (err) {
    console.error(`serve: ${(err as Error).message}`);
    return 1;
  }
  if (args.seed) await seed(api.url);

  console.log(`Sample API (local mode) listening on ${api.url}`);
  console.log(`  curl ${api.url}/version`);
  console.log(`  curl ${api.url}/locations`);
  console.log(`  curl -X POST ${api.url}/locations -H 'content-type: application/json' -d '{"name": "Library"}'`);
  if (args.simulateFailure) console.log('  SIMULATE_FAILURE=true: /locations and /registrations answer 500');
  console.log('Press Ctrl-C to stop.');

  return new Promise<number>((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) {
        console.log(`\n${signal} again: exiting without waiting`);
        process.exit(130);
      }
      stopping = true;
      console.log(`\n${signal}: stopping the local API…`);
      api.stop().then(
        () => {
          console.log('stopped');
          resolve(0);
        },
        (err: Error) => {
          console.error(`serve: stopping failed: ${err.message}`);
          resolve(1);
        },
      );
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: Error) => {
      console.error(`serve: ${err.stack ?? err.message}`);
      process.exit(1);
    },
  );
}
