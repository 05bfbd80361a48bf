/**
 * What AWS itself checked on a change set before anyone reviews it: CloudFormation Hooks invoked
 * on it and CloudFormation's pre-deployment validations, as DescribeEvents (with the change
 * set's name) returns them. A check that failed in WARN mode let the change set be created
 * anyway: the review shows it and asks a person. A check still in progress has no verdict yet.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeEvents.html
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_OperationEvent.html
 * https://docs.aws.amazon.com/cloudformation-cli/latest/hooks-userguide/what-is-cloudformation-hooks.html
 */
import { UnreviewableChangeSet } from './errors';
import { isObject } from './json';

/** One check AWS ran: a hook invocation or a validation. */
export interface AwsCheck {
  readonly kind: 'hook' | 'validation';
  /** The hook's type name or the validation's name. */
  readonly name: string;
  /** As AWS wrote it: HOOK_COMPLETE_SUCCEEDED, HOOK_COMPLETE_FAILED, HOOK_FAILED, HOOK_IN_PROGRESS; FAILED, SKIPPED. */
  readonly status: string;
  readonly reason?: string;
  /** FAIL or WARN. */
  readonly failureMode?: string;
  readonly logicalId?: string;
  readonly path?: string;
}

/** What the caller gave: the events, or why they could not be read. */
export type AwsChecks = { readonly state: 'absent' } | { readonly state: 'unreadable'; readonly why: string } | { readonly state: 'read'; readonly checks: readonly AwsCheck[] };

/** Whether a check's outcome says something is wrong or not yet known. */
export function checkFailed(c: AwsCheck): boolean {
  if (c.kind === 'hook') return c.status !== 'HOOK_COMPLETE_SUCCEEDED';
  return c.status === 'FAILED' || (c.status !== 'SKIPPED' && c.status !== 'SUCCEEDED' && c.status !== 'PASSED');
}

/** Reads `events` (the OperationEvents of every DescribeEvents page) or `eventsProblem`. */
export function readAwsChecks(events: unknown, problem: unknown): AwsChecks {
  if (problem !== undefined && problem !== null) {
    if (typeof problem !== 'string') throw new UnreviewableChangeSet('the input\'s "eventsProblem" is not a string');
    return { state: 'unreadable', why: problem };
  }
  if (events === undefined || events === null) return { state: 'absent' };
  if (!Array.isArray(events)) throw new UnreviewableChangeSet('the input\'s "events" is not a list of DescribeEvents OperationEvents');
  const checks: AwsCheck[] = [];
  events.forEach((e, i) => {
    if (!isObject(e)) throw new UnreviewableChangeSet(`events[${i}] is not an object`);
    const s = (key: string): string | undefined => {
      const v = e[key];
      if (v === undefined || v === null) return undefined;
      if (typeof v !== 'string') throw new UnreviewableChangeSet(`events[${i}].${key} is not a string`);
      return v;
    };
    const common = {
      ...(s('LogicalResourceId') !== undefined ? { logicalId: s('LogicalResourceId')! } : {}),
    };
    const type = s('EventType');
    const detailed = s('DetailedStatus');
    const isHook = s('HookType') !== undefined || s('HookStatus') !== undefined || type === 'HOOK_INVOCATION_ERROR';
    const isValidation = s('ValidationName') !== undefined || s('ValidationStatus') !== undefined || type === 'VALIDATION_ERROR' || detailed === 'VALIDATION_FAILED';
    if (isHook) {
      checks.push({
        // An error event without a status is a failure, not an absence of news.
        kind: 'hook', name: s('HookType') ?? '(unnamed hook)', status: s('HookStatus') ?? (type === 'HOOK_INVOCATION_ERROR' ? 'HOOK_INVOCATION_ERROR' : '(no status)'), ...common,
        ...(s('HookStatusReason') !== undefined ? { reason: s('HookStatusReason')! } : {}),
        ...(s('HookFailureMode') !== undefined ? { failureMode: s('HookFailureMode')! } : {}),
      });
    }
    if (isValidation) {
      const reason = s('ValidationStatusReason') ?? s('ResourceStatusReason');
      checks.push({
        kind: 'validation', name: s('ValidationName') ?? '(unnamed validation)', status: s('ValidationStatus') ?? (detailed === 'VALIDATION_FAILED' || type === 'VALIDATION_ERROR' ? 'FAILED' : '(no status)'), ...common,
        ...(reason !== undefined ? { reason } : {}),
        ...(s('ValidationFailureMode') !== undefined ? { failureMode: s('ValidationFailureMode')! } : {}),
        ...(s('ValidationPath') !== undefined ? { path: s('ValidationPath')! } : {}),
      });
    }
  });
  return { state: 'read', checks };
}
