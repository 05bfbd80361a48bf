import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { apiHandler } from '../../src/lib/handler';
import { json } from '../../src/lib/http';
import { matchPath, resolveRoute } from '../../src/lib/routing';
import { ROUTES } from '../../src/routes';

describe('the route table', () => {
  test('names a handler module under src/handlers for every route', () => {
    const modules = readdirSync(join(__dirname, '../../src/handlers')).map((file) => file.replace(/\.ts$/, ''));
    for (const route of ROUTES) expect(modules).toContain(route.handler);
  });

  test('has no route twice', () => {
    const keys = ROUTES.map((route) => `${route.method} ${route.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('matchPath', () => {
  test('matches a path parameter and decodes it', () => {
    expect(matchPath('/locations/abc%20def')).toEqual({ resource: '/locations/{id}', pathParameters: { id: 'abc def' } });
  });

  test('ignores one trailing slash, as API Gateway does', () => {
    expect(matchPath('/locations/')).toEqual({ resource: '/locations', pathParameters: {} });
  });

  test.each(['/', '/locations/a/b', '/location', '/locations//', '/VERSION'])('does not match %s', (path) => {
    expect(matchPath(path)).toBeUndefined();
  });

  test('fails with a 400 for a broken percent-encoding', () => {
    expect(() => matchPath('/locations/%E0%A4%A')).toThrow("path segment '%E0%A4%A' is not valid percent-encoding");
  });

  test('repeats only a prefix of a 12 KB path segment with a broken percent-encoding', () => {
    expect(() => matchPath(`/locations/%ZZ${'s'.repeat(12 * 1024)}`)).toThrow(`path segment '%ZZ${'s'.repeat(37)}…' is not valid percent-encoding`);
  });
});

describe('resolveRoute', () => {
  const event = (fields: Partial<APIGatewayProxyEvent>) => ({ resource: '', path: '', httpMethod: 'GET', pathParameters: null, ...fields });

  test("uses API Gateway's resource and path parameters", () => {
    const resolved = resolveRoute('locations', event({ resource: '/locations/{id}', path: '/locations/x', pathParameters: { id: 'x' } }));
    expect(resolved.route).toEqual({ method: 'GET', path: '/locations/{id}', handler: 'locations' });
    expect(resolved.pathParameters).toEqual({ id: 'x' });
  });

  test('matches the path under a catch-all resource', () => {
    const resolved = resolveRoute('locations', event({ resource: '/{proxy+}', path: '/locations/y', httpMethod: 'delete' }));
    expect(resolved.route.method).toBe('DELETE');
    expect(resolved.pathParameters).toEqual({ id: 'y' });
  });

  test('fails with a 404 listing the served paths for an unknown path', () => {
    expect(() => resolveRoute('locations', event({ path: '/visitors' })))
      .toThrow('no route for GET /visitors; the API serves /version, /locations, /locations/{id}, /registrations');
  });

  test('repeats only a prefix of a 12 KB unknown path', () => {
    expect(() => resolveRoute('locations', event({ path: `/${'s'.repeat(12 * 1024)}` })))
      .toThrow(`no route for GET /${'s'.repeat(39)}…; the API serves /version, /locations, /locations/{id}, /registrations`);
  });
});

describe('apiHandler', () => {
  test('fails when the actions do not match the route table, naming the routes', () => {
    const ok = async () => json(200, {});
    expect(() => apiHandler('locations', { 'GET /locations': ok, 'GET /places': ok }))
      .toThrow('the locations handler does not match the route table (src/routes.ts): no action for POST /locations, GET /locations/{id}, DELETE /locations/{id}; actions for routes not in the table: GET /places');
  });

  test('turns an error thrown by an action into a response, never an invocation error', async () => {
    const log = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const handler = apiHandler('version', { 'GET /version': async () => { throw new Error('boom'); } });

    const response = await handler({ httpMethod: 'GET', path: '/version' } as APIGatewayProxyEvent);

    log.mockRestore();
    expect(response.statusCode).toBe(500);
    expect(JSON.parse(response.body)).toEqual({ message: 'internal error; see the function logs' });
  });
});
