/**
 * `npx projen watch-deployment --url <api url>` (or `--stack <name>`): polls
 * `GET /version` and `GET /locations` at a fixed rate during a deployment and shows
 * live which versions answer, how often, and how many requests fail; prints a
 * summary at the end (after `--duration`, or on Ctrl-C). See `--help`.
 */
import { execFile } from 'node:child_process';

const USAGE = `Usage: watch-deployment (--url <api url> | --stack <stack name> [--region <region>])
                        [--duration <time>] [--interval <ms>] [--timeout <ms>]

Polls GET /version and GET /locations of the API at a fixed rate and shows live
which versions answer (and how often) and how many requests fail, then prints a
summary. Run it while the pipeline deploys to watch the traffic shift, or the
rollback of a failing version.

  --url <url>         the API's base URL (the stack's ApiUrl output)
  --stack <name>      read the URL from the stack's ApiUrl output with the AWS CLI
                      (needs 'aws' on the PATH and credentials; offline, use --url)
  --region <region>   the stack's region (default: the AWS CLI's)
  --duration <time>   how long to watch: seconds, or with s/m/h (default 120s)
  --interval <ms>     time between two rounds of requests (default 500)
  --timeout <ms>      how long a request may take before it counts as failed (default 5000)
  --help              show this help

Exit code: 0 when every request succeeded, 1 when any failed, 2 for a bad command line.`;

/** A command line that cannot be run; the message says why and what to write. */
export class UsageError extends Error {
  public override readonly name = 'UsageError';
}

/** What the command line asks for. */
export interface WatchArgs {
  readonly url?: string;
  readonly stack?: string;
  readonly region?: string;
  readonly durationMs: number;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly help: boolean;
}

function parseDuration(value: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value);
  if (!match) throw new UsageError(`--duration needs a time such as 90, 90s, 5m or 1h, got '${value}'`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(match[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  const ms = Math.round(Number(match[1]) * unit);
  if (ms < 1 || ms > 24 * 3_600_000) throw new UsageError(`--duration must be more than 0 and at most 24h, got '${value}'`);
  return ms;
}

function parseMs(flag: string, value: string, min: number, max: number): number {
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new UsageError(`${flag} needs a whole number of milliseconds from ${min} to ${max}, got '${value}'`);
  }
  return Number(value);
}

function parseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--url needs an absolute URL such as https://abc123.execute-api.eu-west-1.amazonaws.com/prod, got '${value}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--url must be an http or https URL, got '${value}'`);
  }
  return value.replace(/\/+$/, '');
}

/** Parses the arguments after the task name. */
export function parseWatchArgs(argv: readonly string[]): WatchArgs {
  const values: Record<string, string> = {};
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    if (flag === '--help' || flag === '-h') {
      help = true;
      continue;
    }
    if (!['--url', '--stack', '--region', '--duration', '--interval', '--timeout'].includes(flag)) {
      throw new UsageError(`unknown argument '${argv[i]}'; see --help`);
    }
    const value = inline ?? argv[++i];
    if (value === undefined || value === '') throw new UsageError(`${flag} needs a value; see --help`);
    values[flag] = value;
  }
  if (help) return { help, durationMs: 0, intervalMs: 0, timeoutMs: 0 };
  if ((values['--url'] === undefined) === (values['--stack'] === undefined)) {
    throw new UsageError('give either --url <api url> or --stack <stack name> (exactly one); see --help');
  }
  if (values['--region'] !== undefined && values['--stack'] === undefined) {
    throw new UsageError('--region only applies with --stack');
  }
  return {
    url: values['--url'] !== undefined ? parseUrl(values['--url']) : undefined,
    stack: values['--stack'],
    region: values['--region'],
    durationMs: values['--duration'] !== undefined ? parseDuration(values['--duration']) : 120_000,
    intervalMs: values['--interval'] !== undefined ? parseMs('--interval', values['--interval'], 50, 60_000) : 500,
    timeoutMs: values['--timeout'] !== undefined ? parseMs('--timeout', values['--timeout'], 100, 60_000) : 5000,
    help,
  };
}

/** Runs the AWS CLI with these arguments and returns its standard output. */
export type AwsCli = (args: readonly string[]) => Promise<string>;

const runAwsCli: AwsCli = (args) => new Promise((resolve, reject) => {
  execFile('aws', [...args], { timeout: 30_000 }, (err, stdout, stderr) => {
    if (err) {
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
      reject(new Error(missing
        ? "the AWS CLI ('aws') is not on the PATH; install it, or pass the API's URL with --url"
        : `aws ${args.slice(0, 2).join(' ')} failed: ${stderr.trim() || err.message}`));
    } else {
      resolve(stdout);
    }
  });
});

