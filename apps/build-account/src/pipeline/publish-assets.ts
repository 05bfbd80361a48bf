import { spawnSync } from 'child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'fs';
import { tmpdir } from 'os';
import { isAbsolute, join } from 'path';
import { zipDirectory } from './zip';

/**
 * Publishes the file assets of synthesized stacks to their S3 destinations with the AWS
 * CLI and the caller's own credentials (in the pipeline: the build project's role, which
 * may write to the artifact bucket).
 *
 * Why not the CDK tools: the pinned `cdk-assets` refuses the asset manifests of
 * aws-cdk-lib 2.276 (schema 55), and `cdk publish-assets` wants credentials of the
 * stacks' target accounts. The manifests are simple enough to follow here.
 */

/** One object to put: a file asset's source and one of its destinations. */
export interface AssetUpload {
  /** The asset's id in the manifest (its content hash). */
  readonly assetId: string;
  /** What the asset is, e.g. `VersionFunction/Code`. */
  readonly displayName: string;
  /** The stack whose manifest lists it. */
  readonly stackName: string;
  /** The absolute path of the asset's source (a directory for `zip`, a file for `file`). */
  readonly sourcePath: string;
  readonly packaging: 'zip' | 'file';
  readonly bucketName: string;
  readonly objectKey: string;
  readonly region?: string;
}

/** Runs one command and reports how it ended. The AWS CLI calls go through it, so tests see the exact argv. */
export type CommandRunner = (argv: readonly string[]) => { readonly status: number; readonly stdout: string; readonly stderr: string };

