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
 * Everything fails safe: every template is read before anything is deleted (nested stacks and
 * parameter values included, intrinsic functions evaluated), a value that cannot be resolved
 * keeps every object it could name, a stack that cannot be read aborts the run, and a deletion
 * the bucket's versioning would not keep is refused unless asked for by name.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { S3Client } from '@aws-sdk/client-s3';
import { fromIni } from '@aws-sdk/credential-providers';
import { CrosswalkNaming } from '@crosswalk/cross-account-role';
import { errorText, escapeInvisible, excerpt } from '../text';
import { UsageError } from '../args';
import { CleanAssetsOptions, USAGE, parseArgs } from './args';
import { BucketObject, DeleteOutcome, Versioning, bucketVersioning, deleteKeys, listCurrentObjects, noncurrentExpiry, readObjectText } from './bucket';
import { ReferenceCollector } from './collect';
import { listAccountStacks, readDeployedStack } from './deployed';
import { readLocalTemplates } from './local';
import { AssetCleanupPlan, planAssetCleanup } from './plan';
import { permanentDeletions, recoveryNote } from './recovery';

export { DEFAULT_MIN_AGE_DAYS, planAssetCleanup } from './plan';
export type { AssetCleanupPlan, KeptObject, PlanAssetCleanupInput } from './plan';
export { DELETE_BATCH_SIZE } from './bucket';
export type { BucketObject, Versioning } from './bucket';
export { templateReferences } from './references';
export type { AssetReference } from './references';
export { mayHold } from './key-match';
export { USAGE as CLEAN_ASSETS_USAGE } from './args';

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
  const s3 = (deps.createS3Client ?? defaultS3Client)(options.region);
  const bucketUrl = `s3://${options.bucket}/${assetsPrefix}`;
  const collector = new ReferenceCollector({
    assetsPrefix,
    bucket: options.bucket,
    readObject: (key) => readObjectText(s3, options.bucket, key),
  });

  if (options.stacks.length === 0) {
    err('note: no --stack given: the deployed templates are not consulted, so this can only be a listing (--delete needs --stack)');
  }
  let stacksRead = 0;
  for (const ref of options.stacks) {
    const where = `${options.region}${ref.profile ? ` with profile ${ref.profile}` : ''}`;
    const cfn = (deps.createCloudFormationClient ?? defaultCloudFormationClient)(options.region, ref.profile);
    const templates = await readDeployedStack(cfn, ref.stackName).catch((error: Error) => {
      throw new Error(`cannot read stack ${ref.stackName} in ${where} (${errorText(error, 300)})`);
    });
    if (templates === 'missing') {
      if (!options.allowMissingStacks) {
        throw new Error(`stack ${ref.stackName} does not exist in ${where}; check the name, region and profile (a misspelt stack would make its code look unused), or pass --allow-missing-stacks to skip stacks that are gone`);
      }
      err(`skip stack ${ref.stackName}: it does not exist in ${where} (--allow-missing-stacks)`);
      continue;
    }
    for (const template of templates) await collector.add(template);
    stacksRead++;
  }
  if (options.delete && stacksRead === 0) {
    throw new Error('none of the --stack stacks exists, so no deployed template proves which code is in use; refusing to delete (check the names, region and profiles)');
  }
  // Every stack of the bucket's own account (its credentials) too, named or not: that account's
  // own stacks may keep their code in this bucket (the pipeline's functions do, when the build
  // account is not bootstrapped), and a stack left out of --stack would make its code look unused.
  const ownAccount = (deps.createCloudFormationClient ?? defaultCloudFormationClient)(options.region);
  const ownStacks = await listAccountStacks(ownAccount).catch((error: Error) => {
    throw new Error(`cannot list the stacks of the bucket's account in ${options.region} (${errorText(error, 300)}): their code may be in the bucket too, so nothing can be proven unused; ` +
      'the default credentials (the bucket\'s account) need cloudformation:ListStacks, DescribeStacks, GetTemplate, ListChangeSets and ListStackResources');
  });
  for (const stackName of ownStacks) {
    const templates = await readDeployedStack(ownAccount, stackName, `stack ${stackName} of the bucket's account`).catch((error: Error) => {
      throw new Error(`cannot read stack ${stackName} of the bucket's account in ${options.region} (${errorText(error, 300)})`);
    });
    if (templates !== 'missing') for (const template of templates) await collector.add(template);
  }
  for (const path of options.templates) {
    for (const template of readLocalTemplates(path, options.region)) await collector.add(template);
  }
  for (const source of new Set(collector.references.map((r) => r.source))) {
    if (!collector.references.some((r) => r.source === source && (r.key?.startsWith(assetsPrefix) || r.pieces))) err(`note: ${source} references no object under ${assetsPrefix}`);
  }

  // eslint-disable-next-line @cdklabs/promiseall-no-unbounded-parallelism -- two calls, whatever the input
  const listing = await Promise.all([bucketVersioning(s3, options.bucket), listCurrentObjects(s3, options.bucket, assetsPrefix)]).catch((error: Error) => {
    throw new Error(`cannot list ${bucketUrl} in ${options.region} (${errorText(error, 300)}); the bucket is read with the default credentials, e.g. AWS_PROFILE=<build account profile>, which need s3:ListBucketVersions and s3:GetBucketVersioning`);
  });
  const [versioning, objects] = listing;
  const plan = planAssetCleanup({ objects, references: collector.references, now: (deps.now ?? (() => new Date()))(), minAgeDays: options.minAgeDays, assetsPrefix });

  if (options.delete) refusePermanentDeletion(plan.delete, versioning, options, bucketUrl);
  const verb = options.delete ? 'delete' : 'would delete';
  for (const object of plan.keep) out(`keep ${escapeInvisible(object.key)} (${object.reason})`);
  for (const object of plan.delete) out(`${verb} ${escapeInvisible(object.key)} (${formatBytes(object.size)}, last modified ${object.lastModified?.toISOString()})`);

  const recovery = plan.delete.length > 0 ? recoveryNote(plan.delete, versioning, await noncurrentExpiry(s3, options.bucket, assetsPrefix), options.bucket) : '';
  const outcome: DeleteOutcome = options.delete ? await deleteKeys(s3, options.bucket, plan.delete.map((o) => o.key)) : { failures: [] };
  for (const failure of outcome.failures) err(`failed to delete ${escapeInvisible(failure.key)}: ${excerpt(failure.reason, 200)}`);
  if (outcome.stopped) {
    err(`DeleteObjects failed (${outcome.stopped.reason}); the ${outcome.stopped.keys.length} objects from ${escapeInvisible(outcome.stopped.keys[0])} on were not deleted (run again once the cause is fixed)`);
  }
  const failed = outcome.failures.length + (outcome.stopped?.keys.length ?? 0);
  out(summaryLine(options, plan, objects.length, failed, bucketUrl));
  if (!options.delete) {
    out(plan.delete.length > 0 ? `Dry run: nothing was deleted. Run again with --delete to delete the objects marked "would delete": ${recovery}.` : 'Dry run: nothing to delete.');
  } else if (plan.delete.length > 0) {
    out(`Deleted: ${recovery}.`);
  }
  return failed > 0 ? 1 : 0;
}

