/**
 * Synth-time checks of the pipeline's props. Every error says which field was wrong,
 * the value it had and how to fix it. Unresolved tokens are skipped: they are checked
 * by CloudFormation at deploy time. Not exported from the package.
 */
import { Duration, Token } from 'aws-cdk-lib';
import { CrosswalkNaming } from '@crosswalk/cross-account-role';
import { AutoApprove } from '../environment';
import type { BakeSettings, PipelineEnvironment, PipelineTest, SelfUpdate } from '../environment';

/** Names of the stages the construct adds before the environments. */
export const RESERVED_STAGE_NAMES = ['Source', 'Build'];
/** Names of the actions the construct adds to an environment's stage. */
export const RESERVED_ACTION_NAMES = ['Deploy', 'CreateChangeSet', 'Review', 'Approve', 'VerifyReviewedChangeSet', 'ExecuteChangeSet', 'Bake'];

const NAME = /^[A-Za-z][A-Za-z0-9_-]{0,49}$/;
const STACK_NAME = /^[A-Za-z][A-Za-z0-9-]{0,127}$/;
const OUTPUT_NAME = /^[A-Za-z0-9]{1,255}$/;
const ENV_VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const GROUP_NAME = /^[\w+=,.@-]{1,128}$/;
const PIPELINE_NAME = /^[A-Za-z0-9.@_-]{1,100}$/;

const literal = (value: string) => !Token.isUnresolved(value);

export function validatePipelineName(pipelineName: string): void {
  if (literal(pipelineName) && !PIPELINE_NAME.test(pipelineName)) {
    throw new Error(`pipelineName must be 1 to 100 letters, digits, '.', '@', '_' or '-', got '${pipelineName}'`);
  }
}

export function validateSource(owner: string, repo: string, branch: string): void {
  for (const [field, value] of [['source.owner', owner], ['source.repo', repo], ['source.branch', branch]]) {
    if (literal(value) && value.trim() === '') {
      throw new Error(`${field} must not be empty: name the GitHub ${field.split('.')[1]} the pipeline builds (for example source: { owner: 'my-org', repo: 'my-service', branch: 'main' })`);
    }
  }
}

export function validateEmails(field: string, emails: string[]): void {
  emails.forEach((email, i) => {
    if (literal(email) && !EMAIL.test(email)) {
      throw new Error(`${field}[${i}] must be an email address such as 'team@example.com', got '${email}'`);
    }
  });
}

export function validateGroupName(groupName: string): void {
  if (literal(groupName) && !GROUP_NAME.test(groupName)) {
    throw new Error(`approverGroupName must be 1 to 128 letters, digits or '+=,.@_-' (an IAM group name), got '${groupName}'`);
  }
}

export function validateRegionMatches(field: string, region: string, naming: CrosswalkNaming): void {
  if (!literal(region)) return;
  CrosswalkNaming.validateRegion(field, region);
  if (region !== naming.region) {
    throw new Error(`${field} is '${region}' but the naming convention's region is '${naming.region}': the deployment roles ` +
      `the pipeline assumes (${naming.deploymentRoleName}) act only on stacks in '${naming.region}' and the artifact store lives there. ` +
      `Remove ${field}, or deliver to '${region}' with a second pipeline built on new CrosswalkNaming({ projectName: '${naming.projectName}', region: '${region}' }).`);
  }
}

