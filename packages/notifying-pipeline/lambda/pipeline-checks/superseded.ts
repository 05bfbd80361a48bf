/**
 * Right after the pipeline's own stack was updated (self-update): an execution that started
 * on an older version of the pipeline stops here, so that no later stage runs on the old
 * structure; the updated pipeline runs the same commit again, started by CloudFormation's
 * RestartExecutionOnUpdate ("Indicates whether to rerun the CodePipeline pipeline after you
 * update it": https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-codepipeline-pipeline.html).
 *
 * The versions: "Updating the pipeline increases the version number of the pipeline by 1"
 * (https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_UpdatePipeline.html), and an
 * execution carries "the version number of the pipeline with the specified pipeline execution"
 * (https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_PipelineExecution.html).
 * AWS documents that an execution may end Cancelled when "the pipeline's definition was updated
 * before the pipeline execution could be completed" (same page), but not which ones; this
 * check does not rely on it either way.
 *
 * The stop waits for the running actions (this one) to finish, then the execution is Stopped:
 * "After all in-progress actions are completed or abandoned, the pipeline execution is in a
 * Stopped state" (https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_StopPipelineExecution.html).
 *
 * Fail closed: versions it cannot read, or a stop that is refused for another reason than
 * the execution already stopping, fail the action, and the execution with it.
 */
import {
  CodePipelineClient, GetPipelineCommand, GetPipelineExecutionCommand, StopPipelineExecutionCommand,
} from '@aws-sdk/client-codepipeline';
import type { StopIfSupersededParams } from '../../src/contract/check-params';
import { JobSuccess } from './job';

/** The errors of a stop that is already under way, or of an execution that no longer runs (API_StopPipelineExecution, Errors). */
const ALREADY_STOPPING = ['DuplicatedStopRequestException', 'PipelineExecutionNotStoppableException'];

export async function stopIfSuperseded(params: StopIfSupersededParams, codePipeline: CodePipelineClient, signal: AbortSignal): Promise<JobSuccess> {
  const { pipelineExecution } = await codePipeline.send(new GetPipelineExecutionCommand({
    pipelineName: params.pipelineName, pipelineExecutionId: params.executionId,
  }), { abortSignal: signal });
  const { pipeline } = await codePipeline.send(new GetPipelineCommand({ name: params.pipelineName }), { abortSignal: signal });
  const started = pipelineExecution?.pipelineVersion;
  const current = pipeline?.version;
  if (!isVersion(started) || !isVersion(current)) {
    throw new Error(`cannot tell whether pipeline ${params.pipelineName} changed since execution ${params.executionId} started ` +
      `(its version ${JSON.stringify(current)}, the execution's ${JSON.stringify(started)}): the execution stops here rather than run the next stages on a structure it does not know; release again`);
  }
  if (current < started) {
    throw new Error(`pipeline ${params.pipelineName} is at version ${current}, older than the version ${started} execution ${params.executionId} started on: the pipeline was replaced; release again`);
  }
  if (current === started) {
    return {
      summary: `pipeline ${params.pipelineName} is unchanged (version ${current}): this execution goes on`,
      outputVariables: { Superseded: 'false', PipelineVersion: String(current) },
    };
  }
  const reason = `The pipeline was updated from version ${started} to ${current} by this execution's self-update; the updated pipeline runs the same commit again`;
  try {
    await codePipeline.send(new StopPipelineExecutionCommand({
      pipelineName: params.pipelineName, pipelineExecutionId: params.executionId, abandon: false, reason,
    }), { abortSignal: signal });
  } catch (err) {
    if (!ALREADY_STOPPING.includes((err as Error).name)) throw err;
  }
  return {
    summary: `pipeline ${params.pipelineName} changed from version ${started} to ${current}: this execution stops after this action, and the updated pipeline runs the same commit again (RestartExecutionOnUpdate)`,
    outputVariables: { Superseded: 'true', PipelineVersion: String(current) },
  };
}

function isVersion(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1;
}
