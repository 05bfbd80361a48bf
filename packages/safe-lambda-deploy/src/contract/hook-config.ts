/**
 * The contract between the construct and the hook functions: the environment the
 * construct writes and the hook handlers (`lambda/`) read. Not part of the public API.
 */

/** Environment variable holding the ARN the hook invokes (the new version or the alias). */
export const TARGET_ENV = 'CROSSWALK_HOOK_TARGET';
/** Environment variable holding the JSON {@link HookConfig}. */
export const CONFIG_ENV = 'CROSSWALK_HOOK_CONFIG';

/** Time kept back from the checks so that the hook can still report to CodeDeploy. */
export const REPORT_RESERVE_SECONDS = 10;

/**
 * How a hook reads the answer of an invocation; the values of the public
 * `InvocationResponseKind`, which the hook bundle cannot import (it would bundle aws-cdk-lib).
 */
export type ResponseKind = 'API_GATEWAY_PROXY' | 'FUNCTION_URL' | 'PLAIN';
export const RESPONSE_KINDS: readonly ResponseKind[] = ['API_GATEWAY_PROXY', 'FUNCTION_URL', 'PLAIN'];

/** One invocation of the target function and what its answer must look like. */
export interface InvocationCheckConfig {
  readonly name: string;
  readonly event: unknown;
  readonly responseKind: ResponseKind;
  readonly expectedStatusCode: number;
  readonly expectedBodyContains: string[];
}

/** One HTTP GET and what its answer must look like. */
export interface HttpCheckConfig {
  readonly name: string;
  /** An absolute URL, or a path starting with `/` below the base URL. */
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly expectedStatusCode: number;
  readonly expectedBodyContains: string[];
}

/** Everything a hook does, as written into its environment. */
export interface HookConfig {
  /** `pre-traffic` or `post-traffic`, for logs. */
  readonly hook: string;
  readonly invocations: InvocationCheckConfig[];
  readonly httpChecks: HttpCheckConfig[];
  /** Base URL of relative HTTP check paths, fixed at synth time. */
  readonly baseUrl?: string;
  /** Name of the SSM String parameter holding the base URL, read at run time. */
  readonly baseUrlParameterName?: string;
  /** Upper bound of one check, in milliseconds. */
  readonly checkTimeoutMs: number;
  /** Time kept back for the report, in milliseconds. */
  readonly reportReserveMs: number;
}

/**
 * The test event used when an invocation check gives none: a minimal API Gateway
 * (REST, proxy integration) request for `GET /`.
 */
export const DEFAULT_TEST_EVENT = {
  resource: '/',
  path: '/',
  httpMethod: 'GET',
  headers: { 'user-agent': 'crosswalk-traffic-hook' },
  multiValueHeaders: {},
  queryStringParameters: null,
  multiValueQueryStringParameters: null,
  pathParameters: null,
  stageVariables: null,
  requestContext: {
    resourcePath: '/',
    httpMethod: 'GET',
    path: '/',
    stage: 'traffic-hook',
    requestId: 'crosswalk-traffic-hook',
    identity: { sourceIp: '127.0.0.1', userAgent: 'crosswalk-traffic-hook' },
  },
  body: null,
  isBase64Encoded: false,
};
