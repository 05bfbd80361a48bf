/**
 * Proves the packages install in another repository, as a release would ship them: applies
 * the release version (`release:version`: from the conventional commits since the last tag)
 * to every package, rebuilds and packs them into npm tarballs, installs the tarballs into a
 * fresh project outside the workspace on the lowest aws-cdk-lib they accept (their floor),
 * then compiles and synthesizes consumer-fixture/main.ts there and delivers another team's
 * service with the `crosswalk` command. The packages' package.json files are restored after.
 */
import { execFileSync, spawn } from 'child_process';
import { createServer } from 'http';
import { AddressInfo } from 'net';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import { VERSIONS } from '../projenrc/versions';
import { applyVersion, nextVersion } from './release-version';

const root = resolve(__dirname, '..');
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
    await checkReview(work);
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
  // No account is bootstrapped: neither the target accounts nor the build account (whose
  // pipeline keeps its functions' code in the artifact bucket, and updates itself).
  const templates = readdirSync(outdir).filter((f) => /^Orders.*\.template\.json$/.test(f));
  for (const file of templates) {
    const text = readFileSync(join(outdir, file), 'utf-8');
    for (const bootstrap of ['BootstrapVersion', 'cdk-hnb659fds']) {
      if (text.includes(bootstrap)) throw new Error(`consumer-check: ${file} refers to CDK bootstrap resources (${bootstrap}); no stack of the delivery may`);
    }
  }
  const stacks = [...['dev', 'staging', 'prod', 'prod-west'].map((env) => `Orders-Service-${env}`), 'Orders-Pipeline'].flatMap((stack) => ['--stack', stack]);
  const published = run('npx', ['crosswalk', 'publish-assets', 'delivery.out', ...stacks, '--dry-run'], work);
  process.stdout.write(published);
  const uploads = published.split('\n').filter((l) => l.startsWith('would publish '));
  // Each stack's code goes to the artifact bucket of its own region (Lambda reads code only from its region).
  const regionOf: Record<string, string> = { 'dev': 'us-east-2', 'staging': 'us-west-2', 'prod': 'us-east-2', 'prod-west': 'us-west-2' };
  const misplaced = uploads.filter((l) => {
    // The pipeline's own functions go to the pipeline region's bucket.
    if (/\(Orders-Pipeline,/.test(l)) return !l.includes(' to s3://orders-artifacts-444455556666-us-east-2/assets/');
    const stack = /\(Orders-Service-([a-z-]+),/.exec(l)?.[1];
    return stack === undefined || !l.includes(` to s3://orders-artifacts-444455556666-${regionOf[stack]}/assets/`);
  });
  if (!uploads.some((l) => /\(Orders-Pipeline,/.test(l))) throw new Error('consumer-check: publish-assets planned none of the pipeline\'s own code (its self-update needs it in the artifact bucket)');
  if (uploads.length === 0 || misplaced.length > 0 || !['us-east-2', 'us-west-2'].every((r) => uploads.some((l) => l.includes(`orders-artifacts-444455556666-${r}/`)))) {
    throw new Error(`consumer-check: publish-assets did not plan each stack's code into its region's Orders artifact bucket under assets/: ${misplaced.join('; ') || 'a region got nothing'}`);
  }
  checkWaves(outdir);
  process.stdout.write(run('npx', ['crosswalk', 'doctor', 'delivery.out', '--project', 'Orders', '--region', 'us-east-2'], work));
  console.log(`consumer-check: the Orders delivery (${templates.length} stacks, four environments in two regions, one pipeline that updates itself) needs no bootstrap in any account, publishes ${uploads.length} assets to their regions' buckets with one command, and passes the doctor`);
}

/**
 * The Orders pipeline delivers in waves across both regions: dev and staging together, then
 * prod in both regions with one review and one approval; each action in us-west-2 runs there
 * with the region's store (its key by ARN).
 */
function checkWaves(outdir: string): void {
  const template = JSON.parse(readFileSync(join(outdir, 'Orders-Pipeline.template.json'), 'utf-8'));
  const pipeline = Object.values<any>(template.Resources).find((r) => r.Type === 'AWS::CodePipeline::Pipeline').Properties;
  const stages = pipeline.Stages.map((s: any) => s.Name).join(',');
  // The self-update first (the store's and the pipeline's own stack), then the waves.
  const expected = 'Source,Build,SelfUpdate,SelfUpdateApproval,ArtifactStoreDeploy,PipelineDeploy,Early,Prod,ProdApproval,ProdDeploy,ProdWestDeploy';
  if (stages !== expected) throw new Error(`consumer-check: the Orders pipeline's stages are ${stages}, expected ${expected}`);
  const early = pipeline.Stages.find((s: any) => s.Name === 'Early').Actions.filter((a: any) => a.ActionTypeId.Provider === 'CloudFormation');
  if (early.map((a: any) => `${a.Name}@${a.Region ?? 'us-east-2'}`).join(',') !== 'Dev-Deploy@us-east-2,Staging-Deploy@us-west-2') {
    throw new Error('consumer-check: the first wave does not deploy dev (us-east-2) and staging (us-west-2) together');
  }
  const review = pipeline.Stages.find((s: any) => s.Name === 'Prod').Actions.find((a: any) => a.Name === 'Review');
  if (JSON.parse(review.Configuration.UserParameters).check !== 'review-wave') throw new Error('consumer-check: the prod wave is not reviewed as one');
  const west = pipeline.ArtifactStores?.find((s: any) => s.Region === 'us-west-2')?.ArtifactStore;
  if (west?.Location !== 'orders-artifacts-444455556666-us-west-2' || west?.EncryptionKey?.Id !== 'arn:aws:kms:us-west-2:444455556666:key/6f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0') {
    throw new Error(`consumer-check: the pipeline's us-west-2 artifact store is ${JSON.stringify(west)}`);
  }
}

/**
 * The installed `crosswalk review` against a local stand-in for CloudFormation (the query
 * protocol's XML, shaped after API_DescribeChangeSet, API_GetTemplate and API_DescribeEvents):
 * a code release behind a CodeDeploy alias exits 10 (low), a table deletion 20 (high).
 */
async function checkReview(work: string): Promise<void> {
  const id = 'arn:aws:cloudformation:us-east-2:777788889999:changeSet/release-7/0a1b2c3d';
  const fn = 'orders-api-Handler-1A2B';
  const ctx = (p: object) => JSON.stringify({ Properties: p });
  const detail = (name: string, path: string, before: string, after: string, evaluation: string) => ({
    Target: { Attribute: 'Properties', Name: name, Path: path, RequiresRecreation: 'Never', BeforeValue: before, AfterValue: after, AttributeChangeType: 'Modify' }, Evaluation: evaluation, ChangeSource: 'DirectModification',
  });
  const release = [
    { Type: 'Resource', ResourceChange: { Action: 'Modify', LogicalResourceId: 'Handler', PhysicalResourceId: fn, ResourceType: 'AWS::Lambda::Function', Replacement: 'False', Scope: ['Properties'],
      BeforeContext: ctx({ Code: { S3Bucket: 'b', S3Key: 'assets/a.zip' } }), AfterContext: ctx({ Code: { S3Bucket: 'b', S3Key: 'assets/b.zip' } }), Details: [detail('Code', '/Properties/Code/S3Key', 'assets/a.zip', 'assets/b.zip', 'Static')] } },
    { Type: 'Resource', ResourceChange: { Action: 'Add', LogicalResourceId: 'HandlerVersion', ResourceType: 'AWS::Lambda::Version', Scope: [], AfterContext: ctx({ FunctionName: fn }) } },
    { Type: 'Resource', ResourceChange: { Action: 'Modify', LogicalResourceId: 'Live', PhysicalResourceId: `arn:aws:lambda:us-east-2:777788889999:function:${fn}:live`, ResourceType: 'AWS::Lambda::Alias', Replacement: 'False', Scope: ['Properties'],
      BeforeContext: ctx({ FunctionName: fn, FunctionVersion: '3' }), AfterContext: ctx({ FunctionName: fn, FunctionVersion: '{{changeSet:KNOWN_AFTER_APPLY}}' }),
      Details: [detail('FunctionVersion', '/Properties/FunctionVersion', '3', '{{changeSet:KNOWN_AFTER_APPLY}}', 'Dynamic')] } },
  ];
  const tableRemoved = { Type: 'Resource', ResourceChange: { Action: 'Remove', LogicalResourceId: 'Orders', PhysicalResourceId: 'orders', ResourceType: 'AWS::DynamoDB::Table', PolicyAction: 'Delete', Scope: [], BeforeContext: ctx({}) } };
  // The alias is shifted by the template's own deployment group, which stops and rolls back on
  // its alarm. https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-codedeploy-deploymentgroup.html
  const template = {
    Resources: {
      A: { Type: 'AWS::CodeDeploy::Application', Properties: { ComputePlatform: 'Lambda' } },
      G: {
        Type: 'AWS::CodeDeploy::DeploymentGroup',
        Properties: {
          ApplicationName: { Ref: 'A' },
          AlarmConfiguration: { Enabled: true, Alarms: [{ Name: 'handler-errors' }] },
          AutoRollbackConfiguration: { Enabled: true, Events: ['DEPLOYMENT_STOP_ON_ALARM'] },
        },
      },
      Live: { Type: 'AWS::Lambda::Alias', UpdatePolicy: { CodeDeployLambdaAliasUpdate: { ApplicationName: { Ref: 'A' }, DeploymentGroupName: { Ref: 'G' } } } },
    },
  };
  const xml = (v: unknown): string => (Array.isArray(v) ? v.map((x) => `<member>${xml(x)}</member>`).join('')
    : v !== null && typeof v === 'object' ? Object.entries(v).map(([k, x]) => `<${k}>${xml(x)}</${k}>`).join('')
      : String(v).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
  const respond = (action: string, result: object) => `<${action}Response xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><${action}Result>${xml(result)}</${action}Result></${action}Response>`;
  let changes: object[] = release;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const action = new URLSearchParams(Buffer.concat(chunks).toString()).get('Action');
      res.writeHead(200, { 'content-type': 'text/xml' });
      if (action === 'DescribeChangeSet') res.end(respond(action, { ChangeSetId: id, ChangeSetName: 'release-7', StackName: 'orders-api', Status: 'CREATE_COMPLETE', Changes: changes }));
      else if (action === 'GetTemplate') res.end(respond(action, { TemplateBody: JSON.stringify(template) }));
      else res.end(respond('DescribeEvents', { OperationEvents: [] }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const review = () => new Promise<{ code: number; out: string }>((done) => {
    const child = spawn('npx', ['crosswalk', 'review', '--stack', 'orders-api', '--change-set', 'release-7', '--region', 'us-east-2'], {
      cwd: work, env: { ...process.env, AWS_ENDPOINT_URL_CLOUDFORMATION: endpoint, AWS_ACCESS_KEY_ID: 'AKIACONSUMER', AWS_SECRET_ACCESS_KEY: 'x', AWS_REGION: 'us-east-2' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => { out += c.toString(); });
    child.on('close', (code) => done({ code: code ?? -1, out }));
  });
  try {
    const low = await review();
    if (low.code !== 10 || !low.out.includes('**Risk tier:** LOW')) throw new Error(`consumer-check: crosswalk review of a code release exited ${low.code}, expected 10 (low)`);
    changes = [...release, tableRemoved];
    const high = await review();
    if (high.code !== 20 || !high.out.includes('is deleted')) throw new Error(`consumer-check: crosswalk review of a table deletion exited ${high.code}, expected 20 (high)`);
  } finally {
    server.close();
  }
  console.log('consumer-check: the installed crosswalk review exits 10 for a code release and 20 for a table deletion, against a local CloudFormation');
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
