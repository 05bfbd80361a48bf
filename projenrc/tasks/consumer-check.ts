/**
 * Proves the packages install in another repository, as a release would ship them: applies
 * the release version (`release:version`: from the conventional commits since the last tag)
 * to every package, rebuilds and packs them into npm tarballs, installs the tarballs into a
 * fresh project outside the workspace on the lowest aws-cdk-lib they accept (their floor),
 * then compiles and synthesizes consumer-fixture/main.ts there and delivers another team's
 * service with the `crosswalk` command. The packages' package.json files are restored after.
 */
import { execFileSync } from 'child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import { VERSIONS } from '../versions';
import { applyVersion, nextVersion } from './release-version';

const root = resolve(__dirname, '..', '..');
const devVersions = JSON.parse(readFileSync(join(root, 'packages', 'cross-account-role', 'package.json'), 'utf-8')).devDependencies;

function run(cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, { cwd, encoding: 'utf-8', stdio: ['ignore', 'pipe', 'inherit'] });
}

/** Packs every package at the release version, leaving the repository's package.json files as they were. */
async function packRelease(work: string): Promise<Record<string, string>> {
  const version = await nextVersion(root);
  const manifests = readdirSync(join(root, 'packages')).sort().map((dir) => join(root, 'packages', dir, 'package.json'));
  const saved = new Map(manifests.map((file) => [file, readFileSync(file, 'utf-8')]));
  try {
    applyVersion(version, root);
    // The jsii assemblies carry the version too: build again (a no-op on the nx cache when unchanged).
    run('npx', ['nx', 'run-many', '-t', 'build', '--projects=packages/*', '--output-style=stream'], root);
    const tarballs: Record<string, string> = {};
    for (const file of manifests) {
      const pkg = JSON.parse(readFileSync(file, 'utf-8'));
      const tarball = run('npm', ['pack', '--silent', '--pack-destination', work], resolve(file, '..')).trim().split('\n').pop()!;
      tarballs[pkg.name] = `file:./${tarball}`;
      const siblings = Object.entries<string>({ ...pkg.dependencies, ...pkg.peerDependencies }).filter(([name]) => name.startsWith('@crosswalk/'));
      console.log(`consumer-check: packed ${pkg.name}@${pkg.version} -> ${tarball}${siblings.length ? ` (siblings: ${siblings.map(([n, r]) => `${n}@${r}`).join(', ')})` : ''}`);
    }
    return tarballs;
  } finally {
    for (const [file, text] of saved) writeFileSync(file, text);
  }
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'crosswalk-consumer-'));
  const keep = process.argv.includes('--keep');
  try {
    const tarballs = await packRelease(work);
    writeFileSync(join(work, 'package.json'), JSON.stringify({
      name: 'crosswalk-consumer',
      private: true,
      dependencies: {
        ...tarballs,
        // the oldest aws-cdk-lib the packages accept: what they promise is what is tested
        'aws-cdk-lib': VERSIONS.awsCdkLibFloor,
        'constructs': VERSIONS.constructs,
      },
      devDependencies: { 'typescript': devVersions.typescript, '@types/node': devVersions['@types/node'] },
    }, null, 2));
    writeFileSync(join(work, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'commonjs', strict: true, esModuleInterop: true, skipLibCheck: false, types: ['node'] },
      include: ['*.ts'],
    }, null, 2));
    for (const file of readdirSync(join(__dirname, 'consumer-fixture'))) {
      copyFileSync(join(__dirname, 'consumer-fixture', file), join(work, file));
    }

    console.log(`consumer-check: installing the tarballs into ${work}, on aws-cdk-lib ${VERSIONS.awsCdkLibFloor}`);
    run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], work);
    run('npx', ['tsc', '-p', '.'], work);
    process.stdout.write(run('node', ['main.js'], work));
    console.log(`consumer-check: every package installs, compiles and synthesizes from its tarball on aws-cdk-lib ${VERSIONS.awsCdkLibFloor}`);
    checkDelivery(work);
  } finally {
    if (!keep) rmSync(work, { recursive: true, force: true });
  }
}

/**
 * The Orders delivery of the fixture: nothing in a target account refers to CDK bootstrap
 * resources, its code assets are published with one command (a dry run: no AWS here), and
 * the doctor finds nothing.
 */
function checkDelivery(work: string): void {
  const outdir = join(work, 'delivery.out');
  // The build account is bootstrapped (it hosts the pipeline); the target accounts are not.
  const templates = readdirSync(outdir).filter((f) => /^Orders(-Service-|DeploymentRoles-).*\.template\.json$/.test(f));
  for (const file of templates) {
    const text = readFileSync(join(outdir, file), 'utf-8');
    for (const bootstrap of ['BootstrapVersion', 'cdk-hnb659fds']) {
      if (text.includes(bootstrap)) throw new Error(`consumer-check: ${file} refers to CDK bootstrap resources (${bootstrap}); target stacks must not`);
    }
  }
  const stacks = ['dev', 'staging', 'prod'].flatMap((env) => ['--stack', `Orders-Service-${env}`]);
  const published = run('npx', ['crosswalk', 'publish-assets', 'delivery.out', ...stacks, '--dry-run'], work);
  process.stdout.write(published);
  const uploads = published.split('\n').filter((l) => l.startsWith('would publish '));
  if (uploads.length === 0 || !uploads.every((l) => l.includes(' to s3://orders-artifacts-444455556666-us-east-2/assets/'))) {
    throw new Error('consumer-check: publish-assets did not plan the code assets into the Orders artifact bucket under assets/');
  }
  process.stdout.write(run('npx', ['crosswalk', 'doctor', 'delivery.out', '--project', 'Orders', '--region', 'us-east-2'], work));
  // The installed nx-cache serves nx's remote cache protocol to the command it runs: an upload
  // from the command, with the address and token it was given, lands in the folder.
  const upload = [
    'const u = new URL(process.env.NX_SELF_HOSTED_REMOTE_CACHE_SERVER + "/v1/cache/42");',
    'require("http").request(u, { method: "PUT", headers: { Authorization: "Bearer " + process.env.NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN } },',
    '  (res) => { process.exitCode = res.statusCode === 200 ? 0 : 1; res.resume(); }).end("outputs");',
  ].join('\n');
  run('npx', ['crosswalk', 'nx-cache', 'task-cache', '--', 'node', '-e', upload], work);
  if (readFileSync(join(work, 'task-cache', '42.tar'), 'utf-8') !== 'outputs') throw new Error('consumer-check: crosswalk nx-cache did not store the upload of its command');
  console.log(`consumer-check: the Orders delivery (${templates.length} target-account stacks) needs no bootstrap in its target accounts, publishes ${uploads.length} assets with one command, passes the doctor, and keeps nx's task outputs with crosswalk nx-cache`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
