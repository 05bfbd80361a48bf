import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, CliCredentialsStackSynthesizer, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { main } from '../src';
import { FakeS3 } from './fake-s3';

const BUILD = '111111111111';
const DEV = '222222222222';
const REGION = 'eu-west-1';
const BUCKET = `checkin-artifacts-${BUILD}-${REGION}`;
const KEY_ARN = `arn:aws:kms:${REGION}:${BUILD}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

/**
 * The apps here synthesize assemblies for the CLI to read, without aws-cdk-lib's built-in
 * CloudFormation template validation: it only writes warnings to the validation report, which
 * nothing here reads (it fails no synthesis without the @aws-cdk/core:validateAgainstDefaultRules
 * flag), and it made the first synthesis of the file ~2.5 s slower (its WebAssembly).
 */
const NO_TEMPLATE_VALIDATION = { builtinCloudFormationValidation: false };

/** A service stack whose function's code is a directory asset published to the artifact bucket. */
function serviceAssembly(options: { bootstrapped?: boolean } = {}): string {
  const code = mkdtempSync(join(tmpdir(), 'cli-code-'));
  writeFileSync(join(code, 'index.js'), 'exports.handler = async () => ({ statusCode: 200, body: "ok" });\n');
  const outdir = mkdtempSync(join(tmpdir(), 'cli-assembly-'));
  const app = new App({ outdir, ...NO_TEMPLATE_VALIDATION });
  for (const env of ['dev', 'prod']) {
    const stack = new Stack(app, `Checkin-Service-${env}`, {
      env: { account: DEV, region: REGION },
      synthesizer: options.bootstrapped ? undefined : new CliCredentialsStackSynthesizer({ fileAssetsBucketName: BUCKET, bucketPrefix: 'assets/' }),
    });
    new lambda.Function(stack, 'Api', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromAsset(code) });
  }
  app.synth();
  return outdir;
}

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

describe('crosswalk publish-assets', () => {
  const s3 = new FakeS3({ [BUCKET]: { region: REGION, kmsKeyArn: KEY_ARN } });
  const saved = { ...process.env };

  beforeAll(async () => {
    await s3.start();
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      AWS_ENDPOINT_URL_STS: s3.endpoint,
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_REGION: REGION,
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    delete process.env.AWS_PROFILE;
  });
  afterAll(async () => {
    process.env = saved;
    await s3.stop();
  });
  beforeEach(() => {
    s3.requests.length = 0;
    s3.objects.clear();
  });

  test('uploads the function code once, zipped, into the artifact bucket under assets/, encrypted with the bucket\'s key; never the template', async () => {
    const dir = serviceAssembly();
    const { io, out, err } = capture();
    expect(await main(['publish-assets', dir, '--stack', 'Checkin-Service-dev', '--stack', 'Checkin-Service-prod'], io)).toBe(0);
    expect(err).toEqual([]);
    const puts = s3.requests.filter((r) => r.method === 'PUT');
    expect(puts).toHaveLength(1); // the same code in dev and prod
    expect(puts[0].bucket).toBe(BUCKET);
    expect(puts[0].key).toMatch(/^assets\/[0-9a-f]{64}\.zip$/);
    expect(puts[0].headers['x-amz-server-side-encryption']).toBe('aws:kms');
    expect(puts[0].headers['x-amz-server-side-encryption-aws-kms-key-id']).toBe(KEY_ARN);
    const zip = s3.objects.get(`${BUCKET}/${puts[0].key}`)!;
    expect(zip.subarray(0, 4).toString('latin1')).toBe('PK\u0003\u0004');
    expect(zip.includes(Buffer.from('index.js'))).toBe(true);
    expect(out.join('\n')).toContain('published 1 asset(s), 0 already present');
  });

  test('skips an object that exists already (content-addressed keys), uploading nothing', async () => {
    const dir = serviceAssembly();
    expect(await main(['publish-assets', dir], capture().io)).toBe(0);
    s3.requests.length = 0;
    const { io, out } = capture();
    expect(await main(['publish-assets', dir], io)).toBe(0);
    expect(s3.requests.filter((r) => r.method === 'PUT')).toEqual([]);
    expect(out.join('\n')).toContain('published 0 asset(s), 1 already present');
  });

  test('a dry run lists the uploads and makes no AWS call', async () => {
    const dir = serviceAssembly();
    const { io, out } = capture();
    expect(await main(['publish-assets', dir, '--dry-run'], io)).toBe(0);
    expect(s3.requests).toEqual([]);
    expect(out[0]).toMatch(new RegExp(`^would publish .* \\(Checkin-Service-dev\\) to s3://${BUCKET}/assets/[0-9a-f]{64}\\.zip$`));
    expect(out.at(-1)).toBe('dry run: 1 asset(s) planned, no AWS call made');
  });

  test('fails for a stack synthesized for a bootstrapped account, pointing to ServiceStackSynthesizer, before any AWS call', async () => {
    const dir = serviceAssembly({ bootstrapped: true });
    const { io, err } = capture();
    expect(await main(['publish-assets', dir], io)).toBe(1);
    expect(err.join('\n')).toMatch(/wants to be published with role arn:\$\{AWS::Partition\}:iam::222222222222:role\/cdk-hnb659fds-file-publishing-role-222222222222-eu-west-1 \(a bootstrap role\): synthesize the stack with ServiceStackSynthesizer/);
    expect(s3.requests).toEqual([]);
  });

  test('fails for a bucket that does not exist, and says which permissions the upload needs', async () => {
    const other = new FakeS3({});
    await other.start();
    process.env.AWS_ENDPOINT_URL_S3 = other.endpoint;
    process.env.AWS_ENDPOINT_URL_STS = other.endpoint;
    try {
      const { io, err } = capture();
      expect(await main(['publish-assets', serviceAssembly()], io)).toBe(1);
      expect(err.join('\n')).toMatch(/publishing failed for 1 asset\(s\): .*No bucket named 'checkin-artifacts-111111111111-eu-west-1'.*s3:PutObject/s);
    } finally {
      process.env.AWS_ENDPOINT_URL_S3 = s3.endpoint;
      process.env.AWS_ENDPOINT_URL_STS = s3.endpoint;
      await other.stop();
    }
  });

  test('fails for an unknown stack with the assembly\'s stacks, and for a folder that is not an assembly', async () => {
    const { io, err } = capture();
    expect(await main(['publish-assets', serviceAssembly(), '--stack', 'Nope'], io)).toBe(1);
    expect(err[0]).toBe('crosswalk publish-assets: no stack named \'Nope\' in the assembly; its stacks: Checkin-Service-dev, Checkin-Service-prod');
    expect(await main(['publish-assets', tmpdir()], io)).toBe(1);
    expect(err[1]).toMatch(/is not a cloud assembly \(no manifest.json\): synthesize the app first/);
  });
});

