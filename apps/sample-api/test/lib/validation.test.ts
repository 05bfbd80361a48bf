import { BadRequest } from '../../src/lib/errors';
import { isSwitchOn } from '../../src/lib/env';
import { LOCATION_SK_PATTERN, REGISTRATION_SK_PATTERN, registrationSk } from '../../src/lib/table';
import {
  assertKnownFields,
  decodePageToken,
  emailField,
  encodePageToken,
  parseDate,
  parseId,
  phoneField,
  queryParameters,
  textField,
} from '../../src/lib/validation';

describe('parseDate', () => {
  test.each(['2024-02-29', '2023-12-31', '2024-01-01', '2000-02-29'])('accepts the calendar date %s', (date) => {
    expect(parseDate('date', date)).toBe(date);
  });

  test.each([
    ['2024-02-30', "date '2024-02-30' is not a date: February 2024 has 29 days"],
    ['2023-02-29', "date '2023-02-29' is not a date: February 2023 has 28 days"],
    ['1900-02-29', "date '1900-02-29' is not a date: February 1900 has 28 days"],
    ['2024-04-31', "date '2024-04-31' is not a date: April 2024 has 30 days"],
    ['2024-00-10', "date '2024-00-10' is not a date: month 00 does not exist"],
    ['2024-5-1', "date must be a date in the form YYYY-MM-DD, got '2024-5-1'"],
    ['2024-05-01T00:00:00Z', "date must be a date in the form YYYY-MM-DD, got '2024-05-01T00:00:00Z'"],
  ])('fails for %s, saying why', (date, message) => {
    expect(() => parseDate('date', date)).toThrow(new BadRequest(message));
  });
});

describe('textField', () => {
  test('trims the value', () => {
    expect(textField({ name: '  Library\u00a0 ' }, 'name', 10)).toBe('Library');
  });

  test('counts characters, not UTF-16 units or bytes', () => {
    expect(textField({ name: '😀'.repeat(3) }, 'name', 3)).toBe('😀😀😀');
    expect(() => textField({ name: '😀'.repeat(4) }, 'name', 3)).toThrow("field 'name' is 4 characters long; the limit is 3");
  });

  test('reads only a field the body has itself, never an inherited one', () => {
    const body = Object.create({ name: 'inherited' }) as Record<string, unknown>;

    expect(() => textField(body, 'name', 100)).toThrow(new BadRequest("field 'name' is required"));
    expect(() => textField({}, 'toString', 100)).toThrow(new BadRequest("field 'toString' is required"));
  });

  test.each([
    [{}, "field 'name' is required"],
    [{ name: null }, "field 'name' must be a string, got null"],
    [{ name: true }, "field 'name' must be a string, got a boolean"],
    [{ name: { first: 'Ada' } }, "field 'name' must be a string, got an object"],
    [{ name: '' }, "field 'name' must not be empty"],
    [{ name: 'tab\there' }, "field 'name' must not contain control characters (such as line breaks or tabs)"],
  ])('fails for %j', (body, message) => {
    expect(() => textField(body, 'name', 100)).toThrow(message);
  });
});

describe('textField and invisible text', () => {
  test.each([
    ['a zero-width space', '\u200B', 'U+200B'],
    ['a word joiner', '\u2060', 'U+2060'],
    ['zero-width characters and a BOM', '\u200B\uFEFF\u200B', 'U+200B, U+FEFF'],
    ['directional marks', '\u200E\u200F', 'U+200E, U+200F'],
    ['a right-to-left override', '\u202E', 'U+202E'],
    ['a Hangul filler', '\u3164', 'U+3164'],
    ['a Braille blank', '\u2800', 'U+2800'],
    ['a combining accent without a letter', '\u0301', 'U+0301'],
    ['a soft hyphen and a tag character', '\u00AD\u{E0041}', 'U+00AD, U+E0041'],
    ['invisible characters around a space', '\u200B \u2060', 'U+200B, U+2060 and spaces'],
  ])('refuses a name of only %s, saying what to send', (_, name, found) => {
    expect(() => textField({ name }, 'name', 100)).toThrow(new BadRequest(
      `field 'name' has no visible character (only ${found}); send text with at least one letter, digit or symbol`,
    ));
  });

  test.each([
    ['a right-to-left override', 'invoice\u202Efdp.exe', 'U+202E'],
    ['an isolate pair', 'Main \u2066entrance\u2069', 'U+2066, U+2069'],
    ['a trailing right-to-left mark', 'Library\u200F', 'U+200F'],
    ['an Arabic letter mark', '\u0645\u061C\u0631', 'U+061C'],
  ])('refuses %s anywhere in a name', (_, name, found) => {
    expect(() => textField({ name }, 'name', 100)).toThrow(new BadRequest(
      `field 'name' must not contain bidirectional control characters (it has ${found}), which change how the text around them is displayed; send the text without them`,
    ));
  });

  test.each([['\uD800'], ['a\uDC00b']])('refuses text with an unpaired surrogate (%j)', (name) => {
    expect(() => textField({ name }, 'name', 100)).toThrow(/^field 'name' is not valid Unicode text: it has an unpaired surrogate \(U\+D[89A-F][0-9A-F]{2}\), half of a character; send whole characters$/);
  });

  test.each([
    ['a decomposed accent', 'Zoe\u0308'],
    ['an emoji sequence with zero-width joiners', '👩\u200D💻 Lab'],
    ['Hebrew', 'שלום'],
    ['Arabic', 'مرحبا'],
    ['Devanagari with a joiner', 'क्\u200Dष'],
    ['an emoji', '🚪'],
  ])('accepts %s', (_, name) => {
    expect(textField({ name }, 'name', 100)).toBe(name);
  });
});

