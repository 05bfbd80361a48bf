import type { BucketObject, Versioning } from './bucket';

/**
 * What a deletion can be undone, by the bucket's versioning state:
 *
 * - `Enabled`: a DeleteObjects entry without a version id adds a delete marker, and the object
 *   stays as a noncurrent version; deleting the marker restores it
 *   (https://docs.aws.amazon.com/AmazonS3/latest/userguide/DeletingObjectVersions.html).
 * - `Suspended`: the delete marker gets the version id `null` and replaces the version whose id is
 *   `null`: an object written while versioning was off or suspended is gone for good, one written
 *   while it was enabled stays as a noncurrent version
 *   (https://docs.aws.amazon.com/AmazonS3/latest/userguide/DeletingObjectsfromVersioningSuspendedBuckets.html).
 * - never enabled: a deletion removes the object for good.
 */
export function isRecoverable(object: BucketObject, versioning: Versioning): boolean {
  if (versioning === 'Enabled') return true;
  if (versioning === 'Suspended') return object.versionId !== undefined && object.versionId !== 'null';
  return false;
}

/** The objects a deletion would remove for good. */
export function permanentDeletions(objects: readonly BucketObject[], versioning: Versioning): BucketObject[] {
  return objects.filter((object) => !isRecoverable(object, versioning));
}

/** What the deletions of `objects` leave recoverable, and for how long, as the run prints it. */
export function recoveryNote(objects: readonly BucketObject[], versioning: Versioning, expiry: { days: number } | 'none' | { unknown: string }, bucket: string): string {
  const permanent = permanentDeletions(objects, versioning).length;
  const recoverable = objects.length - permanent;
  const how = `each one as a noncurrent version behind a delete marker (to restore one: aws s3api list-object-versions --bucket ${bucket} --prefix <key>, then aws s3api delete-object --bucket ${bucket} --key <key> --version-id <the marker's version id>)`;
  const until = expiry === 'none'
    ? 'until someone deletes the noncurrent version (no lifecycle rule of the bucket expires noncurrent versions under the prefix)'
    : 'days' in expiry
      ? `for ${expiry.days} days after the deletion (the bucket's lifecycle then expires noncurrent versions)`
      : `for as long as the bucket's lifecycle keeps noncurrent versions (it could not be read: ${expiry.unknown})`;
  const parts: string[] = [];
  if (recoverable > 0) parts.push(`${recoverable} of ${objects.length} recoverable ${until}, ${how}`);
  if (permanent > 0) parts.push(`${permanent} of ${objects.length} deleted for good (bucket versioning: ${versioning}${versioning === 'Suspended' ? '; they were written while versioning was off or suspended' : ''})`);
  return parts.join('; ');
}