/** The runner of the real build: spawns the command, captures its output. */
export const spawnRunner: CommandRunner = (argv) => {
  const result = spawnSync(argv[0], argv.slice(1), { encoding: 'utf-8' });
  if (result.error) {
    throw new Error(`cannot run '${argv[0]}' (${result.error.message}); the build stage needs the AWS CLI v2 on the PATH, as in CodeBuild's standard images`);
  }
  return { status: result.status ?? 1, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
};

/**
 * The uploads the file assets of `stackNames` need, read from the cloud assembly in
 * `assemblyDir` (its `manifest.json` names each stack's asset manifest). A stack's own
 * template, which its synthesizer also lists as an asset, is left out: the pipeline
 * deploys templates from its build output artifact, not from the bucket. Destinations
 * repeated across stacks (the same code in dev and prod) are uploaded once.
 */
export function planUploads(assemblyDir: string, stackNames: readonly string[]): AssetUpload[] {
  const manifest = readAssemblyManifest(assemblyDir);
  const artifacts: Record<string, any> = manifest.artifacts ?? {};
  const uploads = new Map<string, AssetUpload>();
  for (const stackName of stackNames) {
    const stack = stackArtifact(manifest, stackName, assemblyDir);
    for (const dependency of stack.dependencies ?? []) {
      const artifact = artifacts[dependency];
      if (artifact?.type !== 'cdk:asset-manifest') continue;
      const assets = readJson(join(assemblyDir, artifact.properties.file));
      if (Object.keys(assets.dockerImages ?? {}).length > 0) {
        throw new Error(`stack '${stackName}' has Docker image assets, which the build stage does not publish; ship the code as Lambda zip assets`);
      }
      for (const [assetId, asset] of Object.entries<any>(assets.files ?? {})) {
        if (asset.source.path === stack.properties.templateFile) continue;
        if (!asset.source.path || asset.source.executable) {
          throw new Error(`asset ${assetId} of stack '${stackName}' is built by a command, which the build stage does not run; use a file or directory asset`);
        }
        for (const [destinationId, destination] of Object.entries<any>(asset.destinations)) {
          if (destination.assumeRoleArn) {
            throw new Error(`asset ${assetId} of stack '${stackName}' wants role ${destination.assumeRoleArn} for destination ${destinationId}; the build stage uploads with its own credentials, so synthesize the stack with CliCredentialsStackSynthesizer pointing at the artifact bucket`);
          }
          const key = `${destination.bucketName}/${destination.objectKey}`;
          if (uploads.has(key)) continue;
          uploads.set(key, {
            assetId,
            displayName: asset.displayName ?? assetId,
            stackName,
            sourcePath: isAbsolute(asset.source.path) ? asset.source.path : join(assemblyDir, asset.source.path),
            packaging: asset.source.packaging === 'zip' ? 'zip' : 'file',
            bucketName: destination.bucketName,
            objectKey: destination.objectKey,
            region: destination.region,
          });
        }
      }
    }
  }
  return [...uploads.values()];
}

/**
 * The artifact of a stack in a cloud assembly's manifest, by stack name; throws naming
 * the stacks the assembly has when it is not there.
 */
export function stackArtifact(manifest: any, stackName: string, assemblyDir: string): any {
  const artifacts: Record<string, any> = manifest.artifacts ?? {};
  const stacks = Object.entries(artifacts).filter(([, a]) => a.type === 'aws:cloudformation:stack');
  const found = stacks.find(([id, a]) => (a.properties?.stackName ?? id) === stackName);
  if (!found) {
    throw new Error(`the cloud assembly ${assemblyDir} has no stack '${stackName}' (it has: ${stacks.map(([id]) => id).join(', ') || 'none'}); synthesize the app with the same config (CROSSWALK_CONFIG) first`);
  }
  return found[1];
}

/** Reads the `manifest.json` of a cloud assembly. */
export function readAssemblyManifest(assemblyDir: string): any {
  return readJson(join(assemblyDir, 'manifest.json'));
}

/** What a publication did (or, in a dry run, would do). */
export interface PublishResult {
  /** `s3://bucket/key` of each object put. */
  readonly uploaded: string[];
  /** `s3://bucket/key` of each object already there (keys are content hashes, so it is the same content). */
  readonly skipped: string[];
}

export interface PublishOptions {
  readonly runner?: CommandRunner;
  /** Where the zip files are written. @default - a new temporary directory */
  readonly workDir?: string;
  /** Print the AWS CLI commands instead of running them. @default false */
  readonly dryRun?: boolean;
  readonly log?: (line: string) => void;
}

/**
 * Puts every upload that is not in its bucket yet: `aws s3api head-object` first (a key
 * is a content hash, so an existing object has the same content), then `aws s3 cp` of
 * the file or of the zipped directory.
 */
export function publishUploads(uploads: readonly AssetUpload[], options: PublishOptions = {}): PublishResult {
  const runner = options.runner ?? spawnRunner;
  const log = options.log ?? ((line: string) => console.log(line));
  const uploaded: string[] = [];
  const skipped: string[] = [];
  let workDir = options.workDir;
  for (const upload of uploads) {
    const url = `s3://${upload.bucketName}/${upload.objectKey}`;
    const region = upload.region ? ['--region', upload.region] : [];
    if (options.dryRun) {
      log(`[dry run] ${headObjectCommand(upload).join(' ')}`);
      log(`[dry run] ${copyCommand(`<${upload.packaging === 'zip' ? 'zip of ' : ''}${upload.sourcePath}>`, upload).join(' ')}`);
      uploaded.push(url);
      continue;
    }
    const head = runner(headObjectCommand(upload));
    if (head.status === 0) {
      log(`exists   ${url} (${upload.displayName})`);
      skipped.push(url);
      continue;
    }
    if (!/\b404\b|Not Found/i.test(head.stderr)) {
      throw new Error(`cannot check whether ${url} exists: aws s3api head-object failed (${head.stderr.trim() || `exit ${head.status}`}); the build role needs s3:GetObject and s3:ListBucket on the artifact bucket${region.length ? ` in ${upload.region}` : ''}`);
    }
    workDir ??= mkdtempSync(join(tmpdir(), 'crosswalk-assets-'));
    const file = packagedFile(upload, workDir);
    const copy = runner(copyCommand(file, upload));
    if (copy.status !== 0) {
      throw new Error(`uploading ${upload.displayName} to ${url} failed (${copy.stderr.trim() || `exit ${copy.status}`}); the build role needs s3:PutObject on ${upload.bucketName}/${upload.objectKey.split('/')[0]}/* and kms:GenerateDataKey on the artifact key`);
    }
    log(`uploaded ${url} (${upload.displayName})`);
    uploaded.push(url);
  }
  return { uploaded, skipped };
}

/** `aws s3api head-object` of an upload's destination. */
export function headObjectCommand(upload: AssetUpload): string[] {
  return ['aws', 's3api', 'head-object', '--bucket', upload.bucketName, '--key', upload.objectKey, ...regionArgs(upload)];
}

/** `aws s3 cp` of a local file to an upload's destination. */
export function copyCommand(file: string, upload: AssetUpload): string[] {
  return ['aws', 's3', 'cp', file, `s3://${upload.bucketName}/${upload.objectKey}`, '--only-show-errors', ...regionArgs(upload)];
}

/** The file to upload: the source itself (`file`), or a zip of the source directory (`zip`). */
export function packagedFile(upload: AssetUpload, workDir: string): string {
  if (!existsSync(upload.sourcePath)) {
    throw new Error(`the source of ${upload.displayName} (${upload.assetId}) is missing at ${upload.sourcePath}; synthesize the app again before publishing`);
  }
  const isDirectory = statSync(upload.sourcePath).isDirectory();
  if (upload.packaging === 'file' || !isDirectory) {
    if (isDirectory) throw new Error(`${upload.displayName} has packaging 'file' but ${upload.sourcePath} is a directory`);
    return upload.sourcePath;
  }
  const zipFile = join(workDir, `${upload.assetId}.zip`);
  zipDirectory(upload.sourcePath, zipFile);
  return zipFile;
}

function regionArgs(upload: AssetUpload): string[] {
  return upload.region ? ['--region', upload.region] : [];
}

function readJson(path: string): any {
  try {
    return JSON.parse(readFileSync(path, 'utf-8'));
  } catch (err) {
    throw new Error(`cannot read ${path} (${(err as Error).message}); synthesize the app first (npx nx run @crosswalk/sample-api:synth)`);
  }
}