/** Checks the ordered environments as a whole and each one. */
export function validateEnvironments(environments: PipelineEnvironment[], naming: CrosswalkNaming, fields: string[] = environments.map((_, i) => `environments[${i}]`)): void {
  if (environments.length === 0) {
    throw new Error("environments must list at least one environment to deploy to, for example [{ name: 'Dev', account: '111111111111', stackName: '" +
      `${naming.resourcePrefix}Service', templatePath: 'cdk.out/Service.template.json' }]`);
  }
  const seen = new Map<string, number>();
  environments.forEach((env, i) => {
    const field = fields[i];
    validateName(`${field}.name`, env.name);
    const previous = seen.get(env.name.toLowerCase());
    if (previous !== undefined) {
      throw new Error(`${field}.name '${env.name}' is already used by ${fields[previous]}: each environment is a pipeline stage and needs its own name (for example 'Dev', 'Staging', 'Prod')`);
    }
    if (RESERVED_STAGE_NAMES.some((reserved) => reserved.toLowerCase() === env.name.toLowerCase())) {
      throw new Error(`${field}.name '${env.name}' is the name of a stage the pipeline adds itself (${RESERVED_STAGE_NAMES.join(', ')}): choose another name such as 'Dev' or 'Prod'`);
    }
    seen.set(env.name.toLowerCase(), i);
    CrosswalkNaming.validateAccountId(`${field}.account`, env.account);
    if (env.region !== undefined) CrosswalkNaming.validateRegion(`${field}.region`, env.region);
    if (env.region !== undefined && !literal(env.region)) {
      throw new Error(`${field}.region must be a literal region name such as 'us-west-2', not a token: the stage's roles and artifact store are named after it at synth time`);
    }
    if (env.wave !== undefined) validateName(`${field}.wave`, env.wave);
    validateStackName(`${field}.stackName`, env.stackName, naming);
    if (literal(env.templatePath) && env.templatePath.trim() === '') {
      throw new Error(`${field}.templatePath must name the template file in the build output artifact, for example 'cdk.out/${env.stackName}.template.json', got ''`);
    }
    const outputs = env.outputs ?? [];
    outputs.forEach((output, j) => {
      if (literal(output) && !OUTPUT_NAME.test(output)) {
        throw new Error(`${field}.outputs[${j}] must be a CloudFormation output name (letters and digits only), got '${output}'`);
      }
    });
    validateTests(field, env, outputs);
    if (env.deploymentWindow) validateDeploymentWindow(`${field}.deploymentWindow`, env.deploymentWindow);
    validateReviewAndBake(field, env, naming);
  });
  const waves = wavesOf(environments);
  const waveNames = new Set<string>();
  for (const wave of waves) {
    if (waveNames.has(wave.name.toLowerCase()) && wave.environments[0].wave !== undefined) {
      const env = wave.environments[0];
      throw new Error(`${fields[environments.indexOf(env)]} ('${env.name}') is in wave '${wave.name}', but does not follow the wave's other environments: ` +
        'a wave is consecutive environments; move it next to them, or give it another wave');
    }
    waveNames.add(wave.name.toLowerCase());
    validateWave(wave, environments);
  }
  const stageNames = new Map<string, string>();
  for (const wave of waves) {
    for (const stage of stageNamesOf(wave)) {
      const other = stageNames.get(stage.toLowerCase());
      const who = wave.environments.length > 1 ? `wave '${wave.name}'` : `${fields[environments.indexOf(wave.environments[0])]} ('${wave.environments[0].name}')`;
      if (other !== undefined) {
        throw new Error(`${who} needs a stage named '${stage}', which ${other} already uses: rename one of them`);
      }
      stageNames.set(stage.toLowerCase(), who);
    }
    if (RESERVED_STAGE_NAMES.some((reserved) => reserved.toLowerCase() === wave.name.toLowerCase())) {
      throw new Error(`wave '${wave.name}' is the name of a stage the pipeline adds itself (${RESERVED_STAGE_NAMES.join(', ')}): choose another name`);
    }
  }
  // Source and Build, then the waves' stages.
  const stages = RESERVED_STAGE_NAMES.length + stageNames.size;
  if (stages > MAX_STAGES) {
    throw new Error(`the environments need ${stages} stages (Source and Build included${fields.some((f) => f.startsWith('selfUpdate')) ? ', and the self-update\'s' : ''}), but a pipeline holds at most ${MAX_STAGES} ` +
      '(https://docs.aws.amazon.com/codepipeline/latest/userguide/limits.html): put environments that may go together into one wave (a wave without approval is one stage), or split the delivery into several pipelines');
  }
}

/** The most stages of a pipeline: https://docs.aws.amazon.com/codepipeline/latest/userguide/limits.html ("Number of stages in a pipeline"). */
export const MAX_STAGES = 50;

/** Consecutive environments of the same wave, in order. */
export interface Wave {
  readonly name: string;
  readonly environments: PipelineEnvironment[];
}

/** The waves of the environments: consecutive environments with the same `wave` (by default each its own). */
export function wavesOf(environments: PipelineEnvironment[]): Wave[] {
  const waves: { name: string; environments: PipelineEnvironment[] }[] = [];
  for (const env of environments) {
    const name = env.wave ?? env.name;
    const last = waves[waves.length - 1];
    if (env.wave !== undefined && last !== undefined && last.name === name) last.environments.push(env);
    else waves.push({ name, environments: [env] });
  }
  return waves;
}

