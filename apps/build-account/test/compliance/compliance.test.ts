import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ComplianceSummary, addCompliance, formatCompliance, readCompliance } from '../../src/compliance';
import { loadConfig } from '../../src/config';
import { addBuildAccountStacks } from '../../src/stacks';

// cfn-guard runs over every template; a synthesis takes seconds, the four stacks ~30 s on 2 cores.
jest.setTimeout(180_000);

const config = loadConfig(undefined, {});

// In report mode cdk prints the findings (as warnings) on stderr; the tests read the report files.
let quiet: jest.SpyInstance;
beforeAll(() => { quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined); });
afterAll(() => { quiet.mockRestore(); });

function synthesize(build: (app: App) => void, failSynth = false): { app: App; summary: ComplianceSummary } {
  // Without aws-cdk-lib's built-in CloudFormation template validation, as the compliance task
  // synthesizes (src/main.ts): these tests read the cfn-guard findings, and that validation only
  // adds warnings of its own plugin to the report, for ~2.5 s (its WebAssembly) per file.
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'compliance-')), builtinCloudFormationValidation: false });
  addCompliance(app, config, { failSynth });
  build(app);
  app.synth();
  return { app, summary: readCompliance(app.outdir) };
}

describe('addCompliance', () => {
  let summary: ComplianceSummary;

  beforeAll(() => {
    ({ summary } = synthesize((app) => {
      const stack = new Stack(app, 'Probe', { env: { account: config.accounts.prod, region: config.region } });
      new s3.Bucket(stack, 'Unversioned', { encryption: s3.BucketEncryption.KMS, enforceSSL: true });
      new s3.Bucket(stack, 'Versioned', { versioned: true, encryption: s3.BucketEncryption.KMS, enforceSSL: true });
      new logs.LogGroup(stack, 'ShortLived', { retention: logs.RetentionDays.TWO_WEEKS });
    }));
  });

  test('reports a bucket without versioning under Control Tower control CT.S3.PR.11, on that bucket only', () => {
    const versioning = summary.findings.filter((f) => f.rule === 's3_bucket_versioning_enabled_check');
    expect(versioning.map((f) => f.resource)).toEqual(['Probe/Unversioned/Resource']);
    expect(versioning[0]).toMatchObject({
      controlId: 'CT.S3.PR.11',
      stack: 'Probe',
      description: 'Require an Amazon S3 bucket to have versioning enabled',
    });
    expect(versioning[0].fix).toContain('VersioningConfiguration');
  });

  test('counts each control once per stack: the failed ones, the passed ones and the rest as not applicable', () => {
    const probe = summary.stacks.find((s) => s.stack === 'Probe')!;
    // Failed: versioning (one bucket), log retention and log encryption, at least.
    expect(probe.failed).toBeGreaterThanOrEqual(3);
    expect(probe.passed).toBeGreaterThan(0); // e.g. block public access, KMS encryption of both buckets
    expect(probe.applied).toBe(probe.passed + probe.failed + probe.acknowledged);
    expect(probe.applied + probe.notApplicable).toBe(summary.controlsRun);
    expect(summary.controlsRun).toBeGreaterThan(100); // the Control Tower pack, not an empty rules directory
  });

  test('acknowledges nothing on resources it does not recognise, and outside the dev account keeps short log retention a finding', () => {
    // Log groups are recognised: without a customer key each one carries the CT.CLOUDWATCH.PR.3 acknowledgement.
    expect(summary.acknowledged.filter((f) => f.rule !== 'cloudwatch_log_group_encrypted_check')).toEqual([]);
    expect(summary.findings.some((f) => f.rule === 'cloudwatch_log_group_retention_period_check' && f.resource === 'Probe/ShortLived/Resource')).toBe(true);
  });

  test('the printed report names the failing control and resource and says FAIL', () => {
    const text = formatCompliance(summary, 'probe');
    expect(text).toContain('[CT.S3.PR.11] Require an Amazon S3 bucket to have versioning enabled');
    expect(text).toContain('Probe/Unversioned/Resource');
    expect(text).toMatch(/Result: FAIL, \d+ finding\(s\) not acknowledged/);
  });

  test('short log retention in the dev account is acknowledged, with the configured number of days in the reason', () => {
    const { summary: dev } = synthesize((app) => {
      const stack = new Stack(app, 'DevProbe', { env: { account: config.accounts.dev, region: config.region } });
      new logs.LogGroup(stack, 'ShortLived', { retention: logs.RetentionDays.TWO_WEEKS });
    });
    const acked = dev.acknowledged.filter((f) => f.rule === 'cloudwatch_log_group_retention_period_check');
    expect(acked.map((f) => f.resource)).toEqual(['DevProbe/ShortLived/Resource']);
    expect(acked[0].reason).toContain('keeps 14 days');
    expect(dev.findings.some((f) => f.rule === 'cloudwatch_log_group_retention_period_check')).toBe(false);
  });

  test('fails the synthesis on an unacknowledged finding when asked to', () => {
    expect(() => synthesize((app) => {
      const stack = new Stack(app, 'Strict', { env: { account: config.accounts.prod, region: config.region } });
      new s3.Bucket(stack, 'Unversioned', { encryption: s3.BucketEncryption.KMS, lifecycleRules: [{ expiration: Duration.days(30) }] });
    }, true)).toThrow(/s3_bucket_versioning_enabled_check[\s\S]*Strict\/Unversioned\/Resource|Strict\/Unversioned\/Resource[\s\S]*s3_bucket_versioning_enabled_check/);
  });
});

