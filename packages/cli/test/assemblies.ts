import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, CliCredentialsStackSynthesizer, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { MOTO_ACCOUNT, MOTO_REGION } from './moto';

/** A target account of the service's stacks. */
export const DEV = '222222222222';
/** The artifact bucket of the build account moto answers for. */
export const BUCKET = `checkin-artifacts-${MOTO_ACCOUNT}-${MOTO_REGION}`;

/**
 * The apps here synthesize assemblies for the CLI to read, without aws-cdk-lib's built-in
 * CloudFormation template validation: it only writes warnings to the validation report, which
 * nothing here reads, and it made the first synthesis of a file ~2.5 s slower (its WebAssembly).
 */
export const NO_TEMPLATE_VALIDATION = { builtinCloudFormationValidation: false };

export interface ServiceAssemblyOptions {
  /** Synthesize for a bootstrapped account (CDK's default synthesizer) instead of the artifact bucket. */
  readonly bootstrapped?: boolean;
  /** The function code of each stack, by stack; the same code in both by default. */
  readonly code?: { readonly dev: string; readonly prod: string };
  readonly bucket?: string;
  /** The region of the prod stack, whose code then goes to that region's artifact bucket (`prodBucket`). @default MOTO_REGION */
  readonly prodRegion?: string;
  /** The bucket of the prod stack in `prodRegion`. @default the build account's artifact bucket of that region */
  readonly prodBucket?: string;
}

/** A folder with a function's code: `index.js` saying `body`. */
export function codeDir(body = 'ok'): string {
  const code = mkdtempSync(join(tmpdir(), 'cli-code-'));
  writeFileSync(join(code, 'index.js'), `exports.handler = async () => ({ statusCode: 200, body: ${JSON.stringify(body)} });\n`);
  return code;
}

/** Two service stacks (dev, prod) whose function's code is a directory asset published to the artifact bucket. */
export function serviceAssembly(options: ServiceAssemblyOptions = {}): string {
  const shared = codeDir();
  const outdir = mkdtempSync(join(tmpdir(), 'cli-assembly-'));
  const app = new App({ outdir, ...NO_TEMPLATE_VALIDATION });
  for (const env of ['dev', 'prod'] as const) {
    const region = env === 'prod' && options.prodRegion !== undefined ? options.prodRegion : MOTO_REGION;
    const bucket = region === MOTO_REGION ? options.bucket ?? BUCKET : options.prodBucket ?? `checkin-artifacts-${MOTO_ACCOUNT}-${region}`;
    const stack = new Stack(app, `Checkin-Service-${env}`, {
      env: { account: DEV, region },
      synthesizer: options.bootstrapped ? undefined : new CliCredentialsStackSynthesizer({ fileAssetsBucketName: bucket, bucketPrefix: 'assets/' }),
    });
    new lambda.Function(stack, 'Api', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromAsset(options.code?.[env] ?? shared) });
  }
  app.synth();
  return outdir;
}

/** Reads a JSON file of the assembly, lets `change` edit it, and writes it back. */
export function editJson(file: string, change: (value: any) => void): void {
  const value = JSON.parse(readFileSync(file, 'utf-8'));
  change(value);
  writeFileSync(file, JSON.stringify(value, undefined, 1));
}

/** The asset manifest of a stack, and its code asset's entry (id, source, the one destination). */
export function codeAsset(assembly: string, stack = 'Checkin-Service-dev') {
  const file = join(assembly, `${stack}.assets.json`);
  const manifest = JSON.parse(readFileSync(file, 'utf-8'));
  const [id] = Object.keys(manifest.files).filter((assetId) => manifest.files[assetId].source.packaging === 'zip');
  const [destinationId] = Object.keys(manifest.files[id].destinations);
  return { file, id, destinationId, directory: join(assembly, manifest.files[id].source.path) };
}

/** Edits the code asset of a stack's asset manifest. */
export function editCodeAsset(assembly: string, change: (asset: any, destination: any) => void, stack = 'Checkin-Service-dev'): void {
  const { file, id, destinationId } = codeAsset(assembly, stack);
  editJson(file, (manifest) => change(manifest.files[id], manifest.files[id].destinations[destinationId]));
}

/** The asset directories of an assembly. */
export function assetDirs(assembly: string): string[] {
  return readdirSync(assembly).filter((name) => name.startsWith('asset.')).map((name) => join(assembly, name));
}
