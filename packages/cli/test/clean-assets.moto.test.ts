import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import {
  CloudFormationClient, CloudFormationServiceException, DescribeChangeSetCommand, DescribeStacksCommand, GetTemplateCommand, ListChangeSetsCommand, ListStackResourcesCommand, ListStacksCommand,
} from '@aws-sdk/client-cloudformation';
import {
  CreateBucketCommand, ListObjectVersionsCommand, PutBucketLifecycleConfigurationCommand, PutBucketVersioningCommand, PutObjectCommand, S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { cleanAssets } from '../src/clean';
import { RAW_CONTROL } from './io';
import { MOTO_REGION, MotoServer, motoTest } from './moto';

/**
 * clean-assets against moto, a real S3 implementation on 127.0.0.1 (versioning, delete markers,
 * lifecycle, object versions as S3 keeps them), with CloudFormation's answers mocked (moto is no
 * oracle for CloudFormation: its change sets have no templates of their own).
 */
const moto = motoTest();

const BUCKET = 'crosswalk-artifacts-111111111111-eu-west-1';
const ACCOUNT = '333333333333';
const STACK = 'Crosswalk-SampleApi-prod';
/** Objects moto writes are "now": the run looks at them from 60 days later. */
const LATER = () => new Date(Date.now() + 60 * 24 * 60 * 60 * 1000);
const key = (n: number, ext = 'zip') => `assets/${n.toString(16).padStart(64, '0')}.${ext}`;
const hashOf = (n: number) => key(n).slice(7, -4);

let server: MotoServer;
let s3: S3Client;
const cfn = mockClient(CloudFormationClient);

beforeAll(async () => {
  if (moto === test.skip) return;
  server = await MotoServer.start();
  s3 = server.s3();
}, 60_000);
afterAll(async () => {
  cfn.restore();
  await server?.stop();
});
beforeEach(async () => {
  cfn.reset();
  if (moto === test.skip) return;
  await server.reset();
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: MOTO_REGION } }));
});

async function versioning(status: 'Enabled' | 'Suspended'): Promise<void> {
  await s3.send(new PutBucketVersioningCommand({ Bucket: BUCKET, VersioningConfiguration: { Status: status } }));
}

async function put(...keys: string[]): Promise<void> {
  for (const k of keys) await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: k, Body: `code of ${k}` }));
}

/** What the bucket holds now: current keys, and keys whose latest version is a delete marker. */
async function bucketState(): Promise<{ current: string[]; deleted: string[]; versions: number }> {
  const listed = await s3.send(new ListObjectVersionsCommand({ Bucket: BUCKET }));
  return {
    current: (listed.Versions ?? []).filter((v) => v.IsLatest).map((v) => v.Key!).sort(),
    deleted: (listed.DeleteMarkers ?? []).filter((m) => m.IsLatest).map((m) => m.Key!).sort(),
    versions: (listed.Versions ?? []).length,
  };
}

interface FakeStack {
  readonly template: object;
  readonly parameters?: Record<string, string>;
  readonly nested?: Record<string, string>;
  readonly changeSets?: ReadonlyArray<{ readonly name: string; readonly template: object; readonly parameters?: Record<string, string> }>;
}

