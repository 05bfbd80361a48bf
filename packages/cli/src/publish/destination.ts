import { CrosswalkNaming } from '@crosswalk/cross-account-role';
import { AssemblyError, asObject, describeJson } from '../assembly-files';
import { quoted } from '../text';

/** The artifact bucket of a Crosswalk build account, as its name spells it. */
export interface ArtifactBucket {
  readonly name: string;
  /** The build account, which owns the bucket. */
  readonly account: string;
  readonly region: string;
}

/** `<project>-artifacts-<build account>-<region>`: `CrosswalkNaming.artifactBucketName()`. */
const ARTIFACT_BUCKET = /^([a-z][a-z0-9-]*)-artifacts-(\d{12})-([a-z]{2}(?:-[a-z]+)+-\d+)$/;

/** The key of a code asset: one name directly under the assets prefix (the build writes `assets/<sha256>.<ext>`). */
const ASSET_KEY = new RegExp(`^${CrosswalkNaming.ASSETS_PREFIX}[A-Za-z0-9][A-Za-z0-9._-]{0,250}$`);

/** The bucket's account and region, when `name` is a Crosswalk artifact bucket's name. */
export function parseArtifactBucket(name: unknown): ArtifactBucket | undefined {
  const match = typeof name === 'string' ? ARTIFACT_BUCKET.exec(name) : null;
  return match ? { name: match[0], account: match[2], region: match[3] } : undefined;
}

/** Where one asset goes, once checked. */
export interface CheckedDestination {
  readonly bucket: ArtifactBucket;
  readonly objectKey: string;
}

/**
 * The expectation of the destinations' buckets: `exact`, the one bucket the caller named; or
 * the family of the first destination, the same project's artifact buckets of the same build
 * account, one per region (a pipeline delivering to several regions has a store in each).
 */
export interface ExpectedBucket {
  readonly bucket: ArtifactBucket;
  readonly exact: boolean;
}

/** The same project's artifact bucket of the same build account in another region. */
function sameFamily(a: ArtifactBucket, b: ArtifactBucket): boolean {
  return a.account === b.account && a.name.slice(0, a.name.length - a.region.length) === b.name.slice(0, b.name.length - b.region.length);
}

/**
 * Checks a destination of an asset manifest before anything is read or sent: published with the
 * caller's own credentials (no role to assume), to an artifact bucket of the build account the
 * assembly names (one per region, of one project and account; `expected` exactly if the caller
 * named one), in the bucket's region, which is also the stack's (Lambda reads a function's code
 * only from a bucket of its region), under the assets prefix.
 */
export function checkDestination(raw: unknown, stack: { stackName: string; region?: string }, expected: ExpectedBucket | undefined, what: string): CheckedDestination {
  const destination = asObject(raw) ?? {};
  if (destination.assumeRoleArn !== undefined) {
    throw new AssemblyError(`${what} wants to be published with role ${quoted(String(destination.assumeRoleArn), 200)} (a bootstrap role): ` +
      'synthesize the stack with ServiceStackSynthesizer of @crosswalk/cross-account-role, which puts its code into the artifact bucket with the build\'s own credentials');
  }
  const bucket = parseArtifactBucket(destination.bucketName);
  if (!bucket) {
    throw new AssemblyError(`${what} goes to the bucket ${describeJson(destination.bucketName)}, which is not a Crosswalk artifact bucket ` +
      '(<project>-artifacts-<build account id>-<region>): synthesize the stack with ServiceStackSynthesizer of @crosswalk/cross-account-role');
  }
  if (expected?.exact && bucket.name !== expected.bucket.name) {
    throw new AssemblyError(`${what} goes to the bucket ${quoted(bucket.name)}, but --bucket names ${quoted(expected.bucket.name)}: ` +
      'refusing another bucket than the one named');
  }
  if (expected && !expected.exact && !sameFamily(bucket, expected.bucket)) {
    throw new AssemblyError(`${what} goes to the bucket ${quoted(bucket.name)}, but the assembly's code goes to ${quoted(expected.bucket.name)}: ` +
      'every asset is published to an artifact bucket of the same project and build account (one per region); refusing another account\'s or project\'s bucket');
  }
  if (destination.region !== bucket.region) {
    throw new AssemblyError(`${what} is to be published in the region ${describeJson(destination.region)}, but its bucket ${quoted(bucket.name)} is in ${bucket.region}; synthesize the app again`);
  }
  if (stack.region !== undefined && stack.region !== bucket.region) {
    throw new AssemblyError(`${what} goes to the bucket ${quoted(bucket.name)} in ${bucket.region}, but stack ${quoted(stack.stackName)} is in ${quoted(stack.region)}, and Lambda reads a function's code only from a bucket in its own region`);
  }
  if (typeof destination.objectKey !== 'string' || !ASSET_KEY.test(destination.objectKey)) {
    throw new AssemblyError(`${what} goes to the key ${describeJson(destination.objectKey)}, outside ${CrosswalkNaming.ASSETS_PREFIX} ` +
      `(a code asset is one name directly under ${CrosswalkNaming.ASSETS_PREFIX}, e.g. ${CrosswalkNaming.ASSETS_PREFIX}<sha256>.zip); synthesize the app again`);
  }
  return { bucket, objectKey: destination.objectKey };
}
