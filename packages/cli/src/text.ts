/**
 * Untrusted text as the command repeats it. Paths, names and file contents come from a cloud
 * assembly, a template or the network, which anyone who can commit to the repository shapes;
 * a message repeats them only through {@link excerpt}, so that no file is printed into a build
 * log and no value fakes a line of output or reorders it.
 */

/** The longest excerpt of untrusted text a message repeats, in characters (before escaping). */
export const EXCERPT_LENGTH = 80;

/**
 * Characters that would change what a terminal or log shows rather than show themselves:
 * C0 and C1 controls (line breaks, escape sequences), the Unicode line and paragraph separators,
 * the bidirectional controls (U+061C, U+200E, U+200F, U+202A to U+202E, U+2066 to U+2069), and
 * unpaired surrogates.
 */
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const SHORT_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** `text` with every {@link INVISIBLE} character written as an escape (`\n`, `\u202e`). */
export function escapeInvisible(text: string): string {
  return text.replace(INVISIBLE, (c) => SHORT_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * A short, escaped excerpt of untrusted text: at most `max` characters of it, invisible
 * characters escaped, and `…` plus the full length when it was cut.
 */
export function excerpt(text: string, max: number = EXCERPT_LENGTH): string {
  const value = String(text);
  if (value.length <= max) return escapeInvisible(value);
  return `${escapeInvisible(value.slice(0, max))}… (${value.length} characters)`;
}

/** {@link excerpt} in single quotes, as messages name a value. */
export function quoted(text: string, max: number = EXCERPT_LENGTH): string {
  return `'${excerpt(text, max)}'`;
}

/**
 * The message of an error from a library or the network, shortened and escaped: such messages
 * may hold a file's content (JSON.parse quotes it) or a server's reply.
 */
export function errorText(err: unknown, max = 300): string {
  const error = err as { name?: unknown; message?: unknown } | undefined;
  const message = typeof error?.message === 'string' ? error.message : String(err);
  const name = typeof error?.name === 'string' && error.name !== 'Error' ? `${error.name}: ` : '';
  return excerpt(`${name}${message}`, max);
}

/**
 * Where JSON.parse stopped, without the excerpt of the text it quotes (Node's messages repeat
 * the characters around the error, which may be a secret when the file is not what it claims).
 */
export function jsonParseProblem(err: unknown): string {
  const position = /position (\d+)/.exec(String((err as Error)?.message ?? ''))?.[1];
  return position === undefined ? 'it is not valid JSON' : `it is not valid JSON (the parser stopped at character ${position})`;
}
