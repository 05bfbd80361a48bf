import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import { CrosswalkNaming } from '@crosswalk/cross-account-role';
import { BUILD, DEV, PROD, REGION, dev, naming, newApp, prod, synthPipeline } from './fixtures';

/** The stages of the pipeline, each as [name, [action name, run order][]]. */
function stageLayout(template: Template): Array<[string, Array<[string, number]>]> {
  const pipeline = Object.values(template.findResources('AWS::CodePipeline::Pipeline'))[0];
  return pipeline.Properties.Stages.map((stage: any) => [
    stage.Name,
    stage.Actions.map((action: any) => [action.Name, action.RunOrder]),
  ]);
}

function action(template: Template, stageName: string, actionName: string): any {
  const pipeline = Object.values(template.findResources('AWS::CodePipeline::Pipeline'))[0];
  const stage = pipeline.Properties.Stages.find((s: any) => s.Name === stageName);
  return stage.Actions.find((a: any) => a.Name === actionName);
}

function statementsOf(template: Template, logicalIdPrefix: string): any[] {
  const policies = template.findResources('AWS::IAM::Policy');
  const id = Object.keys(policies).find((k) => k.startsWith(logicalIdPrefix));
  if (!id) throw new Error(`no policy starting with ${logicalIdPrefix} in ${Object.keys(policies).join(', ')}`);
  return policies[id].Properties.PolicyDocument.Statement;
}

const asList = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