/**
 * Refuses, before anything is deleted, a deletion the bucket's versioning would not keep,
 * unless `--allow-permanent-delete` asks for it.
 */
function refusePermanentDeletion(objects: readonly BucketObject[], versioning: Versioning, options: CleanAssetsOptions, bucketUrl: string): void {
  const permanent = permanentDeletions(objects, versioning);
  if (permanent.length === 0 || options.allowPermanentDelete) return;
  throw new Error(`${permanent.length} of the ${objects.length} objects to delete under ${bucketUrl} would be deleted for good: the bucket's versioning is ${versioning} ` +
    `(GetBucketVersioning)${versioning === 'Suspended' ? ', and they were written while it was off or suspended (version id null)' : ''}, so no delete marker would keep them; ` +
    'enable versioning on the bucket (EncryptedArtifactStore does), or run again with --allow-permanent-delete to delete them anyway');
}

function summaryLine(options: CleanAssetsOptions, plan: AssetCleanupPlan, listed: number, failed: number, bucketUrl: string): string {
  const bytes = (objects: readonly BucketObject[]) => formatBytes(objects.reduce((sum, o) => sum + o.size, 0));
  const kept = `${plan.keep.length} kept (${bytes(plan.keep)})`;
  let removed: string;
  if (!options.delete) removed = `${plan.delete.length} would be deleted (${bytes(plan.delete)})`;
  else if (failed === 0) removed = `${plan.delete.length} deleted (${bytes(plan.delete)})`;
  else removed = `${plan.delete.length} to delete (${bytes(plan.delete)}): ${plan.delete.length - failed} deleted, ${failed} failed`;
  return `${listed} objects under ${bucketUrl}: ${kept}, ${removed}`;
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
