/**
 * Recorded-shape inputs of the failure notifier: EventBridge events of CodePipeline as
 * "Monitoring CodePipeline events" documents them
 * (https://docs.aws.amazon.com/codepipeline/latest/userguide/detect-state-changes-cloudwatch-events.html),
 * and answers of ListActionExecutions, DescribeStackEvents, GetDeployment,
 * BatchGetDeploymentTargets, BatchGetBuilds and DescribeTestCases in the SDK's shapes (the
 * wire test serializes them into each protocol).
 */
import type { StackEvent } from '@aws-sdk/client-cloudformation';
import type { Build, TestCase } from '@aws-sdk/client-codebuild';
import type { ActionExecutionDetail } from '@aws-sdk/client-codepipeline';
import type { DeploymentInfo, DeploymentTarget } from '@aws-sdk/client-codedeploy';

export const BUILD_ACCOUNT = '111111111111';
export const PROD_ACCOUNT = '333333333333';
export const REGION = 'eu-west-1';
export const PIPELINE = 'checkin-pipeline';
export const EXECUTION_ID = '3e1f0c9a-5b2d-4c1e-9f7a-2d8b6c4e1a90';
export const READ_ONLY_ROLE_NAME = 'checkin-eu-west-1-ReadOnlyRole';
export const TOPIC_ARN = `arn:aws:sns:${REGION}:${BUILD_ACCOUNT}:checkin-notifications`;
export const PROD_STACK = 'checkin-api-prod';
export const PROD_STACK_ID = `arn:aws:cloudformation:${REGION}:${PROD_ACCOUNT}:stack/${PROD_STACK}/5a1c2e30-9b7d-11ee-8c90-0a1b2c3d4e5f`;
export const DEPLOYMENT_ID = 'd-7QX3K9ZT2';
export const ROLLBACK_DEPLOYMENT_ID = 'd-R0LLBACK1';
export const BUILD_ID = 'checkin-IntegrationTests:8d7c6b5a-4f3e-2d1c-0b9a-887766554433';
export const REPORT_ARN = `arn:aws:codebuild:${REGION}:${BUILD_ACCOUNT}:report/checkin-IntegrationTests-reports:0f9e8d7c-6b5a-4f3e-2d1c-0b9a88776655`;

const at = (time: string): Date => new Date(`2026-12-03T${time}Z`);

/** A pipeline FAILED event, emitted shape (detail-type, detail.pipeline, execution-id, state, version, execution-trigger). */
export const failedExecutionEvent = {
  'version': '0',
  'id': '01234567-0123-0123-0123-0123456789ab',
  'detail-type': 'CodePipeline Pipeline Execution State Change',
  'source': 'aws.codepipeline',
  'account': BUILD_ACCOUNT,
  'time': '2026-12-03T05:22:24Z',
  'region': REGION,
  'resources': [`arn:aws:codepipeline:${REGION}:${BUILD_ACCOUNT}:${PIPELINE}`],
  'detail': {
    'pipeline': PIPELINE,
    'execution-id': EXECUTION_ID,
    'start-time': '2026-12-03T05:01:02.208Z',
    'execution-trigger': {
      'trigger-type': 'Webhook',
      'trigger-detail': `arn:aws:codestar-connections:${REGION}:${BUILD_ACCOUNT}:connection/0f5b706a-1a1d-46c5-86b6-f177321bcfb2`,
    },
    'state': 'FAILED',
    'version': 4.0,
    'pipeline-execution-attempt': 1.0,
  },
};

/** The same pipeline's SUCCEEDED event (a rule that passes too much). */
export const succeededExecutionEvent = {
  ...failedExecutionEvent,
  detail: { ...failedExecutionEvent.detail, 'state': 'SUCCEEDED', 'execution-trigger': undefined },
};

/** An action-level event: another detail type. */
export const actionFailedEvent = {
  ...failedExecutionEvent,
  'detail-type': 'CodePipeline Action Execution State Change',
  'detail': { pipeline: PIPELINE, 'execution-id': EXECUTION_ID, 'stage': 'Deploy-prod', 'action': 'Deploy', 'state': 'FAILED', 'version': 4.0 },
};

