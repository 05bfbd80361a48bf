import { readdirSync, readFileSync, statSync } from 'fs';
import { join } from 'path';
import {
  ChangeSetSummary, CloudFormationClient, DescribeStacksCommand, GetTemplateCommand, ListChangeSetsCommand,
} from '@aws-sdk/client-cloudformation';
import { DeleteObjectsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { fromIni } from '@aws-sdk/credential-providers';
import { CrosswalkNaming } from '@crosswalk/cross-account-role';

/**
 * Lists (dry run, the default) or deletes the code assets in the artifact bucket that no
 * deployed, pending or current template references:
 *
 *   npx crosswalk clean-assets --bucket <artifact bucket> --region <region> \
 *     --stack <stack>@<profile> ... --templates cdk.out [--delete]
 *
 * Why it exists: code assets (`assets/<sha256>.zip`) never expire by lifecycle, because a
 * CloudFormation rollback to a template whose code object is gone ends in
 * UPDATE_ROLLBACK_FAILED. So the bucket only shrinks when someone proves an asset unused.
 *
 * Everything fails safe: every template is read before anything is deleted, a stack that
 * cannot be read aborts the run, and keeping an asset is always the answer in doubt.
 */

/**
 * How long an unreferenced asset stays, by default. Longer than CodePipeline's 7-day
 * timeout of a manual approval (https://docs.aws.amazon.com/codepipeline/latest/userguide/limits.html),
 * so the code of a change set that waits for approval is never the one cleaned up, with margin
 * for an execution that is retried or a build whose template was not passed with --templates.
 */
export const DEFAULT_MIN_AGE_DAYS = 30;

/**
 * The most keys one DeleteObjects request may name
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html).
 */
export const DELETE_BATCH_SIZE = 1000;

/** What a deletion does in the versioned artifact bucket, said in the output and the README. */
export const DELETE_MARKER_NOTE = 'the artifact bucket is versioned: each deletion adds a delete marker, and the object stays recoverable as a noncurrent version '
  + 'until the bucket\'s noncurrent-version expiry removes it (https://docs.aws.amazon.com/AmazonS3/latest/userguide/DeletingObjectVersions.html)';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The characters of an asset key a template may hold (the build writes `assets/<hex>.zip`). */
const KEY_CHARACTERS = '[A-Za-z0-9._/-]';

// ---------------------------------------------------------------------------------------
// Planning (pure)
// ---------------------------------------------------------------------------------------

/** An object of the bucket, as the listing reports it. */
export interface BucketObject {
  readonly key: string;
  readonly size: number;
  /** Missing only if S3 did not say; such an object is kept (its age is unknown). */
  readonly lastModified?: Date;
}

export interface KeptObject extends BucketObject {
  /** Why it stays, as printed: `referenced by stack …`, `last modified … (younger than 30 days)`. */
  readonly reason: string;
}

export interface AssetCleanupPlan {
  readonly keep: KeptObject[];
  readonly delete: BucketObject[];
}

export interface PlanAssetCleanupInput {
  readonly objects: readonly BucketObject[];
  /** Every referenced key, with the templates that reference it (for the reason printed). */
  readonly referencedKeys: ReadonlyMap<string, readonly string[]>;
  readonly now: Date;
  /** @default DEFAULT_MIN_AGE_DAYS */
  readonly minAgeDays?: number;
  /** The prefix of the code assets (`assets/`); objects outside it are never deleted. */
  readonly assetsPrefix: string;
}

/**
 * Decides per object: an object under the assets prefix is deleted only if no template
 * references its key AND it was last modified more than `minAgeDays` ago. Everything else
 * is kept, with the reason.
 */
export function planAssetCleanup(input: PlanAssetCleanupInput): AssetCleanupPlan {
  const minAgeDays = input.minAgeDays ?? DEFAULT_MIN_AGE_DAYS;
  const plan: AssetCleanupPlan = { keep: [], delete: [] };
  for (const object of input.objects) {
    const reason = keepReason(object, input, minAgeDays);
    if (reason) plan.keep.push({ ...object, reason });
    else plan.delete.push(object);
  }
  return plan;
}

/** Why an object must stay, or undefined if it may go. */
function keepReason(object: BucketObject, input: PlanAssetCleanupInput, minAgeDays: number): string | undefined {
  if (!object.key.startsWith(input.assetsPrefix)) return `outside ${input.assetsPrefix}`;
  const sources = input.referencedKeys.get(object.key);
  if (sources && sources.length > 0) return `referenced by ${describeSources(sources)}`;
  if (!object.lastModified) return 'last modified date unknown';
  const ageMs = input.now.getTime() - object.lastModified.getTime();
  if (ageMs <= minAgeDays * DAY_MS) return `last modified ${object.lastModified.toISOString()}, not more than ${minAgeDays} days ago`;
  return undefined;
}

function describeSources(sources: readonly string[]): string {
  const shown = sources.slice(0, 2).join(', ');
  return sources.length > 2 ? `${shown} and ${sources.length - 2} more` : shown;
}

// ---------------------------------------------------------------------------------------
// References in templates (pure)
// ---------------------------------------------------------------------------------------

/**
 * The asset keys a CloudFormation template (parsed JSON) references: every string value,
 * anywhere in the template, is searched for `<prefix><key characters>`. That covers the
 * `Code.S3Key` of `AWS::Lambda::Function`, the `Content.S3Key` of `AWS::Lambda::LayerVersion`
 * and `s3://bucket/assets/…` URIs (`CodeUri` of `AWS::Serverless::Function`) alike, without
 * knowing resource types. CDK writes asset keys as plain strings, so intrinsic functions
 * need no evaluation. A string matched too generously only keeps an object (the safe side).
 */
export function referencedAssetKeys(template: unknown, assetsPrefix: string): Set<string> {
  const keys = new Set<string>();
  const visit = (value: unknown): void => {
    if (typeof value === 'string') {
      for (const key of assetKeysInText(value, assetsPrefix)) keys.add(key);
    } else if (Array.isArray(value)) {
      value.forEach(visit);
    } else if (value !== null && typeof value === 'object') {
      Object.values(value).forEach(visit);
    }
  };
  visit(template);
  return keys;
}

/**
 * The asset keys in a template body as CloudFormation returns it: JSON (what CDK deploys)
 * is parsed and walked; anything else (a YAML template) is searched as text, which finds
 * the same keys.
 */
export function referencedAssetKeysInBody(body: string, assetsPrefix: string): Set<string> {
  let template: unknown;
  try {
    template = JSON.parse(body);
  } catch {
    return new Set(assetKeysInText(body, assetsPrefix));
  }
  return referencedAssetKeys(template, assetsPrefix);
}

function assetKeysInText(text: string, assetsPrefix: string): string[] {
  const pattern = new RegExp(`${escapeRegExp(assetsPrefix)}${KEY_CHARACTERS}+`, 'g');
  return [...text.matchAll(pattern)].map((match) => match[0]);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// ---------------------------------------------------------------------------------------
// Command line
// ---------------------------------------------------------------------------------------

/** A command line that cannot be run as given; main prints it with a hint and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

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
}

export const USAGE = `Usage: crosswalk clean-assets --bucket <artifact bucket> --region <region>
                    [--stack <stack name>[@<profile>]]... [--templates <cdk.out dir or template file>]...
                    [--min-age-days <days>] [--allow-missing-stacks] [--delete]

Lists the code assets under the assets prefix of the artifact bucket that no template
references; deletes them only with --delete.

  --bucket <name>              the artifact bucket (crosswalk-artifacts-<build account>-<region>)
  --region <region>            the region of the bucket and of the stacks
  --stack <name>[@<profile>]   a deployed stack whose template, and pending change sets, reference
                               code (repeatable); read with the credentials of <profile>, else the
                               default credential chain. At least one is required for --delete.
  --templates <dir|file>       local templates that reference code too (repeatable): a file, or every
                               *.template.json in a directory such as ../sample-api/cdk.out
  --min-age-days <days>        keep every object modified in the last <days> days (default ${DEFAULT_MIN_AGE_DAYS})
  --allow-missing-stacks       skip a --stack that does not exist, instead of stopping
  --delete                     delete the objects listed (default: dry run, nothing is deleted)
  --help                       print this text

Exit codes: 0 done, 1 failed (nothing deleted if it failed before deleting), 2 bad arguments.`;

const VALUE_FLAGS = ['--bucket', '--region', '--stack', '--templates', '--min-age-days'] as const;
const SWITCHES = ['--delete', '--allow-missing-stacks', '--help', '-h'] as const;
type ValueFlag = typeof VALUE_FLAGS[number];

/** Parses the arguments; throws a {@link UsageError} that names the flag and the fix. */
export function parseArgs(argv: readonly string[]): CleanAssetsOptions {
  const values: Record<ValueFlag, string[]> = { '--bucket': [], '--region': [], '--stack': [], '--templates': [], '--min-age-days': [] };
  const switches = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = splitInlineValue(argv[i]);
    if ((SWITCHES as readonly string[]).includes(flag) && inline === undefined) {
      switches.add(flag);
    } else if (isValueFlag(flag)) {
      const value = inline ?? argv[++i];
      if (value === undefined || value === '' || value.startsWith('--')) {
        throw new UsageError(`${flag} needs a value, e.g. ${flag} ${exampleValue(flag)}`);
      }
      values[flag].push(value);
    } else if (flag.startsWith('-')) {
      throw new UsageError(`unknown option '${argv[i]}'; the options are ${[...VALUE_FLAGS, ...SWITCHES.slice(0, 3)].join(', ')}`);
    } else {
      throw new UsageError(`unexpected argument '${argv[i]}'; every value follows its option, e.g. --stack ${argv[i]}`);
    }
  }
  const help = switches.has('--help') || switches.has('-h');
  return {
    help,
    bucket: help ? '' : single(values, '--bucket', true),
    region: help ? '' : parseRegion(single(values, '--region', true)),
    stacks: values['--stack'].map(parseStackRef),
    templates: values['--templates'],
    minAgeDays: parseMinAgeDays(single(values, '--min-age-days', false)),
    delete: switches.has('--delete'),
    allowMissingStacks: switches.has('--allow-missing-stacks'),
  };
}

function splitInlineValue(arg: string): [string, string | undefined] {
  const eq = arg.indexOf('=');
  return arg.startsWith('--') && eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
}

function isValueFlag(flag: string): flag is ValueFlag {
  return (VALUE_FLAGS as readonly string[]).includes(flag);
}

function exampleValue(flag: ValueFlag): string {
  const examples: Record<ValueFlag, string> = {
    '--bucket': 'crosswalk-artifacts-111111111111-eu-west-1',
    '--region': 'eu-west-1',
    '--stack': 'Crosswalk-SampleApi-prod@prod',
    '--templates': '../sample-api/cdk.out',
    '--min-age-days': String(DEFAULT_MIN_AGE_DAYS),
  };
  return examples[flag];
}

function single(values: Record<ValueFlag, string[]>, flag: ValueFlag, required: true): string;
function single(values: Record<ValueFlag, string[]>, flag: ValueFlag, required: false): string | undefined;
function single(values: Record<ValueFlag, string[]>, flag: ValueFlag, required: boolean): string | undefined {
  const given = values[flag];
  if (given.length > 1) throw new UsageError(`${flag} is given ${given.length} times; give it once`);
  if (required && given.length === 0) throw new UsageError(`${flag} is required, e.g. ${flag} ${exampleValue(flag)}`);
  return given[0];
}

function parseRegion(region: string): string {
  try {
    CrosswalkNaming.validateRegion('--region', region);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  return region;
}

function parseMinAgeDays(text: string | undefined): number {
  if (text === undefined) return DEFAULT_MIN_AGE_DAYS;
  if (!/^\d+$/.test(text)) {
    throw new UsageError(`--min-age-days must be a whole number of days, 0 or more, got '${text}'; e.g. --min-age-days ${DEFAULT_MIN_AGE_DAYS}`);
  }
  return Number(text);
}

/** `name` or `name@profile`. Stack names cannot hold `@`, so the first one separates. */
function parseStackRef(text: string): StackRef {
  const at = text.indexOf('@');
  const stackName = at < 0 ? text : text.slice(0, at);
  const profile = at < 0 ? undefined : text.slice(at + 1);
  if (stackName === '' || profile === '') {
    throw new UsageError(`--stack '${text}' must be <stack name> or <stack name>@<profile>, e.g. --stack ${exampleValue('--stack')}`);
  }
  return { stackName, profile };
}

// ---------------------------------------------------------------------------------------
// Reading templates
// ---------------------------------------------------------------------------------------

/** A template that references code: where it came from (as printed) and its body. */
interface TemplateText {
  readonly source: string;
  readonly body: string;
}

/**
 * The templates of a deployed stack that may still need their code: the deployed one
 * (`Original` stage: as submitted, so the keys are literal) and those of its change sets,
 * which include a prod change set waiting for approval. Its code may be an old object the
 * build did not upload again (keys are content hashes and the build skips existing ones),
 * so its age alone does not protect it.
 *
 * Returns 'missing' for a stack that does not exist. Throws for a stack in a state where
 * GetTemplate does not tell which code a rollback needs.
 */
async function readStackTemplates(cfn: CloudFormationClient, ref: StackRef): Promise<TemplateText[] | 'missing'> {
  const label = `stack ${ref.stackName}`;
  let status: string | undefined;
  try {
    const described = await cfn.send(new DescribeStacksCommand({ StackName: ref.stackName }));
    status = described.Stacks?.[0]?.StackStatus;
  } catch (err) {
    if (isMissingStack(err)) return 'missing';
    throw err;
  }
  if (status === undefined || status === 'DELETE_COMPLETE') return 'missing';
  const templates: TemplateText[] = [];
  // A stack created by a change set that was not executed yet has no template of its own.
  if (status !== 'REVIEW_IN_PROGRESS') {
    assertSettled(ref.stackName, status);
    const deployed = await cfn.send(new GetTemplateCommand({ StackName: ref.stackName, TemplateStage: 'Original' }));
    templates.push({ source: label, body: deployed.TemplateBody ?? '' });
  }
  for (const changeSet of await listChangeSets(cfn, ref.stackName)) {
    if (!mayBeExecuted(changeSet)) continue;
    const pending = await cfn.send(new GetTemplateCommand({
      StackName: ref.stackName,
      ChangeSetName: changeSet.ChangeSetId ?? changeSet.ChangeSetName,
      TemplateStage: 'Original',
    }));
    templates.push({ source: `change set ${changeSet.ChangeSetName} of ${label}`, body: pending.TemplateBody ?? '' });
  }
  return templates;
}

/**
 * While a stack is being updated or rolled back, or after a failed rollback, the template it
 * may return to is not the one GetTemplate shows, so nothing can be proven unreferenced.
 */
function assertSettled(stackName: string, status: string): void {
  if (!status.endsWith('_COMPLETE')) {
    throw new Error(`stack ${stackName} is ${status}: while a stack is updating, rolling back or failed, the template it may roll back to is not the deployed one, so no asset can be proven unused; run again once the stack is in a *_COMPLETE state (after a failed rollback: continue the rollback first)`);
  }
}

async function listChangeSets(cfn: CloudFormationClient, stackName: string): Promise<ChangeSetSummary[]> {
  const summaries: ChangeSetSummary[] = [];
  let nextToken: string | undefined;
  do {
    const page = await cfn.send(new ListChangeSetsCommand({ StackName: stackName, NextToken: nextToken }));
    summaries.push(...(page.Summaries ?? []));
    nextToken = page.NextToken;
  } while (nextToken);
  return summaries;
}

/** Failed or deleted change sets can never be executed, so their code does not matter. */
function mayBeExecuted(changeSet: ChangeSetSummary): boolean {
  return !(changeSet.Status === 'FAILED' || changeSet.Status?.startsWith('DELETE_'));
}

/** CloudFormation answers for an unknown stack with a ValidationError "Stack with id … does not exist". */
function isMissingStack(err: unknown): boolean {
  return err instanceof Error && err.name === 'ValidationError' && /does not exist/.test(err.message);
}

/**
 * The local templates at `path`: the file itself, or every `*.template.json` below a
 * directory (a cloud assembly, including nested stage assemblies), skipping the asset
 * directories. Finding none is an error: the caller meant to protect some code.
 */
export function readLocalTemplates(path: string): TemplateText[] {
  let files: string[];
  try {
    files = statSync(path).isDirectory() ? templateFilesIn(path) : [path];
  } catch (err) {
    throw new Error(`--templates ${path}: ${(err as Error).message}; give a cloud assembly directory (synthesize it first: npx nx run @crosswalk/sample-api:synth) or a template file`);
  }
  if (files.length === 0) {
    throw new Error(`--templates ${path} holds no *.template.json; synthesize the app first (npx nx run @crosswalk/sample-api:synth) or drop the option`);
  }
  return files.map((file) => {
    const body = readFileSync(file, 'utf-8');
    try {
      JSON.parse(body);
    } catch (err) {
      throw new Error(`template ${file} is not valid JSON (${(err as Error).message}); synthesize the app again`);
    }
    return { source: `template ${file}`, body };
  });
}

function templateFilesIn(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && !entry.name.startsWith('asset.') && entry.name !== 'node_modules') files.push(...templateFilesIn(path));
    else if (entry.isFile() && entry.name.endsWith('.template.json')) files.push(path);
  }
  return files;
}

