/**
 * The user parameters of the pipeline-checks actions, as the construct writes them (JSON in
 * the Lambda invoke action's `UserParameters`, with CodePipeline variables already
 * substituted). Shared by the construct (which writes them) and the function (which reads them).
 */

/** Who decides when a reviewed change set needs no person. */
export type AutoApprovePolicy = 'never' | 'noChanges' | 'lowRisk';

/** Where a check reads: the target account's read-only role and the stack. */
export interface TargetParams {
  readonly environment: string;
  readonly account: string;
  readonly region: string;
  readonly partition: string;
  readonly stackName: string;
}

/** Review a change set, write its report, set the variables the approval and the conditions use. */
export interface ReviewParams extends TargetParams {
  readonly check: 'review';
  readonly changeSetName: string;
  readonly pipelineName: string;
  readonly executionId: string;
  readonly autoApprove: AutoApprovePolicy;
  readonly reportBucket: string;
  /** Key prefix of the reports, ending in `/`; the report lands under `<prefix><executionId>/<environment>.{md,html}`. */
  readonly reportPrefix: string;
  /** The region of the report bucket (the pipeline's), for its console link. @default the target's region */
  readonly reportRegion?: string;
}

/** Check, right before the execution, that the change set is still the one reviewed. */
export interface VerifyParams extends TargetParams {
  readonly check: 'verify';
  readonly changeSetName: string;
  readonly reviewedChangeSetId: string;
  /**
   * The review's `Execute` variable, for a check that runs whether or not there is anything to
   * execute (the deployment window's gate): `false` passes at once.
   */
  readonly execute?: 'true' | 'false';
}

/** Watch the environment's alarms for a time after its deployment and tests. */
export interface BakeParams extends TargetParams {
  readonly check: 'bake';
  readonly alarmNamePrefix: string;
  readonly bakeMinutes: number;
  /**
   * When the watch began (ISO time): with a revert, CloudFormation watched the alarms from the
   * execution on, and the bake reports on that window instead of starting a new one.
   */
  readonly since?: string;
  /** Where the bake report goes: `<reportPrefix><executionId>/<environment>-bake.md` in the bucket (all three, or none). */
  readonly reportBucket?: string;
  readonly reportPrefix?: string;
  readonly executionId?: string;
  /** The region of the report bucket (the pipeline's), for its console link. @default the target's region */
  readonly reportRegion?: string;
}

/**
 * Create the environment's change set with CloudFormation's rollback triggers: the alarms of
 * the stack watched during the execution and for `monitoringMinutes` after it, so that an
 * alarm reverts the release (CodePipeline's own change set action cannot set them).
 */
export interface CreateChangeSetParams extends TargetParams {
  readonly check: 'create-change-set';
  readonly changeSetName: string;
  /** The template's path inside the action's input artifact (the build output). */
  readonly templatePath: string;
  /** Where the template is put for CloudFormation to read (TemplateURL): the artifact bucket, and a key under the pipeline's folder. */
  readonly templateBucket: string;
  readonly templateKey: string;
  /** The role CloudFormation acts as (RoleARN). */
  readonly executionRoleArn: string;
  readonly capabilities: string[];
  readonly parameterOverrides?: Record<string, string>;
  /**
   * The alarms that revert the release: every alarm of the target account whose name starts
   * with it. None: the change set is created by URL with no rollback trigger (the build
   * account's own stacks, whose templates can exceed the 51,200 bytes of a TemplateBody).
   */
  readonly alarmNamePrefix?: string;
  /** How long CloudFormation watches them after the execution (MonitoringTimeInMinutes, 1 to 180; 0 without alarms). */
  readonly monitoringMinutes: number;
}

/**
 * After the pipeline's own stack was updated: stop this execution if the pipeline changed since
 * it started (CloudFormation's RestartExecutionOnUpdate starts one on the updated pipeline),
 * else let it go on.
 */
export interface StopIfSupersededParams {
  readonly check: 'stop-if-superseded';
  readonly pipelineName: string;
  readonly executionId: string;
}

/** One environment of a wave: where its change set is, and its own auto-approval policy. */
export interface WaveTarget {
  /** Letters, digits, `_` or `-`: it is part of the wave's variable names (`<environment>Execute`…) and of its report's key. */
  readonly environment: string;
  readonly account: string;
  readonly region: string;
  readonly stackName: string;
  readonly changeSetName: string;
  readonly autoApprove: AutoApprovePolicy;
}

/**
 * Review the change sets of a wave of environments together: one report and one decision, so
 * that one approval covers the wave. Each environment is read through its own account's
 * read-only role, in its own region.
 */
