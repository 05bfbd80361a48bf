/**
 * Text for errors and values that never throws: a thrown value may be anything (an object
 * without a prototype makes `String()` throw, a BigInt or a cycle makes `JSON.stringify()`
 * throw), and a description that throws on the way to the report would stop the report.
 */

/** `<name>: <message>` of an Error, else the value as text. */
export function describeError(err: unknown): string {
  try {
    if (err instanceof Error) return `${err.name}: ${err.message}`;
  } catch {
    // a name or message that cannot be read; fall through
  }
  return asText(err);
}

/** The message of an Error, else the value as text. */
export function errorMessage(err: unknown): string {
  try {
    if (err instanceof Error) return String(err.message);
  } catch {
    // fall through
  }
  return asText(err);
}

/** A value as JSON, cut to `max` characters; `nothing` when undefined. */
export function describeValue(value: unknown, max = 80): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    text = JSON.stringify(value) ?? asText(value);
  } catch {
    text = asText(value);
  }
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function asText(value: unknown): string {
  try {
    return String(value);
  } catch {
    try {
      return Object.prototype.toString.call(value);
    } catch {
      return 'a value that cannot be shown as text';
    }
  }
}
