import { mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Stack, Token } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { CrossAccountDeploymentRoles, CrosswalkNaming, ServiceStackSynthesizer, TargetAccountSynthesizer } from '../src';

const BUILD = '111111111111';
const DEV = '222222222222';
const naming = new CrosswalkNaming({ projectName: 'Checkin', region: 'eu-west-1' });
const BUCKET = 'checkin-artifacts-111111111111-eu-west-1';

/** A directory with a handler, as `lambda.Code.fromAsset` ships it. */
function handlerDir(body = 'ok'): string {
  const dir = mkdtempSync(join(tmpdir(), 'crosswalk-code-'));
  writeFileSync(join(dir, 'index.js'), `exports.handler = async () => ({ statusCode: 200, body: ${JSON.stringify(body)} });\n`);
  return dir;
}

/** A directory with a Dockerfile, as `lambda.DockerImageCode.fromImageAsset` builds it. */
function imageDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'crosswalk-image-'));
  writeFileSync(join(dir, 'Dockerfile'), 'FROM public.ecr.aws/lambda/nodejs:22\n');
  return dir;
}

/**
 * Without aws-cdk-lib's built-in CloudFormation template validation: these tests read the
 * assembly, not the validation report, where that validation only writes warnings (it fails
 * no synthesis without the @aws-cdk/core:validateAgainstDefaultRules flag); it costs ~2.5 s.
 */
function newApp(): App {
  return new App({ outdir: mkdtempSync(join(tmpdir(), 'crosswalk-synth-')), builtinCloudFormationValidation: false });
}

describe('TargetAccountSynthesizer', () => {
  function rolesApp() {
    const app = newApp();
    const stack = new Stack(app, 'CheckinDeploymentRoles-dev', {
      env: { account: DEV, region: naming.region },
      synthesizer: new TargetAccountSynthesizer(),
    });
    new CrossAccountDeploymentRoles(stack, 'DeploymentRoles', { naming, buildAccountId: BUILD });
    return { app, stack };
  }

  test('a roles stack needs no bootstrap: no BootstrapVersion parameter or CheckBootstrapVersion rule, no role to assume, the template inline', () => {
    const { app, stack } = rolesApp();
    const assembly = app.synth();
    const artifact = assembly.getStackArtifact(stack.artifactId);
    expect(artifact.template.Parameters?.BootstrapVersion).toBeUndefined();
    expect(artifact.template.Rules?.CheckBootstrapVersion).toBeUndefined();
    expect(JSON.stringify(artifact.template)).not.toMatch(/hnb659fds|cdk-bootstrap/);
    expect(artifact.assumeRoleArn).toBeUndefined();
    expect(artifact.cloudFormationExecutionRoleArn).toBeUndefined();
    expect(artifact.stackTemplateAssetObjectUrl).toBeUndefined();
    expect(artifact.requiresBootstrapStackVersion).toBeUndefined();
    expect(artifact.dependencies).toEqual([]);
    // The CLI deploys the template inline, which CloudFormation accepts up to 51,200 bytes.
    expect(JSON.stringify(artifact.template).length).toBeLessThan(51_200);
  });

  test('fails for a file asset, and says where it belongs', () => {
    const { stack } = rolesApp();
    expect(() => new s3assets.Asset(stack, 'Code', { path: handlerDir() })).toThrow(
      /^stack 'CheckinDeploymentRoles-dev' deploys into an account without CDK bootstrap, so it cannot have file assets \(got '.+'\): define the resources inline, or move them to a stack of the build account$/);
  });

  test('fails for a Docker image asset, and says where it belongs', () => {
    const { stack } = rolesApp();
    expect(() => new lambda.DockerImageFunction(stack, 'Image', { code: lambda.DockerImageCode.fromImageAsset(imageDir()) })).toThrow(
      /^stack 'CheckinDeploymentRoles-dev' deploys into an account without CDK bootstrap, so it cannot have Docker image assets \(got '.+'\): move them to a stack of the build account$/);
  });
});