describe('emailField and phoneField', () => {
  test.each(['ada\u200B@example.com', 'ada@exam\u00ADple.com', '\u2060ada@example.com'])('refuses an e-mail address with an invisible character (%j), showing it', (email) => {
    expect(() => emailField({ email }, 'email')).toThrow(/^field 'email' must be an e-mail address such as name@example.com, got '.*\\u\{(200B|AD|2060)\}.*'$/);
  });

  test.each(['ada@example.com', 'a.b+tag@mail.example.co.uk'])('accepts the e-mail address %s', (email) => {
    expect(emailField({ email }, 'email')).toBe(email);
  });

  test.each(['ada', 'ada@', '@example.com', 'ada@example', 'ada @example.com', 'ada@example..com'])('refuses the e-mail address %s', (email) => {
    expect(() => emailField({ email }, 'email')).toThrow(/^field 'email' must be an e-mail address such as name@example.com/);
  });

  test.each(['+44 20 7946 0000', '(555) 123-4567', '0612345678', '+1.555.123.4567'])('accepts the phone number %s', (phone) => {
    expect(phoneField({ phone }, 'phone')).toBe(phone);
  });

  test.each(['12345', '+1234567890123456', '555-CALL-NOW', '++44 20 7946 0000'])('refuses the phone number %s', (phone) => {
    expect(() => phoneField({ phone }, 'phone')).toThrow(/^field 'phone' must be a phone number of 6 to 15 digits/);
  });
});

describe('parseId', () => {
  test('accepts a UUID and answers it in lower case', () => {
    expect(parseId('id', '3F0C9A2E-5B1D-4C7E-9A8F-1E2D3C4B5A69')).toBe('3f0c9a2e-5b1d-4c7e-9a8f-1e2d3c4b5a69');
  });

  test('fails for anything else, shortening a long value in the message', () => {
    expect(() => parseId('id', 'x'.repeat(500))).toThrow(`id must be an id as returned by the API (a UUID such as 3f0c9a2e-5b1d-4c7e-9a8f-1e2d3c4b5a69), got '${'x'.repeat(40)}…'`);
    expect(() => parseId('id', 7)).toThrow('id must be a string id, got a number');
  });
});

describe('assertKnownFields', () => {
  test('names an unknown field', () => {
    expect(() => assertKnownFields({ name: 'x', city: 'Paris' }, ['name'])).toThrow(new BadRequest("unknown field 'city'; the accepted fields are name"));
  });

  test('repeats only a prefix of a 16,000-character field name', () => {
    // Prepare
    const body = { name: 'x', ['f'.repeat(16_000)]: 1 };
    // Act, Assess
    expect(() => assertKnownFields(body, ['name'])).toThrow(new BadRequest(`unknown field '${'f'.repeat(40)}…'; the accepted fields are name`));
  });

  test('lists the first few of many unknown fields and counts the rest', () => {
    // Prepare
    const body = Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`field${i}`, i]));
    // Act
    const error = (() => { try { assertKnownFields(body, ['name']); } catch (err) { return err as Error; } return undefined; })();
    // Assess
    expect(error?.message).toBe("unknown fields 'field0', 'field1', 'field2', 'field3', 'field4' and 1995 more; the accepted fields are name");
  });
});