/** The stages a wave adds, in order. */
export function stageNamesOf(wave: Wave): string[] {
  const [first] = wave.environments;
  if (!first.requireApproval) return [wave.name];
  // A reviewed wave: change sets and review, approval, the window's check, then one execution
  // stage per environment (a single environment's is '<name>Deploy', as the wave is named after it).
  return [
    wave.name, `${wave.name}Approval`,
    ...(first.deploymentWindow !== undefined ? [`${wave.name}Window`] : []),
    ...wave.environments.map((e) => `${e.name}Deploy`),
  ];
}

/** Checks what the environments of one wave must share: what a stage decides for all its actions. */
function validateWave(wave: Wave, all: PipelineEnvironment[]): void {
  if (wave.environments.length < 2) return;
  const [first] = wave.environments;
  const describe = (e: PipelineEnvironment) => `environments[${all.indexOf(e)}] ('${e.name}')`;
  for (const env of wave.environments.slice(1)) {
    const disagree = (what: string, a: unknown, b: unknown) => new Error(`${describe(env)} and ${describe(first)} are both in wave '${wave.name}' but disagree on ${what} ` +
      `(${JSON.stringify(b) ?? 'unset'} and ${JSON.stringify(a) ?? 'unset'}): a wave's environments share their stages, and a stage decides it for all of them; give them the same ${what}, or put them in different waves`);
    if (Boolean(env.requireApproval) !== Boolean(first.requireApproval)) throw disagree('requireApproval', Boolean(first.requireApproval), Boolean(env.requireApproval));
    if (rollsBack(env) !== rollsBack(first)) throw disagree('rollbackOnFailure', rollsBack(first), rollsBack(env));
    const windowOf = (e: PipelineEnvironment) => (e.deploymentWindow ? { cron: e.deploymentWindow.cron.trim(), timeZone: e.deploymentWindow.timeZone ?? 'UTC' } : undefined);
    if (JSON.stringify(windowOf(env)) !== JSON.stringify(windowOf(first))) throw disagree('deploymentWindow', windowOf(first), windowOf(env));
  }
}

/** The longest bake: a Lambda invoke action times out after 24 hours (https://docs.aws.amazon.com/codepipeline/latest/userguide/limits.html); an hour is kept for the last looks. */
export const MAX_BAKE_MINUTES = 23 * 60;
/** The default bake of an environment with approval. */
export const DEFAULT_APPROVAL_BAKE_MINUTES = 10;

/** Whether an environment's deploy stage rolls back on failure (by default unless it has approval). */
export function rollsBack(env: PipelineEnvironment): boolean {
  return env.rollbackOnFailure ?? !env.requireApproval;
}

/**
 * CloudFormation's longest monitoring time of rollback triggers (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_RollbackConfiguration.html).
 * The ExecuteChangeSet action waits through it: a CloudFormation action times out after 3 days
 * (https://docs.aws.amazon.com/codepipeline/latest/userguide/limits.html).
 */
export const MAX_REVERT_MINUTES = 180;

/** Whether an alarm reverts the environment's release (rollback triggers), by default with approval and a bake. */
export function revertsOnAlarm(env: BakeSettings): boolean {
  return env.revertOnAlarm ?? (env.requireApproval === true && bakeMinutes(env) > 0);
}

/** An environment's bake time in whole minutes (0: no bake). */
export function bakeMinutes(env: BakeSettings): number {
  if (env.bakeTime === undefined) return env.requireApproval ? DEFAULT_APPROVAL_BAKE_MINUTES : 0;
  return env.bakeTime.toMinutes();
}