/** The `ApiUrl` output of a CloudFormation stack, read with the AWS CLI. */
export async function stackApiUrl(stack: string, region?: string, aws: AwsCli = runAwsCli): Promise<string> {
  const output = (await aws([
    'cloudformation', 'describe-stacks',
    '--stack-name', stack,
    ...(region ? ['--region', region] : []),
    '--query', "Stacks[0].Outputs[?OutputKey=='ApiUrl'].OutputValue | [0]",
    '--output', 'text',
  ])).trim();
  if (output === '' || output === 'None') {
    throw new Error(`stack ${stack} has no ApiUrl output; is it the sample API's stack? Pass the URL with --url instead`);
  }
  return parseUrl(output);
}

/** Where the live line and the summary go (a TTY gets a redrawn, coloured line). */
export interface WatchOutput {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** Options of {@link watchDeployment}. */
export interface WatchOptions {
  /** The API's base URL. */
  readonly url: string;
  readonly durationMs: number;
  /** Time between two rounds (a round is one `GET /version` and one `GET /locations`). */
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly out: WatchOutput;
  /** Ends the watch early (Ctrl-C); the summary still comes. */
  readonly signal?: AbortSignal;
}

/** One version as `/version` reported it. */
export interface VersionSeen {
  /** `version (commit)`. */
  readonly label: string;
  count: number;
  /** Milliseconds since the start of the watch. */
  firstSeenMs: number;
  lastSeenMs: number;
}

/** What the watch saw. */
export interface WatchSummary {
  readonly url: string;
  elapsedMs: number;
  rounds: number;
  requests: number;
  /** In order of first answer. */
  readonly versions: VersionSeen[];
  dataOk: number;
  /** Failed requests by `<endpoint> <status or error>`, e.g. `GET /locations 500`. */
  readonly errors: Record<string, number>;
}

const WINDOW_MS = 10_000;
const PALETTE = [32, 36, 35, 33, 34];

function paint(colour: boolean, code: number, text: string): string {
  return colour ? `\x1b[${code}m${text}\x1b[0m` : text;
}

function clock(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  return `${String(Math.floor(seconds / 60)).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}`;
}

function errorCount(summary: WatchSummary): number {
  return Object.values(summary.errors).reduce((sum, count) => sum + count, 0);
}

/**
 * The live line: elapsed time, each version with its answers (and its share of the
 * answers in the last 10 s), the data endpoint's successes and the failures.
 */
export function formatLiveLine(
  summary: WatchSummary,
  recent: ReadonlyArray<{ readonly label: string }>,
  durationMs: number,
  colour: boolean,
): string {
  const versions = summary.versions.length === 0
    ? 'no version yet'
    : summary.versions.map((seen, index) => {
      const share = recent.length ? Math.round((100 * recent.filter((r) => r.label === seen.label).length) / recent.length) : 0;
      return `${paint(colour, PALETTE[index % PALETTE.length], seen.label)} ×${seen.count} (${share}%)`;
    }).join('  ');
  const failures = errorCount(summary);
  const errors = failures === 0
    ? paint(colour, 32, 'errors 0')
    : paint(colour, 31, `errors ${failures} (${Object.entries(summary.errors).map(([kind, count]) => `${kind} ×${count}`).join(', ')})`);
  return `[${clock(summary.elapsedMs)}/${clock(durationMs)}] ${versions} │ data ok ${summary.dataOk} │ ${errors}`;
}

/** The summary printed at the end. */
export function formatSummary(summary: WatchSummary, colour: boolean): string {
  const failures = errorCount(summary);
  const lines = [
    `watch-deployment: ${summary.url} for ${clock(summary.elapsedMs)} (${summary.rounds} rounds, ${summary.requests} requests)`,
    'versions answering GET /version:',
    ...(summary.versions.length === 0
      ? ['  none']
      : summary.versions.map((seen, index) =>
        `  ${paint(colour, PALETTE[index % PALETTE.length], seen.label)}: ${seen.count} answers, first ${clock(seen.firstSeenMs)}, last ${clock(seen.lastSeenMs)}`)),
    `GET /locations: ${summary.dataOk} ok`,
    failures === 0
      ? paint(colour, 32, 'errors: none')
      : paint(colour, 31, `errors: ${failures} of ${summary.requests} requests (${((100 * failures) / Math.max(1, summary.requests)).toFixed(1)}%)`),
    ...Object.entries(summary.errors).map(([kind, count]) => `  ${kind}: ${count}`),
  ];
  return `${lines.join('\n')}\n`;
}

type Outcome = { readonly ok: true; readonly body: unknown } | { readonly ok: false; readonly reason: string };

async function get(url: string, timeoutMs: number): Promise<Outcome> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } });
    const text = await response.text();
    if (!response.ok) return { ok: false, reason: String(response.status) };
    try {
      return { ok: true, body: JSON.parse(text) };
    } catch {
      return { ok: false, reason: 'not JSON' };
    }
  } catch (err) {
    const error = err as Error & { cause?: { code?: string } };
    if (error.name === 'TimeoutError' || error.name === 'AbortError') return { ok: false, reason: 'timeout' };
    return { ok: false, reason: error.cause?.code ?? error.name };
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Watches the API for `durationMs` (or until `signal` aborts) and returns what it
 * saw. Each round fires `GET /version` and `GET /locations` without waiting for the
 * previous round (a fixed rate, so a slow or hanging version shows as timeouts).
 * On a TTY the live line is redrawn in place with colours; otherwise a plain line
 * is written every 5 s and when a new version answers.
 */
export async function watchDeployment(options: WatchOptions): Promise<WatchSummary> {
  const { url, durationMs, intervalMs, timeoutMs, out, signal } = options;
  const tty = out.isTTY === true;
  const start = Date.now();
  const summary: WatchSummary = { url, elapsedMs: 0, rounds: 0, requests: 0, versions: [], dataOk: 0, errors: {} };
  let recent: Array<{ readonly at: number; readonly label: string }> = [];
  const inFlight = new Set<Promise<void>>();
  let lastPlainLine = 0;

  const fail = (endpoint: string, reason: string) => {
    const kind = `${endpoint} ${reason}`;
    summary.errors[kind] = (summary.errors[kind] ?? 0) + 1;
  };
  const render = (force = false) => {
    const now = Date.now();
    summary.elapsedMs = now - start;
    recent = recent.filter((r) => now - r.at <= WINDOW_MS);
    const line = formatLiveLine(summary, recent, durationMs, tty);
    if (tty) {
      const width = out.columns ?? 0;
      // Clear the line and redraw; cut to the terminal's width (colour codes included, conservatively).
      out.write(`\r\x1b[2K${width > 0 && line.length > width + 40 ? `${line.slice(0, width + 40)}\x1b[0m` : line}`);
    } else if (force || now - lastPlainLine >= 5000) {
      lastPlainLine = now;
      out.write(`${line}\n`);
    }
  };
  const track = (promise: Promise<void>) => {
    inFlight.add(promise);
    void promise.finally(() => inFlight.delete(promise));
  };

  const round = () => {
    summary.rounds++;
    summary.requests += 2;
    track(get(`${url}/version`, timeoutMs).then((outcome) => {
      if (!outcome.ok) return fail('GET /version', outcome.reason);
      const body = outcome.body as { version?: unknown; commit?: unknown };
      if (typeof body?.version !== 'string') return fail('GET /version', 'no version in the answer');
      const label = typeof body.commit === 'string' ? `${body.version} (${body.commit})` : body.version;
      const at = Date.now() - start;
      let seen = summary.versions.find((v) => v.label === label);
      const isNew = !seen;
      if (!seen) {
        seen = { label, count: 0, firstSeenMs: at, lastSeenMs: at };
        summary.versions.push(seen);
      }
      seen.count++;
      seen.lastSeenMs = at;
      recent.push({ at: Date.now(), label });
      if (isNew && !tty) render(true);
    }));
    track(get(`${url}/locations`, timeoutMs).then((outcome) => {
      if (outcome.ok) summary.dataOk++;
      else fail('GET /locations', outcome.reason);
    }));
  };

  for (let n = 0; !signal?.aborted; n++) {
    const due = start + n * intervalMs;
    if (due >= start + durationMs) break;
    await sleep(due - Date.now(), signal);
    if (signal?.aborted) break;
    round();
    render();
  }
  // eslint-disable-next-line @cdklabs/promiseall-no-unbounded-parallelism -- the rounds still in flight when the watch ends: one per interval at most, each already started
  await Promise.all([...inFlight]);
  render(true);
  if (tty) out.write('\n');
  return summary;
}

async function main(argv: readonly string[]): Promise<number> {
  let args: WatchArgs;
  try {
    args = parseWatchArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`watch-deployment: ${err.message}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  let url: string;
  try {
    url = args.url ?? await stackApiUrl(args.stack!, args.region);
  } catch (err) {
    console.error(`watch-deployment: ${(err as Error).message}`);
    return 2;
  }

  const stop = new AbortController();
  const onSignal = () => {
    if (stop.signal.aborted) process.exit(130);
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  console.log(`watching ${url} for ${clock(args.durationMs)} (Ctrl-C stops early)`);
  const summary = await watchDeployment({
    url,
    durationMs: args.durationMs,
    intervalMs: args.intervalMs,
    timeoutMs: args.timeoutMs,
    out: process.stdout,
    signal: stop.signal,
  });
  process.stdout.write(formatSummary(summary, process.stdout.isTTY === true));
  return errorCount(summary) === 0 ? 0 : 1;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: Error) => {
      console.error(`watch-deployment: ${err.stack ?? err.message}`);
      process.exit(1);
    },
  );
}
