import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, CfnResource } from 'aws-cdk-lib';
import { validateTemplates } from '../../src/compliance';
import { loadConfig } from '../../src/config';
import { addBuildAccountStacks } from '../../src/stacks';

// aws-cdk-lib's CloudFormation template validation, which the app's synth leaves to this test.
test('the four stacks pass CloudFormation\'s template validation (resource schemas and CDK\'s rules)', () => {
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'build-account-validation-')), builtinCloudFormationValidation: false });
  addBuildAccountStacks(app, loadConfig(undefined, {}));
  app.synth();
  expect(validateTemplates(app)).toEqual([]);
});

test('the validation is live: a template CloudFormation would refuse is reported', () => {
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'build-account-validation-')), builtinCloudFormationValidation: false });
  const stacks = addBuildAccountStacks(app, loadConfig(undefined, {}));
  // A log group retention CloudFormation does not accept.
  new CfnResource(stacks.pipeline, 'Broken', { type: 'AWS::Logs::LogGroup', properties: { RetentionInDays: 4 } });
  app.synth();
  expect(validateTemplates(app).join('\n')).toMatch(/Broken/);
});
