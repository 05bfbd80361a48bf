/**
 * `crosswalk doctor --live` with the real SDK, on the wire:
 * - moto_server (real S3 and KMS protocols) holds the build account's artifact bucket, its
 *   policy, the artifact key, its alias and key policy, and the published code;
 * - a stand-in on 127.0.0.1 answers what moto cannot: IAM's policy simulator (moto has none),
 *   STS by the caller's access key (one account per key), CloudFormation's stack reads, SNS
 *   subscriptions that are still pending (moto confirms every email subscription at once, AWS
 *   never does), and CodeStar connections (moto has none). Its answers are shaped after:
 *   https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulatePrincipalPolicy.html (EvaluationResults: EvalDecision allowed | explicitDeny | implicitDeny, MissingContextValues, PermissionsBoundaryDecisionDetail)
 *   https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetRole.html (AssumeRolePolicyDocument, URL-encoded: API_Role)
 *   https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ListStackResources.html (a missing stack: ValidationError "Stack with id … does not exist")
 *   https://docs.aws.amazon.com/sns/latest/api/API_ListSubscriptionsByTopic.html, https://docs.aws.amazon.com/sns/latest/dg/sns-email-notifications.html (SubscriptionArn "PendingConfirmation")
 *   https://docs.aws.amazon.com/sns/latest/api/API_GetTopicAttributes.html
 *   https://docs.aws.amazon.com/codestar-connections/latest/APIReference/API_GetConnection.html (JSON 1.0, target CodeStar_connections_20191201.GetConnection; ConnectionStatus PENDING | AVAILABLE | ERROR)
 * The stand-in never decides a permission itself: each test says what the simulator answers,
 * and what is checked is what the doctor asks (the resource AWS evaluates, the context) and
 * what it makes of the answer.
 */
