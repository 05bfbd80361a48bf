import { createReadStream, mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import type { IAws, IS3Client } from '@aws-cdk/cdk-assets-lib';
import { GuardedAws } from '../src/publish/guarded-aws';
import type { PlannedUpload } from '../src/publish/plan';
import { readSourceTree } from '../src/publish/source-tree';
import { AssemblyFiles } from '../src/assembly-files';

const BUCKET = { name: 'checkin-artifacts-123456789012-eu-west-1', account: '123456789012', region: 'eu-west-1' };

/** An S3 client that records what it is asked; the guard's only way out. */
function recordingAws(): { aws: IAws; calls: Array<{ call: string; input: any }> } {
  const calls: Array<{ call: string; input: any }> = [];
  const s3: IS3Client = {
    getBucketEncryption: async (input) => { calls.push({ call: 'getBucketEncryption', input }); return {} as any; },
    getBucketLocation: async (input) => { calls.push({ call: 'getBucketLocation', input }); return {} as any; },
    listObjectsV2: async (input) => { calls.push({ call: 'listObjectsV2', input }); return {} as any; },
    upload: async (input) => { calls.push({ call: 'upload', input }); return {} as any; },
  };
  const aws = { s3Client: async () => s3 } as unknown as IAws;
  return { aws, calls };
}

/** A planned file asset whose source is `content`, in an assembly folder of its own. */
function plannedFile(content: string): { upload: PlannedUpload; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'cli-guard-'));
  writeFileSync(join(dir, 'code.js'), content);
  const files = AssemblyFiles.open(dir);
  const source = readSourceTree(files, 'code.js', files.root, 'file', 'asset a');
  const upload: PlannedUpload = {
    stackName: 'S', assetId: 'a', displayName: 'a', bucketName: BUCKET.name, objectKey: 'assets/a.js', region: BUCKET.region, sourcePath: source.path, source,
  };
  return { upload, dir };
}

describe('GuardedAws (what @aws-cdk/cdk-assets-lib may do on the plan\'s behalf)', () => {
  test('every S3 request to the artifact bucket carries ExpectedBucketOwner, the build account', async () => {
    const { aws, calls } = recordingAws();
    const { upload } = plannedFile('exports.x = 1;');
    const s3 = await new GuardedAws(aws, [BUCKET], [upload]).s3Client({ region: 'eu-west-1' });

    await s3.getBucketLocation({ Bucket: BUCKET.name });
    await s3.getBucketEncryption({ Bucket: BUCKET.name });
    await s3.listObjectsV2({ Bucket: BUCKET.name, Prefix: 'assets/a.js' });
    await s3.upload({ Bucket: BUCKET.name, Key: 'assets/a.js', Body: createReadStream(upload.sourcePath) });

    expect(calls.map((c) => [c.call, c.input.ExpectedBucketOwner])).toEqual([
      ['getBucketLocation', '123456789012'], ['getBucketEncryption', '123456789012'], ['listObjectsV2', '123456789012'], ['upload', '123456789012'],
    ]);
  });

  test('refuses a client of another region, or one that assumes a role', async () => {
    const guard = new GuardedAws(recordingAws().aws, [BUCKET], []);
    await expect(guard.s3Client({ region: 'us-east-1' })).rejects.toThrow(/refusing an S3 client for 'us-east-1': the artifact buckets are in eu-west-1/);
    await expect(guard.s3Client({ region: 'eu-west-1', assumeRoleArn: 'arn:aws:iam::1:role/x' })).rejects.toThrow(/with a role to assume/);
    await expect(guard.ecrClient()).rejects.toThrow(/refusing a container registry client/);
  });

  test('with a bucket per region, a region\'s client writes only that region\'s bucket, and only the keys planned for it', async () => {
    const west = { name: 'checkin-artifacts-123456789012-us-west-2', account: '123456789012', region: 'us-west-2' };
    const { aws, calls } = recordingAws();
    const { upload } = plannedFile('exports.x = 1;');
    const guard = new GuardedAws(aws, [BUCKET, west], [upload]);
    const westS3 = await guard.s3Client({ region: 'us-west-2' });
    await expect(westS3.listObjectsV2({ Bucket: BUCKET.name })).rejects.toThrow(/only 'checkin-artifacts-123456789012-us-west-2' is written in us-west-2/);
    // The upload was planned for eu-west-1's bucket only.
    await expect(westS3.upload({ Bucket: west.name, Key: 'assets/a.js', Body: createReadStream(upload.sourcePath) })).rejects.toThrow(/the plan does not hold/);
    await westS3.listObjectsV2({ Bucket: west.name });
    expect(calls.map((c) => [c.call, c.input.Bucket, c.input.ExpectedBucketOwner])).toEqual([['listObjectsV2', west.name, '123456789012']]);
  });

  test('refuses a request to another bucket, an upload of an unplanned key, and a file that changed after it was checked', async () => {
    const { aws, calls } = recordingAws();
    const { upload } = plannedFile('exports.x = 1;');
    const s3 = await new GuardedAws(aws, [BUCKET], [upload]).s3Client({ region: 'eu-west-1' });

    await expect(s3.listObjectsV2({ Bucket: 'other-bucket' })).rejects.toThrow(/refusing a request to the bucket 'other-bucket'/);
    await expect(s3.upload({ Bucket: BUCKET.name, Key: 'assets/other.js', Body: createReadStream(upload.sourcePath) })).rejects.toThrow(/the plan does not hold/);
    writeFileSync(upload.sourcePath, 'exports.x = 2;');
    await expect(s3.upload({ Bucket: BUCKET.name, Key: 'assets/a.js', Body: createReadStream(upload.sourcePath) })).rejects.toThrow(/the source file changed after it was checked/);
    await expect(s3.upload({ Bucket: BUCKET.name, Key: 'assets/a.js', Body: Buffer.from('x') as any })).rejects.toThrow(/its body is not a file publish-assets can check/);
    expect(calls).toEqual([]);
  });

  test('refuses to upload a zip that does not hold the directory\'s files', async () => {
    const { aws, calls } = recordingAws();
    const dir = mkdtempSync(join(tmpdir(), 'cli-guard-'));
    writeFileSync(join(dir, 'index.js'), 'exports.handler = 1;');
    const files = AssemblyFiles.open(dir);
    const source = readSourceTree(files, '.', files.root, 'zip', 'asset z');
    const zip = join(mkdtempSync(join(tmpdir(), 'cli-guard-')), 'z.zip');
    writeFileSync(zip, Buffer.from('504b0506000000000000000000000000000000000000', 'hex'));
    const s3 = await new GuardedAws(aws, [BUCKET], [{ stackName: 'S', assetId: 'z', displayName: 'z', bucketName: BUCKET.name, objectKey: 'assets/z.zip', region: BUCKET.region, sourcePath: dir, source }])
      .s3Client({ region: 'eu-west-1' });

    await expect(s3.upload({ Bucket: BUCKET.name, Key: 'assets/z.zip', Body: createReadStream(zip) })).rejects.toThrow(/the packaged zip holds 0 entries, the source 1 files/);
    expect(calls).toEqual([]);
  });
});
