import type { ApiHandler } from '../../src/lib/handler';
import type { LocalTable } from '../../src/local/table';
import { allItems, apiEvent, bodyOf, startHandlerTable } from './harness';

let table: LocalTable;
let handlers: Record<'version' | 'locations' | 'registrations', ApiHandler>;

beforeAll(async () => {
  table = await startHandlerTable({
    SIMULATE_FAILURE: 'true',
    APP_VERSION: '2.0.0-broken',
    APP_COMMIT: 'def5678',
    APP_ENVIRONMENT: 'prod',
  });
  handlers = {
    version: (require('../../src/handlers/version') as typeof import('../../src/handlers/version')).handler,
    locations: (require('../../src/handlers/locations') as typeof import('../../src/handlers/locations')).handler,
    registrations: (require('../../src/handlers/registrations') as typeof import('../../src/handlers/registrations')).handler,
  };
});
afterAll(async () => {
  await table?.stop();
});

describe('SIMULATE_FAILURE=true (the opt-in rollback demo)', () => {
  let errorLog: jest.SpyInstance;
  beforeEach(() => {
    errorLog = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => errorLog.mockRestore());

  const dataRequests: Array<['locations' | 'registrations', string, string, unknown]> = [
    ['locations', 'GET', '/locations', undefined],
    ['locations', 'POST', '/locations', { name: 'Library' }],
    ['locations', 'GET', '/locations/3f0c9a2e-5b1d-4c7e-9a8f-1e2d3c4b5a69', undefined],
    ['locations', 'DELETE', '/locations/3f0c9a2e-5b1d-4c7e-9a8f-1e2d3c4b5a69', undefined],
    ['registrations', 'GET', '/registrations?date=2024-05-17', undefined],
    ['registrations', 'POST', '/registrations', { locationId: '3f0c9a2e-5b1d-4c7e-9a8f-1e2d3c4b5a69', name: 'Ada', email: 'ada@example.com', phone: '+44 20 7946 0000' }],
  ];

  test.each(dataRequests)('%s answers 500 to %s %s and writes nothing', async (name, method, target, body) => {
    const response = await handlers[name](apiEvent(method, target, { body }));

    expect(response.statusCode).toBe(500);
    expect(bodyOf(response).message).toMatch(/^simulated failure: this version runs with SIMULATE_FAILURE=true/);
    expect(await allItems(table)).toEqual([]);
  });

  test.each(['locations', 'registrations'] as const)(
    "%s answers the pre-traffic hook's GET /version with the 500 that names SIMULATE_FAILURE", async (name) => {
      const response = await handlers[name]({ resource: '/version', path: '/version', httpMethod: 'GET' } as never);

      expect(response.statusCode).toBe(500);
      expect(response.body).toContain('SIMULATE_FAILURE');
    });

  test('GET /version keeps answering, so the new version passes the pre-traffic hook', async () => {
    const response = await handlers.version(apiEvent('GET', '/version'));

    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toEqual({ version: '2.0.0-broken', commit: 'def5678', environment: 'prod' });
  });
});