import { createServer, IncomingMessage, Server } from 'http';
import { AddressInfo } from 'net';
import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { CreateAliasCommand, KMSClient, PutKeyPolicyCommand } from '@aws-sdk/client-kms';
import { CreateBucketCommand, PutBucketPolicyCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { CrosswalkNaming } from '@crosswalk/cross-account-role';
import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { main } from '../src/main';
import { liveDoctor } from '../src/live';
import { BUCKET, DEV, NO_TEMPLATE_VALIDATION, serviceAssembly } from './assemblies';
import { MOTO_ACCOUNT, MOTO_CREDENTIALS, MOTO_REGION, MotoServer, motoTest } from './moto';
import { NAMESPACES, queryAnswer, xml } from './query-protocol';

const moto = motoTest();
const BUILD = MOTO_ACCOUNT;
const naming = new CrosswalkNaming({ projectName: 'checkin', region: MOTO_REGION });
const CONNECTION_ARN = `arn:aws:codeconnections:${MOTO_REGION}:${BUILD}:connection/0a1b2c3d-1111-2222-3333-444455556666`;
const TOPIC_ARN = `arn:aws:sns:${MOTO_REGION}:${BUILD}:checkin-failures`;
const BUILD_ROLE = 'checkin-Pipeline-BuildRole-AbC123';
const KEYS: Record<string, string> = { AKIDBUILD: BUILD, AKIDDEV: DEV };

/** The build account's assembly: a pipeline stack (as NotifyingPipeline writes one, reduced to what the doctor reads) and dev's deployment roles. */
function buildAssembly(): string {
  const outdir = mkdtempSync(join(tmpdir(), 'doctor-live-'));
  const app = new App({ outdir, ...NO_TEMPLATE_VALIDATION });
  const pipeline = new Stack(app, 'Checkin-Pipeline', { env: { account: BUILD, region: MOTO_REGION } });
  const resource = (id: string, type: string, properties: object) => new CfnResource(pipeline, id, { type, properties });
  resource('Connection', 'AWS::CodeStarConnections::Connection', { ConnectionName: 'checkin-github', ProviderType: 'GitHub' });
  resource('Topic', 'AWS::SNS::Topic', {});
  resource('TopicTeam', 'AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'team@example.com', TopicArn: { Ref: 'Topic' } });
  resource('BuildRole', 'AWS::IAM::Role', { AssumeRolePolicyDocument: {} });
  resource('BuildProject', 'AWS::CodeBuild::Project', { ServiceRole: { 'Fn::GetAtt': ['BuildRole', 'Arn'] } });
  resource('BuildReports', 'AWS::CodeBuild::ReportGroup', { Type: 'TEST' });
  resource('ChecksRole', 'AWS::IAM::Role', { RoleName: naming.pipelineChecksRoleName, AssumeRolePolicyDocument: {} });
  resource('NotifierRole', 'AWS::IAM::Role', { RoleName: naming.failureNotifierRoleName, AssumeRolePolicyDocument: {} });
  resource('Notifier', 'AWS::Lambda::Function', { Role: { 'Fn::GetAtt': ['NotifierRole', 'Arn'] }, Environment: { Variables: { TOPIC_ARN: { Ref: 'Topic' } } } });
  resource('Pipeline', 'AWS::CodePipeline::Pipeline', {
    Name: 'checkin-pipeline',
    Stages: [
      { Name: 'Source', Actions: [{ Name: 'GitHub', ActionTypeId: { Category: 'Source', Owner: 'AWS', Provider: 'CodeStarSourceConnection', Version: '1' }, Configuration: { ConnectionArn: { 'Fn::GetAtt': ['Connection', 'ConnectionArn'] } } }] },
      { Name: 'Build', Actions: [{ Name: 'Build', ActionTypeId: { Category: 'Build', Owner: 'AWS', Provider: 'CodeBuild', Version: '1' }, Configuration: { ProjectName: { Ref: 'BuildProject' } } }] },
      // The self-update: the build account's own stack, through the build account's own deployment role.
      { Name: 'PipelineDeploy', Actions: [{ Name: 'ExecuteChangeSet', ActionTypeId: { Category: 'Deploy', Owner: 'AWS', Provider: 'CloudFormation', Version: '1' }, RoleArn: naming.deploymentRoleArn(BUILD), Configuration: { StackName: 'Checkin-Pipeline', ActionMode: 'CHANGE_SET_EXECUTE' } }] },
      { Name: 'Dev', Actions: [{ Name: 'Deploy', ActionTypeId: { Category: 'Deploy', Owner: 'AWS', Provider: 'CloudFormation', Version: '1' }, RoleArn: naming.deploymentRoleArn(DEV), Configuration: { StackName: 'Checkin-Service-dev' } }] },
    ],
  });
  const roles = new Stack(app, 'Checkin-DeploymentRoles-dev', { env: { account: DEV, region: MOTO_REGION } });
  new CfnResource(roles, 'DeploymentRole', { type: 'AWS::IAM::Role', properties: { RoleName: naming.deploymentRoleName, AssumeRolePolicyDocument: {} } });
  app.synth();
  return outdir;
}

const PHYSICAL: Record<string, string> = {
  Connection: CONNECTION_ARN, Topic: TOPIC_ARN, BuildRole: BUILD_ROLE, BuildProject: 'checkin-build',
  BuildReports: `arn:aws:codebuild:${MOTO_REGION}:${BUILD}:report-group/checkin-build-reports`,
  ChecksRole: naming.pipelineChecksRoleName, NotifierRole: naming.failureNotifierRoleName, Notifier: 'checkin-notifier', Pipeline: 'checkin-pipeline',
};

/** The read-only role's trust policy, as cross-account-role writes it: the build account, narrowed to two role names. */
const TRUST = {
  Version: '2012-10-17',
  Statement: [{
    Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${BUILD}:root` }, Action: 'sts:AssumeRole',
    Condition: { ArnEquals: { 'aws:PrincipalArn': [naming.pipelineChecksRoleArn(BUILD), naming.failureNotifierRoleArn(BUILD)] } },
  }],
};

interface World {
  simulated: Map<string, object>;
  connectionStatus: string;
  subscriptionArn: string;
  trust: object;
  deployed: Set<string>;
  topicPolicy?: object;
  requests: { service: string; fields: Record<string, string>; account: string }[];
}
let world: World;
let server: Server;
let motoServer: MotoServer | undefined;
let buildOut: string;

const answer = (service: keyof typeof NAMESPACES, action: string, result: object) => queryAnswer(action, result, NAMESPACES[service]);
const queryError = (code: string, message: string) => `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${xml(message)}</Message></Error><RequestId>r-1</RequestId></ErrorResponse>`;

/** The service a signed request is for, and the account of its access key. */
function signed(req: IncomingMessage): { service: string; account: string } {
  const [, key, service] = /Credential=([^/]+)\/\d+\/[^/]+\/([^/]+)\//.exec(String(req.headers.authorization)) ?? [];
  return { service, account: KEYS[key] ?? 'unknown' };
}

function handle(req: IncomingMessage, body: string): { status: number; type: string; body: string } {
  const { service, account } = signed(req);
  const ok = (text: string) => ({ status: 200, type: 'text/xml', body: text });
  if (service === 'codestar-connections') {
    const input = JSON.parse(body) as { ConnectionArn: string };
    world.requests.push({ service, fields: { target: String(req.headers['x-amz-target']), ...input }, account });
    return { status: 200, type: 'application/x-amz-json-1.0', body: JSON.stringify({ Connection: { ConnectionName: 'checkin-github', ConnectionArn: input.ConnectionArn, ProviderType: 'GitHub', OwnerAccountId: BUILD, ConnectionStatus: world.connectionStatus } }) };
  }
  const fields = Object.fromEntries(new URLSearchParams(body));
  world.requests.push({ service, fields, account });
  switch (`${service} ${fields.Action}`) {
    case 'sts GetCallerIdentity':
      return ok(answer('sts', 'GetCallerIdentity', { Account: account, Arn: `arn:aws:iam::${account}:user/operator`, UserId: 'AIDA' }));
    case 'cloudformation ListStackResources':
    case 'cloudformation DescribeStacks': {
      const stack = fields.StackName;
      if (!world.deployed.has(`${account}/${stack}`)) return { status: 400, type: 'text/xml', body: queryError('ValidationError', `Stack with id ${stack} does not exist`) };
      if (fields.Action === 'DescribeStacks') return ok(answer('cloudformation', 'DescribeStacks', { Stacks: [{ StackName: stack, StackId: `arn:aws:cloudformation:${MOTO_REGION}:${account}:stack/${stack}/1`, StackStatus: 'UPDATE_COMPLETE', CreationTime: '2026-12-01T00:00:00Z' }] }));
      return ok(answer('cloudformation', 'ListStackResources', {
        StackResourceSummaries: stack === 'Checkin-Pipeline' ? Object.entries(PHYSICAL).map(([id, physical]) => ({ LogicalResourceId: id, PhysicalResourceId: physical, ResourceType: 'AWS::X::Y', ResourceStatus: 'CREATE_COMPLETE', LastUpdatedTimestamp: '2026-12-01T00:00:00Z' })) : [],
      }));
    }
    case 'sns ListSubscriptionsByTopic':
      return ok(answer('sns', 'ListSubscriptionsByTopic', { Subscriptions: [{ SubscriptionArn: world.subscriptionArn, Owner: BUILD, Protocol: 'email', Endpoint: 'team@example.com', TopicArn: fields.TopicArn }] }));
    case 'sns GetTopicAttributes':
      return ok(answer('sns', 'GetTopicAttributes', { Attributes: [{ key: 'TopicArn', value: fields.TopicArn }, ...(world.topicPolicy ? [{ key: 'Policy', value: JSON.stringify(world.topicPolicy) }] : [])] }).replace(/<member>/g, '<entry>').replace(/<\/member>/g, '</entry>'));
    case 'iam GetRole':
      return ok(answer('iam', 'GetRole', { Role: { RoleName: fields.RoleName, Arn: `arn:aws:iam::${account}:role/${fields.RoleName}`, Path: '/', RoleId: 'AROA1', CreateDate: '2026-12-01T00:00:00Z', AssumeRolePolicyDocument: encodeURIComponent(JSON.stringify(world.trust)) } }));
    case 'iam SimulatePrincipalPolicy': {
      const role = fields.PolicySourceArn;
      const resource = fields['ResourceArns.member.1'];
      const actions = Object.entries(fields).filter(([k]) => k.startsWith('ActionNames.member.')).map(([, v]) => v);
      return ok(answer('iam', 'SimulatePrincipalPolicy', {
        IsTruncated: false,
        EvaluationResults: actions.map((action) => ({ EvalActionName: action, EvalResourceName: resource, EvalDecision: 'allowed', ...(world.simulated.get(`${role} ${action}`) ?? {}) })),
      }));
    }
    default:
      return { status: 400, type: 'text/xml', body: queryError('InvalidAction', `${service} ${fields.Action}`) };
  }
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const reply = handle(req, Buffer.concat(chunks).toString());
      res.writeHead(reply.status, { 'content-type': reply.type });
      res.end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_IAM: url, AWS_ENDPOINT_URL_STS: url, AWS_ENDPOINT_URL_CLOUDFORMATION: url, AWS_ENDPOINT_URL_SNS: url, AWS_ENDPOINT_URL_CODESTAR_CONNECTIONS: url,
    AWS_EC2_METADATA_DISABLED: 'true', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
  buildOut = buildAssembly();
}, 60_000);

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await motoServer?.stop();
});

const credentialsFor = (account: string) => ({ accessKeyId: account === BUILD ? 'AKIDBUILD' : account === DEV ? 'AKIDDEV' : 'AKIDNONE', secretAccessKey: 'secret' });

/** The build account's store in moto: bucket, bucket policy, key, alias, key policy (the account decides by IAM). */
async function artifactStore(bucketPolicy?: object): Promise<void> {
  motoServer ??= await MotoServer.start();
  await motoServer.reset();
  process.env.AWS_ENDPOINT_URL_S3 = motoServer.endpoint;
  process.env.AWS_ENDPOINT_URL_KMS = motoServer.endpoint;
  const s3 = motoServer.s3();
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: MOTO_REGION } }));
  await s3.send(new PutBucketPolicyCommand({
    Bucket: BUCKET,
    // Not the artifact bucket's TLS-only Deny: moto is reached over http here and enforces
    // aws:SecureTransport, so it would refuse the doctor's own reads (the refutation of that Deny
    // is pinned in resource-side.test.ts). A Deny the calls do not meet stands in for it.
    Policy: JSON.stringify(bucketPolicy ?? {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:DeleteBucket', Resource: `arn:aws:s3:::${BUCKET}` }],
    }),
  }));
  const keyArn = await motoServer.createKmsKey();
  const kms = new KMSClient({ region: MOTO_REGION, endpoint: motoServer.endpoint, credentials: MOTO_CREDENTIALS });
  await kms.send(new CreateAliasCommand({ AliasName: naming.artifactKeyAliasName, TargetKeyId: keyArn }));
  await kms.send(new PutKeyPolicyCommand({
    KeyId: keyArn, PolicyName: 'default',
    Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'Enable IAM policies', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${BUILD}:root` }, Action: 'kms:*', Resource: '*' }] }),
  }));
}