/** Deploy-prod/Deploy: a CloudFormation deployment into the prod account that failed. */
export const prodDeployFailed: ActionExecutionDetail = {
  pipelineExecutionId: EXECUTION_ID,
  actionExecutionId: 'a1b2c3d4-0000-4000-8000-000000000001',
  pipelineVersion: 4,
  stageName: 'Deploy-prod',
  actionName: 'Deploy',
  startTime: at('05:10:02'),
  lastUpdateTime: at('05:21:50'),
  status: 'Failed',
  input: {
    actionTypeId: { category: 'Deploy', owner: 'AWS', provider: 'CloudFormation', version: '1' },
    configuration: {
      ActionMode: 'CREATE_UPDATE',
      StackName: PROD_STACK,
      RoleArn: `arn:aws:iam::${PROD_ACCOUNT}:role/checkin-eu-west-1-CfnExecutionRole`,
      TemplatePath: 'BuildOutput::checkin-api-prod.template.json',
    },
    resolvedConfiguration: { StackName: PROD_STACK },
    roleArn: `arn:aws:iam::${PROD_ACCOUNT}:role/checkin-eu-west-1-DeploymentRole`,
    region: REGION,
    inputArtifacts: [{ name: 'BuildOutput', s3location: { bucket: 'checkin-artifacts', key: 'checkin-pipeline/BuildOutpu/AbCdEf1' } }],
  },
  output: {
    executionResult: {
      externalExecutionId: PROD_STACK_ID,
      externalExecutionSummary: 'Stack checkin-api-prod in UPDATE_ROLLBACK_COMPLETE state',
      externalExecutionUrl: `https://console.aws.amazon.com/go/view?arn=${encodeURIComponent(PROD_STACK_ID)}`,
      errorDetails: { code: 'JobFailed', message: 'Stack checkin-api-prod in UPDATE_ROLLBACK_COMPLETE state' },
    },
  },
};

/** Test-dev/IntegrationTests: a CodeBuild test action in the build account that failed. */
export const integrationTestsFailed: ActionExecutionDetail = {
  pipelineExecutionId: EXECUTION_ID,
  actionExecutionId: 'a1b2c3d4-0000-4000-8000-000000000002',
  stageName: 'Test-dev',
  actionName: 'IntegrationTests',
  startTime: at('05:06:40'),
  lastUpdateTime: at('05:08:12'),
  status: 'Failed',
  input: {
    actionTypeId: { category: 'Test', owner: 'AWS', provider: 'CodeBuild', version: '1' },
    configuration: { ProjectName: 'checkin-IntegrationTests', PrimarySource: 'SourceOutput' },
    region: REGION,
  },
  output: {
    executionResult: {
      externalExecutionId: BUILD_ID,
      externalExecutionUrl: `https://console.aws.amazon.com/codebuild/home?region=${REGION}#/builds/${encodeURIComponent(BUILD_ID)}/view/new`,
      errorDetails: { code: 'JobFailed', message: 'Build terminated with state: FAILED. Phase: BUILD, Code: COMMAND_EXECUTION_ERROR, Message: Error while executing command: npm run test:integration. Reason: exit status 1' },
    },
  },
};

/** An action that succeeded: never reported. */
export const buildSucceeded: ActionExecutionDetail = {
  pipelineExecutionId: EXECUTION_ID,
  stageName: 'Build',
  actionName: 'Build',
  startTime: at('05:01:30'),
  lastUpdateTime: at('05:05:10'),
  status: 'Succeeded',
  input: { actionTypeId: { category: 'Build', owner: 'AWS', provider: 'CodeBuild', version: '1' }, configuration: { ProjectName: 'checkin-Build' } },
  output: { executionResult: { externalExecutionId: 'checkin-Build:1', externalExecutionSummary: 'Build succeeded' } },
};

