import { after, before } from 'node:test';
import type { LocalApi } from '../../src/local/server';

/** Where the suites send their requests. */
export interface ApiTarget {
  /** The base URL, without a trailing slash. */
  readonly url: string;
  /** Whether the suite started the local mode itself (no `API_URL`). */
  readonly local: boolean;
}

/**
 * The API under test: `API_URL` when set (the pipeline sets it from the stack's
 * `ApiUrl` output), otherwise the local mode, started before the suite's tests and
 * stopped after them. Call it at the top of a test file; read the target inside tests.
 *
 * The local mode (and the in-memory DynamoDB it pulls in) is loaded only when it is
 * started: the pipeline's test bundle (`src/test-bundle/`) leaves it out and requires `API_URL`.
 */
export function useApiTarget(): () => ApiTarget {
  const given = process.env.API_URL?.trim();
  let target: ApiTarget | undefined = given ? { url: given.replace(/\/+$/, ''), local: false } : undefined;
  let api: LocalApi | undefined;

  before(async () => {
    if (target) return;
    const { startLocalApi }: typeof import('../../src/local/server') = require('../../src/local/server');
    const started = await startLocalApi();
    api = started;
    target = { url: started.url, local: true };
  }, { timeout: 30_000 });
  after(async () => {
    await api?.stop();
  });

  return () => {
    if (!target) throw new Error('the API target is only known inside tests (after the suite\'s before hook)');
    return target;
  };
}

/** An answer of the API. */
export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  /** The parsed JSON body (`undefined` when empty). */
  readonly body: any;
}

/** Options of {@link request}. */
export interface RequestOptions {
  /** Sent as JSON with `content-type: application/json`. */
  readonly json?: unknown;
  /** Sent as is. */
  readonly raw?: string;
  readonly headers?: Record<string, string>;
}

/**
 * One request to the API. Fails (with the method, path, status and body) when the
 * answer is not JSON, since every answer of the API is.
 */
export async function request(base: string, method: string, path: string, options: RequestOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  let body: string | undefined = options.raw;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${base}${path}`, { method, headers, body, signal: AbortSignal.timeout(20_000) });
  const text = await response.text();
  if (text === '') return { status: response.status, headers: response.headers, body: undefined };
  try {
    return { status: response.status, headers: response.headers, body: JSON.parse(text) };
  } catch {
    throw new Error(`${method} ${path} answered ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`);
  }
}

/** Every item of a paged list (follows `nextToken`, at most `maxPages` pages). */
export async function listAll(base: string, path: string, maxPages = 50): Promise<any[]> {
  const items: any[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const separator = path.includes('?') ? '&' : '?';
    const answer = await request(base, 'GET', nextToken ? `${path}${separator}nextToken=${encodeURIComponent(nextToken)}` : path);
    if (answer.status !== 200) throw new Error(`GET ${path} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    items.push(...answer.body.items);
    nextToken = answer.body.nextToken;
    if (!nextToken) return items;
  }
  throw new Error(`GET ${path} has more than ${maxPages} pages`);
}