beforeEach(() => {
  world = {
    simulated: new Map(),
    connectionStatus: 'AVAILABLE',
    subscriptionArn: `${TOPIC_ARN}:5f2a0c4e-0000-4000-8000-000000000001`,
    trust: TRUST,
    deployed: new Set([`${BUILD}/Checkin-Pipeline`, `${DEV}/Checkin-DeploymentRoles-dev`]),
    requests: [],
  };
});

const run = (assemblies: string[] = [buildOut]) => liveDoctor({ assemblyDirs: assemblies, naming }, { credentialsFor });
const simulations = () => world.requests.filter((r) => r.fields.Action === 'SimulatePrincipalPolicy');

describe('doctor --live', () => {
  moto('a ready installation: no finding, and every deployed role\'s call is put to the simulator on the resource AWS evaluates', async () => {
    await artifactStore();
    const report = await run();
    expect(report.findings).toEqual([]);
    // DescribeAlarms by prefix is authorized on alarm:* (API_DescribeAlarms; Service Authorization Reference): that is what is asked.
    const alarms = simulations().find((r) => r.fields['ActionNames.member.1'] === 'cloudwatch:DescribeAlarms');
    expect(alarms).toMatchObject({ account: DEV, fields: { PolicySourceArn: naming.readOnlyRoleArn(DEV), 'ResourceArns.member.1': `arn:aws:cloudwatch:${MOTO_REGION}:${DEV}:alarm:*` } });
    // The context of every call: over TLS, by this principal.
    expect(alarms!.fields).toMatchObject({ 'ContextEntries.member.1.ContextKeyName': 'aws:SecureTransport', 'ContextEntries.member.1.ContextKeyType': 'boolean', 'ContextEntries.member.1.ContextKeyValues.member.1': 'true' });
    // The Build stage's role, found through its project: its asset upload on assets/…
    expect(simulations().some((r) => r.fields.PolicySourceArn === `arn:aws:iam::${BUILD}:role/${BUILD_ROLE}` && r.fields['ResourceArns.member.1'].startsWith(`arn:aws:s3:::${BUCKET}/assets/`))).toBe(true);
    // The cross-account AssumeRole reads dev's trust policy with dev's credentials.
    expect(world.requests.some((r) => r.fields.Action === 'GetRole' && r.account === DEV && r.fields.RoleName === naming.readOnlyRoleName)).toBe(true);
    // The connection asked by its ARN through the codestar-connections API.
    expect(world.requests.find((r) => r.service === 'codestar-connections')?.fields).toEqual({ target: 'CodeStar_connections_20191201.GetConnection', ConnectionArn: CONNECTION_ARN });
    expect(report.passed).toEqual(expect.arrayContaining([`connection ${CONNECTION_ARN}: AVAILABLE`, `email team@example.com on ${TOPIC_ARN}: confirmed`]));
    // Nothing it does is a write.
    expect(world.requests.map((r) => r.fields.Action ?? r.fields.target).filter((a) => !/^(Get|List|Describe|Simulate|CodeStar_connections_20191201\.Get)/.test(a))).toEqual([]);
    // The self-update's calls through the build account's own roles are said to be unchecked, not passed over in silence.
    expect(report.outOfScope).toContain(`the self-update of Checkin-Pipeline: the calls through the build account's own roles (${naming.deploymentRoleName}, ${naming.executionRoleName}) are not simulated`);
    expect(simulations().some((r) => r.fields.PolicySourceArn === naming.deploymentRoleArn(BUILD))).toBe(false);
  }, 60_000);

  moto('what a first run would meet is named with its fix: connection pending, email unconfirmed, a role denied by its boundary, a missing context', async () => {
    await artifactStore();
    world.connectionStatus = 'PENDING';
    world.subscriptionArn = 'PendingConfirmation';
    world.simulated.set(`${naming.readOnlyRoleArn(DEV)} cloudwatch:DescribeAlarms`, { EvalDecision: 'implicitDeny', PermissionsBoundaryDecisionDetail: { AllowedByPermissionsBoundary: false } });
    world.simulated.set(`${naming.failureNotifierRoleArn(BUILD)} sns:Publish`, { MissingContextValues: ['aws:SourceVpc'] });
    const report = await run();
    const text = report.findings.map((f) => `${f.area} | ${f.subject} | ${f.problem} | ${f.fix}`);
    expect(text).toEqual(expect.arrayContaining([
      expect.stringMatching(/^connection \| .*connection\/0a1b2c3d.* \| its status is PENDING, not AVAILABLE.* \| complete the handshake in the console/),
      expect.stringMatching(/^notifications \| email team@example.com \| has not confirmed its subscription .*PendingConfirmation.* \| open the "AWS Notification - Subscription Confirmation" email/),
      expect.stringMatching(/^permissions \| .*ReadOnlyRole → cloudwatch:DescribeAlarms on .*:alarm:\* \| IAM's policy simulator says implicitDeny \(the permissions boundary does not allow it\)/),
      expect.stringMatching(/^permissions \| .*FailureNotifierRole → sns:Publish on .*checkin-failures \| the simulator could not decide without the context keys aws:SourceVpc: not proven/),
    ]));
    expect(report.findings).toHaveLength(4);
  }, 60_000);

  moto('the resource side: a trust policy that does not name the caller, and a bucket policy Deny the doctor cannot refute, are findings', async () => {
    await artifactStore({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: `arn:aws:s3:::${BUCKET}/*`, Condition: { StringNotEquals: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } } }],
    });
    world.trust = { ...TRUST, Statement: [{ ...TRUST.Statement[0], Condition: { ArnEquals: { 'aws:PrincipalArn': naming.pipelineChecksRoleArn(BUILD) } } }] };
    const report = await run();
    const text = report.findings.map((f) => `${f.subject} | ${f.problem}`);
    expect(text).toEqual(expect.arrayContaining([
      expect.stringMatching(/FailureNotifierRole → sts:AssumeRole on .*222222222222:role\/checkin-eu-west-1-ReadOnlyRole \| the resource policy does not allow it \(the role's trust policy does not name this caller\)/),
      expect.stringMatching(/PipelineChecksRole → s3:PutObject on arn:aws:s3:::checkin-artifacts-.*\/change-reviews\/checkin-pipeline\/.* \| the resource policy cannot be proven to let it through: statement 1 \(Deny\) may apply/),
    ]));
    // The pipeline-checks role is still named by the trust policy: its AssumeRole passes.
    expect(report.passed.some((p) => p.includes('PipelineChecksRole → sts:AssumeRole'))).toBe(true);
  }, 60_000);

  moto('stacks: an undeployed pipeline or deployment-roles stack is a finding; the service stack the first run creates is not', async () => {
    await artifactStore();
    world.deployed = new Set([`${BUILD}/Checkin-Pipeline`]);
    const report = await run();
    expect(report.findings.map((f) => `${f.area} | ${f.subject} | ${f.fix}`)).toEqual([
      `stacks | Checkin-DeploymentRoles-dev (${DEV}) | npx cdk deploy Checkin-DeploymentRoles-dev (first-deployment checklist, step 3)`,
    ]);
    expect(report.passed).toContain(`stack Checkin-Service-dev (${DEV}): not deployed yet; the pipeline's first run creates it`);
    world.deployed = new Set();
    const none = await run();
    expect(none.findings.map((f) => f.subject)).toEqual(expect.arrayContaining([`Checkin-Pipeline (${BUILD})`, 'the pipeline\'s source connection']));
  }, 60_000);

  moto('code assets: the service\'s code missing from the bucket is named with the publish command; once published it passes', async () => {
    await artifactStore();
    const service = serviceAssembly();
    const missing = await run([buildOut, service]);
    const assets = missing.findings.filter((f) => f.area === 'code assets');
    expect(assets.length).toBeGreaterThan(0);
    expect(assets[0]).toMatchObject({ problem: expect.stringMatching(/is not published/), fix: expect.stringMatching(/^npx crosswalk publish-assets .* --stack Checkin-Service-(dev|prod) --bucket checkin-artifacts-/) });
    const s3 = motoServer!.s3();
    for (const f of assets) {
      const key = f.subject.replace(`s3://${BUCKET}/`, '');
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'zip' }));
    }
    const published = await run([buildOut, service]);
    expect(published.findings).toEqual([]);
  }, 60_000);

  moto('credentials of the wrong account check nothing of it, and say so', async () => {
    await artifactStore();
    const report = await liveDoctor({ assemblyDirs: [buildOut], naming }, { credentialsFor: (account) => credentialsFor(account === DEV ? BUILD : account) });
    expect(report.findings[0]).toMatchObject({ area: 'accounts', subject: DEV, problem: expect.stringMatching(/credentials for account 222222222222 are of account 123456789012.*nothing of this account was checked/), fix: 'pass its credentials: --profile 222222222222=<profile>' });
    expect(simulations().some((r) => r.fields.PolicySourceArn === naming.readOnlyRoleArn(DEV))).toBe(false);
  }, 60_000);
});

