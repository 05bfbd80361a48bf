/**
 * Publishes the file assets (Lambda code) of some stacks of a cloud assembly to the artifact
 * bucket, with the caller's own credentials, through `@aws-cdk/cdk-assets-lib` (the library the
 * CDK toolkit itself publishes with: it zips directories reproducibly, skips an object that
 * already exists, and uploads with the bucket's encryption settings).
 *
 * For stacks synthesized with `ServiceStackSynthesizer` of `@crosswalk/cross-account-role`:
 * their code goes into the build account's artifact bucket, and nothing is taken from, or
 * uploaded to, a bootstrap bucket of a target account. Everything the assembly says is checked
 * first (see {@link planAssetUploads}), in a dry run too; then the credentials must be the
 * bucket's account, and every call is held to the plan (see {@link GuardedAws}).
 */
import {
  AssetPublishing, DefaultAwsClient, EventType, IAws, IPublishProgress, IPublishProgressListener,
} from '@aws-cdk/cdk-assets-lib';
import { AssemblyError } from '../assembly-files';
import { errorText, excerpt, quoted } from '../text';
import { GuardedAws } from './guarded-aws';
import { PlannedUpload, planAssetUploads } from './plan';

export { planAssetUploads } from './plan';
export type { PlannedUpload, PlanOptions, PublishPlan } from './plan';
export { parseArtifactBucket } from './destination';
export type { ArtifactBucket } from './destination';

export interface PublishAssetsOptions {
  /** The cloud assembly folder (`cdk.out`). */
  readonly assemblyDir: string;
  /** The stacks whose assets to publish (names or artifact ids); none means every stack. */
  readonly stackNames?: readonly string[];
  /** The artifact bucket the caller expects; any other is refused. @default the bucket the assembly names */
  readonly bucketName?: string;
  /** Check everything and list what would be published; make no AWS call. */
  readonly dryRun?: boolean;
  /** The AWS CLI profile whose credentials upload. @default the default credential chain */
  readonly profile?: string;
  /** The AWS client (tests and callers that bring their own). @default DefaultAwsClient(profile) */
  readonly aws?: IAws;
  readonly log?: (line: string) => void;
}

export interface PublishAssetsResult {
  readonly planned: PlannedUpload[];
  /** `s3://bucket/key` of the objects uploaded now. */
  readonly uploaded: string[];
  /** `s3://bucket/key` of the objects that existed already. */
  readonly found: string[];
}

/** Publishes the assets of the stacks (or, with `dryRun`, checks and lists them); throws on any refusal or failed upload. */
export async function publishAssets(options: PublishAssetsOptions): Promise<PublishAssetsResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const { buckets, planned, manifests } = planAssetUploads(options.assemblyDir, options.stackNames, { bucketName: options.bucketName });
  const describe = (upload: PlannedUpload) => `${excerpt(upload.displayName)} (${excerpt(upload.stackName)}, ${upload.source.files.length} file(s), ${upload.source.bytes} bytes)`;
  if (options.dryRun) {
    for (const upload of planned) log(`would publish ${describe(upload)} to s3://${upload.bucketName}/${upload.objectKey}`);
    log(`dry run: ${planned.length} asset(s) planned and checked, no AWS call made`);
    return { planned, uploaded: [], found: [] };
  }
  if (buckets.length === 0) {
    log('published 0 asset(s): the stacks have no code asset');
    return { planned, uploaded: [], found: [] };
  }
  const aws = options.aws ?? new DefaultAwsClient(options.profile);
  const caller = await aws.discoverCurrentAccount().catch((err) => {
    throw new Error(`cannot tell which account the credentials belong to (${errorText(err)}); publish-assets runs with the build account's credentials (in CodeBuild, the project's role)`);
  });
  // Every bucket is the same build account's (the plan refuses any other).
  const [bucket] = buckets;
  if (caller.accountId !== bucket.account) {
    throw new AssemblyError(`the credentials are of account ${quoted(caller.accountId)}, but the artifact bucket ${quoted(bucket.name)} is the build account ${bucket.account}'s: ` +
      'run publish-assets with the build account\'s credentials; refusing to write to a bucket of another account');
  }
  const uploaded: string[] = [];
  const found: string[] = [];
  const listener: IPublishProgressListener = {
    onPublishEvent(type: EventType, event: IPublishProgress) {
      const url = /(s3:\/\/\S+)/.exec(event.message)?.[1];
      if (type === EventType.UPLOAD && url) uploaded.push(url);
      if (type === EventType.FOUND && url) found.push(url);
      if (type === EventType.FAIL || type === EventType.UPLOAD || type === EventType.FOUND) log(excerpt(event.message, 300));
    },
  };
  const guarded = new GuardedAws(aws, buckets, planned);
  for (const manifest of manifests) {
    const publishing = new AssetPublishing(manifest, { aws: guarded, progressListener: listener, throwOnError: false, subprocessOutputDestination: 'ignore' });
    await publishing.publish();
    if (publishing.hasFailures) {
      const reasons = publishing.failures.map((f) => `${excerpt(f.asset.id.assetId)}: ${errorText(f.error)}`).join('; ');
      throw new Error(`publishing failed for ${publishing.failures.length} asset(s): ${excerpt(reasons, 800)}; `
        + 'the credentials need s3:GetBucketLocation, s3:ListBucket, s3:GetEncryptionConfiguration and s3:PutObject on the bucket and kms:GenerateDataKey on its key');
    }
  }
  log(`published ${uploaded.length} asset(s), ${found.length} already present`);
  return { planned, uploaded, found };
}