describe('Control Tower findings on the build-account stacks', () => {
  let summary: ComplianceSummary;

  beforeAll(() => {
    ({ summary } = synthesize((app) => { addBuildAccountStacks(app, config); }));
  });

  test('runs over all five stacks', () => {
    expect(summary.stacks.map((s) => s.stack)).toEqual([
      'Crosswalk-ArtifactStore', 'Crosswalk-Pipeline', 'CrosswalkDeploymentRoles-build', 'CrosswalkDeploymentRoles-dev', 'CrosswalkDeploymentRoles-prod',
    ]);
  });

  test('every acknowledged finding carries a reason specific to its control and resource', () => {
    expect(summary.acknowledged.length).toBeGreaterThan(0);
    for (const finding of summary.acknowledged) {
      expect(finding.reason).toBeDefined();
      expect(finding.reason!.length).toBeGreaterThan(80);
    }
    // One reason per (control, kind of resource): the same text is never reused across controls.
    const controlsByReason = new Map<string, Set<string>>();
    for (const f of summary.acknowledged) {
      controlsByReason.set(f.reason!, (controlsByReason.get(f.reason!) ?? new Set()).add(f.rule));
    }
    for (const rules of controlsByReason.values()) expect(rules.size).toBe(1);
  });

  test('log groups without a customer key are acknowledged for CT.CLOUDWATCH.PR.3 with the reason, one by one', () => {
    const encryption = summary.acknowledged.filter((f) => f.controlId === 'CT.CLOUDWATCH.PR.3');
    expect(encryption.length).toBeGreaterThan(0);
    for (const finding of encryption) {
      expect(finding.resource).toMatch(/LogGroup|Logs/);
      expect(finding.reason).toContain('carry no secrets');
    }
  });

  test('acknowledges only what does not apply: the access-log bucket\'s SSE-KMS, the artifact bucket\'s events and object lock, the policy-less approvers group', () => {
    const acked = summary.acknowledged.filter((f) => f.controlId !== 'CT.CLOUDWATCH.PR.3').map((f) => `${f.controlId} ${f.resource}`).sort();
    expect(acked).toEqual([
      'CT.IAM.PR.1 Crosswalk-Pipeline/Pipeline/Approvers/Resource',
      'CT.IAM.PR.5 Crosswalk-Pipeline/Pipeline/Approvers/Resource',
      'CT.S3.PR.10 Crosswalk-ArtifactStore/ArtifactStore/AccessLogs/Resource',
      'CT.S3.PR.2 Crosswalk-ArtifactStore/ArtifactStore/AccessLogs/Resource',
      'CT.S3.PR.4 Crosswalk-ArtifactStore/ArtifactStore/AccessLogs/Resource',
      'CT.S3.PR.4 Crosswalk-ArtifactStore/ArtifactStore/Bucket/Resource',
      'CT.S3.PR.9 Crosswalk-ArtifactStore/ArtifactStore/AccessLogs/Resource',
      'CT.S3.PR.9 Crosswalk-ArtifactStore/ArtifactStore/Bucket/Resource',
    ]);
  });

  test('the deployment-role stacks pass every control that applies to them', () => {
    for (const name of ['CrosswalkDeploymentRoles-dev', 'CrosswalkDeploymentRoles-prod']) {
      const stack = summary.stacks.find((s) => s.stack === name)!;
      expect(stack).toMatchObject({ failed: 0, acknowledged: 0 });
      expect(stack.passed).toBeGreaterThan(0);
    }
  });
});