function validateReviewAndBake(field: string, env: PipelineEnvironment, naming: CrosswalkNaming): void {
  if (env.autoApprove !== undefined && !env.requireApproval) {
    throw new Error(`${field}.autoApprove is set but environment '${env.name}' has no requireApproval: the policy decides when a reviewed change needs no person, so it needs the review; set requireApproval: true or remove autoApprove`);
  }
  if (env.requireApproval && env.rollbackOnFailure === true) {
    throw new Error(`${field}.rollbackOnFailure cannot be true with requireApproval (environment '${env.name}'): a stage rollback re-runs the stage with the variables of the execution it returns to, ` +
      'so it would execute that execution\'s change set, which CloudFormation deleted when it was executed (https://docs.aws.amazon.com/codepipeline/latest/userguide/stage-rollback.html). ' +
      'CloudFormation rolls back a failed change set execution itself; remove rollbackOnFailure');
  }
  if (env.bakeTime !== undefined) {
    let minutes: number;
    try {
      minutes = env.bakeTime.toMinutes();
    } catch {
      throw new Error(`${field}.bakeTime must be whole minutes, e.g. Duration.minutes(10), got ${env.bakeTime.toHumanString()}`);
    }
    if (minutes > MAX_BAKE_MINUTES) {
      throw new Error(`${field}.bakeTime must be at most ${MAX_BAKE_MINUTES} minutes (23 hours): the bake is a Lambda invoke action, which CodePipeline fails after 24 hours, got ${minutes} minutes`);
    }
  }
  if (env.revertOnAlarm === true && !env.requireApproval) {
    throw new Error(`${field}.revertOnAlarm needs requireApproval (environment '${env.name}'): the revert rides on the reviewed change set, which is created with the alarms as rollback triggers; set requireApproval: true, or remove revertOnAlarm`);
  }
  if (env.revertOnAlarm === true && bakeMinutes(env) === 0) {
    throw new Error(`${field}.revertOnAlarm needs a bake (environment '${env.name}'): the bake time is how long CloudFormation watches the alarms after the execution; set bakeTime, e.g. Duration.minutes(10), or remove revertOnAlarm`);
  }
  if (revertsOnAlarm(env) && bakeMinutes(env) > MAX_REVERT_MINUTES) {
    throw new Error(`${field}.bakeTime must be at most ${MAX_REVERT_MINUTES} minutes when an alarm reverts the release (environment '${env.name}'): CloudFormation watches rollback triggers for at most ${MAX_REVERT_MINUTES} minutes, got ${bakeMinutes(env)}; ` +
      'shorten the bake, or set revertOnAlarm: false to bake longer without the revert');
  }
  if (env.bakeAlarmNamePrefix !== undefined && literal(env.bakeAlarmNamePrefix) && !env.bakeAlarmNamePrefix.startsWith(naming.resourcePrefix)) {
    throw new Error(`${field}.bakeAlarmNamePrefix must start with '${naming.resourcePrefix}', got '${env.bakeAlarmNamePrefix}': the target account's read-only role reads only the project's alarms; ` +
      `the default '${env.stackName}-' watches the alarms of the environment's stack`);
  }
}

// ---------------------------------------------------------------------------------------
// Deployment window: CodePipeline's DeploymentWindow rule
// ---------------------------------------------------------------------------------------

/**
 * The rule's reference page, which every belief below rests on (its "Cron" table: field,
 * allowed values, allowed special characters, and the notes on `* ? - , / L W #`).
 */
const DEPLOYMENT_WINDOW_DOCS = 'https://docs.aws.amazon.com/codepipeline/latest/userguide/rule-reference-DeploymentWindow.html';

/** A window from 09:00 to 16:59, Monday to Thursday (the seconds field takes only `*`). */
const CRON_EXAMPLE = '* 0-59 9-16 ? * MON-THU';

/** A field of the cron, as the page's table describes it. */
interface CronFieldSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  /** Names that stand for numbers (JAN = 1, SUN = 1), in order from `min`. */
  readonly names?: readonly string[];
  /** The special characters of the table's third column besides `, - * /`. */
  readonly special: '' | '?LW' | '?L#';
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
/** Day-of-week 1-7 or SUN-SAT: 1 is Sunday ("L" alone in the field "means 7 or SAT"). */
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/** Fields 2 to 7 (seconds, the first, takes `*` only: its allowed values are "N/A"). */
const CRON_FIELDS: readonly CronFieldSpec[] = [
  { name: 'minutes', min: 0, max: 59, special: '' },
  { name: 'hours', min: 0, max: 23, special: '' },
  { name: 'day-of-month', min: 1, max: 31, special: '?LW' },
  { name: 'month', min: 1, max: 12, names: MONTHS, special: '' },
  { name: 'day-of-week', min: 1, max: 7, names: WEEKDAYS, special: '?L#' },
  { name: 'year', min: 1970, max: 2199, special: '' },
];

/** A day-of-month or day-of-week field: which days of a month it lets through. */
type DayRule = (year: number, month: number, day: number) => boolean;

/** What a cron allows: sets of minutes, hours, months and years, and a rule per day field. */
interface CronSchedule {
  readonly months: ReadonlySet<number>;
  /** Undefined: every year (the field is left out or `*`). */
  readonly years?: ReadonlySet<number>;
  readonly dayOfMonth?: DayRule;
  readonly dayOfWeek?: DayRule;
}

/** Thrown by the parser; the message names the field and what is wrong with it. */
class CronProblem extends Error {}

/**
 * Text a message repeats from a prop: control, line-breaking and direction-changing characters
 * escaped (a value cannot fake lines of a message or reorder it), cut to 80 characters.
 */
