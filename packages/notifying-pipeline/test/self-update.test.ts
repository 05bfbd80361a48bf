import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AutoApprove, NotifyingPipeline, NotifyingPipelineProps, SelfUpdate } from '../src';
import { BUILD, REGION, buildSpec, dev, naming, newApp, prod } from './fixtures';

/**
 * The self-update: the build account's own stacks, updated by the pipeline right after Build,
 * reviewed like an environment's, then the execution on the old pipeline stops.
 */
const PIPELINE_STACK = 'Crosswalk-Pipeline';
const STORE_STACK = 'Crosswalk-ArtifactStore';
const selfUpdate: SelfUpdate = {
  stacks: [
    { name: 'ArtifactStore', stackName: STORE_STACK, templatePath: 'apps/build-account/cdk.out/Crosswalk-ArtifactStore.template.json' },
    { name: 'Pipeline', stackName: PIPELINE_STACK, templatePath: 'apps/build-account/cdk.out/Crosswalk-Pipeline.template.json' },
  ],
};

function synth(overrides: Partial<NotifyingPipelineProps> = {}) {
  const app = newApp();
  const env = { account: BUILD, region: REGION };
  const storeStack = new Stack(app, 'ArtifactStore', { env, stackName: STORE_STACK });
  const key = new kms.Key(storeStack, 'Key', { enableKeyRotation: true });
  const bucket = new s3.Bucket(storeStack, 'Bucket', { bucketName: naming.artifactBucketName(BUILD), encryptionKey: key, enforceSSL: true });
  const stack = new Stack(app, 'Pipeline', { env, stackName: PIPELINE_STACK });
  new NotifyingPipeline(stack, 'Pipeline', {
    naming, artifactBucket: bucket, artifactKey: key, source: { owner: 'crosswalk-dev', repo: 'crosswalk' }, buildSpec: buildSpec(),
    environments: [dev, prod], selfUpdate, ...overrides,
  });
  return Template.fromStack(stack);
}

const template = synth();
const pipeline = Object.values<any>(template.findResources('AWS::CodePipeline::Pipeline'))[0].Properties;
const stages: any[] = pipeline.Stages;
const stage = (name: string) => stages.find((s) => s.Name === name);
const userParameters = (action: any) => JSON.parse(action.Configuration.UserParameters);
const list = (v: any): any[] => (v === undefined ? [] : [].concat(v));
const roleStatements = (roleName: string): any[] => {
  const [id] = Object.keys(template.findResources('AWS::IAM::Role', { Properties: { RoleName: roleName } }));
  const inline = list(template.findResources('AWS::IAM::Role')[id].Properties.Policies).flatMap((p: any) => list(p.PolicyDocument.Statement));
  const attached = Object.values<any>(template.findResources('AWS::IAM::Policy')).filter((p) => list(p.Properties.Roles).some((r: any) => r.Ref === id))
    .flatMap((p) => list(p.Properties.PolicyDocument.Statement));
  return [...inline, ...attached];
};
const assumable = (roleName: string) => roleStatements(roleName).filter((s) => list(s.Action).includes('sts:AssumeRole')).flatMap((s) => list(s.Resource));

