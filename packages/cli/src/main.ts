import { CrosswalkNaming } from '@crosswalk/cross-account-role';
import { OptionSpec, parseCommandLine, UsageError } from './args';
import { cleanAssets } from './clean';
import { doctor } from './doctor';
import { liveDoctor, renderLiveReport } from './live';
import { review } from './review';
import { publishAssets } from './publish';
import { excerpt } from './text';

export { UsageError } from './args';

export const USAGE = `Usage: crosswalk <command> [options]

Commands:
  publish-assets <cdk.out> [--stack <name>]... [--bucket <artifact bucket>] [--profile <profile>] [--dry-run]
      Publish the code assets of the stacks (every stack when no --stack is given) to the
      artifact bucket with your own credentials; objects that exist are skipped. Every path,
      source and destination is checked first; --bucket refuses any other bucket.
      --dry-run makes the same checks, lists what would be published and makes no AWS call.
  doctor <cdk.out> [--project <name> --region <region>] [--skip <rule id>]...
      Check the synthesized templates against Crosswalk's deploy rules; exits 1 on a finding,
      and on an assembly without stacks or with a template that is not one.
      With --project and --region the rules also know the convention's artifact bucket.
  doctor <cdk.out>... --live --project <name> --region <region> [--profile <account id>=<profile>]...
      Before the first pipeline run: read the deployed accounts (the build account's assembly,
      and the service's to check its code assets are published) and report what the run needs
      and lacks: stacks, connection AVAILABLE, email subscriptions confirmed, artifact bucket and
      key, and every call of the call-site table for the deployed roles, put to IAM's policy
      simulator and checked against the trust, bucket, key and topic policies. Reads only;
      exits 1 on a finding.
  clean-assets --bucket <artifact bucket> --region <region> [--stack <name>[@<profile>]]... [--delete]
      List (dry run) or delete the code assets no deployed, pending or current template
      references; \`crosswalk clean-assets --help\` tells the rest.
  review --stack <name> --change-set <name or ARN> [--role-arn <role>] [--region <region>] [--format md|html|json] [--out <file>] [--detect-drift]
      Review a CloudFormation change set (fail closed, @crosswalk/change-review), print the report;
      exits 0 no changes, 10 low, 20 high, 30 not reviewed. \`crosswalk review --help\` tells the rest.
  help
      Print this text.`;

/** The options of publish-assets and doctor (clean-assets and review keep theirs beside them). */
const PUBLISH_OPTIONS: Record<string, OptionSpec> = {
  'stack': { type: 'string', example: 'MyService-prod' },
  'bucket': { type: 'string', example: 'crosswalk-artifacts-111111111111-eu-west-1' },
  'profile': { type: 'string', example: 'build' },
  'dry-run': { type: 'boolean' },
};
const DOCTOR_OPTIONS: Record<string, OptionSpec> = {
  'project': { type: 'string', example: 'Crosswalk' },
  'region': { type: 'string', example: 'eu-west-1' },
  'skip': { type: 'string', example: 'CW4' },
  'profile': { type: 'string', example: '111111111111=build' },
  'live': { type: 'boolean' },
};

export interface MainIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

const short = (value: string) => excerpt(value, 60);

function assemblyArgument(positional: string[], command: string): string {
  if (positional.length !== 1) {
    throw new UsageError(`${command} takes one cloud assembly folder (e.g. cdk.out), got ${positional.length === 0 ? 'none' : positional.map((p) => `'${short(p)}'`).join(' ')}`);
  }
  return positional[0];
}

/** `doctor --live`: the readiness and permission checks against the deployed accounts. */
async function doctorLive(positional: string[], project: string | undefined, region: string | undefined, values: ReadonlyMap<string, string[]>, io: MainIo): Promise<number> {
  if (project === undefined || region === undefined) throw new UsageError('doctor --live needs --project and --region: they name the convention\'s roles, bucket and key it checks');
  if (positional.length === 0) throw new UsageError('doctor --live takes the build account\'s cloud assembly (e.g. apps/build-account/cdk.out), and optionally the service\'s');
  if (values.has('--skip')) throw new UsageError('--skip names deploy rules, which doctor --live does not run; run doctor without --live for them');
  const profiles = new Map<string, string>();
  for (const value of values.get('--profile') ?? []) {
    const match = /^(\d{12})=(.+)$/.exec(value);
    if (!match) throw new UsageError(`--profile takes <account id>=<profile name> (e.g. --profile 111111111111=build), got '${short(value)}'`);
    if (profiles.has(match[1])) throw new UsageError(`--profile names account ${match[1]} twice`);
    profiles.set(match[1], match[2]);
  }
  const report = await liveDoctor({ assemblyDirs: positional, naming: new CrosswalkNaming({ projectName: project, region }), profiles });
  for (const line of renderLiveReport(report)) io.out(excerpt(line, 2000));
  return report.findings.length === 0 ? 0 : 1;
}

/** Runs one command line; returns the exit code (0 done, 1 failed or findings, 2 bad command line). */
export async function main(argv: string[], io: MainIo = { out: (l) => console.log(l), err: (l) => console.error(l) }): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'publish-assets': {
        const { positionals: positional, values, switches: on } = parseCommandLine(rest, { options: PUBLISH_OPTIONS });
        await publishAssets({
          assemblyDir: assemblyArgument(positional, 'publish-assets'),
          stackNames: values.get('--stack'),
          bucketName: values.get('--bucket')?.[0],
          profile: values.get('--profile')?.[0],
          dryRun: on.has('--dry-run'),
          log: io.out,
        });
        return 0;
      }
      case 'clean-assets':
        return await cleanAssets(rest, { out: io.out, err: io.err });
      case 'review':
        // Its own exit codes (0 none, 10 low, 20 high, 30 not reviewed): see `crosswalk review --help`.
        return await review(rest, { out: io.out, err: io.err });
      case 'doctor': {
        const { positionals: positional, values, switches: on } = parseCommandLine(rest, { options: DOCTOR_OPTIONS });
        const project = values.get('--project')?.[0];
        const region = values.get('--region')?.[0];
        if ((project === undefined) !== (region === undefined)) throw new UsageError('--project and --region go together: both name the naming convention');
        if (on.has('--live')) return await doctorLive(positional, project, region, values, io);
        if (values.has('--profile')) throw new UsageError('--profile is for doctor --live (which calls AWS); the rules run on the files alone');
        const findings = doctor({
          assemblyDir: assemblyArgument(positional, 'doctor'),
          naming: project !== undefined ? new CrosswalkNaming({ projectName: project, region: region! }) : undefined,
          skip: values.get('--skip'),
        });
        for (const f of findings) io.out(excerpt(`${f.ruleId} ${f.stackName}/${f.logicalId} ${f.location}: ${f.message}`, 1000));
        io.out(findings.length === 0 ? 'doctor: no finding' : `doctor: ${findings.length} finding(s); see the rules in the README of @crosswalk/deploy-rules`);
        return findings.length === 0 ? 0 : 1;
      }
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command '${short(command)}'`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`crosswalk: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    // Escaped once more: a message never carries a control character of an assembly or a server to the terminal.
    io.err(`crosswalk ${command}: ${excerpt(err instanceof Error ? err.message : String(err), 2000)}`);
    return 1;
  }
}
