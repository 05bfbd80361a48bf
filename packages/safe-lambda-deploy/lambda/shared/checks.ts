import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { HttpCheckConfig, InvocationCheckConfig, ResponseKind } from '../../src/contract/hook-config';
import { describeValue } from './describe';

/** What a check saw: a status code and a body. */
export interface Answer {
  readonly statusCode: number;
  readonly body: string;
  /** The body is only the first part of a larger answer (see {@link MAX_BODY_BYTES}). */
  readonly truncated?: boolean;
}

/** The outcome of one check. */
export interface CheckResult {
  readonly name: string;
  readonly passed: boolean;
  /** Why it failed; empty when it passed. */
  readonly problems: string[];
  /** What else is worth knowing (for example that only part of a large answer was read); absent when nothing. */
  readonly notes?: string[];
  readonly durationMs: number;
}

/** What a check found: its problems (none when it passed) and notes. */
export interface CheckFindings {
  readonly problems: string[];
  readonly notes?: string[];
}

/** What an answer must look like. */
export interface Expectation {
  readonly expectedStatusCode: number;
  readonly expectedBodyContains: string[];
}

/**
 * The most of an HTTP answer's body a check reads. The hook has 256 MB of memory
 * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html); a body read
 * whole takes several times its size (bytes, then a string of them), so a 100 MB answer
 * would stop the hook before it reports. Expected texts must be within this prefix.
 */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Compares an answer with an expectation; returns what is wrong (nothing when it matches). */
export function compareAnswer(answer: Answer, expectation: Expectation): string[] {
  const problems: string[] = [];
  if (answer.statusCode !== expectation.expectedStatusCode) {
    problems.push(`status ${answer.statusCode}, expected ${expectation.expectedStatusCode} (body: ${snippet(answer.body)})`);
  }
  const where = answer.truncated ? ` in its first ${MAX_BODY_BYTES} bytes (the answer is larger; the check reads no more)` : '';
  for (const text of expectation.expectedBodyContains) {
    if (!answer.body.includes(text)) problems.push(`body does not contain ${JSON.stringify(text)}${where} (body: ${snippet(answer.body)})`);
  }
  return problems;
}

/** An answer read from an invocation's payload, or why the payload is not one. */
export type ReadAnswer =
  | { readonly ok: true; readonly answer: Answer }
  | { readonly ok: false; readonly problem: string };

/**
 * Reads an invocation's payload as the function's callers would get it (see
 * `InvocationResponseKind` of the construct):
 *
 * - `API_GATEWAY_PROXY`: the payload must be a proxy result, an object with an integer
 *   `statusCode` (100 to 599) and a string `body` (or none: left out or `null`, which
 *   serializers of typed runtimes write for an empty body). API Gateway answers callers 502
 *   ("Malformed Lambda proxy response") for anything else:
 *   https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html#api-gateway-simple-proxy-for-lambda-output-format
 *   and https://aws.amazon.com/premiumsupport/knowledge-center/malformed-502-api-gateway/
 * - `FUNCTION_URL`: "If your function returns valid JSON and doesn't return a statusCode,
 *   Lambda assumes" status 200 with the function's response as body; an answer with a
 *   `statusCode` must have the documented response format:
 *   https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html#urls-response-payload
 *   (HTTP APIs with payload format 2.0 read answers the same way:
 *   https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html#http-api-develop-integrations-lambda.response)
 * - `PLAIN`: any answer counts as 200, the whole payload being the body.
 */
export function readAnswer(payload: string, kind: ResponseKind): ReadAnswer {
  if (kind === 'PLAIN') return { ok: true, answer: { statusCode: 200, body: payload } };
  const notA = kind === 'API_GATEWAY_PROXY'
    ? 'not an API Gateway proxy result; API Gateway answers callers 502 for it'
    : 'not a function URL response';
  const parsed = parseJson(payload);
  if (!parsed.ok) return { ok: false, problem: `the answer is not JSON, so ${notA} (answer: ${snippet(payload)})` };
  const value = parsed.value;
  const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
  if (kind === 'FUNCTION_URL' && !(isObject && 'statusCode' in value)) {
    return { ok: true, answer: { statusCode: 200, body: payload } };
  }
  if (!isObject) {
    return { ok: false, problem: `the answer ${describeValue(value)} is ${notA}` };
  }
  const result = value as { statusCode?: unknown; body?: unknown; isBase64Encoded?: unknown };
  if (!('statusCode' in result)) {
    return { ok: false, problem: `the answer has no statusCode, so it is ${notA} (answer: ${snippet(payload)})` };
  }
  const problems: string[] = [];
  const statusCode = result.statusCode;
  if (typeof statusCode !== 'number' || !Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) {
    problems.push(`statusCode ${describeValue(statusCode)} is not a whole number from 100 to 599`);
  }
  const body = result.body;
  if (body !== undefined && body !== null && typeof body !== 'string') {
    problems.push(`body is ${Array.isArray(body) ? 'an array' : `a${/^[aeiou]/.test(typeof body) ? 'n' : ''} ${typeof body}`}, not a string`);
  }
  if (problems.length > 0) return { ok: false, problem: `${problems.join(' and ')}, so the answer is ${notA}` };
  const text = typeof body === 'string'
    ? (result.isBase64Encoded === true ? Buffer.from(body, 'base64').toString('utf8') : body)
    : '';
  return { ok: true, answer: { statusCode: statusCode as number, body: text } };
}

