import type { Account, ClientOptions, IAws, IECRClient, IS3Client, ISecretsManagerClient } from '@aws-cdk/cdk-assets-lib';
import { createHash } from 'crypto';
import { readFileSync, realpathSync } from 'fs';
import { quoted } from '../text';
import type { ArtifactBucket } from './destination';
import type { PlannedUpload } from './plan';
import { zipProblem } from './zip-check';

/** Thrown for a call the publication must not make; it fails the asset, and publish-assets fails. */
export class RefusedCall extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RefusedCall';
  }
}

type UploadInput = Parameters<IS3Client['upload']>[0];

/**
 * The AWS access `@aws-cdk/cdk-assets-lib` publishes through, narrowed to the plan: S3 in the
 * artifact bucket's region only, no role assumed, every request names the planned bucket and
 * carries `ExpectedBucketOwner` (S3 refuses it, 403, when another account owns the bucket:
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-owner-condition.html), and an
 * upload is sent only for a planned key, and only once its body is the asset whole: the zip
 * holds exactly the source's files (see {@link zipProblem}), a file has the source's content.
 */
export class GuardedAws implements IAws {
  private readonly uploads: ReadonlyMap<string, PlannedUpload>;

  /** `buckets`: the planned artifact buckets, at most one per region. */
  constructor(private readonly inner: IAws, private readonly buckets: readonly ArtifactBucket[], planned: readonly PlannedUpload[]) {
    this.uploads = new Map(planned.map((upload) => [`${upload.bucketName}/${upload.objectKey}`, upload]));
  }

  public discoverPartition(): Promise<string> {
    return this.inner.discoverPartition();
  }

  public discoverDefaultRegion(): Promise<string> {
    return this.inner.discoverDefaultRegion();
  }

  public discoverCurrentAccount(): Promise<Account> {
    return this.inner.discoverCurrentAccount();
  }

  public discoverTargetAccount(options: ClientOptions): Promise<Account> {
    return this.inner.discoverTargetAccount(options);
  }

  public async s3Client(options: ClientOptions): Promise<IS3Client> {
    // A client of a region writes only that region's bucket.
    const bucket = this.buckets.find((b) => b.region === options.region);
    if (options.assumeRoleArn !== undefined || bucket === undefined) {
      throw new RefusedCall(`refusing an S3 client for ${quoted(options.region ?? 'no region')}${options.assumeRoleArn ? ' with a role to assume' : ''}: ` +
        `the artifact buckets are in ${this.buckets.map((b) => b.region).join(', ')} and are written with the caller's own credentials`);
    }
    const s3 = await this.inner.s3Client(options);
    const owned = <T extends { Bucket?: string }>(input: T): T & { ExpectedBucketOwner: string } => {
      if (input.Bucket !== bucket.name) throw new RefusedCall(`refusing a request to the bucket ${quoted(String(input.Bucket))}: only ${quoted(bucket.name)} is written in ${bucket.region}`);
      return { ...input, ExpectedBucketOwner: bucket.account };
    };
    return {
      getBucketEncryption: async (input) => s3.getBucketEncryption(owned(input)),
      getBucketLocation: async (input) => s3.getBucketLocation(owned(input)),
      listObjectsV2: async (input) => s3.listObjectsV2(owned(input)),
      upload: async (input) => s3.upload(owned(this.checkedUpload(input))),
    };
  }

  public ecrClient(): Promise<IECRClient> {
    return Promise.reject(new RefusedCall('refusing a container registry client: publish-assets publishes code files only'));
  }

  public secretsManagerClient(): Promise<ISecretsManagerClient> {
    return Promise.reject(new RefusedCall('refusing a Secrets Manager client: publish-assets publishes code files only'));
  }

  private checkedUpload(input: UploadInput): UploadInput {
    const upload = input.Key === undefined ? undefined : this.uploads.get(`${String(input.Bucket)}/${input.Key}`);
    if (!upload) throw new RefusedCall(`refusing an upload to the key ${quoted(String(input.Key))}, which the plan does not hold`);
    const bodyPath = (input.Body as { path?: unknown } | undefined)?.path;
    if (typeof bodyPath !== 'string') throw new RefusedCall(`refusing the upload of ${quoted(upload.objectKey)}: its body is not a file publish-assets can check`);
    const problem = upload.source.packaging === 'zip' ? zipProblem(bodyPath, upload.source) : fileProblem(bodyPath, upload);
    if (problem) throw new RefusedCall(`refusing the upload of ${quoted(upload.objectKey)} (asset ${quoted(upload.assetId)}): ${problem}`);
    return input;
  }
}

/** Why the file about to be uploaded is not the planned source file, or undefined. */
function fileProblem(path: string, upload: PlannedUpload): string | undefined {
  try {
    if (realpathSync(path) !== upload.sourcePath) return 'the file about to be sent is not the asset\'s source';
    const digest = createHash('sha256').update(createHash('sha256').update(readFileSync(path)).digest('hex')).digest('hex');
    return digest === upload.source.digest ? undefined : 'the source file changed after it was checked';
  } catch (err) {
    return `cannot read the source file (${(err as NodeJS.ErrnoException).code ?? 'error'})`;
  }
}
