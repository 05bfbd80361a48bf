import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { ApiHandler } from '../../src/lib/handler';
import { apiEvent, bodyOf } from './harness';

const ENV = { APP_VERSION: '1.4.0', APP_COMMIT: 'abc1234', APP_ENVIRONMENT: 'dev', POWERTOOLS_TRACE_ENABLED: 'false' };

function loadHandler(env: Record<string, string | undefined>): ApiHandler {
  let handler: ApiHandler | undefined;
  jest.isolateModules(() => {
    for (const [key, value] of Object.entries(env)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    handler = (require('../../src/handlers/version') as typeof import('../../src/handlers/version')).handler;
  });
  return handler!;
}

describe('GET /version', () => {
  test('answers the version, commit and environment baked into the function', async () => {
    // Prepare
    const handler = loadHandler(ENV);
    // Act
    const response = await handler(apiEvent('GET', '/version'));
    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.headers?.['content-type']).toMatch(/^application\/json/);
    expect(bodyOf(response)).toEqual({ version: '1.4.0', commit: 'abc1234', environment: 'dev' });
  });

  test("answers the pre-traffic hook's minimal event (method and path only)", async () => {
    const handler = loadHandler(ENV);
    const event = { httpMethod: 'GET', path: '/version' } as APIGatewayProxyEvent;

    const response = await handler(event);

    expect(response.statusCode).toBe(200);
    expect(bodyOf(response).version).toBe('1.4.0');
  });

  test('keeps answering when SIMULATE_FAILURE is on (the rollback demo only breaks data routes)', async () => {
    const handler = loadHandler({ ...ENV, SIMULATE_FAILURE: 'true' });

    const response = await handler(apiEvent('GET', '/version'));

    expect(response.statusCode).toBe(200);
  });

  test('answers 405 with an Allow header for another method', async () => {
    const handler = loadHandler(ENV);

    const response = await handler(apiEvent('POST', '/version', { body: {} }));

    expect(response.statusCode).toBe(405);
    expect(response.headers?.allow).toBe('GET');
    expect(bodyOf(response).message).toBe('method POST is not allowed on /version; use GET');
  });

  test('answers 404 for a path that is not its own', async () => {
    const handler = loadHandler(ENV);

    const response = await handler(apiEvent('GET', '/locations'));

    expect(response.statusCode).toBe(404);
    expect(bodyOf(response).message).toMatch(/^no route for GET \/locations; the API serves \/version, /);
  });

  test('fails to load without APP_VERSION, naming the variable', () => {
    expect(() => loadHandler({ ...ENV, APP_VERSION: undefined }))
      .toThrow('environment variable APP_VERSION is required (the version of the service, e.g. 1.4.0) but is not set; set it on the function');
  });

  test('fails to load with an empty APP_ENVIRONMENT', () => {
    expect(() => loadHandler({ ...ENV, APP_ENVIRONMENT: ' ' })).toThrow(/APP_ENVIRONMENT is required .* but is empty/);
  });
});
