import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { NotifyingPipeline, NotifyingPipelineProps } from '../src';
import { synthesizeAndReadReport } from '../../../test-support/nag';
import { BUILD, REGION, buildSpec, dev, naming, prod } from './fixtures';

interface Finding { readonly rule: string; readonly path: string }

/**
 * Synthesizes with the AwsSolutions pack and returns the findings left unacknowledged, of every
 * plugin (CloudFormation's template validation included: this app keeps it).
 */
function unacknowledgedFindings(app: App): Finding[] {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return synthesizeAndReadReport(app).pluginReports.flatMap((plugin: any) => plugin.violations.flatMap((v: any) =>
    v.violatingConstructs.map((c: any) => ({ rule: v.ruleName, path: c.constructPath }))));
}

function acknowledgements(root: IConstruct): Array<{ id: string; reason: string; path: string }> {
  return root.node.findAll().flatMap((c) => c.node.metadata
    .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .flatMap((m) => Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({ id, reason, path: c.node.path }))));
}

describe('NotifyingPipeline cdk-nag', () => {
  let outdir: string;
  beforeEach(() => { outdir = mkdtempSync(join(tmpdir(), 'notifying-pipeline-nag-')); });
  afterEach(() => rmSync(outdir, { recursive: true, force: true }));

  /** A pipeline in a stack of the build account, its artifact store imported, with these props over the common ones. */
  function pipelineIn(app: App, props: Omit<NotifyingPipelineProps, 'naming' | 'artifactBucket' | 'artifactKey' | 'source' | 'buildSpec'>): Stack {
    const stack = new Stack(app, 'Pipeline', { env: { account: BUILD, region: REGION } });
    new NotifyingPipeline(stack, 'Pipeline', {
      naming,
      artifactBucket: s3.Bucket.fromBucketName(stack, 'ArtifactBucket', naming.artifactBucketName(BUILD)),
      artifactKey: kms.Key.fromKeyArn(stack, 'ArtifactKey', `arn:aws:kms:${REGION}:${BUILD}:key/1234abcd-12ab-34cd-56ef-1234567890ab`),
      source: { owner: 'crosswalk-dev', repo: 'crosswalk' },
      buildSpec: buildSpec(),
      notificationEmails: ['team@example.com'],
      ...props,
    });
    return stack;
  }

  test('waves across two regions: no unacknowledged AwsSolutions finding', () => {
    const app = new App({ outdir });
    const west = 'us-west-2';
    pipelineIn(app, {
      environments: [
        { ...dev, wave: 'Dev' }, { ...dev, name: 'DevWest', region: west, stackName: 'Crosswalk-SampleApi-DevWest', wave: 'Dev' },
        { ...prod, wave: 'Prod' }, { ...prod, name: 'ProdWest', region: west, stackName: 'Crosswalk-SampleApi-ProdWest', wave: 'Prod' },
      ],
      regionalArtifactKeyArns: { [west]: `arn:aws:kms:${west}:${BUILD}:key/0000aaaa-11bb-22cc-33dd-444455556666` },
    });
    expect(unacknowledgedFindings(app)).toEqual([]);
  });

  test('every option on: no unacknowledged AwsSolutions finding, and each acknowledgement gives its own reason', () => {
    const app = new App({ outdir });
    const staging = { ...dev, name: 'Staging', account: '444444444444', stackName: 'Crosswalk-SampleApi-Staging', requireApproval: true };
    const stack = pipelineIn(app, { environments: [dev, staging, prod], notifyOnSuccess: true, notifyOnApprovalWaiting: true });

    expect(unacknowledgedFindings(app)).toEqual([]);

    const acks = acknowledgements(stack);
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      expect(ack.id).toMatch(/^AwsSolutions::AwsSolutions-(IAM5\[(Action|Resource)::.+\]|L1)$/);
      expect(ack.reason.length).toBeGreaterThan(60);
    }
    // One reason per kind of finding: the same text never covers two different findings.
    const idsByReason = new Map<string, Set<string>>();
    for (const ack of acks) idsByReason.set(ack.reason, (idsByReason.get(ack.reason) ?? new Set()).add(ack.id));
    for (const [reason, ids] of idsByReason) expect([reason, ids.size]).toEqual([reason, 1]);
  });

  test('the check is live: a finding outside the pipeline in the same stack is reported', () => {
    const app = new App({ outdir });
    const stack = pipelineIn(app, { environments: [dev, prod] });
    new s3.Bucket(stack, 'Unlogged', { enforceSSL: true });
    expect(unacknowledgedFindings(app).map((f) => f.rule)).toEqual(['AwsSolutions-S1']);
  });
});