export interface WaveReviewParams {
  readonly check: 'review-wave';
  /** The wave's name: the wave report lands under `<prefix><executionId>/<wave>.wave.{md,html}`. */
  readonly wave: string;
  readonly partition: string;
  /** The pipeline's (home) region: where the report bucket is. */
  readonly region: string;
  readonly pipelineName: string;
  readonly executionId: string;
  readonly reportBucket: string;
  /** Key prefix of the reports, ending in `/`. */
  readonly reportPrefix: string;
  /** At least two, with distinct environment names. */
  readonly targets: WaveTarget[];
}

export type CheckParams = ReviewParams | VerifyParams | BakeParams | CreateChangeSetParams | WaveReviewParams | StopIfSupersededParams;

const AUTO_APPROVE: AutoApprovePolicy[] = ['never', 'noChanges', 'lowRisk'];

/** Parses and checks the user parameters; throws an error naming the field that is wrong. */
export function parseParams(text: string | undefined): CheckParams {
  let raw: any;
  try {
    raw = JSON.parse(text ?? '');
  } catch {
    throw new Error(`the action's UserParameters are not JSON: ${JSON.stringify((text ?? '').slice(0, 200))}`);
  }
  const str = (field: string): string => stringField(raw?.[field], field);
  if (raw?.check === 'review-wave') return parseWave(raw);
  if (raw?.check === 'stop-if-superseded') return { check: 'stop-if-superseded', pipelineName: str('pipelineName'), executionId: str('executionId') };
  const target: TargetParams = {
    environment: str('environment'), account: str('account'), region: str('region'), partition: str('partition'), stackName: str('stackName'),
  };
  if (!/^\d{12}$/.test(target.account)) throw new Error(`UserParameters.account must be a 12-digit account id, got '${target.account}'`);
  switch (raw.check) {
    case 'review': {
      const autoApprove = str('autoApprove') as AutoApprovePolicy;
      if (!AUTO_APPROVE.includes(autoApprove)) throw new Error(`UserParameters.autoApprove must be one of ${AUTO_APPROVE.join(', ')}, got '${autoApprove}'`);
      return {
        ...target, check: 'review', changeSetName: str('changeSetName'), pipelineName: str('pipelineName'), executionId: str('executionId'),
        autoApprove, reportBucket: str('reportBucket'), reportPrefix: str('reportPrefix'),
        ...(raw.reportRegion !== undefined ? { reportRegion: str('reportRegion') } : {}),
      };
    }
    case 'verify': {
      const base = { ...target, check: 'verify' as const, changeSetName: str('changeSetName'), reviewedChangeSetId: str('reviewedChangeSetId') };
      if (raw.execute === undefined) return base;
      const execute = str('execute');
      if (execute !== 'true' && execute !== 'false') throw new Error(`UserParameters.execute must be 'true' or 'false', got '${execute}'`);
      return { ...base, execute };
    }
    case 'bake': {
      const bakeMinutes = raw.bakeMinutes;
      if (typeof bakeMinutes !== 'number' || !Number.isFinite(bakeMinutes) || bakeMinutes <= 0) {
        throw new Error(`UserParameters.bakeMinutes must be a positive number, got ${JSON.stringify(bakeMinutes)}`);
      }
      const report = raw.reportBucket === undefined ? {} : {
        reportBucket: str('reportBucket'), reportPrefix: str('reportPrefix'), executionId: str('executionId'),
        ...(raw.reportRegion !== undefined ? { reportRegion: str('reportRegion') } : {}),
      };
      let since: string | undefined;
      if (raw.since !== undefined) {
        since = str('since');
        if (Number.isNaN(Date.parse(since))) throw new Error(`UserParameters.since must be an ISO time, got '${since}'`);
      }
      return { ...target, check: 'bake', alarmNamePrefix: str('alarmNamePrefix'), bakeMinutes, ...report, ...(since !== undefined ? { since } : {}) };
    }
    case 'create-change-set': {
      const monitoringMinutes = raw.monitoringMinutes;
      const reverts = raw.alarmNamePrefix !== undefined;
      // MonitoringTimeInMinutes: 0 to 180 (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_RollbackConfiguration.html);
      // with alarms to watch, at least 1; without, 0 (no trigger is set).
      if (!reverts && monitoringMinutes !== 0) {
        throw new Error(`UserParameters.monitoringMinutes must be 0 without an alarmNamePrefix (no alarm reverts the change), got ${JSON.stringify(monitoringMinutes)}`);
      }
      if (reverts && (typeof monitoringMinutes !== 'number' || !Number.isInteger(monitoringMinutes) || monitoringMinutes < 1 || monitoringMinutes > 180)) {
        throw new Error(`UserParameters.monitoringMinutes must be a whole number of minutes from 1 to 180, got ${JSON.stringify(monitoringMinutes)}`);
      }
      const capabilities = raw.capabilities;
      if (!Array.isArray(capabilities) || capabilities.some((c) => typeof c !== 'string' || !/^CAPABILITY_[A-Z_]+$/.test(c))) {
        throw new Error(`UserParameters.capabilities must be a list of CAPABILITY_… names, got ${JSON.stringify(capabilities)}`);
      }
      const overrides = raw.parameterOverrides;
      if (overrides !== undefined && (typeof overrides !== 'object' || overrides === null || Array.isArray(overrides) || Object.values(overrides).some((v) => typeof v !== 'string'))) {
        throw new Error(`UserParameters.parameterOverrides must be an object of strings, got ${JSON.stringify(overrides)}`);
      }
      return {
        ...target, check: 'create-change-set', changeSetName: str('changeSetName'), templatePath: str('templatePath'),
        templateBucket: str('templateBucket'), templateKey: str('templateKey'), executionRoleArn: str('executionRoleArn'),
        capabilities, ...(overrides !== undefined ? { parameterOverrides: overrides } : {}), ...(reverts ? { alarmNamePrefix: str('alarmNamePrefix') } : {}), monitoringMinutes,
      };
    }
    default:
      throw new Error(`UserParameters.check must be 'review', 'review-wave', 'verify', 'bake', 'create-change-set' or 'stop-if-superseded', got ${JSON.stringify(raw?.check)}`);
  }
}