describe('ServiceStackSynthesizer', () => {
  function functionIn(stack: Stack): lambda.Function {
    return new lambda.Function(stack, 'Api', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(handlerDir()),
    });
  }

  function serviceApp(synthesizer = new ServiceStackSynthesizer({ naming, buildAccountId: BUILD })) {
    const app = newApp();
    const stack = new Stack(app, 'Checkin-Api', { env: { account: DEV, region: naming.region }, synthesizer });
    return { app, stack, fn: functionIn(stack) };
  }

  test('the template needs no bootstrap: no BootstrapVersion parameter, no CheckBootstrapVersion rule, no bootstrap role', () => {
    const { app, stack } = serviceApp();
    const artifact = app.synth().getStackArtifact(stack.artifactId);
    expect(artifact.template.Parameters?.BootstrapVersion).toBeUndefined();
    expect(artifact.template.Rules?.CheckBootstrapVersion).toBeUndefined();
    expect(JSON.stringify(artifact.template)).not.toMatch(/hnb659fds|cdk-bootstrap/);
    expect(artifact.assumeRoleArn).toBeUndefined();
    expect(artifact.cloudFormationExecutionRoleArn).toBeUndefined();
    expect(artifact.requiresBootstrapStackVersion).toBeUndefined();
  });

  test('a Lambda function\'s code is read from the build account\'s artifact bucket, under the assets prefix', () => {
    const { app, stack, fn } = serviceApp();
    const template = app.synth().getStackArtifact(stack.artifactId).template;
    const code = template.Resources[stack.getLogicalId(fn.node.defaultChild as lambda.CfnFunction)].Properties.Code;
    expect(code.S3Bucket).toBe(BUCKET);
    expect(code.S3Key).toMatch(/^assets\/[0-9a-f]{64}\.zip$/);
  });

  test('the asset manifest sends the code and the template to the artifact bucket with the caller\'s credentials (no role to assume)', () => {
    const { app, stack } = serviceApp();
    const assembly = app.synth();
    const artifact = assembly.getStackArtifact(stack.artifactId);
    const manifest = JSON.parse(readFileSync(join(assembly.directory, `${stack.artifactId}.assets.json`), 'utf-8'));
    const files = Object.values<any>(manifest.files);
    expect(files.map((f) => f.source.packaging ?? 'file').sort()).toEqual(['file', 'zip']); // the template and the code bundle
    for (const file of files) {
      const destinations = Object.values<any>(file.destinations);
      expect(destinations).toHaveLength(1);
      for (const destination of destinations) {
        expect(destination.bucketName).toBe(BUCKET);
        expect(destination.objectKey).toMatch(/^assets\/[0-9a-f]{64}\.(zip|json)$/);
        expect(destination.assumeRoleArn).toBeUndefined();
        expect(destination.region).toBe(naming.region);
      }
    }
    expect(manifest.dockerImages ?? {}).toEqual({});
    expect(artifact.stackTemplateAssetObjectUrl).toMatch(new RegExp(`^s3://${BUCKET}/assets/[0-9a-f]{64}\\.json$`));
  });

  test('one synthesizer per stack: a shared one would write each stack\'s assets into the other\'s manifest, so it is refused with the fix', () => {
    const synthesizer = new ServiceStackSynthesizer({ naming, buildAccountId: BUILD });
    const app = newApp();
    functionIn(new Stack(app, 'Checkin-Api-dev', { env: { account: DEV, region: naming.region }, synthesizer }));
    expect(() => new Stack(app, 'Checkin-Api-prod', { env: { account: '333333333333', region: naming.region }, synthesizer }))
      .toThrow(/^this ServiceStackSynthesizer is already used by stack 'Checkin-Api-dev', and stack 'Checkin-Api-prod' was given it too: .*give each stack its own: synthesizer: new ServiceStackSynthesizer\(\{ naming, buildAccountId \}\)$/);
    // One each: every stack's manifest holds its own code and template only.
    const separate = newApp();
    const stacks = ['Checkin-Api-dev', 'Checkin-Api-prod'].map((id, i) => {
      const stack = new Stack(separate, id, { env: { account: i === 0 ? DEV : '333333333333', region: naming.region }, synthesizer: new ServiceStackSynthesizer({ naming, buildAccountId: BUILD }) });
      new lambda.Function(stack, 'Api', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromAsset(handlerDir(id)) });
      return stack;
    });
    const assembly = separate.synth();
    for (const stack of stacks) {
      expect(assembly.getStackArtifact(stack.artifactId).stackTemplateAssetObjectUrl).toMatch(new RegExp(`^s3://${BUCKET}/assets/`));
      const manifest = assembly.artifacts.find((a) => a.id === `${stack.artifactId}.assets`) as any;
      expect(Object.keys(manifest.contents.files)).toHaveLength(2); // its code and its template
    }
  });

  test('fails for a Docker image asset: there is no registry to publish it to', () => {
    const { stack } = serviceApp();
    expect(() => new lambda.DockerImageFunction(stack, 'Image', { code: lambda.DockerImageCode.fromImageAsset(imageDir()) })).toThrow(
      new RegExp("^stack 'Checkin-Api' deploys into a target account without CDK bootstrap, so it cannot have Docker image assets \\(got '.+'\\): " +
        `there is no container registry to publish them to; ship the code as a file asset \\(for example lambda\\.Code\\.fromAsset\\), which goes to the artifact bucket '${BUCKET}'`));
  });

  test('fails for a stack in another region than the naming convention\'s, whose functions could not read the bucket', () => {
    const synthesizer = new ServiceStackSynthesizer({ naming, buildAccountId: BUILD });
    expect(() => new Stack(new App(), 'Checkin-Api', { env: { account: DEV, region: 'us-east-1' }, synthesizer })).toThrow(
      `stack 'Checkin-Api' is in region 'us-east-1', but its code assets go to the artifact bucket '${BUCKET}' in 'eu-west-1' ` +
      'and Lambda reads a function\'s code only from a bucket in the function\'s region: deploy the stack to \'eu-west-1\', ' +
      'or synthesize it with naming.forRegion(\'us-east-1\') (the artifact store of that region of the build account)');
  });

  test('fails for a stack without a region', () => {
    const synthesizer = new ServiceStackSynthesizer({ naming, buildAccountId: BUILD });
    expect(() => new Stack(new App(), 'Checkin-Api', { synthesizer })).toThrow(
      `stack 'Checkin-Api' has no region, but its code assets go to the artifact bucket '${BUCKET}' in 'eu-west-1' and Lambda reads a function's code only from a bucket in the function's region: give the stack env: { region: 'eu-west-1' }`);
  });

  test('fails on a build account id that is not 12 digits, or not known at synth time', () => {
    expect(() => new ServiceStackSynthesizer({ naming, buildAccountId: '1111-2222-3333' }))
      .toThrow("buildAccountId must be a 12-digit AWS account id, got '1111-2222-3333'");
    expect(() => new ServiceStackSynthesizer({ naming, buildAccountId: Token.asString({ Ref: 'BuildAccount' }) }))
      .toThrow('buildAccountId must be a literal 12-digit account id, not a token: the asset manifest names the artifact bucket, which derives from it, at synth time');
  });
});

