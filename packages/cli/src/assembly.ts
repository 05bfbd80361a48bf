import { AssemblyError, AssemblyFiles, asObject, describeJson } from './assembly-files';
import { excerpt, quoted } from './text';

export { AssemblyError, AssemblyFiles } from './assembly-files';

/** A stack of a cloud assembly on disk (`cdk.out`), as its manifest lists it. */
export interface AssemblyStack {
  /** The stack's name, as `cdk deploy` and the pipeline know it. */
  readonly stackName: string;
  /** The artifact id in the manifest (the construct path's id). */
  readonly artifactId: string;
  /** The real path of its template, inside the assembly. */
  readonly templatePath: string;
  /** Its template file name, as the manifest gives it (relative to the assembly). */
  readonly templateFile: string;
  readonly account?: string;
  readonly region?: string;
  /** The real paths of its asset manifests (`*.assets.json`), inside the assembly. */
  readonly assetManifests: string[];
}

/** A cloud assembly on disk: its files and its stacks. */
export interface CloudAssembly {
  readonly files: AssemblyFiles;
  readonly stacks: AssemblyStack[];
}

/**
 * The newest major version of the cloud assembly schema the commands know. Every change to
 * the schema is a major version, and a consumer must know every instruction of a manifest to
 * deploy it correctly (https://github.com/aws/aws-cdk-cli/blob/main/packages/%40aws-cdk/cloud-assembly-schema/README.md#versioning),
 * so a manifest of a newer major version is refused rather than half read. 55 is the version of
 * aws-cdk-lib 2.276 and of the @aws-cdk/cdk-assets-lib that publishes.
 */
export const MAX_SCHEMA_MAJOR = 55;

/** Refuses a manifest (`manifest.json`, `*.assets.json`) whose `version` the commands do not know. */
export function checkSchemaVersion(manifest: Record<string, unknown>, what: string): void {
  const version = manifest.version;
  if (typeof version !== 'string' || !/^\d+\.\d+\.\d+$/.test(version)) {
    throw new AssemblyError(`${what} has no cloud assembly schema version (a 'version' such as '${MAX_SCHEMA_MAJOR}.0.0'), got ${describeJson(version)}; synthesize the app again`);
  }
  const major = Number(version.split('.')[0]);
  if (major > MAX_SCHEMA_MAJOR) {
    throw new AssemblyError(`${what} is of cloud assembly schema ${excerpt(version)}, newer than the ${MAX_SCHEMA_MAJOR}.x.x this command knows: ` +
      'a newer aws-cdk-lib wrote it, and each new schema version adds instructions this command would ignore; update @crosswalk/cli, or synthesize with aws-cdk-lib 2.276');
  }
}

const UNKNOWN = /^unknown-(account|region)$/;

/** The stacks of the cloud assembly in `dir`, from its `manifest.json` (see {@link openAssembly}). */
export function readAssembly(dir: string): AssemblyStack[] {
  return openAssembly(dir).stacks;
}

/** Reads the cloud assembly in `dir`: its files, and its stacks from its `manifest.json`; refuses what it cannot read whole. */
export function openAssembly(dir: string): CloudAssembly {
  const files = AssemblyFiles.open(dir);
  let manifestValue: unknown;
  try {
    manifestValue = files.readJson('manifest.json', 'the manifest').value;
  } catch (err) {
    if (err instanceof AssemblyError && /does not exist/.test(err.message)) {
      throw new AssemblyError(`${quoted(dir)} is not a cloud assembly (no manifest.json): synthesize the app first (cdk synth), then pass its output folder, e.g. cdk.out`);
    }
    throw err;
  }
  const manifest = asObject(manifestValue);
  if (!manifest) throw new AssemblyError(`the manifest of ${quoted(dir)} is ${describeJson(manifestValue)}, not an object; synthesize the app again`);
  checkSchemaVersion(manifest, `the manifest of ${quoted(dir)}`);
  const artifacts = asObject(manifest.artifacts) ?? {};
  const stacks: AssemblyStack[] = [];
  for (const [artifactId, value] of Object.entries(artifacts)) {
    const artifact = asObject(value);
    if (artifact?.type !== 'aws:cloudformation:stack') continue;
    const properties = asObject(artifact.properties) ?? {};
    const stackName = String(properties.stackName ?? artifact.displayName ?? artifactId);
    const [, account, region] = /^aws:\/\/([^/]+)\/(.+)$/.exec(String(artifact.environment ?? '')) ?? [];
    const templateFile = properties.templateFile;
    const dependencies = Array.isArray(artifact.dependencies) ? artifact.dependencies : [];
    stacks.push({
      stackName,
      artifactId,
      templateFile: String(templateFile),
      templatePath: files.resolve(templateFile, `the template of stack ${quoted(stackName)}`),
      account: account && !UNKNOWN.test(account) ? account : undefined,
      region: region && !UNKNOWN.test(region) ? region : undefined,
      assetManifests: dependencies
        .map((dependency) => asObject(artifacts[String(dependency)]))
        .filter((dependency) => dependency?.type === 'cdk:asset-manifest')
        .map((dependency) => files.resolve(asObject(dependency!.properties)?.file, `the asset manifest of stack ${quoted(stackName)}`)),
    });
  }
  return { files, stacks };
}

/** The stacks of the assembly with these names, in the order given; an unknown name fails with the known ones. */
export function selectStacks(stacks: AssemblyStack[], names: readonly string[]): AssemblyStack[] {
  return names.map((name) => {
    const stack = stacks.find((s) => s.stackName === name || s.artifactId === name);
    if (!stack) {
      const known = stacks.map((s) => s.stackName).join(', ') || '(none)';
      throw new AssemblyError(`no stack named ${quoted(name, 100)} in the assembly; its stacks: ${excerpt(known, 600)}`);
    }
    return stack;
  });
}

/** Refuses an assembly without stacks: nothing to check or publish means the wrong folder, or a synth that went wrong. */
export function requireStacks(assembly: CloudAssembly): AssemblyStack[] {
  if (assembly.stacks.length === 0) {
    throw new AssemblyError(`the cloud assembly ${quoted(assembly.files.shown)} has no stack (its manifest lists no artifact of type aws:cloudformation:stack): ` +
      'synthesize the app again, or pass the folder of the stage assembly that holds the stacks');
  }
  return assembly.stacks;
}