function parseJson(text: string): { readonly ok: true; readonly value: unknown } | { readonly ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** Invokes `target` (a version or alias ARN) with the check's event and compares the answer. */
export async function runInvocationCheck(
  lambda: LambdaClient, target: string, check: InvocationCheckConfig, signal: AbortSignal,
): Promise<CheckFindings> {
  const response = await lambda.send(new InvokeCommand({
    FunctionName: target,
    InvocationType: 'RequestResponse',
    Payload: new TextEncoder().encode(JSON.stringify(check.event)),
  }), { abortSignal: signal });
  // Lambda caps a synchronous response at 6 MB, so the payload fits in memory:
  // https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
  const payload = response.Payload ? new TextDecoder().decode(response.Payload) : '';
  if (response.FunctionError) {
    return { problems: [`the function failed (${response.FunctionError}): ${snippet(payload)}`] };
  }
  if (response.StatusCode !== undefined && (response.StatusCode < 200 || response.StatusCode > 299)) {
    return { problems: [`Lambda answered the invocation with status ${response.StatusCode}`] };
  }
  const read = readAnswer(payload, check.responseKind);
  return { problems: read.ok ? compareAnswer(read.answer, check) : [read.problem] };
}

/**
 * GETs the check's URL (its path below `baseUrl` when relative) and compares the answer,
 * reading at most {@link MAX_BODY_BYTES} of its body.
 */
export async function runHttpCheck(
  fetchUrl: typeof fetch, check: HttpCheckConfig, baseUrl: string | undefined, signal: AbortSignal,
): Promise<CheckFindings> {
  const url = resolveUrl(check.path, baseUrl);
  const response = await fetchUrl(url, { method: 'GET', headers: check.headers, signal, redirect: 'manual' });
  const { text, truncated } = await readBodyPrefix(response, MAX_BODY_BYTES);
  const problems = compareAnswer({ statusCode: response.status, body: text, truncated }, check).map((problem) => `${url}: ${problem}`);
  const notes = truncated
    ? [`${url}: the answer is larger than ${MAX_BODY_BYTES} bytes; the check read only its first ${MAX_BODY_BYTES} bytes`]
    : undefined;
  return { problems, notes };
}

/**
 * Reads a response body up to `maxBytes`, then cancels the stream, which closes the
 * connection: the rest of a larger body is never downloaded, let alone kept in memory.
 */
export async function readBodyPrefix(response: Response, maxBytes: number): Promise<{ text: string; truncated: boolean }> {
  if (!response.body) return { text: '', truncated: false };
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  let ended = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        ended = true;
        return { text: text + decoder.decode(), truncated: false };
      }
      const room = maxBytes - bytes;
      if (value.byteLength > room) {
        // A character cut at the limit is left out (no flush), rather than shown as U+FFFD.
        return { text: text + decoder.decode(value.subarray(0, room), { stream: true }), truncated: true };
      }
      text += decoder.decode(value, { stream: true });
      bytes += value.byteLength;
    }
  } finally {
    if (!ended) void reader.cancel().catch(() => undefined);
  }
}

/** Whether a check path is an absolute http(s) URL (rather than a path below the base URL). */
export function isAbsoluteUrl(path: string): boolean {
  return /^https?:\/\//i.test(path);
}

/** The URL of a check path: the path itself when absolute, else appended to the base URL. */
export function resolveUrl(path: string, baseUrl: string | undefined): string {
  if (isAbsoluteUrl(path)) return path;
  if (!baseUrl) throw new Error(`no base URL for the relative path '${path}'`);
  return `${baseUrl.replace(/\/+$/, '')}${path}`;
}

function snippet(text: string): string {
  const flat = text.slice(0, 1000).replace(/\s+/g, ' ').trim();
  if (flat === '') return '(empty)';
  return flat.length > 200 || text.length > 1000 ? `${flat.slice(0, 200)}…` : flat;
}