// ---------------------------------------------------------------------------------------
// The bucket
// ---------------------------------------------------------------------------------------

/** Every object under `prefix`, page by page (ListObjectsV2 returns at most 1,000 per page). */
export async function listObjects(s3: S3Client, bucket: string, prefix: string): Promise<BucketObject[]> {
  const objects: BucketObject[] = [];
  let continuationToken: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: continuationToken }));
    for (const object of page.Contents ?? []) {
      if (object.Key === undefined) continue;
      objects.push({ key: object.Key, size: object.Size ?? 0, lastModified: object.LastModified });
    }
    continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (continuationToken);
  return objects;
}

/** A key S3 did not delete, with S3's error. */
export interface DeleteFailure {
  readonly key: string;
  readonly reason: string;
}

/** What a deletion did not do. */
export interface DeleteOutcome {
  /** Keys S3 reported as not deleted. */
  readonly failures: DeleteFailure[];
  /** A request that failed as a whole: its keys and those of later batches were not deleted. */
  readonly stopped?: { readonly reason: string; readonly keys: readonly string[] };
}

/**
 * Deletes the keys in requests of at most {@link DELETE_BATCH_SIZE}, quietly (S3 then
 * reports only the keys it could not delete). A request that fails as a whole (no
 * permission, throttling) stops the deletion rather than repeat the failure per batch.
 */
