/**
 * The adversarial corpus of the change review: change sets written from the CloudFormation API
 * reference (DescribeChangeSet, Change, ResourceChange, ResourceChangeDetail,
 * ResourceTargetDefinition) and the resource type reference, each with the tier a careful
 * person would give it. The review must never give a lower one.
 *
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeChangeSet.html
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceChange.html
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceTargetDefinition.html
 */

/** What the review reads: the DescribeChangeSet pages of one change set, its template, its nested change sets. */
export interface CorpusInput {
  /**
   * Every page DescribeChangeSet (IncludePropertyValues: true) returned, in order, as the JSON
   * of the API response (dates as ISO strings). Malformed pages are allowed: that is the point
   * of some cases.
   */
  readonly pages: readonly unknown[];
  /**
   * The change set's template as GetTemplate (ChangeSetName, TemplateStage Processed) returns it,
   * parsed; absent when the caller could not read it.
   */
  readonly template?: unknown;
  /** Nested change sets, keyed by their change set ARN (ResourceChange.ChangeSetId of the parent). */
  readonly nested?: { readonly [changeSetId: string]: CorpusInput };
}

/** The class of change a case belongs to; the README's corpus table counts cases per class. */
export type CorpusClass =
  | 'privilege-escalation'
  | 'negated-condition'
  | 'data-destruction-in-place'
  | 'data-removal-or-replacement'
  | 'unmodelled-type'
  | 'exposure'
  | 'safe-deploy-weakening'
  | 'replacement-semantics'
  | 'misleading-approver'
  | 'malformed-or-inconsistent'
  | 'nested-stack'
  | 'control-low'
  | 'control-none';

/** A reason category the review must name for the case (at least one attention item of it). */
export type ExpectedCategory = 'data-loss' | 'iam' | 'exposure' | 'safe-deploy' | 'unreviewed';

export interface CorpusCase {
  /** Unique, kebab-case, stable: e.g. `iam-attach-role-policy-on-role-star`. */
  readonly id: string;
  readonly class: CorpusClass;
  /** One line: what the change does, as a person would say it. */
  readonly title: string;
  /**
   * `none`: CloudFormation says the change set has no changes and lists none.
   * `low`: every change is a shape of the low table.
   * `high`: a person must look.
   * `refuse`: the review must refuse the input (the action fails with a reason; no tier).
   */
  readonly expected: 'none' | 'low' | 'high' | 'refuse';
  /** For `high`: a category that at least one attention item must have. */
  readonly category?: ExpectedCategory;
  /** The AWS page(s) the case's shape and its expected tier rest on. */
  readonly cite: readonly string[];
  readonly input: CorpusInput;
}
