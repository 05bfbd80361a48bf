import { CfnCapabilities, Duration } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';

/**
 * A test action that runs after an environment's deployment, in CodeBuild, in the
 * build account. It gets the source checkout as its primary input and the build
 * output in `$CODEBUILD_SRC_DIR_BuildOutput`; chosen stack outputs arrive as
 * environment variables. A failing test stops the pipeline before the next environment.
 */
export interface PipelineTest {
  /**
   * The action's name in the environment's stage, for example `Integration` or `Sanity`.
   * A letter, then at most 49 letters, digits, `_` or `-`.
   */
  readonly name: string;

  /**
   * Shell commands to run (install phase already selects the Node.js version), for
   * example `['npm ci', 'npx jest --ci test/integration']`. Give either `commands` or `buildSpec`.
   * @default - none: `buildSpec` is used
   */
  readonly commands?: string[];

  /**
   * A full buildspec, for tests that need more than a list of commands. When created
   * with `BuildSpec.fromObject()`, the JUnit report section and the Node.js runtime are
   * merged into it. Give either `commands` or `buildSpec`.
   * @default - none: `commands` are used
   */
  readonly buildSpec?: codebuild.BuildSpec;

  /**
   * Environment variables taken from the environment's stack outputs, as
   * `{ VARIABLE: 'OutputName' }`, for example `{ API_URL: 'ApiUrl' }`. Each output must be
   * listed in the environment's `outputs`.
   * @default - no variable from the stack outputs
   */
  readonly environmentFromOutputs?: { [variable: string]: string };

  /**
   * Plain environment variables of the test run.
   * @default - none
   */
  readonly environmentVariables?: { [variable: string]: string };

  /**
   * The JUnit XML files (jest-junit's output) that become a CodeBuild test report.
   * @default ['**\/test-reports/*.xml']
   */
  readonly reportFiles?: string[];
}

/**
 * One environment the pipeline deploys to, in order: a stage named after it that
 * deploys the stack as the target account's convention deployment role, then runs its tests.
 */
export interface PipelineEnvironment {
  /**
   * The stage name, for example `Dev` or `Prod`: a letter, then at most 49 letters,
   * digits, `_` or `-`. Unique among the environments.
   */
  readonly name: string;

  /** The 12-digit id of the target account, where the `DeploymentRoles` stack of the project is deployed. */
  readonly account: string;

  /**
   * The region of the stack. In another region than the pipeline's, the stage's CloudFormation
   * actions run there as that region's convention roles of the account
   * (`naming.forRegion(region)`, whose `CrossAccountDeploymentRoles` must be deployed in the
   * account), with that region's artifact store of the build account (an `EncryptedArtifactStore`
   * there, whose key ARN the pipeline gets in `regionalArtifactKeyArns`).
   * @default - the pipeline's region (the naming convention's)
   */
  readonly region?: string;

  /**
   * The wave the environment belongs to: consecutive environments with the same wave run
   * together, and the next wave starts only when every environment of this one has passed
   * its deployment, tests and bake. With `requireApproval`, a wave of several environments
   * has one change review (one report over all its change sets, the highest risk deciding)
   * and one approval. Every environment of a wave must agree on `requireApproval`,
   * `deploymentWindow` and `rollbackOnFailure`, which are decided per stage.
   * @default - a wave of its own, named after the environment
   */
  readonly wave?: string;

  /**
   * The CloudFormation stack to create or update. Must start with the naming convention's
   * `resourcePrefix`, because the deployment roles act only on the project's stacks.
   */
  readonly stackName: string;

  /** The path of the stack's template in the build output artifact, for example `cdk.out/Dev.template.json`. */
  readonly templatePath: string;

  /**
   * Whether the change is reviewed before it is applied: create change set → review (a
   * report of what changes, with a risk tier) → approval (skipped as `autoApprove` allows)
   * → verify that the change set is still the one reviewed → execute it; instead of one
   * deploy action. The environment then spans three stages: `<name>` (change set and
   * review), `<name>Approval` and `<name>Deploy` (execution, tests, bake).
   * @default false
   */
  readonly requireApproval?: boolean;