/**
 * A non-empty string, with no unsubstituted variable (the pipeline could not resolve it: never
 * act on the literal); `field` names it in the error, as `UserParameters.<field>`.
 */
function stringField(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new Error(`UserParameters.${field} must be a non-empty string, got ${JSON.stringify(value)}`);
  if (/#\{[^}]*\}/.test(value)) throw new Error(`UserParameters.${field} holds an unresolved pipeline variable: ${value}`);
  return value;
}

function accountField(value: unknown, field: string): string {
  const account = stringField(value, field);
  if (!/^\d{12}$/.test(account)) throw new Error(`UserParameters.${field} must be a 12-digit account id, got '${account}'`);
  return account;
}

function autoApproveField(value: unknown, field: string): AutoApprovePolicy {
  const autoApprove = stringField(value, field) as AutoApprovePolicy;
  if (!AUTO_APPROVE.includes(autoApprove)) throw new Error(`UserParameters.${field} must be one of ${AUTO_APPROVE.join(', ')}, got '${autoApprove}'`);
  return autoApprove;
}

/** An environment's name is part of the wave's output variable names and of its report's key: letters, digits, `_` or `-`. */
const WAVE_ENVIRONMENT = /^[A-Za-z0-9_-]+$/;

function parseWave(raw: any): WaveReviewParams {
  const str = (field: string): string => stringField(raw[field], field);
  const wave = {
    check: 'review-wave' as const, wave: str('wave'), partition: str('partition'), region: str('region'), pipelineName: str('pipelineName'),
    executionId: str('executionId'), reportBucket: str('reportBucket'), reportPrefix: str('reportPrefix'),
  };
  if (!wave.reportPrefix.endsWith('/')) throw new Error(`UserParameters.reportPrefix must end in '/', got '${wave.reportPrefix}'`);
  const list = raw.targets;
  if (!Array.isArray(list) || list.length < 2) {
    throw new Error(`UserParameters.targets must list at least 2 environments (a single one is a 'review'), got ${JSON.stringify(list)}`);
  }
  const seen = new Map<string, string>();
  const targets = list.map((item: any, i: number): WaveTarget => {
    const at = `targets[${i}]`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new Error(`UserParameters.${at} must be an object, got ${JSON.stringify(item)}`);
    const field = (name: string): string => stringField(item[name], `${at}.${name}`);
    const environment = field('environment');
    if (!WAVE_ENVIRONMENT.test(environment)) {
      throw new Error(`UserParameters.${at}.environment must be letters, digits, '_' or '-' (it is part of the variable names), got '${environment}'`);
    }
    // Told apart case-insensitively: two names differing only in case would be one environment to a reader.
    const twin = seen.get(environment.toLowerCase());
    if (twin !== undefined) throw new Error(`UserParameters.${at}.environment '${environment}' is already the name of ${twin}: environment names must be unique`);
    seen.set(environment.toLowerCase(), at);
    return {
      environment, account: accountField(item.account, `${at}.account`), region: field('region'), stackName: field('stackName'),
      changeSetName: field('changeSetName'), autoApprove: autoApproveField(item.autoApprove, `${at}.autoApprove`),
    };
  });
  return { ...wave, targets };
}
