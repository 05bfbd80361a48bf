/**
 * CodeDeploy AfterAllowTraffic hook: once all traffic runs on the new version, invokes the
 * alias and/or GETs URLs (below a base URL read from SSM when configured), and reports
 * Succeeded only when every answer is as expected.
 */
import type { Context } from 'aws-lambda';
import { codeDeploy, lambda } from './shared/clients';
import { loadHookSetup } from './shared/config';
import { DEFAULT_DEPENDENCIES, HookOutcome, runHook } from './shared/run-hook';
import { createParameterReader } from './shared/ssm';

const setup = loadHookSetup(process.env);
const readParameter = setup.ok && setup.config.baseUrlParameterName ? createParameterReader() : undefined;

export const handler = async (event: unknown, context: Context): Promise<HookOutcome> =>
  runHook(event, context, setup, { ...DEFAULT_DEPENDENCIES, codeDeploy, lambda, readParameter });
