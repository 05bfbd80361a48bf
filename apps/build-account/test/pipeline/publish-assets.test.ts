import { execFileSync } from 'child_process';
import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { AssetUpload, CommandRunner, planUploads, publishUploads } from '../../src/pipeline/publish-assets';
import { BUCKET, CODE_HASH, HOOK_HASH, writeFakeAssembly } from './fake-assembly';

const STACKS = ['Crosswalk-SampleApi-dev', 'Crosswalk-SampleApi-prod'];

/** Records every command; answers head-object from `existing` (others get a 404, as the CLI prints it). */
function fakeAws(existing: string[] = [], headError?: string): { runner: CommandRunner; calls: string[][] } {
  const calls: string[][] = [];
  const runner: CommandRunner = (argv) => {
    calls.push([...argv]);
    if (argv[2] === 'head-object') {
      const key = argv[argv.indexOf('--key') + 1];
      if (headError) return { status: 254, stdout: '', stderr: headError };
      return existing.includes(key)
        ? { status: 0, stdout: '{"ContentLength": 10}', stderr: '' }
        : { status: 254, stdout: '', stderr: 'An error occurred (404) when calling the HeadObject operation: Not Found' };
    }
    return { status: 0, stdout: '', stderr: '' };
  };
  return { runner, calls };
}

describe('planUploads', () => {
  let assembly: string;
  beforeEach(() => {
    assembly = mkdtempSync(join(tmpdir(), 'assembly-'));
    writeFakeAssembly(assembly);
  });

  test('lists each code asset of the stacks once, with its destination; the stacks\' own templates are left out', () => {
    const uploads = planUploads(assembly, STACKS);
    expect(uploads.map((u) => [u.objectKey, u.packaging, u.bucketName, u.region])).toEqual([
      [`assets/${CODE_HASH}.zip`, 'zip', BUCKET, 'eu-west-1'],
      [`assets/${HOOK_HASH}.zip`, 'zip', BUCKET, 'eu-west-1'],
    ]);
    expect(uploads[0].sourcePath).toBe(join(assembly, `asset.${CODE_HASH}`));
  });

  test('fails for a stack the assembly does not have, naming those it has', () => {
    expect(() => planUploads(assembly, ['Crosswalk-SampleApi-staging']))
      .toThrow(/has no stack 'Crosswalk-SampleApi-staging' \(it has: Crosswalk-SampleApi-dev, Crosswalk-SampleApi-prod\)/);
  });

  test('fails for a destination that wants a role: the build uploads with its own credentials', () => {
    const other = mkdtempSync(join(tmpdir(), 'assembly-'));
    writeFakeAssembly(other, { assumeRoleArn: 'arn:aws:iam::222222222222:role/cdk-hnb659fds-file-publishing-role' });
    expect(() => planUploads(other, STACKS)).toThrow(/wants role arn:aws:iam::222222222222:role\/cdk-hnb659fds-file-publishing-role .*CliCredentialsStackSynthesizer/);
  });
});

describe('publishUploads', () => {
  let assembly: string;
  let uploads: AssetUpload[];
  let workDir: string;
  beforeEach(() => {
    assembly = mkdtempSync(join(tmpdir(), 'assembly-'));
    writeFakeAssembly(assembly);
    uploads = planUploads(assembly, STACKS);
    workDir = mkdtempSync(join(tmpdir(), 'zips-'));
  });

  test('checks each key, then copies the zip of the missing ones with exactly these AWS CLI arguments', () => {
    const aws = fakeAws([`assets/${HOOK_HASH}.zip`]);
    const result = publishUploads(uploads, { runner: aws.runner, workDir, log: () => undefined });
    expect(aws.calls).toEqual([
      ['aws', 's3api', 'head-object', '--bucket', BUCKET, '--key', `assets/${CODE_HASH}.zip`, '--region', 'eu-west-1'],
      ['aws', 's3', 'cp', join(workDir, `${CODE_HASH}.zip`), `s3://${BUCKET}/assets/${CODE_HASH}.zip`, '--only-show-errors', '--region', 'eu-west-1'],
      ['aws', 's3api', 'head-object', '--bucket', BUCKET, '--key', `assets/${HOOK_HASH}.zip`, '--region', 'eu-west-1'],
    ]);
    expect(result).toEqual({ uploaded: [`s3://${BUCKET}/assets/${CODE_HASH}.zip`], skipped: [`s3://${BUCKET}/assets/${HOOK_HASH}.zip`] });
    // the uploaded file is the zip of the asset directory
    const listing = execFileSync('unzip', ['-Z1', join(workDir, `${CODE_HASH}.zip`)], { encoding: 'utf-8' });
    expect(listing.trim().split('\n')).toEqual(['index.js', 'lib/util.js']);
  });

  test('a dry run prints the commands and runs none', () => {
    const aws = fakeAws();
    const lines: string[] = [];
    const result = publishUploads(uploads, { runner: aws.runner, dryRun: true, log: (l) => lines.push(l) });
    expect(aws.calls).toEqual([]);
    expect(result.uploaded).toHaveLength(2);
    expect(lines[0]).toBe(`[dry run] aws s3api head-object --bucket ${BUCKET} --key assets/${CODE_HASH}.zip --region eu-west-1`);
  });

  test('fails, saying which permission is missing, when the existence check is refused', () => {
    const aws = fakeAws([], 'An error occurred (403) when calling the HeadObject operation: Forbidden');
    expect(() => publishUploads(uploads, { runner: aws.runner, workDir, log: () => undefined }))
      .toThrow(/cannot check whether s3:\/\/.*\.zip exists: .*\(403\).*s3:GetObject and s3:ListBucket/);
    expect(aws.calls).toHaveLength(1); // nothing copied blindly
  });

  test('fails when a copy fails, with the CLI\'s message', () => {
    const calls: string[][] = [];
    const runner: CommandRunner = (argv) => {
      calls.push([...argv]);
      return argv[2] === 'head-object'
        ? { status: 254, stdout: '', stderr: 'An error occurred (404) when calling the HeadObject operation: Not Found' }
        : { status: 1, stdout: '', stderr: 'upload failed: AccessDenied' };
    };
    expect(() => publishUploads(uploads, { runner, workDir, log: () => undefined })).toThrow(/uploading VersionFunction\/Code .* failed \(upload failed: AccessDenied\)/);
  });
});