function shown(value: string): string {
  const escaped = value.replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g,
    (c) => ({ '\n': '\\n', '\r': '\\r', '\t': '\\t' } as Record<string, string>)[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return escaped.length > 80 ? `${escaped.slice(0, 80)}…` : escaped;
}

/**
 * Checks a deployment window as CodePipeline's `DeploymentWindow` rule reads it
 * (https://docs.aws.amazon.com/codepipeline/latest/userguide/rule-reference-DeploymentWindow.html): a cron of 6 required fields and an optional year, separated by
 * white space, each within the page's allowed values and special characters, and a schedule
 * that can still open (a window that never opens fails every execution at the stage); a time
 * zone is an IANA name such as `Europe/Berlin`, which this Node.js also knows.
 *
 * @param now the day from which the window must be able to open (a year in the past never does)
 */
export function validateDeploymentWindow(field: string, window: { cron: string; timeZone?: string }, now: Date = new Date()): void {
  if (literal(window.cron)) {
    const cron = window.cron.trim();
    const fields = cron === '' ? [] : cron.split(/\s+/);
    if (/[^\x20-\x7e\t]/.test(cron)) {
      throw new Error(`${field}.cron must be printable ASCII on one line (seconds minutes hours day-of-month month day-of-week [year]), got '${shown(window.cron)}'; e.g. '${CRON_EXAMPLE}'`);
    }
    if (fields.length < 6 || fields.length > 7) {
      throw new Error(`${field}.cron must have 6 fields and an optional year (seconds minutes hours day-of-month month day-of-week [year]), e.g. '${CRON_EXAMPLE}', got '${shown(window.cron)}' (${fields.length} fields)`);
    }
    let schedule: CronSchedule;
    try {
      schedule = parseCron(fields);
    } catch (err) {
      if (!(err instanceof CronProblem)) throw err;
      throw new Error(`${field}.cron '${shown(cron)}': ${err.message} (${DEPLOYMENT_WINDOW_DOCS}); e.g. '${CRON_EXAMPLE}'`);
    }
    if (!canOpen(schedule, now)) {
      throw new Error(`${field}.cron '${shown(cron)}' can never open: no day from ${now.toISOString().slice(0, 10)} to 2199-12-31 has its day-of-month, month, day-of-week and year ` +
        '(such as February 30th, or a year that is past), so every execution would fail at the stage; fix the days');
    }
  }
  if (window.timeZone !== undefined && literal(window.timeZone)) {
    let known = /^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(window.timeZone);
    try {
      if (known) new Intl.DateTimeFormat('en-US', { timeZone: window.timeZone });
    } catch {
      known = false;
    }
    if (!known) {
      throw new Error(`${field}.timeZone must be an IANA time zone such as 'Europe/Berlin' or 'UTC', got '${shown(window.timeZone)}'`);
    }
  }
}

/** The schedule of the 6 or 7 fields; throws a {@link CronProblem} naming the field. */
function parseCron(fields: readonly string[]): CronSchedule {
  if (fields[0] !== '*') {
    throw new CronProblem(`the seconds field takes only '*' (its allowed values are N/A), got '${shown(fields[0])}'`);
  }
  const [, minutes, hours, dayOfMonth, months, dayOfWeek, years] = fields;
  valueSet(CRON_FIELDS[0], minutes);
  valueSet(CRON_FIELDS[1], hours);
  if ((dayOfMonth === '?') === (dayOfWeek === '?')) {
    throw new CronProblem(`exactly one of day-of-month and day-of-week must be '?' ("no specific value"), got '${shown(dayOfMonth)}' and '${shown(dayOfWeek)}'`);
  }
  return {
    months: valueSet(CRON_FIELDS[3], months),
    years: years === undefined || years === '*' ? undefined : valueSet(CRON_FIELDS[5], years),
    dayOfMonth: dayOfMonth === '?' ? undefined : dayOfMonthRule(dayOfMonth),
    dayOfWeek: dayOfWeek === '?' ? undefined : dayOfWeekRule(dayOfWeek),
  };
}

/** A number or a name of the field, within its allowed values. */
function fieldValue(spec: CronFieldSpec, text: string): number {
  const index = spec.names?.indexOf(text.toUpperCase()) ?? -1;
  if (index >= 0) return spec.min + index;
  if (!/^\d{1,4}$/.test(text)) {
    throw new CronProblem(`the ${spec.name} field takes ${describeValues(spec)}, got '${shown(text)}'`);
  }
  const value = Number(text);
  if (value < spec.min || value > spec.max) {
    throw new CronProblem(`the ${spec.name} field takes ${describeValues(spec)}, got ${value}`);
  }
  return value;
}

function describeValues(spec: CronFieldSpec): string {
  const names = spec.names ? ` or ${spec.names[0]}-${spec.names[spec.names.length - 1]}` : '';
  return `${spec.min}-${spec.max}${names}`;
}

/** The values of a field made of `*`, values, ranges `a-b` and increments `*\/n`, `a/n`, `a-b/n`, separated by `,`. */
function valueSet(spec: CronFieldSpec, text: string): Set<number> {
  const values = new Set<number>();
  for (const item of text.split(',')) {
    const match = /^(\*|[A-Za-z0-9]+(?:-[A-Za-z0-9]+)?)(?:\/(\d{1,4}))?$/.exec(item);
    if (!match) {
      throw new CronProblem(`the ${spec.name} field takes values, ranges (a-b), increments (a/n) and lists (a,b) of ${describeValues(spec)}` +
        `${spec.special ? ` or one of its special forms (${spec.special.split('').join(' ')})` : ''}, got '${shown(item)}'`);
    }
    const [, range, step] = match;
    const increment = step === undefined ? 1 : Number(step);
    if (increment < 1 || increment > spec.max) throw new CronProblem(`the ${spec.name} field's increment must be 1 to ${spec.max}, got ${increment}`);
    let [low, high] = [spec.min, spec.max];
    if (range !== '*') {
      const [from, to] = range.split('-');
      low = fieldValue(spec, from);
      high = to === undefined ? (step === undefined ? low : spec.max) : fieldValue(spec, to);
      if (high < low) throw new CronProblem(`the ${spec.name} field's range ${shown(range)} runs backwards; write it from low to high`);
    }
    for (let value = low; value <= high; value += increment) values.add(value);
  }
  return values;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** 1 (Sunday) to 7 (Saturday), as the day-of-week field counts. */
function weekday(year: number, month: number, day: number): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1;
}

/** The weekday (Monday to Friday) nearest to `day`, within the month, as 'W' picks it. */
function nearestWeekday(year: number, month: number, day: number): number {
  const last = daysInMonth(year, month);
  const dow = weekday(year, month, day);
  if (dow === 7) return day === 1 ? 3 : day - 1; // Saturday: the Friday before, or the Monday after the 1st
  if (dow === 1) return day === last ? day - 2 : day + 1; // Sunday: the Monday after, or the Friday before the last day
  return day;
}

function dayOfMonthRule(text: string): DayRule {
  const spec = CRON_FIELDS[2];
  if (text === 'L') return (y, m, d) => d === daysInMonth(y, m);
  if (text === 'LW') return (y, m, d) => d === nearestWeekday(y, m, daysInMonth(y, m));
  const offset = /^L-(\d{1,2})$/.exec(text);
  if (offset) {
    const n = Number(offset[1]);
    if (n < 1 || n > 30) throw new CronProblem(`the day-of-month field's 'L-n' takes n from 1 to 30, got ${n}`);
    return (y, m, d) => d === daysInMonth(y, m) - n;
  }
  const weekdayOf = /^(\d{1,2})W$/.exec(text);
  if (weekdayOf) {
    const n = fieldValue(spec, weekdayOf[1]);
    return (y, m, d) => n <= daysInMonth(y, m) && d === nearestWeekday(y, m, n);
  }
  if (/[LW?]/.test(text)) {
    throw new CronProblem(`the day-of-month field takes 'L', 'L-n', 'nW' and 'LW' alone, not in a list or range, and '?' only as the whole field, got '${shown(text)}'`);
  }
  const days = valueSet(spec, text);
  return (_y, _m, d) => days.has(d);
}

function dayOfWeekRule(text: string): DayRule {
  const spec = CRON_FIELDS[4];
  if (text === 'L') return (y, m, d) => weekday(y, m, d) === 7;
  const last = /^([A-Za-z0-9]+)L$/.exec(text);
  if (last) {
    const dow = fieldValue(spec, last[1]);
    return (y, m, d) => weekday(y, m, d) === dow && d + 7 > daysInMonth(y, m);
  }
  const nth = /^([A-Za-z0-9]+)#(\d)$/.exec(text);
  if (nth) {
    const dow = fieldValue(spec, nth[1]);
    const n = Number(nth[2]);
    if (n < 1 || n > 5) throw new CronProblem(`the day-of-week field's 'd#n' takes n from 1 to 5 (the nth such day of the month), got ${n}`);
    return (y, m, d) => weekday(y, m, d) === dow && Math.ceil(d / 7) === n;
  }
  if (/[L#?]/.test(text)) {
    throw new CronProblem(`the day-of-week field takes 'L', 'dL' and 'd#n' alone, not in a list or range, and '?' only as the whole field, got '${shown(text)}'`);
  }
  const days = valueSet(spec, text);
  return (y, m, d) => days.has(weekday(y, m, d));
}

/**
 * Whether some day from `now` on matches the schedule (every minute and hour field is non-empty
 * once parsed, so a matching day opens the window). Without a year field the calendar repeats
 * within 400 years; 60 years from now cover every weekday and leap-year combination up to 2199.
 */
function canOpen(schedule: CronSchedule, now: Date): boolean {
  const first = now.getUTCFullYear();
  const lastYear = schedule.years ? Math.max(...schedule.years) : Math.min(2199, first + 60);
  for (let year = first; year <= lastYear; year++) {
    if (schedule.years && !schedule.years.has(year)) continue;
    for (const month of schedule.months) {
      for (let day = 1; day <= daysInMonth(year, month); day++) {
        if (Date.UTC(year, month - 1, day + 1) <= now.getTime()) continue; // the day is over (UTC; a zone is at most a day off)
        const domOk = schedule.dayOfMonth?.(year, month, day) ?? true;
        const dowOk = schedule.dayOfWeek?.(year, month, day) ?? true;
        if (domOk && dowOk) return true;
      }
    }
  }
  return false;
}

function validateName(field: string, name: string): void {
  if (!literal(name)) {
    throw new Error(`${field} must be a literal string, not a token: it names a pipeline stage or action at synth time`);
  }
  if (name.trim() === '') {
    throw new Error(`${field} must not be empty: it names a pipeline stage or action (for example 'Dev' or 'Integration')`);
  }
  if (!NAME.test(name)) {
    throw new Error(`${field} must start with a letter and contain at most 50 letters, digits, '_' or '-', got '${name}'`);
  }
}

function validateStackName(field: string, stackName: string, naming: CrosswalkNaming): void {
  if (!literal(stackName)) return;
  if (!STACK_NAME.test(stackName)) {
    throw new Error(`${field} must be a CloudFormation stack name (a letter, then at most 127 letters, digits or hyphens), got '${stackName}'`);
  }
  if (!stackName.startsWith(naming.resourcePrefix)) {
    throw new Error(`${field} must start with '${naming.resourcePrefix}' because the deployment roles act only on the project's stacks ` +
      `(stacks named '${naming.resourcePrefix}*'), got '${stackName}': use for example '${naming.resourcePrefix}${stackName}'`);
  }
}

function validateTests(field: string, env: PipelineEnvironment, outputs: string[]): void {
  const seen = new Set<string>();
  (env.tests ?? []).forEach((test: PipelineTest, k) => {
    const testField = `${field}.tests[${k}]`;
    validateName(`${testField}.name`, test.name);
    if (seen.has(test.name.toLowerCase())) {
      throw new Error(`${testField}.name '${test.name}' is used twice in environment '${env.name}': each test is an action of the stage and needs its own name`);
    }
    if (RESERVED_ACTION_NAMES.some((reserved) => reserved.toLowerCase() === test.name.toLowerCase())) {
      throw new Error(`${testField}.name '${test.name}' is the name of an action the pipeline adds itself (${RESERVED_ACTION_NAMES.join(', ')}): choose another, such as 'Integration'`);
    }
    seen.add(test.name.toLowerCase());
    const hasCommands = test.commands !== undefined && test.commands.length > 0;
    if (hasCommands === (test.buildSpec !== undefined)) {
      throw new Error(`${testField} ('${test.name}') must have either commands or buildSpec, ${hasCommands ? 'not both' : 'got neither'}: ` +
        "for example commands: ['npm ci', 'npx jest --ci test/integration']");
    }
    for (const [variable, output] of Object.entries(test.environmentFromOutputs ?? {})) {
      validateVariableName(`${testField}.environmentFromOutputs`, variable);
      if (literal(output) && !outputs.includes(output)) {
        throw new Error(`${testField}.environmentFromOutputs.${variable} names the output '${output}', which environment '${env.name}' does not declare ` +
          `(outputs: ${outputs.length > 0 ? outputs.map((o) => `'${o}'`).join(', ') : 'none'}): add '${output}' to ${field}.outputs or fix the name`);
      }
    }
    for (const variable of Object.keys(test.environmentVariables ?? {})) {
      validateVariableName(`${testField}.environmentVariables`, variable);
    }
  });
}

function validateVariableName(field: string, variable: string): void {
  if (!ENV_VAR_NAME.test(variable)) {
    throw new Error(`${field} has the key '${variable}', which is not an environment variable name (letters, digits and '_', not starting with a digit), for example API_URL`);
  }
}

/**
 * Checks the artifact key ARN of each other region: one for every region an environment is
 * in (none for the pipeline's own, none for a region no environment is in), each a key of the
 * build account in that region, by ARN (CodePipeline takes no alias for a cross-account action:
 * https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_EncryptionKey.html).
 */
export function validateRegionalKeyArns(keyArns: { [region: string]: string }, regions: string[], naming: CrosswalkNaming, buildAccount: string): void {
  for (const region of regions) {
    const arn = keyArns[region];
    const regional = naming.forRegion(region);
    const example = `arn:${naming.partition}:kms:${region}:${buildAccount}:key/<key id>`;
    if (arn === undefined) {
      throw new Error(`regionalArtifactKeyArns has no key for region '${region}', where an environment is: CodePipeline keeps that region's artifacts in the build account's store there ` +
        `(bucket '${regional.artifactBucketName(buildAccount)}') and needs its key by ARN; deploy an EncryptedArtifactStore in ${region} and add { '${region}': '${example}' }`);
    }
    if (!literal(arn)) {
      throw new Error(`regionalArtifactKeyArns['${region}'] must be the key's ARN as a literal string, not a token: the store of another region is another stack, whose values CloudFormation cannot pass across regions; copy its key ARN (${example})`);
    }
    const match = /^arn:([^:]+):kms:([^:]+):(\d{12}):key\/[A-Za-z0-9-]+$/.exec(arn);
    if (!match || match[1] !== naming.partition || match[2] !== region || match[3] !== buildAccount) {
      throw new Error(`regionalArtifactKeyArns['${region}'] must be the ARN of a KMS key of the build account ${buildAccount} in ${region}, such as '${example}', got '${arn}'` +
        (arn.includes(':alias/') ? ': an alias is recognized only in the key\'s own account, and the target accounts\' actions need the key itself (https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_EncryptionKey.html)' : ''));
    }
  }
  for (const region of Object.keys(keyArns)) {
    if (!regions.includes(region)) {
      throw new Error(`regionalArtifactKeyArns names region '${region}', where no environment is${region === naming.region ? ' (it is the pipeline\'s own region, whose store is artifactBucket and artifactKey)' : ''}: remove it`);
    }
  }
}

/** The wave (and first stage) of the self-update: right after Build. */
export const SELF_UPDATE_WAVE = 'SelfUpdate';

/**
 * The build account's stacks as the environments of one reviewed wave (change sets, one review,
 * one approval, an execution stage each; no bake, no test, no rollback trigger), after checking
 * what only they must be: in the build account, the pipeline's own stack last.
 */
export function selfUpdateEnvironments(selfUpdate: SelfUpdate, buildAccount: string, pipelineStackName: string): PipelineEnvironment[] {
  if (selfUpdate.stacks.length === 0) {
    throw new Error(`selfUpdate.stacks must list the build account's stacks the pipeline updates, its own last, for example [{ name: 'Pipeline', stackName: '${pipelineStackName}', templatePath: 'cdk.out/${pipelineStackName}.template.json' }]`);
  }
  const last = selfUpdate.stacks[selfUpdate.stacks.length - 1];
  if (literal(pipelineStackName) && literal(last.stackName) && last.stackName !== pipelineStackName) {
    const at = selfUpdate.stacks.findIndex((s) => s.stackName === pipelineStackName);
    throw new Error(`selfUpdate.stacks must end with this pipeline's own stack '${pipelineStackName}', ${at < 0 ? 'which it does not list' : `listed at selfUpdate.stacks[${at}]`}, got '${last.stackName}' last: ` +
      'once the pipeline itself is updated, the execution in flight stops and the updated pipeline starts again, so nothing of the old execution may come after it; list the pipeline\'s stack last');
  }
  return selfUpdate.stacks.map((stack) => ({
    name: stack.name,
    account: buildAccount,
    wave: SELF_UPDATE_WAVE,
    stackName: stack.stackName,
    templatePath: stack.templatePath,
    capabilities: stack.capabilities,
    requireApproval: true,
    autoApprove: selfUpdate.autoApprove ?? AutoApprove.NO_CHANGES,
    bakeTime: Duration.minutes(0),
    revertOnAlarm: false,
    rollbackOnFailure: false,
  }));
}