  /**
   * When a reviewed change needs no person (only with `requireApproval`). Whatever the
   * policy, a change set with no change is neither approved nor executed, and a high-risk
   * change always waits for a person.
   * @default AutoApprove.NO_CHANGES
   */
  readonly autoApprove?: AutoApprove;

  /**
   * How long the environment's alarms must stay out of ALARM after its deployment and
   * tests before the stage succeeds; an alarm that goes off fails the stage (which rolls it
   * back when `rollbackOnFailure` applies). Whole minutes, at most 23 hours (a Lambda invoke
   * action times out after 24 hours). `Duration.minutes(0)` turns the bake off.
   * @default - 10 minutes for an environment with `requireApproval`, none otherwise
   */
  readonly bakeTime?: Duration;

  /**
   * Whether an alarm that goes off during the execution or the bake reverts the release by
   * itself: the change set is created with CloudFormation's rollback triggers (the alarms
   * the bake watches, at most 5, or composite alarms over them) and the bake as the
   * monitoring time, so CloudFormation returns the stack to the state it had before the
   * reviewed change set executed, with no person and no new approval; the ExecuteChangeSet
   * action then fails, and the failure email names the alarm. The bake then reports on the
   * window CloudFormation watched. Needs `requireApproval` and a bake of at most 180 minutes
   * (CloudFormation's longest monitoring time).
   * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-rollback-triggers.html
   * @default - true for an environment with `requireApproval` and a bake
   */
  readonly revertOnAlarm?: boolean;

  /**
   * The alarms the bake watches: every alarm of the target account whose name starts with
   * this prefix. Must start with the project's resource prefix (the read-only role reads
   * only the project's alarms).
   * @default - `<stackName>-`: the alarms of the environment's stack, whose generated names start with the stack name
   */
  readonly bakeAlarmNamePrefix?: string;

  /**
   * The stack outputs tests may use. All outputs are published in the stage's variables
   * namespace (`#{<name>Stack.<Output>}`); listing them here lets the construct check the
   * tests' `environmentFromOutputs` at synth time.
   * @default - none
   */
  readonly outputs?: string[];

  /**
   * Tests run after the deployment, in parallel; their reports land in CodeBuild reports.
   * @default - no test
   */
  readonly tests?: PipelineTest[];

  /**
   * The capabilities CloudFormation is given for the stack.
   * @default [CfnCapabilities.NAMED_IAM, CfnCapabilities.AUTO_EXPAND]
   */
  readonly capabilities?: CfnCapabilities[];

  /**
   * Values of the template's parameters.
   * @default - the template's defaults
   */
  readonly parameterOverrides?: { [name: string]: string };

  /**
   * Whether a failure in this stage rolls the stage back to its last successful execution
   * (a CodePipeline V2 `onFailure` condition with result `ROLLBACK`). CodePipeline rolls back
   * only to an execution started in the current pipeline structure version: after a change
   * to the pipeline itself there is nothing to roll back to until a run succeeds.
   *
   * Not available with `requireApproval`: a rollback re-runs the stage with the variables of
   * the execution it returns to, so it would execute that execution's change set, which
   * CloudFormation has deleted once executed. There, CloudFormation rolls back a failed
   * execution itself, and CodeDeploy rolls back a traffic shift on alarm.
   * @default - true, false with `requireApproval`
   */
  readonly rollbackOnFailure?: boolean;

  /**
   * When the stage may be entered: an entry condition with CodePipeline's `DeploymentWindow`
   * rule. An execution that reaches the stage outside the window fails there (its earlier
   * stages stay done; release it again inside the window). One cron expresses one window;
   * a condition's rules must all pass, so several windows cannot be combined.
   * @default - any time
   */
  readonly deploymentWindow?: DeploymentWindow;
}

