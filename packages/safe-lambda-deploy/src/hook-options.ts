import { Duration } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';

/**
 * How a traffic hook reads the answer of an invocation, that is what the function's callers
 * would get from it.
 */
export enum InvocationResponseKind {
  /**
   * The function sits behind API Gateway's Lambda proxy integration (a REST API, or an HTTP
   * API with payload format 1.0). Its answer must be a
   * proxy result: an object whose `statusCode` is a whole number from 100 to 599 and whose
   * `body` is a string or left out. Anything else (`null`, a bare string, `{"statusCode":"500"}`,
   * an object `body`) fails the check: API Gateway answers callers 502 for it.
   *
   * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html#api-gateway-simple-proxy-for-lambda-output-format
   */
  API_GATEWAY_PROXY = 'API_GATEWAY_PROXY',

  /**
   * The function answers through a Lambda function URL (or an HTTP API with payload format
   * 2.0, which reads answers the same way). An answer that is JSON without a `statusCode`
   * counts as 200 with that JSON as body, as Lambda infers it; an answer with a `statusCode`
   * must be a well-formed response (`statusCode` a whole number from 100 to 599, `body` a string
   * or left out), or the check fails.
   *
   * @see https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html#urls-response-payload
   */
  FUNCTION_URL = 'FUNCTION_URL',

  /**
   * The function does not answer HTTP (a queue consumer, a step of a state machine): any
   * answer that is not a function error counts as status 200, its whole JSON payload being
   * the body.
   */
  PLAIN = 'PLAIN',
}

/**
 * One invocation of the function by a traffic hook, and what the answer must look like.
 *
 * How the answer is read (its status and body) depends on `responseKind`. A function error
 * always fails the check.
 */
export interface InvocationCheck {
  /**
   * A name for logs and the failure reason.
   * @default - `invocation <n>`
   */
  readonly name?: string;

  /**
   * The event the function is invoked with.
   * @default - a minimal API Gateway (REST, proxy integration) event for `GET /`
   */
  readonly event?: { [key: string]: any };

  /**
   * How the answer is read: as an API Gateway proxy result, a function URL response, or a
   * plain answer. See `InvocationResponseKind`.
   *
   * @default - `InvocationResponseKind.API_GATEWAY_PROXY` when `event` is left out (the
   * default event is an API Gateway event) or has an `httpMethod` (an API Gateway REST or
   * HTTP API 1.0 proxy event); `InvocationResponseKind.FUNCTION_URL` for any other event, so
   * that a malformed HTTP answer never passes and a non-HTTP answer counts as 200
   */
  readonly responseKind?: InvocationResponseKind;

  /**
   * The status code the answer must have. A `PLAIN` answer always counts as 200, so any
   * other value is refused for it.
   * @default 200
   */
  readonly expectedStatusCode?: number;

  /**
   * Texts the answer's body must contain, each of them.
   * @default - the body is not checked
   */
  readonly expectedBodyContains?: string[];
}

/** One HTTP GET made by the post-traffic hook, and what the answer must look like. */
export interface HttpCheck {
  /**
   * Either a path starting with `/`, appended to the base URL (`baseUrl` or the value of
   * `baseUrlParameterName`), or an absolute `https://` or `http://` URL.
   */
  readonly path: string;

  /**
   * A name for logs and the failure reason.
   * @default - `GET <path>`
   */
  readonly name?: string;

  /**
   * Request headers.
   * @default - none
   */
  readonly headers?: { [name: string]: string };

  /**
   * The status code the answer must have.
   * @default 200
   */
  readonly expectedStatusCode?: number;

  /**
   * Texts the answer's body must contain, each of them. The hook reads at most the first
   * MiB (1,048,576 bytes) of an answer, so the texts must be within it; the check's result
   * says when an answer was larger.
   * @default - the body is not checked
   */
  readonly expectedBodyContains?: string[];
}

/** Options shared by both traffic hooks. */
export interface TrafficHookOptions {
  /**
   * Timeout of the hook function, 30 seconds to 15 minutes. The checks stop 10 seconds
   * before it, so that the hook still reports to CodeDeploy before Lambda stops it.
   * @default Duration.minutes(2)
   */
  readonly timeout?: Duration;

  /**
   * Time one check may take (an invocation or an HTTP GET) before it counts as failed.
   * @default Duration.seconds(30)
   */
  readonly checkTimeout?: Duration;

  /**
   * How long the hook function's logs are kept.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * The pre-traffic hook: before any traffic reaches the new version, it invokes that
 * version directly and checks every answer.
 */
export interface PreTrafficHookOptions extends TrafficHookOptions {
  /**
   * The invocations of the new version, run one after the other.
   * @default - one invocation with a `GET /` API Gateway event that must answer a
   * well-formed API Gateway proxy result with status 200
   */
  readonly invocations?: InvocationCheck[];
}

/**
 * The post-traffic hook: once all traffic runs on the new version, it makes smoke checks
 * through the alias (invocations) and/or over HTTP (for example through the API).
 */
export interface PostTrafficHookOptions extends TrafficHookOptions {
  /**
   * Invocations of the alias.
   * @default - the pre-traffic hook's invocations (or its default invocation) when
   * `httpChecks` is not given either; none when it is
   */
  readonly invocations?: InvocationCheck[];

  /**
   * HTTP GETs, run after the invocations.
   * @default - none
   */
  readonly httpChecks?: HttpCheck[];

  /**
   * The base URL of the HTTP checks' relative paths, fixed at synth time. Use it for a URL
   * that does not come from the same stack (a custom domain, another stack's output);
   * use `baseUrlParameterName` for an API in the same stack.
   * @default - relative paths need `baseUrlParameterName`
   */
  readonly baseUrl?: string;

  /**
   * The name of an SSM String parameter, in the same account and region, whose value is
   * the base URL of the HTTP checks' relative paths. The hook reads it when it runs, and
   * may read only this parameter.
   *
   * This is how to smoke-test an API of the same stack: the stack writes the API's URL
   * into the parameter. Passing the URL itself would make a dependency cycle (API methods
   * → alias → the alias' update policy names the hook → the hook's environment → API).
   * Give a literal name, not the parameter construct's `parameterName` attribute, for the
   * same reason.
   * @default - relative paths need `baseUrl`
   */
  readonly baseUrlParameterName?: string;
}
