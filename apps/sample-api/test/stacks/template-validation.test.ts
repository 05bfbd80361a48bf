import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App } from 'aws-cdk-lib';
import { loadConfig, validateTemplates } from '@crosswalk/build-account';
import { SampleApiStack } from '../../src/stacks';

// aws-cdk-lib's CloudFormation template validation, which the app's synth leaves to this test.
test('the dev and prod stacks pass CloudFormation\'s template validation (resource schemas and CDK\'s rules)', () => {
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'sample-api-validation-')), builtinCloudFormationValidation: false });
  const config = loadConfig(undefined, {});
  for (const environmentName of ['dev', 'prod'] as const) new SampleApiStack(app, { config, environmentName });
  app.synth();
  expect(validateTemplates(app)).toEqual([]);
});
