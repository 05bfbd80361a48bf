import type { APIGatewayProxyEvent } from 'aws-lambda';
import { quote } from './echo';
import { BadRequest } from './errors';
import { emptyRecord, ownValue } from './records';

/*
 * Input checks shared by the handlers. Each throws `BadRequest` with a message that
 * names the field, what is wrong with the value and what is expected. Values and
 * names the client chose are repeated through `quote` (`echo.ts`): a short prefix.
 */

/** Longest accepted name (of a location or a visitor), in characters. */
export const MAX_NAME_LENGTH = 100;
/** Longest accepted e-mail address (RFC 5321's path limit). */
export const MAX_EMAIL_LENGTH = 254;
/** Longest accepted phone number, in characters (digits, spaces, `+ ( ) - .`). */
export const MAX_PHONE_LENGTH = 32;
/** Most items a list answers per page. */
export const MAX_PAGE_SIZE = 100;
/** Most unknown field names one message lists (a 16 KB body can hold thousands). */
const MAX_LISTED_FIELDS = 5;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;
// Half of a character: JSON can carry one ("\ud800"), UTF-8 and DynamoDB cannot.
const UNPAIRED_SURROGATE = /\p{Cs}/u;
// What shows nothing by itself: spaces, control and format characters (zero-width
// space and joiners, bidi marks, BOM, word joiner, soft hyphen, tags), combining
// marks without a letter to sit on, and the characters fonts draw blank (Hangul
// fillers, the Braille blank). A name of only these is a name nobody can read.
const UNSEEN = /^[\s\p{Z}\p{Cc}\p{Cf}\p{M}\u115F\u1160\u3164\uFFA0\u2800]$/u;
// (Not \s, which counts U+FEFF, a format character, as a space.)
const SPACE = /^\p{Z}$/u;
// Bidirectional controls (marks, embeddings, overrides, isolates) reorder how the text
// around them is displayed ('invoice\u202Efdp.exe' shows as 'invoiceexe.pdf'), so a
// name could read differently from what it is. No name or address needs them: the
// Unicode bidi algorithm orders Hebrew and Arabic without them.
const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;
// Addresses, without spaces, invisible (\p{C}: control, format, unassigned) characters.
const EMAIL = /^[^\s@\p{C}]+@[^\s@.\p{C}]+(\.[^\s@.\p{C}]+)+$/u;
const PHONE = /^\+?[0-9 ().-]+$/;
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function codePoint(char: string): string {
  return `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** The distinct code points of `chars` as `U+200B, U+FEFF`, the first few of them. */
function listCodePoints(chars: readonly string[]): string {
  const distinct = [...new Set(chars)];
  return distinct.slice(0, 5).map(codePoint).join(', ') + (distinct.length > 5 ? ` and ${distinct.length - 5} more` : '');
}

/**
 * Refuses text that is not what it looks like: an unpaired surrogate (half a
 * character), nothing visible at all, or bidi controls anywhere.
 */
function assertReadable(field: string, text: string): void {
  const chars = [...text];
  const unpaired = chars.find((char) => UNPAIRED_SURROGATE.test(char));
  if (unpaired !== undefined) {
    throw new BadRequest(`field '${field}' is not valid Unicode text: it has an unpaired surrogate (${codePoint(unpaired)}), half of a character; send whole characters`);
  }
  if (chars.every((char) => UNSEEN.test(char))) {
    const unseen = chars.filter((char) => !SPACE.test(char));
    const spaces = unseen.length < chars.length ? ' and spaces' : '';
    throw new BadRequest(
      `field '${field}' has no visible character (only ${listCodePoints(unseen)}${spaces}); send text with at least one letter, digit or symbol`,
    );
  }
  const bidi = chars.filter((char) => BIDI_CONTROLS.test(char));
  if (bidi.length > 0) {
    throw new BadRequest(
      `field '${field}' must not contain bidirectional control characters (it has ${listCodePoints(bidi)}), ` +
      'which change how the text around them is displayed; send the text without them',
    );
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return /^[aeiou]/.test(typeof value) ? `an ${typeof value}` : `a ${typeof value}`;
}

/** Refuses fields other than `allowed`, so a typo does not silently drop data. */
export function assertKnownFields(body: Record<string, unknown>, allowed: readonly string[]): void {
  const unknown = Object.keys(body).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) {
    const listed = unknown.slice(0, MAX_LISTED_FIELDS).map((key) => quote(key)).join(', ');
    const more = unknown.length > MAX_LISTED_FIELDS ? ` and ${unknown.length - MAX_LISTED_FIELDS} more` : '';
    throw new BadRequest(
      `unknown field${unknown.length > 1 ? 's' : ''} ${listed}${more}; the accepted fields are ${allowed.join(', ')}`,
    );
  }
}

/**
 * A required text field: a string, trimmed, not empty, at most `maxLength`
 * characters, without control characters, with at least one visible character,
 * without bidi controls and unpaired surrogates (see `assertReadable`).
 */
export function textField(body: Record<string, unknown>, field: string, maxLength: number): string {
  const value = ownValue(body, field);
  if (value === undefined) throw new BadRequest(`field '${field}' is required`);
  if (typeof value !== 'string') throw new BadRequest(`field '${field}' must be a string, got ${describe(value)}`);
  const trimmed = value.trim();
  if (trimmed === '') throw new BadRequest(`field '${field}' must not be empty`);
  const length = [...trimmed].length;
  if (length > maxLength) {
    throw new BadRequest(`field '${field}' is ${length} characters long; the limit is ${maxLength}`);
  }
  if (CONTROL_CHARACTERS.test(trimmed)) {
    throw new BadRequest(`field '${field}' must not contain control characters (such as line breaks or tabs)`);
  }
  assertReadable(field, trimmed);
  return trimmed;
}

/** A required e-mail address field (`name@example.com`). */
export function emailField(body: Record<string, unknown>, field: string): string {
  const value = textField(body, field, MAX_EMAIL_LENGTH);
  if (!EMAIL.test(value)) {
    throw new BadRequest(`field '${field}' must be an e-mail address such as name@example.com, got ${quote(value)}`);
  }
  return value;
}

/** A required phone number field: digits with optional `+`, spaces, `( ) - .`; 6 to 15 digits. */
export function phoneField(body: Record<string, unknown>, field: string): string {
  const value = textField(body, field, MAX_PHONE_LENGTH);
  const digits = value.replace(/\D/g, '').length;
  if (!PHONE.test(value) || digits < 6 || digits > 15) {
    throw new BadRequest(
      `field '${field}' must be a phone number of 6 to 15 digits (optionally with +, spaces, parentheses, dashes or dots), got ${quote(value)}`,
    );
  }
  return value;
}

/**
 * An id (a UUID as the API generates them), from a body field, a path or a query
 * parameter; `what` names it in the message (`path parameter 'id'`).
 */
export function parseId(what: string, value: unknown): string {
  if (typeof value !== 'string') throw new BadRequest(`${what} must be a string id, got ${describe(value)}`);
  if (!UUID.test(value)) {
    throw new BadRequest(`${what} must be an id as returned by the API (a UUID such as 3f0c9a2e-5b1d-4c7e-9a8f-1e2d3c4b5a69), got ${quote(value)}`);
  }
  return value.toLowerCase();
}

/** A calendar date `YYYY-MM-DD` that exists (`2024-02-29` does, `2024-02-30` does not). */
export function parseDate(what: string, value: string): string {
  const parts = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!parts) throw new BadRequest(`${what} must be a date in the form YYYY-MM-DD, got ${quote(value)}`);
  const [year, month, day] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  if (month < 1 || month > 12) {
    throw new BadRequest(`${what} ${quote(value)} is not a date: month ${parts[2]} does not exist`);
  }
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day < 1 || day > daysInMonth) {
    throw new BadRequest(
      `${what} ${quote(value)} is not a date: ${MONTHS[month - 1]} ${year} has ${daysInMonth} days`,
    );
  }
  return value;
}

/** Today's date in UTC, `YYYY-MM-DD`. */
export function utcDate(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/**
 * The query string parameters of an event, each given at most once and all of them
 * among `allowed`, in a map without a prototype (`records.ts`).
 */
export function queryParameters(
  event: Pick<APIGatewayProxyEvent, 'queryStringParameters' | 'multiValueQueryStringParameters'>,
  allowed: readonly string[],
): Record<string, string> {
  const result = emptyRecord<string>();
  for (const [key, value] of Object.entries(event.queryStringParameters ?? {})) {
    if (!allowed.includes(key)) {
      throw new BadRequest(`unknown query parameter ${quote(key)}; the accepted parameters are ${allowed.join(', ')}`);
    }
    const count = ownValue(event.multiValueQueryStringParameters, key)?.length ?? 1;
    if (count > 1) throw new BadRequest(`query parameter ${quote(key)} is given ${count} times; give it once`);
    if (value !== undefined) result[key] = value;
  }
  return result;
}

/** The `limit` query parameter: an integer from 1 to `MAX_PAGE_SIZE`, `MAX_PAGE_SIZE` when absent. */
export function parseLimit(value: string | undefined): number {
  if (value === undefined) return MAX_PAGE_SIZE;
  if (!/^\d{1,4}$/.test(value) || Number(value) < 1 || Number(value) > MAX_PAGE_SIZE) {
    throw new BadRequest(`query parameter 'limit' must be a whole number from 1 to ${MAX_PAGE_SIZE}, got ${quote(value)}`);
  }
  return Number(value);
}

/**
 * What a list's page token is bound to: the query parameters that choose the list
 * (`date` and `locationId` for registrations, none for locations), `undefined` for
 * one the request does not give. Not `limit`: the page size may change between pages.
 */
export type PageQuery = Readonly<Record<string, string | undefined>>;

/**
 * The opaque `nextToken` of a page: the sort key of the page's last item, and the
 * query of the list it belongs to (see {@link decodePageToken}).
 */
export function encodePageToken(sortKey: string, query: PageQuery): string {
  const bound = Object.fromEntries(Object.entries(query).filter(([, value]) => value !== undefined));
  return Buffer.from(JSON.stringify({ sk: sortKey, q: bound }), 'utf8').toString('base64url');
}

function isBoundQuery(value: unknown, keys: readonly string[]): value is Record<string, string> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) &&
    Object.entries(value).every(([key, given]) => keys.includes(key) && typeof given === 'string');
}

function describeBinding(query: PageQuery, key: string): string {
  const value = ownValue(query, key);
  return value === undefined ? `no ${key}` : `${key} ${quote(value)}`;
}

/**
 * The sort key inside a `nextToken`, for the list `query` asks for. DynamoDB starts
 * a page after whatever key it is given, within whatever list is queried: a token of
 * another list (another date, or with or without a locationId) would silently skip
 * that list's items up to the key. So a token carries the query it was returned for
 * and is refused (400) with any other. A forged or stale token, one this API did not
 * write (tokens written before they carried their query included), or whose sort key
 * does not fit `sortKeyPattern` (which DynamoDB would refuse: a 500), is a 400 too.
 */
export function decodePageToken(token: string, sortKeyPattern: RegExp, query: PageQuery): string {
  const invalid = new BadRequest(
    `query parameter 'nextToken' is not a token this list returned (${quote(token)}); pass the nextToken of the previous page unchanged, or omit it for the first page`,
  );
  if (!/^[A-Za-z0-9_-]{1,1400}$/.test(token)) throw invalid;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalid;
  }
  const payload = decoded !== null && typeof decoded === 'object' ? decoded as Record<string, unknown> : undefined;
  const sortKey = ownValue(payload, 'sk');
  const bound = ownValue(payload, 'q');
  const keys = Object.keys(query);
  if (typeof sortKey !== 'string' || !isBoundQuery(bound, keys)) throw invalid;
  const differing = keys.filter((key) => ownValue(bound, key) !== query[key]);
  if (differing.length > 0) {
    throw new BadRequest(
      `query parameter 'nextToken' belongs to another list: it was returned for ${differing.map((key) => describeBinding(bound, key)).join(' and ')}, ` +
      `this request has ${differing.map((key) => describeBinding(query, key)).join(' and ')}; ` +
      `send it with the same ${keys.join(' and ')} as the request that returned it, or omit it for the first page`,
    );
  }
  if (!sortKeyPattern.test(sortKey)) throw invalid;
  return sortKey;
}