export async function deleteKeys(s3: S3Client, bucket: string, keys: readonly string[]): Promise<DeleteOutcome> {
  const failures: DeleteFailure[] = [];
  for (let start = 0; start < keys.length; start += DELETE_BATCH_SIZE) {
    const batch = keys.slice(start, start + DELETE_BATCH_SIZE);
    try {
      const result = await s3.send(new DeleteObjectsCommand({
        Bucket: bucket,
        Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
      }));
      for (const error of result.Errors ?? []) {
        failures.push({ key: error.Key ?? '<unknown key>', reason: `${error.Code ?? 'Error'}: ${error.Message ?? 'no message'}` });
      }
    } catch (err) {
      return { failures, stopped: { reason: `${(err as Error).name}: ${(err as Error).message}`, keys: keys.slice(start) } };
    }
  }
  return { failures };
}

// ---------------------------------------------------------------------------------------
// main
// ---------------------------------------------------------------------------------------

export interface CleanAssetsDeps {
  /** @default a client of the given region with the default credential chain */
  readonly createS3Client?: (region: string) => S3Client;
  /** @default a client of the given region with the profile's credentials (fromIni), or the default chain */
  readonly createCloudFormationClient?: (region: string, profile?: string) => CloudFormationClient;
  /** @default the clock */
  readonly now?: () => Date;
  /** @default the naming convention's prefix of code assets (`CrosswalkNaming.ASSETS_PREFIX`) */
  readonly assetsPrefix?: string;
  readonly out?: (line: string) => void;
  readonly err?: (line: string) => void;
}

