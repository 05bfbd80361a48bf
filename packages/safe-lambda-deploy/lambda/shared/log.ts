import { describeError } from './describe';

/** One structured log line per event, JSON so that CloudWatch Logs Insights can query it. */
export type Log = (level: 'INFO' | 'WARN' | 'ERROR', message: string, fields?: Record<string, unknown>) => void;

/**
 * Writes one JSON line. Fields JSON cannot hold do not make it throw: errors become their
 * name and message, BigInts their digits, a cycle `[Circular]`; a field that cannot be read
 * at all leaves the line with its level and message only.
 */
export const consoleLog: Log = (level, message, fields = {}) => {
  let line: string;
  try {
    line = JSON.stringify({ level, message, ...fields }, jsonSafe());
  } catch (err) {
    line = JSON.stringify({ level, message, logError: `the fields of this line could not be written: ${describeError(err)}` });
  }
  if (level === 'ERROR') console.error(line);
  else if (level === 'WARN') console.warn(line);
  else console.log(line);
};

/**
 * A log that never throws: what the hook reports must not depend on whether a log line
 * could be written (a custom logger, a broken stdout).
 */
export function neverThrows(log: Log): Log {
  return (level, message, fields) => {
    try {
      log(level, message, fields);
    } catch {
      // Nowhere left to say it; the report matters more than the line.
    }
  };
}

/** A JSON.stringify replacer for errors, BigInts and cycles (one per call: it tracks the path to the value). */
function jsonSafe(): (this: unknown, key: string, value: unknown) => unknown {
  const path: unknown[] = [];
  return function replace(this: unknown, _key: string, value: unknown): unknown {
    if (typeof value === 'bigint') return value.toString();
    if (value instanceof Error) return describeError(value);
    if (typeof value !== 'object' || value === null) return value;
    // `this` is the object holding `value`: drop the path below it, then look for `value` above.
    while (path.length > 0 && path[path.length - 1] !== this) path.pop();
    if (path.includes(value)) return '[Circular]';
    path.push(value);
    return value;
  };
}
