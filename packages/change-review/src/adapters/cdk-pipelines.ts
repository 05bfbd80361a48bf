import { Aws, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as pipelines from 'aws-cdk-lib/pipelines';

/** Props of {@link ChangeReviewStep}. */
export interface ChangeReviewStepProps {
  /** The stack whose change set (CDK Pipelines names it `PipelineChange`) is reviewed. */
  readonly stack: Stack;
  /**
   * The role the review reads the change set as, in the stack's account and region. It needs
   * cloudformation:DescribeChangeSet, GetTemplate and DescribeEvents on the stack.
   *
   * @default - the stack's CDK bootstrap lookup role (`cdk-<qualifier>-lookup-role-<account>-<region>`, read-only), which trusts the pipeline's account when it was bootstrapped with `--trust`
   */
  readonly roleArn?: string;
  /**
   * The bootstrap qualifier of the default role.
   *
   * @default 'hnb659fds'
   */
  readonly bootstrapQualifier?: string;
  /**
   * The version of `@crosswalk/cli` the step installs.
   *
   * @default '0'
   */
  readonly cliVersion?: string;
  /**
   * The policy the report records (`never`, `noChanges`, `lowRisk`); the step never approves: put
   * a `ManualApprovalStep` after it.
   *
   * @default 'noChanges'
   */
  readonly autoApprove?: string;
  /**
   * Detect drift on the stack before the review (`crosswalk review --detect-drift`), so that a
   * resource edited outside CloudFormation that the change set modifies, replaces or removes needs
   * a person. The role needs cloudformation:DetectStackDrift, DetectStackResourceDrift,
   * DescribeStackDriftDetectionStatus and DescribeStackResourceDrifts, and read access to the
   * stack's resources (CloudFormation reads them with the caller's credentials). When detection
   * fails or is denied, the review asks a person; it never reads that as "no drift".
   * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/detect-drift-stack.html
   *
   * @default true
   */
  readonly detectDrift?: boolean;
}

/** The change set name CDK Pipelines gives every stack's change set. */
export const CDK_PIPELINES_CHANGE_SET = 'PipelineChange';

/**
 * A CDK Pipelines step that reviews a stack's change set with `crosswalk review` between its
 * creation and its execution, and prints the report (Markdown) in the step's log, so that the
 * person at the manual approval that follows reads what will change. The step fails when the
 * change set could not be reviewed (exit code 30); a high tier does not fail it (the approval
 * decides). Use it in a stack's `changeSet` steps, before a `ManualApprovalStep`.
 */
export class ChangeReviewStep extends pipelines.CodeBuildStep {
  /**
   * The review and, after it, a manual approval: the steps to give as a stack's `changeSet`
   * steps (CDK Pipelines runs steps in parallel unless one depends on the other).
   */
  public static beforeApproval(id: string, props: ChangeReviewStepProps, approvalComment?: string): pipelines.Step[] {
    const review = new ChangeReviewStep(id, props);
    const approve = new pipelines.ManualApprovalStep(`${id}Approval`, {
      comment: approvalComment ?? `Read the change review of ${props.stack.stackName} in the log of the ${id} step before approving.`,
    });
    approve.addStepDependency(review);
    return [review, approve];
  }

  constructor(id: string, props: ChangeReviewStepProps) {
    const stack = props.stack;
    if (Token.isUnresolved(stack.account) || Token.isUnresolved(stack.region)) {
      throw new Error(`ChangeReviewStep: stack '${stack.stackName}' must have an explicit env (account and region): the review reads its change set in that account`);
    }
    const qualifier = props.bootstrapQualifier ?? 'hnb659fds';
    const roleArn = props.roleArn ?? `arn:${Aws.PARTITION}:iam::${stack.account}:role/cdk-${qualifier}-lookup-role-${stack.account}-${stack.region}`;
    const autoApprove = props.autoApprove ?? 'noChanges';
    if (!['never', 'noChanges', 'lowRisk'].includes(autoApprove)) {
      throw new Error(`ChangeReviewStep: autoApprove must be never, noChanges or lowRisk, got '${autoApprove}'`);
    }
    const review = [
      'crosswalk review',
      `--stack ${stack.stackName}`,
      `--change-set ${CDK_PIPELINES_CHANGE_SET}`,
      `--role-arn ${roleArn}`,
      `--region ${stack.region}`,
      `--auto-approve ${autoApprove}`,
      ...(props.detectDrift ?? true ? ['--detect-drift'] : []),
      '--format md --out change-review.md',
    ].join(' ');
    super(id, {
      installCommands: [`npm install -g @crosswalk/cli@${props.cliVersion ?? '0'}`],
      // One shell line: the exit code of the review decides, after the report is printed.
      commands: [`${review}; code=$?; cat change-review.md 2>/dev/null; echo "crosswalk review exit code: $code"; test $code -lt 30`],
      rolePolicyStatements: [new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources: [roleArn] })],
    });
  }
}
