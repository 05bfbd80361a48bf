import { Decision, Policy } from '../classify';

/** Who reviewed what, where, and what was decided: everything the report says besides the changes. */
export interface ReportContext {
  readonly pipelineName?: string;
  readonly executionId?: string;
  readonly environment?: string;
  readonly account?: string;
  readonly region?: string;
  readonly reviewedAt: string;
  readonly policy: Policy;
  readonly decision: Decision;
  /** Console link to the change set (rendered as a link only when it is https). */
  readonly changeSetUrl?: string;
}
