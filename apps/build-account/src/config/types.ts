/**
 * The one config of a Crosswalk installation: who owns the accounts, where the code lives,
 * who hears about the pipeline and how each environment is run. `apps/build-account` and
 * `apps/sample-api` both read it, so an account id or a region is written down only once.
 */

import { BakeSettings, NotifyingPipeline } from '@crosswalk/notifying-pipeline';
import { Duration } from 'aws-cdk-lib';

/** The target environments the pipeline deploys to, in order. */
export const ENVIRONMENT_NAMES = ['dev', 'prod'] as const;
export type EnvironmentName = (typeof ENVIRONMENT_NAMES)[number];

/**
 * How CodeDeploy moves traffic to a new Lambda version, by CodeDeploy's own name for
 * the predefined deployment config (`CodeDeployDefault.Lambda<name>`).
 */
export const TRAFFIC_SHIFT_NAMES = [
  'AllAtOnce',
  'Linear10PercentEvery1Minute',
  'Linear10PercentEvery2Minutes',
  'Linear10PercentEvery3Minutes',
  'Linear10PercentEvery10Minutes',
  'Canary10Percent5Minutes',
  'Canary10Percent10Minutes',
  'Canary10Percent15Minutes',
  'Canary10Percent30Minutes',
] as const;
export type TrafficShiftName = (typeof TRAFFIC_SHIFT_NAMES)[number];

/** The three accounts: the build account hosts the pipeline, dev and prod run the service. */
export interface AccountsConfig {
  readonly build: string;
  readonly dev: string;
  readonly prod: string;
}

/** The GitHub repository the pipeline builds. */
export interface GitHubConfig {
  readonly owner: string;
  readonly repo: string;
  readonly branch: string;
  /**
   * An existing CodeStar/CodeConnections connection (either service prefix) of the build
   * account, in the config's region and partition.
   * @default - the build-account app creates a connection (pending until activated in the console)
   */
  readonly connectionArn?: string;
}

/** Who hears about the pipeline, and about what. Failures are always notified. */
export interface NotificationsConfig {
  /** At most 100 addresses, no two the same (compared without case), each at most 254 characters. */
  readonly emails: readonly string[];
  /** @default false */
  readonly notifyOnSuccess?: boolean;
  /** @default true */
  readonly notifyOnApproval?: boolean;
}

/** Who may approve a production deployment. */
export interface ApproversConfig {
  /**
   * An IAM group (in the build account) whose members may approve.
   * @default - anyone with access to the pipeline's approval action
   */
  readonly groupName?: string;
}

/** Rate limits of the API's stage (API Gateway throttling). */
export interface ThrottlingConfig {
  /** Steady-state requests per second, above 0 and at most 10,000 (API Gateway's default account-level quota). */
  readonly rateLimit: number;
  /** Burst size in requests: a whole number, at least `rateLimit`, at most 5,000 (API Gateway's account-level burst). */
  readonly burstLimit: number;
}

/**
 * When a deployment's alarms go off, which rolls the deployment back. Whole numbers from 1 to
 * the requests the stage lets through in a minute (`rateLimit` × 60 + `burstLimit`): a higher
 * threshold could never be reached.
 */
export interface AlarmThresholdsConfig {
  /** 5XX responses of the API stage per minute that count as failing. */
  readonly api5xxErrors: number;
  /** Errors of a function's live alias per minute that count as failing. */
  readonly lambdaErrors: number;
}

/** How one environment is run. */
export interface EnvironmentConfig {
  /** How CodeDeploy shifts traffic to a new version of each function. */
  readonly trafficShift: TrafficShiftName;
  /** Whether a person approves the change set before it is executed. */
  readonly requireApproval: boolean;
  /** Days the functions' and the API's logs are kept (a CloudWatch Logs retention value). */
  readonly logRetentionDays: number;
  readonly throttling: ThrottlingConfig;
  readonly alarms: AlarmThresholdsConfig;
  /** Keep the table (and its data) when the stack is deleted, and protect it from deletion. */
  readonly retainData: boolean;
  /**
   * Whether a failed stage of this environment rolls back to its last successful execution.
   * Not with `requireApproval` (a rollback cannot re-execute a change set).
   * @default - true, false with requireApproval
   */
  readonly rollbackOnFailure?: boolean;
  /**
   * Minutes the environment's alarms must stay quiet after its deployment and tests (0: no bake).
   * @default - 10 with requireApproval, else 0
   */
  readonly bakeMinutes?: number;
  /**
   * Whether an alarm during the execution or the bake reverts the release by itself
   * (CloudFormation's rollback triggers; NotifyingPipeline's `revertOnAlarm`). Needs
   * `requireApproval` and a bake of at most 180 minutes.
   * @default - true with requireApproval and a bake
   */
  readonly revertOnAlarm?: boolean;
  /**
   * With `requireApproval`: when a reviewed change needs no person: 'never', 'noChanges' (a run
   * with no change) or 'lowRisk' (low-risk changes too).
   * @default 'noChanges'
   */
  readonly autoApprove?: AutoApproveName;
  /**
   * When the environment's stage may be entered (CodePipeline's DeploymentWindow rule):
   * a cron of 6 fields and an optional year, and an IANA time zone (default UTC).
   * @default - any time
   */
  readonly deploymentWindow?: { readonly cron: string; readonly timeZone?: string };
}

/** The change review's approval policies (NotifyingPipeline's AutoApprove). */
export const AUTO_APPROVE_NAMES = ['never', 'noChanges', 'lowRisk'] as const;
export type AutoApproveName = typeof AUTO_APPROVE_NAMES[number];

