import type { ApiHandler } from '../../src/lib/handler';
import type { LocalTable } from '../../src/local/table';
import { allItems, apiEvent, bodyOf, startHandlerTable } from './harness';

let table: LocalTable;
let handler: ApiHandler;

beforeAll(async () => {
  table = await startHandlerTable();
  handler = (require('../../src/handlers/locations') as typeof import('../../src/handlers/locations')).handler;
});
afterAll(async () => {
  await table?.stop();
});

async function createLocation(name: string): Promise<{ id: string; name: string; createdAt: string }> {
  const response = await handler(apiEvent('POST', '/locations', { body: { name } }));
  expect(response.statusCode).toBe(201);
  return bodyOf(response) as { id: string; name: string; createdAt: string };
}

describe('locations', () => {
  test('POST /locations creates a location with a new id, and GET /locations/{id} reads it back', async () => {
    // Act
    const response = await handler(apiEvent('POST', '/locations', { body: { name: '  Main entrance ' } }));
    // Assess
    expect(response.statusCode).toBe(201);
    const created = bodyOf(response);
    expect(created).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), name: 'Main entrance', createdAt: expect.any(String) });
    expect(response.headers?.location).toBe(`/locations/${created.id}`);

    const read = await handler(apiEvent('GET', `/locations/${created.id}`));
    expect(read.statusCode).toBe(200);
    expect(bodyOf(read)).toEqual(created);
  });

  test('GET /locations lists every location, page by page with limit and nextToken', async () => {
    // Prepare
    const before = (await allItems(table)).filter((item) => item.pk === 'LOCATION').length;
    const created = [await createLocation('Library'), await createLocation('Cafeteria'), await createLocation('Gym')];
    const total = before + created.length;
    // Act: pages of 2
    const seen: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const query = `limit=2${nextToken ? `&nextToken=${nextToken}` : ''}`;
      const response = await handler(apiEvent('GET', `/locations?${query}`));
      expect(response.statusCode).toBe(200);
      const page = bodyOf(response);
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((item: { id: string }) => item.id));
      nextToken = page.nextToken;
      pages++;
    } while (nextToken && pages < 10);
    // Assess
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
    expect(seen).toEqual(expect.arrayContaining(created.map((location) => location.id)));
    expect(pages).toBe(Math.ceil(total / 2) + (total % 2 === 0 ? 1 : 0));
  });

  test('GET /locations without parameters answers every location in one page', async () => {
    const response = await handler(apiEvent('GET', '/locations'));

    expect(response.statusCode).toBe(200);
    const page = bodyOf(response);
    expect(page.nextToken).toBeUndefined();
    expect(page.items.length).toBe((await allItems(table)).filter((item) => item.pk === 'LOCATION').length);
  });

  test('GET /locations/{id} answers 404 naming an id that does not exist', async () => {
    const response = await handler(apiEvent('GET', '/locations/3f0c9a2e-5b1d-4c7e-9a8f-1e2d3c4b5a69'));

    expect(response.statusCode).toBe(404);
    expect(bodyOf(response)).toEqual({ message: "location '3f0c9a2e-5b1d-4c7e-9a8f-1e2d3c4b5a69' does not exist" });
  });

  test('DELETE /locations/{id} deletes the location, then answers 404 for it', async () => {
    // Prepare
    const location = await createLocation('Temporary');
    // Act
    const deleted = await handler(apiEvent('DELETE', `/locations/${location.id}`));
    // Assess
    expect(deleted.statusCode).toBe(204);
    expect(deleted.body).toBe('');
    expect((await handler(apiEvent('GET', `/locations/${location.id}`))).statusCode).toBe(404);
    const again = await handler(apiEvent('DELETE', `/locations/${location.id}`));
    expect(again.statusCode).toBe(404);
    expect((await allItems(table)).some((item) => item.id === location.id)).toBe(false);
  });

  test('accepts a name of exactly 100 characters (counted as characters, not bytes)', async () => {
    const name = 'é'.repeat(99) + '🚪';

    const response = await handler(apiEvent('POST', '/locations', { body: { name } }));

    expect(response.statusCode).toBe(201);
    expect(bodyOf(response).name).toBe(name);
  });

  describe('bad input answers 4xx naming the problem and writes nothing', () => {
    const cases: Array<[string, string, string, { body?: unknown; headers?: Record<string, string> }, number, RegExp]> = [
      ['malformed JSON', 'POST', '/locations', { body: '{"name": "Lib' }, 400, /^request body is not valid JSON \(.+\); send a JSON object such as \{"name": "Main entrance"\}$/],
      ['no body', 'POST', '/locations', { headers: { 'content-type': 'application/json' } }, 400, /^a JSON request body is required, such as/],
      ['an array body', 'POST', '/locations', { body: [{ name: 'Library' }] }, 400, /must be a JSON object .* got an array$/],
      ['a null body', 'POST', '/locations', { body: 'null' }, 400, /got null$/],
      ['a missing name', 'POST', '/locations', { body: {} }, 400, /^field 'name' is required$/],
      ['a name of the wrong type', 'POST', '/locations', { body: { name: 42 } }, 400, /^field 'name' must be a string, got a number$/],
      ['an empty name', 'POST', '/locations', { body: { name: '   ' } }, 400, /^field 'name' must not be empty$/],
      ['a name of 101 characters', 'POST', '/locations', { body: { name: 'x'.repeat(101) } }, 400, /^field 'name' is 101 characters long; the limit is 100$/],
      ['a name with a line break', 'POST', '/locations', { body: { name: 'Main\nentrance' } }, 400, /must not contain control characters/],
      ['an unknown field', 'POST', '/locations', { body: { name: 'Library', city: 'Paris' } }, 400, /^unknown field 'city'; the accepted fields are name$/],
      ['a name of zero-width characters', 'POST', '/locations', { body: { name: '\u200B\uFEFF\u2060' } }, 400, /^field 'name' has no visible character \(only U\+200B, U\+FEFF, U\+2060\); send text with at least one letter, digit or symbol$/],
      ['a name of bidi marks', 'POST', '/locations', { body: { name: '\u200E\u202E' } }, 400, /^field 'name' has no visible character/],
      ['a name with a right-to-left override', 'POST', '/locations', { body: { name: 'Exit\u202E' } }, 400, /^field 'name' must not contain bidirectional control characters \(it has U\+202E\)/],
      ['a name with an unpaired surrogate', 'POST', '/locations', { body: '{"name": "Hall \\ud800"}' }, 400, /^field 'name' is not valid Unicode text/],
      ['a body that is not JSON', 'POST', '/locations', { body: 'name=Library', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, 415, /^content-type must be application\/json, got 'application\/x-www-form-urlencoded'/],
      ['an oversized body', 'POST', '/locations', { body: { name: 'Library', padding: 'x'.repeat(20_000) } }, 413, /^request body is \d+ bytes; the limit is 16384 bytes$/],
      ['an invalid id', 'GET', '/locations/not-an-id', {}, 400, /^path parameter 'id' must be an id as returned by the API .*, got 'not-an-id'$/],
      ['an invalid id to delete', 'DELETE', '/locations/12345', {}, 400, /^path parameter 'id' must be an id/],
      ['a limit of 0', 'GET', '/locations?limit=0', {}, 400, /^query parameter 'limit' must be a whole number from 1 to 100, got '0'$/],
      ['a limit that is not a number', 'GET', '/locations?limit=ten', {}, 400, /got 'ten'$/],
      ['a forged nextToken', 'GET', '/locations?nextToken=eyJzayI6Im5vcGUifQ', {}, 400, /^query parameter 'nextToken' is not a token this list returned/],
      ['an unknown query parameter', 'GET', '/locations?sort=name', {}, 400, /^unknown query parameter 'sort'; the accepted parameters are limit, nextToken$/],
      ['a repeated query parameter', 'GET', '/locations?limit=1&limit=2', {}, 400, /^query parameter 'limit' is given 2 times; give it once$/],
      ['a query parameter named constructor', 'GET', '/locations?constructor=x', {}, 400, /^unknown query parameter 'constructor'; the accepted parameters are limit, nextToken$/],
      ['a query parameter named __proto__', 'GET', '/locations?__proto__=x', {}, 400, /^unknown query parameter '__proto__'/],
      ['a query parameter named toString', 'GET', '/locations?limit=2&toString=x', {}, 400, /^unknown query parameter 'toString'/],
      ['a JSON field named __proto__', 'POST', '/locations', { body: '{"__proto__": {"name": "Library"}}' }, 400, /^unknown field '__proto__'; the accepted fields are name$/],
      ['a JSON field named constructor', 'POST', '/locations', { body: '{"name": "Library", "constructor": "x"}' }, 400, /^unknown field 'constructor'; the accepted fields are name$/],
      ['a method the path does not serve', 'PUT', '/locations', { body: { name: 'Library' } }, 405, /^method PUT is not allowed on \/locations; use GET or POST$/],
      ['a path of another function', 'GET', '/registrations', {}, 404, /^no route for GET \/registrations/],
      ["GET /version (the pre-traffic hook's request to a data function)", 'GET', '/version', {}, 404, /^no route for GET \/version; the API serves/],
    ];

    test.each(cases)('%s', async (_, method, target, options, status, message) => {
      // Prepare
      const before = await allItems(table);
      // Act
      const response = await handler(apiEvent(method, target, options));
      // Assess
      expect(response.statusCode).toBe(status);
      expect(response.headers?.['content-type']).toMatch(/^application\/json/);
      expect(bodyOf(response).message).toMatch(message);
      expect(await allItems(table)).toEqual(before);
    });

    test.each(['constructor', '__proto__', 'toString'])('a query parameter named %s in the event Lambda receives (parsed JSON) answers 400', async (name) => {
      // Prepare: the event as API Gateway sends it, parsed from JSON as the Lambda runtime does
      const event = JSON.parse(JSON.stringify(apiEvent('GET', '/locations'))
        .replace('"queryStringParameters":null', `"queryStringParameters":{"${name}":"x"}`)
        .replace('"multiValueQueryStringParameters":null', `"multiValueQueryStringParameters":{"${name}":["x"]}`));
      // Act
      const response = await handler(event);
      // Assess
      expect(response.statusCode).toBe(400);
      expect(bodyOf(response)).toEqual({ message: `unknown query parameter '${name}'; the accepted parameters are limit, nextToken` });
    });

    test('headers named constructor and __proto__ are just headers', async () => {
      // (Object.fromEntries: in an object literal, `__proto__:` would set the prototype instead)
      const headers = Object.fromEntries([['constructor', 'x'], ['__proto__', 'y']]);

      const response = await handler(apiEvent('POST', '/locations', { body: { name: 'Porch' }, headers }));

      expect(response.statusCode).toBe(201);
    });

    test('405 names the allowed methods in an Allow header', async () => {
      const response = await handler(apiEvent('PATCH', '/locations/3f0c9a2e-5b1d-4c7e-9a8f-1e2d3c4b5a69', { body: {} }));

      expect(response.statusCode).toBe(405);
      expect(response.headers?.allow).toBe('GET, DELETE');
    });
  });

  test('a DynamoDB failure answers a generic 500 that points to the logs, never the internal message', async () => {
    // Prepare: the table is gone (stopped server), so the SDK call fails.
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const other = await startHandlerTable();
    let isolated: typeof handler | undefined;
    jest.isolateModules(() => {
      isolated = (require('../../src/handlers/locations') as typeof import('../../src/handlers/locations')).handler;
    });
    await other.stop();
    try {
      // Act
      const response = await isolated!(apiEvent('GET', '/locations'), { awsRequestId: 'req-1' } as never);
      // Assess
      expect(response.statusCode).toBe(500);
      expect(bodyOf(response)).toEqual({ message: 'internal error (request req-1); see the function logs' });
      expect(error).toHaveBeenCalledWith('unexpected error', expect.anything());
    } finally {
      error.mockRestore();
      process.env.DYNAMODB_ENDPOINT = table.endpoint;
    }
  });
});
