import {
  DeleteObjectsCommand, GetBucketLifecycleConfigurationCommand, GetBucketVersioningCommand, GetObjectCommand, LifecycleRule, ListObjectVersionsCommand, S3Client,
} from '@aws-sdk/client-s3';
import { errorText } from '../text';

/**
 * The most keys one DeleteObjects request may name
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html).
 */
export const DELETE_BATCH_SIZE = 1000;

/** An object of the bucket (its current version), as the listing reports it. */
export interface BucketObject {
  readonly key: string;
  readonly size: number;
  /** Missing only if S3 did not say; such an object is kept (its age is unknown). */
  readonly lastModified?: Date;
  /** The current version's id: `null` for an object written while versioning was off or suspended. */
  readonly versionId?: string;
}

/**
 * The bucket's versioning state, as GetBucketVersioning returns it: `Enabled`, `Suspended`, or
 * no status at all for a bucket that never had versioning enabled
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketVersioning.html).
 */
export type Versioning = 'Enabled' | 'Suspended' | 'Never enabled';

export async function bucketVersioning(s3: S3Client, bucket: string): Promise<Versioning> {
  const { Status } = await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }));
  return Status === 'Enabled' || Status === 'Suspended' ? Status : 'Never enabled';
}

/**
 * Every current object under `prefix`, with its version id, page by page: ListObjectVersions
 * returns at most 1,000 versions and delete markers a page, `IsLatest` marks the current one of
 * each key (a key whose latest is a delete marker has no current object), and the next page
 * starts at `NextKeyMarker` and `NextVersionIdMarker`
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectVersions.html).
 */
export async function listCurrentObjects(s3: S3Client, bucket: string, prefix: string): Promise<BucketObject[]> {
  const objects: BucketObject[] = [];
  let keyMarker: string | undefined;
  let versionIdMarker: string | undefined;
  for (;;) {
    const page = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: prefix, KeyMarker: keyMarker, VersionIdMarker: versionIdMarker }));
    for (const version of page.Versions ?? []) {
      if (version.Key === undefined || version.IsLatest !== true) continue;
      objects.push({ key: version.Key, size: version.Size ?? 0, lastModified: version.LastModified, versionId: version.VersionId });
    }
    if (!page.IsTruncated) return objects;
    keyMarker = page.NextKeyMarker;
    versionIdMarker = page.NextVersionIdMarker;
  }
}

/**
 * How long a deleted object stays recoverable: the shortest `NoncurrentVersionExpiration` of the
 * bucket's enabled lifecycle rules that apply to keys under `prefix`
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketLifecycleConfiguration.html);
 * `none` when no rule expires noncurrent versions there (a bucket without a lifecycle
 * configuration answers NoSuchLifecycleConfiguration), or why it could not be read.
 */
export async function noncurrentExpiry(s3: S3Client, bucket: string, prefix: string): Promise<{ days: number } | 'none' | { unknown: string }> {
  let rules: LifecycleRule[];
  try {
    rules = (await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }))).Rules ?? [];
  } catch (err) {
    if ((err as Error).name === 'NoSuchLifecycleConfiguration') return 'none';
    return { unknown: errorText(err, 150) };
  }
  const days = rules
    .filter((rule) => rule.Status === 'Enabled' && appliesUnder(rule, prefix))
    .map((rule) => rule.NoncurrentVersionExpiration?.NoncurrentDays)
    .filter((d): d is number => typeof d === 'number');
  return days.length === 0 ? 'none' : { days: Math.min(...days) };
}

/** Whether a rule's prefix filter (legacy `Prefix`, `Filter.Prefix` or `Filter.And.Prefix`) takes in keys under `prefix`; a tag or size filter may take in some. */
function appliesUnder(rule: LifecycleRule, prefix: string): boolean {
  const rulePrefix = rule.Filter?.Prefix ?? rule.Filter?.And?.Prefix ?? rule.Prefix ?? '';
  return prefix.startsWith(rulePrefix) || rulePrefix.startsWith(prefix);
}

/** An object of the bucket as text (a nested stack's template), at most `maxBytes`. */
export async function readObjectText(s3: S3Client, bucket: string, key: string, maxBytes = 16 * 1024 * 1024): Promise<string> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  if ((object.ContentLength ?? 0) > maxBytes) throw new Error(`it is ${object.ContentLength} bytes, more than the ${maxBytes} read`);
  return object.Body?.transformToString('utf-8') ?? '';
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
 * Deletes the keys (their current versions: without a version id, which in a versioned bucket
 * adds a delete marker) in requests of at most {@link DELETE_BATCH_SIZE}, quietly (S3 then
 * reports only the keys it could not delete). A request that fails as a whole (no permission,
 * throttling) stops the deletion rather than repeat the failure per batch.
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
      return { failures, stopped: { reason: errorText(err, 200), keys: keys.slice(start) } };
    }
  }
  return { failures };
}
