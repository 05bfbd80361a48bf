import type { APIGatewayProxyEvent } from 'aws-lambda';
import { Route, ROUTES } from '../routes';
import { quote, shorten } from './echo';
import { BadRequest, MethodNotAllowed, NotFound } from './errors';
import { emptyRecord } from './records';

/** The distinct resource paths of the route table, in table order. */
export const RESOURCE_PATHS: readonly string[] = [...new Set(ROUTES.map((route) => route.path))];

/** A concrete request path matched to a resource path of the route table. */
export interface PathMatch {
  /** The resource path, e.g. `/locations/{id}`. */
  readonly resource: string;
  /** The decoded path parameters, e.g. `{ id: '…' }`. */
  readonly pathParameters: Readonly<Record<string, string>>;
}

/**
 * Matches a concrete path (`/locations/4b1c…`) to a resource path of the route table
 * (`/locations/{id}`), the way API Gateway does: segment by segment, a `{name}`
 * segment matches any non-empty segment, one trailing slash is ignored.
 * Returns `undefined` for a path the API does not serve.
 */
export function matchPath(path: string): PathMatch | undefined {
  const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  const segments = trimmed.split('/');
  for (const resource of RESOURCE_PATHS) {
    const template = resource.split('/');
    if (template.length !== segments.length) continue;
    const pathParameters = emptyRecord<string>();
    let matches = true;
    for (let i = 0; i < template.length && matches; i++) {
      const param = /^\{(\w+)\}$/.exec(template[i]);
      if (param) {
        if (segments[i] === '') matches = false;
        else pathParameters[param[1]] = decodeSegment(segments[i]);
      } else {
        matches = template[i] === segments[i];
      }
    }
    if (matches) return { resource, pathParameters };
  }
  return undefined;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new BadRequest(`path segment ${quote(segment)} is not valid percent-encoding`);
  }
}

/** The methods a resource path serves, in table order (empty for an unknown path). */
export function allowedMethods(resource: string): string[] {
  return ROUTES.filter((route) => route.path === resource).map((route) => route.method);
}

/** Why a path is unknown: names the path and lists the paths the API serves. */
export function unknownRoute(method: string, path: string): NotFound {
  return new NotFound(`no route for ${shorten(method)} ${shorten(path)}; the API serves ${RESOURCE_PATHS.join(', ')}`);
}

/** Why a method is refused on a path: names the method and the ones to use. */
export function methodNotAllowed(method: string, resource: string): MethodNotAllowed {
  const allowed = allowedMethods(resource);
  return new MethodNotAllowed(`method ${shorten(method)} is not allowed on ${resource}; use ${allowed.join(' or ')}`, allowed);
}

/** The route of a proxy event, and its path parameters. */
export interface ResolvedRoute {
  readonly route: Route;
  readonly pathParameters: Readonly<Record<string, string>>;
}

/**
 * The route a proxy event asks of the handler `handler`. The event's `resource` is
 * used when it is a path of the route table; otherwise (a minimal test event, a
 * catch-all `{proxy+}` resource) its `path` is matched against the table.
 *
 * @throws NotFound when the path is not one of `handler`'s paths
 * @throws MethodNotAllowed when the path does not serve the event's method
 */
export function resolveRoute(
  handler: Route['handler'],
  event: Pick<APIGatewayProxyEvent, 'resource' | 'path' | 'httpMethod' | 'pathParameters'>,
): ResolvedRoute {
  const method = (event.httpMethod ?? '').toUpperCase();
  let match: PathMatch | undefined;
  if (event.resource && RESOURCE_PATHS.includes(event.resource)) {
    const given = emptyRecord<string>();
    for (const [key, value] of Object.entries(event.pathParameters ?? {})) {
      if (value !== undefined) given[key] = value;
    }
    match = { resource: event.resource, pathParameters: given };
  } else {
    match = matchPath(event.path ?? '');
  }
  const routesOfPath = match ? ROUTES.filter((route) => route.path === match.resource) : [];
  if (!match || routesOfPath.every((route) => route.handler !== handler)) {
    throw unknownRoute(method, event.path ?? event.resource ?? '');
  }
  const route = routesOfPath.find((candidate) => candidate.method === method);
  if (!route) throw methodNotAllowed(method, match.resource);
  return { route, pathParameters: match.pathParameters };
}
