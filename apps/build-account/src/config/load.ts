import { readFileSync } from 'fs';
import { resolve } from 'path';
import { CrosswalkNaming } from '@crosswalk/cross-account-role';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { EXAMPLE_CONFIG } from './example';
import { ENVIRONMENT_NAMES, TRAFFIC_SHIFT_NAMES } from './types';
import type { CrosswalkConfig, PartialConfig } from './types';

/** The environment variable naming a JSON file that is deep-merged over the example config. */
export const CONFIG_ENV_VAR = 'CROSSWALK_CONFIG';

/** The retention periods CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS: readonly number[] = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

/** A config that does not hold together; `problems` lists every problem found, not only the first. */
export class ConfigError extends Error {
  public readonly problems: readonly string[];

  constructor(origin: string, problems: readonly string[]) {
    super(
      `The Crosswalk config (${origin}) has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n`
      + problems.map((p) => `  - ${p}`).join('\n'),
    );
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/**
 * The config to synthesize with, validated.
 *
 * - no argument: the example config, deep-merged with the JSON file named by the
 *   `CROSSWALK_CONFIG` environment variable when it is set;
 * - a string: the path of such a JSON file;
 * - an object: overrides deep-merged over the example (objects merge field by field,
 *   arrays and plain values replace).
 *
 * Throws a {@link ConfigError} naming every bad field, its value and how to fix it.
 */
export function loadConfig(source?: string | PartialConfig, env: NodeJS.ProcessEnv = process.env): CrosswalkConfig {
  let origin = 'the built-in example';
  let overrides: unknown = {};
  const file = typeof source === 'string' ? source : source === undefined ? env[CONFIG_ENV_VAR] : undefined;
  if (file !== undefined && file.trim() !== '') {
    const path = resolve(file);
    origin = `the built-in example merged with ${path}${typeof source === 'string' ? '' : ` (from ${CONFIG_ENV_VAR})`}`;
    overrides = readJsonFile(path, origin);
  } else if (typeof source === 'object' && source !== null) {
    origin = 'the built-in example merged with the overrides given to loadConfig';
    overrides = source;
  }
  if (!isPlainObject(overrides)) {
    throw new ConfigError(origin, [`the override must be a JSON object with config fields (for example {"accounts": {"dev": "123456789012"}}), got ${describe(overrides)}`]);
  }
  return validateConfig(deepMerge(EXAMPLE_CONFIG, overrides), origin);
}

/**
 * Checks a complete config and returns it typed; throws a {@link ConfigError} listing
 * every problem at once.
 */
export function validateConfig(value: unknown, origin = 'given to validateConfig'): CrosswalkConfig {
  const problems: string[] = [];
  new ConfigChecker(problems).config(value);
  if (problems.length > 0) {
    throw new ConfigError(origin, problems);
  }
  return value as CrosswalkConfig;
}

/** Objects merge key by key (recursively); arrays and plain values in `override` replace. */
export function deepMerge<T>(base: T, override: unknown): T {
  if (!isPlainObject(base) || !isPlainObject(override)) {
    return (override === undefined ? base : override) as T;
  }
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    merged[key] = key in merged ? deepMerge(merged[key], value) : value;
  }
  return merged as T;
}

function readJsonFile(path: string, origin: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf-8');
  } catch (err) {
    throw new ConfigError(origin, [`cannot read the config file ${path} (${(err as Error).message}); set ${CONFIG_ENV_VAR} to the path of an existing JSON file, or unset it to use the example`]);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ConfigError(origin, [`${path} is not valid JSON (${(err as Error).message}); fix the syntax (JSON allows no comments or trailing commas)`]);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return `'${value}'`;
  return JSON.stringify(value);
}

const GITHUB_OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const GITHUB_REPO = /^[A-Za-z0-9._-]{1,100}$/;
const CONNECTION_ARN = /^arn:aws[a-z-]*:(codestar-connections|codeconnections):[a-z0-9-]+:\d{12}:connection\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
const IAM_GROUP_NAME = /^[\w+=,.@-]{1,128}$/;

/** Walks a config value and records each problem with its field path, the value and the fix. */
class ConfigChecker {
  constructor(private readonly problems: string[]) {}

  public config(value: unknown): void {
    const c = this.object('the config', value, ['projectName', 'region', 'accounts', 'github', 'notifications', 'approvers', 'environments']);
    if (!c) return;
    this.projectName(c.projectName);
    this.region(c.region);
    this.accounts(c.accounts);
    this.github(c.github);
    this.notifications(c.notifications);
    if (c.approvers !== undefined) this.approvers(c.approvers);
    const environments = this.object('environments', c.environments, [...ENVIRONMENT_NAMES]);
    if (environments) {
      for (const name of ENVIRONMENT_NAMES) this.environment(`environments.${name}`, environments[name]);
    }
  }

