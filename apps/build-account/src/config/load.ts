import { readFileSync, statSync } from 'fs';
import { resolve } from 'path';
import { CrosswalkNaming } from '@crosswalk/cross-account-role';
import { NotifyingPipeline } from '@crosswalk/notifying-pipeline';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { EXAMPLE_CONFIG } from './example';
import { AUTO_APPROVE_NAMES, ENVIRONMENT_NAMES, TRAFFIC_SHIFT_NAMES, bakeMinutesOf, revertsOnAlarm } from './types';
import type { AutoApproveName, CrosswalkConfig, PartialConfig } from './types';

const MAX_BAKE_MINUTES = NotifyingPipeline.MAX_BAKE_MINUTES;
const MAX_REVERT_MINUTES = NotifyingPipeline.MAX_REVERT_MINUTES;

/** The environment variable naming a JSON file that is deep-merged over the example config. */
export const CONFIG_ENV_VAR = 'CROSSWALK_CONFIG';

/** The retention periods CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS: readonly number[] = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

/**
 * The AWS partitions Crosswalk runs in, with the name a message gives each.
 *
 * Others are refused rather than half supported: the console links of the pipeline's
 * notifications (@crosswalk/notifying-pipeline) and the deploy rules' `AWS::Partition`
 * (@crosswalk/deploy-rules) know no ISO or European Sovereign Cloud partition and fall back
 * to `aws` for them, and CodePipeline, which delivers everything, is "not available in the
 * Beijing and Ningxia Regions" (https://docs.amazonaws.cn/en_us/aws/latest/userguide/codebuild.html).
 */
export const SUPPORTED_PARTITIONS: Readonly<Record<string, string>> = {
  'aws': 'commercial',
  'aws-us-gov': 'AWS GovCloud (US)',
};

/**
 * Bounds of a stage's throttling, from API Gateway's account-level quotas per Region
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html): 10,000 requests
 * per second by default (raising it takes a quota request) and a burst bucket of at most
 * 5,000 requests, which "is not a quota that a customer can control". A stage cannot serve
 * more than its account, so higher values only hide a typo (1e15).
 */
export const MAX_THROTTLING_RATE_LIMIT = 10_000;
export const MAX_THROTTLING_BURST_LIMIT = 5_000;

/**
 * The most notification addresses. Each one is an SNS subscription on the notification topic
 * and another on the approval topic, and a stack holds at most 500 resources
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html);
 * 100 addresses leave the pipeline stack's own resources room.
 */
export const MAX_NOTIFICATION_EMAILS = 100;

/** The largest config file read: a complete config is a few kilobytes. */
export const MAX_CONFIG_FILE_BYTES = 1024 * 1024;

/** A value a message repeats is cut to this many characters (plus its length). */
const ECHO_LIMIT = 120;
/** How much of a cut value's start is kept; the rest of {@link ECHO_LIMIT} keeps its end. */
const ECHO_HEAD = 84;
/** No problem message is longer (a last resort: every value is shortened before). */
const MAX_PROBLEM_LENGTH = 999;
/** An error's message lists at most this many problems; `problems` holds them all. */
const MAX_LISTED_PROBLEMS = 20;

/** A config that does not hold together; `problems` lists every problem found, not only the first. */
export class ConfigError extends Error {
  public readonly problems: readonly string[];

  constructor(origin: string, problems: readonly string[]) {
    const clipped = problems.map((p) => (p.length > MAX_PROBLEM_LENGTH ? `${p.slice(0, MAX_PROBLEM_LENGTH - 1)}…` : p));
    const listed = clipped.slice(0, MAX_LISTED_PROBLEMS);
    const more = clipped.length - listed.length;
    super(
      `The Crosswalk config (${origin}) has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n`
      + listed.map((p) => `  - ${p}`).join('\n')
      + (more > 0 ? `\n  - … and ${more} more problem${more === 1 ? '' : 's'} (ConfigError.problems lists them all)` : ''),
    );
    this.name = 'ConfigError';
    this.problems = clipped;
  }
}

/**
 * The config to synthesize with, validated.
 *
 * - no argument: the example config, deep-merged with the JSON file named by the
 *   `CROSSWALK_CONFIG` environment variable when it is set (set but blank is an error);
 * - a string: the path of such a JSON file;
 * - an object: overrides deep-merged over the example (objects merge field by field,
 *   arrays and plain values replace).
 *
 * Throws a {@link ConfigError} naming every bad field, its value and how to fix it.
 */
export function loadConfig(source?: string | PartialConfig, env: NodeJS.ProcessEnv = process.env): CrosswalkConfig {
  let origin = 'the built-in example';
  let overrides: unknown = {};
  if (typeof source === 'string' || source === undefined) {
    const fromEnv = source === undefined;
    const file = fromEnv ? env[CONFIG_ENV_VAR] : source;
    if (file !== undefined && file.trim() === '') {
      throw fromEnv
        ? new ConfigError(CONFIG_ENV_VAR, [`${CONFIG_ENV_VAR} is set but blank (${describe(file)}); set it to the path of a JSON config file, or unset it to use the built-in example`])
        : new ConfigError('given to loadConfig', [`the config file path given to loadConfig is blank (${describe(file)}); give the path of a JSON config file, or call loadConfig() without it to use ${CONFIG_ENV_VAR} or the built-in example`]);
    }
    if (file !== undefined) {
      const path = resolve(file);
      origin = `the built-in example merged with ${shorten(path)}${fromEnv ? ` (from ${CONFIG_ENV_VAR})` : ''}`;
      overrides = readJsonFile(path, origin);
    }
  } else if (isPlainObject(source)) {
    origin = 'the built-in example merged with the overrides given to loadConfig';
    overrides = source;
  } else {
    throw new ConfigError('given to loadConfig', [`loadConfig takes the path of a JSON config file or an object of overrides, got ${describe(source)}; pass one of them, or nothing to use ${CONFIG_ENV_VAR} or the built-in example`]);
  }
  if (!isPlainObject(overrides)) {
    throw new ConfigError(origin, [`the override must be a JSON object with config fields (for example {"accounts": {"dev": "123456789012"}}), got ${describe(overrides)}`]);
  }
  // Objects the merge would half read (an inherited or hidden field is either lost or
  // seen, depending on who reads it) are found before the merge drops what it cannot see.
  const problems: string[] = [];
  new ConfigChecker(problems).override('the config', EXAMPLE_CONFIG, overrides);
  return checked(deepMerge(EXAMPLE_CONFIG, overrides), origin, problems);
}

