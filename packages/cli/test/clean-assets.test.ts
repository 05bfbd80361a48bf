import { mkdirSync, mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import {
  ChangeSetSummary, CloudFormationClient, CloudFormationServiceException, DescribeChangeSetCommand, DescribeStacksCommand, GetTemplateCommand, ListChangeSetsCommand,
  ListStackResourcesCommand,
  ListStacksCommand,
} from '@aws-sdk/client-cloudformation';
import {
  DeleteObjectsCommand, GetBucketLifecycleConfigurationCommand, GetBucketVersioningCommand, ListObjectVersionsCommand, ObjectVersion, S3Client, S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { DELETE_BATCH_SIZE, cleanAssets as main, planAssetCleanup } from '../src/clean';

const BUCKET = 'crosswalk-artifacts-111111111111-eu-west-1';
const REGION = 'eu-west-1';
const NOW = new Date('2025-06-01T12:00:00Z');
const DAY_MS = 24 * 60 * 60 * 1000;

/** A content-addressed code asset key, as the build publishes it. */
function assetKey(n: number): string {
  return `assets/${n.toString(16).padStart(64, '0')}.zip`;
}

function daysAgo(days: number): Date {
  return new Date(NOW.getTime() - days * DAY_MS);
}

function s3Object(key: string, ageDays: number, size = 1024): ObjectVersion {
  return { Key: key, Size: size, LastModified: daysAgo(ageDays), VersionId: `v-${key.slice(7, 15)}`, IsLatest: true };
}

/** A template shaped like the one CDK synthesizes for a Lambda function whose code is an asset. */
function lambdaTemplate(...keys: string[]): object {
  const resources: Record<string, object> = {};
  keys.forEach((key, i) => {
    resources[`VersionFunction${i}`] = {
      Type: 'AWS::Lambda::Function',
      Properties: {
        Code: { S3Bucket: BUCKET, S3Key: key },
        Handler: 'index.handler',
        Role: { 'Fn::GetAtt': ['VersionFunctionServiceRole', 'Arn'] },
        Runtime: 'nodejs20.x',
      },
      Metadata: { 'aws:asset:path': `asset.${i}`, 'aws:asset:property': 'Code' },
    };
  });
  return { Resources: resources, Outputs: { ApiUrl: { Value: 'https://example.com/' } } };
}

// ---------------------------------------------------------------------------------------
// A fake AWS: deployed stacks and bucket pages the mocked clients answer from
// ---------------------------------------------------------------------------------------

interface FakeStack {
  /** A stack of the bucket's own account (ListStacks with the default credentials lists it). */
  readonly ownAccount?: boolean;
  readonly status?: string;
  readonly template?: object;
  readonly changeSets?: ReadonlyArray<{ readonly name: string; readonly status: ChangeSetSummary['Status']; readonly template: object }>;
}

const s3 = mockClient(S3Client);
const cfn = mockClient(CloudFormationClient);

function missingStack(stackName: string): Error {
  return new CloudFormationServiceException({ name: 'ValidationError', $fault: 'client', $metadata: {}, message: `Stack with id ${stackName} does not exist` });
}

/** Answers CloudFormation's calls for `stacks`; any other stack does not exist. */
function deployStacks(stacks: Record<string, FakeStack>): void {
  const stackOf = (name: string | undefined) => {
    const stack = stacks[name ?? ''];
    if (!stack) throw missingStack(name ?? '');
    return stack;
  };
  // ListStacks without the deleted ones: https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ListStacks.html
  cfn.on(ListStacksCommand).callsFake((input) => {
    if (input.StackStatusFilter?.includes('DELETE_COMPLETE') || !input.StackStatusFilter?.includes('UPDATE_COMPLETE')) throw new Error(`unexpected status filter ${input.StackStatusFilter}`);
    return { StackSummaries: Object.entries(stacks).filter(([, s]) => s.ownAccount).map(([StackName, s]) => ({ StackName, StackStatus: s.status ?? 'UPDATE_COMPLETE', CreationTime: daysAgo(100) })) };
  });
  cfn.on(DescribeStacksCommand).callsFake((input) => {
    const stack = stackOf(input.StackName);
    return { Stacks: [{ StackName: input.StackName, StackStatus: stack.status ?? 'UPDATE_COMPLETE', CreationTime: daysAgo(100) }] };
  });
  cfn.on(ListChangeSetsCommand).callsFake((input) => ({
    Summaries: (stackOf(input.StackName).changeSets ?? []).map((c) => ({ ChangeSetName: c.name, ChangeSetId: `arn:aws:cloudformation:${REGION}:333333333333:changeSet/${c.name}/1`, Status: c.status })),
  }));
  cfn.on(ListStackResourcesCommand).callsFake((input) => {
    stackOf(input.StackName);
    return { StackResourceSummaries: [] };
  });
  cfn.on(DescribeChangeSetCommand).resolves({ Parameters: [] });
  cfn.on(GetTemplateCommand).callsFake((input) => {
    const stack = stackOf(input.StackName);
    if (input.TemplateStage !== 'Original') throw new Error('the test expects the Original stage');
    if (input.ChangeSetName) {
      const changeSet = stack.changeSets?.find((c) => input.ChangeSetName?.includes(`changeSet/${c.name}/`));
      if (!changeSet) throw new Error(`no change set ${input.ChangeSetName}`);
      return { TemplateBody: JSON.stringify(changeSet.template) };
    }
    return { TemplateBody: JSON.stringify(stack.template ?? {}) };
  });
}

/**
 * Lists `objects` as the current versions of a versioned bucket, in pages of `pageSize` chained
 * by key markers as ListObjectVersions does; deletions succeed.
 */
function storeObjects(objects: ObjectVersion[], pageSize = 1000): void {
  s3.on(GetBucketVersioningCommand).resolves({ Status: 'Enabled' });
  s3.on(GetBucketLifecycleConfigurationCommand).resolves({ Rules: [{ ID: 'noncurrent', Status: 'Enabled', Filter: { Prefix: 'assets/' }, NoncurrentVersionExpiration: { NoncurrentDays: 90 } }] });
  s3.on(ListObjectVersionsCommand).callsFake((input) => {
    if (input.Bucket !== BUCKET || input.Prefix !== 'assets/') throw new Error(`unexpected listing ${input.Bucket}/${input.Prefix}`);
    const start = input.KeyMarker ? objects.findIndex((o) => o.Key === input.KeyMarker) + 1 : 0;
    const end = start + pageSize;
    const truncated = end < objects.length;
    return { Versions: objects.slice(start, end), IsTruncated: truncated, NextKeyMarker: truncated ? objects[end - 1].Key : undefined, NextVersionIdMarker: truncated ? objects[end - 1].VersionId : undefined };
  });
  s3.on(DeleteObjectsCommand).resolves({});
}

interface Run {
  readonly code: number;
  readonly out: string[];
  readonly err: string[];
  /** The profile each CloudFormation client was created for. */
  readonly profiles: Array<string | undefined>;
}

async function run(...argv: string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const profiles: Array<string | undefined> = [];
  const code = await main(argv, {
    createS3Client: (region) => new S3Client({ region }),
    createCloudFormationClient: (region, profile) => {
      profiles.push(profile);
      return new CloudFormationClient({ region });
    },
    now: () => NOW,
    out: (line) => out.push(line),
    err: (line) => err.push(line),
  });
  return { code, out, err, profiles };
}

const BASE = ['--bucket', BUCKET, '--region', REGION];

function deletedKeys(): string[][] {
  return s3.commandCalls(DeleteObjectsCommand).map((call) => (call.args[0].input.Delete?.Objects ?? []).map((o) => o.Key ?? ''));
}

function writeAssembly(templates: Record<string, object>): string {
  const dir = mkdtempSync(join(tmpdir(), 'clean-assets-'));
  for (const [file, template] of Object.entries(templates)) {
    mkdirSync(join(dir, file, '..'), { recursive: true });
    writeFileSync(join(dir, file), JSON.stringify(template));
  }
  return dir;
}

beforeEach(() => {
  s3.reset();
  cfn.reset();
  // The bucket's own account has no stack unless a test deploys one there (deployStacks).
  cfn.on(ListStacksCommand).resolves({ StackSummaries: [] });
});

// ---------------------------------------------------------------------------------------

describe('planAssetCleanup', () => {
  const plan = (objects: Array<{ key: string; ageDays: number }>, referenced: string[] = []) => planAssetCleanup({
    objects: objects.map((o) => ({ key: o.key, size: 10, lastModified: daysAgo(o.ageDays) })),
    references: referenced.map((key) => ({ source: 'stack X', where: 'Resources/Fn/Properties/Code/S3Key', key })),
    now: NOW,
    assetsPrefix: 'assets/',
  });

  test('deletes only what is unreferenced and older than 30 days; keeps the rest with the reason', () => {
    // Act
    const result = plan([
      { key: assetKey(1), ageDays: 400 },
      { key: assetKey(2), ageDays: 29 },
      { key: assetKey(3), ageDays: 31 },
      { key: assetKey(4), ageDays: 30 },
      { key: 'templates/x.json', ageDays: 400 },
    ], [assetKey(1)]);

    // Assess
    expect(result.delete.map((o) => o.key)).toEqual([assetKey(3)]);
    expect(result.keep.map((o) => [o.key, o.reason])).toEqual([
      [assetKey(1), 'referenced by stack X'],
      [assetKey(2), `last modified ${daysAgo(29).toISOString()}, not more than 30 days ago`],
      [assetKey(4), `last modified ${daysAgo(30).toISOString()}, not more than 30 days ago`],
      ['templates/x.json', 'outside assets/'],
    ]);
  });

  test('keeps an object whose age is unknown', () => {
    const result = planAssetCleanup({ objects: [{ key: assetKey(1), size: 1 }], references: [], now: NOW, assetsPrefix: 'assets/' });
    expect(result.delete).toEqual([]);
  });
});

describe('clean-assets', () => {
  test('dry run: keeps what a deployed stack or a local template references and what is young; lists the rest as would-delete and deletes nothing', async () => {
    // Prepare
    deployStacks({ 'Crosswalk-SampleApi-prod': { template: lambdaTemplate(assetKey(1)) } });
    const assembly = writeAssembly({ 'Crosswalk-SampleApi-dev.template.json': lambdaTemplate(assetKey(2)) });
    storeObjects([s3Object(assetKey(1), 400), s3Object(assetKey(2), 400), s3Object(assetKey(3), 5), s3Object(assetKey(4), 400, 3 * 1024 * 1024)]);

    // Act
    const result = await run(...BASE, '--stack', 'Crosswalk-SampleApi-prod@prod', '--templates', assembly);

    // Assess
    expect(result.code).toBe(0);
    expect(result.out).toEqual([
      `keep ${assetKey(1)} (referenced by stack Crosswalk-SampleApi-prod)`,
      `keep ${assetKey(2)} (referenced by template '${join(assembly, 'Crosswalk-SampleApi-dev.template.json')}')`,
      `keep ${assetKey(3)} (last modified ${daysAgo(5).toISOString()}, not more than 30 days ago)`,
      `would delete ${assetKey(4)} (3.0 MiB, last modified ${daysAgo(400).toISOString()})`,
      `4 objects under s3://${BUCKET}/assets/: 3 kept (3.0 KiB), 1 would be deleted (3.0 MiB)`,
      `Dry run: nothing was deleted. Run again with --delete to delete the objects marked "would delete": 1 of 1 recoverable for 90 days after the deletion (the bucket's lifecycle then expires noncurrent versions), each one as a noncurrent version behind a delete marker (to restore one: aws s3api list-object-versions --bucket ${BUCKET} --prefix <key>, then aws s3api delete-object --bucket ${BUCKET} --key <key> --version-id <the marker's version id>).`,
    ]);
    expect(s3.commandCalls(DeleteObjectsCommand)).toHaveLength(0);
    // The stack with its profile, then the bucket's own account with the default credentials.
    expect(result.profiles).toEqual(['prod', undefined]);
  });

  test('--delete sends exactly the unreferenced old keys, at most 1,000 per request, quietly, and notes the delete markers', async () => {
    // Prepare: 1,003 objects over two pages; one referenced, one young
    const objects = Array.from({ length: 1003 }, (_, i) => s3Object(assetKey(i), 60));
    objects[10] = s3Object(assetKey(10), 1);
    deployStacks({ 'Crosswalk-SampleApi-dev': { template: lambdaTemplate(assetKey(1002)) } });
    storeObjects(objects);

    // Act
    const result = await run(...BASE, '--stack', 'Crosswalk-SampleApi-dev', '--delete');

    // Assess
    expect(result.code).toBe(0);
    const batches = deletedKeys();
    expect(batches.map((b) => b.length)).toEqual([DELETE_BATCH_SIZE, 1]);
    const expected = objects.map((o) => o.Key ?? '').filter((k) => k !== assetKey(10) && k !== assetKey(1002));
    expect(batches.flat()).toEqual(expected);
    for (const call of s3.commandCalls(DeleteObjectsCommand)) {
      expect(call.args[0].input).toMatchObject({ Bucket: BUCKET, Delete: { Quiet: true } });
    }
    expect(result.out).toContain(`delete ${assetKey(0)} (1.0 KiB, last modified ${daysAgo(60).toISOString()})`);
    expect(result.out).toContain(`1003 objects under s3://${BUCKET}/assets/: 2 kept (2.0 KiB), 1001 deleted (1001.0 KiB)`);
    expect(result.out.at(-1)).toMatch(/^Deleted: 1001 of 1001 recoverable for 90 days after the deletion .* noncurrent version behind a delete marker/);
    expect(result.profiles).toEqual([undefined, undefined]);
  });

  test('the code of a stack of the bucket\'s own account is kept though no --stack names it (the pipeline\'s own functions)', async () => {
    // Prepare: the service stack is named; the pipeline's stack, in the bucket's account, is not.
    deployStacks({
      'Crosswalk-SampleApi-prod': { template: lambdaTemplate(assetKey(1)) },
      'Crosswalk-Pipeline': { ownAccount: true, template: lambdaTemplate(assetKey(2)) },
    });
    storeObjects([s3Object(assetKey(1), 90), s3Object(assetKey(2), 90), s3Object(assetKey(3), 90)]);

    // Act
    const result = await run(...BASE, '--stack', 'Crosswalk-SampleApi-prod@prod', '--delete');

    // Assess
    expect(result.code).toBe(0);
    expect(result.out).toContain(`keep ${assetKey(2)} (referenced by stack Crosswalk-Pipeline of the bucket's account)`);
    expect(deletedKeys().flat()).toEqual([assetKey(3)]);
  });

  test('a stack of the bucket\'s own account that is updating, or the account\'s stacks that cannot be listed, stop the run before anything is deleted', async () => {
    deployStacks({
      'Crosswalk-SampleApi-prod': { template: lambdaTemplate(assetKey(1)) },
      'Crosswalk-Pipeline': { ownAccount: true, status: 'UPDATE_IN_PROGRESS', template: lambdaTemplate(assetKey(2)) },
    });
    storeObjects([s3Object(assetKey(1), 90), s3Object(assetKey(2), 90), s3Object(assetKey(3), 90)]);
    const updating = await run(...BASE, '--stack', 'Crosswalk-SampleApi-prod@prod', '--delete');
    expect(updating.code).toBe(1);
    expect(updating.err[0]).toMatch(/^clean-assets: cannot read stack Crosswalk-Pipeline of the bucket's account in .*UPDATE_IN_PROGRESS/);

    cfn.on(ListStacksCommand).rejects(new CloudFormationServiceException({ name: 'AccessDenied', $fault: 'client', $metadata: {}, message: 'not authorized to perform: cloudformation:ListStacks' }));
    const unlisted = await run(...BASE, '--stack', 'Crosswalk-SampleApi-prod@prod', '--delete');
    expect(unlisted.code).toBe(1);
    expect(unlisted.err[0]).toMatch(/^clean-assets: cannot list the stacks of the bucket's account .*cloudformation:ListStacks.*nothing can be proven unused/);
    expect(s3.commandCalls(DeleteObjectsCommand)).toHaveLength(0);
  });

  test('considers every object when the listing spans two pages', async () => {
    // Prepare
    deployStacks({ 'Crosswalk-SampleApi-prod': { template: lambdaTemplate(assetKey(1)) } });
    storeObjects([s3Object(assetKey(1), 90), s3Object(assetKey(2), 90), s3Object(assetKey(3), 90)], 2);

    // Act
    const result = await run(...BASE, '--stack', 'Crosswalk-SampleApi-prod@prod');

    // Assess
    expect(s3.commandCalls(ListObjectVersionsCommand).map((c) => c.args[0].input.KeyMarker)).toEqual([undefined, assetKey(2)]);
    expect(result.out.filter((l) => l.startsWith('would delete')).map((l) => l.split(' ')[2])).toEqual([assetKey(2), assetKey(3)]);
  });

  test('keeps the code of a change set waiting for approval, even if that object is old', async () => {
    // Prepare: the build found assetKey(2) already in the bucket (from months ago) and did not upload it again
    deployStacks({
      'Crosswalk-SampleApi-prod': {
        template: lambdaTemplate(assetKey(1)),
        changeSets: [
          { name: 'PipelineChangeSet', status: 'CREATE_COMPLETE', template: lambdaTemplate(assetKey(2)) },
          { name: 'NoChanges', status: 'FAILED', template: lambdaTemplate(assetKey(3)) },
        ],
      },
    });
    storeObjects([s3Object(assetKey(1), 200), s3Object(assetKey(2), 200), s3Object(assetKey(3), 200)]);

    // Act
    const result = await run(...BASE, '--stack', 'Crosswalk-SampleApi-prod@prod', '--delete');

    // Assess
    expect(result.code).toBe(0);
    expect(result.out).toContain(`keep ${assetKey(2)} (referenced by change set PipelineChangeSet of stack Crosswalk-SampleApi-prod)`);
    expect(deletedKeys()).toEqual([[assetKey(3)]]);
  });

  test('a stack that does not exist stops the run before anything is deleted', async () => {
    // Prepare
    deployStacks({ 'Crosswalk-SampleApi-prod': { template: lambdaTemplate(assetKey(1)) } });
    storeObjects([s3Object(assetKey(1), 90), s3Object(assetKey(2), 90)]);

    // Act
    const result = await run(...BASE, '--stack', 'Crosswalk-SampleApi-prod@prod', '--stack', 'Crosswalk-SampleApi-dve@dev', '--delete');

    // Assess
    expect(result.code).toBe(1);
    expect(result.err.join('\n')).toMatch(/stack Crosswalk-SampleApi-dve does not exist in eu-west-1 with profile dev; .*--allow-missing-stacks/);
    expect(result.err).toContain('Nothing was deleted.');
    expect(s3.commandCalls(DeleteObjectsCommand)).toHaveLength(0);
  });

  test('--allow-missing-stacks skips a stack that does not exist, and says so', async () => {
    // Prepare
    deployStacks({ 'Crosswalk-SampleApi-prod': { template: lambdaTemplate(assetKey(1)) } });
    storeObjects([s3Object(assetKey(1), 90), s3Object(assetKey(2), 90)]);

    // Act
    const result = await run(...BASE, '--stack', 'Crosswalk-SampleApi-prod', '--stack', 'Crosswalk-SampleApi-old', '--allow-missing-stacks', '--delete');

    // Assess
    expect(result.code).toBe(0);
    expect(result.err).toContain(`skip stack Crosswalk-SampleApi-old: it does not exist in ${REGION} (--allow-missing-stacks)`);
    expect(deletedKeys()).toEqual([[assetKey(2)]]);
  });

  test('--allow-missing-stacks does not allow a deletion when no stack exists at all', async () => {
    // Prepare
    deployStacks({});
    storeObjects([s3Object(assetKey(1), 90)]);

    // Act
    const result = await run(...BASE, '--stack', 'Crosswalk-SampleApi-prod@prod', '--allow-missing-stacks', '--delete');

    // Assess
    expect(result.code).toBe(1);
    expect(result.err).toContainEqual(expect.stringMatching(/none of the --stack stacks exists, .*refusing to delete/));
    expect(s3.commandCalls(DeleteObjectsCommand)).toHaveLength(0);
  });

  test('any other CloudFormation error stops the run before anything is deleted', async () => {
    // Prepare
    cfn.on(DescribeStacksCommand).rejects(new CloudFormationServiceException({ name: 'AccessDenied', $fault: 'client', $metadata: {}, message: 'not authorized to perform cloudformation:DescribeStacks' }));
    storeObjects([s3Object(assetKey(2), 90)]);

    // Act
    const result = await run(...BASE, '--stack', 'Crosswalk-SampleApi-prod@prod', '--delete');

    // Assess
    expect(result.code).toBe(1);
    expect(result.err[0]).toBe('clean-assets: cannot read stack Crosswalk-SampleApi-prod in eu-west-1 with profile prod (AccessDenied: not authorized to perform cloudformation:DescribeStacks)');
    expect(s3.commandCalls(DeleteObjectsCommand)).toHaveLength(0);
  });

  test('a stack that is updating or rolling back stops the run: the template it may return to is not the deployed one', async () => {
    // Prepare
    deployStacks({ 'Crosswalk-SampleApi-prod': { status: 'UPDATE_ROLLBACK_IN_PROGRESS', template: lambdaTemplate(assetKey(1)) } });
    storeObjects([s3Object(assetKey(2), 90)]);

    // Act
    const result = await run(...BASE, '--stack', 'Crosswalk-SampleApi-prod', '--delete');

    // Assess
    expect(result.code).toBe(1);
    expect(result.err[0]).toMatch(/stack Crosswalk-SampleApi-prod is UPDATE_ROLLBACK_IN_PROGRESS: .*run again once the stack is in a \*_COMPLETE state/);
    expect(s3.commandCalls(DeleteObjectsCommand)).toHaveLength(0);
  });

  test('--delete without --stack is refused with exit code 2, before any AWS call', async () => {
    // Act
    const result = await run(...BASE, '--templates', 'cdk.out', '--delete');

    // Assess
    expect(result.code).toBe(2);
    expect(result.err[0]).toMatch(/^clean-assets: --delete needs at least one --stack <name>\[@<profile>\]/);
    expect(s3.calls()).toHaveLength(0);
    expect(cfn.calls()).toHaveLength(0);
  });

  test('a key S3 does not delete is reported and the exit code is 1', async () => {
    // Prepare
    deployStacks({ 'Crosswalk-SampleApi-prod': { template: lambdaTemplate(assetKey(1)) } });
    storeObjects([s3Object(assetKey(1), 90), s3Object(assetKey(2), 90), s3Object(assetKey(3), 90)]);
    s3.on(DeleteObjectsCommand).resolves({ Errors: [{ Key: assetKey(3), Code: 'AccessDenied', Message: 'Access Denied' }] });

    // Act
    const result = await run(...BASE, '--stack', 'Crosswalk-SampleApi-prod', '--delete');

    // Assess
    expect(result.code).toBe(1);
    expect(result.err).toContain(`failed to delete ${assetKey(3)}: AccessDenied: Access Denied`);
    expect(result.out).toContain(`3 objects under s3://${BUCKET}/assets/: 1 kept (1.0 KiB), 2 to delete (2.0 KiB): 1 deleted, 1 failed`);
  });

  test('a DeleteObjects request that fails stops the deletion: later batches are not sent, the exit code is 1', async () => {
    // Prepare
    deployStacks({ 'Crosswalk-SampleApi-prod': { template: lambdaTemplate(assetKey(0)) } });
    storeObjects(Array.from({ length: 1500 }, (_, i) => s3Object(assetKey(i + 1), 90)));
    s3.on(DeleteObjectsCommand).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));

    // Act
    const result = await run(...BASE, '--stack', 'Crosswalk-SampleApi-prod', '--delete');

    // Assess
    expect(result.code).toBe(1);
    expect(s3.commandCalls(DeleteObjectsCommand)).toHaveLength(1);
    expect(result.err).toContain(`DeleteObjects failed (AccessDenied: Access Denied); the 1500 objects from ${assetKey(1)} on were not deleted (run again once the cause is fixed)`);
    expect(result.out).toContainEqual(expect.stringMatching(/1500 to delete \(1\.5 MiB\): 0 deleted, 1500 failed$/));
  });

  test('a listing that fails stops the run, naming the bucket and the credentials it needs', async () => {
    // Prepare
    deployStacks({ 'Crosswalk-SampleApi-prod': { template: lambdaTemplate(assetKey(1)) } });
    s3.on(GetBucketVersioningCommand).resolves({ Status: 'Enabled' });
    s3.on(ListObjectVersionsCommand).rejects(new S3ServiceException({ name: 'AccessDenied', $fault: 'client', $metadata: {}, message: 'Access Denied' }));

    // Act
    const result = await run(...BASE, '--stack', 'Crosswalk-SampleApi-prod', '--delete');

    // Assess
    expect(result.code).toBe(1);
    expect(result.err[0]).toMatch(new RegExp(`^clean-assets: cannot list s3://${BUCKET}/assets/ in eu-west-1 \\(AccessDenied: Access Denied\\); .*AWS_PROFILE.*s3:ListBucketVersions`));
    expect(s3.commandCalls(DeleteObjectsCommand)).toHaveLength(0);
  });

  test('--templates that does not exist or is not JSON stops the run', async () => {
    // Prepare
    const assembly = writeAssembly({});
    writeFileSync(join(assembly, 'Broken.template.json'), '{ "Resources": ');
    storeObjects([s3Object(assetKey(1), 90)]);

    // Act
    const missing = await run(...BASE, '--templates', join(assembly, 'nope'));
    const broken = await run(...BASE, '--templates', assembly);

    // Assess
    expect(missing.code).toBe(1);
    expect(missing.err).toContainEqual(expect.stringMatching(/--templates '.*nope': ENOENT.*give a cloud assembly directory/));
    expect(broken.code).toBe(1);
    expect(broken.err).toContainEqual(expect.stringMatching(/template '.*Broken\.template\.json' cannot be read: it is not valid JSON/));
    expect(s3.commandCalls(ListObjectVersionsCommand)).toHaveLength(0);
  });

  test('reads every *.template.json of a cloud assembly, nested assemblies too, and refuses a directory without any', async () => {
    // Prepare
    const assembly = writeAssembly({
      'A.template.json': lambdaTemplate(assetKey(1)),
      'assembly-Stage/B.template.json': lambdaTemplate(assetKey(2)),
      'manifest.json': { version: '55.0.0' },
    });
    const empty = mkdtempSync(join(tmpdir(), 'clean-assets-empty-'));
    storeObjects([s3Object(assetKey(1), 90), s3Object(assetKey(2), 90), s3Object(assetKey(3), 90)]);

    // Act
    const listed = await run(...BASE, '--templates', assembly);
    const refused = await run(...BASE, '--templates', empty);

    // Assess
    expect(listed.out.filter((l) => l.startsWith('would delete')).map((l) => l.split(' ')[2])).toEqual([assetKey(3)]);
    expect(listed.err[0]).toMatch(/no --stack given/);
    expect(refused.code).toBe(1);
    expect(refused.err).toContainEqual(expect.stringMatching(/holds no \*\.template\.json; synthesize the app first/));
  });

  test('--min-age-days 0 lets an unreferenced object of any age go', async () => {
    deployStacks({ 'Crosswalk-SampleApi-prod': { template: lambdaTemplate(assetKey(1)) } });
    storeObjects([s3Object(assetKey(1), 0.5), s3Object(assetKey(2), 0.5)]);

    const result = await run(...BASE, '--stack', 'Crosswalk-SampleApi-prod', '--min-age-days', '0', '--delete');

    expect(deletedKeys()).toEqual([[assetKey(2)]]);
    expect(result.code).toBe(0);
  });
});

describe('clean-assets arguments', () => {
  test.each([
    [['--bucket', BUCKET, '--region', REGION, '--dry-run'], /unknown option '--dry-run'; the options are --bucket, --region, --stack, --templates, --min-age-days, --delete, --allow-missing-stacks, --allow-permanent-delete, --help/],
    [['--region', REGION, '--bucket'], /--bucket needs a value, e\.g\. --bucket crosswalk-artifacts-/],
    [['--bucket', BUCKET], /--region is required, e\.g\. --region eu-west-1/],
    [['--bucket', BUCKET, '--region', 'Ireland'], /--region must be an AWS region name such as 'eu-west-1', got 'Ireland'/],
    // util.parseArgs takes '-1' for an option: the message says how to write such a value.
    [[...BASE, '--min-age-days', '-1'], /--min-age-days needs a value, e\.g\. --min-age-days 30; a value that starts with '-' is written --min-age-days=<value>/],
    [[...BASE, '--min-age-days=-1'], /--min-age-days must be a whole number of days, 0 or more, got '-1'/],
    [[...BASE, '--delete=yes'], /--delete is a switch and takes no value/],
    [[...BASE, '--bucket='], /--bucket needs a value, e\.g\. --bucket crosswalk-artifacts-/],
    [[...BASE, '--allow-permanent-delete'], /--allow-permanent-delete goes with --delete/],
    [[...BASE, '--min-age-days', 'ten'], /--min-age-days must be a whole number of days, 0 or more, got 'ten'; e\.g\. --min-age-days 30/],
    [[...BASE, '--min-age-days', '1.5'], /--min-age-days must be a whole number/],
    [[...BASE, '--stack', 'Crosswalk-SampleApi-prod@'], /--stack 'Crosswalk-SampleApi-prod@' must be <stack name> or <stack name>@<profile>/],
    [[...BASE, 'Crosswalk-SampleApi-prod'], /unexpected argument 'Crosswalk-SampleApi-prod'/],
  ])('%j is refused with exit code 2 and a message naming the flag', async (argv, message) => {
    const result = await run(...argv);

    expect(result.code).toBe(2);
    expect(result.err[0]).toMatch(message);
    expect(result.err[1]).toBe('Run with --help for the usage.');
    expect(s3.calls()).toHaveLength(0);
  });

  test('--help prints the usage and exits 0', async () => {
    const result = await run('--help');

    expect(result.code).toBe(0);
    expect(result.out[0]).toMatch(/^Usage: crosswalk clean-assets --bucket <artifact bucket> --region <region>/);
  });

  test('values may follow an equals sign', async () => {
    deployStacks({ 'Crosswalk-SampleApi-prod': { template: lambdaTemplate(assetKey(1)) } });
    storeObjects([s3Object(assetKey(1), 90)]);

    const result = await run(`--bucket=${BUCKET}`, `--region=${REGION}`, '--stack=Crosswalk-SampleApi-prod@prod');

    expect(result.code).toBe(0);
    expect(result.profiles).toEqual(['prod', undefined]);
  });
});
