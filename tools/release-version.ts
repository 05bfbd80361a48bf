/**
 * The version a release of the packages carries, from the conventional commits since the
 * last `v*` tag, decided by projen's own release machinery (the `bump` steps of a projen
 * project: commit-and-tag-version reads feat/fix/BREAKING CHANGE). The packages are
 * released together, at one version.
 *
 *   ts-node tools/release-version.ts            prints the version
 *   ts-node tools/release-version.ts --apply    also writes it into packages/*\/package.json
 *
 * The repository keeps 0.0.0 (as projen does); only a release build applies the version,
 * before it compiles and packs, so that the jsii assemblies and the npm, NuGet and PyPI
 * packages all carry it, and sibling ranges resolve to the packages released with them.
 */
import { execFileSync } from 'child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'fs';
import { join, relative, resolve } from 'path';
import { applyVersionBump, resolveLatestTag, suggestVersionBump } from 'projen/lib/release/bump-version';

const ROOT = resolve(__dirname, '..');
const SCOPE = '@crosswalk/';

/** The next release version, computed in a scratch folder; the repository is left as it is. */
export async function nextVersion(root: string = ROOT): Promise<string> {
  const work = join(root, '.tmp', 'release');
  mkdirSync(work, { recursive: true });
  const file = (name: string) => relative(root, join(work, name));
  writeFileSync(join(work, 'version.json'), '{}\n');
  const latest = await resolveLatestTag(root, { versionFile: file('version.json'), tagPrefix: '' });
  // Before the first release there is no tag: every commit counts, and projen releases the
  // first version as it finds it (0.0.0), the next ones by the commits since the last tag.
  const latestTag = latest.isFirstRelease ? undefined : latest.latestTag;
  const range = latestTag ? [`${latestTag}..HEAD`] : ['HEAD'];
  const releasableCommits = execFileSync('git', ['log', '--oneline', ...range], { cwd: root, encoding: 'utf-8' });
  const common = { versionFile: file('version.json'), changelog: file('changelog.md'), latestTag, tagPrefix: '' };
  const bumpType = await suggestVersionBump(root, { ...common, releasableCommits });
  await applyVersionBump(root, { ...common, bumpType, bumpFile: file('version.txt'), releaseTagFile: file('releasetag.txt') });
  return readFileSync(join(work, 'version.txt'), 'utf-8').trim();
}

/**
 * Writes `version` into every package of packages/, and makes each sibling range resolve
 * to the packages released with it: exact for dependencies, `^version` for peers.
 */
export function applyVersion(version: string, root: string = ROOT): string[] {
  if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version)) throw new Error(`not a semantic version: '${version.slice(0, 40)}'`);
  const changed: string[] = [];
  for (const dir of readdirSync(join(root, 'packages')).sort()) {
    const file = join(root, 'packages', dir, 'package.json');
    const pkg = JSON.parse(readFileSync(file, 'utf-8'));
    pkg.version = version;
    for (const [field, range] of [['dependencies', version], ['devDependencies', version], ['peerDependencies', `^${version}`]] as const) {
      for (const name of Object.keys(pkg[field] ?? {})) {
        if (name.startsWith(SCOPE)) pkg[field][name] = range;
      }
    }
    writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`);
    changed.push(relative(root, file));
  }
  return changed;
}

async function main(argv: string[]): Promise<void> {
  const unknown = argv.filter((a) => a !== '--apply');
  if (unknown.length > 0) throw new Error(`unknown option ${unknown.join(' ')}; release-version takes --apply`);
  const version = await nextVersion();
  if (argv.includes('--apply')) {
    for (const file of applyVersion(version)) console.log(`release-version: ${file} → ${version}`);
  }
  console.log(version);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err) => {
    console.error(`release-version: ${(err as Error).message}`);
    process.exitCode = 1;
  });
}
