import { execFileSync } from 'child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import {
  CreateBucketCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutBucketEncryptionCommand, S3Client,
} from '@aws-sdk/client-s3';
import { main } from '../src';
import { App, CliCredentialsStackSynthesizer, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { BUCKET, DEV, codeAsset, codeDir, editCodeAsset, editJson, serviceAssembly } from './assemblies';
import { RAW_CONTROL, capture } from './io';
import { MOTO_ACCOUNT, MOTO_REGION, MotoServer, motoTest } from './moto';

/**
 * publish-assets against moto, a real S3 implementation on 127.0.0.1: what reaches the bucket
 * is what a build would put there. Each refusal is checked in a dry run and in a real run, and
 * the bucket is checked to be untouched.
 */
const moto = motoTest();

let server: MotoServer;
let s3: S3Client;
let keyArn: string;
const saved = { ...process.env };
/** A value of the process environment that a crafted assembly tries to print. */
const SECRET = 'probe-secret-4c1d9e2f7a';

beforeAll(async () => {
  if (moto === test.skip) return;
  server = await MotoServer.start();
  Object.assign(process.env, server.environment(), { CROSSWALK_PROBE_SECRET: SECRET });
  delete process.env.AWS_PROFILE;
  s3 = server.s3();
}, 60_000);
afterAll(async () => {
  process.env = saved;
  await server?.stop();
});
beforeEach(async () => {
  if (moto === test.skip) return;
  await server.reset();
  keyArn = await server.createKmsKey();
  await createBucket(BUCKET);
});

async function createBucket(name: string): Promise<void> {
  await s3.send(new CreateBucketCommand({ Bucket: name, CreateBucketConfiguration: { LocationConstraint: MOTO_REGION } }));
  await s3.send(new PutBucketEncryptionCommand({
    Bucket: name,
    ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: keyArn } }] },
  }));
}

/** A client of moto's S3 in another region than the default. */
function s3For(region: string): S3Client {
  return new S3Client({ region, forcePathStyle: true, endpoint: process.env.AWS_ENDPOINT_URL_S3 });
}

