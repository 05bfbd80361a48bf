import { BadRequest } from '../../src/lib/errors';
import { localContext, parseRequestTarget, toProxyEvent } from '../../src/local/event';

describe('parseRequestTarget', () => {
  test('reads a path with its query string', () => {
    const url = parseRequestTarget('/registrations?date=2024-05-17&limit=2');

    expect(url.pathname).toBe('/registrations');
    expect(url.search).toBe('?date=2024-05-17&limit=2');
  });

  test('reads an http URL (absolute-form, as proxies send it)', () => {
    const url = parseRequestTarget('http://127.0.0.1:3000/locations?limit=2');

    expect(url.pathname).toBe('/locations');
    expect(url.searchParams.get('limit')).toBe('2');
  });

  test.each([
    ['a target no URL parser reads', '//a:99999/'],
    ['an http URL with a broken host', 'http://[/locations'],
    ['a path naming another host', '//evil.example/locations'],
    ['a path naming another host with a backslash', '/\\evil.example/locations'],
    ['a URL of another scheme', 'ftp://files.example/locations'],
    ['the asterisk-form', '*'],
    ['the authority-form', '127.0.0.1:3000'],
  ])('refuses %s with a 400 saying what to send', (_, target) => {
    expect(() => parseRequestTarget(target)).toThrow(BadRequest);
    expect(() => parseRequestTarget(target)).toThrow(/^request target '.+' is not a path; send a path that starts with a single '\/', such as \/locations\?limit=10$/);
  });

  test('repeats only a prefix of a long target', () => {
    expect(() => parseRequestTarget(`//${'a'.repeat(5000)}:99999/`)).toThrow(`request target '//${'a'.repeat(38)}…' is not a path`);
  });
});

describe('toProxyEvent', () => {
  const request = {
    method: 'post',
    url: '/locations/abc%2Fdef?limit=2&tag=a&tag=b&q=caf%C3%A9',
    rawHeaders: ['Content-Type', 'application/json', 'X-Trace', 'one', 'x-trace', 'two', 'User-Agent', 'jest'],
    body: Buffer.from('{"name":"Café"}'),
    sourceIp: '127.0.0.1',
  };
  const match = { resource: '/locations/{id}', pathParameters: { id: 'abc/def' } };

  test('carries the resource, path, method and path parameters as API Gateway does', () => {
    const event = toProxyEvent(request, match);

    expect(event.resource).toBe('/locations/{id}');
    expect(event.path).toBe('/locations/abc%2Fdef');
    expect(event.httpMethod).toBe('POST');
    expect(event.pathParameters).toEqual({ id: 'abc/def' });
    expect(event.stageVariables).toBeNull();
  });

  test('decodes the query string, the last value winning in the single-value map', () => {
    const event = toProxyEvent(request, match);

    expect(event.queryStringParameters).toEqual({ limit: '2', tag: 'b', q: 'café' });
    expect(event.multiValueQueryStringParameters).toEqual({ limit: ['2'], tag: ['a', 'b'], q: ['café'] });
  });

  test.each(['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'])('keeps a query parameter and a header named %s as plain keys', (name) => {
    // Prepare: names of Object.prototype's members, which a {} map would resolve to its members
    const withNames = { ...request, url: `/locations?${name}=x&${name}=y`, rawHeaders: [name, 'h1', name, 'h2'] };
    // Act
    const event = toProxyEvent(withNames, match);
    // Assess
    expect(Object.keys(event.queryStringParameters!)).toEqual([name]);
    expect(event.queryStringParameters![name]).toBe('y');
    expect(event.multiValueQueryStringParameters![name]).toEqual(['x', 'y']);
    expect(Object.keys(event.headers)).toEqual([name]);
    expect(event.headers[name]).toBe('h2');
    expect(event.multiValueHeaders[name]).toEqual(['h1', 'h2']);
  });

  test('keeps header names as sent, with repeated headers in multiValueHeaders', () => {
    const event = toProxyEvent(request, match);

    expect(event.headers['Content-Type']).toBe('application/json');
    expect(event.multiValueHeaders['X-Trace']).toEqual(['one']);
    expect(event.multiValueHeaders['x-trace']).toEqual(['two']);
  });

  test('refuses a target that is not a path with a 400, not a TypeError', () => {
    expect(() => toProxyEvent({ ...request, url: 'http://[/locations' }, match)).toThrow(BadRequest);
  });

  test('passes the body as a UTF-8 string, and null without a body', () => {
    expect(toProxyEvent(request, match).body).toBe('{"name":"Café"}');
    expect(toProxyEvent(request, match).isBase64Encoded).toBe(false);
    expect(toProxyEvent({ ...request, body: Buffer.alloc(0) }, match).body).toBeNull();
  });

  test('has null parameters when there are none, as API Gateway does', () => {
    const event = toProxyEvent({ ...request, method: 'GET', url: '/version' }, { resource: '/version', pathParameters: {} });

    expect(event.pathParameters).toBeNull();
    expect(event.queryStringParameters).toBeNull();
    expect(event.multiValueQueryStringParameters).toBeNull();
  });

  test('fills a requestContext like a stage named local', () => {
    const now = new Date('2024-05-17T10:00:00.000Z');

    const { requestContext } = toProxyEvent(request, match, now);

    expect(requestContext).toMatchObject({
      stage: 'local',
      path: '/local/locations/abc%2Fdef',
      resourcePath: '/locations/{id}',
      httpMethod: 'POST',
      requestTimeEpoch: now.getTime(),
      identity: { sourceIp: '127.0.0.1', userAgent: 'jest' },
    });
    expect(requestContext.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('localContext', () => {
  test('names the function and counts down the remaining time', () => {
    const context = localContext('sample-api-version', 'req-1', 1000);

    expect(context.functionName).toBe('sample-api-version');
    expect(context.awsRequestId).toBe('req-1');
    expect(context.getRemainingTimeInMillis()).toBeGreaterThan(0);
    expect(context.getRemainingTimeInMillis()).toBeLessThanOrEqual(1000);
  });
});
