/**
 * The one command-line parser of the `crosswalk` commands and their one error: Node's
 * `util.parseArgs` (strict), with its errors said in the commands' words, naming the option
 * and the fix. https://nodejs.org/api/util.html#utilparseargsconfig
 */
import { parseArgs } from 'util';
import { excerpt, quoted } from './text';

/** A command line that cannot be run as given: printed with the command's usage, exit 2 (review: 30, not reviewed). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** One option of a command: `--name <value>` (repeatable) or the switch `--name`. */
export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  /** A value that fits, shown when the value is missing: `--bucket needs a value, e.g. --bucket <example>`. */
  readonly example?: string;
  /** A one-letter alias (`-h`). */
  readonly short?: string;
}

export interface CommandLine {
  readonly positionals: string[];
  /** Every value of each string option given, in order (`--stack a --stack b`). */
  readonly values: ReadonlyMap<string, string[]>;
  /** The switches given, as `--name`. */
  readonly switches: ReadonlySet<string>;
}

export interface ParseOptions {
  /** The options by their long name, without `--`. */
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** Why a positional argument is refused, for a command that takes none (its message). */
  readonly refusePositional?: (argument: string) => string;
}

/**
 * Parses `argv`: `--name value` or `--name=value`, switches, positional arguments. Refuses, as a
 * {@link UsageError}: an unknown option (listing the command's), a value missing or empty (with
 * an example), a value to a switch, a positional argument the command does not take.
 */
export function parseCommandLine(argv: readonly string[], spec: ParseOptions): CommandLine {
  const names = Object.keys(spec.options);
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: true,
      options: Object.fromEntries(Object.entries(spec.options).map(([name, o]) => [name, {
        type: o.type, multiple: o.type === 'string', ...(o.short !== undefined ? { short: o.short } : {}),
      }])),
    });
  } catch (err) {
    throw usageErrorOf(err, spec.options, names);
  }
  const values = new Map<string, string[]>();
  const switches = new Set<string>();
  for (const [name, value] of Object.entries(parsed.values)) {
    if (spec.options[name].type === 'boolean') {
      if (value === true) switches.add(`--${name}`);
      continue;
    }
    const list = value as string[];
    if (list.some((v) => v === '')) throw new UsageError(needsValue(name, spec.options[name]));
    values.set(`--${name}`, list);
  }
  if (spec.refusePositional && parsed.positionals.length > 0) throw new UsageError(spec.refusePositional(parsed.positionals[0]));
  return { positionals: parsed.positionals, values, switches };
}

function needsValue(name: string, option: OptionSpec | undefined): string {
  return `--${name} needs a value${option?.example !== undefined ? `, e.g. --${name} ${option.example}` : ''}`;
}

/** Node's parse error in the command's words. */
function usageErrorOf(err: unknown, options: Readonly<Record<string, OptionSpec>>, names: readonly string[]): Error {
  const code = (err as { code?: string }).code;
  const message = (err as Error).message ?? String(err);
  const option = /'(-{1,2}[^'\s]*)/.exec(message)?.[1]?.replace(/^--?/, '');
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return new UsageError(`unknown option ${quoted(`${option !== undefined && option.length > 1 ? '--' : '-'}${option ?? '?'}`)}; the options are ${names.map((n) => `--${n}`).join(', ')}`);
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const known = option !== undefined ? Object.entries(options).find(([n, o]) => n === option || o.short === option) : undefined;
      if (known?.[1].type === 'boolean') return new UsageError(`--${known[0]} is a switch and takes no value`);
      const name = known?.[0] ?? option ?? '?';
      // Node leaves a next argument that starts with '-' to be an option ("ambiguous").
      const dash = /ambiguous/.test(message) ? `; a value that starts with '-' is written --${name}=<value>` : '';
      return new UsageError(`${needsValue(name, known?.[1])}${dash}`);
    }
    default:
      return new UsageError(excerpt(message, 200));
  }
}
