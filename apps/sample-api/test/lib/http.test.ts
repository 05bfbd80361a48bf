import {
  BadRequest,
  HeadersTooLarge,
  MethodNotAllowed,
  NotFound,
  PayloadTooLarge,
  RequestTimeout,
  SimulatedFailure,
  UnsupportedMediaType,
} from '../../src/lib/errors';
import { errorResponse, MAX_BODY_BYTES, parseJsonBody, statusOfError } from '../../src/lib/http';

const EXAMPLE = '{"name": "Library"}';

describe('parseJsonBody', () => {
  test('parses a JSON object', () => {
    expect(parseJsonBody({ headers: { 'Content-Type': 'application/json; charset=utf-8' }, body: '{"name":"Library"}', isBase64Encoded: false }, EXAMPLE))
      .toEqual({ name: 'Library' });
  });

  test('answers an object without a prototype, a "__proto__" member being an own field', () => {
    const body = parseJsonBody({ headers: {}, body: '{"__proto__": {"name": "Library"}, "constructor": 1}', isBase64Encoded: false }, EXAMPLE);

    expect(Object.getPrototypeOf(body)).toBeNull();
    expect(Object.keys(body)).toEqual(['__proto__', 'constructor']);
    expect(body.name).toBeUndefined();
  });

  test('accepts a body without a content-type', () => {
    expect(parseJsonBody({ headers: {}, body: '{"a":1}', isBase64Encoded: false }, EXAMPLE)).toEqual({ a: 1 });
  });

  test('decodes a base64-encoded body', () => {
    const body = Buffer.from('{"name":"Café"}').toString('base64');
    expect(parseJsonBody({ headers: {}, body, isBase64Encoded: true }, EXAMPLE)).toEqual({ name: 'Café' });
  });

  test(`accepts exactly ${MAX_BODY_BYTES} bytes and refuses one more with a 413`, () => {
    const exact = JSON.stringify({ pad: 'x'.repeat(MAX_BODY_BYTES - 10) });
    expect(Buffer.byteLength(exact)).toBe(MAX_BODY_BYTES);
    expect(() => parseJsonBody({ headers: {}, body: exact, isBase64Encoded: false }, EXAMPLE)).not.toThrow();
    expect(() => parseJsonBody({ headers: {}, body: `${exact} `, isBase64Encoded: false }, EXAMPLE))
      .toThrow(new PayloadTooLarge(`request body is ${MAX_BODY_BYTES + 1} bytes; the limit is ${MAX_BODY_BYTES} bytes`));
  });

  test('counts bytes, not characters', () => {
    const body = JSON.stringify({ pad: 'é'.repeat(MAX_BODY_BYTES / 2) });
    expect(() => parseJsonBody({ headers: {}, body, isBase64Encoded: false }, EXAMPLE)).toThrow(PayloadTooLarge);
  });

  test('refuses another declared content-type with a 415 naming it', () => {
    expect(() => parseJsonBody({ headers: { 'content-type': 'text/plain' }, body: '{}', isBase64Encoded: false }, EXAMPLE))
      .toThrow(new UnsupportedMediaType(
        `content-type must be application/json, got 'text/plain'; send the header 'content-type: application/json' ` +
        `(with curl: -H 'content-type: application/json') and a JSON body such as ${EXAMPLE}`,
      ));
  });

  test('repeats only a prefix of a long content-type', () => {
    const contentType = `text/${'x'.repeat(8000)}`;

    expect(() => parseJsonBody({ headers: { 'content-type': contentType }, body: '{}', isBase64Encoded: false }, EXAMPLE))
      .toThrow(`got '${contentType.slice(0, 40)}…'`);
  });

  test('shows the invisible characters of the JSON parser\'s excerpt instead of repeating them', () => {
    const body = '\u202E'.repeat(20);

    expect(() => parseJsonBody({ headers: {}, body, isBase64Encoded: false }, EXAMPLE))
      .toThrow(/^request body is not valid JSON \(Unexpected token '\\u\{202E\}'[^\u202E]*\); send a JSON object such as/);
  });

  test.each([
    ['a string', '"Library"', `request body must be a JSON object such as ${EXAMPLE}, got a string`],
    ['a number', '42', `request body must be a JSON object such as ${EXAMPLE}, got a number`],
    ['nothing', null, `a JSON request body is required, such as ${EXAMPLE}`],
  ])('refuses %s', (_, body, message) => {
    expect(() => parseJsonBody({ headers: {}, body, isBase64Encoded: false }, EXAMPLE)).toThrow(new BadRequest(message));
  });
});

describe('errorResponse', () => {
  test.each([
    [new BadRequest('bad'), 400],
    [new NotFound('gone'), 404],
    [new MethodNotAllowed('no', ['GET']), 405],
    [new RequestTimeout('slow'), 408],
    [new PayloadTooLarge('big'), 413],
    [new UnsupportedMediaType('xml'), 415],
    [new HeadersTooLarge('many'), 431],
  ])('answers %p with its status and message', (err, status) => {
    const response = errorResponse(err);
    expect(statusOfError(err)).toBe(status);
    expect(response.statusCode).toBe(status);
    expect(JSON.parse(response.body)).toEqual({ message: err.message });
  });

  test('cuts a message longer than any the API writes, so no error body reaches 1 KB', () => {
    const response = errorResponse(new BadRequest(`bad ${'"'.repeat(5000)}`));

    expect(response.statusCode).toBe(400);
    expect(response.body.length).toBeLessThan(1000);
    expect(JSON.parse(response.body).message).toMatch(/^bad "+…$/);
  });

  test('gives a 405 the Allow header', () => {
    expect(errorResponse(new MethodNotAllowed('no', ['GET', 'POST'])).headers?.allow).toBe('GET, POST');
  });

  test('answers a 500 for the simulated failure, with its message (it is deliberate)', () => {
    const log = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const response = errorResponse(new SimulatedFailure('simulated'));
    log.mockRestore();
    expect(response.statusCode).toBe(500);
    expect(JSON.parse(response.body)).toEqual({ message: 'simulated' });
  });

  test('hides an unexpected error behind a generic 500, and logs it', () => {
    const log = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const secret = new TypeError("Cannot read properties of undefined (reading 'Item') at /var/task/index.js:1:234");

    const response = errorResponse(secret, 'abc-123');

    expect(response.statusCode).toBe(500);
    expect(response.body).toBe('{"message":"internal error (request abc-123); see the function logs"}');
    expect(log).toHaveBeenCalledWith('unexpected error', secret);
    log.mockRestore();
  });
});
