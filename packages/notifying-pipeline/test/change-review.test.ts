import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CrossAccountDeploymentRoles } from '@crosswalk/cross-account-role';
import { AutoApprove, PipelineEnvironment } from '../src';
import { BUILD, DEV, PROD, REGION, dev, naming, newApp, prod, synthPipeline } from './fixtures';

function pipelineOf(environments: PipelineEnvironment[]) {
  const { stack } = synthPipeline({ environments });
  const template = Template.fromStack(stack);
  const [pipeline] = Object.values<any>(template.findResources('AWS::CodePipeline::Pipeline'));
  const stages: Record<string, any> = Object.fromEntries(pipeline.Properties.Stages.map((s: any) => [s.Name, s]));
  const action = (stage: string, name: string) => stages[stage].Actions.find((a: any) => a.Name === name);
  const params = (stage: string, name: string) => JSON.parse(action(stage, name).Configuration.UserParameters);
  return { template, stages, action, params };
}

const list = (value: any): any[] => (value === undefined ? [] : [].concat(value));

describe('change review before an approval', () => {
  const { template, stages, action, params } = pipelineOf([dev, prod]);

  test('the review reads the execution\'s own change set in the target account and writes its report under the pipeline\'s review prefix', () => {
    const review = action('Prod', 'Review');
    expect(review.ActionTypeId).toEqual({ Category: 'Invoke', Owner: 'AWS', Provider: 'Lambda', Version: '1' });
    expect(review.Namespace).toBe('ProdReview');
    expect(review.RunOrder).toBe(2);
    expect(params('Prod', 'Review')).toEqual({
      check: 'review',
      environment: 'Prod',
      account: PROD,
      region: REGION,
      partition: 'aws',
      stackName: 'Crosswalk-SampleApi-Prod',
      changeSetName: 'Crosswalk-#{codepipeline.PipelineExecutionId}',
      pipelineName: 'Crosswalk-pipeline',
      executionId: '#{codepipeline.PipelineExecutionId}',
      autoApprove: 'noChanges',
      reportBucket: naming.artifactBucketName(BUILD),
      reportPrefix: 'change-reviews/Crosswalk-pipeline/',
    });
    // The change set function creates that change set (with the rollback triggers: test/revert.test.ts).
    expect(JSON.parse(action('Prod', 'CreateChangeSet').Configuration.UserParameters).changeSetName).toBe('Crosswalk-#{codepipeline.PipelineExecutionId}');
  });

  test('the approval stage is skipped unless the review asks for a person; the deploy stage unless there is something to execute', () => {
    const skipUnlessTrue = (rule: string, variable: string) => ({
      Conditions: [{
        Result: 'SKIP',
        Rules: [{
          Name: rule,
          RuleTypeId: { Category: 'Rule', Owner: 'AWS', Provider: 'VariableCheck', Version: '1' },
          Configuration: { Variable: variable, Value: 'true', Operator: 'EQ' },
        }],
      }],
    });
    expect(stages.ProdApproval.BeforeEntry).toEqual(skipUnlessTrue('ProdNeedsApproval', '#{ProdReview.ApprovalRequired}'));
    expect(stages.ProdDeploy.BeforeEntry).toEqual(skipUnlessTrue('ProdHasChanges', '#{ProdReview.Execute}'));
    expect(stages.Prod.BeforeEntry).toBeUndefined();
  });

  test('the change set executed is the one reviewed: verified by id right before the execution, then executed by the reviewed name', () => {
    const verify = action('ProdDeploy', 'VerifyReviewedChangeSet');
    expect(verify.RunOrder).toBe(1);
    expect(verify.Namespace).toBe('ProdVerify');
    expect(params('ProdDeploy', 'VerifyReviewedChangeSet')).toEqual({
      check: 'verify', environment: 'Prod', account: PROD, region: REGION, partition: 'aws', stackName: 'Crosswalk-SampleApi-Prod',
      changeSetName: '#{ProdReview.ChangeSetName}', reviewedChangeSetId: '#{ProdReview.ChangeSetId}',
    });
    const execute = action('ProdDeploy', 'ExecuteChangeSet');
    expect(execute.RunOrder).toBe(2);
    expect(execute.Configuration.ChangeSetName).toBe('#{ProdReview.ChangeSetName}');
  });

  test('autoApprove reaches the review as its policy; it needs requireApproval', () => {
    const lowRisk = pipelineOf([dev, { ...prod, autoApprove: AutoApprove.LOW_RISK }]);
    expect(lowRisk.params('Prod', 'Review').autoApprove).toBe('lowRisk');
    expect(pipelineOf([dev, { ...prod, autoApprove: AutoApprove.NEVER }]).params('Prod', 'Review').autoApprove).toBe('never');
    expect(() => pipelineOf([{ ...dev, autoApprove: AutoApprove.LOW_RISK }, prod]))
      .toThrow("environments[0].autoApprove is set but environment 'Dev' has no requireApproval");
  });

  test('an environment whose name would collide with another\'s approval or deploy stage is refused', () => {
    const clash = { ...dev, name: 'ProdDeploy', account: '444444444444', stackName: 'Crosswalk-SampleApi-Staging' };
    expect(() => pipelineOf([clash, prod]))
      .toThrow("environments[1] ('Prod') needs a stage named 'ProdDeploy', which environments[0] ('ProdDeploy') already uses: rename one of them");
  });

  test('the pipeline-checks role may only assume the read-only role of the checked accounts, write the review reports and report to CodePipeline', () => {
    const [id, role] = Object.entries<any>(template.findResources('AWS::IAM::Role', { Properties: { RoleName: naming.pipelineChecksRoleName } }))[0];
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } },
    ]);
    const inline = role.Properties.Policies[0].PolicyDocument.Statement;
    const byAction = Object.fromEntries(inline.flatMap((s: any) => list(s.Action).map((a: string) => [a, list(s.Resource)])));
    // Dev has neither approval nor bake: only Prod's read-only role.
    expect(byAction['sts:AssumeRole']).toEqual([naming.readOnlyRoleArn(PROD)]);
    expect(byAction['s3:PutObject']).toEqual([`arn:aws:s3:::${naming.artifactBucketName(BUILD)}/change-reviews/Crosswalk-pipeline/*`]);
    expect(Object.keys(byAction).sort()).toEqual(['kms:GenerateDataKey', 'logs:CreateLogStream', 'logs:PutLogEvents', 's3:PutObject', 'sts:AssumeRole']);
    // What CDK's Lambda invoke action adds: reporting the job's result, which has no resource-level permission.
    const attached = Object.values<any>(template.findResources('AWS::IAM::Policy'))
      .filter((p) => list(p.Properties.Roles).some((r: any) => r.Ref === id))
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
    expect(attached).toEqual([{ Action: ['codepipeline:PutJobSuccessResult', 'codepipeline:PutJobFailureResult'], Effect: 'Allow', Resource: '*' }]);
  });

  test('both sides line up: the target account\'s read-only role trusts exactly the role the pipeline-checks function runs as', () => {
    const app = newApp();
    const targetStack = new Stack(app, 'ProdRoles', { env: { account: PROD, region: REGION } });
    new CrossAccountDeploymentRoles(targetStack, 'Roles', { naming, buildAccountId: BUILD });
    const [readOnly] = Object.values<any>(Template.fromStack(targetStack).findResources('AWS::IAM::Role', { Properties: { RoleName: naming.readOnlyRoleName } }));
    const trusted = readOnly.Properties.AssumeRolePolicyDocument.Statement[0].Condition.ArnEquals['aws:PrincipalArn'];
    const [checksRole] = Object.values<any>(template.findResources('AWS::IAM::Role', { Properties: { RoleName: naming.pipelineChecksRoleName } }));
    expect(trusted).toContain(`arn:aws:iam::${BUILD}:role/${checksRole.Properties.RoleName}`);
    // and the function knows the role to assume by the same convention
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { READ_ONLY_ROLE_NAME: readOnly.Properties.RoleName } },
      Runtime: 'nodejs22.x',
    });
  });
});

