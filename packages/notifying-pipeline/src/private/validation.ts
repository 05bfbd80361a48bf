/**
 * Synth-time checks of the pipeline's props. Every error says which field was wrong,
 * the value it had and how to fix it. Unresolved tokens are skipped: they are checked
 * by CloudFormation at deploy time. Not exported from the package.
 */
import { Token } from 'aws-cdk-lib';
import { CrosswalkNaming } from '@crosswalk/cross-account-role';
import type { PipelineEnvironment, PipelineTest } from '../environment';

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
export function validateEnvironments(environments: PipelineEnvironment[], naming: CrosswalkNaming): void {
  if (environments.length === 0) {
    throw new Error("environments must list at least one environment to deploy to, for example [{ name: 'Dev', account: '111111111111', stackName: '" +
      `${naming.resourcePrefix}Service', templatePath: 'cdk.out/Service.template.json' }]`);
  }
  const seen = new Map<string, number>();
  environments.forEach((env, i) => {
    const field = `environments[${i}]`;
    validateName(`${field}.name`, env.name);
    const previous = seen.get(env.name.toLowerCase());
    if (previous !== undefined) {
      throw new Error(`${field}.name '${env.name}' is already used by environments[${previous}]: each environment is a pipeline stage and needs its own name (for example 'Dev', 'Staging', 'Prod')`);
    }
    if (RESERVED_STAGE_NAMES.some((reserved) => reserved.toLowerCase() === env.name.toLowerCase())) {
      throw new Error(`${field}.name '${env.name}' is the name of a stage the pipeline adds itself (${RESERVED_STAGE_NAMES.join(', ')}): choose another name such as 'Dev' or 'Prod'`);
    }
    seen.set(env.name.toLowerCase(), i);
    CrosswalkNaming.validateAccountId(`${field}.account`, env.account);
    if (env.region !== undefined) validateRegionMatches(`${field}.region`, env.region, naming);
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
  // An environment with approval spans three stages: '<name>', '<name>Approval', '<name>Deploy'.
  const stageNames = new Map<string, string>();
  environments.forEach((env, i) => {
    const stages = env.requireApproval ? [env.name, `${env.name}Approval`, `${env.name}Deploy`] : [env.name];
    for (const stage of stages) {
      const other = stageNames.get(stage.toLowerCase());
      if (other !== undefined) {
        throw new Error(`environments[${i}] ('${env.name}') needs a stage named '${stage}', which ${other} already uses: rename one of the environments`);
      }
      stageNames.set(stage.toLowerCase(), `environments[${i}] ('${env.name}')`);
    }
  });
}

/** The longest bake: a Lambda invoke action times out after 24 hours (https://docs.aws.amazon.com/codepipeline/latest/userguide/limits.html); an hour is kept for the last looks. */
export const MAX_BAKE_MINUTES = 23 * 60;
/** The default bake of an environment with approval. */
export const DEFAULT_APPROVAL_BAKE_MINUTES = 10;

/** Whether an environment's deploy stage rolls back on failure (by default unless it has approval). */
export function rollsBack(env: PipelineEnvironment): boolean {
  return env.rollbackOnFailure ?? !env.requireApproval;
}

/** An environment's bake time in whole minutes (0: no bake). */
export function bakeMinutes(env: PipelineEnvironment): number {
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
  if (env.bakeAlarmNamePrefix !== undefined && literal(env.bakeAlarmNamePrefix) && !env.bakeAlarmNamePrefix.startsWith(naming.resourcePrefix)) {
    throw new Error(`${field}.bakeAlarmNamePrefix must start with '${naming.resourcePrefix}', got '${env.bakeAlarmNamePrefix}': the target account's read-only role reads only the project's alarms; ` +
      `the default '${env.stackName}-' watches the alarms of the environment's stack`);
  }
}

/**
 * A `DeploymentWindow` rule's cron has 6 required fields and an optional year, separated by
 * white space (https://docs.aws.amazon.com/codepipeline/latest/userguide/rule-reference-DeploymentWindow.html);
 * a time zone is an IANA name such as `Europe/Berlin`, which this Node.js also knows.
 */
export function validateDeploymentWindow(field: string, window: { cron: string; timeZone?: string }): void {
  const shown = (v: string) => (v.length > 80 ? `${v.slice(0, 80)}…` : v);
  if (literal(window.cron)) {
    const fields = window.cron.trim().split(/\s+/);
    if (window.cron.trim() === '' || fields.length < 6 || fields.length > 7) {
      throw new Error(`${field}.cron must have 6 fields and an optional year (seconds minutes hours day-of-month month day-of-week [year]), e.g. '0 0-59 9-16 ? * MON-THU', got '${shown(window.cron)}' (${window.cron.trim() === '' ? 0 : fields.length} fields)`);
    }
  }
  if (window.timeZone !== undefined && literal(window.timeZone)) {
    let known = true;
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: window.timeZone });
    } catch {
      known = false;
    }
    if (!known || window.timeZone.trim() === '') {
      throw new Error(`${field}.timeZone must be an IANA time zone such as 'Europe/Berlin' or 'UTC', got '${shown(window.timeZone)}'`);
    }
  }
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
