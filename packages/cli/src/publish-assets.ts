import {
  AssetManifest, AssetPublishing, DefaultAwsClient, DestinationPattern, EventType, FileManifestEntry, IAws, IPublishProgress, IPublishProgressListener,
} from '@aws-cdk/cdk-assets-lib';
import { resolve } from 'path';
import { AssemblyError, readAssembly, selectStacks } from './assembly';

/**
 * Publishes the file assets (Lambda code) of some stacks of a cloud assembly to their S3
 * destinations, with the caller's own credentials, through `@aws-cdk/cdk-assets-lib` (the
 * library the CDK toolkit itself publishes with: it zips directories reproducibly, skips
 * an object that already exists, and uploads with the bucket's encryption settings).
 *
 * For stacks synthesized with `ServiceStackSynthesizer` of `@crosswalk/cross-account-role`:
 * their code goes into the build account's artifact bucket, and nothing is taken from, or
 * uploaded to, a bootstrap bucket of a target account.
 */

/** One object the publication puts (unless it exists already). */
export interface PlannedUpload {
  readonly stackName: string;
  readonly assetId: string;
  readonly displayName: string;
  readonly bucketName: string;
  readonly objectKey: string;
  readonly region?: string;
  /** The asset's source (a directory zipped on publication, or a file), absolute. */
  readonly sourcePath: string;
}

export interface PublishAssetsOptions {
  /** The cloud assembly folder (`cdk.out`). */
  readonly assemblyDir: string;
  /** The stacks whose assets to publish (names or artifact ids); none means every stack. */
  readonly stackNames?: readonly string[];
  /** List what would be published; make no AWS call. */
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

/** The uploads the named stacks need, read from their asset manifests; refuses what this command does not publish. */
export function planAssetUploads(assemblyDir: string, stackNames?: readonly string[]): { planned: PlannedUpload[]; manifests: AssetManifest[] } {
  const all = readAssembly(assemblyDir);
  const stacks = stackNames && stackNames.length > 0 ? selectStacks(all, stackNames) : all;
  const planned: PlannedUpload[] = [];
  const manifests: AssetManifest[] = [];
  const seen = new Set<string>();
  for (const stack of stacks) {
    for (const file of stack.assetManifests) {
      const manifest = AssetManifest.fromPath(file);
      const patterns: DestinationPattern[] = [];
      for (const entry of manifest.entries) {
        if (entry.type !== 'file') {
          throw new AssemblyError(`stack '${stack.stackName}' has a ${entry.type} asset (${entry.id.assetId}), which publish-assets does not publish: ship the code as a Lambda zip asset`);
        }
        const fileEntry = entry as FileManifestEntry;
        if (fileEntry.source.path === stack.templateFile) continue; // the pipeline deploys templates from its build output
        if (fileEntry.source.executable) {
          throw new AssemblyError(`asset ${fileEntry.id.assetId} of stack '${stack.stackName}' is built by a command, which publish-assets does not run: use a file or directory asset`);
        }
        if (fileEntry.destination.assumeRoleArn) {
          throw new AssemblyError(`asset ${fileEntry.id.assetId} of stack '${stack.stackName}' wants to be published with role ${fileEntry.destination.assumeRoleArn} (a bootstrap role): `
            + 'synthesize the stack with ServiceStackSynthesizer of @crosswalk/cross-account-role, which puts its code into the artifact bucket with the build\'s own credentials');
        }
        const url = `s3://${fileEntry.destination.bucketName}/${fileEntry.destination.objectKey}`;
        if (seen.has(url)) continue; // the same code in several stacks: one upload
        seen.add(url);
        patterns.push(new DestinationPattern(fileEntry.id.assetId, fileEntry.id.destinationId));
        planned.push({
          stackName: stack.stackName,
          assetId: fileEntry.id.assetId,
          displayName: fileEntry.displayName(false),
          bucketName: fileEntry.destination.bucketName,
          objectKey: fileEntry.destination.objectKey,
          region: fileEntry.destination.region,
          sourcePath: resolve(manifest.directory, fileEntry.source.path!),
        });
      }
      if (patterns.length > 0) manifests.push(manifest.select(patterns));
    }
  }
  return { planned, manifests };
}

/** Publishes the assets of the stacks (or, with `dryRun`, lists them); throws on any failed upload. */
export async function publishAssets(options: PublishAssetsOptions): Promise<PublishAssetsResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const { planned, manifests } = planAssetUploads(options.assemblyDir, options.stackNames);
  if (options.dryRun) {
    for (const upload of planned) log(`would publish ${upload.displayName} (${upload.stackName}) to s3://${upload.bucketName}/${upload.objectKey}`);
    log(`dry run: ${planned.length} asset(s) planned, no AWS call made`);
    return { planned, uploaded: [], found: [] };
  }
  const uploaded: string[] = [];
  const found: string[] = [];
  const listener: IPublishProgressListener = {
    onPublishEvent(type: EventType, event: IPublishProgress) {
      const url = /(s3:\/\/\S+)/.exec(event.message)?.[1];
      if (type === EventType.UPLOAD && url) uploaded.push(url);
      if (type === EventType.FOUND && url) found.push(url);
      if (type === EventType.FAIL || type === EventType.UPLOAD || type === EventType.FOUND) log(event.message);
    },
  };
  const aws = options.aws ?? new DefaultAwsClient(options.profile);
  for (const manifest of manifests) {
    const publishing = new AssetPublishing(manifest, { aws, progressListener: listener, throwOnError: false, subprocessOutputDestination: 'ignore' });
    await publishing.publish();
    if (publishing.hasFailures) {
      const reasons = publishing.failures.map((f) => `${f.asset.id.assetId}: ${f.error.message}`).join('; ');
      throw new Error(`publishing failed for ${publishing.failures.length} asset(s): ${reasons.slice(0, 800)}; `
        + 'the credentials need s3:GetBucketLocation, s3:ListBucket and s3:PutObject on the bucket and kms:GenerateDataKey on its key');
    }
  }
  log(`published ${uploaded.length} asset(s), ${found.length} already present`);
  return { planned, uploaded, found };
}