describe('bake', () => {
  test('an environment with approval bakes 10 minutes by default on the alarms of its stack, after its tests', () => {
    const { stages, params } = pipelineOf([dev, prod]);
    expect(stages.ProdDeploy.Actions.map((a: any) => [a.Name, a.RunOrder]).slice(-2)).toEqual([['Sanity', 3], ['Bake', 4]]);
    expect(params('ProdDeploy', 'Bake')).toEqual({
      check: 'bake', environment: 'Prod', account: PROD, region: REGION, partition: 'aws', stackName: 'Crosswalk-SampleApi-Prod',
      alarmNamePrefix: 'Crosswalk-SampleApi-Prod-', bakeMinutes: 10,
      // The bake report goes next to the change review's (the checks may write only there).
      reportBucket: 'crosswalk-artifacts-111111111111-eu-west-1', reportPrefix: 'change-reviews/Crosswalk-pipeline/', executionId: '#{codepipeline.PipelineExecutionId}',
      // The alarms revert the release (the default with a review and a bake): the bake covers the window CloudFormation watched.
      since: '#{ProdVerify.VerifiedAt}',
    });
    expect(stages.Dev.Actions.map((a: any) => a.Name)).toEqual(['Deploy', 'Integration']);
  });

  test('bakeTime and bakeAlarmNamePrefix set the bake; Duration.minutes(0) turns it off; a failed bake rolls a rollback stage back', () => {
    const { stages, params, template } = pipelineOf([
      { ...dev, bakeTime: Duration.minutes(3), bakeAlarmNamePrefix: 'Crosswalk-SampleApi-Dev-Api' },
      { ...prod, bakeTime: Duration.minutes(0) },
    ]);
    expect(stages.Dev.Actions.map((a: any) => [a.Name, a.RunOrder])).toEqual([['Deploy', 1], ['Integration', 2], ['Bake', 3]]);
    expect(params('Dev', 'Bake')).toMatchObject({ account: DEV, alarmNamePrefix: 'Crosswalk-SampleApi-Dev-Api', bakeMinutes: 3 });
    expect(stages.Dev.OnFailure).toEqual({ Result: 'ROLLBACK' });
    expect(stages.ProdDeploy.Actions.map((a: any) => a.Name)).not.toContain('Bake');
    const [checksRole] = Object.values<any>(template.findResources('AWS::IAM::Role', { Properties: { RoleName: naming.pipelineChecksRoleName } }));
    const assume = checksRole.Properties.Policies[0].PolicyDocument.Statement.find((s: any) => s.Action === 'sts:AssumeRole');
    expect(list(assume.Resource).sort()).toEqual([naming.readOnlyRoleArn(DEV), naming.readOnlyRoleArn(PROD)].sort());
  });

  test('a bake longer than the Lambda invoke action may run, not in whole minutes, or watching alarms outside the project is refused', () => {
    expect(() => pipelineOf([{ ...dev, bakeTime: Duration.hours(24) }]))
      .toThrow('environments[0].bakeTime must be at most 1380 minutes (23 hours): the bake is a Lambda invoke action, which CodePipeline fails after 24 hours, got 1440 minutes');
    expect(() => pipelineOf([{ ...dev, bakeTime: Duration.seconds(90) }]))
      .toThrow('environments[0].bakeTime must be whole minutes, e.g. Duration.minutes(10), got 1 minute 30 seconds');
    expect(() => pipelineOf([{ ...dev, bakeTime: Duration.minutes(5), bakeAlarmNamePrefix: 'Other-' }]))
      .toThrow("environments[0].bakeAlarmNamePrefix must start with 'Crosswalk-', got 'Other-'");
  });
});
