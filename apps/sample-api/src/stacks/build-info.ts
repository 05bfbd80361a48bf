import { execFileSync } from 'child_process';
import { existsSync, readFileSync } from 'fs';
import { dirname, join } from 'path';

/** What `GET /version` reports: baked into the functions' environment at synth time. */
export interface BuildInfo {
  /** The version of `@crosswalk/sample-api` (its package.json). */
  readonly version: string;
  /** The short git commit the code was built from, or `unknown`. */
  readonly commit: string;
}

const PACKAGE_NAME = '@crosswalk/sample-api';

/**
 * The directory of this package (apps/sample-api), found by walking up from this file,
 * so the same code works from `src/stacks` (ts-node, jest) and `lib/src/stacks` (synth).
 */
export function packageRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf-8')).name === PACKAGE_NAME) {
      return dir;
    }
    if (dirname(dir) === dir) {
      throw new Error(`cannot find the ${PACKAGE_NAME} package above ${from}; run the app from inside the repository`);
    }
  }
}

/**
 * The short commit: CodeBuild's resolved source version when the pipeline builds
 * (the checkout there may have no .git), else `git rev-parse --short HEAD`, else `unknown`.
 */
export function resolveCommit(env: NodeJS.ProcessEnv = process.env, cwd: string = packageRoot()): string {
  const fromCodeBuild = env.CODEBUILD_RESOLVED_SOURCE_VERSION?.trim();
  if (fromCodeBuild) {
    return fromCodeBuild.slice(0, 7);
  }
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd, encoding: 'utf-8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return commit || 'unknown';
  } catch {
    return 'unknown';
  }
}

/** The version and commit of the code being synthesized. */
export function resolveBuildInfo(env: NodeJS.ProcessEnv = process.env): BuildInfo {
  const root = packageRoot();
  const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf-8')).version as string;
  return { version, commit: resolveCommit(env, root) };
}