/** A CloudFormation action without its own role (it ran as the pipeline's role) and without an error summary. */
export const deployWithoutRole: ActionExecutionDetail = {
  pipelineExecutionId: EXECUTION_ID,
  stageName: 'Deploy-tools',
  actionName: 'Deploy',
  startTime: at('05:09:00'),
  status: 'Failed',
  input: { actionTypeId: { category: 'Deploy', owner: 'AWS', provider: 'CloudFormation', version: '1' }, configuration: { StackName: 'checkin-tools' } },
};

export function stackEvent(time: string, logicalId: string, type: string, status: string, reason?: string): StackEvent {
  const isStack = type === 'AWS::CloudFormation::Stack' && logicalId === PROD_STACK;
  return {
    StackId: PROD_STACK_ID,
    EventId: `${logicalId}-${status}-${time}`,
    StackName: PROD_STACK,
    LogicalResourceId: logicalId,
    PhysicalResourceId: isStack ? PROD_STACK_ID : `${logicalId.toLowerCase()}-physical`,
    ResourceType: type,
    Timestamp: at(time),
    ResourceStatus: status as StackEvent['ResourceStatus'],
    ...(reason ? { ResourceStatusReason: reason } : {}),
  };
}

/** How CloudFormation words the failure of a CodeDeploy-managed alias update (not a documented text). */
export const ALIAS_FAILURE_REASON = `Resource handler returned message: "CodeDeploy deployment ${DEPLOYMENT_ID} did not succeed: it was stopped." (HandlerErrorCode: GeneralServiceException)`;

/**
 * DescribeStackEvents of the prod stack, newest first, the update the action ran and the
 * end of the operation before it: the alias failed first, a table update was cancelled.
 */
export const prodStackEventsNewestFirst: StackEvent[] = [
  stackEvent('05:21:40', PROD_STACK, 'AWS::CloudFormation::Stack', 'UPDATE_ROLLBACK_COMPLETE'),
  stackEvent('05:21:10', 'ApiAliasLive', 'AWS::Lambda::Alias', 'UPDATE_COMPLETE'),
  stackEvent('05:20:31', PROD_STACK, 'AWS::CloudFormation::Stack', 'UPDATE_ROLLBACK_IN_PROGRESS',
    'The following resource(s) failed to update: [ApiAliasLive, CheckinTable].'),
  stackEvent('05:20:30', 'CheckinTable', 'AWS::DynamoDB::Table', 'UPDATE_FAILED', 'Resource update cancelled'),
  stackEvent('05:20:11', 'ApiAliasLive', 'AWS::Lambda::Alias', 'UPDATE_FAILED', ALIAS_FAILURE_REASON),
  stackEvent('05:12:05', 'CheckinTable', 'AWS::DynamoDB::Table', 'UPDATE_IN_PROGRESS'),
  stackEvent('05:12:01', 'ApiAliasLive', 'AWS::Lambda::Alias', 'UPDATE_IN_PROGRESS'),
  stackEvent('05:10:20', PROD_STACK, 'AWS::CloudFormation::Stack', 'UPDATE_IN_PROGRESS', 'User Initiated'),
  // The previous operation: an older failure that must not be taken for this one.
  stackEvent('04:02:00', PROD_STACK, 'AWS::CloudFormation::Stack', 'UPDATE_COMPLETE'),
  stackEvent('04:01:00', 'OldQueue', 'AWS::SQS::Queue', 'UPDATE_FAILED', 'an older failure'),
  stackEvent('04:00:00', PROD_STACK, 'AWS::CloudFormation::Stack', 'UPDATE_IN_PROGRESS', 'User Initiated'),
];

/** A stack whose own event failed and no resource did (e.g. a missing permission of the execution role). */
export const stackOnlyFailureNewestFirst: StackEvent[] = [
  stackEvent('05:11:00', PROD_STACK, 'AWS::CloudFormation::Stack', 'UPDATE_FAILED',
    'Role arn:aws:iam::333333333333:role/checkin-eu-west-1-CfnExecutionRole is invalid or cannot be assumed'),
  stackEvent('05:10:20', PROD_STACK, 'AWS::CloudFormation::Stack', 'UPDATE_IN_PROGRESS', 'User Initiated'),
];

