/**
 * `crosswalk review`: the change review of @crosswalk/change-review for any pipeline. It reads a
 * change set (every page, its template, AWS's own checks, its nested change sets) with the
 * caller's credentials or an assumed role, prints the report, and exits with a code a CI system
 * can gate on: 0 no changes, 10 low, 20 high, 30 not reviewed (any error: bad command line,
 * credentials, a change set the review refuses). Anything but 0 and 10 must stop a release.
 */
import { writeFileSync } from 'fs';
import {
  CloudFormationClient, DescribeChangeSetCommand, DescribeEventsCommand, DescribeStackDriftDetectionStatusCommand,
  DescribeStackResourceDriftsCommand, DetectStackDriftCommand, GetTemplateCommand, StackResourceDrift,
} from '@aws-sdk/client-cloudformation';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { AutoApprove, ChangeReview, RiskTier } from '@crosswalk/change-review/lib/review';
import { CloudFormationReads, readChangeSet } from '@crosswalk/change-review/lib/read/read-change-set';
import { OptionSpec, parseCommandLine, UsageError } from './args';

export const REVIEW_USAGE = `Usage: crosswalk review --stack <name> --change-set <name or ARN> [--role-arn <role>] [--region <region>]
                        [--format md|html|json] [--out <file>] [--auto-approve never|noChanges|lowRisk] [--detect-drift]

Reviews a CloudFormation change set (fail closed: low only for the shapes of the low table of
@crosswalk/change-review) and prints the report (Markdown by default) to standard output, or
writes it to --out. With --role-arn, the reads are made as that role (sts:AssumeRole); the
caller, or the role, needs cloudformation:DescribeChangeSet, GetTemplate and DescribeEvents on
the stack. --detect-drift first runs CloudFormation's drift detection on the stack (it needs
cloudformation:DetectStackDrift and the read permissions of every resource type of the stack):
a drifted resource the change set acts on then needs a person, and drift that could not be
detected too.

Exit codes:
   0  no changes (CloudFormation says so)
  10  low: every change matched the low table
  20  high: a person must look
  30  not reviewed: a bad command line, no credentials, or a change set the review refuses
Gate on the exact code: proceed on 0 (and on 10 only if low changes may go without a person).`;

/** Exit codes by tier; anything else is {@link EXIT_NOT_REVIEWED}. */
export const EXIT_CODES: { readonly [tier in RiskTier]: number } = { [RiskTier.NONE]: 0, [RiskTier.LOW]: 10, [RiskTier.HIGH]: 20 };
export const EXIT_NOT_REVIEWED = 30;

export interface ReviewIo {
  readonly out: (text: string) => void;
  readonly err: (line: string) => void;
  /** A CloudFormation client for a region and optional role (the default: the SDK's own credential chain). */
  readonly cloudFormation?: (region: string | undefined, roleArn: string | undefined) => CloudFormationClient;
  /** The time the report names (ISO). */
  readonly now?: () => Date;
  /** Waits between two looks at a drift detection. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** How long drift detection is awaited before the review goes on without it (asking a person). */
export const DRIFT_WAIT_MS = 5 * 60_000;
const DRIFT_POLL_MS = 5_000;

/**
 * CloudFormation's drift detection on the stack: DetectStackDrift, then its status until it is
 * done, then the drifted resources. What cannot be detected is passed on as `driftProblem`.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DetectStackDrift.html
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStackDriftDetectionStatus.html
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStackResourceDrifts.html
 */
async function detectDrift(cfn: CloudFormationClient, stack: string, sleep: (ms: number) => Promise<void>): Promise<{ drifts?: StackResourceDrift[]; driftProblem?: string }> {
  try {
    const { StackDriftDetectionId: id } = await cfn.send(new DetectStackDriftCommand({ StackName: stack }));
    let waited = 0;
    for (;;) {
      const status = await cfn.send(new DescribeStackDriftDetectionStatusCommand({ StackDriftDetectionId: id }));
      if (status.DetectionStatus === 'DETECTION_COMPLETE') break;
      if (status.DetectionStatus === 'DETECTION_FAILED') return { driftProblem: `drift detection failed for part of the stack: ${status.DetectionStatusReason ?? 'no reason given'}` };
      if (waited >= DRIFT_WAIT_MS) return { driftProblem: `drift detection did not finish within ${DRIFT_WAIT_MS / 60_000} minutes` };
      await sleep(DRIFT_POLL_MS);
      waited += DRIFT_POLL_MS;
    }
    const drifts: StackResourceDrift[] = [];
    let next: string | undefined;
    do {
      const page = await cfn.send(new DescribeStackResourceDriftsCommand({ StackName: stack, NextToken: next }));
      drifts.push(...(page.StackResourceDrifts ?? []));
      next = page.NextToken;
    } while (next);
    return { drifts };
  } catch (err) {
    return { driftProblem: `${(err as Error).name}: ${(err as Error).message}` };
  }
}

const FORMATS = ['md', 'html', 'json'] as const;
const POLICIES: readonly string[] = [AutoApprove.NEVER, AutoApprove.NO_CHANGES, AutoApprove.LOW_RISK];

/** Runs `crosswalk review` with its arguments (after the word `review`); returns the exit code. */
export async function review(args: string[], io: ReviewIo): Promise<number> {
  let options: ReturnType<typeof parse>;
  try {
    options = parse(args);
  } catch (err) {
    io.err(`crosswalk review: ${(err as Error).message}`);
    io.err(REVIEW_USAGE);
    return EXIT_NOT_REVIEWED;
  }
  if (options.help) {
    io.out(`${REVIEW_USAGE}\n`);
    return 0;
  }
  try {
    const cfn = (io.cloudFormation ?? defaultClient)(options.region, options.roleArn);
    const input = await readChangeSet(reads(cfn), { StackName: options.stack, ChangeSetName: options.changeSet });
    const drift = options.detectDrift ? await detectDrift(cfn, options.stack!, io.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)))) : {};
    const result = ChangeReview.review({ ...input, ...drift });
    const context = { reviewedAt: (io.now ?? (() => new Date()))().toISOString(), autoApprove: options.autoApprove as AutoApprove };
    const report = options.format === 'html' ? result.html(context) : options.format === 'json' ? result.json(context) : result.markdown(context);
    if (options.out !== undefined) writeFileSync(options.out, report);
    else io.out(report);
    io.err(result.summary(context));
    return EXIT_CODES[result.tier];
  } catch (err) {
    const name = ChangeReview.isUnreviewable(err) ? 'the change set cannot be reviewed' : (err as Error).name;
    io.err(`crosswalk review: ${name}: ${(err as Error).message}`);
    return EXIT_NOT_REVIEWED;
  }
}