export interface EnvironmentsConfig {
  readonly dev: EnvironmentConfig;
  readonly prod: EnvironmentConfig;
}

/**
 * One environment of a wave (the `waves` form of the config): where it is, and how it is run.
 * Its settings start from those of `environments.<extends>` and its own fields replace them
 * (a whole `throttling` or `alarms` object at a time).
 */
export interface WaveEnvironmentConfig extends Partial<EnvironmentConfig> {
  /**
   * Lower-case letters, digits and hyphens, starting with a letter, at most 20 characters,
   * unique in the config: it names the environment's stacks (`<project>-SampleApi-<name>`,
   * with `-<region>` outside the config's region) and its stages.
   */
  readonly name: string;
  /** The 12-digit id of its account: not the build account. */
  readonly account: string;
  /**
   * Its regions, of the config's partition; each region of the environment is deployed in
   * parallel within the wave. A region other than `region` needs its artifact store: see `regions`.
   * @default - [the config's region]
   */
  readonly regions?: readonly string[];
  /** The environment whose settings it starts from and whose suite it runs: `dev` (integration tests) or `prod` (read-only sanity tests). */
  readonly extends: EnvironmentName;
}

/** A wave: environments deployed together; the next wave starts when all of them have passed their tests and bake. */
export interface WaveConfig {
  /** The wave's stage name: a letter, then at most 49 letters, digits, `_` or `-`; unique. */
  readonly name: string;
  readonly environments: readonly WaveEnvironmentConfig[];
}

/** The build account's artifact store in a region other than the config's. */
export interface RegionConfig {
  /**
   * The ARN of the artifact key of the store in that region (the `ArtifactKeyArn` output of
   * its stack, `<project>-ArtifactStore-<region>`). CodePipeline names a cross-account action's
   * key by ARN only, and CloudFormation passes no value across regions, so it is written here
   * once that stack is deployed.
   * @default - none yet: the pipeline stack is left out of the app until it is given
   */
  readonly artifactKeyArn?: string;
}

/** The whole config. See `EXAMPLE_CONFIG` for a complete, valid one. */
export interface CrosswalkConfig {
  /**
   * Every cross-account name derives from it (see `CrosswalkNaming`), so each derived name
   * must be legal too (the artifact bucket's under S3's naming rules, the key alias outside `alias/aws/`).
   */
  readonly projectName: string;
  /** The region of the pipeline and of both environments, in a supported partition (`SUPPORTED_PARTITIONS`). */
  readonly region: string;
  readonly accounts: AccountsConfig;
  readonly github: GitHubConfig;
  readonly notifications: NotificationsConfig;
  /** @default - no approver group */
  readonly approvers?: ApproversConfig;
  /**
   * Whether the pipeline updates the build account's own stacks (the pipeline's and the
   * artifact store's of `region`) from each commit, right after Build, with a change review and
   * an approval (`NotifyingPipeline`'s `selfUpdate`), through the build account's own roles
   * (`<projectName>DeploymentRoles-build`, deployed once by hand). Off: those stacks are
   * deployed by hand.
   * @default true
   */
  readonly selfUpdate?: boolean;
  /**
   * The settings of `dev` and `prod`: with no `waves`, the two environments the pipeline
   * deploys to, in the accounts `accounts.dev` and `accounts.prod`, one after the other; with
   * `waves`, what each wave environment starts from (its `extends`).
   */
  readonly environments: EnvironmentsConfig;
  /**
   * The environments as an ordered list of waves, across accounts and regions.
   * @default - two waves: `dev` (accounts.dev), then `prod` (accounts.prod), in `region`
   */
  readonly waves?: readonly WaveConfig[];
  /**
   * The artifact store of each region other than `region` that an environment is in.
   * @default - none: every environment is in `region`
   */
  readonly regions?: { readonly [region: string]: RegionConfig };
}

/** Any part of a config, as written in an override file: every field optional, at every depth. */
export type PartialConfig = DeepPartial<CrosswalkConfig>;

type DeepPartial<T> = T extends readonly (infer U)[]
  ? readonly U[]
  : T extends object
    ? { readonly [K in keyof T]?: DeepPartial<T[K]> }
    : T;

/** The environment's bake settings as NotifyingPipeline takes them. */
function bakeSettingsOf(env: Pick<EnvironmentConfig, 'bakeMinutes' | 'requireApproval' | 'revertOnAlarm'>): BakeSettings {
  return {
    requireApproval: env.requireApproval,
    bakeTime: env.bakeMinutes === undefined ? undefined : Duration.minutes(env.bakeMinutes),
    revertOnAlarm: env.revertOnAlarm,
  };
}

/**
 * An environment's bake in minutes, with NotifyingPipeline's defaults: one rule for the stacks
 * that must agree on it (the pipeline, the deployment roles, the service).
 */
export function bakeMinutesOf(env: Pick<EnvironmentConfig, 'bakeMinutes' | 'requireApproval'>): number {
  return NotifyingPipeline.bakeMinutes(bakeSettingsOf(env));
}

/** Whether an alarm reverts the environment's release (NotifyingPipeline's `revertOnAlarm`, with its default). */
export function revertsOnAlarm(env: Pick<EnvironmentConfig, 'bakeMinutes' | 'requireApproval' | 'revertOnAlarm'>): boolean {
  return NotifyingPipeline.revertsOnAlarm(bakeSettingsOf(env));
}