/** CloudFormation's answers for the stacks (by name or id); any other stack does not exist. */
function deploy(stacks: Record<string, FakeStack>): void {
  // The stacks are the target account's; the bucket's own account has none here (ListStacks).
  cfn.on(ListStacksCommand).resolves({ StackSummaries: [] });
  const stackOf = (name: string | undefined) => {
    const stack = stacks[name ?? ''];
    if (!stack) throw new CloudFormationServiceException({ name: 'ValidationError', $fault: 'client', $metadata: {}, message: `Stack with id ${name} does not exist` });
    return stack;
  };
  const parameters = (values: Record<string, string> = {}) => Object.entries(values).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue }));
  cfn.on(DescribeStacksCommand).callsFake(({ StackName }) => ({
    Stacks: [{
      StackName, StackStatus: 'UPDATE_COMPLETE', CreationTime: new Date(), Parameters: parameters(stackOf(StackName).parameters),
      StackId: `arn:aws:cloudformation:${MOTO_REGION}:${ACCOUNT}:stack/${StackName}/1`,
    }],
  }));
  cfn.on(ListStackResourcesCommand).callsFake(({ StackName }) => ({
    StackResourceSummaries: Object.entries(stackOf(StackName).nested ?? {}).map(([LogicalResourceId, PhysicalResourceId]) => ({
      LogicalResourceId, PhysicalResourceId, ResourceType: 'AWS::CloudFormation::Stack', ResourceStatus: 'UPDATE_COMPLETE', LastUpdatedTimestamp: new Date(),
    })),
  }));
  cfn.on(ListChangeSetsCommand).callsFake(({ StackName }) => ({
    Summaries: (stackOf(StackName).changeSets ?? []).map((c) => ({ ChangeSetName: c.name, ChangeSetId: c.name, Status: 'CREATE_COMPLETE' })),
  }));
  cfn.on(DescribeChangeSetCommand).callsFake(({ StackName, ChangeSetName }) => ({
    Parameters: parameters(stackOf(StackName).changeSets!.find((c) => c.name === ChangeSetName)!.parameters),
  }));
  cfn.on(GetTemplateCommand).callsFake(({ StackName, ChangeSetName }) => {
    const stack = stackOf(StackName);
    const template = ChangeSetName ? stack.changeSets!.find((c) => c.name === ChangeSetName)!.template : stack.template;
    return { TemplateBody: JSON.stringify(template) };
  });
}

/** A template whose function's code key is `s3Key`, with the parameters it declares. */
function template(s3Key: unknown, resources: Record<string, unknown> = {}): object {
  return {
    Parameters: { CodeHash: { Type: 'String' }, CodeKey: { Type: 'String' } },
    Resources: {
      Fn: { Type: 'AWS::Lambda::Function', Properties: { Code: { S3Bucket: BUCKET, S3Key: s3Key }, Role: { 'Fn::GetAtt': ['Role', 'Arn'] } } },
      ...resources,
    },
  };
}

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await cleanAssets(['--bucket', BUCKET, '--region', MOTO_REGION, ...argv], {
    createS3Client: () => s3,
    createCloudFormationClient: (region) => new CloudFormationClient({ region, credentials: { accessKeyId: 'x', secretAccessKey: 'y' } }),
    now: LATER,
    out: (line) => out.push(line),
    err: (line) => err.push(line),
  });
  for (const line of [...out, ...err]) expect(line).not.toMatch(RAW_CONTROL);
  return { code, out, err };
}

