import { ConfigError } from './load';

/** Where an app's entry point reports a bad config, and how it ends. */
export interface EntryPointIo {
  /** Writes a line to the operator (stderr). */
  readonly error: (line: string) => void;
  /** Ends the process with this exit code. */
  readonly exit: (code: number) => never;
}

const PROCESS_IO: EntryPointIo = {
  error: (line) => console.error(line),
  exit: (code) => process.exit(code),
};

/**
 * Runs `read` (loading or checking the config) for an app's entry point (`src/main.ts`, which
 * `cdk synth` runs): a {@link ConfigError} ends the process with its message alone on stderr and
 * exit code 1, instead of an uncaught exception whose stack trace buries the message. Any other
 * error is a bug, and keeps its stack trace.
 */
export function exitOnConfigError<T>(read: () => T, io: EntryPointIo = PROCESS_IO): T {
  try {
    return read();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    io.error(err.message);
    return io.exit(1);
  }
}
