import { readFileSync } from 'fs';
import { join } from 'path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { CrosswalkNaming } from '@crosswalk/cross-account-role';
import { DEPLOY_RULES, DeployRules } from '../src';

const ENV = { account: '111111111111', region: 'eu-west-1' };

/**
 * A stack with a topic encrypted by a key that lets EventBridge use it; with `condition`,
 * only under that condition (rule CW1 refuses aws:Source* conditions there).
 */
function topicStack(app: App, condition?: Record<string, any>): Stack {
  const stack = new Stack(app, 'Notifications', { env: ENV });
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  key.addToResourcePolicy(new iam.PolicyStatement({
    principals: [new iam.ServicePrincipal('events.amazonaws.com')],
    actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
    resources: ['*'],
    conditions: condition,
  }));
  new sns.Topic(stack, 'Topic', { masterKey: key });
  return stack;
}

/**
 * An app without aws-cdk-lib's built-in CloudFormation template validation: the tests read the
 * deploy rules' own report (the first) and what they throw; that validation only adds warnings
 * of its own (it fails no synthesis without the @aws-cdk/core:validateAgainstDefaultRules flag).
 */
const newApp = (): App => new App({ builtinCloudFormationValidation: false });

const brokenTopicStack = (app: App) => topicStack(app, { StringEquals: { 'aws:SourceAccount': ENV.account } });

function report(app: App): any {
  return JSON.parse(readFileSync(join(app.outdir, 'validation-report.json'), 'utf-8'));
}

describe('DeployRules', () => {
  test('fails synthesis on a finding, naming the rule, its AWS source, the resource and the fix', () => {
    const app = newApp();
    Validations.of(app).addPlugins(new DeployRules());
    brokenTopicStack(app);
    expect(() => app.synth()).toThrow(/ERROR EventBridge may use the key of an encrypted topic[\s\S]*Acknowledge with 'crosswalk-deploy-rules::CW1'/);
    const [plugin] = report(app).pluginReports;
    expect(plugin.pluginName).toBe('crosswalk-deploy-rules');
    expect(plugin.violations).toHaveLength(1);
    const [violation] = plugin.violations;
    expect(violation.ruleName).toBe('CW1');
    expect(violation.ruleMetadata.source).toBe('https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services');
    expect(violation.suggestedFix).toMatch(/Remove the aws:Source\* condition/);
    expect(violation.violatingConstructs.map((c: any) => [c.constructPath, c.cloudFormationResource.propertyPaths])).toEqual([
      ['Notifications/Key/Resource', ['Properties/KeyPolicy/Statement/1/Condition']],
    ]);
  });

  test('synthesizes a stack that breaks no rule', () => {
    const app = newApp();
    Validations.of(app).addPlugins(new DeployRules({ naming: new CrosswalkNaming({ projectName: 'Checkin', region: ENV.region }) }));
    topicStack(app);
    expect(() => app.synth()).not.toThrow();
  });

  test('a finding acknowledged with a reason no longer fails synthesis', () => {
    const app = newApp();
    Validations.of(app).addPlugins(new DeployRules());
    const stack = brokenTopicStack(app);
    Validations.of(stack).acknowledge({ id: 'crosswalk-deploy-rules::CW1', reason: 'This topic only receives messages from a Lambda function, never from EventBridge' });
    expect(() => app.synth()).not.toThrow();
  });

  test('skip turns a rule off; an unknown rule id fails with the known ones', () => {
    const app = newApp();
    Validations.of(app).addPlugins(new DeployRules({ skip: ['CW1'] }));
    brokenTopicStack(app);
    expect(() => app.synth()).not.toThrow();
    expect(new DeployRules({ skip: ['CW1'] }).ruleIds).toEqual(DEPLOY_RULES.map((r) => r.id).filter((id) => id !== 'CW1'));
    expect(() => new DeployRules({ skip: ['CW99'] })).toThrow(`skip names an unknown deploy rule 'CW99': use one of ${DEPLOY_RULES.map((r) => r.id).join(', ')}`);
  });
});

describe('README', () => {
  test('its table lists every rule with its AWS source, as DEPLOY_RULES has them', () => {
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf-8');
    const rows = readme.split('\n').filter((line) => /^\| CW\d+ \|/.test(line));
    expect(rows).toEqual(DEPLOY_RULES.map((r) => `| ${r.id} | ${r.title} | ${r.behaviour} | ${r.source} |`));
  });
});

describe('checkStacks', () => {
  test('checks templates on disk, across stacks, with each stack\'s account and region', () => {
    const app = newApp();
    brokenTopicStack(app);
    const assembly = app.synth();
    const [stack] = assembly.stacks;
    const findings = new DeployRules().checkStacks([{ stackName: stack.stackName, templatePath: stack.templateFullPath, account: ENV.account, region: ENV.region }]);
    expect(findings).toEqual([expect.objectContaining({
      ruleId: 'CW1',
      stackName: 'Notifications',
      templatePath: stack.templateFullPath,
      location: 'Properties/KeyPolicy/Statement/1/Condition',
      message: expect.stringContaining('requires aws:sourceaccount'),
    })]);
  });
});