/**
 * The settings that decide an environment's bake and whether an alarm reverts its release
 * (the fields of the same name of {@link PipelineEnvironment}), for
 * `NotifyingPipeline.bakeMinutes` and `NotifyingPipeline.revertsOnAlarm`.
 */
export interface BakeSettings {
  /** @default false */
  readonly requireApproval?: boolean;
  /** @default - 10 minutes with `requireApproval`, none otherwise */
  readonly bakeTime?: Duration;
  /** @default - true with `requireApproval` and a bake */
  readonly revertOnAlarm?: boolean;
}

/** A time the stage may be entered, as CodePipeline's `DeploymentWindow` rule takes it. */
export interface DeploymentWindow {
  /**
   * When deployments are allowed: a cron expression of 6 fields and an optional year
   * (seconds, minutes, hours, day of month, month, day of week[, year]), e.g.
   * `* 0-59 9-16 ? * MON-THU` for 09:00 to 16:59, Monday to Thursday.
   */
  readonly cron: string;

  /**
   * The time zone of `cron`, e.g. `Europe/Berlin`.
   * @default 'UTC'
   */
  readonly timeZone?: string;
}

/** When a reviewed change may go ahead without a person. */
export enum AutoApprove {
  /** A person approves every run, even one with no change (which is then not executed). */
  NEVER = 'never',
  /** A run with no change needs no approval (and executes nothing); every change waits for a person. */
  NO_CHANGES = 'noChanges',
  /** Low-risk changes go ahead without a person, recorded as approved by this policy in the report; high-risk ones wait. */
  LOW_RISK = 'lowRisk',
}

/** One stack of the build account that the pipeline updates itself (see {@link SelfUpdate}). */
export interface SelfUpdateStack {
  /**
   * The stack's name in the pipeline: its execution stage is `<name>Deploy`, its entry in the
   * review report is named after it. A letter, then at most 49 letters, digits, `_` or `-`;
   * unique among the stacks and the environments.
   */
  readonly name: string;

  /** The CloudFormation stack, in the build account and the pipeline's region. Must start with the project prefix. */
  readonly stackName: string;

  /** The path of the stack's template in the build output artifact, for example `cdk.out/Crosswalk-Pipeline.template.json`. */
  readonly templatePath: string;

  /**
   * The capabilities CloudFormation is given for the stack.
   * @default [CfnCapabilities.NAMED_IAM, CfnCapabilities.AUTO_EXPAND]
   */
  readonly capabilities?: CfnCapabilities[];
}

/**
 * The build account's own stacks (the pipeline's, the artifact store's), updated by the
 * pipeline from each commit, before any environment, with the same change review as an
 * environment: right after Build, stage `SelfUpdate` creates a change set of each stack (by
 * URL, through the build account's own convention deployment role,
 * `BuildAccountDeploymentRoles`) and reviews them together; `SelfUpdateApproval` waits for a
 * person unless `autoApprove` allows; each stack's `<name>Deploy` stage (skipped when its
 * change set is empty) verifies the change set by id against the reviewed one and executes it.
 *
 * The pipeline's own stack executes last. When its update changed the pipeline, CloudFormation
 * starts the updated pipeline on the same commit (`RestartExecutionOnUpdate`), and the
 * execution in flight stops itself right after the update (an action compares the version of
 * the pipeline it started on with the pipeline's current version), so no later stage runs on
 * the old structure. The new execution finds nothing left to change and goes on to the
 * environments. The build account's stacks must carry the build account's permissions
 * boundary (`CrossAccountDeploymentRoles.applyPermissionsBoundary`), which its execution role
 * requires of every role it creates.
 */
export interface SelfUpdate {
  /**
   * The build account's stacks, in the order their change sets execute. The stack of this
   * pipeline must be the last one.
   */
  readonly stacks: SelfUpdateStack[];

  /**
   * When a reviewed change of the build account's stacks needs no person. Whatever the policy,
   * a change the review rates high, or cannot rate, waits for a person.
   * @default AutoApprove.NO_CHANGES
   */
  readonly autoApprove?: AutoApprove;
}
