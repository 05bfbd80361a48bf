/**
 * The readable texts sent to the notification topic: EventBridge input transformers
 * over CodePipeline's events, with a console link in the pipeline's own region.
 * Not exported from the package.
 */
import * as events from 'aws-cdk-lib/aws-events';
import { pipelineExecutionUrl, pipelineUrl } from '../contract/console';

const pipeline = () => events.EventField.fromPath('$.detail.pipeline');
const executionId = () => events.EventField.fromPath('$.detail.execution-id');
const state = () => events.EventField.fromPath('$.detail.state');
const stage = () => events.EventField.fromPath('$.detail.stage');
const action = () => events.EventField.fromPath('$.detail.action');

/** A pipeline execution changed state (FAILED, SUCCEEDED). */
export function executionMessage(partition: string, region: string): events.RuleTargetInput {
  return events.RuleTargetInput.fromText(
    `Pipeline ${pipeline()}: execution ${executionId()} ${state()} at ${events.EventField.time}. ` +
    `Details: ${pipelineExecutionUrl(partition, region, pipeline(), executionId())}`,
  );
}

/** An action of an execution failed: names the stage and the action. */
export function actionFailureMessage(partition: string, region: string): events.RuleTargetInput {
  return events.RuleTargetInput.fromText(
    `Pipeline ${pipeline()}: action ${action()} of stage ${stage()} ${state()} in execution ${executionId()} ` +
    `at ${events.EventField.time}. Details: ${pipelineExecutionUrl(partition, region, pipeline(), executionId())}`,
  );
}

/** A manual approval started and waits for a decision. */
export function approvalWaitingMessage(partition: string, region: string): events.RuleTargetInput {
  return events.RuleTargetInput.fromText(
    `Pipeline ${pipeline()}: approval ${action()} of stage ${stage()} is waiting for a decision ` +
    `(execution ${executionId()}, since ${events.EventField.time}). Review and approve or reject: ${pipelineUrl(partition, region, pipeline())}`,
  );
}
