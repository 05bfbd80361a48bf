import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { quote, shorten } from './echo';
import {
  BadRequest,
  HeadersTooLarge,
  MethodNotAllowed,
  NotFound,
  PayloadTooLarge,
  RequestTimeout,
  SimulatedFailure,
  UnsupportedMediaType,
} from './errors';
import { emptyRecord } from './records';

/** The largest request body a handler accepts, in bytes (after base64 decoding). */
export const MAX_BODY_BYTES = 16 * 1024;

/**
 * The longest error message answered, in characters. Every message repeats client
 * values only through `echo.ts`, which keeps each short; this cut is the backstop
 * that keeps an error body under 1 KB even if a message is built carelessly.
 */
export const MAX_MESSAGE_LENGTH = 480;

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

/** A JSON response. */
export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyResult {
  return { statusCode, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
}

/** A 204 response without a body. */
export function noContent(): APIGatewayProxyResult {
  return { statusCode: 204, headers: { 'cache-control': 'no-store' }, body: '' };
}

/** The value of a request header, whatever the case of its name. */
export function header(event: Pick<APIGatewayProxyEvent, 'headers'>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted && value !== undefined) return value;
  }
  return undefined;
}

/**
 * The request body as a JSON object. Throws `UnsupportedMediaType` when the body is
 * declared as something other than JSON, `PayloadTooLarge` above `MAX_BODY_BYTES`,
 * and `BadRequest` when it is missing, not JSON, or not an object. The object has no
 * prototype: a `"__proto__"` or `"constructor"` member is a field like any other.
 *
 * @param example an example body for the error messages, e.g. `{"name": "Library"}`
 */
export function parseJsonBody(
  event: Pick<APIGatewayProxyEvent, 'headers' | 'body' | 'isBase64Encoded'>,
  example: string,
): Record<string, unknown> {
  const contentType = header(event, 'content-type');
  if (contentType !== undefined && !/^application\/json\s*(;|$)/i.test(contentType.trim())) {
    throw new UnsupportedMediaType(
      // curl -d declares its data a form unless told otherwise: the message says what to add.
      `content-type must be application/json, got ${quote(contentType)}; send the header 'content-type: application/json' ` +
      `(with curl: -H 'content-type: application/json') and a JSON body such as ${example}`,
    );
  }
  if (event.body === null || event.body === undefined || event.body === '') {
    throw new BadRequest(`a JSON request body is required, such as ${example}`);
  }
  const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
  if (raw.length > MAX_BODY_BYTES) {
    throw new PayloadTooLarge(`request body is ${raw.length} bytes; the limit is ${MAX_BODY_BYTES} bytes`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch (err) {
    // The parser's message quotes a few characters of the body: shown, not repeated raw.
    throw new BadRequest(`request body is not valid JSON (${shorten((err as Error).message, 120)}); send a JSON object such as ${example}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    const kind = parsed === null ? 'null' : Array.isArray(parsed) ? 'an array' : `a ${typeof parsed}`;
    throw new BadRequest(`request body must be a JSON object such as ${example}, got ${kind}`);
  }
  // JSON.parse makes "__proto__" an own member; copied onto a map without a prototype it stays one.
  return Object.assign(emptyRecord<unknown>(), parsed);
}

type ErrorClass = abstract new (...args: never[]) => Error;

/** The one place where an error becomes an HTTP status. */
const STATUS_OF_ERROR: ReadonlyArray<readonly [ErrorClass, number]> = [
  [BadRequest, 400],
  [NotFound, 404],
  [MethodNotAllowed, 405],
  [RequestTimeout, 408],
  [PayloadTooLarge, 413],
  [UnsupportedMediaType, 415],
  [HeadersTooLarge, 431],
  [SimulatedFailure, 500],
];

/** The HTTP status of an error thrown by a handler (500 for anything unexpected). */
export function statusOfError(err: unknown): number {
  for (const [errorClass, status] of STATUS_OF_ERROR) {
    if (err instanceof errorClass) return status;
  }
  return 500;
}

/**
 * The response for an error thrown by a handler: the known errors carry their own
 * message; anything else is logged and answered with a generic 500 that points to
 * the logs (never a stack trace or an internal message).
 */
export function errorResponse(err: unknown, requestId?: string): APIGatewayProxyResult {
  const statusCode = statusOfError(err);
  const known = STATUS_OF_ERROR.some(([errorClass]) => err instanceof errorClass);
  if (!known) {
    console.error('unexpected error', err);
    const ref = requestId ? ` (request ${requestId})` : '';
    return json(500, { message: `internal error${ref}; see the function logs` });
  }
  if (statusCode >= 500) console.error((err as Error).message);
  const headers: Record<string, string> = err instanceof MethodNotAllowed ? { allow: err.allowedMethods.join(', ') } : {};
  return json(statusCode, { message: shorten((err as Error).message, MAX_MESSAGE_LENGTH) }, headers);
}
