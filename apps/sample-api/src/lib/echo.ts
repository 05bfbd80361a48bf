/*
 * How an error message repeats what the client sent. A message names the bad value so
 * the client can find it in its request, but that value can be as long as the body or
 * URL limits allow (a 16,000-character field name, a 12 KB path segment): repeated
 * whole, it would make an error answer as large as the request and let any client size
 * our responses and logs. So a message repeats a short prefix, and writes the
 * characters that do not show (controls, zero-width and bidi marks, lone surrogates)
 * as `\u{…}`, so that what the client reads is what it sent, not what a terminal or a
 * browser makes of it.
 */

/** The most characters of one client value an error message repeats. */
export const MAX_ECHO_LENGTH = 40;

// Control, format (zero-width, bidi, BOM) and surrogate code points, line and paragraph separators.
const UNSHOWN = /^[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]$/u;

/**
 * A client's value as an error message repeats it: at most `max` characters (code
 * points, so an emoji is never cut in half; an unshown character counts as the
 * length of its `\u{…}` form), followed by `…` when there was more.
 */
export function shorten(value: string, max: number = MAX_ECHO_LENGTH): string {
  let shown = '';
  let length = 0;
  // Walks the value only as far as needed: a 10 MB value costs no more than a short one.
  for (const char of value) {
    const part = UNSHOWN.test(char) ? `\\u{${char.codePointAt(0)!.toString(16).toUpperCase()}}` : char;
    const size = part === char ? 1 : part.length;
    if (length + size > max) return `${shown}…`;
    shown += part;
    length += size;
  }
  return shown;
}

/** {@link shorten}, in single quotes: `'Library'`, `'xxxx…'`. */
export function quote(value: string, max: number = MAX_ECHO_LENGTH): string {
  return `'${shorten(value, max)}'`;
}
