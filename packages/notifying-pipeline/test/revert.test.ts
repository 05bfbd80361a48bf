/**
 * The revert on alarm, as the template wires it: for every environment with a bake and a
 * review, the change set is created by the change set function with the environment's alarms
 * and the bake as CloudFormation's rollback triggers and monitoring time
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-rollback-triggers.html);
 * that function alone may assume the deployment roles; the bake reports on the window
 * CloudFormation watched. The function's behaviour on the wire: test/lambda/pipeline-checks-wire.test.ts.
 */
import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { NotifyingPipeline } from '../src';
import { DEV, PROD, dev, naming, prod, synthPipeline } from './fixtures';

function actionOf(template: Template, stageName: string, actionName: string): any {
  const pipeline = Object.values(template.findResources('AWS::CodePipeline::Pipeline'))[0];
  return pipeline.Properties.Stages.find((s: any) => s.Name === stageName)?.Actions.find((a: any) => a.Name === actionName);
}
const userParameters = (action: any) => JSON.parse(action.Configuration.UserParameters);
const roleByName = (template: Template, name: string) => Object.entries<any>(template.findResources('AWS::IAM::Role')).find(([, r]) => r.Properties.RoleName === name);

describe('revert on alarm', () => {
  const staging = { ...prod, name: 'Staging', account: '444444444444', stackName: 'Crosswalk-SampleApi-Staging', bakeTime: Duration.minutes(30), bakeAlarmNamePrefix: 'Crosswalk-Staging-Health' };
  const template = Template.fromStack(synthPipeline({ environments: [dev, staging, prod] }).stack);

  test.each([
    ['Staging', '444444444444', 'Crosswalk-SampleApi-Staging', 'Crosswalk-Staging-Health', 30],
    ['Prod', PROD, 'Crosswalk-SampleApi-Prod', 'Crosswalk-SampleApi-Prod-', 10],
  ])('%s: the change set carries its alarms as rollback triggers and its bake as the monitoring time', (name, account, stackName, prefix, minutes) => {
    const create = actionOf(template, name, 'CreateChangeSet');
    expect(create.ActionTypeId).toMatchObject({ Category: 'Invoke', Provider: 'Lambda' });
    expect(create.InputArtifacts).toEqual([{ Name: 'BuildOutput' }]);
    expect(create.Namespace).toBe(`${name}ChangeSet`);
    expect(userParameters(create)).toEqual({
      check: 'create-change-set', environment: name, account, region: 'eu-west-1', partition: 'aws', stackName,
      changeSetName: 'Crosswalk-#{codepipeline.PipelineExecutionId}',
      templatePath: expect.any(String),
      templateBucket: expect.stringMatching(/^crosswalk-artifacts-/),
      // Under the pipeline's artifact folder (its first 20 characters), which the deployment role reads.
      templateKey: `Crosswalk-pipeline/change-sets/#{codepipeline.PipelineExecutionId}/${name}.template.json`,
      executionRoleArn: naming.executionRoleArn(account),
      capabilities: ['CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'],
      alarmNamePrefix: prefix,
      monitoringMinutes: minutes,
    });
    // The review and the execution act on that change set; the bake covers the window from the verification on.
    expect(userParameters(actionOf(template, name, 'Review')).changeSetName).toBe('Crosswalk-#{codepipeline.PipelineExecutionId}');
    const bake = userParameters(actionOf(template, `${name}Deploy`, 'Bake'));
    expect(bake).toMatchObject({ alarmNamePrefix: prefix, bakeMinutes: minutes, since: `#{${name}Verify.VerifiedAt}` });
    expect(actionOf(template, `${name}Deploy`, 'VerifyReviewedChangeSet').Namespace).toBe(`${name}Verify`);
  });

  test('the change set function has its own convention role: it alone may assume the deployment roles, reads the build output and writes only the templates', () => {
    const [, role] = roleByName(template, naming.changeSetRoleName)!;
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } }]);
    const statements = role.Properties.Policies.flatMap((p: any) => p.PolicyDocument.Statement);
    const bySid = (sid: string) => statements.find((s: any) => s.Sid === sid);
    expect(bySid('CreateChangeSetsThroughTheDeploymentRole')).toMatchObject({ Action: 'sts:AssumeRole', Resource: [naming.deploymentRoleArn('444444444444'), naming.deploymentRoleArn(PROD)] });
    expect(JSON.stringify(bySid('WriteTheTemplates').Resource)).toContain('/Crosswalk-pipeline/change-sets/*');
    expect(bySid('WriteTheTemplates').Action).toBe('s3:PutObject');
    expect(bySid('ReadTheBuildOutput').Action).toBe('s3:GetObject');
    // The review, verification and bake function stays read-only: it may not assume a deployment role.
    const [, checks] = roleByName(template, naming.pipelineChecksRoleName)!;
    expect(JSON.stringify(checks.Properties.Policies)).not.toContain('DeploymentRole');
    const functions = Object.values<any>(template.findResources('AWS::Lambda::Function'));
    const changeSetFn = functions.find((f) => f.Properties.Environment?.Variables?.DEPLOYMENT_ROLE_NAME);
    expect(changeSetFn.Properties.Environment.Variables).toEqual({ DEPLOYMENT_ROLE_NAME: naming.deploymentRoleName });
    expect(functions.filter((f) => f.Properties.Environment?.Variables?.DEPLOYMENT_ROLE_NAME)).toHaveLength(1);
  });

  test('an environment without the revert keeps CodePipeline\'s change set action and a bake of its own; no function may then assume its deployment role', () => {
    const t = Template.fromStack(synthPipeline({ environments: [dev, { ...prod, revertOnAlarm: false }] }).stack);
    expect(actionOf(t, 'Prod', 'CreateChangeSet').ActionTypeId).toMatchObject({ Category: 'Deploy', Provider: 'CloudFormation' });
    expect(userParameters(actionOf(t, 'ProdDeploy', 'Bake')).since).toBeUndefined();
    expect(roleByName(t, naming.changeSetRoleName)).toBeUndefined();
  });

  test('the revert is refused where it cannot work, with the fix', () => {
    expect(() => synthPipeline({ environments: [{ ...dev, revertOnAlarm: true }] })).toThrow(/environments\[0\]\.revertOnAlarm needs requireApproval \(environment 'Dev'\)/);
    expect(() => synthPipeline({ environments: [dev, { ...prod, revertOnAlarm: true, bakeTime: Duration.minutes(0) }] })).toThrow(/revertOnAlarm needs a bake \(environment 'Prod'\).*set bakeTime/);
    expect(() => synthPipeline({ environments: [dev, { ...prod, bakeTime: Duration.minutes(181) }] }))
      .toThrow(/bakeTime must be at most 180 minutes when an alarm reverts the release \(environment 'Prod'\).*set revertOnAlarm: false to bake longer/);
    // Longer bakes stay possible without the revert.
    expect(() => synthPipeline({ environments: [dev, { ...prod, bakeTime: Duration.minutes(240), revertOnAlarm: false }] })).not.toThrow();
  });

  test('the rule and defaults other stacks ask (the deployment roles\' trust, a config) are the construct\'s own', () => {
    expect(NotifyingPipeline.bakeMinutes({ requireApproval: true })).toBe(10);
    expect(NotifyingPipeline.bakeMinutes({})).toBe(0);
    expect(NotifyingPipeline.revertsOnAlarm({ requireApproval: true })).toBe(true);
    expect(NotifyingPipeline.revertsOnAlarm({ requireApproval: true, bakeTime: Duration.minutes(0) })).toBe(false);
    expect(NotifyingPipeline.revertsOnAlarm({ requireApproval: true, revertOnAlarm: false })).toBe(false);
    expect(NotifyingPipeline.revertsOnAlarm({ bakeTime: Duration.minutes(10) })).toBe(false);
    expect(NotifyingPipeline.MAX_REVERT_MINUTES).toBe(180);
  });

  test('dev without a bake is deployed by CodePipeline\'s action as before', () => {
    expect(actionOf(template, 'Dev', 'Deploy').RoleArn).toBe(naming.deploymentRoleArn(DEV));
  });
});
