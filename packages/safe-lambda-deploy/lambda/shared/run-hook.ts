import { CodeDeployClient, LifecycleEventStatus } from '@aws-sdk/client-codedeploy';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { HookConfig } from '../../src/contract/hook-config';
import { CheckFindings, CheckResult, isAbsoluteUrl, runHttpCheck, runInvocationCheck } from './checks';
import { HookSetup } from './config';
import { describeError, errorMessage } from './describe';
import { parseHookEvent } from './hook-event';
import { consoleLog, Log, neverThrows } from './log';
import { Clock, DEFAULT_REPORT_TIMING, reportStatus, ReportTiming } from './report';

/** Reads the base URL from a parameter (the SSM parameter of the post-traffic hook). */
export type ParameterReader = (name: string, signal: AbortSignal) => Promise<string>;

/** What a hook talks to; the handlers pass the module-scope clients, tests their own. */
export interface HookDependencies {
  readonly codeDeploy: CodeDeployClient;
  readonly lambda: LambdaClient;
  readonly fetch: typeof fetch;
  readonly readParameter?: ParameterReader;
  readonly sleep: (ms: number) => Promise<void>;
  readonly log: Log;
  readonly reportTiming: ReportTiming;
}

export const DEFAULT_DEPENDENCIES: Omit<HookDependencies, 'codeDeploy' | 'lambda'> = {
  fetch: (input, init) => fetch(input, init),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  log: consoleLog,
  reportTiming: DEFAULT_REPORT_TIMING,
};

/** What a hook execution decided and reported. */
export interface HookOutcome {
  readonly status: LifecycleEventStatus;
  readonly reason: string;
  readonly checks: CheckResult[];
}

/**
 * Runs one hook execution: checks the event (throws when it has no deployment ids), runs
 * the checks inside the time budget, and always ends with exactly one report to
 * CodeDeploy: Succeeded only when every check passed, Failed otherwise. Nothing before the
 * report can keep it from being sent: logging never throws (a line that cannot be written
 * is dropped) and errors are described without throwing, whatever was thrown.
 */
export async function runHook(event: unknown, clock: Clock, setup: HookSetup, deps: HookDependencies): Promise<HookOutcome> {
  const ids = parseHookEvent(event);
  const log: Log = neverThrows((level, message, fields) => deps.log(level, message, { deploymentId: ids.DeploymentId, ...fields }));

  let status: LifecycleEventStatus = LifecycleEventStatus.FAILED;
  let reason = 'the checks did not complete';
  let checks: CheckResult[] = [];
  try {
    if (!setup.ok) throw new Error(`the hook is misconfigured: ${setup.problem}`);
    log('INFO', `${setup.config.hook} hook started`, { target: setup.target });
    checks = await runChecks(setup.target, setup.config, clock, deps, log);
    const failed = checks.filter((check) => !check.passed);
    if (failed.length === 0) {
      status = LifecycleEventStatus.SUCCEEDED;
      reason = `all ${checks.length} checks passed`;
    } else {
      reason = failed.map((check) => `${check.name}: ${check.problems.join('; ')}`).join(' | ');
    }
  } catch (err) {
    reason = `the checks could not run: ${errorMessage(err)}`;
  } finally {
    log(status === LifecycleEventStatus.SUCCEEDED ? 'INFO' : 'ERROR', `reporting ${status}`, { reason, checks });
    await reportStatus(deps.codeDeploy, ids, status, clock, deps.sleep, log, deps.reportTiming);
  }
  return { status, reason, checks };
}

/** Runs the invocations, then the HTTP checks, one after the other, each within what is left of the budget. */
async function runChecks(target: string, config: HookConfig, clock: Clock, deps: HookDependencies, log: Log): Promise<CheckResult[]> {
  const budgetLeft = () => clock.getRemainingTimeInMillis() - config.reportReserveMs;
  const results: CheckResult[] = [];
  const run = async (name: string, check: (signal: AbortSignal) => Promise<CheckFindings>) => {
    const result = await withinBudget(name, Math.min(config.checkTimeoutMs, budgetLeft()), check);
    log(result.passed ? 'INFO' : 'ERROR', `check ${result.passed ? 'passed' : 'failed'}: ${name}`, { ...result });
    results.push(result);
  };

  for (const check of config.invocations) {
    await run(check.name, (signal) => runInvocationCheck(deps.lambda, target, check, signal));
  }

  let baseUrl = config.baseUrl;
  const needsParameter = config.baseUrlParameterName !== undefined
    && config.httpChecks.some((check) => !isAbsoluteUrl(check.path));
  if (needsParameter) {
    const name = config.baseUrlParameterName!;
    await run(`read the base URL from SSM parameter ${name}`, async (signal) => {
      if (!deps.readParameter) return { problems: ['this hook cannot read SSM parameters'] };
      baseUrl = await deps.readParameter(name, signal);
      return { problems: isAbsoluteUrl(baseUrl) ? [] : [`its value '${baseUrl}' is not an http(s) URL`] };
    });
  }
  for (const check of config.httpChecks) {
    await run(check.name, (signal) => runHttpCheck(deps.fetch, check, baseUrl, signal));
  }
  return results;
}

/**
 * Runs a check with a time limit: a check that throws, or is still running when the limit
 * is reached, fails (its request is aborted). With no time left the check does not start.
 */
async function withinBudget(name: string, limitMs: number, check: (signal: AbortSignal) => Promise<CheckFindings>): Promise<CheckResult> {
  const started = Date.now();
  const done = ({ problems, notes }: CheckFindings): CheckResult => ({
    name,
    passed: problems.length === 0,
    problems,
    ...(notes && notes.length > 0 ? { notes } : {}),
    durationMs: Date.now() - started,
  });
  if (limitMs <= 0) return done({ problems: ['not run: the time budget of the hook ran out'] });

  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<CheckFindings>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve({ problems: [`timed out after ${limitMs} ms`] });
    }, limitMs);
  });
  try {
    const findings = await Promise.race([
      check(controller.signal).catch((err: unknown): CheckFindings => ({
        problems: [controller.signal.aborted ? `timed out after ${limitMs} ms` : `threw ${describeError(err)}`],
      })),
      timedOut,
    ]);
    return done(findings);
  } finally {
    clearTimeout(timer);
  }
}
