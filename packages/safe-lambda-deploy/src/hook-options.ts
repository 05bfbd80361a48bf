import { Duration } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';

/**
 * One invocation of the function by a traffic hook, and what the answer must look like.
 *
 * An answer with a numeric `statusCode` (an API Gateway proxy result) is checked against
 * `expectedStatusCode` and its `body` against `expectedBodyContains`. Any other answer
 * counts as status 200 when the invocation returned no function error, and its whole JSON
 * payload is the body.
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
   * The status code the answer must have.
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
   * Texts the answer's body must contain, each of them.
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
   * @default - one invocation with a `GET /` API Gateway event that must answer 200
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