  private projectName(value: unknown): void {
    if (!this.string('projectName', value, 'a project name such as \'Crosswalk\'')) return;
    try {
      CrosswalkNaming.validateProjectName(value as string);
    } catch (err) {
      this.problems.push(`${(err as Error).message}; every stack, role and bucket name derives from it, so choose one such as 'Crosswalk' or 'check-in'`);
    }
  }

  private region(value: unknown): void {
    if (!this.string('region', value, 'a region name such as \'eu-west-1\'')) return;
    const known = RegionInfo.regions.map((r) => r.name);
    if (!known.includes(value as string)) {
      this.problems.push(`region must be a real AWS region name, got '${value}'; use one of: ${known.join(', ')}`);
      return;
    }
    try {
      CrosswalkNaming.validateRegion('region', value as string);
    } catch (err) {
      this.problems.push(`${(err as Error).message}; Crosswalk's naming convention supports the commercial, GovCloud and ISO regions`);
    }
  }

  private accounts(value: unknown): void {
    const a = this.object('accounts', value, ['build', 'dev', 'prod']);
    if (!a) return;
    const valid: Array<[string, string]> = [];
    for (const role of ['build', 'dev', 'prod']) {
      const field = `accounts.${role}`;
      if (!this.string(field, a[role], `the 12-digit id of the ${role} account`)) continue;
      try {
        CrosswalkNaming.validateAccountId(field, a[role] as string);
        valid.push([field, a[role] as string]);
      } catch (err) {
        this.problems.push(`${(err as Error).message}; write the ${role} account's id as a string of 12 digits, leading zeros included (for example "012345678901")`);
      }
    }
    for (let i = 0; i < valid.length; i++) {
      for (let j = i + 1; j < valid.length; j++) {
        if (valid[i][1] === valid[j][1]) {
          this.problems.push(`${valid[i][0]} and ${valid[j][0]} are both '${valid[i][1]}'; the build, dev and prod accounts must be three distinct accounts (the account boundary is what keeps dev and prod apart), so give each its own account id`);
        }
      }
    }
  }

  private github(value: unknown): void {
    const g = this.object('github', value, ['owner', 'repo', 'branch', 'connectionArn']);
    if (!g) return;
    if (this.string('github.owner', g.owner, 'the GitHub user or organisation that owns the repository')
      && !GITHUB_OWNER.test(g.owner as string)) {
      this.problems.push(`github.owner must be a GitHub user or organisation name (letters, digits and hyphens, at most 39 characters), got '${g.owner}'; use the first part of github.com/<owner>/<repo>`);
    }
    if (this.string('github.repo', g.repo, 'the repository name')
      && !GITHUB_REPO.test(g.repo as string)) {
      this.problems.push(`github.repo must be a GitHub repository name (letters, digits, '.', '_' and '-'), got '${g.repo}'; use the second part of github.com/<owner>/<repo>, without '.git'`);
    }
    if (this.string('github.branch', g.branch, 'the branch the pipeline builds, such as \'main\'')
      && /\s/.test(g.branch as string)) {
      this.problems.push(`github.branch must be a branch name without spaces, got '${g.branch}'; use the branch the pipeline builds, such as 'main'`);
    }
    if (g.connectionArn !== undefined
      && this.string('github.connectionArn', g.connectionArn, 'the ARN of a connection, or leave the field out')
      && !CONNECTION_ARN.test(g.connectionArn as string)) {
      this.problems.push(`github.connectionArn must be the ARN of a CodeStar/CodeConnections connection such as 'arn:aws:codeconnections:eu-west-1:111111111111:connection/0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9', got '${g.connectionArn}'; copy it from Developer Tools > Settings > Connections in the build account, or leave the field out to have one created`);
    }
  }

  private notifications(value: unknown): void {
    const n = this.object('notifications', value, ['emails', 'notifyOnSuccess', 'notifyOnApproval']);
    if (!n) return;
    if (!Array.isArray(n.emails)) {
      this.problems.push(`notifications.emails must be a list of email addresses such as ["team@example.com"], got ${describe(n.emails)}`);
    } else {
      n.emails.forEach((email: unknown, i: number) => {
        if (typeof email !== 'string' || !EMAIL.test(email)) {
          this.problems.push(`notifications.emails[${i}] must be an email address such as 'team@example.com', got ${describe(email)}; fix or remove that entry`);
        }
      });
    }
    for (const flag of ['notifyOnSuccess', 'notifyOnApproval']) {
      if (n[flag] !== undefined) this.boolean(`notifications.${flag}`, n[flag]);
    }
  }

