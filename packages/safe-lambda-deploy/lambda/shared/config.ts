import { CONFIG_ENV, HookConfig, HttpCheckConfig, InvocationCheckConfig, RESPONSE_KINDS, TARGET_ENV } from '../../src/contract/hook-config';

/**
 * What a hook needs from its environment: read once per container. A broken environment
 * does not throw at load time (the hook would then never report); it is kept as `problem`
 * and every invocation reports Failed with it.
 */
export type HookSetup =
  | { readonly ok: true; readonly target: string; readonly config: HookConfig }
  | { readonly ok: false; readonly problem: string };

/** Reads and checks the hook's environment. */
export function loadHookSetup(env: Record<string, string | undefined>): HookSetup {
  const target = env[TARGET_ENV];
  if (!target) return fail(`${TARGET_ENV} is not set`);
  const raw = env[CONFIG_ENV];
  if (!raw) return fail(`${CONFIG_ENV} is not set`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    return fail(`${CONFIG_ENV} is not JSON: ${(err as Error).message}`);
  }
  const problems: string[] = [];
  const config = parsed as Partial<HookConfig>;
  if (typeof parsed !== 'object' || parsed === null) return fail(`${CONFIG_ENV} must be a JSON object`);
  if (typeof config.hook !== 'string') problems.push('hook must be a string');
  if (!Array.isArray(config.invocations)) problems.push('invocations must be an array');
  else config.invocations.forEach((check, i) => checkInvocation(check, `invocations[${i}]`, problems));
  if (!Array.isArray(config.httpChecks)) problems.push('httpChecks must be an array');
  else config.httpChecks.forEach((check, i) => checkHttp(check, `httpChecks[${i}]`, problems));
  if (Array.isArray(config.invocations) && Array.isArray(config.httpChecks) && config.invocations.length + config.httpChecks.length === 0) {
    // Every check passing would report Succeeded for a deployment nothing looked at.
    problems.push('there are no checks (invocations and httpChecks are both empty)');
  }
  if (!isPositive(config.checkTimeoutMs)) problems.push('checkTimeoutMs must be a positive number');
  if (!isPositive(config.reportReserveMs)) problems.push('reportReserveMs must be a positive number');
  for (const field of ['baseUrl', 'baseUrlParameterName'] as const) {
    if (config[field] !== undefined && typeof config[field] !== 'string') problems.push(`${field} must be a string`);
  }
  if (problems.length > 0) return fail(`${CONFIG_ENV} is invalid: ${problems.join('; ')}`);
  return { ok: true, target, config: config as HookConfig };
}

function checkInvocation(check: InvocationCheckConfig, field: string, problems: string[]): void {
  if (typeof check?.name !== 'string') problems.push(`${field}.name must be a string`);
  if (!RESPONSE_KINDS.includes(check?.responseKind)) problems.push(`${field}.responseKind must be one of ${RESPONSE_KINDS.join(', ')}`);
  checkExpectations(check, field, problems);
}

function checkHttp(check: HttpCheckConfig, field: string, problems: string[]): void {
  if (typeof check?.name !== 'string') problems.push(`${field}.name must be a string`);
  if (typeof check?.path !== 'string') problems.push(`${field}.path must be a string`);
  if (typeof check?.headers !== 'object' || check.headers === null) problems.push(`${field}.headers must be an object`);
  checkExpectations(check, field, problems);
}

function checkExpectations(check: { expectedStatusCode?: unknown; expectedBodyContains?: unknown } | undefined, field: string, problems: string[]): void {
  if (!Number.isInteger(check?.expectedStatusCode)) problems.push(`${field}.expectedStatusCode must be a whole number`);
  const texts = check?.expectedBodyContains;
  if (!Array.isArray(texts) || texts.some((t) => typeof t !== 'string' || t === '')) {
    problems.push(`${field}.expectedBodyContains must be an array of non-empty strings`);
  }
}

function isPositive(value: unknown): boolean {
  return typeof value === 'number' && value > 0;
}

function fail(problem: string): HookSetup {
  return { ok: false, problem };
}
