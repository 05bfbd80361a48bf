import { CrosswalkNaming } from '@crosswalk/cross-account-role';
import { OptionSpec, parseCommandLine, UsageError } from '../args';
import { excerpt, quoted } from '../text';
import { DEFAULT_MIN_AGE_DAYS } from './plan';


/** A deployed stack to read, and the CLI profile whose credentials read it. */
export interface StackRef {
  readonly stackName: string;
  readonly profile?: string;
}

export interface CleanAssetsOptions {
  readonly help: boolean;
  readonly bucket: string;
  readonly region: string;
  readonly stacks: readonly StackRef[];
  readonly templates: readonly string[];
  readonly minAgeDays: number;
  readonly delete: boolean;
  readonly allowMissingStacks: boolean;
  /** Delete even objects the bucket's versioning does not keep (they are gone for good). */
  readonly allowPermanentDelete: boolean;
}

export const USAGE = `Usage: crosswalk clean-assets --bucket <artifact bucket> --region <region>
                    [--stack <stack name>[@<profile>]]... [--templates <cdk.out dir or template file>]...
                    [--min-age-days <days>] [--allow-missing-stacks] [--delete [--allow-permanent-delete]]

Lists the code assets under the assets prefix of the artifact bucket that no template
references; deletes them only with --delete.

  --bucket <name>              the artifact bucket (crosswalk-artifacts-<build account>-<region>)
  --region <region>            the region of the bucket and of the stacks
  --stack <name>[@<profile>]   a deployed stack whose template, pending change sets and nested stacks
                               reference code (repeatable); read with the credentials of <profile>,
                               else the default credential chain. At least one is required for --delete.
  --templates <dir|file>       local templates that reference code too (repeatable): a file, or every
                               *.template.json in a directory such as ../sample-api/cdk.out
  --min-age-days <days>        keep every object modified in the last <days> days (default ${DEFAULT_MIN_AGE_DAYS})
  --allow-missing-stacks       skip a --stack that does not exist, instead of stopping
  --delete                     delete the objects listed (default: dry run, nothing is deleted)
  --allow-permanent-delete     with --delete: also delete objects the bucket's versioning does not keep
                               (versioning never enabled, or suspended when they were written): gone for good
  --help                       print this text

Exit codes: 0 done, 1 failed (nothing deleted if it failed before deleting), 2 bad arguments.`;

/** The options, in the order the usage lists them. */
const OPTIONS: Record<string, OptionSpec> = {
  'bucket': { type: 'string', example: 'crosswalk-artifacts-111111111111-eu-west-1' },
  'region': { type: 'string', example: 'eu-west-1' },
  'stack': { type: 'string', example: 'Crosswalk-SampleApi-prod@prod' },
  'templates': { type: 'string', example: '../sample-api/cdk.out' },
  'min-age-days': { type: 'string', example: String(DEFAULT_MIN_AGE_DAYS) },
  'delete': { type: 'boolean' },
  'allow-missing-stacks': { type: 'boolean' },
  'allow-permanent-delete': { type: 'boolean' },
  'help': { type: 'boolean', short: 'h' },
};
type ValueFlag = '--bucket' | '--region' | '--stack' | '--templates' | '--min-age-days';

/** Parses the arguments; throws a {@link UsageError} that names the flag and the fix. */
export function parseArgs(argv: readonly string[]): CleanAssetsOptions {
  const line = parseCommandLine(argv, {
    options: OPTIONS,
    refusePositional: (argument) => `unexpected argument ${quoted(argument)}; every value follows its option, e.g. --stack ${excerpt(argument)}`,
  });
  const values = (flag: ValueFlag): string[] => line.values.get(flag) ?? [];
  const switches = line.switches;
  const help = switches.has('--help');
  const options: CleanAssetsOptions = {
    help,
    bucket: help ? '' : single(values, '--bucket', true),
    region: help ? '' : parseRegion(single(values, '--region', true)),
    stacks: values('--stack').map(parseStackRef),
    templates: values('--templates'),
    minAgeDays: parseMinAgeDays(single(values, '--min-age-days', false)),
    delete: switches.has('--delete'),
    allowMissingStacks: switches.has('--allow-missing-stacks'),
    allowPermanentDelete: switches.has('--allow-permanent-delete'),
  };
  if (!help && options.allowPermanentDelete && !options.delete) {
    throw new UsageError('--allow-permanent-delete goes with --delete: it allows a deletion that cannot be undone');
  }
  if (!help && options.delete && options.stacks.length === 0) {
    throw new UsageError('--delete needs at least one --stack <name>[@<profile>]: only the deployed stacks\' templates prove which code a rollback still needs. Pass every stack that uses the bucket\'s code, e.g. --stack Crosswalk-SampleApi-dev@dev --stack Crosswalk-SampleApi-prod@prod');
  }
  return options;
}

function single(values: (flag: ValueFlag) => string[], flag: ValueFlag, required: true): string;
function single(values: (flag: ValueFlag) => string[], flag: ValueFlag, required: false): string | undefined;
function single(values: (flag: ValueFlag) => string[], flag: ValueFlag, required: boolean): string | undefined {
  const given = values(flag);
  if (given.length > 1) throw new UsageError(`${flag} is given ${given.length} times; give it once`);
  if (required && given.length === 0) throw new UsageError(`${flag} is required, e.g. ${flag} ${exampleValue(flag)}`);
  return given[0];
}

/** A value that fits the option, for its messages. */
function exampleValue(flag: ValueFlag): string {
  return OPTIONS[flag.slice(2)].example!;
}

function parseRegion(region: string): string {
  try {
    CrosswalkNaming.validateRegion('--region', region);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  return region;
}

function parseMinAgeDays(value: string | undefined): number {
  if (value === undefined) return DEFAULT_MIN_AGE_DAYS;
  if (!/^\d+$/.test(value)) {
    throw new UsageError(`--min-age-days must be a whole number of days, 0 or more, got ${quoted(value)}; e.g. --min-age-days ${DEFAULT_MIN_AGE_DAYS}`);
  }
  return Number(value);
}

/** `name` or `name@profile`. Stack names cannot hold `@`, so the first one separates. */
function parseStackRef(value: string): StackRef {
  const at = value.indexOf('@');
  const stackName = at < 0 ? value : value.slice(0, at);
  const profile = at < 0 ? undefined : value.slice(at + 1);
  if (stackName === '' || profile === '') {
    throw new UsageError(`--stack ${quoted(value)} must be <stack name> or <stack name>@<profile>, e.g. --stack ${exampleValue('--stack')}`);
  }
  return { stackName, profile };
}
