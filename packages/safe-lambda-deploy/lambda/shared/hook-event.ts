import { describeValue } from './describe';

/** The event CodeDeploy invokes a lifecycle hook with. */
export interface CodeDeployHookEvent {
  readonly DeploymentId: string;
  readonly LifecycleEventHookExecutionId: string;
}

/**
 * The event lacks the deployment ids, so there is nothing to report to: the hook throws
 * instead of reporting, so that the failed invocation shows in its metrics and logs.
 */
export class MalformedHookEvent extends Error {
  public readonly name = 'MalformedHookEvent';
}

/** Checks that the event carries both deployment ids, or throws {@link MalformedHookEvent}. */
export function parseHookEvent(event: unknown): CodeDeployHookEvent {
  const fields = (typeof event === 'object' && event !== null ? event : {}) as Record<string, unknown>;
  const deploymentId = fields.DeploymentId;
  const executionId = fields.LifecycleEventHookExecutionId;
  const problems: string[] = [];
  if (typeof deploymentId !== 'string' || deploymentId.trim() === '') {
    problems.push(`DeploymentId must be a non-empty string such as 'd-A1B2C3D4E', got ${describeValue(deploymentId)}`);
  }
  if (typeof executionId !== 'string' || executionId.trim() === '') {
    problems.push(`LifecycleEventHookExecutionId must be a non-empty string, got ${describeValue(executionId)}`);
  }
  if (problems.length > 0) {
    throw new MalformedHookEvent(`not a CodeDeploy lifecycle hook event, nothing to report to: ${problems.join('; ')}`);
  }
  return { DeploymentId: deploymentId as string, LifecycleEventHookExecutionId: executionId as string };
}