/**
 * Checks a complete config and returns it typed; throws a {@link ConfigError} listing
 * every problem at once.
 */
export function validateConfig(value: unknown, origin = 'given to validateConfig'): CrosswalkConfig {
  return checked(value, origin, []);
}

function checked(value: unknown, origin: string, problems: string[]): CrosswalkConfig {
  new ConfigChecker(problems).config(value);
  if (problems.length > 0) {
    throw new ConfigError(origin, problems);
  }
  return value as CrosswalkConfig;
}

/**
 * Objects merge key by key (recursively); arrays and plain values in `override` replace.
 * Only own enumerable keys are merged, and each is defined, never assigned, so a key such
 * as `__proto__` stays an ordinary key and no prototype changes.
 */
export function deepMerge<T>(base: T, override: unknown): T {
  if (!isPlainObject(base) || !isPlainObject(override)) {
    return (override === undefined ? base : override) as T;
  }
  const merged: Record<string, unknown> = {};
  for (const key of Object.keys(base)) define(merged, key, base[key]);
  for (const key of Object.keys(override)) {
    define(merged, key, Object.hasOwn(merged, key) ? deepMerge(merged[key], override[key]) : override[key]);
  }
  return merged as T;
}

function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function readJsonFile(path: string, origin: string): unknown {
  const shown = shorten(path);
  const fix = `set ${CONFIG_ENV_VAR} to the path of an existing JSON file, or unset it to use the example`;
  let text: string;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) {
      throw new ConfigError(origin, [`${shown} is not a regular file (${stat.isDirectory() ? 'a directory' : 'a device, pipe or socket'}); ${fix}`]);
    }
    if (stat.size > MAX_CONFIG_FILE_BYTES) {
      throw new ConfigError(origin, [`${shown} is ${stat.size} bytes; a config file has at most ${MAX_CONFIG_FILE_BYTES} (a complete config is a few kilobytes), so ${fix}`]);
    }
    text = readFileSync(path, 'utf-8');
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(origin, [`cannot read the config file ${shown} (${shorten((err as Error).message)}); ${fix}`]);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ConfigError(origin, [`${shown} is not valid JSON (${shorten((err as Error).message)}); fix the syntax (JSON allows no comments or trailing commas)`]);
  }
}

/** A value as the config's messages repeat it: quoted, escaped and shortened (for messages about the config written elsewhere). */
export function quoteConfigValue(value: unknown): string {
  return describe(value);
}

function isSupported(partition: string | undefined): boolean {
  return partition !== undefined && Object.hasOwn(SUPPORTED_PARTITIONS, partition);
}

/** 10000 as '10,000', without depending on the locale data of the Node build. */
function thousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+$)/g, ',');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A value as a message repeats it: strings quoted, everything {@link shorten}ed. Every
 * message echoes values through here, so none grows with its input.
 */
function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return shorten(value, "'");
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'symbol') return shorten(String(value));
  if (typeof value === 'function') return 'a function';
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    json = undefined; // a cycle, or nesting too deep to print
  }
  return json === undefined ? `an unprintable ${typeof value}` : shorten(json);
}

/**
 * Text as a message repeats it: control, line-breaking and direction-changing characters
 * escaped (a value cannot fake lines of a message), and anything longer than
 * {@link ECHO_LIMIT} cut to its start and end, followed by its length.
 */
function shorten(text: string, quote = ''): string {
  const long = text.length > 4 * ECHO_LIMIT; // only the ends of a long text are looked at
  const start = pieces(long ? text.slice(0, 2 * ECHO_LIMIT) : text);
  if (!long && start.join('').length <= ECHO_LIMIT) return `${quote}${start.join('')}${quote}`;
  const end = long ? pieces(text.slice(-2 * ECHO_LIMIT)) : start;
  let head = '';
  for (const piece of start) {
    if (head.length + piece.length > ECHO_HEAD) break;
    head += piece;
  }
  let tail = '';
  for (let i = end.length - 1; i >= 0 && tail.length + end[i].length <= ECHO_LIMIT - ECHO_HEAD - 1; i--) {
    tail = end[i] + tail;
  }
  return `${quote}${head}…${tail}${quote} (${text.length} characters)`;
}

/** The characters of a text, escaped, each escape kept whole (so a cut never splits one). */
function pieces(text: string): string[] {
  return escapeInvisible(text).match(/\\u[0-9a-f]{4}|\\[nrt]|[\s\S]/gu) ?? [];
}

