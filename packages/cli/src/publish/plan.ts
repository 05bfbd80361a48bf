import { AssetManifest, DestinationPattern } from '@aws-cdk/cdk-assets-lib';
import { join } from 'path';
import { AssemblyStack, CloudAssembly, openAssembly, requireStacks, selectStacks } from '../assembly';
import { AssemblyError, AssemblyFiles } from '../assembly-files';
import { existsAtAll } from '../exists';
import { quoted } from '../text';
import { readAssetManifest } from './asset-manifest';
import { ArtifactBucket, checkDestination, ExpectedBucket, parseArtifactBucket } from './destination';
import { SourceTree, readSourceTree } from './source-tree';
import { zipProblem } from './zip-check';

/** One object the publication puts (unless it exists already). */
export interface PlannedUpload {
  readonly stackName: string;
  readonly assetId: string;
  readonly displayName: string;
  readonly bucketName: string;
  readonly objectKey: string;
  readonly region: string;
  /** The real path of the asset's source (a directory zipped on publication, or a file), inside the assembly. */
  readonly sourcePath: string;
  /** What the source holds, read whole. */
  readonly source: SourceTree;
}

/** What publish-assets will do, every check passed; making it reads files of the assembly only and calls nothing. */
export interface PublishPlan {
  /** The artifact buckets the assets go to (one per region, of one build account); none when there is nothing to publish. */
  readonly buckets: ArtifactBucket[];
  readonly planned: PlannedUpload[];
  /** The asset manifests, narrowed to the planned destinations, for `@aws-cdk/cdk-assets-lib`. */
  readonly manifests: AssetManifest[];
}

export interface PlanOptions {
  /** The artifact bucket the caller expects; any other is refused. @default the bucket the assembly names */
  readonly bucketName?: string;
}

/**
 * The uploads the stacks need (names or artifact ids; none means every stack), read from their asset manifests, and refused before any upload
 * (and in a dry run alike) unless each asset can be published whole to the artifact bucket:
 * see {@link readSourceTree} and {@link checkDestination}. The same key with different content
 * is refused (the first one would silently win); the same content under one key is one upload.
 */
export function planAssetUploads(assemblyDir: string, stackNames?: readonly string[], options: PlanOptions = {}): PublishPlan {
  const assembly = openAssembly(assemblyDir);
  const all = requireStacks(assembly);
  const stacks = stackNames && stackNames.length > 0 ? selectStacks(all, stackNames) : all;
  let expected: ExpectedBucket | undefined;
  if (options.bucketName !== undefined) {
    const named = parseArtifactBucket(options.bucketName);
    if (!named) throw new AssemblyError(`--bucket ${quoted(options.bucketName)} is not a Crosswalk artifact bucket name (<project>-artifacts-<build account id>-<region>)`);
    expected = { bucket: named, exact: true };
  }
  const buckets = new Map<string, ArtifactBucket>();
  const planned: PlannedUpload[] = [];
  const manifests: AssetManifest[] = [];
  const byKey = new Map<string, PlannedUpload>();
  for (const stack of stacks) {
    try {
      planStack(stack);
    } catch (err) {
      throw withStackHint(err, assembly, all, stack, stackNames);
    }
  }
  return { buckets: [...buckets.values()], planned, manifests };

  function planStack(stack: AssemblyStack): void {
    for (const file of stack.assetManifests) {
      const read = readAssetManifest(assembly.files, file, stack.stackName);
      const patterns: DestinationPattern[] = [];
      for (const entry of read.files) {
        const what = `asset ${quoted(entry.assetId)} of stack ${quoted(stack.stackName)}`;
        if (entry.source.executable !== undefined) {
          throw new AssemblyError(`${what} is built by a command, which publish-assets does not run: use a file or directory asset`);
        }
        const source = readSourceTree(assembly.files, entry.source.path, read.directory, entry.source.packaging, what);
        if (source.path === stack.templatePath) continue; // the pipeline deploys templates from its build output
        checkCachedZip(assembly.files, read.directory, entry.assetId, source, what);
        for (const [destinationId, raw] of Object.entries(entry.destinations)) {
          const destination = checkDestination(raw, stack, expected, `${what} (destination ${quoted(destinationId)})`);
          expected ??= { bucket: destination.bucket, exact: false };
          buckets.set(destination.bucket.name, destination.bucket);
          const upload: PlannedUpload = {
            stackName: stack.stackName,
            assetId: entry.assetId,
            displayName: entry.displayName,
            bucketName: destination.bucket.name,
            objectKey: destination.objectKey,
            region: destination.bucket.region,
            sourcePath: source.path,
            source,
          };
          // The same key in two regions' buckets is two uploads (each region reads its own).
          const earlier = byKey.get(`${upload.bucketName}/${upload.objectKey}`);
          if (earlier) {
            refuseDifferentContent(earlier, upload, assembly.files);
            continue; // the same code in several stacks: one upload
          }
          byKey.set(`${upload.bucketName}/${upload.objectKey}`, upload);
          planned.push(upload);
          patterns.push(new DestinationPattern(entry.assetId, destinationId));
        }
      }
      if (patterns.length > 0) manifests.push(read.manifest.select(patterns));
    }
  }
}

