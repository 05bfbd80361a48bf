import { ChildProcess, spawn } from 'child_process';
import { accessSync, constants, mkdirSync, rmSync, writeFileSync } from 'fs';
import { delimiter, dirname, join } from 'path';
import { S3Client } from '@aws-sdk/client-s3';

/**
 * A real S3 implementation for the tests: moto (`moto_server`, Python), started on 127.0.0.1 on
 * a port it picks, answered before the first test, stopped by its process id after the last,
 * and never left behind (killed when this process exits, and by the kernel when this process
 * dies: PR_SET_PDEATHSIG). moto speaks S3's, STS's and KMS's protocols; it is not an oracle for
 * IAM (it allows what AWS refuses) nor for `ExpectedBucketOwner`, which it ignores.
 *
 * Where moto_server is not installed the tests that need it are skipped, loudly: a fixed line
 * on stderr and the marker file {@link MOTO_SKIPPED_MARKER}, which .ci/run looks for, so that a
 * CI run without moto fails instead of passing on fewer probes.
 */

/** The line printed, and written to the marker, when the moto tests are skipped. */
export const MOTO_SKIPPED_LINE = 'MOTO TESTS SKIPPED: moto_server is not on PATH; the S3 probes of @crosswalk/cli did not run';
/** Written when the moto tests are skipped (git-ignored; an nx output of the test target, so a replay restores it). */
export const MOTO_SKIPPED_MARKER = join(__dirname, '..', 'test-reports', 'moto-skipped.txt');

export const MOTO_REGION = 'eu-west-1';
/** The account moto answers for (STS GetCallerIdentity) with any credentials. */
export const MOTO_ACCOUNT = '123456789012';
export const MOTO_CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };

/** The moto_server executable on PATH, or undefined. */
export function findMotoServer(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'moto_server');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * `test`, or `test.skip` with the loud skip when moto_server is missing. Called once per test
 * file at load time, so the marker says whether this run's moto tests ran.
 */
export function motoTest(): jest.It {
  if (findMotoServer()) {
    rmSync(MOTO_SKIPPED_MARKER, { force: true });
    return test;
  }
  process.stderr.write(`\n${MOTO_SKIPPED_LINE}\n`); // not console: jest drops the console of a file whose tests are all skipped
  mkdirSync(dirname(MOTO_SKIPPED_MARKER), { recursive: true });
  writeFileSync(MOTO_SKIPPED_MARKER, `${MOTO_SKIPPED_LINE}\n`);
  return test.skip;
}

/** Makes `prctl(PR_SET_PDEATHSIG, SIGKILL)` then becomes moto_server: moto dies with the process that started it. */
const DIE_WITH_PARENT = [
  'import ctypes, os, signal, sys',
  'try:',
  '    ctypes.CDLL(None).prctl(1, signal.SIGKILL)',
  'except Exception:',
  '    pass',
  'os.execv(sys.argv[1], sys.argv[1:])',
].join('\n');

export class MotoServer {
  /** Starts moto_server and waits until it answers. */
  public static async start(): Promise<MotoServer> {
    const executable = findMotoServer();
    if (!executable) throw new Error(MOTO_SKIPPED_LINE);
    const child = spawn('python3', ['-c', DIE_WITH_PARENT, executable, '-H', '127.0.0.1', '-p', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const kill = () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    };
    process.once('exit', kill);
    const endpoint = await new Promise<string>((ok, fail) => {
      let output = '';
      const timer = setTimeout(() => fail(new Error(`moto_server did not start within 30 s: ${output.slice(-500)}`)), 30_000);
      const read = (chunk: Buffer) => {
        output += chunk.toString();
        const port = /Running on http:\/\/127\.0\.0\.1:(\d+)/.exec(output)?.[1];
        if (port) {
          clearTimeout(timer);
          ok(`http://127.0.0.1:${port}`);
        }
      };
      child.stdout!.on('data', read);
      child.stderr!.on('data', read);
      child.once('exit', (code) => fail(new Error(`moto_server exited (${code}) before it answered: ${output.slice(-500)}`)));
    });
    const server = new MotoServer(child, endpoint, kill);
    for (let attempt = 0; ; attempt++) {
      try {
        if ((await fetch(`${endpoint}/moto-api/`)).status < 500) break;
      } catch {
        if (attempt > 100) throw new Error('moto_server does not answer');
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    return server;
  }

  private constructor(private readonly child: ChildProcess, public readonly endpoint: string, private readonly kill: () => void) {}

  /** Forgets every bucket, object and key (moto's reset API). */
  public async reset(): Promise<void> {
    await fetch(`${this.endpoint}/moto-api/reset`, { method: 'POST' });
  }

  /** An S3 client of moto. */
  public s3(region = MOTO_REGION): S3Client {
    return new S3Client({ region, endpoint: this.endpoint, forcePathStyle: true, credentials: MOTO_CREDENTIALS });
  }

  /** A KMS key of moto (its JSON protocol, as the SDK sends it; moto does not check the signature). */
  public async createKmsKey(): Promise<string> {
    const response = await fetch(this.endpoint, {
      method: 'POST',
      headers: {
        'X-Amz-Target': 'TrentService.CreateKey',
        'Content-Type': 'application/x-amz-json-1.1',
        'Authorization': `AWS4-HMAC-SHA256 Credential=${MOTO_CREDENTIALS.accessKeyId}/20260101/${MOTO_REGION}/kms/aws4_request, SignedHeaders=host, Signature=0`,
      },
      body: '{}',
    });
    return ((await response.json()) as { KeyMetadata: { Arn: string } }).KeyMetadata.Arn;
  }

  /** The environment that points the SDK's default clients (cdk-assets-lib's) at moto. */
  public environment(): Record<string, string> {
    return {
      AWS_ENDPOINT_URL_S3: this.endpoint,
      AWS_ENDPOINT_URL_STS: this.endpoint,
      AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
      AWS_REGION: MOTO_REGION,
      AWS_EC2_METADATA_DISABLED: 'true',
    };
  }

  /** Stops moto_server by its process id, and waits for it to exit. */
  public async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((ok) => this.child.once('exit', ok));
    this.kill();
    process.off('exit', this.kill);
    await exited;
  }
}
