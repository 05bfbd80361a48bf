/**
 * CodeDeploy BeforeAllowTraffic hook: invokes the new version directly, before any traffic
 * reaches it, and reports Succeeded only when every answer is as expected.
 */
import type { Context } from 'aws-lambda';
import { codeDeploy, lambda } from './shared/clients';
import { loadHookSetup } from './shared/config';
import { DEFAULT_DEPENDENCIES, HookOutcome, runHook } from './shared/run-hook';

const setup = loadHookSetup(process.env);

export const handler = async (event: unknown, context: Context): Promise<HookOutcome> =>
  runHook(event, context, setup, { ...DEFAULT_DEPENDENCIES, codeDeploy, lambda });
