/**
 * Concise JSON log lines of the failure notifier. Never the whole event or an API answer:
 * names, ids, counts and error texts only.
 */

/** Writes one log line; never throws. */
export type Log = (level: 'INFO' | 'WARN' | 'ERROR', message: string, fields?: Record<string, unknown>) => void;

/** One JSON line on stdout/stderr per call, readable by CloudWatch Logs Insights. */
export const consoleLog: Log = (level, message, fields = {}) => {
  try {
    const line = JSON.stringify({ level, message, ...fields });
    if (level === 'INFO') console.log(line);
    else console.error(line);
  } catch {
    // A line that cannot be written must not stop the one message.
  }
};

/** `<name>: <message>` of an error (an AWS SDK error's name is the service's error code), else the value as text. */
export function describeError(err: unknown): string {
  try {
    if (err instanceof Error) return `${err.name}: ${err.message}`;
    return String(err);
  } catch {
    return 'an error that cannot be shown as text';
  }
}