describe('self-update', () => {
  test('the build account\'s stacks are reviewed, approved and executed right after Build, before any environment', () => {
    expect(stages.map((s) => s.Name)).toEqual([
      'Source', 'Build', 'SelfUpdate', 'SelfUpdateApproval', 'ArtifactStoreDeploy', 'PipelineDeploy', 'Dev', 'Prod', 'ProdApproval', 'ProdDeploy',
    ]);
  });

  test('each change set is created by URL through the build account\'s own deployment role, with no rollback trigger, and one review reads both', () => {
    const actions = stage('SelfUpdate').Actions;
    expect(actions.map((a: any) => [a.Name, a.RunOrder])).toEqual([['ArtifactStore-CreateChangeSet', 1], ['Pipeline-CreateChangeSet', 1], ['Review', 2]]);
    const create = userParameters(actions[1]);
    expect(create).toEqual({
      check: 'create-change-set', environment: 'Pipeline', account: BUILD, region: REGION, partition: 'aws', stackName: PIPELINE_STACK,
      changeSetName: 'Crosswalk-#{codepipeline.PipelineExecutionId}', templatePath: selfUpdate.stacks[1].templatePath,
      templateBucket: naming.artifactBucketName(BUILD), templateKey: 'Crosswalk-pipeline/change-sets/#{codepipeline.PipelineExecutionId}/Pipeline.template.json',
      executionRoleArn: `arn:aws:iam::${BUILD}:role/Crosswalk-${REGION}-CfnExecutionRole`,
      capabilities: ['CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'], monitoringMinutes: 0,
    });
    const review = userParameters(actions[2]);
    expect(review).toMatchObject({ check: 'review-wave', wave: 'SelfUpdate' });
    expect(review.targets).toEqual([
      { environment: 'ArtifactStore', account: BUILD, region: REGION, stackName: STORE_STACK, changeSetName: 'Crosswalk-#{codepipeline.PipelineExecutionId}', autoApprove: 'noChanges' },
      { environment: 'Pipeline', account: BUILD, region: REGION, stackName: PIPELINE_STACK, changeSetName: 'Crosswalk-#{codepipeline.PipelineExecutionId}', autoApprove: 'noChanges' },
    ]);
  });

  test('one approval, skipped only when the review needs no person; the approvers may approve it', () => {
    const approval = stage('SelfUpdateApproval');
    expect(approval.BeforeEntry.Conditions[0].Rules[0].Configuration).toEqual({ Variable: '#{SelfUpdateReview.ApprovalRequired}', Value: 'true', Operator: 'EQ' });
    expect(approval.Actions[0].ActionTypeId.Category).toBe('Approval');
    const groupPolicy = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    expect(groupPolicy).toContain('Crosswalk-pipeline/SelfUpdateApproval/Approve');
  });

  test('each stack executes in its own stage, skipped without changes, after verifying the reviewed change set; the pipeline\'s own stack last, then the check that stops an execution on the old pipeline', () => {
    for (const [name, stackName] of [['ArtifactStore', STORE_STACK], ['Pipeline', PIPELINE_STACK]]) {
      const deploy = stage(`${name}Deploy`);
      expect(deploy.BeforeEntry.Conditions[0]).toMatchObject({ Result: 'SKIP', Rules: [{ Configuration: { Variable: `#{SelfUpdateReview.${name}Execute}`, Value: 'true' } }] });
      const verify = userParameters(deploy.Actions.find((a: any) => a.Name === 'VerifyReviewedChangeSet'));
      expect(verify).toMatchObject({ check: 'verify', account: BUILD, stackName, reviewedChangeSetId: `#{SelfUpdateReview.${name}ChangeSetId}` });
      const execute = deploy.Actions.find((a: any) => a.ActionTypeId.Provider === 'CloudFormation');
      expect(execute).toMatchObject({
        RunOrder: 2, RoleArn: `arn:aws:iam::${BUILD}:role/Crosswalk-${REGION}-DeploymentRole`,
        Configuration: { ActionMode: 'CHANGE_SET_EXECUTE', StackName: stackName, ChangeSetName: `#{SelfUpdateReview.${name}ChangeSetName}` },
      });
      // No rollback of the stage (a re-run would execute a deleted change set), no bake, no test.
      expect(deploy.OnFailure).toBeUndefined();
    }
    expect(stage('ArtifactStoreDeploy').Actions.map((a: any) => a.Name)).toEqual(['VerifyReviewedChangeSet', 'ExecuteChangeSet']);
    const pipelineDeploy = stage('PipelineDeploy').Actions;
    expect(pipelineDeploy.map((a: any) => [a.Name, a.RunOrder])).toEqual([['VerifyReviewedChangeSet', 1], ['ExecuteChangeSet', 2], ['StopIfPipelineChanged', 3]]);
    expect(userParameters(pipelineDeploy[2])).toEqual({ check: 'stop-if-superseded', pipelineName: 'Crosswalk-pipeline', executionId: '#{codepipeline.PipelineExecutionId}' });
  });

  test('the updated pipeline restarts on the same commit, and executions queue behind the one under review', () => {
    expect(pipeline.RestartExecutionOnUpdate).toBe(true);
    expect(pipeline.ExecutionMode).toBe('QUEUED');
    const without = Object.values<any>(synth({ selfUpdate: undefined, environments: [dev] }).findResources('AWS::CodePipeline::Pipeline'))[0].Properties;
    expect(without.RestartExecutionOnUpdate).toBe(false);
  });

  test('the functions reach the build account\'s own convention roles, and only the checks may stop this pipeline\'s executions', () => {
    const role = (name: string) => `arn:aws:iam::${BUILD}:role/Crosswalk-${REGION}-${name}`;
    expect(assumable('Crosswalk-eu-west-1-PipelineChecksRole')).toContain(role('ReadOnlyRole'));
    expect(assumable('Crosswalk-eu-west-1-ChangeSetRole')).toContain(role('DeploymentRole'));
    expect(assumable('Crosswalk-eu-west-1-FailureNotifierRole')).toContain(role('ReadOnlyRole'));
    const stops = roleStatements('Crosswalk-eu-west-1-PipelineChecksRole').filter((s) => list(s.Action).includes('codepipeline:StopPipelineExecution'));
    expect(stops).toEqual([{
      Sid: 'StopExecutionsOfAnOlderPipeline', Effect: 'Allow',
      Action: ['codepipeline:GetPipeline', 'codepipeline:GetPipelineExecution', 'codepipeline:StopPipelineExecution'],
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:codepipeline:${REGION}:${BUILD}:Crosswalk-pipeline`]] },
    }]);
    for (const other of ['Crosswalk-eu-west-1-ChangeSetRole', 'Crosswalk-eu-west-1-FailureNotifierRole', 'Crosswalk-eu-west-1-PipelineRole']) {
      expect(roleStatements(other).flatMap((s) => list(s.Action))).not.toContain('codepipeline:StopPipelineExecution');
    }
  });

  test('a pipeline that updates itself with autoApprove lowRisk still reviews with that policy, high risk waiting for a person', () => {
    const t = synth({ selfUpdate: { ...selfUpdate, autoApprove: AutoApprove.LOW_RISK } });
    const p = Object.values<any>(t.findResources('AWS::CodePipeline::Pipeline'))[0].Properties;
    const review = JSON.parse(p.Stages.find((s: any) => s.Name === 'SelfUpdate').Actions.find((a: any) => a.Name === 'Review').Configuration.UserParameters);
    expect(review.targets.map((t2: any) => t2.autoApprove)).toEqual(['lowRisk', 'lowRisk']);
  });

  test('a self-update the pipeline could not finish is refused with the fix', () => {
    const [store, own] = selfUpdate.stacks;
    expect(() => synth({ selfUpdate: { stacks: [own, store] } }))
      .toThrow(/selfUpdate.stacks must end with this pipeline's own stack 'Crosswalk-Pipeline', listed at selfUpdate.stacks\[0\], got 'Crosswalk-ArtifactStore' last/);
    expect(() => synth({ selfUpdate: { stacks: [store] } })).toThrow(/which it does not list/);
    expect(() => synth({ selfUpdate: { stacks: [] } })).toThrow(/selfUpdate.stacks must list the build account's stacks/);
    expect(() => synth({ selfUpdate: { stacks: [{ ...store, stackName: 'ArtifactStore' }, own] } })).toThrow(/selfUpdate.stacks\[0\].stackName must start with 'Crosswalk-'/);
    expect(() => synth({ selfUpdate: { stacks: [{ ...store, name: 'Dev' }, own] } })).toThrow(/environments\[0\].name 'Dev' is already used by selfUpdate.stacks\[0\]/);
  });
});