/**
 * When every stack was taken (no `--stack`) and the refused one is published through a CDK
 * bootstrap role, the assembly also holds stacks of another kind (the build account's own,
 * which `cdk deploy` publishes): the fix is to name the service's stacks, not to change the
 * refused stack's synthesizer.
 */
function withStackHint(err: unknown, assembly: CloudAssembly, all: AssemblyStack[], refused: AssemblyStack, stackNames: readonly string[] | undefined): unknown {
  if (!(err instanceof AssemblyError) || (stackNames && stackNames.length > 0) || !usesBootstrapRole(assembly, refused)) return err;
  const services = all.filter((s) => s !== refused && s.assetManifests.length > 0 && !usesBootstrapRole(assembly, s));
  if (services.length === 0) return err;
  return new AssemblyError(`stack ${quoted(refused.stackName)} publishes its assets through a CDK bootstrap role: it is not a service stack, and publish-assets leaves it to cdk deploy. ` +
    `The assembly also holds service stacks; publish only those: ${services.map((s) => `--stack ${s.stackName}`).join(' ')}`);
}

/**
 * Whether a file asset of the stack goes, through a role to assume, to a bucket that is not a
 * Crosswalk artifact bucket: the CDK bootstrap's publishing role and staging bucket.
 */
function usesBootstrapRole(assembly: CloudAssembly, stack: AssemblyStack): boolean {
  return stack.assetManifests.some((file) => {
    try {
      return readAssetManifest(assembly.files, file, stack.stackName).files
        .some((entry) => Object.values(entry.destinations).some((d) => {
          const destination = d as { assumeRoleArn?: unknown; bucketName?: unknown };
          return typeof d === 'object' && d !== null && destination.assumeRoleArn !== undefined && !parseArtifactBucket(destination.bucketName);
        }));
    } catch {
      return false;
    }
  });
}

/** The same key must hold the same content: keys are content hashes, and the first upload would win silently. */
function refuseDifferentContent(earlier: PlannedUpload, later: PlannedUpload, files: AssemblyFiles): void {
  if (earlier.source.digest === later.source.digest && earlier.source.packaging === later.source.packaging) return;
  throw new AssemblyError(`two assets go to the same key ${quoted(later.objectKey)} with different content: ` +
    `${quoted(earlier.assetId)} of stack ${quoted(earlier.stackName)} (${files.display(earlier.sourcePath)}) and ` +
    `${quoted(later.assetId)} of stack ${quoted(later.stackName)} (${files.display(later.sourcePath)}); ` +
    'a content-hash key names one content, so the assembly is not what CDK synthesized: synthesize the app again');
}

/**
 * `@aws-cdk/cdk-assets-lib` publishes a directory from the zip it left in `.cache/<asset id>.zip`
 * of the manifest's folder, if there is one; such a zip must hold exactly the source's files.
 */
function checkCachedZip(files: AssemblyFiles, directory: string, assetId: string, source: SourceTree, what: string): void {
  if (source.packaging !== 'zip') return;
  // The library writes its zips there: the folder must be inside the assembly too.
  if (existsAtAll(join(directory, '.cache'))) files.resolve('.cache', 'the packaging cache', directory);
  const cached = join(directory, '.cache', `${assetId}.zip`);
  if (!existsAtAll(cached)) return;
  const problem = zipProblem(files.resolve(`.cache/${assetId}.zip`, `the packaged zip of ${what}`, directory), source);
  if (problem) {
    throw new AssemblyError(`${what}: ${problem}: the zip left in ${files.display(cached)} by an earlier publication is not the asset's source; delete ${files.display(join(directory, '.cache'))} and run again`);
  }
}