describe('crosswalk doctor', () => {
  function notificationsAssembly(condition: boolean): string {
    const outdir = mkdtempSync(join(tmpdir(), 'cli-doctor-'));
    const app = new App({ outdir, ...NO_TEMPLATE_VALIDATION });
    const stack = new Stack(app, 'Checkin-Notifications', { env: { account: BUILD, region: REGION } });
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    key.addToResourcePolicy(new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal('events.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: ['*'],
      conditions: condition ? { StringEquals: { 'aws:SourceAccount': BUILD } } : undefined,
    }));
    new sns.Topic(stack, 'Topic', { masterKey: key });
    app.synth();
    return outdir;
  }

  test('reports each finding with its rule, stack, resource and location, and exits 1', async () => {
    const { io, out } = capture();
    expect(await main(['doctor', notificationsAssembly(true), '--project', 'Checkin', '--region', REGION], io)).toBe(1);
    expect(out[0]).toMatch(/^CW1 Checkin-Notifications\/Key\w+ Properties\/KeyPolicy\/Statement\/1\/Condition: key Key\w+ encrypts topic Topic\w+/);
    expect(out.at(-1)).toBe('doctor: 1 finding(s); see the rules in the README of @crosswalk/deploy-rules');
  });

  test('exits 0 on an assembly that breaks no rule', async () => {
    const { io, out } = capture();
    expect(await main(['doctor', notificationsAssembly(false)], io)).toBe(0);
    expect(out).toEqual(['doctor: no finding']);
  });
});

describe('the command line', () => {
  test.each([
    [['publish-assets'], /publish-assets takes one cloud assembly folder \(e.g. cdk.out\), got none/],
    [['publish-assets', 'a', 'b'], /got 'a' 'b'/],
    [['publish-assets', 'cdk.out', '--bucket', 'x'], /unknown option '--bucket'; this command takes --stack, --profile, --dry-run/],
    [['publish-assets', 'cdk.out', '--stack'], /--stack needs a value/],
    [['doctor', 'cdk.out', '--project', 'Checkin'], /--project and --region go together/],
    [['deploy'], /unknown command 'deploy'/],
    [['nx-cache', '.nx/task-cache'], /nx-cache takes one folder, then -- and the command to run/],
    [['nx-cache', '--', 'npx', 'nx'], /nx-cache takes one folder, then -- and the command to run/],
  ])('refuses %j with exit 2 and the usage', async (argv, message) => {
    const { io, err } = capture();
    expect(await main(argv as string[], io)).toBe(2);
    expect(err[0]).toMatch(message);
    expect(err[0]).toContain('Usage: crosswalk <command> [options]');
  });

  test('help prints the usage', async () => {
    const { io, out } = capture();
    expect(await main(['help'], io)).toBe(0);
    expect(out[0]).toContain('publish-assets <cdk.out>');
    expect(out[0]).toContain('nx-cache <dir> -- <command>...');
  });

  test('nx-cache runs the command with the cache and exits with its status', async () => {
    const { io, err } = capture();
    const dir = mkdtempSync(join(tmpdir(), 'nx-cache-'));
    expect(await main(['nx-cache', dir, '--', 'node', '-e', 'process.exit(process.env.NX_SELF_HOSTED_REMOTE_CACHE_SERVER ? 4 : 5)'], io)).toBe(4);
    expect(err[err.length - 1]).toBe('nx-cache: 0 task outputs replayed, 0 stored, 0 unused removed');
  });
});

describe('crosswalk clean-assets', () => {
  test('is a command of crosswalk: its own usage errors exit 2, --delete without --stack is refused', async () => {
    const { io, err } = capture();
    expect(await main(['clean-assets', '--bucket', BUCKET, '--region', REGION, '--delete'], io)).toBe(2);
    expect(err[0]).toMatch(/^clean-assets: --delete needs at least one --stack <name>\[@<profile>\]/);
  });
});
