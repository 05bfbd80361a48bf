import { Logger } from '@aws-lambda-powertools/logger';

/**
 * Concise JSON log lines of the failure notifier. Never the whole event or an API answer:
 * names, ids, counts and error texts only.
 */

/** Writes one log line; never throws. */
export type Log = (level: 'INFO' | 'WARN' | 'ERROR', message: string, fields?: Record<string, unknown>) => void;

/**
 * Powertools' Logger (the family of the Tracer): one JSON line with `level`, `message`,
 * `timestamp`, `service` and the fields at the top level, readable by CloudWatch Logs Insights.
 * https://docs.powertools.aws.dev/lambda/typescript/latest/features/logger/
 */
const logger = new Logger({ serviceName: 'failure-notifier' });

/** One JSON line per call (INFO on stdout, WARN and ERROR on stderr); a line that cannot be written must not stop the one message. */
export const consoleLog: Log = (level, message, fields = {}) => {
  try {
    if (level === 'ERROR') logger.error(message, fields);
    else if (level === 'WARN') logger.warn(message, fields);
    else logger.info(message, fields);
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
