import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { main } from '../src';
import { editJson } from './assemblies';
import { RAW_CONTROL, capture } from './io';

const BUILD = '111111111111';
const REGION = 'eu-west-1';
const BUCKET = `checkin-artifacts-${BUILD}-${REGION}`;

/** See test/assemblies.ts: no built-in template validation in the apps of the tests. */
const NO_TEMPLATE_VALIDATION = { builtinCloudFormationValidation: false };

describe('crosswalk doctor', () => {
  function notificationsAssembly(condition: boolean): string {
    const outdir = mkdtempSync(join(tmpdir(), 'cli-doctor-'));
    const app = new App({ outdir, ...NO_TEMPLATE_VALIDATION });
    const stack = new Stack(app, 'Checkin-Notifications', { env: { account: BUILD, region: REGION } });
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    key.addToResourcePolicy(new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal('events.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: ['*'],
      conditions: condition ? { StringEquals: { 'aws:SourceAccount': BUILD } } : undefined,
    }));
    new sns.Topic(stack, 'Topic', { masterKey: key });
    app.synth();
    return outdir;
  }

  test('reports each finding with its rule, stack, resource and location, and exits 1', async () => {
    const { io, out } = capture();
    expect(await main(['doctor', notificationsAssembly(true), '--project', 'Checkin', '--region', REGION], io)).toBe(1);
    expect(out[0]).toMatch(/^CW1 Checkin-Notifications\/Key\w+ Properties\/KeyPolicy\/Statement\/1\/Condition: key Key\w+ encrypts topic Topic\w+/);
    expect(out.at(-1)).toBe('doctor: 1 finding(s); see the rules in the README of @crosswalk/deploy-rules');
  });

  test('exits 0 on an assembly that breaks no rule', async () => {
    const { io, out } = capture();
    expect(await main(['doctor', notificationsAssembly(false)], io)).toBe(0);
    expect(out).toEqual(['doctor: no finding']);
  });

  test.each([
    ['null', null, /the template of stack 'Checkin-Notifications' is null, not a CloudFormation template/],
    ['[]', [], /the template of stack 'Checkin-Notifications' is an array, not a CloudFormation template/],
    ['a template without Resources', { Outputs: {} }, /has no Resources section; CloudFormation needs an object of resources there/],
    ['Resources that are a string', { Resources: 'AWS::S3::Bucket' }, /has a Resources section that is 'AWS::S3::Bucket'/],
    ['Resources that are an array', { Resources: [] }, /has a Resources section that is an array/],
    ['no resource', { Resources: {} }, /has no resource; CloudFormation deploys a template only with at least one/],
    ['a resource without a Type', { Resources: { Key: { Properties: {} } } }, /has a resource 'Key' without a Type/],
  ])('refuses a template that is %s, with exit 1 and no "no finding"', async (_name, template, message) => {
    const dir = notificationsAssembly(false);
    writeFileSync(join(dir, 'Checkin-Notifications.template.json'), JSON.stringify(template));
    const { io, out, err } = capture();

    expect(await main(['doctor', dir], io)).toBe(1);

    expect(err.join('\n')).toMatch(message);
    expect(out).toEqual([]);
  });

  test('refuses an assembly with no stacks, with exit 1', async () => {
    const dir = notificationsAssembly(false);
    editJson(join(dir, 'manifest.json'), (manifest) => { manifest.artifacts = {}; });
    const { io, out, err } = capture();

    expect(await main(['doctor', dir], io)).toBe(1);

    expect(err[0]).toMatch(/^crosswalk doctor: the cloud assembly '.*' has no stack \(its manifest lists no artifact of type aws:cloudformation:stack\)/);
    expect(out).toEqual([]);
  });

  test('refuses a template outside the assembly, and a template that is not JSON, without printing either', async () => {
    const dir = notificationsAssembly(false);
    editJson(join(dir, 'manifest.json'), (manifest) => { manifest.artifacts['Checkin-Notifications'].properties.templateFile = '/etc/passwd'; });
    const outside = capture();
    expect(await main(['doctor', dir], outside.io)).toBe(1);
    expect(outside.err[0]).toMatch(/the template of stack 'Checkin-Notifications' is the absolute path '\/etc\/passwd'; the command reads only files inside the cloud assembly/);

    const broken = notificationsAssembly(false);
    writeFileSync(join(broken, 'Checkin-Notifications.template.json'), 'root:x:0:0:root:/root:/bin/bash\n');
    const notJson = capture();
    expect(await main(['doctor', broken], notJson.io)).toBe(1);
    expect(notJson.err[0]).toMatch(/'Checkin-Notifications\.template\.json' cannot be read: it is not valid JSON/);
    expect(notJson.err[0]).not.toContain('root:x');
    expect(notJson.err[0]).not.toMatch(RAW_CONTROL);
  });
});

describe('the command line', () => {
  test.each([
    [['publish-assets'], /publish-assets takes one cloud assembly folder \(e.g. cdk.out\), got none/],
    [['publish-assets', 'a', 'b'], /got 'a' 'b'/],
    [['publish-assets', 'cdk.out', '--region', 'x'], /unknown option '--region'; the options are --stack, --bucket, --profile, --dry-run/],
    [['publish-assets', 'cdk.out', '--stack'], /--stack needs a value/],
    [['doctor', 'cdk.out', '--project', 'Checkin'], /--project and --region go together/],
    [['deploy'], /unknown command 'deploy'/],
    // The repository's build tooling, not a command of the product (tools/nx-cache.ts).
    [['nx-cache', '.nx/task-cache', '--', 'npx', 'nx'], /unknown command 'nx-cache'/],
  ])('refuses %j with exit 2 and the usage', async (argv, message) => {
    const { io, err } = capture();
    expect(await main(argv as string[], io)).toBe(2);
    expect(err[0]).toMatch(message);
    expect(err[0]).toContain('Usage: crosswalk <command> [options]');
  });

  test('help prints the usage', async () => {
    const { io, out } = capture();
    expect(await main(['help'], io)).toBe(0);
    expect(out[0]).toContain('publish-assets <cdk.out>');
    expect(out[0]).not.toContain('nx-cache');
  });

});

describe('crosswalk clean-assets', () => {
  test('is a command of crosswalk: its own usage errors exit 2, --delete without --stack is refused', async () => {
    const { io, err } = capture();
    expect(await main(['clean-assets', '--bucket', BUCKET, '--region', REGION, '--delete'], io)).toBe(2);
    expect(err[0]).toMatch(/^clean-assets: --delete needs at least one --stack <name>\[@<profile>\]/);
  });
});
