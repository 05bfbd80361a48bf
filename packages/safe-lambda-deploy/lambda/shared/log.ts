import { Logger } from '@aws-lambda-powertools/logger';
import { describeError } from './describe';

/** One structured log line per event, JSON so that CloudWatch Logs Insights can query it. */
export type Log = (level: 'INFO' | 'WARN' | 'ERROR', message: string, fields?: Record<string, unknown>) => void;

/**
 * Powertools' Logger (the family of the Tracer the functions use): one JSON line with
 * `level`, `message`, `timestamp`, `service` and the fields at the top level. Its serializer
 * writes BigInts as digits, errors as their name, message and stack, and cuts a reference it
 * has already written (a cycle). https://docs.powertools.aws.dev/lambda/typescript/latest/features/logger/
 */
const logger = new Logger({ serviceName: 'safe-lambda-deploy' });

/**
 * Writes one JSON line. A field that cannot be read at all (a getter that throws) leaves the
 * line with its level, message and `logError` saying why, instead of throwing.
 */
export const consoleLog: Log = (level, message, fields = {}) => {
  const write = (extra: Record<string, unknown>): void => {
    if (level === 'ERROR') logger.error(message, extra);
    else if (level === 'WARN') logger.warn(message, extra);
    else logger.info(message, extra);
  };
  try {
    write(fields);
  } catch (err) {
    write({ logError: `the fields of this line could not be written: ${describeError(err)}` });
  }
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