describe('queryParameters', () => {
  test('answers the parameters given once', () => {
    const event = { queryStringParameters: { date: '2024-05-17' }, multiValueQueryStringParameters: { date: ['2024-05-17'] } };
    expect(queryParameters(event, ['date'])).toEqual({ date: '2024-05-17' });
  });

  test('repeats only a prefix of a 12 KB unknown key', () => {
    const key = 'k'.repeat(12 * 1024);
    const event = { queryStringParameters: { [key]: '1' }, multiValueQueryStringParameters: { [key]: ['1'] } };

    expect(() => queryParameters(event, ['date'])).toThrow(new BadRequest(`unknown query parameter '${'k'.repeat(40)}…'; the accepted parameters are date`));
  });

  test('answers a map without a prototype, and reads the repeat count only from the own entry', () => {
    const event = { queryStringParameters: { limit: '2' }, multiValueQueryStringParameters: {} };

    const query = queryParameters(event, ['limit', 'constructor']);

    expect(Object.getPrototypeOf(query)).toBeNull();
    expect(query).toEqual({ limit: '2' });
    expect(query.constructor).toBeUndefined();
  });

  test('answers an empty object when there is no query string', () => {
    expect(queryParameters({ queryStringParameters: null, multiValueQueryStringParameters: null }, ['date'])).toEqual({});
  });
});

describe('page tokens', () => {
  const LOCATION = '3f0c9a2e-5b1d-4c7e-9a8f-1e2d3c4b5a69';
  const sk = registrationSk(LOCATION, '2024-05-17T10:00:00.000Z', '0d7f3a4e-1b2c-4d5e-8f9a-0b1c2d3e4f5a');
  const dayList = { date: '2024-05-17', locationId: undefined };
  const placeList = { date: '2024-05-17', locationId: LOCATION };

  test('round-trip the sort key of the last item, for the same query', () => {
    expect(decodePageToken(encodePageToken(sk, dayList), REGISTRATION_SK_PATTERN, dayList)).toBe(sk);
    expect(decodePageToken(encodePageToken(sk, placeList), REGISTRATION_SK_PATTERN, placeList)).toBe(sk);
  });

  test('refuse the token of another date, naming both', () => {
    const token = encodePageToken(sk, dayList);

    expect(() => decodePageToken(token, REGISTRATION_SK_PATTERN, { ...dayList, date: '2024-05-18' })).toThrow(new BadRequest(
      "query parameter 'nextToken' belongs to another list: it was returned for date '2024-05-17', this request has date '2024-05-18'; " +
      'send it with the same date and locationId as the request that returned it, or omit it for the first page',
    ));
  });

  test('refuse the token of one location for the whole day, and the other way round', () => {
    expect(() => decodePageToken(encodePageToken(sk, placeList), REGISTRATION_SK_PATTERN, dayList))
      .toThrow(`it was returned for locationId '${LOCATION}', this request has no locationId;`);
    expect(() => decodePageToken(encodePageToken(sk, dayList), REGISTRATION_SK_PATTERN, placeList))
      .toThrow(`it was returned for no locationId, this request has locationId '${LOCATION}';`);
  });

  test('refuse the token of another list', () => {
    const locationToken = encodePageToken(LOCATION, {});
    expect(() => decodePageToken(locationToken, REGISTRATION_SK_PATTERN, {})).toThrow(/^query parameter 'nextToken' is not a token this list returned/);
    expect(decodePageToken(locationToken, LOCATION_SK_PATTERN, {})).toBe(LOCATION);
    expect(() => decodePageToken(encodePageToken(sk, dayList), LOCATION_SK_PATTERN, {})).toThrow(/^query parameter 'nextToken' is not a token this list returned/);
  });

  const token = (payload: unknown) => Buffer.from(JSON.stringify(payload)).toString('base64url');
  test.each([
    ['empty', ''],
    ['not base64url', 'not base64!'],
    ['an array', token([1, 2])],
    ['a number as the key', token({ sk: 42, q: {} })],
    ['without the query it belongs to (written before tokens carried it)', token({ sk: LOCATION })],
    ['with a query parameter the list does not have', token({ sk: LOCATION, q: { colour: 'red' } })],
    ['with a query value that is not a string', token({ sk: LOCATION, q: { date: 7 } })],
    ['null', token(null)],
  ])('refuse a forged token: %s', (_, forged) => {
    expect(() => decodePageToken(forged, LOCATION_SK_PATTERN, {})).toThrow(/^query parameter 'nextToken' is not a token this list returned/);
    expect(() => decodePageToken(forged, REGISTRATION_SK_PATTERN, dayList)).toThrow(/^query parameter 'nextToken' is not a token this list returned/);
  });
});

describe('isSwitchOn', () => {
  test.each([['true', true], ['false', false], ['1', false], ['TRUE', false], [undefined, false]])('%s turns the switch on: %s', (value, on) => {
    if (value === undefined) delete process.env.SOME_SWITCH;
    else process.env.SOME_SWITCH = value;
    expect(isSwitchOn('SOME_SWITCH')).toBe(on);
  });
});
