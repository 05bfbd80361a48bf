/**
 * The single route table of the sample API. The CDK stack builds the API Gateway
 * resources and methods from it, and the local mode (`src/local/server.ts`) routes
 * with it, so the two cannot drift apart.
 *
 * `path` is written the API Gateway way (`/locations/{id}`): it is the `resource`
 * of the proxy event the handler receives, and `{id}` arrives in `pathParameters`.
 *
 * Every handler checks the event's `resource` and `httpMethod` against this table
 * itself: it answers 404 `{ "message": … }` for a path it does not serve and 405
 * (with an `Allow` header) for a method its path does not serve. So an API that
 * routes `ANY` on each path to that path's handler gives clients a 405 for a wrong
 * method instead of API Gateway's default 403 "Missing Authentication Token"; the
 * same default for an unknown path is best replaced by a 404 gateway response with
 * a JSON `{ "message": … }` body.
 */
export interface Route {
  /** The HTTP method. */
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** The API Gateway resource path, path parameters in braces. */
  readonly path: string;
  /** The handler module under `src/handlers/` (one Lambda function each). */
  readonly handler: 'version' | 'locations' | 'registrations';
}

export const ROUTES: ReadonlyArray<Route> = [
  { method: 'GET', path: '/version', handler: 'version' },
  { method: 'GET', path: '/locations', handler: 'locations' },
  { method: 'POST', path: '/locations', handler: 'locations' },
  { method: 'GET', path: '/locations/{id}', handler: 'locations' },
  { method: 'DELETE', path: '/locations/{id}', handler: 'locations' },
  { method: 'GET', path: '/registrations', handler: 'registrations' },
  { method: 'POST', path: '/registrations', handler: 'registrations' },
];