async function keysIn(bucket = BUCKET): Promise<string[]> {
  return ((await s3.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents ?? []).map((o) => o.Key!);
}

/** Runs publish-assets, in a dry run and then for real, and returns both. */
async function publishBoth(dir: string, ...args: string[]) {
  const dry = capture();
  const dryCode = await main(['publish-assets', dir, ...args, '--dry-run'], dry.io);
  const real = capture();
  const realCode = await main(['publish-assets', dir, ...args], real.io);
  return { dryCode, dry, realCode, real };
}

/** Expects both runs refused with `message`, nothing in the bucket, and nothing echoed raw or secret. */
async function expectRefusedBoth(dir: string, message: RegExp, ...args: string[]) {
  const { dryCode, dry, realCode, real } = await publishBoth(dir, ...args);
  expect({ dryCode, realCode }).toEqual({ dryCode: 1, realCode: 1 });
  for (const run of [dry, real]) {
    expect(run.err.join('\n')).toMatch(message);
    expect(run.err.join('\n') + run.out.join('\n')).not.toContain(SECRET);
    for (const line of [...run.err, ...run.out]) expect(line).not.toMatch(RAW_CONTROL);
  }
  expect(await keysIn()).toEqual([]);
  return { dry, real };
}

describe('crosswalk publish-assets, to a real S3 (moto)', () => {
  moto('uploads the function code once, zipped whole, into the artifact bucket under assets/, encrypted with the bucket\'s key; never the template', async () => {
    const dir = serviceAssembly();
    const { io, out, err } = capture();

    expect(await main(['publish-assets', dir, '--stack', 'Checkin-Service-dev', '--stack', 'Checkin-Service-prod'], io)).toBe(0);

    expect(err).toEqual([]);
    const keys = await keysIn();
    expect(keys).toHaveLength(1); // the same code in dev and prod
    expect(keys[0]).toMatch(/^assets\/[0-9a-f]{64}\.zip$/);
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: keys[0] }));
    expect(head.ServerSideEncryption).toBe('aws:kms');
    expect(head.SSEKMSKeyId).toBe(keyArn);
    const zip = Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: keys[0] }))).Body!.transformToByteArray());
    expect(zip.subarray(0, 4).toString('latin1')).toBe('PK\u0003\u0004');
    expect(zip.includes(Buffer.from('index.js'))).toBe(true);
    expect(out.join('\n')).toContain('published 1 asset(s), 0 already present');
  });

  moto('skips an object that exists already (content-addressed keys), uploading nothing', async () => {
    const dir = serviceAssembly();
    expect(await main(['publish-assets', dir], capture().io)).toBe(0);
    const { io, out } = capture();

    expect(await main(['publish-assets', dir], io)).toBe(0);

    expect(out.join('\n')).toContain('published 0 asset(s), 1 already present');
  });

  moto('a dry run checks and lists the uploads and makes no AWS call', async () => {
    const dir = serviceAssembly();
    process.env.AWS_ENDPOINT_URL_S3 = 'http://127.0.0.1:9'; // nothing answers there
    process.env.AWS_ENDPOINT_URL_STS = 'http://127.0.0.1:9';
    try {
      const { io, out } = capture();
      expect(await main(['publish-assets', dir, '--dry-run'], io)).toBe(0);
      expect(out[0]).toMatch(new RegExp(`^would publish Api/Code \\(Checkin-Service-dev, 1 file\\(s\\), \\d+ bytes\\) to s3://${BUCKET}/assets/[0-9a-f]{64}\\.zip$`));
      expect(out.at(-1)).toBe('dry run: 1 asset(s) planned and checked, no AWS call made');
    } finally {
      Object.assign(process.env, server.environment());
    }
  });

  moto('fails for a bucket that does not exist, and says which permissions the upload needs', async () => {
    await server.reset();
    const { io, err } = capture();

    expect(await main(['publish-assets', serviceAssembly()], io)).toBe(1);

    expect(err.join('\n')).toMatch(/publishing failed for 1 asset\(s\): .*No bucket named 'checkin-artifacts-123456789012-eu-west-1'.*s3:PutObject/s);
  });

  describe('never ships empty code', () => {
    moto('refuses an asset whose directory is missing, in a dry run too, and uploads nothing', async () => {
      const dir = serviceAssembly();
      rmSync(codeAsset(dir).directory, { recursive: true });

      await expectRefusedBoth(dir, /the source of asset '[0-9a-f]{64}' of stack 'Checkin-Service-dev' 'asset\.[0-9a-f]{64}' does not exist in the cloud assembly/);
    });

    moto('refuses an asset whose directory is empty', async () => {
      const dir = serviceAssembly();
      const { directory } = codeAsset(dir);
      for (const name of readdirSync(directory)) rmSync(join(directory, name));

      await expectRefusedBoth(dir, /would be published empty: its source 'asset\.[0-9a-f]{64}' holds no file; an empty asset is never a function's code/);
    });

    moto('refuses a file asset that is an empty file', async () => {
      const dir = serviceAssembly();
      writeFileSync(join(dir, 'empty.js'), '');
      editCodeAsset(dir, (asset) => { asset.source = { path: 'empty.js', packaging: 'file' }; });

      await expectRefusedBoth(dir, /would be published empty: its source 'empty\.js' is an empty file/);
    });

    moto('refuses an asset that cannot be read whole: a link loop, a pipe', async () => {
      const loop = serviceAssembly();
      symlinkSync(codeAsset(loop).directory, join(codeAsset(loop).directory, 'again'));
      await expectRefusedBoth(loop, /'again' links back to a directory above it \(a loop\); the asset cannot be published/);

      const pipe = serviceAssembly();
      execFileSync('mkfifo', [join(codeAsset(pipe).directory, 'stream')]);
      await expectRefusedBoth(pipe, /'stream' is neither a file nor a directory \(a device, pipe or socket\); the asset cannot be published/);
    });

    moto('refuses a zip left by an earlier publication that does not hold the asset\'s files, in a dry run too', async () => {
      const dir = serviceAssembly();
      const { id } = codeAsset(dir);
      mkdirSync(join(dir, '.cache'));
      writeFileSync(join(dir, '.cache', `${id}.zip`), Buffer.from('504b0506000000000000000000000000000000000000', 'hex')); // an empty zip

      await expectRefusedBoth(dir, /the packaged zip holds 0 entries, the source 1 files: the zip left in '\.cache\/[0-9a-f]{64}\.zip' by an earlier publication is not the asset's source/);
    });
  });

  describe('never reads or prints a file outside the assembly', () => {
    moto('refuses an asset manifest that names the process environment, without printing it', async () => {
      const dir = serviceAssembly();
      for (const file of ['/proc/self/environ', '../../../../../../proc/self/environ']) {
        editJson(join(dir, 'manifest.json'), (manifest) => { manifest.artifacts['Checkin-Service-dev.assets'].properties.file = file; });

        await expectRefusedBoth(dir, /the asset manifest of stack 'Checkin-Service-dev' (is the absolute path '\/proc\/self\/environ'|'[./]+proc\/self\/environ' leaves the cloud assembly)/);
      }
    });

    moto('refuses a template or asset manifest that is a link to a file outside the assembly', async () => {
      const dir = serviceAssembly();
      const outside = join(mkdtempSync(join(tmpdir(), 'cli-outside-')), 'secret.json');
      writeFileSync(outside, JSON.stringify({ version: '55.0.0', files: {}, secret: SECRET }));
      rmSync(join(dir, 'Checkin-Service-dev.assets.json'));
      symlinkSync(outside, join(dir, 'Checkin-Service-dev.assets.json'));

      await expectRefusedBoth(dir, /the asset manifest of stack 'Checkin-Service-dev' 'Checkin-Service-dev\.assets\.json' is a symbolic link \(or goes through one\) to '.*secret\.json', outside the cloud assembly/);
    });

    moto('refuses an asset manifest that is not JSON without quoting its content', async () => {
      const dir = serviceAssembly();
      writeFileSync(join(dir, 'Checkin-Service-dev.assets.json'), `AWS_SECRET=${SECRET}\n`);

      const { real } = await expectRefusedBoth(dir, /the asset manifest of stack 'Checkin-Service-dev' 'Checkin-Service-dev\.assets\.json' cannot be read: it is not valid JSON; synthesize the app again/);
      expect(real.err.join('\n')).not.toContain('AWS_SECRET');
    });

    moto('refuses an asset source outside the assembly: ../, an absolute path, a link to a directory outside', async () => {
      const outside = codeDir(SECRET);
      for (const [source, message] of [
        [join('..', 'outside'), /the source of asset '[0-9a-f]{64}' of stack 'Checkin-Service-dev' '\.\.\/outside' leaves the cloud assembly/],
        [outside, /the source of asset .* is the absolute path '\/.*'; the command reads only files inside the cloud assembly/],
      ] as const) {
        const dir = serviceAssembly();
        editCodeAsset(dir, (asset) => { asset.source.path = source; });
        await expectRefusedBoth(dir, message);
      }
      const dir = serviceAssembly();
      const { directory } = codeAsset(dir);
      rmSync(directory, { recursive: true });
      symlinkSync(outside, directory);
      await expectRefusedBoth(dir, /'asset\.[0-9a-f]{64}' is a symbolic link \(or goes through one\) to '.*cli-code-.*', outside the cloud assembly/);
    });

    moto('refuses an asset with a link inside it to a file outside the assembly, and one with a broken link', async () => {
      const secret = join(mkdtempSync(join(tmpdir(), 'cli-outside-')), 'id_rsa');
      writeFileSync(secret, SECRET);
      const dir = serviceAssembly();
      symlinkSync(secret, join(codeAsset(dir).directory, 'key.pem'));
      await expectRefusedBoth(dir, /'key\.pem' is a symbolic link to '.*id_rsa', outside the cloud assembly; publish-assets publishes only files inside it/);

      const broken = serviceAssembly();
      symlinkSync(join(broken, 'nowhere'), join(codeAsset(broken).directory, 'lib.js'));
      await expectRefusedBoth(broken, /'lib\.js' is a broken symbolic link; the asset cannot be published whole/);
    });

    moto('publishes a link that stays inside the assembly, with the content it points to', async () => {
      const dir = serviceAssembly();
      const { directory } = codeAsset(dir);
      mkdirSync(join(directory, 'lib'));
      writeFileSync(join(directory, 'lib', 'real.js'), 'module.exports = 1;\n');
      symlinkSync(join(directory, 'lib', 'real.js'), join(directory, 'alias.js'));
      const { io } = capture();

      expect(await main(['publish-assets', dir, '--stack', 'Checkin-Service-dev'], io)).toBe(0);

      const [key] = await keysIn();
      const zip = Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body!.transformToByteArray());
      expect(zip.includes(Buffer.from('alias.js'))).toBe(true);
      expect(zip.includes(Buffer.from('lib/real.js'))).toBe(true);
    });

    moto('refuses a packaging cache that is a link to a folder outside the assembly, where the zips would be written', async () => {
      const dir = serviceAssembly();
      symlinkSync(mkdtempSync(join(tmpdir(), 'cli-outside-')), join(dir, '.cache'));

      await expectRefusedBoth(dir, /the packaging cache '\.cache' is a symbolic link \(or goes through one\) to '.*cli-outside-.*', outside the cloud assembly/);
    });

    moto('escapes control characters of the assembly in what it prints', async () => {
      const dir = serviceAssembly();
      editJson(join(dir, 'manifest.json'), (manifest) => { manifest.artifacts['Checkin-Service-dev.assets'].properties.file = 'x\n\u001b[2J\u202eevil.json'; });

      const { real } = await expectRefusedBoth(dir, /'x\\n\\u001b\[2J\\u202eevil\.json' does not exist in the cloud assembly/);
      expect(real.err).toHaveLength(1);
    });
  });

  describe('publishes only to the artifact bucket the assembly names, in its account and region, under assets/', () => {
    moto.each([
      ['another account\'s bucket', (d: any) => { d.bucketName = 'checkin-artifacts-999999999999-eu-west-1'; }, /goes to the bucket 'checkin-artifacts-999999999999-eu-west-1', but the assembly's code goes to 'checkin-artifacts-123456789012-eu-west-1'/],
      ['a bucket that is no artifact bucket', (d: any) => { d.bucketName = 'some-public-website'; }, /goes to the bucket 'some-public-website', which is not a Crosswalk artifact bucket/],
      ['another region', (d: any) => { d.region = 'us-east-1'; }, /is to be published in the region 'us-east-1', but its bucket 'checkin-artifacts-123456789012-eu-west-1' is in eu-west-1/],
      ['a key outside assets/', (d: any) => { d.objectKey = 'templates/index.html'; }, /goes to the key 'templates\/index\.html', outside assets\//],
      ['a key that climbs out of assets/', (d: any) => { d.objectKey = 'assets/../index.html'; }, /goes to the key 'assets\/\.\.\/index\.html', outside assets\//],
      ['a key in a folder below assets/', (d: any) => { d.objectKey = 'assets/x/y.zip'; }, /goes to the key 'assets\/x\/y\.zip', outside assets\//],
      ['a role to assume', (d: any) => { d.assumeRoleArn = 'arn:aws:iam::999999999999:role/Other'; }, /wants to be published with role 'arn:aws:iam::999999999999:role\/Other' \(a bootstrap role\)/],
    ])('refuses %s before any call', async (_name, change, message) => {
      const dir = serviceAssembly();
      editCodeAsset(dir, (_asset, destination) => change(destination), 'Checkin-Service-prod');

      await expectRefusedBoth(dir, message);
    });

    moto('refuses a bucket other than the one named with --bucket', async () => {
      await expectRefusedBoth(serviceAssembly(), /goes to the bucket 'checkin-artifacts-123456789012-eu-west-1', but --bucket names 'checkin-artifacts-123456789012-us-east-2': refusing another bucket than the one named/,
        '--bucket', 'checkin-artifacts-123456789012-us-east-2');
    });

    moto('refuses credentials of another account than the bucket\'s, before any S3 call', async () => {
      const other = 'checkin-artifacts-111111111111-eu-west-1';
      await createBucket(other);
      const dir = serviceAssembly({ bucket: other });
      const { io, err } = capture();

      expect(await main(['publish-assets', dir], io)).toBe(1);

      expect(err.join('\n')).toMatch(/the credentials are of account '123456789012', but the artifact bucket 'checkin-artifacts-111111111111-eu-west-1' is the build account 111111111111's/);
      expect(await keysIn(other)).toEqual([]);
    });

    moto('fails for a stack synthesized for a bootstrapped account, pointing to ServiceStackSynthesizer, before any AWS call', async () => {
      const dir = serviceAssembly({ bootstrapped: true });
      const { io, err } = capture();

      expect(await main(['publish-assets', dir], io)).toBe(1);

      expect(err.join('\n')).toMatch(/wants to be published with role 'arn:\$\{AWS::Partition\}:iam::222222222222:role\/cdk-hnb659fds-file-publishing-role-222222222222-eu-west-1' \(a bootstrap role\): synthesize the stack with ServiceStackSynthesizer/);
    });
  });

  describe('an assembly that also holds the build account\'s own stacks', () => {
    test('names the fix --stack with the service\'s stacks, not a synthesizer change, before any AWS call', async () => {
      const outdir = mkdtempSync(join(tmpdir(), 'cli-mixed-'));
      const app = new App({ outdir, builtinCloudFormationValidation: false });
      const code = lambda.Code.fromAsset(codeDir());
      const service = new Stack(app, 'Checkin-Service-dev', {
        env: { account: DEV, region: MOTO_REGION },
        synthesizer: new CliCredentialsStackSynthesizer({ fileAssetsBucketName: BUCKET, bucketPrefix: 'assets/' }),
      });
      new lambda.Function(service, 'Api', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code });
      // A build-account stack with an asset, published by cdk deploy through the bootstrap role.
      const pipeline = new Stack(app, 'Checkin-Pipeline', { env: { account: MOTO_ACCOUNT, region: MOTO_REGION } });
      new lambda.Function(pipeline, 'Notifier', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromAsset(codeDir('notifier')) });
      app.synth();
      const { io, err } = capture();

      expect(await main(['publish-assets', outdir, '--dry-run'], io)).toBe(1);
      expect(err.join('\n')).toMatch(/stack 'Checkin-Pipeline' publishes its assets through a CDK bootstrap role: it is not a service stack, and publish-assets leaves it to cdk deploy\. .*publish only those: --stack Checkin-Service-dev$/);
      // With --stack, the service's stack alone is planned.
      const named = capture();
      expect(await main(['publish-assets', outdir, '--stack', 'Checkin-Service-dev', '--dry-run'], named.io)).toBe(0);
    });
  });

  describe('one key, one content', () => {
    moto('refuses the same key with different sources in two stacks', async () => {
      const dir = serviceAssembly({ code: { dev: codeDir('dev'), prod: codeDir('prod') } });
      const dev = codeAsset(dir, 'Checkin-Service-dev');
      editCodeAsset(dir, (_asset, destination) => { destination.objectKey = `assets/${dev.id}.zip`; }, 'Checkin-Service-prod');

      await expectRefusedBoth(dir, /two assets go to the same key 'assets\/[0-9a-f]{64}\.zip' with different content: '[0-9a-f]{64}' of stack 'Checkin-Service-dev' .* and '[0-9a-f]{64}' of stack 'Checkin-Service-prod'/);
    });

    moto('publishes each region\'s stacks to that region\'s artifact bucket, the same code once in each (a pipeline across regions)', async () => {
      const west = `checkin-artifacts-${MOTO_ACCOUNT}-us-west-2`;
      await s3For('us-west-2').send(new CreateBucketCommand({ Bucket: west, CreateBucketConfiguration: { LocationConstraint: 'us-west-2' } }));
      const dir = serviceAssembly({ code: { dev: codeDir('same'), prod: codeDir('same') }, prodRegion: 'us-west-2' });
      const { io, out } = capture();

      expect(await main(['publish-assets', dir], io)).toBe(0);

      const [key] = await keysIn();
      expect(key).toMatch(/^assets\//);
      // Lambda reads a function's code only from a bucket of its region: the object is in both.
      expect(((await s3For('us-west-2').send(new ListObjectsV2Command({ Bucket: west }))).Contents ?? []).map((o) => o.Key)).toEqual([key]);
      expect(out.at(-1)).toBe('published 2 asset(s), 0 already present');
    });

    moto('refuses a second region\'s bucket of another account or project', async () => {
      for (const prodBucket of ['checkin-artifacts-111111111111-us-west-2', `other-artifacts-${MOTO_ACCOUNT}-us-west-2`]) {
        await expectRefusedBoth(serviceAssembly({ prodRegion: 'us-west-2', prodBucket }),
          /goes to the bucket '.*-us-west-2', but the assembly's code goes to 'checkin-artifacts-123456789012-eu-west-1': every asset is published to an artifact bucket of the same project and build account \(one per region\)/);
      }
    });

    moto('publishes the same content under one key once, from two stacks', async () => {
      const dir = serviceAssembly({ code: { dev: codeDir('same'), prod: codeDir('same') } });
      const { io, out } = capture();

      expect(await main(['publish-assets', dir], io)).toBe(0);

      expect(await keysIn()).toHaveLength(1);
      expect(out.at(-1)).toBe('published 1 asset(s), 0 already present');
    });
  });

  describe('refuses a manifest it does not know', () => {
    moto.each([
      ['manifest.json', '99.0.0', /the manifest of '.*' is of cloud assembly schema 99\.0\.0, newer than the 55\.x\.x this command knows/],
      ['manifest.json', undefined, /the manifest of '.*' has no cloud assembly schema version/],
      ['Checkin-Service-dev.assets.json', '56.1.0', /the asset manifest of stack 'Checkin-Service-dev' is of cloud assembly schema 56\.1\.0/],
    ])('refuses %s of schema version %s', async (file, version, message) => {
      const dir = serviceAssembly();
      editJson(join(dir, file), (manifest) => { manifest.version = version; });

      await expectRefusedBoth(dir, message);
    });

    moto('refuses an asset id that would name a file outside the packaging cache', async () => {
      const dir = serviceAssembly();
      const { file, id } = codeAsset(dir);
      editJson(file, (manifest) => {
        manifest.files['../../escape'] = manifest.files[id];
        delete manifest.files[id];
      });

      await expectRefusedBoth(dir, /has an asset '\.\.\/\.\.\/escape' that is not a file asset CDK writes/);
    });

    moto('refuses an asset built by a command, and a container image', async () => {
      const built = serviceAssembly();
      editCodeAsset(built, (asset) => { asset.source = { executable: ['sh', '-c', 'cat /etc/passwd'] }; });
      await expectRefusedBoth(built, /is built by a command, which publish-assets does not run/);

      const image = serviceAssembly();
      editJson(codeAsset(image).file, (manifest) => { manifest.dockerImages = { abc: { source: { directory: '.' }, destinations: {} } }; });
      await expectRefusedBoth(image, /has a container-image asset \('abc'\), which publish-assets does not publish/);
    });
  });

  moto('refuses an assembly without stacks', async () => {
    const dir = serviceAssembly();
    editJson(join(dir, 'manifest.json'), (manifest) => { manifest.artifacts = {}; });

    await expectRefusedBoth(dir, /has no stack \(its manifest lists no artifact of type aws:cloudformation:stack\)/);
  });

  moto('fails for an unknown stack with the assembly\'s stacks, and for a folder that is not an assembly', async () => {
    const { io, err } = capture();
    expect(await main(['publish-assets', serviceAssembly(), '--stack', 'Nope'], io)).toBe(1);
    expect(err[0]).toBe('crosswalk publish-assets: no stack named \'Nope\' in the assembly; its stacks: Checkin-Service-dev, Checkin-Service-prod');
    expect(await main(['publish-assets', tmpdir()], io)).toBe(1);
    expect(err[1]).toMatch(/is not a cloud assembly \(no manifest.json\): synthesize the app first/);
  });
});