describe('NotifyingPipeline', () => {
  let template: Template;
  let storeTemplate: Template;
  let stack: Stack;

  beforeAll(() => {
    const fixture = synthPipeline();
    stack = fixture.stack;
    template = Template.fromStack(fixture.stack);
    storeTemplate = Template.fromStack(fixture.storeStack);
  });

  test('stages run Source, Build, then each environment in order; with approval: change set and review, approval, then verify, execute, test and bake', () => {
    expect(stageLayout(template)).toEqual([
      ['Source', [['GitHub', 1]]],
      ['Build', [['Build', 1]]],
      ['Dev', [['Deploy', 1], ['Integration', 2]]],
      ['Prod', [['CreateChangeSet', 1], ['Review', 2]]],
      ['ProdApproval', [['Approve', 1]]],
      ['ProdDeploy', [['VerifyReviewedChangeSet', 1], ['ExecuteChangeSet', 2], ['Sanity', 3], ['Bake', 4]]],
    ]);
  });

  test('N environments become N stages in the given order', () => {
    const staging = { ...dev, name: 'Staging', account: '444444444444', stackName: 'Crosswalk-SampleApi-Staging' };
    const t = Template.fromStack(synthPipeline({ environments: [dev, staging, prod] }).stack);
    expect(stageLayout(t).map(([name]) => name)).toEqual(['Source', 'Build', 'Dev', 'Staging', 'Prod', 'ProdApproval', 'ProdDeploy']);
    expect(action(t, 'Staging', 'Deploy').RoleArn).toBe('arn:aws:iam::444444444444:role/Crosswalk-eu-west-1-DeploymentRole');
  });

  test('cross-account actions run as the target account\'s convention deployment role and pass its execution role', () => {
    const devDeploy = action(template, 'Dev', 'Deploy');
    expect(devDeploy.RoleArn).toBe(naming.deploymentRoleArn(DEV));
    expect(devDeploy.Configuration).toMatchObject({
      ActionMode: 'CREATE_UPDATE',
      StackName: 'Crosswalk-SampleApi-Dev',
      RoleArn: naming.executionRoleArn(DEV),
      TemplatePath: 'BuildOutput::apps/sample-api/cdk.out/Dev.template.json',
      Capabilities: 'CAPABILITY_NAMED_IAM,CAPABILITY_AUTO_EXPAND',
    });

    // Without the revert, CodePipeline's own change set action creates it as the deployment role.
    const plain = Template.fromStack(synthPipeline({ environments: [dev, { ...prod, revertOnAlarm: false }] }).stack);
    const create = action(plain, 'Prod', 'CreateChangeSet');
    expect(create.RoleArn).toBe(naming.deploymentRoleArn(PROD));
    expect(create.Configuration).toMatchObject({
      ActionMode: 'CHANGE_SET_REPLACE',
      StackName: 'Crosswalk-SampleApi-Prod',
      // One change set per execution: a newer run never replaces the one under review.
      ChangeSetName: 'Crosswalk-#{codepipeline.PipelineExecutionId}',
      RoleArn: naming.executionRoleArn(PROD),
    });
    const execute = action(template, 'ProdDeploy', 'ExecuteChangeSet');
    expect(execute.RoleArn).toBe(naming.deploymentRoleArn(PROD));
    expect(execute.Configuration).toEqual({
      ActionMode: 'CHANGE_SET_EXECUTE',
      StackName: 'Crosswalk-SampleApi-Prod',
      ChangeSetName: '#{ProdReview.ChangeSetName}',
    });
  });

  test('build-account actions run as the pipeline role itself (no per-action roles)', () => {
    for (const [stageName, actionName] of [
      ['Source', 'GitHub'], ['Build', 'Build'], ['Dev', 'Integration'], ['Prod', 'CreateChangeSet'], ['Prod', 'Review'],
      ['ProdApproval', 'Approve'], ['ProdDeploy', 'VerifyReviewedChangeSet'], ['ProdDeploy', 'Sanity'], ['ProdDeploy', 'Bake'],
    ]) {
      expect(action(template, stageName, actionName).RoleArn).toBeUndefined();
    }
    const roleNames = Object.values(template.findResources('AWS::IAM::Role')).map((r: any) => r.Properties.RoleName).filter(Boolean);
    expect(roleNames.sort()).toEqual(['Crosswalk-eu-west-1-ChangeSetRole', 'Crosswalk-eu-west-1-FailureNotifierRole', 'Crosswalk-eu-west-1-PipelineChecksRole', 'Crosswalk-eu-west-1-PipelineRole']);
  });

  test('the pipeline role has the convention name, trusts CodePipeline with no condition the service does not document, and may assume exactly the environments\' deployment roles', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: naming.pipelineRoleName,
      AssumeRolePolicyDocument: {
        Statement: [{
          Action: 'sts:AssumeRole',
          Effect: 'Allow',
          Principal: { Service: 'codepipeline.amazonaws.com' },
          Condition: Match.absent(),
        }],
      },
    });
    const assumable = statementsOf(template, 'PipelineRoleDefaultPolicy')
      .filter((s) => asList(s.Action).some((a: string) => a.startsWith('sts:')))
      .flatMap((s) => { expect(s.Action).toBe('sts:AssumeRole'); return asList(s.Resource); });
    expect(assumable.sort()).toEqual([naming.deploymentRoleArn(DEV), naming.deploymentRoleArn(PROD)]);
  });

  test('deploy outputs reach the tests through the variables namespace', () => {
    expect(action(template, 'Dev', 'Deploy').Namespace).toBe('DevStack');
    expect(action(template, 'ProdDeploy', 'ExecuteChangeSet').Namespace).toBe('ProdStack');
    expect(action(template, 'Prod', 'CreateChangeSet').Namespace).toBe('ProdChangeSet');

    const integration = action(template, 'Dev', 'Integration');
    expect(integration.ActionTypeId).toMatchObject({ Category: 'Test', Provider: 'CodeBuild' });
    expect(JSON.parse(integration.Configuration.EnvironmentVariables)).toEqual([
      { name: 'API_URL', type: 'PLAINTEXT', value: '#{DevStack.ApiUrl}' },
    ]);
    expect(integration.InputArtifacts).toEqual([{ Name: 'Source' }, { Name: 'BuildOutput' }]);
    expect(integration.Configuration.PrimarySource).toBe('Source');
    expect(JSON.parse(action(template, 'ProdDeploy', 'Sanity').Configuration.EnvironmentVariables)).toEqual([
      { name: 'API_URL', type: 'PLAINTEXT', value: '#{ProdStack.ApiUrl}' },
    ]);
  });

  test('plain test variables and outputVariable() use the same namespace', () => {
    const { pipeline, stack: s } = synthPipeline({
      environments: [{
        ...dev,
        tests: [{ name: 'Integration', commands: ['npm test'], environmentFromOutputs: { API_URL: 'ApiUrl' }, environmentVariables: { SUITE: 'integration' } }],
      }],
    });
    expect(pipeline.outputVariable('Dev', 'ApiUrl')).toBe('#{DevStack.ApiUrl}');
    expect(() => pipeline.outputVariable('Dev', 'TableName')).toThrow(/does not declare the output 'TableName'/);
    expect(() => pipeline.outputVariable('Qa', 'ApiUrl')).toThrow(/no environment named 'Qa'; environments: 'Dev'/);
    expect(JSON.parse(action(Template.fromStack(s), 'Dev', 'Integration').Configuration.EnvironmentVariables)).toEqual([
      { name: 'SUITE', type: 'PLAINTEXT', value: 'integration' },
      { name: 'API_URL', type: 'PLAINTEXT', value: '#{DevStack.ApiUrl}' },
    ]);
  });

  test('the approval notifies the approval topic with the review\'s summary and a link to its report', () => {
    const approve = action(template, 'ProdApproval', 'Approve');
    expect(approve.ActionTypeId).toMatchObject({ Category: 'Approval', Provider: 'Manual' });
    expect(approve.Configuration.NotificationArn).toEqual({ Ref: template.getResourceId('AWS::SNS::Topic', { Properties: { DisplayName: 'Crosswalk-pipeline approvals' } }) });
    expect(approve.Configuration.CustomData).toBe('Prod: change review of stack Crosswalk-SampleApi-Prod (account 333333333333, eu-west-1). #{ProdReview.Summary}');
    // An action configuration value holds at most 1000 characters; the summary is cut at 500.
    // https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_ActionDeclaration.html
    expect(approve.Configuration.CustomData.replace('#{ProdReview.Summary}', '').length + 500).toBeLessThanOrEqual(1000);
    expect(approve.Configuration.ExternalEntityLink).toBe('#{ProdReview.ReportUrl}');
  });

  test('the approvers group may approve exactly the Prod approval action, read the pipeline and the review reports, nothing more', () => {
    const groupPolicy = Object.values(template.findResources('AWS::IAM::Policy'))
      .find((p: any) => p.Properties.Groups !== undefined) as any;
    const pipelineArn = (suffix: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:codepipeline:${REGION}:${BUILD}:Crosswalk-pipeline${suffix}`]] });
    expect(groupPolicy.Properties.PolicyDocument.Statement).toEqual([
      { Action: 'codepipeline:PutApprovalResult', Effect: 'Allow', Resource: pipelineArn('/ProdApproval/Approve') },
      {
        Action: ['codepipeline:GetPipeline', 'codepipeline:GetPipelineState', 'codepipeline:GetPipelineExecution',
          'codepipeline:ListPipelineExecutions', 'codepipeline:ListActionExecutions'],
        Effect: 'Allow',
        Resource: pipelineArn(''),
      },
      // The change review reports of this pipeline, and the key they are encrypted with.
      { Action: 's3:GetObject', Effect: 'Allow', Resource: 'arn:aws:s3:::crosswalk-artifacts-111111111111-eu-west-1/change-reviews/Crosswalk-pipeline/*' },
      { Action: 'kms:Decrypt', Effect: 'Allow', Resource: { 'Fn::ImportValue': expect.stringMatching(/^ArtifactStore:ExportsOutputFnGetAttKey.*Arn/) } },
    ]);
    template.resourceCountIs('AWS::IAM::Group', 1);
    template.hasResourceProperties('AWS::IAM::Group', Match.not(Match.objectLike({ ManagedPolicyArns: Match.anyValue() })));
  });

  test('without approvals there is no approval topic and no approvers group; grantApproval says which environments have one', () => {
    const { stack: s, pipeline } = synthPipeline({ environments: [dev] });
    const t = Template.fromStack(s);
    t.resourceCountIs('AWS::IAM::Group', 0);
    t.resourceCountIs('AWS::SNS::Topic', 1);
    expect(pipeline.approvalTopic).toBeUndefined();
    expect(() => pipeline.grantApproval(new iam.AccountRootPrincipal(), 'Dev'))
      .toThrow("environment 'Dev' has no approval action: grantApproval takes one of (none: set requireApproval on an environment)");
  });

  test('approverGroupName names the group, and grantApproval lets another principal approve one environment', () => {
    const { stack: s, pipeline } = synthPipeline({ approverGroupName: 'crosswalk-prod-approvers' });
    const reviewer = new iam.Role(s, 'Reviewer', { assumedBy: new iam.AccountRootPrincipal() });
    pipeline.grantApproval(reviewer, 'Prod');
    const t = Template.fromStack(s);
    t.hasResourceProperties('AWS::IAM::Group', { GroupName: 'crosswalk-prod-approvers' });
    expect(statementsOf(t, 'ReviewerDefaultPolicy')[0]).toMatchObject({ Action: 'codepipeline:PutApprovalResult' });
  });

  test('a failed execution goes to the failure notifier function, which names the cause; no separate action message by default', () => {
    const notifier = template.getResourceId('AWS::Lambda::Function', { Properties: { Environment: { Variables: { READ_ONLY_ROLE_NAME: naming.readOnlyRoleName, TOPIC_ARN: Match.anyValue() } } } });
    template.resourceCountIs('AWS::Events::Rule', 1);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        'source': ['aws.codepipeline'],
        'detail-type': ['CodePipeline Pipeline Execution State Change'],
        'detail': { pipeline: ['Crosswalk-pipeline'], state: ['FAILED'] },
      },
      Targets: [{ Arn: { 'Fn::GetAtt': [notifier, 'Arn'] }, Id: Match.anyValue(), RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 7200 } }],
    });
  });

  test('explainFailures: false sends the basic messages straight from EventBridge, for executions and each failed action, with a console link in the pipeline\'s region', () => {
    const t = Template.fromStack(synthPipeline({ explainFailures: false }).stack);
    const link = `https://${REGION}.console.aws.amazon.com/codesuite/codepipeline/pipelines/<detail-pipeline>/executions/<detail-execution-id>/timeline?region=${REGION}`;
    const topic = { Ref: t.getResourceId('AWS::SNS::Topic', { Properties: { DisplayName: 'Crosswalk-pipeline notifications' } }) };
    t.resourceCountIs('AWS::Events::Rule', 2);
    t.resourceCountIs('AWS::Lambda::Function', 2); // the pipeline checks and the change set function only
    t.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        'source': ['aws.codepipeline'],
        'detail-type': ['CodePipeline Pipeline Execution State Change'],
        'detail': { pipeline: ['Crosswalk-pipeline'], state: ['FAILED'] },
      },
      Targets: [{
        Arn: topic,
        InputTransformer: {
          InputPathsMap: {
            'detail-pipeline': '$.detail.pipeline',
            'detail-execution-id': '$.detail.execution-id',
            'detail-state': '$.detail.state',
            'time': '$.time',
          },
          InputTemplate: `"Pipeline <detail-pipeline>: execution <detail-execution-id> <detail-state> at <time>. Details: ${link}"`,
        },
      }],
    });
    t.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        'source': ['aws.codepipeline'],
        'detail-type': ['CodePipeline Action Execution State Change'],
        'detail': { pipeline: ['Crosswalk-pipeline'], state: ['FAILED'] },
      },
      Targets: [{
        Arn: topic,
        InputTransformer: {
          InputPathsMap: Match.objectLike({ 'detail-stage': '$.detail.stage', 'detail-action': '$.detail.action' }),
          InputTemplate: `"Pipeline <detail-pipeline>: action <detail-action> of stage <detail-stage> <detail-state> in execution <detail-execution-id> at <time>. Details: ${link}"`,
        },
      }],
    });
  });

  test('the console link follows the pipeline\'s own region', () => {
    const { stack: s } = synthPipeline({ naming: new CrosswalkNaming({ projectName: 'Crosswalk', region: 'us-east-2' }), explainFailures: false }, newApp(), 'us-east-2');
    const rule = Object.values(Template.fromStack(s).findResources('AWS::Events::Rule'))[0] as any;
    expect(rule.Properties.Targets[0].InputTransformer.InputTemplate)
      .toContain('https://us-east-2.console.aws.amazon.com/codesuite/codepipeline/pipelines/<detail-pipeline>/executions/<detail-execution-id>/timeline?region=us-east-2');
  });

  test('successes and waiting approvals are notified only when asked; action details can be turned off', () => {
    const { stack: s } = synthPipeline({ notifyOnSuccess: true, notifyOnApprovalWaiting: true, notifyOnActionFailure: false });
    const patterns = Object.values(Template.fromStack(s).findResources('AWS::Events::Rule')).map((r: any) => r.Properties.EventPattern);
    expect(patterns).toEqual([
      { 'source': ['aws.codepipeline'], 'detail-type': ['CodePipeline Pipeline Execution State Change'], 'detail': { pipeline: ['Crosswalk-pipeline'], state: ['FAILED'] } },
      { 'source': ['aws.codepipeline'], 'detail-type': ['CodePipeline Pipeline Execution State Change'], 'detail': { pipeline: ['Crosswalk-pipeline'], state: ['SUCCEEDED'] } },
      {
        'source': ['aws.codepipeline'],
        'detail-type': ['CodePipeline Action Execution State Change'],
        'detail': { pipeline: ['Crosswalk-pipeline'], state: ['STARTED'], type: { category: ['Approval'] } },
      },
    ]);
  });

  test('the notification topic is encrypted with a rotating key, TLS only, and only the pipeline\'s rules may publish to it', () => {
    const keyId = template.getResourceId('AWS::KMS::Key', { Properties: { EnableKeyRotation: true } });
    const topicId = template.getResourceId('AWS::SNS::Topic', { Properties: { DisplayName: 'Crosswalk-pipeline notifications' } });
    template.hasResourceProperties('AWS::SNS::Topic', { DisplayName: 'Crosswalk-pipeline notifications', KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
    const policy = Object.values(template.findResources('AWS::SNS::TopicPolicy')).find((p: any) => p.Properties.Topics[0].Ref === topicId) as any;
    const { stack: withRules } = synthPipeline({ explainFailures: false, notifyOnSuccess: true });
    const t = Template.fromStack(withRules);
    const ruleIds = Object.keys(t.findResources('AWS::Events::Rule'));
    expect(ruleIds).toHaveLength(3);
    const rulesPolicy = Object.values(t.findResources('AWS::SNS::TopicPolicy')).find((p: any) => p.Properties.Topics[0].Ref === topicId) as any;
    expect(rulesPolicy.Properties.PolicyDocument.Statement).toEqual([
      {
        Sid: 'AllowPublishThroughSSLOnly', Effect: 'Deny', Principal: '*', Action: 'sns:Publish',
        Resource: { Ref: topicId }, Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
      ...ruleIds.map((ruleId) => ({
        Sid: expect.stringMatching(/^Publish/), Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sns:Publish',
        Resource: { Ref: topicId }, Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [ruleId, 'Arn'] } } },
      })),
    ]);
    // With the failure notifier (the default) no rule publishes to the topic: only the TLS deny.
    expect(policy.Properties.PolicyDocument.Statement.map((st: any) => st.Sid)).toEqual(['AllowPublishThroughSSLOnly']);
    const keyStatements = template.findResources('AWS::KMS::Key')[keyId].Properties.KeyPolicy.Statement;
    // EventBridge delivers to an encrypted topic only if the key statement carries no
    // aws:Source* condition (the topic policy narrows who publishes instead).
    expect(keyStatements).toContainEqual({
      Sid: 'EventBridgeRulesPublishToTheTopics',
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: '*',
    });
    const eventBridgeStatements = keyStatements.filter((st: any) => JSON.stringify(st.Principal ?? {}).includes('events.amazonaws.com'));
    expect(eventBridgeStatements.map((st: any) => st.Condition)).toEqual([undefined]);
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'team@example.com', TopicArn: { Ref: topicId } });
  });

  test('approval requests go to approvalEmails, and the pipeline role may publish them encrypted', () => {
    const { stack: s } = synthPipeline({ approvalEmails: ['approvers@example.com'] });
    const t = Template.fromStack(s);
    const approvalTopic = t.getResourceId('AWS::SNS::Topic', { Properties: { DisplayName: 'Crosswalk-pipeline approvals' } });
    t.hasResourceProperties('AWS::SNS::Subscription', { Endpoint: 'approvers@example.com', TopicArn: { Ref: approvalTopic } });
    t.resourcePropertiesCountIs('AWS::SNS::Subscription', { TopicArn: { Ref: approvalTopic } }, 1);
    const statements = statementsOf(t, 'PipelineRoleDefaultPolicy');
    expect(statements).toContainEqual({ Action: 'sns:Publish', Effect: 'Allow', Resource: { Ref: approvalTopic } });
    const keyId = t.getResourceId('AWS::KMS::Key', { Properties: { Description: Match.stringLikeRegexp('notification') } });
    expect(statements).toContainEqual({ Action: ['kms:Decrypt', 'kms:GenerateDataKey*'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [keyId, 'Arn'] } });
  });

  test('notifyOn… methods send the raw events to the user\'s own targets, without opening the notification topic to them', () => {
    const { stack: s, pipeline } = synthPipeline();
    const chat = new sns.Topic(s, 'ChatOps');
    pipeline.notifyOnFailure('ChatOnFailure', new targets.SnsTopic(chat));
    pipeline.notifyOnApprovalWaiting('ChatOnApproval', new targets.SnsTopic(chat));
    const t = Template.fromStack(s);
    const chatId = t.getResourceId('AWS::SNS::Topic', { Properties: Match.absent() });
    const userRules = Object.values(t.findResources('AWS::Events::Rule')).filter((r: any) => r.Properties.Targets[0].Arn.Ref === chatId) as any[];
    expect(userRules.map((r) => [r.Properties.EventPattern.detail.state, r.Properties.Targets[0].InputTransformer])).toEqual([
      [['FAILED'], undefined],
      [['STARTED'], undefined],
    ]);
    const notificationTopic = t.getResourceId('AWS::SNS::Topic', { Properties: { DisplayName: 'Crosswalk-pipeline notifications' } });
    const policy = Object.values(t.findResources('AWS::SNS::TopicPolicy')).find((p: any) => p.Properties.Topics[0].Ref === notificationTopic) as any;
    expect(policy.Properties.PolicyDocument.Statement).toHaveLength(1); // the TLS deny; the built-in failure rule targets the notifier
    expect(pipeline.notifyOnSuccess('Other', new targets.SnsTopic(chat))).toBeInstanceOf(events.Rule);
  });

  test('no policy of either stack names another account\'s role as a principal or resource, so stacks deploy in any order', () => {
    const otherAccountRole = /arn:aws:iam::(222222222222|333333333333):role\//;
    const resourcePolicies: Array<[string, any]> = [];
    for (const t of [template, storeTemplate]) {
      for (const [id, r] of Object.entries(t.toJSON().Resources as Record<string, any>)) {
        const doc = r.Properties?.PolicyDocument ?? r.Properties?.KeyPolicy ?? r.Properties?.AssumeRolePolicyDocument;
        if (doc && r.Type !== 'AWS::IAM::Policy') resourcePolicies.push([`${id} (${r.Type})`, doc]);
      }
    }
    expect(resourcePolicies.map(([id]) => id)).toEqual(expect.arrayContaining([
      expect.stringContaining('AWS::S3::BucketPolicy'), expect.stringContaining('AWS::KMS::Key'), expect.stringContaining('AWS::SNS::TopicPolicy'),
    ]));
    for (const [id, doc] of resourcePolicies) {
      expect([id, JSON.stringify(doc)]).toEqual([id, expect.not.stringMatching(otherAccountRole)]);
    }
    // The store's own policies are exactly what it wrote: the TLS-only deny and the account root.
    expect(storeTemplate.findResources('AWS::S3::BucketPolicy')).toEqual({ [Object.keys(storeTemplate.findResources('AWS::S3::BucketPolicy'))[0]]: expect.anything() });
    const bucketPolicy = Object.values(storeTemplate.findResources('AWS::S3::BucketPolicy'))[0] as any;
    expect(bucketPolicy.Properties.PolicyDocument.Statement).toHaveLength(1);
    const key = Object.values(storeTemplate.findResources('AWS::KMS::Key'))[0] as any;
    expect(key.Properties.KeyPolicy.Statement).toHaveLength(1);
    // The only synthesized stacks are the two of the app: no cross-account support stack.
    expect(stack.node.root.node.children.filter((c) => c instanceof Stack).map((c) => c.node.id)).toEqual(['ArtifactStore', 'Pipeline']);
  });

  test('build and test projects use the standard image, the artifact key, a retained log group and a JUnit report group', () => {
    const projects = template.findResources('AWS::CodeBuild::Project');
    expect(Object.keys(projects)).toHaveLength(3);
    const reportGroups = template.findResources('AWS::CodeBuild::ReportGroup');
    for (const project of Object.values(projects) as any[]) {
      expect(project.Properties.Environment).toMatchObject({ Image: 'aws/codebuild/standard:7.0', PrivilegedMode: false });
      expect(project.Properties.EncryptionKey).toEqual({ 'Fn::ImportValue': expect.stringContaining('Key') });
      const logGroupRef = project.Properties.LogsConfig.CloudWatchLogs.GroupName.Ref;
      expect(template.findResources('AWS::Logs::LogGroup')[logGroupRef].Properties.RetentionInDays).toBe(365);
      const spec = JSON.stringify(project.Properties.Source.BuildSpec);
      expect(spec).toContain('\\"nodejs\\": \\"22\\"');
      expect(spec).toContain('\\"file-format\\": \\"JUNITXML\\"');
      expect(spec).toContain('**/test-reports/*.xml');
      const reportGroupId = Object.keys(reportGroups).find((id) => spec.includes(`"${id}"`));
      expect(reportGroupId).toBeDefined();
    }
    // Projects and report groups are named under the project prefix, as the build account's own
    // execution role may change only those (self-update); each project with its report group.
    const names = (resources: Record<string, any>) => Object.values(resources).map((r: any) => r.Properties.Name).sort();
    expect(names(projects)).toEqual(['Crosswalk-pipeline-Build', 'Crosswalk-pipeline-Dev-Integration', 'Crosswalk-pipeline-Prod-Sanity']);
    expect(names(reportGroups)).toEqual(names(projects));
    for (const group of Object.values(reportGroups) as any[]) {
      expect(group.Properties).toEqual({
        Name: expect.stringMatching(/^Crosswalk-pipeline-/),
        Type: 'TEST',
        ExportConfig: {
          ExportConfigType: 'S3',
          S3Destination: {
            Bucket: naming.artifactBucketName(BUILD), Path: 'test-reports', Packaging: 'NONE',
            EncryptionKey: { 'Fn::ImportValue': expect.stringContaining('Key') }, EncryptionDisabled: false,
          },
        },
      });
      expect(group.DeletionPolicy).toBe('Retain');
    }
    template.hasResourceProperties('AWS::CodeBuild::Project', { Environment: { ComputeType: 'BUILD_GENERAL1_MEDIUM' }, Description: 'Build of the Crosswalk-pipeline pipeline' });
  });

  test('a test project may write only test reports to the artifact bucket; the build may write artifacts', () => {
    const bucket = naming.artifactBucketArn(BUILD);
    const roles = template.findResources('AWS::IAM::Role', { Properties: { Description: Match.stringLikeRegexp('Integration tests') } });
    const statements = (Object.values(roles)[0] as any).Properties.Policies[0].PolicyDocument.Statement;
    const writes = statements.filter((s: any) => asList(s.Action).includes('s3:PutObject'));
    expect(writes).toEqual([{ Action: ['s3:PutObject', 's3:AbortMultipartUpload'], Effect: 'Allow', Resource: `${bucket}/test-reports/*` }]);
    expect(statements.flatMap((s: any) => asList(s.Action)).filter((a: string) => a.includes('*'))).toEqual([]);
    // CDK's default grants (log groups under /aws/codebuild, auto-created report groups) are absent.
    expect(template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Object.keys(roles)[0] }] } })).toEqual({});

    const buildRoles = template.findResources('AWS::IAM::Role', { Properties: { Description: 'Build of the Crosswalk-pipeline pipeline' } });
    const buildStatements = (Object.values(buildRoles)[0] as any).Properties.Policies[0].PolicyDocument.Statement;
    expect(buildStatements).toContainEqual({ Action: ['s3:PutObject', 's3:AbortMultipartUpload'], Effect: 'Allow', Resource: `${bucket}/*` });
    // what `crosswalk publish-assets` (cdk-assets-lib) reads before it puts a code asset
    expect(buildStatements).toContainEqual({ Action: 's3:GetEncryptionConfiguration', Effect: 'Allow', Resource: bucket });
    expect(statements.flatMap((st: any) => asList(st.Action))).not.toContain('s3:GetEncryptionConfiguration');
  });

  test('the build keeps its cache in the artifact bucket by default (encrypted with the artifact key); Cache.none() turns it off', () => {
    const [build] = Object.values<any>(template.findResources('AWS::CodeBuild::Project', { Properties: { Description: 'Build of the Crosswalk-pipeline pipeline' } }));
    expect(build.Properties.Cache).toEqual({ Type: 'S3', Location: `${naming.artifactBucketName(BUILD)}/build-cache/Crosswalk-pipeline` });
    expect(build.Properties.EncryptionKey).toEqual({ 'Fn::ImportValue': expect.stringMatching(/^ArtifactStore:ExportsOutputFnGetAttKey.*Arn/) });
    // the build role already reads and writes the bucket's objects (the cache is one of them)
    const tests = Object.values<any>(template.findResources('AWS::CodeBuild::Project')).filter((p) => p !== build);
    for (const project of tests) expect(project.Properties.Cache).toEqual({ Type: 'NO_CACHE' });
    const { stack: s } = synthPipeline({ buildCache: codebuild.Cache.none() });
    const [noCache] = Object.values<any>(Template.fromStack(s).findResources('AWS::CodeBuild::Project', { Properties: { Description: 'Build of the Crosswalk-pipeline pipeline' } }));
    expect(noCache.Properties.Cache).toEqual({ Type: 'NO_CACHE' });
  });

  test('permissions the build needs go to buildRole', () => {
    const { stack: s, pipeline } = synthPipeline();
    pipeline.buildRole.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['ssm:GetParameter'], resources: [`arn:aws:ssm:${REGION}:${BUILD}:parameter/crosswalk/config`],
    }));
    const t = Template.fromStack(s);
    const roleId = t.getResourceId('AWS::IAM::Role', { Properties: { Description: 'Build of the Crosswalk-pipeline pipeline' } });
    expect(statementsOf(t, 'PipelineBuildRoleDefaultPolicy')).toEqual([
      { Action: 'ssm:GetParameter', Effect: 'Allow', Resource: `arn:aws:ssm:${REGION}:${BUILD}:parameter/crosswalk/config` },
    ]);
    expect(Object.values(t.findResources('AWS::IAM::Policy')).some((p: any) => p.Properties.Roles?.[0]?.Ref === roleId)).toBe(true);
  });

  test('without connectionArn a pending GitHub connection is created; pushes to the branch trigger the pipeline', () => {
    template.hasResourceProperties('AWS::CodeStarConnections::Connection', { ConnectionName: 'Crosswalk-github', ProviderType: 'GitHub' });
    const source = action(template, 'Source', 'GitHub');
    expect(source.Configuration).toMatchObject({
      ConnectionArn: { 'Fn::GetAtt': [template.getResourceId('AWS::CodeStarConnections::Connection'), 'ConnectionArn'] },
      FullRepositoryId: 'crosswalk-dev/crosswalk',
      BranchName: 'main',
      DetectChanges: true,
    });
    template.hasResourceProperties('AWS::CodePipeline::Pipeline', {
      PipelineType: 'V2',
      Name: 'Crosswalk-pipeline',
      Triggers: [{ ProviderType: 'CodeStarSourceConnection', GitConfiguration: { SourceActionName: 'GitHub', Push: [{ Branches: { Includes: ['main'] } }] } }],
    });
  });

  test('an existing connection is used as is, and the pipeline role may use only that one', () => {
    const connectionArn = `arn:aws:codeconnections:${REGION}:${BUILD}:connection/0b4c4a6e-1111-2222-3333-444444444444`;
    const { stack: s, pipeline } = synthPipeline({ source: { owner: 'crosswalk-dev', repo: 'crosswalk', branch: 'release', connectionArn } });
    const t = Template.fromStack(s);
    t.resourceCountIs('AWS::CodeStarConnections::Connection', 0);
    expect(pipeline.connectionArn).toBe(connectionArn);
    expect(action(t, 'Source', 'GitHub').Configuration).toMatchObject({ ConnectionArn: connectionArn, BranchName: 'release' });
    const statements = statementsOf(t, 'PipelineRoleDefaultPolicy');
    expect(statements).toContainEqual({
      Sid: 'UseTheSourceConnectionUnderBothServicePrefixes',
      Action: ['codestar-connections:UseConnection', 'codeconnections:UseConnection'],
      Effect: 'Allow',
      Resource: [connectionArn.replace(':codeconnections:', ':codestar-connections:'), connectionArn],
    });
    const connectionResources = statements.flatMap((st) => asList(st.Resource)).filter((r) => /connection\//.test(JSON.stringify(r)));
    expect(new Set(connectionResources)).toEqual(new Set([connectionArn, connectionArn.replace(':codeconnections:', ':codestar-connections:')]));
  });

  test('a connection the pipeline creates may be used under both service prefixes', () => {
    const statement = statementsOf(template, 'PipelineRoleDefaultPolicy').find((st) => st.Sid === 'UseTheSourceConnectionUnderBothServicePrefixes');
    expect(statement).toEqual({
      Sid: 'UseTheSourceConnectionUnderBothServicePrefixes',
      Action: ['codestar-connections:UseConnection', 'codeconnections:UseConnection'],
      Effect: 'Allow',
      Resource: { 'Fn::GetAtt': [template.getResourceId('AWS::CodeStarConnections::Connection'), 'ConnectionArn'] },
    });
  });

  test('the pipeline uses the given artifact store and creates no bucket or key for artifacts', () => {
    template.resourceCountIs('AWS::S3::Bucket', 0);
    template.resourceCountIs('AWS::KMS::Key', 1); // the notification key only
    template.hasResourceProperties('AWS::CodePipeline::Pipeline', {
      ArtifactStore: { Type: 'S3', Location: naming.artifactBucketName(BUILD), EncryptionKey: { Type: 'KMS', Id: { 'Fn::ImportValue': Match.anyValue() } } },
    });
  });
});