describe('crosswalk doctor --live on the command line', () => {
  const cli = async (args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(['doctor', ...args], { out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  test('needs --project and --region, takes --profile as <account>=<profile>, and refuses --skip', async () => {
    expect((await cli([buildOut, '--live'])).err).toMatch(/doctor --live needs --project and --region/);
    expect((await cli([buildOut, '--live', '--project', 'checkin', '--region', MOTO_REGION, '--profile', 'build'])).err).toMatch(/--profile takes <account id>=<profile name>/);
    expect((await cli([buildOut, '--live', '--project', 'checkin', '--region', MOTO_REGION, '--skip', 'CW10'])).err).toMatch(/--skip names deploy rules/);
    expect((await cli([buildOut, '--profile', `${BUILD}=build`])).err).toMatch(/--profile is for doctor --live/);
    expect((await cli([buildOut, '--live', '--project', 'checkin', '--region', 'us-east-1'])).err).toMatch(/is in eu-west-1, not in --region us-east-1/);
  });

  moto('reads each account\'s credentials from its --profile; prints the findings first, each with its fix; exits 1 on a finding, 0 when ready', async () => {
    await artifactStore();
    const dir = mkdtempSync(join(tmpdir(), 'doctor-profiles-'));
    const credentials = join(dir, 'credentials');
    writeFileSync(credentials, '[build]\naws_access_key_id = AKIDBUILD\naws_secret_access_key = secret\n[dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = secret\n');
    const previous = { file: process.env.AWS_SHARED_CREDENTIALS_FILE, config: process.env.AWS_CONFIG_FILE };
    Object.assign(process.env, { AWS_SHARED_CREDENTIALS_FILE: credentials, AWS_CONFIG_FILE: join(dir, 'none') });
    const args = [buildOut, '--live', '--project', 'checkin', '--region', MOTO_REGION, '--profile', `${BUILD}=build`];
    try {
      // Dev's credentials are those of the build profile: refused as the wrong account.
      const wrong = await cli([...args, '--profile', `${DEV}=build`]);
      expect(wrong.code).toBe(1);
      expect(wrong.out.split('\n').slice(0, 3)).toEqual([
        'doctor --live: 1 finding(s): not ready',
        `  ✗ [accounts] ${DEV}: the credentials for account ${DEV} are of account ${BUILD} (arn:aws:iam::${BUILD}:user/operator); nothing of this account was checked`,
        `      fix: pass its credentials: --profile ${DEV}=<profile>`,
      ]);
      const ready = await cli([...args, '--profile', `${DEV}=dev`]);
      expect(ready.code).toBe(0);
      expect(ready.out.split('\n')[0]).toBe('doctor --live: ready, no finding');
      expect(ready.out).toContain(`  ✓ connection ${CONNECTION_ARN}: AVAILABLE`);
    } finally {
      for (const [name, value] of [['AWS_SHARED_CREDENTIALS_FILE', previous.file], ['AWS_CONFIG_FILE', previous.config]] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  }, 60_000);
});
