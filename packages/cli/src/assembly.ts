import { existsSync, readFileSync, statSync } from 'fs';
import { join } from 'path';

/** A stack of a cloud assembly on disk (`cdk.out`), as its manifest lists it. */
export interface AssemblyStack {
  /** The stack's name, as `cdk deploy` and the pipeline know it. */
  readonly stackName: string;
  /** The artifact id in the manifest (the construct path's id). */
  readonly artifactId: string;
  /** The absolute path of its template. */
  readonly templatePath: string;
  /** Its template file name, relative to the assembly. */
  readonly templateFile: string;
  readonly account?: string;
  readonly region?: string;
  /** The absolute paths of its asset manifests (`*.assets.json`). */
  readonly assetManifests: string[];
}

/** Thrown for an assembly the commands cannot read; the message says what to do. */
export class AssemblyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AssemblyError';
  }
}

const UNKNOWN = /^unknown-(account|region)$/;

/** Reads the stacks of the cloud assembly in `dir` from its `manifest.json`. */
export function readAssembly(dir: string): AssemblyStack[] {
  const manifestFile = join(dir, 'manifest.json');
  if (!existsSync(dir) || !statSync(dir).isDirectory() || !existsSync(manifestFile)) {
    throw new AssemblyError(`'${dir}' is not a cloud assembly (no manifest.json): synthesize the app first (cdk synth), then pass its output folder, e.g. cdk.out`);
  }
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf-8'));
  const artifacts: Record<string, any> = manifest.artifacts ?? {};
  const stacks: AssemblyStack[] = [];
  for (const [artifactId, artifact] of Object.entries(artifacts)) {
    if (artifact?.type !== 'aws:cloudformation:stack') continue;
    const [, account, region] = /^aws:\/\/([^/]+)\/(.+)$/.exec(String(artifact.environment ?? '')) ?? [];
    const templateFile = String(artifact.properties?.templateFile);
    stacks.push({
      stackName: String(artifact.properties?.stackName ?? artifact.displayName ?? artifactId),
      artifactId,
      templateFile,
      templatePath: join(dir, templateFile),
      account: account && !UNKNOWN.test(account) ? account : undefined,
      region: region && !UNKNOWN.test(region) ? region : undefined,
      assetManifests: (artifact.dependencies ?? [])
        .map((dependency: string) => artifacts[dependency])
        .filter((a: any) => a?.type === 'cdk:asset-manifest')
        .map((a: any) => join(dir, String(a.properties.file))),
    });
  }
  return stacks;
}

/** The stacks of the assembly with these names, in the order given; an unknown name fails with the known ones. */
export function selectStacks(stacks: AssemblyStack[], names: readonly string[]): AssemblyStack[] {
  return names.map((name) => {
    const stack = stacks.find((s) => s.stackName === name || s.artifactId === name);
    if (!stack) {
      const known = stacks.map((s) => s.stackName).join(', ') || '(none)';
      throw new AssemblyError(`no stack named '${name.slice(0, 100)}' in the assembly; its stacks: ${known.slice(0, 600)}`);
    }
    return stack;
  });
}