/** Runs the command line; resolves to the exit code (0 done, 1 failed, 2 bad arguments). */
export async function cleanAssets(argv: readonly string[], deps: CleanAssetsDeps = {}): Promise<number> {
  const out = deps.out ?? ((line: string) => console.log(line));
  const err = deps.err ?? ((line: string) => console.error(line));
  let options: CleanAssetsOptions;
  try {
    options = parseArgs(argv);
    if (!options.help && options.delete && options.stacks.length === 0) {
      throw new UsageError('--delete needs at least one --stack <name>[@<profile>]: only the deployed stacks\' templates prove which code a rollback still needs. Pass every stack that uses the bucket\'s code, e.g. --stack Crosswalk-SampleApi-dev@dev --stack Crosswalk-SampleApi-prod@prod');
    }
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    err(`clean-assets: ${error.message}`);
    err('Run with --help for the usage.');
    return 2;
  }
  if (options.help) {
    out(USAGE);
    return 0;
  }
  try {
    return await run(options, deps, out, err);
  } catch (error) {
    err(`clean-assets: ${(error as Error).message}`);
    err('Nothing was deleted.');
    return 1;
  }
}

async function run(options: CleanAssetsOptions, deps: CleanAssetsDeps, out: (line: string) => void, err: (line: string) => void): Promise<number> {
  const assetsPrefix = deps.assetsPrefix ?? CrosswalkNaming.ASSETS_PREFIX;
  const createCfn = deps.createCloudFormationClient ?? defaultCloudFormationClient;
  const s3 = (deps.createS3Client ?? defaultS3Client)(options.region);

  if (options.stacks.length === 0) {
    err('note: no --stack given: the deployed templates are not consulted, so this can only be a listing (--delete needs --stack)');
  }
  const referencedKeys = new Map<string, string[]>();
  const addReferences = (template: TemplateText) => {
    const keys = referencedAssetKeysInBody(template.body, assetsPrefix);
    if (keys.size === 0) err(`note: ${template.source} references no object under ${assetsPrefix}`);
    for (const key of keys) referencedKeys.set(key, [...(referencedKeys.get(key) ?? []), template.source]);
  };
  let stacksRead = 0;
  for (const ref of options.stacks) {
    const where = `${options.region}${ref.profile ? ` with profile ${ref.profile}` : ''}`;
    const templates = await readStackTemplates(createCfn(options.region, ref.profile), ref).catch((error: Error) => {
      throw new Error(`cannot read stack ${ref.stackName} in ${where} (${error.name}: ${error.message})`);
    });
    if (templates === 'missing') {
      if (!options.allowMissingStacks) {
        throw new Error(`stack ${ref.stackName} does not exist in ${where}; check the name, region and profile (a misspelt stack would make its code look unused), or pass --allow-missing-stacks to skip stacks that are gone`);
      }
      err(`skip stack ${ref.stackName}: it does not exist in ${where} (--allow-missing-stacks)`);
      continue;
    }
    templates.forEach(addReferences);
    stacksRead++;
  }
  if (options.delete && stacksRead === 0) {
    throw new Error('none of the --stack stacks exists, so no deployed template proves which code is in use; refusing to delete (check the names, region and profiles)');
  }
  for (const path of options.templates) readLocalTemplates(path).forEach(addReferences);

  const objects = await listObjects(s3, options.bucket, assetsPrefix).catch((error: Error) => {
    throw new Error(`cannot list s3://${options.bucket}/${assetsPrefix} in ${options.region} (${error.name}: ${error.message}); the bucket is read with the default credentials, e.g. AWS_PROFILE=<build account profile>, which need s3:ListBucket`);
  });
  const plan = planAssetCleanup({ objects, referencedKeys, now: (deps.now ?? (() => new Date()))(), minAgeDays: options.minAgeDays, assetsPrefix });

  const verb = options.delete ? 'delete' : 'would delete';
  for (const object of plan.keep) out(`keep ${object.key} (${object.reason})`);
  for (const object of plan.delete) out(`${verb} ${object.key} (${formatBytes(object.size)}, last modified ${object.lastModified?.toISOString()})`);

  const outcome: DeleteOutcome = options.delete ? await deleteKeys(s3, options.bucket, plan.delete.map((o) => o.key)) : { failures: [] };
  for (const failure of outcome.failures) err(`failed to delete ${failure.key}: ${failure.reason}`);
  if (outcome.stopped) {
    err(`DeleteObjects failed (${outcome.stopped.reason}); the ${outcome.stopped.keys.length} objects from ${outcome.stopped.keys[0]} on were not deleted (run again once the cause is fixed)`);
  }
  const failed = outcome.failures.length + (outcome.stopped?.keys.length ?? 0);
  out(summaryLine(options, plan, objects.length, failed, assetsPrefix));
  if (!options.delete) {
    out(plan.delete.length > 0 ? 'Dry run: nothing was deleted. Run again with --delete to delete the objects marked "would delete".' : 'Dry run: nothing to delete.');
  } else if (plan.delete.length > 0) {
    out(`Note: ${DELETE_MARKER_NOTE}.`);
  }
  return failed > 0 ? 1 : 0;
}

function summaryLine(options: CleanAssetsOptions, plan: AssetCleanupPlan, listed: number, failed: number, assetsPrefix: string): string {
  const bytes = (objects: readonly BucketObject[]) => formatBytes(objects.reduce((sum, o) => sum + o.size, 0));
  const kept = `${plan.keep.length} kept (${bytes(plan.keep)})`;
  let removed: string;
  if (!options.delete) removed = `${plan.delete.length} would be deleted (${bytes(plan.delete)})`;
  else if (failed === 0) removed = `${plan.delete.length} deleted (${bytes(plan.delete)})`;
  else removed = `${plan.delete.length} to delete (${bytes(plan.delete)}): ${plan.delete.length - failed} deleted, ${failed} failed`;
  return `${listed} objects under s3://${options.bucket}/${assetsPrefix}: ${kept}, ${removed}`;
}

/** Bytes in binary units, one decimal: `512 B`, `1.5 KiB`, `3.2 MiB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

function defaultS3Client(region: string): S3Client {
  return new S3Client({ region });
}

function defaultCloudFormationClient(region: string, profile?: string): CloudFormationClient {
  return new CloudFormationClient({ region, credentials: profile ? fromIni({ profile }) : undefined });
}
