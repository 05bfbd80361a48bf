/**
 * @crosswalk/change-review: a fail-closed review of CloudFormation change sets.
 *
 * Give it what DescribeChangeSet returned (every page, IncludePropertyValues true), the change
 * set's processed template (GetTemplate with ChangeSetName) and its nested change sets; it
 * returns a risk tier, what needs a person's attention, and a report. A change is low only
 * when a shape of the low table proves it routine; everything else, and everything it cannot
 * read, needs a person.
 */
import { Classification, classify, decide } from './classify';
import { readChangeSet, UnreviewableChangeSet } from './model/change-set';
import { ReportContext } from './report/context';
import { renderHtml } from './report/html';
import { renderJson } from './report/json';
import { renderMarkdown } from './report/markdown';
import { summarize } from './report/summary';
import { RULES } from './rules';
import { LOW_SHAPES } from './shapes';

/** How much a change set needs a person. */
export enum RiskTier {
  /** CloudFormation reports no changes. */
  NONE = 'none',
  /** Every change matched a shape of the low table. */
  LOW = 'low',
  /** A person must look. */
  HIGH = 'high',
}

/** Which tiers may proceed without a person. */
export enum AutoApprove {
  /** A person approves every run, even one without changes. */
  NEVER = 'never',
  /** Only a change set without changes proceeds (nothing is executed). */
  NO_CHANGES = 'noChanges',
  /** A change set whose every change matched the low table proceeds too. */
  LOW_RISK = 'lowRisk',
}

/** What the review reads. */
export interface ChangeSetInput {
  /**
   * Every page DescribeChangeSet returned for the change set (called with
   * IncludePropertyValues true), in order, as the API's JSON.
   */
  readonly pages: any[];
  /**
   * The change set's template (GetTemplate with ChangeSetName and TemplateStage Processed),
   * parsed or as the JSON string. Without it, an alias move cannot be proven to go through
   * CodeDeploy (a change set does not show UpdatePolicy), so it needs a person.
   *
   * @default - no template
   */
  readonly template?: any;
  /**
   * The nested change sets, keyed by their ARN (ResourceChange.ChangeSetId of the parent).
   * A nested stack whose change set is missing here needs a person.
   *
   * @default - none
   */
  readonly nested?: { [changeSetId: string]: ChangeSetInput };
  /**
   * The OperationEvents of DescribeEvents called with the change set's name (every page): the
   * CloudFormation hooks and pre-deployment validations AWS ran on it. A failed one needs a person.
   *
   * @default - not read: the report says so
   */
  readonly events?: any[];
  /**
   * Why the events could not be read (AccessDenied, a time-out): the review then asks a person.
   *
   * @default - none
   */
  readonly eventsProblem?: string;
  /**
   * The stack's drift: StackResourceDrifts of DescribeStackResourceDrifts after DetectStackDrift.
   * A drifted resource the change set modifies, replaces or removes needs a person.
   *
   * @default - not read (a drift-aware change set still shows its own drift)
   */
  readonly drifts?: any[];
  /**
   * Why the drift could not be read: the review then asks a person.
   *
   * @default - none
   */
  readonly driftProblem?: string;
}

/** Who reviewed what, where: what the report says besides the changes. */
export interface ReviewContext {
  /** When the review ran (ISO 8601); given, so that reports are deterministic. */
  readonly reviewedAt: string;
  /** @default AutoApprove.NO_CHANGES */
  readonly autoApprove?: AutoApprove;
  /** @default - not shown */
  readonly pipelineName?: string;
  /** @default - not shown */
  readonly executionId?: string;
  /** @default - not shown */
  readonly environment?: string;
  /** @default - not shown */
  readonly account?: string;
  /** @default - not shown */
  readonly region?: string;
  /** A console link to the change set; shown as a link only when it is an https AWS console URL. @default - not shown */
  readonly changeSetUrl?: string;
}

/** One reason a person must look. */
export interface ReviewFinding {
  /** data-loss | iam | exposure | safe-deploy | unreviewed | not-proven-low */
  readonly category: string;
  /** The rule that found it (see the README's rule table). */
  readonly rule: string;
  /** The reason in plain text; values from the change set are quoted, cleaned and capped. */
  readonly text: string;
}

