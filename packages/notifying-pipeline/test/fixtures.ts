import { App, AppProps, Stack } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { CrosswalkNaming } from '@crosswalk/cross-account-role';
import { NotifyingPipeline, NotifyingPipelineProps, PipelineEnvironment } from '../src';

export const BUILD = '111111111111';
export const DEV = '222222222222';
export const PROD = '333333333333';
export const REGION = 'eu-west-1';

export const naming = new CrosswalkNaming({ projectName: 'Crosswalk', region: REGION });

export const dev: PipelineEnvironment = {
  name: 'Dev',
  account: DEV,
  stackName: 'Crosswalk-SampleApi-Dev',
  templatePath: 'apps/sample-api/cdk.out/Dev.template.json',
  outputs: ['ApiUrl'],
  tests: [{
    name: 'Integration',
    commands: ['npm ci', 'npx projen --cwd apps/sample-api integ'],
    environmentFromOutputs: { API_URL: 'ApiUrl' },
  }],
};

export const prod: PipelineEnvironment = {
  name: 'Prod',
  account: PROD,
  stackName: 'Crosswalk-SampleApi-Prod',
  templatePath: 'apps/sample-api/cdk.out/Prod.template.json',
  requireApproval: true,
  outputs: ['ApiUrl'],
  tests: [{
    name: 'Sanity',
    commands: ['npm ci', 'npx projen --cwd apps/sample-api sanity'],
    environmentFromOutputs: { API_URL: 'ApiUrl' },
  }],
};

export const buildSpec = () => codebuild.BuildSpec.fromObject({
  version: '0.2',
  phases: { build: { commands: ['npm ci', 'npx projen build'] } },
  artifacts: { files: ['**/*'] },
});

/**
 * An app for a test that does not read the validation report. It leaves out aws-cdk-lib's
 * built-in CloudFormation template validation: in an app without the
 * `@aws-cdk/core:validateAgainstDefaultRules` flag its findings are only warnings in that
 * report, so it can fail no synthesis, yet it costs each test file about 2.5 s (compiling
 * its 9 MB WebAssembly module) and each synthesis about 0.2 s more. nag.test.ts, which
 * reads the whole report, keeps it.
 */
export function newApp(props: AppProps = {}): App {
  return new App({ builtinCloudFormationValidation: false, ...props });
}

export interface Fixture {
  readonly app: App;
  readonly storeStack: Stack;
  readonly stack: Stack;
  readonly pipeline: NotifyingPipeline;
}

/**
 * The artifact store lives in its own stack (as in the build-account app): a real bucket
 * and key whose policies the pipeline must leave alone.
 */
export function synthPipeline(overrides: Partial<NotifyingPipelineProps> = {}, app = newApp(), region = REGION): Fixture {
  const env = { account: BUILD, region };
  const names = overrides.naming ?? naming;
  const storeStack = new Stack(app, 'ArtifactStore', { env });
  const key = new kms.Key(storeStack, 'Key', { enableKeyRotation: true });
  const bucket = new s3.Bucket(storeStack, 'Bucket', {
    bucketName: names.artifactBucketName(BUILD),
    encryptionKey: key,
    enforceSSL: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  });
  const stack = new Stack(app, 'Pipeline', { env });
  const pipeline = new NotifyingPipeline(stack, 'Pipeline', {
    naming,
    artifactBucket: bucket,
    artifactKey: key,
    source: { owner: 'crosswalk-dev', repo: 'crosswalk', branch: 'main' },
    buildSpec: buildSpec(),
    environments: [dev, prod],
    notificationEmails: ['team@example.com'],
    ...overrides,
  });
  return { app, storeStack, stack, pipeline };
}