/** GetDeployment of a Lambda deployment an alarm stopped; the message's wording as CodeDeploy writes it. */
export const alarmStoppedDeployment: DeploymentInfo = {
  applicationName: 'checkin-api-prod-Application',
  deploymentGroupName: 'checkin-api-prod-DeploymentGroup',
  deploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
  deploymentId: DEPLOYMENT_ID,
  status: 'Stopped',
  errorInformation: {
    code: 'ALARM_ACTIVE',
    message: 'One or more alarms have been activated according to the Amazon CloudWatch metrics you selected, and the affected deployments have been stopped. Activated alarms: <checkin-api-prod-Errors> <checkin-api-prod-Latency-p99>',
  },
  createTime: at('05:12:02'),
  completeTime: at('05:20:05'),
  rollbackInfo: {
    rollbackDeploymentId: ROLLBACK_DEPLOYMENT_ID,
    rollbackMessage: `Deployment ${DEPLOYMENT_ID} terminated. Automatic rollback is triggered with a DeploymentId ${ROLLBACK_DEPLOYMENT_ID}.`,
  },
  computePlatform: 'Lambda',
};

/** GetDeployment of a Lambda deployment whose BeforeAllowTraffic hook reported Failed. */
export const hookFailedDeployment: DeploymentInfo = {
  deploymentId: DEPLOYMENT_ID,
  status: 'Failed',
  errorInformation: {
    code: 'HOOK_EXECUTION_FAILURE',
    message: 'The deployment failed because one or more of the lifecycle event hooks failed.',
  },
  computePlatform: 'Lambda',
};

/** GetDeployment of the rollback that a failed deployment triggered (no error of its own). */
export const rollbackDeployment: DeploymentInfo = {
  deploymentId: ROLLBACK_DEPLOYMENT_ID,
  status: 'Succeeded',
  rollbackInfo: {
    rollbackTriggeringDeploymentId: DEPLOYMENT_ID,
    rollbackMessage: `Deployment ${ROLLBACK_DEPLOYMENT_ID} is triggered to roll back deployment ${DEPLOYMENT_ID}.`,
  },
  computePlatform: 'Lambda',
};

/** BatchGetDeploymentTargets of the hook failure: the Lambda target and its lifecycle events. */
export const hookFailedTargets: DeploymentTarget[] = [{
  deploymentTargetType: 'LambdaTarget',
  lambdaTarget: {
    deploymentId: DEPLOYMENT_ID,
    targetId: 'checkin-api-prod:live',
    targetArn: `arn:aws:lambda:${REGION}:${PROD_ACCOUNT}:function:checkin-api-prod:live`,
    status: 'Failed',
    lastUpdatedAt: at('05:14:30'),
    lifecycleEvents: [
      { lifecycleEventName: 'BeforeAllowTraffic', status: 'Failed', startTime: at('05:12:10'), endTime: at('05:14:30'),
        diagnostics: { errorCode: 'ScriptFailed', scriptName: '', message: 'The hook checkin-api-prod-PreTrafficHook reported Failed: GET /version answered 502', logTail: '' } },
      { lifecycleEventName: 'AllowTraffic', status: 'Skipped' },
      { lifecycleEventName: 'AfterAllowTraffic', status: 'Skipped' },
    ],
  },
}];

/** BatchGetBuilds of the failed test build. */
export const testBuild: Build = {
  id: BUILD_ID,
  projectName: 'checkin-IntegrationTests',
  buildStatus: 'FAILED',
  reportArns: [REPORT_ARN],
};

/** Failed test cases of the report (DescribeTestCases, filter status FAILED): 12 of them. */
export const failedTestCases: TestCase[] = Array.from({ length: 12 }, (_, i) => ({
  reportArn: REPORT_ARN,
  testSuiteName: 'checkin api',
  prefix: 'checkin api',
  name: `POST /checkins rejects case ${i + 1}`,
  status: 'FAILED',
  durationInNanoSeconds: 1_200_000,
  message: i === 0 ? `expected 400, got 500\n    at Object.<anonymous> (test/integration/checkins.test.ts:42:5)\n${'    at frame\n'.repeat(200)}` : 'expected 400, got 500',
}));