  private approvers(value: unknown): void {
    const a = this.object('approvers', value, ['groupName']);
    if (!a || a.groupName === undefined) return;
    if (this.string('approvers.groupName', a.groupName, 'an IAM group name, or leave the field out')
      && !IAM_GROUP_NAME.test(a.groupName as string)) {
      this.problems.push(`approvers.groupName must be an IAM group name (at most 128 letters, digits and '+=,.@_-'), got '${a.groupName}'; use the name of the group in the build account whose members approve production`);
    }
  }

  private environment(path: string, value: unknown): void {
    const e = this.object(path, value, ['trafficShift', 'requireApproval', 'logRetentionDays', 'throttling', 'alarms', 'retainData']);
    if (!e) return;
    if (this.string(`${path}.trafficShift`, e.trafficShift, 'a CodeDeploy traffic shift name')
      && !(TRAFFIC_SHIFT_NAMES as readonly string[]).includes(e.trafficShift as string)) {
      this.problems.push(`${path}.trafficShift must be one of ${TRAFFIC_SHIFT_NAMES.join(', ')}, got '${e.trafficShift}'; these are CodeDeploy's predefined Lambda deployment configs`);
    }
    this.boolean(`${path}.requireApproval`, e.requireApproval);
    this.boolean(`${path}.retainData`, e.retainData);
    if (this.number(`${path}.logRetentionDays`, e.logRetentionDays, { integer: true, min: 1 })
      && !LOG_RETENTION_DAYS.includes(e.logRetentionDays as number)) {
      const days = e.logRetentionDays as number;
      const next = LOG_RETENTION_DAYS.find((d) => d >= days) ?? 3653;
      this.problems.push(`${path}.logRetentionDays must be a retention CloudWatch Logs accepts (${LOG_RETENTION_DAYS.join(', ')}), got ${days}; the nearest longer one is ${next}`);
    }
    const t = this.object(`${path}.throttling`, e.throttling, ['rateLimit', 'burstLimit']);
    if (t) {
      this.number(`${path}.throttling.rateLimit`, t.rateLimit, { min: 0.001 });
      this.number(`${path}.throttling.burstLimit`, t.burstLimit, { integer: true, min: 1 });
    }
    const a = this.object(`${path}.alarms`, e.alarms, ['api5xxErrors', 'lambdaErrors']);
    if (a) {
      this.number(`${path}.alarms.api5xxErrors`, a.api5xxErrors, { integer: true, min: 1 });
      this.number(`${path}.alarms.lambdaErrors`, a.lambdaErrors, { integer: true, min: 1 });
    }
  }

  /** An object with only known fields, or undefined (and a problem) when it is not one. */
  private object(path: string, value: unknown, known: readonly string[]): Record<string, unknown> | undefined {
    if (!isPlainObject(value)) {
      this.problems.push(`${path} must be an object with the fields ${known.join(', ')}, got ${describe(value)}`);
      return undefined;
    }
    for (const key of Object.keys(value)) {
      if (!known.includes(key)) {
        const field = path === 'the config' ? key : `${path}.${key}`;
        this.problems.push(`${field} is not a config field; check its spelling (the fields ${path === 'the config' ? 'at the top level' : `of ${path}`} are ${known.join(', ')})`);
      }
    }
    return value;
  }

  private string(path: string, value: unknown, what: string): boolean {
    if (typeof value !== 'string' || value.trim() === '') {
      const wrong = typeof value === 'string' ? 'must not be empty' : 'must be a text value';
      this.problems.push(`${path} ${wrong}, got ${describe(value)}; set it to ${what}`);
      return false;
    }
    return true;
  }

  private boolean(path: string, value: unknown): boolean {
    if (typeof value !== 'boolean') {
      this.problems.push(`${path} must be true or false, got ${describe(value)}`);
      return false;
    }
    return true;
  }

  private number(path: string, value: unknown, rule: { integer?: boolean; min: number }): boolean {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < rule.min || (rule.integer && !Number.isInteger(value))) {
      this.problems.push(`${path} must be ${rule.integer ? 'a whole number' : 'a number'} of at least ${rule.min}, got ${describe(value)}`);
      return false;
    }
    return true;
  }
}
