/**
 * Proves the construct packages install in another repository: packs each package in
 * packages/ into its npm tarball, installs the tarballs into a fresh project outside
 * the workspace (with only the registry's aws-cdk-lib and constructs beside them),
 * then compiles and synthesizes consumer-fixture/main.ts there.
 */
import { execFileSync } from 'child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';

const root = resolve(__dirname, '..', '..');
const versions = JSON.parse(readFileSync(join(root, 'packages', 'cross-account-role', 'package.json'), 'utf-8')).devDependencies;

function run(cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, { cwd, encoding: 'utf-8', stdio: ['ignore', 'pipe', 'inherit'] });
}

function main(): void {
  const work = mkdtempSync(join(tmpdir(), 'crosswalk-consumer-'));
  const keep = process.argv.includes('--keep');
  try {
    const tarballs: Record<string, string> = {};
    for (const dir of readdirSync(join(root, 'packages')).sort()) {
      const pkgDir = join(root, 'packages', dir);
      const name = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf-8')).name as string;
      const file = run('npm', ['pack', '--silent', '--pack-destination', work], pkgDir).trim().split('\n').pop()!;
      tarballs[name] = `file:./${file}`;
      console.log(`consumer-check: packed ${name} -> ${file}`);
    }
    writeFileSync(join(work, 'package.json'), JSON.stringify({
      name: 'crosswalk-consumer',
      private: true,
      dependencies: {
        ...tarballs,
        'aws-cdk-lib': versions['aws-cdk-lib'],
        'constructs': versions.constructs,
      },
      devDependencies: { 'typescript': versions.typescript, '@types/node': versions['@types/node'] },
    }, null, 2));
    writeFileSync(join(work, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'commonjs', strict: true, esModuleInterop: true, skipLibCheck: false, types: ['node'] },
      include: ['*.ts'],
    }, null, 2));
    for (const file of readdirSync(join(__dirname, 'consumer-fixture'))) {
      copyFileSync(join(__dirname, 'consumer-fixture', file), join(work, file));
    }

    console.log(`consumer-check: installing the tarballs into ${work}`);
    run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], work);
    run('npx', ['tsc', '-p', '.'], work);
    process.stdout.write(run('node', ['main.js'], work));
    console.log('consumer-check: every construct package installs, compiles and synthesizes from its tarball');
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
  console.log(`consumer-check: the Orders delivery (${templates.length} target-account stacks) needs no bootstrap in its target accounts, publishes ${uploads.length} assets with one command, and passes the doctor`);
}

main();