describe('crosswalk clean-assets, on a real S3 (moto)', () => {
  moto('keeps the code CloudFormation will read through Fn::Join, Fn::Sub, a parameter\'s current value and a nested stack\'s template; deletes the rest behind delete markers', async () => {
    // Prepare
    await versioning('Enabled');
    await put(key(1), key(2), key(3), key(4), key(5), key(9));
    deploy({
      [STACK]: {
        template: template({ 'Fn::Join': ['', ['assets/', hashOf(1), '.zip']] }, {
          Other: { Type: 'AWS::Lambda::Function', Properties: { Code: { S3Bucket: BUCKET, S3Key: { 'Fn::Sub': 'assets/${CodeHash}.zip' } } } },
          Third: { Type: 'AWS::Lambda::Function', Properties: { Code: { S3Bucket: BUCKET, S3Key: { Ref: 'CodeKey' } } } },
          Nested: { Type: 'AWS::CloudFormation::Stack', Properties: { TemplateURL: `https://s3.${MOTO_REGION}.amazonaws.com/${BUCKET}/${key(9, 'json')}` } },
        }),
        parameters: { CodeHash: hashOf(2), CodeKey: key(3) },
        nested: { Nested: `${STACK}-Nested-1` },
      },
      [`${STACK}-Nested-1`]: { template: template({ 'Fn::Sub': ['assets/${H}.zip', { H: hashOf(4) }] }) },
    });

    // Act
    const result = await run('--stack', STACK, '--delete');

    // Assess
    expect(result.code).toBe(0);
    expect(result.out).toEqual(expect.arrayContaining([
      `keep ${key(1)} (referenced by stack ${STACK})`,
      `keep ${key(2)} (referenced by stack ${STACK})`,
      `keep ${key(3)} (referenced by stack ${STACK})`,
      `keep ${key(4)} (referenced by nested stack Nested of stack ${STACK})`,
    ]));
    expect(await bucketState()).toEqual({ current: [key(1), key(2), key(3), key(4)], deleted: [key(5), key(9)], versions: 6 });
    expect(result.out.at(-1)).toMatch(/^Deleted: 2 of 2 recoverable until someone deletes the noncurrent version \(no lifecycle rule of the bucket expires noncurrent versions under the prefix\), each one as a noncurrent version behind a delete marker/);
  });

  moto('keeps the code of a pending change set read with the change set\'s own parameter values (parameterOverrides)', async () => {
    await versioning('Enabled');
    await put(key(1), key(2), key(3));
    deploy({
      [STACK]: {
        template: template({ Ref: 'CodeKey' }),
        parameters: { CodeKey: key(1) },
        changeSets: [{ name: 'PipelineChangeSet', template: template({ Ref: 'CodeKey' }), parameters: { CodeKey: key(2) } }],
      },
    });

    const result = await run('--stack', STACK, '--delete');

    expect(result.out).toContain(`keep ${key(2)} (referenced by change set PipelineChangeSet of stack ${STACK})`);
    expect((await bucketState()).deleted).toEqual([key(3)]);
  });

  moto('keeps the code of a nested stack a change set adds, read from its template in the bucket with what the parent passes', async () => {
    await versioning('Enabled');
    const nestedTemplate = template({ 'Fn::Sub': 'assets/${CodeHash}.zip' });
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key(8, 'json'), Body: JSON.stringify(nestedTemplate) }));
    await put(key(1), key(2), key(3));
    deploy({
      [STACK]: {
        template: template(key(1)),
        changeSets: [{
          name: 'AddsNested',
          template: template(key(1), {
            Nested: {
              Type: 'AWS::CloudFormation::Stack',
              Properties: {
                TemplateURL: { 'Fn::Join': ['', ['https://s3.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }, `/${BUCKET}/${key(8, 'json')}`]] },
                Parameters: { CodeHash: hashOf(2) },
              },
            },
          }),
        }],
      },
    });

    const result = await run('--stack', STACK, '--delete');

    expect(result.out).toContain(`keep ${key(2)} (referenced by nested stack Nested of change set AddsNested of stack ${STACK})`);
    expect(result.out).toContain(`keep ${key(8, 'json')} (referenced by change set AddsNested of stack ${STACK})`);
    expect((await bucketState()).deleted).toEqual([key(3)]);
  });

  moto('fails safe: a key it cannot resolve, or a nested template it cannot read, keeps every object that could match', async () => {
    await versioning('Enabled');
    await put(key(1), key(2), key(3));
    deploy({
      [STACK]: {
        template: template({ 'Fn::GetAtt': ['CodeLookup', 'Key'] }, {
          Nested: { Type: 'AWS::CloudFormation::Stack', Properties: { TemplateURL: 'https://s3.us-east-1.amazonaws.com/someone-elses-bucket/t.json' } },
        }),
      },
    });

    const result = await run('--stack', STACK, '--delete');

    expect(result.code).toBe(0);
    expect(result.out).toContain(`keep ${key(3)} (may be referenced by stack ${STACK}, nested stack Nested of stack ${STACK}: Resources/Fn/Properties/Code/S3Key is not known before deployment (Fn::GetAtt CodeLookup.Key))`);
    expect(await bucketState()).toEqual({ current: [key(1), key(2), key(3)], deleted: [], versions: 3 });
  });

  moto('refuses --delete on a bucket whose versioning was never enabled, deleting nothing, unless told with --allow-permanent-delete', async () => {
    await put(key(1), key(2));
    deploy({ [STACK]: { template: template(key(1)) } });

    const refused = await run('--stack', STACK, '--delete');
    expect(refused.code).toBe(1);
    expect(refused.err[0]).toMatch(new RegExp(`^clean-assets: 1 of the 1 objects to delete under s3://${BUCKET}/assets/ would be deleted for good: the bucket's versioning is Never enabled \\(GetBucketVersioning\\), so no delete marker would keep them; .*--allow-permanent-delete`));
    expect(refused.err).toContain('Nothing was deleted.');
    expect((await bucketState()).current).toEqual([key(1), key(2)]);

    const dry = await run('--stack', STACK);
    expect(dry.out.at(-1)).toMatch(/would delete": 1 of 1 deleted for good \(bucket versioning: Never enabled\)\.$/);

    const allowed = await run('--stack', STACK, '--delete', '--allow-permanent-delete');
    expect(allowed.code).toBe(0);
    expect(allowed.out.at(-1)).toBe('Deleted: 1 of 1 deleted for good (bucket versioning: Never enabled).');
    expect(await bucketState()).toEqual({ current: [key(1)], deleted: [], versions: 1 });
  });

  moto('on a bucket whose versioning is suspended, says exactly which deletions are recoverable and refuses the others', async () => {
    await versioning('Enabled');
    await put(key(1), key(2));
    await versioning('Suspended');
    await put(key(3));
    deploy({ [STACK]: { template: template(key(1)) } });

    const refused = await run('--stack', STACK, '--delete');
    expect(refused.err[0]).toMatch(/1 of the 2 objects to delete .* would be deleted for good: the bucket's versioning is Suspended \(GetBucketVersioning\), and they were written while it was off or suspended \(version id null\)/);
    expect((await bucketState()).deleted).toEqual([]);

    const allowed = await run('--stack', STACK, '--delete', '--allow-permanent-delete');
    expect(allowed.out.at(-1)).toMatch(/^Deleted: 1 of 2 recoverable .*; 1 of 2 deleted for good \(bucket versioning: Suspended; they were written while versioning was off or suspended\)\.$/);
    // What S3 keeps after the deletion is not checked here: moto 5.2.1 removes the versions of a
    // suspended bucket outright, where S3 adds a null delete marker and keeps a non-null version
    // as noncurrent (the DeletingObjectsfromVersioningSuspendedBuckets page cited in src/clean/recovery.ts).
    expect((await bucketState()).current).toEqual([key(1)]);
  });

  moto('says how long the bucket\'s lifecycle keeps a deleted object', async () => {
    await versioning('Enabled');
    await s3.send(new PutBucketLifecycleConfigurationCommand({
      Bucket: BUCKET,
      LifecycleConfiguration: { Rules: [{ ID: 'old-versions', Status: 'Enabled', Filter: { Prefix: 'assets/' }, NoncurrentVersionExpiration: { NoncurrentDays: 45 } }] },
    }));
    await put(key(1), key(2));
    deploy({ [STACK]: { template: template(key(1)) } });

    const result = await run('--stack', STACK);

    expect(result.out.at(-1)).toMatch(/would delete": 1 of 1 recoverable for 45 days after the deletion \(the bucket's lifecycle then expires noncurrent versions\)/);
  });

  moto('reads a local nested stack\'s template beside its parent, with the parameters the parent passes', async () => {
    await versioning('Enabled');
    await put(key(1), key(2), key(3));
    deploy({ [STACK]: { template: template(key(1)) } });
    const assembly = mkdtempSync(join(tmpdir(), 'clean-assets-'));
    writeFileSync(join(assembly, 'Parent.template.json'), JSON.stringify(template(key(1), {
      Nested: {
        Type: 'AWS::CloudFormation::Stack',
        Properties: { TemplateURL: { 'Fn::Sub': `https://s3.\${AWS::Region}.\${AWS::URLSuffix}/${BUCKET}/${key(7, 'json')}` }, Parameters: { CodeHash: hashOf(2) } },
        Metadata: { 'aws:asset:path': 'ParentNested.nested.template.json' },
      },
    })));
    writeFileSync(join(assembly, 'ParentNested.nested.template.json'), JSON.stringify(template({ 'Fn::Sub': 'assets/${CodeHash}.zip' })));

    const result = await run('--stack', STACK, '--templates', assembly, '--delete');

    expect(result.out).toContain(`keep ${key(2)} (referenced by nested stack Nested of template '${join(assembly, 'Parent.template.json')}')`);
    expect((await bucketState()).deleted).toEqual([key(3)]);
  });

  moto('escapes control characters of a key it lists', async () => {
    await versioning('Enabled');
    await put('assets/evil\u001b[2J\u202e.zip');
    deploy({ [STACK]: { template: template(key(1)) } });

    const result = await run('--stack', STACK);

    expect(result.out).toContainEqual(expect.stringMatching(/^would delete assets\/evil\\u001b\[2J\\u202e\.zip /));
  });
});