/** The options of `crosswalk review`. */
const OPTIONS: Record<string, OptionSpec> = {
  'stack': { type: 'string', example: 'Crosswalk-SampleApi-prod' },
  'change-set': { type: 'string', example: 'Crosswalk-0f6e2a1c' },
  // eslint-disable-next-line @cdklabs/no-literal-partition -- an example of the help text
  'role-arn': { type: 'string', example: 'arn:aws:iam::333333333333:role/Crosswalk-eu-west-1-ReadOnlyRole' },
  'region': { type: 'string', example: 'eu-west-1' },
  'format': { type: 'string', example: 'md' },
  'out': { type: 'string', example: 'review.md' },
  'auto-approve': { type: 'string', example: AutoApprove.NO_CHANGES },
  'detect-drift': { type: 'boolean' },
  'help': { type: 'boolean' },
};

function parse(args: string[]) {
  const line = parseCommandLine(args, {
    options: OPTIONS,
    refusePositional: (argument) => `takes no positional argument, got '${argument.slice(0, 60)}'`,
  });
  const one = (name: string): string | undefined => {
    const given = line.values.get(`--${name}`) ?? [];
    if (given.length > 1) throw new UsageError(`--${name} is given ${given.length} times; give it once`);
    return given[0];
  };
  if (line.switches.has('--help')) return { help: true } as { help: true; stack?: string; changeSet?: string; format?: string; out?: string; region?: string; roleArn?: string; autoApprove?: string; detectDrift?: boolean };
  const stack = one('stack');
  const changeSet = one('change-set');
  const format = one('format') ?? 'md';
  const autoApprove = one('auto-approve') ?? AutoApprove.NO_CHANGES;
  const roleArn = one('role-arn');
  const out = one('out');
  const region = one('region');
  if (!stack) throw new UsageError('--stack is required: the name of the stack the change set belongs to');
  if (!changeSet) throw new UsageError('--change-set is required: the change set\'s name or ARN');
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got '${format.slice(0, 20)}'`);
  if (!POLICIES.includes(autoApprove)) throw new UsageError(`--auto-approve must be one of ${POLICIES.join(', ')}, got '${autoApprove.slice(0, 20)}'`);
  if (roleArn !== undefined && !/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@\/-]+$/.test(roleArn)) {
    // eslint-disable-next-line @cdklabs/no-literal-partition -- the pattern takes every partition (arn:aws[a-z-]*)
    throw new UsageError(`--role-arn must be an IAM role ARN (arn:aws:iam::<account>:role/<name>), got '${roleArn.slice(0, 80)}'`);
  }
  return {
    help: false as const,
    stack,
    changeSet,
    format,
    autoApprove,
    detectDrift: line.switches.has('--detect-drift'),
    ...(out !== undefined ? { out } : {}),
    ...(region !== undefined ? { region } : {}),
    ...(roleArn !== undefined ? { roleArn } : {}),
  };
}

function defaultClient(region: string | undefined, roleArn: string | undefined): CloudFormationClient {
  // With a role: the caller's credentials assume it (sts:AssumeRole on the role, and the role's trust).
  // https://docs.aws.amazon.com/sdk-for-javascript/v3/developer-guide/setting-credentials-node.html
  const credentials = roleArn === undefined ? undefined : fromTemporaryCredentials({ params: { RoleArn: roleArn, RoleSessionName: 'crosswalk-review' }, clientConfig: { region } });
  return new CloudFormationClient({ ...(region !== undefined ? { region } : {}), ...(credentials !== undefined ? { credentials } : {}) });
}

function reads(cfn: CloudFormationClient): CloudFormationReads {
  return {
    describeChangeSet: (input) => cfn.send(new DescribeChangeSetCommand(input)),
    getTemplate: (input) => cfn.send(new GetTemplateCommand(input)),
    describeEvents: (input) => cfn.send(new DescribeEventsCommand(input)),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    aborted: () => false,
  };
}