const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeInvisible(text: string): string {
  return text.replace(INVISIBLE, (c) => ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * A message of CrosswalkNaming, which repeats the value in full as `'<value>'` (and at times
 * its length): the same message with the value shortened like every other.
 */
function withShortEcho(message: string, value: string): string {
  const echoed = `'${value}'`;
  if (!message.includes(echoed)) return escapeInvisible(message); // no echo to shorten (ConfigError still caps its length)
  const counted = `${echoed} (${value.length} characters)`;
  const short = describe(value);
  return short.endsWith(' characters)') && message.includes(counted)
    ? message.split(counted).join(short)
    : message.split(echoed).join(short);
}

/**
 * What git refuses in a branch name, or undefined if it is fine: the rules of
 * https://git-scm.com/docs/git-check-ref-format for `refs/heads/<branch>`, and the two that
 * `git check-ref-format --branch` (what `git branch` applies) adds: no leading '-', not 'HEAD'.
 */
function branchNameProblem(branch: string): string | undefined {
  if (/[\u0000-\u001f\u007f]/.test(branch)) return 'contains a control character';
  const forbidden = [' ', '~', '^', ':', '?', '*', '[', '\\'].find((c) => branch.includes(c));
  if (forbidden) return `contains '${forbidden}'`;
  const sequence = ['..', '@{', '//'].find((s) => branch.includes(s));
  if (sequence) return `contains '${sequence}'`;
  if (branch.startsWith('/')) return "starts with '/'";
  if (branch.endsWith('/')) return "ends with '/'";
  if (branch.endsWith('.')) return "ends with '.'";
  const components = branch.split('/');
  if (components.some((c) => c.startsWith('.'))) return "has a component starting with '.'";
  if (components.some((c) => c.endsWith('.lock'))) return "has a component ending with '.lock'";
  if (branch === '@') return "is '@'";
  if (branch.startsWith('-')) return "starts with '-'";
  if (branch === 'HEAD') return "is 'HEAD'";
  // legal for git, but a branch literally named refs/heads/main is never what was meant
  if (branch.startsWith('refs/')) return "is a full ref name (starts with 'refs/')";
  return undefined;
}

const GITHUB_OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
/** GitHub repository names: at most 100 letters, digits, '.', '_' and '-', not '.' or '..'; GitHub drops a '.git' suffix. */
const GITHUB_REPO = /^(?!\.{1,2}$)(?!.*\.git$)[A-Za-z0-9._-]{1,100}$/i;
const CONNECTION_ARN = /^arn:(aws[a-z-]*):(?:codestar-connections|codeconnections):([a-z0-9-]+):(\d{12}):connection\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const EMAIL = /^[^\s@\u0000-\u001f\u007f]+@[^\s@.\u0000-\u001f\u007f]+(\.[^\s@.\u0000-\u001f\u007f]+)+$/;
/**
 * An address has at most 254 octets (RFC 5321's 256-octet path minus its angle brackets,
 * https://www.rfc-editor.org/errata/eid1690) and a local part of at most 64
 * (https://www.rfc-editor.org/rfc/rfc5321#section-4.5.3.1.1).
 */
const MAX_EMAIL_OCTETS = 254;
const MAX_EMAIL_LOCAL_OCTETS = 64;
const IAM_GROUP_NAME = /^[\w+=,.@-]{1,128}$/;
/** Keys that reach an object's prototype when assigned, or look as if they did. */
const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype'];
/** Stand-ins that let the project name be checked when the region or build account is wrong. */
const PLACEHOLDER_REGION = 'us-east-1';
const PLACEHOLDER_ACCOUNT = '000000000000';
/** The most waves: each adds at least one stage, and a pipeline holds at most 50 (https://docs.aws.amazon.com/codepipeline/latest/userguide/limits.html). */
const MAX_WAVES = 20;
/** A CodePipeline stage name, as NotifyingPipeline takes an environment's or a wave's. */
const STAGE_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,49}$/;
const WAVE_ENVIRONMENT_NAME = /^[a-z][a-z0-9-]{0,19}$/;
/** The fields of a wave environment besides its settings. */
const WAVE_ENVIRONMENT_FIELDS = ['name', 'account', 'regions', 'extends'];
/** The settings of an environment. */
const ENVIRONMENT_FIELDS = [
  'trafficShift', 'requireApproval', 'logRetentionDays', 'throttling', 'alarms', 'retainData', 'rollbackOnFailure', 'deploymentWindow', 'bakeMinutes', 'autoApprove',
  'revertOnAlarm',
];

/** Walks a config value and records each problem with its field path, the value and the fix. */
class ConfigChecker {
  constructor(private readonly problems: string[]) {}

  public config(value: unknown): void {
    const c = this.object('the config', value, ['projectName', 'region', 'accounts', 'github', 'notifications', 'approvers', 'selfUpdate', 'environments', 'waves', 'regions']);
    if (!c) return;
    const region = this.region(c.region);
    const build = this.accounts(c.accounts);
    this.projectName(c.projectName, region, build);
    this.github(c.github, region, build);
    this.notifications(c.notifications);
    if (c.approvers !== undefined) this.approvers(c.approvers);
    if (c.selfUpdate !== undefined) this.boolean('selfUpdate', c.selfUpdate);
    this.selfUpdatedGroup(c);
    const environments = this.object('environments', c.environments, [...ENVIRONMENT_NAMES]);
    if (environments) {
      for (const name of ENVIRONMENT_NAMES) this.environment(`environments.${name}`, environments[name]);
    }
    const used = c.waves === undefined ? [] : this.waves(c.waves, region, build, environments);
    if (c.regions !== undefined || used.some((r) => r !== region)) this.regions(c.regions ?? {}, region, build, used);
  }

  /**
   * The waves, and the regions their environments are in. Each environment's settings are
   * checked as they apply: those of `environments.<extends>` with its own over them.
   */
  private waves(value: unknown, home: string | undefined, build: string | undefined, environments: Record<string, unknown> | undefined): string[] {
    if (!Array.isArray(value) || value.length === 0 || value.length > MAX_WAVES) {
      this.problems.push(`waves must be a list of 1 to ${MAX_WAVES} waves, each { "name": "Dev", "environments": [{ "name": "dev", "account": "<12 digits>", "extends": "dev" }] }, got ${describe(value)}; ` +
        'leave waves out to deploy to accounts.dev, then accounts.prod');
      return [];
    }
    const regions = new Set<string>();
    const waveNames = new Map<string, string>();
    const envNames = new Map<string, string>();
    value.forEach((wave, i) => {
      const path = `waves[${i}]`;
      const w = this.object(path, wave, ['name', 'environments']);
      if (!w) return;
      if (this.string(`${path}.name`, w.name, 'the wave\'s stage name, such as \'Prod\'')) {
        const name = w.name as string;
        if (!STAGE_NAME.test(name) || ['source', 'build'].includes(name.toLowerCase())) {
          this.problems.push(`${path}.name must be a stage name: a letter, then at most 49 letters, digits, '_' or '-', and not Source or Build (the pipeline's own stages), got ${describe(name)}`);
        } else if (waveNames.has(name.toLowerCase())) {
          this.problems.push(`${path}.name ${describe(name)} is already the name of ${waveNames.get(name.toLowerCase())}; each wave is a stage and needs its own name`);
        } else {
          waveNames.set(name.toLowerCase(), path);
        }
      }
      if (!Array.isArray(w.environments) || w.environments.length === 0) {
        this.problems.push(`${path}.environments must be a list of at least one environment, such as { "name": "prod-eu", "account": "<12 digits>", "extends": "prod" }, got ${describe(w.environments)}`);
        return;
      }
      const shared: Array<{ field: string; settings: Record<string, unknown> }> = [];
      w.environments.forEach((env: unknown, j: number) => {
        const field = `${path}.environments[${j}]`;
        const e = this.object(field, env, [...WAVE_ENVIRONMENT_FIELDS, ...ENVIRONMENT_FIELDS]);
        if (!e) return;
        if (this.string(`${field}.name`, e.name, 'a name such as \'prod-eu\'')) {
          const name = e.name as string;
          if (!WAVE_ENVIRONMENT_NAME.test(name)) {
            this.problems.push(`${field}.name must be 1 to 20 lower-case letters, digits and hyphens, starting with a letter (it names the environment's stacks), got ${describe(name)}`);
          } else if (envNames.has(name)) {
            this.problems.push(`${field}.name ${describe(name)} is already the name of ${envNames.get(name)}; each environment names its own stacks, so give it another name`);
          } else {
            envNames.set(name, field);
          }
        }
        if (this.string(`${field}.account`, e.account, 'the 12-digit id of its account')) {
          const id = e.account as string;
          if (this.naming(id, () => CrosswalkNaming.validateAccountId(`${field}.account`, id), 'write the account id as a string of 12 digits, leading zeros included') && id === build) {
            this.problems.push(`${field}.account is the build account ${id}; the pipeline deploys only to other accounts (the account boundary keeps the pipeline apart from what it deploys), so give the environment its own account`);
          }
        }
        if (e.regions !== undefined) {
          if (!Array.isArray(e.regions) || e.regions.length === 0) {
            this.problems.push(`${field}.regions must be a list of at least one region name, such as ["eu-west-1", "us-west-2"], got ${describe(e.regions)}; leave it out for the config's region`);
          } else {
            const seen = new Set<string>();
            e.regions.forEach((r: unknown, k: number) => {
              const checked = this.region(r, `${field}.regions[${k}]`, home);
              if (checked === undefined) return;
              if (seen.has(checked)) this.problems.push(`${field}.regions lists ${describe(checked)} twice; list each region once`);
              seen.add(checked);
              regions.add(checked);
            });
          }
        } else if (home !== undefined) {
          regions.add(home);
        }
        if (!(ENVIRONMENT_NAMES as readonly unknown[]).includes(e.extends)) {
          this.problems.push(`${field}.extends must be ${ENVIRONMENT_NAMES.map((n) => `'${n}'`).join(' or ')} (the environment whose settings it starts from and whose suite it runs), got ${describe(e.extends)}`);
          return;
        }
        const base = environments?.[e.extends as string];
        if (!isPlainObject(base)) return;
        const settings = Object.fromEntries(Object.entries({ ...base, ...e }).filter(([k]) => !WAVE_ENVIRONMENT_FIELDS.includes(k)));
        this.environment(field, settings);
        shared.push({ field, settings });
      });
      // What a stage decides for all the wave's environments must be the same for each.
      for (const { field, settings } of shared.slice(1)) {
        const first = shared[0];
        const effective = (s: Record<string, unknown>) => ({
          requireApproval: s.requireApproval === true,
          rollbackOnFailure: s.rollbackOnFailure ?? s.requireApproval !== true,
          deploymentWindow: s.deploymentWindow,
        });
        for (const [key, mine] of Object.entries(effective(settings))) {
          const theirs = (effective(first.settings) as Record<string, unknown>)[key];
          if (JSON.stringify(mine) !== JSON.stringify(theirs)) {
            this.problems.push(`${field} and ${first.field} are in one wave but their ${key} differs (${describe(mine)} and ${describe(theirs)}): a wave's environments share its stages, which decide it for all; give them the same ${key}, or put them in separate waves`);
          }
        }
      }
    });
    return [...regions];
  }

  /** The artifact store of each region other than the config's: one for each region an environment is in, by its key's ARN. */
  private regions(value: unknown, home: string | undefined, build: string | undefined, used: string[]): void {
    const r = isPlainObject(value) ? value : undefined;
    if (!r) {
      this.problems.push(`regions must be an object of region name to { "artifactKeyArn": "<ARN of the key of that region's artifact store>" }, got ${describe(value)}`);
      return;
    }
    if (!this.plain('regions', r)) return;
    for (const [name, entry] of Object.entries(r)) {
      const path = `regions.${shorten(name)}`;
      if (!used.includes(name) || name === home) {
        this.problems.push(`${path} is not a region an environment of waves is in${name === home ? ' other than the config\'s own (whose store is the ArtifactStore stack)' : ''}; remove it (regions in use: ${used.filter((u) => u !== home).join(', ') || 'none'})`);
        continue;
      }
      const e = this.object(path, entry, ['artifactKeyArn']);
      if (!e || e.artifactKeyArn === undefined) continue;
      if (!this.string(`${path}.artifactKeyArn`, e.artifactKeyArn, 'the ARN of the key of that region\'s artifact store')) continue;
      const match = /^arn:([^:]+):kms:([^:]+):(\d{12}):key\/[A-Za-z0-9-]+$/.exec(e.artifactKeyArn as string);
      const partition = home === undefined ? undefined : RegionInfo.get(home).partition;
      if (!match || match[2] !== name || (partition !== undefined && match[1] !== partition) || (build !== undefined && match[3] !== build)) {
        this.problems.push(`${path}.artifactKeyArn must be the ARN of a KMS key of the build account${build === undefined ? '' : ` ${build}`} in ${name}, such as 'arn:${partition ?? 'aws'}:kms:${name}:${build ?? '111111111111'}:key/<key id>', got ${describe(e.artifactKeyArn)}; ` +
          'copy the ArtifactKeyArn output of that region\'s artifact store stack (an alias is not enough: CodePipeline names a cross-account action\'s key by ARN, https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_EncryptionKey.html)');
      }
    }
  }

  /**
   * The objects of an override that the merge would half read, along the objects of the
   * config it is merged into (fields outside them are unknown fields, reported after the merge).
   */
  public override(path: string, base: unknown, value: unknown): void {
    if (!isPlainObject(value) || !this.plain(path, value)) return;
    if (!isPlainObject(base)) return;
    for (const key of Object.keys(value)) {
      if (Object.hasOwn(base, key) && isPlainObject(base[key])) {
        this.override(path === 'the config' ? key : `${path}.${key}`, base[key], value[key]);
      }
    }
  }

  private projectName(value: unknown, region: string | undefined, buildAccount: string | undefined): void {
    if (!this.string('projectName', value, 'a project name such as \'Crosswalk\'')) return;
    const projectName = value as string;
    if (!this.naming(projectName, () => CrosswalkNaming.validateProjectName(projectName),
      "every stack, role and bucket name derives from it, so choose one such as 'Crosswalk' or 'check-in'")) return;
    const naming = new CrosswalkNaming({ projectName, region: region ?? PLACEHOLDER_REGION });
    const bucket = naming.artifactBucketName(buildAccount ?? PLACEHOLDER_ACCOUNT);
    const problem = CrosswalkNaming.bucketNameProblem(bucket);
    if (problem) {
      this.problems.push(`projectName ${describe(projectName)} makes the artifact bucket name ${describe(bucket)} illegal: it ${problem} (S3's bucket naming rules); choose a project name without it, such as 'Crosswalk'`);
    }
    // "The alias name cannot begin with alias/aws/", reserved for AWS managed keys:
    // https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html
    if (naming.artifactKeyAliasName.startsWith('alias/aws/')) {
      this.problems.push(`projectName ${describe(projectName)} makes the artifact key alias ${describe(naming.artifactKeyAliasName)}, which KMS reserves for AWS managed keys (alias/aws/); choose another project name, such as 'Crosswalk'`);
    }
  }

  /** The region when it is a supported one (and, for an environment's, of the config region's partition). */
  private region(value: unknown, path = 'region', home?: string): string | undefined {
    if (!this.string(path, value, 'a region name such as \'eu-west-1\'')) return undefined;
    const region = value as string;
    const info = RegionInfo.regions.find((r) => r.name === region);
    if (!info) {
      const supported = RegionInfo.regions.filter((r) => isSupported(r.partition)).map((r) => r.name);
      this.problems.push(`${path} must be a real AWS region name, got ${describe(region)}; use one of: ${supported.join(', ')}`);
      return undefined;
    }
    if (home !== undefined && info.partition !== RegionInfo.get(home).partition) {
      this.problems.push(`${path} ${describe(region)} is in the ${info.partition} partition, but the config's region ${home} is in ${RegionInfo.get(home).partition}: one pipeline cannot act across partitions; use a region of ${RegionInfo.get(home).partition}`);
      return undefined;
    }
    if (!isSupported(info.partition)) {
      const partitions = Object.entries(SUPPORTED_PARTITIONS).map(([p, name]) => `${p} (${name})`).join(' or ');
      this.problems.push(`region ${describe(region)} is in the ${info.partition ?? 'unknown'} partition, which Crosswalk does not support; use a region of the ${partitions} partition, such as 'eu-west-1' or 'us-gov-west-1'`);
      return undefined;
    }
    return this.naming(region, () => CrosswalkNaming.validateRegion('region', region),
      "Crosswalk's naming convention supports the commercial and GovCloud regions") ? region : undefined;
  }

  /** The build account when it is a valid id. */
  private accounts(value: unknown): string | undefined {
    const a = this.object('accounts', value, ['build', 'dev', 'prod']);
    if (!a) return undefined;
    const valid: Array<[string, string]> = [];
    for (const role of ['build', 'dev', 'prod']) {
      const field = `accounts.${role}`;
      if (!this.string(field, a[role], `the 12-digit id of the ${role} account`)) continue;
      const id = a[role] as string;
      if (this.naming(id, () => CrosswalkNaming.validateAccountId(field, id),
        `write the ${role} account's id as a string of 12 digits, leading zeros included (for example "012345678901")`)) {
        valid.push([field, id]);
      }
    }
    for (let i = 0; i < valid.length; i++) {
      for (let j = i + 1; j < valid.length; j++) {
        if (valid[i][1] === valid[j][1]) {
          this.problems.push(`${valid[i][0]} and ${valid[j][0]} are both '${valid[i][1]}'; the build, dev and prod accounts must be three distinct accounts (the account boundary is what keeps dev and prod apart), so give each its own account id`);
        }
      }
    }
    return valid.find(([field]) => field === 'accounts.build')?.[1];
  }

  private github(value: unknown, region: string | undefined, buildAccount: string | undefined): void {
    const g = this.object('github', value, ['owner', 'repo', 'branch', 'connectionArn']);
    if (!g) return;
    if (this.string('github.owner', g.owner, 'the GitHub user or organisation that owns the repository')
      && !GITHUB_OWNER.test(g.owner as string)) {
      this.problems.push(`github.owner must be a GitHub user or organisation name (letters, digits and hyphens, at most 39 characters), got ${describe(g.owner)}; use the first part of github.com/<owner>/<repo>`);
    }
    if (this.string('github.repo', g.repo, 'the repository name')
      && !GITHUB_REPO.test(g.repo as string)) {
      this.problems.push(`github.repo must be a GitHub repository name (at most 100 letters, digits, '.', '_' and '-'; not '.' or '..'; no '.git' suffix), got ${describe(g.repo)}; use the second part of github.com/<owner>/<repo>, without '.git'`);
    }
    if (this.string('github.branch', g.branch, 'the branch the pipeline builds, such as \'main\'')) {
      const problem = branchNameProblem(g.branch as string);
      if (problem) {
        this.problems.push(`github.branch must be a branch name git accepts (git check-ref-format), got ${describe(g.branch)}, which ${problem}; use the branch the pipeline builds, such as 'main'`);
      }
    }
    if (g.connectionArn !== undefined
      && this.string('github.connectionArn', g.connectionArn, 'the ARN of a connection, or leave the field out')) {
      this.connectionArn(g.connectionArn as string, region, buildAccount);
    }
  }

  /** A connection of the build account, in the config's region (and so its partition). */
  private connectionArn(arn: string, region: string | undefined, buildAccount: string | undefined): void {
    const match = CONNECTION_ARN.exec(arn);
    if (!match) {
      // eslint-disable-next-line @cdklabs/no-literal-partition -- an example in a message; the check above it compares the partition of the config's region
      this.problems.push(`github.connectionArn must be the ARN of a CodeStar/CodeConnections connection such as 'arn:aws:codeconnections:eu-west-1:111111111111:connection/0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9', got ${describe(arn)}; copy it from Developer Tools > Settings > Connections in the build account, or leave the field out to have one created`);
      return;
    }
    const [, partition, arnRegion, account] = match;
    const misfits: string[] = [];
    if (region !== undefined && partition !== RegionInfo.get(region).partition) {
      misfits.push(`its partition is '${partition}', but region ${region} is in '${RegionInfo.get(region).partition}'`);
    }
    // Source actions cannot run in another region than the pipeline:
    // https://docs.aws.amazon.com/codepipeline/latest/userguide/actions-create-cross-region.html
    if (region !== undefined && arnRegion !== region) {
      misfits.push(`its region is '${arnRegion}', but the pipeline runs in ${region} (a source action cannot be in another region)`);
    }
    if (buildAccount !== undefined && account !== buildAccount) {
      misfits.push(`its account is '${account}', but accounts.build is ${buildAccount}`);
    }
    if (misfits.length > 0) {
      const wanted = `the build account${buildAccount === undefined ? '' : ` (${buildAccount})`}${region === undefined ? '' : ` in ${region}`}`;
      this.problems.push(`github.connectionArn ${describe(arn)} does not fit the config: ${misfits.join('; ')}; use a connection of ${wanted}, or leave the field out to have one created`);
    }
  }

  private notifications(value: unknown): void {
    const n = this.object('notifications', value, ['emails', 'notifyOnSuccess', 'notifyOnApproval']);
    if (!n) return;
    const emails = n.emails;
    if (!Array.isArray(emails)) {
      this.problems.push(`notifications.emails must be a list of email addresses such as ["team@example.com"], got ${describe(emails)}`);
    } else if (emails.length > MAX_NOTIFICATION_EMAILS) {
      this.problems.push(`notifications.emails lists ${emails.length} addresses; at most ${MAX_NOTIFICATION_EMAILS} fit, as each is a subscription on two topics of the pipeline stack (500 resources at most); list a mailing list address instead of its members`);
    } else {
      const seen = new Map<string, number>();
      for (let i = 0; i < emails.length; i++) { // not forEach: a hole is a missing address, not none
        const email: unknown = emails[i];
        if (!this.email(`notifications.emails[${i}]`, email)) continue;
        // SNS, like the deploy rules, takes an address in any case for the same endpoint.
        const key = (email as string).toLowerCase();
        const first = seen.get(key);
        if (first === undefined) {
          seen.set(key, i);
        } else {
          this.problems.push(`notifications.emails[${i}] ${describe(email)} is notifications.emails[${first}] ${describe(emails[first])} again (addresses are compared without case); list each address once`);
        }
      }
    }
    for (const flag of ['notifyOnSuccess', 'notifyOnApproval']) {
      if (n[flag] !== undefined) this.boolean(`notifications.${flag}`, n[flag]);
    }
  }

  private email(path: string, value: unknown): boolean {
    const fix = 'fix or remove that entry';
    if (typeof value !== 'string') {
      this.problems.push(`${path} must be an email address such as 'team@example.com', got ${describe(value)}; ${fix}`);
      return false;
    }
    const octets = Buffer.byteLength(value, 'utf-8');
    if (octets > MAX_EMAIL_OCTETS) {
      this.problems.push(`${path} is ${octets} octets long (UTF-8), got ${describe(value)}; an email address has at most ${MAX_EMAIL_OCTETS}, so ${fix}`);
      return false;
    }
    const local = value.includes('@') ? Buffer.byteLength(value.slice(0, value.lastIndexOf('@')), 'utf-8') : 0;
    if (local > MAX_EMAIL_LOCAL_OCTETS) {
      this.problems.push(`${path} has a local part (before '@') of ${local} octets (UTF-8), got ${describe(value)}; it has at most ${MAX_EMAIL_LOCAL_OCTETS}, so ${fix}`);
      return false;
    }
    if (!EMAIL.test(value)) {
      this.problems.push(`${path} must be an email address such as 'team@example.com', got ${describe(value)}; ${fix}`);
      return false;
    }
    return true;
  }

  private approvers(value: unknown): void {
    const a = this.object('approvers', value, ['groupName']);
    if (!a || a.groupName === undefined) return;
    if (this.string('approvers.groupName', a.groupName, 'an IAM group name, or leave the field out')
      && !IAM_GROUP_NAME.test(a.groupName as string)) {
      this.problems.push(`approvers.groupName must be an IAM group name (at most 128 letters, digits and '+=,.@_-'), got ${describe(a.groupName)}; use the name of the group in the build account whose members approve production`);
    }
  }

  /**
   * With the self-update, the build account's execution role changes only groups named with the
   * project prefix (BuildAccountDeploymentRoles), so an approver group of another name could
   * never be updated by the pipeline.
   */
  private selfUpdatedGroup(c: Record<string, unknown>): void {
    const groupName = (c.approvers as { groupName?: unknown } | undefined)?.groupName;
    if (c.selfUpdate === false || typeof groupName !== 'string' || !IAM_GROUP_NAME.test(groupName) || typeof c.projectName !== 'string') return;
    if (!groupName.startsWith(`${c.projectName}-`)) {
      this.problems.push(`approvers.groupName must start with '${c.projectName}-' when the pipeline updates itself (selfUpdate), got ${describe(groupName)}: ` +
        `the build account's execution role changes only the project's groups; name the group '${c.projectName}-${groupName}', or set selfUpdate: false`);
    }
  }

  private environment(path: string, value: unknown): void {
    const e = this.object(path, value, ENVIRONMENT_FIELDS);
    if (!e) return;
    if (e.rollbackOnFailure !== undefined && this.boolean(`${path}.rollbackOnFailure`, e.rollbackOnFailure) && e.rollbackOnFailure && e.requireApproval === true) {
      this.problems.push(`${path}.rollbackOnFailure cannot be true with requireApproval: a stage rollback would re-execute a change set, which CloudFormation deletes once executed; ` +
        'remove rollbackOnFailure (CloudFormation rolls back a failed execution, CodeDeploy a traffic shift on alarm)');
    }
    if (e.bakeMinutes !== undefined) {
      this.number(`${path}.bakeMinutes`, e.bakeMinutes, {
        integer: true, min: 0, max: MAX_BAKE_MINUTES,
        why: 'the bake is a Lambda invoke action, which CodePipeline fails after 24 hours (https://docs.aws.amazon.com/codepipeline/latest/userguide/limits.html)',
      });
    }
    if (e.revertOnAlarm !== undefined && this.boolean(`${path}.revertOnAlarm`, e.revertOnAlarm) && e.revertOnAlarm === true && e.requireApproval !== true) {
      this.problems.push(`${path}.revertOnAlarm needs requireApproval: true (the revert rides on the reviewed change set, created with the alarms as rollback triggers); remove it or set requireApproval`);
    }
    // An alarm reverts the release (NotifyingPipeline's rule and defaults); CloudFormation watches at most MAX_REVERT_MINUTES.
    const settings = {
      requireApproval: e.requireApproval === true,
      bakeMinutes: Number.isInteger(e.bakeMinutes) && (e.bakeMinutes as number) >= 0 ? e.bakeMinutes as number : undefined,
      revertOnAlarm: typeof e.revertOnAlarm === 'boolean' ? e.revertOnAlarm : undefined,
    };
    const bake = bakeMinutesOf(settings);
    if (revertsOnAlarm(settings) && bake > MAX_REVERT_MINUTES && bake <= MAX_BAKE_MINUTES) {
      this.problems.push(`${path}.bakeMinutes must be at most ${MAX_REVERT_MINUTES} when an alarm reverts the release, got ${bake}: CloudFormation watches rollback triggers for at most ${MAX_REVERT_MINUTES} minutes ` +
        '(https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_RollbackConfiguration.html); shorten the bake, or set revertOnAlarm: false to bake longer without the revert');
    }
    if (e.autoApprove !== undefined) {
      if (!AUTO_APPROVE_NAMES.includes(e.autoApprove as AutoApproveName)) {
        this.problems.push(`${path}.autoApprove must be one of ${AUTO_APPROVE_NAMES.join(', ')}, got ${describe(e.autoApprove)}`);
      } else if (e.requireApproval !== true) {
        this.problems.push(`${path}.autoApprove needs requireApproval: true (it decides when a reviewed change needs no person); remove it or set requireApproval`);
      }
    }
    if (e.deploymentWindow !== undefined) {
      const w = this.object(`${path}.deploymentWindow`, e.deploymentWindow, ['cron', 'timeZone']);
      if (w && this.string(`${path}.deploymentWindow.cron`, w.cron, 'a cron expression')
        && (w.timeZone === undefined || this.string(`${path}.deploymentWindow.timeZone`, w.timeZone, 'an IANA time zone'))) {
        try {
          NotifyingPipeline.validateDeploymentWindow(`${path}.deploymentWindow`, { cron: w.cron as string, timeZone: w.timeZone as string | undefined });
        } catch (err) {
          // The pipeline's own message, its echo of the value escaped once more: a config value never reaches the terminal raw.
          this.problems.push(escapeInvisible((err as Error).message));
        }
      }
    }
    if (this.string(`${path}.trafficShift`, e.trafficShift, 'a CodeDeploy traffic shift name')
      && !(TRAFFIC_SHIFT_NAMES as readonly string[]).includes(e.trafficShift as string)) {
      this.problems.push(`${path}.trafficShift must be one of ${TRAFFIC_SHIFT_NAMES.join(', ')}, got ${describe(e.trafficShift)}; these are CodeDeploy's predefined Lambda deployment configs`);
    }
    this.boolean(`${path}.requireApproval`, e.requireApproval);
    this.boolean(`${path}.retainData`, e.retainData);
    if (this.number(`${path}.logRetentionDays`, e.logRetentionDays, { integer: true, min: 1 })
      && !LOG_RETENTION_DAYS.includes(e.logRetentionDays as number)) {
      const days = e.logRetentionDays as number;
      const next = LOG_RETENTION_DAYS.find((d) => d >= days);
      this.problems.push(`${path}.logRetentionDays must be a retention CloudWatch Logs accepts (${LOG_RETENTION_DAYS.join(', ')}), got ${days}; ${next === undefined ? `the longest is ${LOG_RETENTION_DAYS[LOG_RETENTION_DAYS.length - 1]}` : `the nearest longer one is ${next}`}`);
    }
    // Requests the stage lets through in a minute at most: a full bucket, then the rate.
    let perMinute = MAX_THROTTLING_RATE_LIMIT * 60 + MAX_THROTTLING_BURST_LIMIT;
    let perMinuteWhy = `API Gateway's account-level quota lets at most ${perMinute} requests through in a minute`;
    const t = this.object(`${path}.throttling`, e.throttling, ['rateLimit', 'burstLimit']);
    if (t) {
      const rate = this.number(`${path}.throttling.rateLimit`, t.rateLimit, {
        min: 0.001, max: MAX_THROTTLING_RATE_LIMIT,
        why: `API Gateway's default account-level quota per Region is ${thousands(MAX_THROTTLING_RATE_LIMIT)} requests per second, which a stage cannot exceed`,
      });
      const burst = this.number(`${path}.throttling.burstLimit`, t.burstLimit, {
        integer: true, min: 1, max: MAX_THROTTLING_BURST_LIMIT,
        why: `API Gateway's account-level burst bucket holds at most ${thousands(MAX_THROTTLING_BURST_LIMIT)} requests, which a stage cannot exceed`,
      });
      if (rate && burst) {
        const [rateLimit, burstLimit] = [t.rateLimit as number, t.burstLimit as number];
        if (burstLimit < rateLimit) {
          this.problems.push(`${path}.throttling.burstLimit ${burstLimit} is below rateLimit ${rateLimit}: a bucket smaller than a second of requests turns away bursts the rate allows; set burstLimit to at least ${Math.ceil(rateLimit)} (or lower rateLimit)`);
        }
        perMinute = Math.floor(rateLimit * 60 + burstLimit);
        perMinuteWhy = `the stage lets at most ${perMinute} requests through in a minute (rateLimit ${rateLimit} × 60 + burstLimit ${burstLimit})`;
      }
    }
    const a = this.object(`${path}.alarms`, e.alarms, ['api5xxErrors', 'lambdaErrors']);
    if (a) {
      // Both count per minute, and every invocation of the functions is a request of the stage.
      const why = `${perMinuteWhy}, so a higher threshold is never reached and the alarm never rolls a deployment back`;
      this.number(`${path}.alarms.api5xxErrors`, a.api5xxErrors, { integer: true, min: 1, max: perMinute, why });
      this.number(`${path}.alarms.lambdaErrors`, a.lambdaErrors, { integer: true, min: 1, max: perMinute, why });
    }
  }

  /** An object with only known, plain fields, or undefined (and a problem) when it is not one. */
  private object(path: string, value: unknown, known: readonly string[]): Record<string, unknown> | undefined {
    if (!isPlainObject(value)) {
      this.problems.push(`${path} must be an object with the fields ${known.join(', ')}, got ${describe(value)}`);
      return undefined;
    }
    if (!this.plain(path, value)) return undefined;
    const fields = path === 'the config' ? 'at the top level' : `of ${path}`;
    for (const key of Object.keys(value)) {
      if (known.includes(key)) continue;
      const field = `${path === 'the config' ? '' : `${path}.`}${shorten(key)}`;
      this.problems.push(PROTOTYPE_KEYS.includes(key)
        ? `${field} is not a config field; a JSON key '__proto__', 'constructor' or 'prototype' would reach the object's prototype, so remove it (the fields ${fields} are ${known.join(', ')})`
        : `${field} is not a config field; check its spelling (the fields ${fields} are ${known.join(', ')})`);
    }
    return value;
  }

  /**
   * Whether an object holds its fields plainly: its prototype is Object's (or none), and
   * each field is an own, enumerable value. Anything else is read by some code and lost by
   * other code (a spread drops inherited and hidden fields, a property read sees them).
   */
  private plain(path: string, value: Record<string, unknown>): boolean {
    const prototype = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) {
      const inherited = Object.keys(prototype ?? {});
      this.problems.push(`${path} must be a plain object (JSON, or an object literal without __proto__), got one with its own prototype${inherited.length > 0 ? ` (which carries ${shorten(inherited.join(', '))})` : ''}; write its fields as its own`);
      return false;
    }
    let plain = true;
    for (const key of Reflect.ownKeys(value)) {
      const descriptor = Object.getOwnPropertyDescriptor(value, key)!;
      if (typeof key === 'string' && descriptor.enumerable && !descriptor.get && !descriptor.set) continue;
      const field = `${path === 'the config' ? '' : `${path}.`}${shorten(String(key))}`;
      this.problems.push(`${field} must be a plain field, not a ${typeof key === 'symbol' ? 'symbol key' : descriptor.enumerable ? 'getter or setter' : 'hidden (non-enumerable) property'}; write it as an ordinary field`);
      plain = false;
    }
    return plain;
  }

  /** Runs a check of CrosswalkNaming; its message, with the value shortened, and `fix` make the problem. */
  private naming(value: string, check: () => void, fix: string): boolean {
    try {
      check();
      return true;
    } catch (err) {
      this.problems.push(`${withShortEcho((err as Error).message, value)}; ${fix}`);
      return false;
    }
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

  private number(path: string, value: unknown, rule: { integer?: boolean; min: number; max?: number; /** why `max`, said when the value is above it */ why?: string }): boolean {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < rule.min
      || (rule.max !== undefined && value > rule.max) || (rule.integer && !Number.isInteger(value))) {
      const range = rule.max === undefined ? `of at least ${rule.min}` : `from ${rule.min} to ${rule.max}`;
      const tooHigh = rule.why !== undefined && typeof value === 'number' && rule.max !== undefined && value > rule.max;
      this.problems.push(`${path} must be ${rule.integer ? 'a whole number' : 'a number'} ${range}, got ${describe(value)}${tooHigh ? `; ${rule.why}` : ''}`);
      return false;
    }
    return true;
  }
}
