import { request as httpRequest } from 'node:http';
import { connect, createServer } from 'node:net';
import { LocalApi, MAX_REQUEST_BYTES, startLocalApi } from '../../src/local/server';

const SETTINGS = { version: '9.9.9', commit: 'c0ffee0', environment: 'local' };

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function call(url: string, init?: RequestInit): Promise<{ status: number; headers: Headers; body: any }> {
  const response = await fetch(url, init);
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

/**
 * One request sent as written: the target goes on the request line unchanged (fetch
 * would normalize it), the headers in the given case. Answers the status and the raw body.
 */
function send(base: string, method: string, target: string, headers: Record<string, string> = {}, body?: string): Promise<{ status: number; text: string; contentType?: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, method, path: target, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode!, text: Buffer.concat(chunks).toString('utf8'), contentType: res.headers['content-type'] }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const JSON_TYPE = { 'content-type': 'application/json' };

/** Writes raw bytes to the server and answers everything it writes back until it closes. */
function sendRaw(base: string, bytes: string): Promise<string> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.end(bytes));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.on('error', reject);
    socket.setTimeout(5000, () => socket.destroy(new Error('no answer within 5 s')));
  });
}

const post = (body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }): RequestInit =>
  ({ method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });

describe('startLocalApi', () => {
  let api: LocalApi;
  const log: string[] = [];

  beforeAll(async () => {
    api = await startLocalApi({ ...SETTINGS, log: (line) => log.push(line) });
  });
  afterAll(async () => {
    await api?.stop();
  });

  test('listens on 127.0.0.1 and serves GET /version from the version handler', async () => {
    expect(api.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const response = await call(`${api.url}/version`);

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ version: '9.9.9', commit: 'c0ffee0', environment: 'local' });
  });

  test('routes path parameters, query strings, headers and bodies to the same handlers Lambda runs', async () => {
    // body and headers → POST /locations
    const created = await call(`${api.url}/locations`, post({ name: 'Library' }));
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/locations/${created.body.id}`);
    // path parameter → GET /locations/{id}
    expect((await call(`${api.url}/locations/${created.body.id}`)).body).toEqual(created.body);
    // query string → GET /registrations?date&locationId
    const registered = await call(`${api.url}/registrations`, post({ locationId: created.body.id, name: 'Ada', email: 'ada@example.com', phone: '+44 20 7946 0000' }));
    expect(registered.status).toBe(201);
    const listed = await call(`${api.url}/registrations?date=${registered.body.date}&locationId=${created.body.id}`);
    expect(listed.body.items).toEqual([registered.body]);
    // a header the handler reads
    const asText = await call(`${api.url}/locations`, post('{"name":"x"}', { 'content-type': 'text/plain' }));
    expect(asText.status).toBe(415);
  });

  test('answers 404 with a JSON message for an unknown path', async () => {
    const response = await call(`${api.url}/visitors?x=1`);

    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.body.message).toBe('no route for GET /visitors; the API serves /version, /locations, /locations/{id}, /registrations');
  });

  test('answers 405 with an Allow header for a method the path does not serve', async () => {
    const response = await call(`${api.url}/registrations`, { method: 'DELETE' });

    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, POST');
    expect(response.body.message).toBe('method DELETE is not allowed on /registrations; use GET or POST');
  });

  test("answers 413 above the handler's body limit, and above API Gateway's 10 MB", async () => {
    const handlerLimit = await call(`${api.url}/locations`, post({ name: 'x', pad: 'y'.repeat(20_000) }));
    const gatewayLimit = await call(`${api.url}/locations`, post('x'.repeat(MAX_REQUEST_BYTES + 1)));

    expect(handlerLimit.status).toBe(413);
    expect(handlerLimit.body.message).toMatch(/; the limit is 16384 bytes$/);
    expect(gatewayLimit.status).toBe(413);
    expect(gatewayLimit.body.message).toBe(`request body is larger than the API's limit of ${MAX_REQUEST_BYTES} bytes`);
  });

  test('answers 400 for a path parameter with broken percent-encoding', async () => {
    const response = await call(`${api.url}/locations/%E0%A4%A`);

    expect(response.status).toBe(400);
  });

  describe('bad input answers 4xx with a short JSON message, never a 5xx', () => {
    const cases: Array<[string, string, string, Record<string, string>, string | undefined, number, RegExp]> = [
      ['a 16,000-character unknown field name', 'POST', '/locations', JSON_TYPE, JSON.stringify({ name: 'x', ['f'.repeat(16_000)]: 1 }), 400, /^unknown field 'f{40}…'; the accepted fields are name$/],
      ['thousands of unknown fields', 'POST', '/locations', JSON_TYPE, JSON.stringify(Object.fromEntries(Array.from({ length: 1500 }, (_, i) => [`f${i}`, 1]))), 400, /^unknown fields 'f0', 'f1', 'f2', 'f3', 'f4' and 1495 more;/],
      ['a 12 KB query key', 'GET', `/locations?${'k'.repeat(12 * 1024)}=1`, {}, undefined, 400, /^unknown query parameter 'k{40}…'; the accepted parameters are limit, nextToken$/],
      ['a 12 KB path segment that is no id', 'GET', `/locations/${'s'.repeat(12 * 1024)}`, {}, undefined, 400, /got 's{40}…'$/],
      ['a 12 KB path segment with broken percent-encoding', 'GET', `/locations/%ZZ${'s'.repeat(12 * 1024)}`, {}, undefined, 400, /^path segment '%ZZs{37}…' is not valid percent-encoding$/],
      ['a 12 KB unknown path', 'GET', `/${'s'.repeat(12 * 1024)}`, {}, undefined, 404, /^no route for GET \/s{39}…; the API serves/],
      ['a target that does not parse as a URL', 'GET', '//a:99999/', {}, undefined, 400, /^request target '\/\/a:99999\/' is not a path; send a path that starts with a single '\/'/],
      ['an http URL with a broken host', 'GET', 'http://[/locations', {}, undefined, 400, /^request target 'http:\/\/\[\/locations' is not a path/],
      ['a path naming another host', 'GET', '//evil.example/locations', {}, undefined, 400, /is not a path/],
      ['a path naming another host with a backslash', 'GET', '/\\evil.example/locations', {}, undefined, 400, /is not a path/],
      ['a URL of another scheme', 'GET', 'ftp://files.example/locations', {}, undefined, 400, /is not a path/],
      ['the asterisk-form', 'OPTIONS', '*', {}, undefined, 400, /^request target '\*' is not a path/],
      ['a 12 KB target that does not parse', 'GET', `//${'a'.repeat(12 * 1024)}:99999/`, {}, undefined, 400, /^request target '\/\/a{38}…' is not a path/],
      ['a JSON body declared as a form (what curl -d sends)', 'POST', '/locations', { 'content-type': 'application/x-www-form-urlencoded' }, '{"name": "Main entrance"}', 415, /^content-type must be application\/json, got 'application\/x-www-form-urlencoded'; send the header 'content-type: application\/json'/],
      ['a name of invisible characters', 'POST', '/locations', JSON_TYPE, JSON.stringify({ name: '\u200B\u200E\u202E\u2060\uFEFF' }), 400, /^field 'name' has no visible character/],
      ['a name with a right-to-left override', 'POST', '/locations', JSON_TYPE, JSON.stringify({ name: 'invoice\u202Efdp.exe' }), 400, /^field 'name' must not contain bidirectional control characters/],
      ['a 12 KB content-type', 'POST', '/locations', { 'content-type': `text/${'x'.repeat(12 * 1024)}` }, '{"name":"x"}', 415, /^content-type must be application\/json, got 'text\/x{35}…'/],
    ];

    const prototypeNames = ['constructor', '__proto__', 'toString', 'hasOwnProperty'];
    cases.push(
      ...prototypeNames.map((name): typeof cases[number] =>
        [`a query parameter named ${name}`, 'GET', `/locations?${name}=x`, {}, undefined, 400, new RegExp(`^unknown query parameter '${name}'; the accepted parameters are limit, nextToken$`)]),
      ...prototypeNames.map((name): typeof cases[number] =>
        [`a JSON field named ${name}`, 'POST', '/locations', JSON_TYPE, `{"name": "Hall", "${name}": {"name": "x"}}`, 400, new RegExp(`^unknown field '${name}'; the accepted fields are name$`)]),
      ['a registration query parameter named valueOf', 'GET', '/registrations?date=2024-05-17&valueOf=1', {}, undefined, 400, /^unknown query parameter 'valueOf'/],
    );

    test.each(cases)('%s', async (_, method, target, headers, body, status, message) => {
      const response = await send(api.url, method, target, headers, body);

      expect(response.status).toBe(status);
      expect(response.contentType).toMatch(/^application\/json/);
      expect(response.text.length).toBeLessThan(1000);
      expect(JSON.parse(response.text).message).toMatch(message);
    });
  });

  test('serves an http URL as the target (absolute-form, as proxies send it)', async () => {
    const response = await send(api.url, 'GET', `${api.url}/version`);

    expect(response.status).toBe(200);
  });

  describe('a request the HTTP parser refuses answers 4xx with a JSON message too', () => {
    const cases: Array<[string, string, number, RegExp]> = [
      ['a header line without a colon', 'GET /locations HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n', 400, /^the request is not valid HTTP\/1\.1 \(Invalid header token\); check the request line/],
      ['an unknown method', 'BREW /locations HTTP/1.1\r\nHost: x\r\n\r\n', 400, /^the request is not valid HTTP\/1\.1 \(Invalid method encountered\)/],
      ['a control character in the target', 'GET /loc\x01ations HTTP/1.1\r\nHost: x\r\n\r\n', 400, /^the request is not valid HTTP\/1\.1/],
      ['two Content-Length headers', 'POST /locations HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n{}', 400, /\(Duplicate Content-Length\)/],
      ['20 KB of headers', `GET /locations HTTP/1.1\r\nHost: x\r\nX-Pad: ${'a'.repeat(20 * 1024)}\r\n\r\n`, 431, /^the request headers are larger than the 16384 bytes the server accepts; send fewer or shorter headers$/],
    ];

    test.each(cases)('%s', async (_, bytes, status, message) => {
      // Act
      const answer = await sendRaw(api.url, bytes);
      // Assess
      const [head, body] = answer.split('\r\n\r\n');
      expect(head.split('\r\n')[0]).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
      expect(head).toMatch(/\r\ncontent-type: application\/json/i);
      expect(body.length).toBeLessThan(1000);
      expect(JSON.parse(body).message).toMatch(message);
    });
  });

  test.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])('serves a request with a header named %s like any other', async (name) => {
    const response = await send(api.url, 'GET', '/locations', { [name]: 'x' });

    expect(response.status).toBe(200);
    expect(JSON.parse(response.text)).toEqual({ items: expect.any(Array) });
  });

  test('logs one line per request', () => {
    expect(log.some((line) => /^GET \/version → 200 \(\d+ ms\)$/.test(line))).toBe(true);
    expect(log.some((line) => /^DELETE \/registrations → 405 \(\d+ ms\)$/.test(line))).toBe(true);
  });

  test('logs a short prefix of a long request target', () => {
    const long = log.find((line) => line.startsWith(`GET /${'s'.repeat(30)}`));

    expect(long).toMatch(/^GET \/s+… → 404 \(\d+ ms\)$/);
    expect(long!.length).toBeLessThan(300);
  });

  test('a second local API in the process shares the table', async () => {
    const second = await startLocalApi(SETTINGS);
    try {
      const fromFirst = await call(`${api.url}/locations`);
      const fromSecond = await call(`${second.url}/locations`);
      expect(second.url).not.toBe(api.url);
      expect(fromSecond.body.items).toEqual(fromFirst.body.items);
    } finally {
      await second.stop();
    }
    // the first keeps working after the second stopped
    expect((await call(`${api.url}/locations`)).status).toBe(200);
  });

  test('fails to start with other handler settings in the same process, saying why', async () => {
    await expect(startLocalApi({ ...SETTINGS, simulateFailure: true }))
      .rejects.toThrow('startLocalApi: this process already runs the handlers with SIMULATE_FAILURE=false; handlers read their settings once, so start the other variant in another process');
  });

  test('fails for a port that is not a port', async () => {
    await expect(startLocalApi({ ...SETTINGS, port: 70000 })).rejects.toThrow('port must be a whole number from 0 to 65535 (0 picks a free port), got 70000');
  });

  test('fails for a port in use, naming it', async () => {
    const port = Number(new URL(api.url).port);
    await expect(startLocalApi({ ...SETTINGS, port })).rejects.toThrow(`the local API cannot listen on 127.0.0.1:${port}: listen EADDRINUSE`);
  });
});

describe('stop', () => {
  test('closes the port and the table; a new start on a chosen port gets a fresh, empty table', async () => {
    // Prepare
    const first = await startLocalApi(SETTINGS);
    await call(`${first.url}/locations`, post({ name: 'Gone soon' }));
    // Act
    await first.stop();
    await first.stop(); // idempotent
    // Assess
    await expect(fetch(`${first.url}/version`)).rejects.toThrow();
    const port = await freePort();
    const again = await startLocalApi({ ...SETTINGS, port });
    try {
      expect(again.url).toBe(`http://127.0.0.1:${port}`);
      expect((await call(`${again.url}/locations`)).body).toEqual({ items: [] });
    } finally {
      await again.stop();
    }
  });
});
