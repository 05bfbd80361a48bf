import * as fs from 'fs';
import * as path from 'path';
import { App, Validations } from 'aws-cdk-lib';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { SafeLambdaDeploy, TrafficShift } from '../src';
import { EXISTING_FUNCTION_ARN, stackWithExistingFunction, stackWithFunction } from './fixtures';

// The report read here holds every plugin's findings, the built-in template validation's too.
const templateValidation = true;

interface Finding {
  readonly rule: string;
  readonly path: string;
  readonly reason?: string;
}

/** Synthesizes the app with the AwsSolutions pack and returns what the validation report lists. */
function nag(app: App): { unacknowledged: Finding[]; acknowledged: Finding[] } {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const reportFile = path.join(app.outdir, 'validation-report.json');
  try {
    app.synth();
  } catch (err) {
    // A failed validation throws after writing its report; anything else is a real error.
    if (!fs.existsSync(reportFile)) throw err;
  }
  const report = fs.existsSync(reportFile) ? JSON.parse(fs.readFileSync(reportFile, 'utf-8')) : { pluginReports: [] };
  const findings = (key: 'violations' | 'suppressedViolations') => report.pluginReports.flatMap((plugin: any) =>
    (plugin[key] ?? []).flatMap((v: any) => v.violatingConstructs.map((c: any) => ({ rule: v.ruleName, path: c.constructPath, reason: v.reason }))));
  return { unacknowledged: findings('violations'), acknowledged: findings('suppressedViolations') };
}

describe('SafeLambdaDeploy under cdk-nag AwsSolutions', () => {
  test('has no unacknowledged findings with both hooks, HTTP checks and the errors alarm', () => {
    const { app, stack, fn } = stackWithFunction({ templateValidation });
    new SafeLambdaDeploy(stack, 'Deploy', {
      lambdaFunction: fn,
      trafficShift: TrafficShift.LINEAR_10_PERCENT_EVERY_1_MINUTE,
      postTrafficHook: { baseUrlParameterName: '/crosswalk/api-url', httpChecks: [{ path: '/version' }] },
    });

    const { unacknowledged, acknowledged } = nag(app);

    expect(unacknowledged).toEqual([]);
    // Each acknowledgement names one finding of the construct's own design, with its reason.
    expect(acknowledged.map((f) => `${f.rule} @ ${f.path}`).sort()).toEqual([
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited] @ Service/Deploy/DeploymentGroup/ServiceRole/Resource',
      'AwsSolutions-IAM5[Resource::*] @ Service/Deploy/PostTrafficHook/ServiceRole/DefaultPolicy/Resource',
      'AwsSolutions-IAM5[Resource::*] @ Service/Deploy/PreTrafficHook/ServiceRole/DefaultPolicy/Resource',
      'AwsSolutions-IAM5[Resource::<ApiF70053CD.Arn>:*] @ Service/Deploy/PostTrafficHook/ServiceRole/DefaultPolicy/Resource',
      'AwsSolutions-IAM5[Resource::<ApiF70053CD.Arn>:*] @ Service/Deploy/PreTrafficHook/ServiceRole/DefaultPolicy/Resource',
      'AwsSolutions-IAM5[Resource::<DeployPostTrafficHookCDFBACB1.Arn>:*] @ Service/Deploy/DeploymentGroup/ServiceRole/DefaultPolicy/Resource',
      'AwsSolutions-IAM5[Resource::<DeployPreTrafficHook8615BA9A.Arn>:*] @ Service/Deploy/DeploymentGroup/ServiceRole/DefaultPolicy/Resource',
      'AwsSolutions-L1 @ Service/Deploy/PostTrafficHook/Resource/Resource',
      'AwsSolutions-L1 @ Service/Deploy/PreTrafficHook/Resource/Resource',
    ]);
    for (const finding of acknowledged) expect(finding.reason?.length).toBeGreaterThan(60);
  });

  test('has no unacknowledged findings for an existing function, whose invoke pattern is its ARN', () => {
    const { app, stack, fn, version } = stackWithExistingFunction(undefined, { templateValidation });
    new SafeLambdaDeploy(stack, 'Deploy', { lambdaFunction: fn, version });

    const { unacknowledged, acknowledged } = nag(app);

    expect(unacknowledged).toEqual([]);
    expect(acknowledged.map((f) => `${f.rule} @ ${f.path}`).filter((f) => f.includes('lambda:')).sort()).toEqual([
      `AwsSolutions-IAM5[Resource::${EXISTING_FUNCTION_ARN}:*] @ Service/Deploy/PostTrafficHook/ServiceRole/DefaultPolicy/Resource`,
      `AwsSolutions-IAM5[Resource::${EXISTING_FUNCTION_ARN}:*] @ Service/Deploy/PreTrafficHook/ServiceRole/DefaultPolicy/Resource`,
    ]);
  });

  test('has no unacknowledged findings with a given application and role and no hooks', () => {
    const { app, stack, fn } = stackWithFunction({ templateValidation });
    new SafeLambdaDeploy(stack, 'Deploy', {
      lambdaFunction: fn,
      application: codedeploy.LambdaApplication.fromLambdaApplicationName(stack, 'App', 'checkin'),
      deploymentRole: iam.Role.fromRoleArn(stack, 'Role', 'arn:aws:iam::111111111111:role/checkin-codedeploy'),
      enablePreTrafficHook: false,
      enablePostTrafficHook: false,
    });

    expect(nag(app).unacknowledged).toEqual([]);
  });

  test('the acknowledgements are narrow: another wildcard on a hook role is still reported', () => {
    const { app, stack, fn } = stackWithFunction({ templateValidation });
    const construct = new SafeLambdaDeploy(stack, 'Deploy', { lambdaFunction: fn });
    construct.preTrafficHook!.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::bucket/*'] }));

    expect(nag(app).unacknowledged).toEqual([{
      rule: 'AwsSolutions-IAM5[Resource::arn:aws:s3:::bucket/*]',
      path: 'Service/Deploy/PreTrafficHook/ServiceRole/DefaultPolicy/Resource',
      reason: undefined,
    }]);
  });
});