/** What the pipeline does with the change set under a policy. */
export interface ReviewDecision {
  /** A person must approve. */
  readonly approvalRequired: boolean;
  /** There is something to execute (the tier is not NONE). */
  readonly execute: boolean;
  readonly reason: string;
}

/** The number of changes, nested change sets included. */
export interface ChangeCounts {
  readonly add: number;
  readonly modify: number;
  readonly remove: number;
  /** Replacement True or Conditional. */
  readonly replace: number;
  readonly total: number;
}

/** One entry of the low table or the rule list, for documentation. */
export interface TableEntry {
  readonly id: string;
  /** What the shape or the rule covers. */
  readonly description: string;
  /** Why (for a low shape): why such a change needs no person. */
  readonly reason: string;
  /** The category of a rule's findings; `low` for a shape. */
  readonly category: string;
  readonly citations: string[];
}

/** The review of one change set. */
export class ChangeReview {
  /**
   * Reviews a change set. Throws an error named `UnreviewableChangeSet` (see
   * {@link ChangeReview.isUnreviewable}) when the input cannot be trusted: malformed, a status
   * other than CREATE_COMPLETE (or FAILED with "no changes"), a status and a list of changes
   * that disagree, pages of another change set, or more than the review reads.
   */
  public static review(input: ChangeSetInput): ChangeReview {
    return new ChangeReview(classify(readChangeSet(input)));
  }

  /** Whether an error is the review refusing its input (the caller fails, with the message). */
  public static isUnreviewable(error: any): boolean {
    return error instanceof UnreviewableChangeSet || (error instanceof Error && error.name === 'UnreviewableChangeSet');
  }

  /** The low table: the only shapes of change the review calls low. */
  public static lowTable(): TableEntry[] {
    return LOW_SHAPES.map((s) => ({ id: s.id, description: s.title, reason: s.why, category: 'low', citations: [...s.cite] }));
  }

  /** The rules that explain what needs attention. */
  public static rules(): TableEntry[] {
    return RULES.map((r) => ({ id: r.id, description: r.summary, reason: r.summary, category: r.category, citations: [...r.cite] }));
  }

  /** The risk tier. */
  public readonly tier: RiskTier;
  /** Every reason a person must look, data loss and IAM first. */
  public readonly findings: ReviewFinding[];
  public readonly counts: ChangeCounts;
  public readonly stackName: string;
  public readonly changeSetName: string;
  public readonly changeSetId: string;

  private readonly classification: Classification;

  private constructor(classification: Classification) {
    this.classification = classification;
    this.tier = classification.tier as RiskTier;
    this.findings = classification.findings.map((f) => ({ category: f.category, rule: f.rule, text: f.text.plain() }));
    this.counts = { ...classification.counts };
    this.stackName = classification.changeSet.stackName;
    this.changeSetName = classification.changeSet.changeSetName;
    this.changeSetId = classification.changeSet.changeSetId;
  }

  /** What to do under a policy: NONE executes nothing; LOW proceeds alone only under LOW_RISK; HIGH always waits for a person. */
  public decide(policy: AutoApprove): ReviewDecision {
    return decide(this.classification.tier, policy);
  }

  /** One paragraph for an approval request, tier and decision first. */
  public summary(context: ReviewContext, maxLength?: number): string {
    return summarize(this.classification, this.context(context), maxLength ?? 500);
  }

  /** The report as GitHub-flavoured Markdown (values as code spans, no links but the console's). */
  public markdown(context: ReviewContext): string {
    return renderMarkdown(this.classification, this.context(context));
  }

  /** The report as one standalone HTML page (no script, no external asset). */
  public html(context: ReviewContext): string {
    return renderHtml(this.classification, this.context(context));
  }

  /** The review as JSON. */
  public json(context: ReviewContext): string {
    return renderJson(this.classification, this.context(context));
  }

  private context(c: ReviewContext): ReportContext {
    const policy = c.autoApprove ?? AutoApprove.NO_CHANGES;
    return {
      ...c,
      policy,
      decision: decide(this.classification.tier, policy),
    };
  }
}
