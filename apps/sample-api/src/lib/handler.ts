import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { Route, ROUTES } from '../routes';
import { SimulatedFailure } from './errors';
import { errorResponse, statusOfError } from './http';
import { resolveRoute } from './routing';
import { tracer } from './tracer';

/** A routed request, as a route action receives it. */
export interface ApiRequest {
  readonly event: APIGatewayProxyEvent;
  readonly route: Route;
  readonly pathParameters: Readonly<Record<string, string>>;
}

/** What a route does: answers a routed request (or throws one of `errors.ts`). */
export type RouteAction = (request: ApiRequest) => Promise<APIGatewayProxyResult>;

/** A Lambda handler behind an API Gateway REST API (proxy integration). */
export type ApiHandler = (event: APIGatewayProxyEvent, context?: Context) => Promise<APIGatewayProxyResult>;

/** Options of {@link apiHandler}. */
export interface ApiHandlerOptions {
  /**
   * Answer every request with a 500 (the opt-in rollback demo, `SIMULATE_FAILURE=true`).
   * @default false
   */
  readonly simulateFailure?: boolean;
}

function keyOf(route: Pick<Route, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}

/**
 * Builds the handler of one function of the API from its route actions, keyed
 * `'<METHOD> <path>'` exactly as in the route table. The routes of `name` in the
 * table and the actions must match one to one (checked when the module loads).
 *
 * The handler traces each invocation in a `## <handler>` subsegment, routes the
 * event (404 for an unknown path, 405 for a wrong method), runs the action and turns
 * any error into a JSON response through `errorResponse`; it never throws, so a bad
 * request never becomes an invocation error.
 */
export function apiHandler(
  name: Route['handler'],
  actions: Readonly<Record<string, RouteAction>>,
  options: ApiHandlerOptions = {},
): ApiHandler {
  const expected = ROUTES.filter((route) => route.handler === name).map(keyOf);
  const given = Object.keys(actions);
  const missing = expected.filter((key) => !given.includes(key));
  const extra = given.filter((key) => !expected.includes(key));
  if (missing.length > 0 || extra.length > 0) {
    throw new Error(
      `the ${name} handler does not match the route table (src/routes.ts): ` +
      `${missing.length ? `no action for ${missing.join(', ')}` : ''}${missing.length && extra.length ? '; ' : ''}` +
      `${extra.length ? `actions for routes not in the table: ${extra.join(', ')}` : ''}`,
    );
  }

  return async (event, context) => {
    const segment = tracer.getSegment();
    const subsegment = segment?.addNewSubsegment(`## ${process.env._HANDLER ?? name}`);
    if (subsegment) tracer.setSegment(subsegment);
    tracer.annotateColdStart();
    tracer.addServiceNameAnnotation();
    try {
      if (options.simulateFailure) {
        throw new SimulatedFailure(
          'simulated failure: this version runs with SIMULATE_FAILURE=true (the rollback demo) and fails every data request',
        );
      }
      const resolved = resolveRoute(name, event);
      const key = keyOf(resolved.route);
      tracer.putAnnotation('route', key);
      const response = await actions[key]({ event, ...resolved });
      tracer.putAnnotation('status', response.statusCode);
      return response;
    } catch (err) {
      const response = errorResponse(err, context?.awsRequestId);
      if (statusOfError(err) >= 500) tracer.addErrorAsMetadata(err as Error);
      tracer.putAnnotation('status', response.statusCode);
      return response;
    } finally {
      if (segment && subsegment) {
        subsegment.close();
        tracer.setSegment(segment);
      }
    }
  };
}
