import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { HttpCheckConfig, InvocationCheckConfig } from '../../src/private/hook-config';

/** What a check saw: a status code and a body. */
export interface Answer {
  readonly statusCode: number;
  readonly body: string;
}

/** The outcome of one check. */
export interface CheckResult {
  readonly name: string;
  readonly passed: boolean;
  /** Why it failed; empty when it passed. */
  readonly problems: string[];
  readonly durationMs: number;
}

/** What an answer must look like. */
export interface Expectation {
  readonly expectedStatusCode: number;
  readonly expectedBodyContains: string[];
}

/** Compares an answer with an expectation; returns what is wrong (nothing when it matches). */
export function compareAnswer(answer: Answer, expectation: Expectation): string[] {
  const problems: string[] = [];
  if (answer.statusCode !== expectation.expectedStatusCode) {
    problems.push(`status ${answer.statusCode}, expected ${expectation.expectedStatusCode} (body: ${snippet(answer.body)})`);
  }
  for (const text of expectation.expectedBodyContains) {
    if (!answer.body.includes(text)) problems.push(`body does not contain ${JSON.stringify(text)} (body: ${snippet(answer.body)})`);
  }
  return problems;
}

/**
 * Reads a function's answer: an API Gateway proxy result (an object with a numeric
 * `statusCode`) gives its status and body; any other answer counts as 200, its whole
 * payload being the body.
 */
export function answerFromPayload(payload: string): Answer {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return { statusCode: 200, body: payload };
  }
  const result = value as { statusCode?: unknown; body?: unknown; isBase64Encoded?: unknown };
  if (typeof value !== 'object' || value === null || Array.isArray(value) || typeof result.statusCode !== 'number') {
    return { statusCode: 200, body: payload };
  }
  let body: string;
  if (typeof result.body === 'string') {
    body = result.isBase64Encoded === true ? Buffer.from(result.body, 'base64').toString('utf8') : result.body;
  } else {
    body = result.body === undefined || result.body === null ? '' : JSON.stringify(result.body);
  }
  return { statusCode: result.statusCode, body };
}

/** Invokes `target` (a version or alias ARN) with the check's event and compares the answer. */
export async function runInvocationCheck(
  lambda: LambdaClient, target: string, check: InvocationCheckConfig, signal: AbortSignal,
): Promise<string[]> {
  const response = await lambda.send(new InvokeCommand({
    FunctionName: target,
    InvocationType: 'RequestResponse',
    Payload: new TextEncoder().encode(JSON.stringify(check.event)),
  }), { abortSignal: signal });
  const payload = response.Payload ? new TextDecoder().decode(response.Payload) : '';
  if (response.FunctionError) {
    return [`the function failed (${response.FunctionError}): ${snippet(payload)}`];
  }
  if (response.StatusCode !== undefined && (response.StatusCode < 200 || response.StatusCode > 299)) {
    return [`Lambda answered the invocation with status ${response.StatusCode}`];
  }
  return compareAnswer(answerFromPayload(payload), check);
}

/** GETs the check's URL (its path below `baseUrl` when relative) and compares the answer. */
export async function runHttpCheck(
  fetchUrl: typeof fetch, check: HttpCheckConfig, baseUrl: string | undefined, signal: AbortSignal,
): Promise<string[]> {
  const url = resolveUrl(check.path, baseUrl);
  const response = await fetchUrl(url, { method: 'GET', headers: check.headers, signal, redirect: 'manual' });
  const body = await response.text();
  return compareAnswer({ statusCode: response.status, body }, check).map((problem) => `${url}: ${problem}`);
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
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat === '') return '(empty)';
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}
