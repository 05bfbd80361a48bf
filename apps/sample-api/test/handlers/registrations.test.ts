import type { ApiHandler } from '../../src/lib/handler';
import type { LocalTable } from '../../src/local/table';
import { encodePageToken } from '../../src/lib/validation';
import { allItems, apiEvent, bodyOf, registerAt, startHandlerTable } from './harness';

let table: LocalTable;
let registrations: ApiHandler;
let locations: ApiHandler;
let library: { id: string; name: string };
let cafeteria: { id: string; name: string };

const VISITOR = { name: 'Ada Lovelace', email: 'ada@example.com', phone: '+44 20 7946 0000' };
const UNKNOWN_ID = '3f0c9a2e-5b1d-4c7e-9a8f-1e2d3c4b5a69';

async function createLocation(name: string): Promise<{ id: string; name: string }> {
  const response = await locations(apiEvent('POST', '/locations', { body: { name } }));
  expect(response.statusCode).toBe(201);
  return bodyOf(response) as { id: string; name: string };
}

async function register(locationId: string, name: string): Promise<Record<string, any>> {
  const response = await registrations(apiEvent('POST', '/registrations', { body: { ...VISITOR, locationId, name } }));
  expect(response.statusCode).toBe(201);
  return bodyOf(response);
}

/** Registrations of a place come in creation order (ties within a millisecond in any order). */
function expectInCreationOrder(items: Array<{ createdAt: string }>): void {
  const times = items.map((item) => item.createdAt);
  expect(times).toEqual([...times].sort());
}

beforeAll(async () => {
  table = await startHandlerTable();
  registrations = (require('../../src/handlers/registrations') as typeof import('../../src/handlers/registrations')).handler;
  locations = (require('../../src/handlers/locations') as typeof import('../../src/handlers/locations')).handler;
  library = await createLocation('Library');
  cafeteria = await createLocation('Cafeteria');
});
afterAll(async () => {
  await table?.stop();
});

describe('registrations', () => {
  test("POST /registrations records a visitor at an existing location, dated today (UTC), with the location's name", async () => {
    // Act
    const response = await registrations(apiEvent('POST', '/registrations', { body: { locationId: library.id, ...VISITOR } }));
    // Assess
    expect(response.statusCode).toBe(201);
    const today = new Date().toISOString().slice(0, 10);
    expect(bodyOf(response)).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      locationId: library.id,
      locationName: 'Library',
      ...VISITOR,
      date: today,
      createdAt: expect.stringMatching(new RegExp(`^${today}T`)),
    });
  });

  test('POST /registrations answers 404 for a location that does not exist, and writes nothing', async () => {
    const before = await allItems(table);

    const response = await registrations(apiEvent('POST', '/registrations', { body: { locationId: UNKNOWN_ID, ...VISITOR } }));

    expect(response.statusCode).toBe(404);
    expect(bodyOf(response).message).toBe(
      `location '${UNKNOWN_ID}' does not exist; create it with POST /locations or pick one from GET /locations`,
    );
    expect(await allItems(table)).toEqual(before);
  });

  test('GET /registrations?date= answers the day\'s registrations, and &locationId= narrows them to one place', async () => {
    // Prepare: a fresh pair of places, so the counts are exact
    const north = await createLocation('North gate');
    const south = await createLocation('South gate');
    const first = await register(north.id, 'First at north');
    const second = await register(north.id, 'Second at north');
    const third = await register(south.id, 'First at south');
    const date = first.date as string;
    // Act
    const byDate = bodyOf(await registrations(apiEvent('GET', `/registrations?date=${date}`)));
    const byNorth = bodyOf(await registrations(apiEvent('GET', `/registrations?date=${date}&locationId=${north.id}`)));
    const bySouth = bodyOf(await registrations(apiEvent('GET', `/registrations?locationId=${south.id}&date=${date}`)));
    // Assess
    expect(byDate.items.map((r: { id: string }) => r.id)).toEqual(expect.arrayContaining([first.id, second.id, third.id]));
    expect(byNorth.items).toHaveLength(2);
    expect(byNorth.items).toEqual(expect.arrayContaining([first, second]));
    expectInCreationOrder(byNorth.items);
    expect(bySouth.items).toEqual([third]);
    for (const item of byDate.items) expect(item.date).toBe(date);
  });

  test('GET /registrations answers an empty list for a day without registrations', async () => {
    const response = await registrations(apiEvent('GET', '/registrations?date=1999-12-31'));

    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toEqual({ items: [] });
  });

  test('GET /registrations accepts 29 February of a leap year', async () => {
    const response = await registrations(apiEvent('GET', '/registrations?date=2024-02-29'));

    expect(response.statusCode).toBe(200);
  });

  test('GET /registrations pages through one location with limit and nextToken', async () => {
    // Prepare
    const hall = await createLocation('Hall');
    const made = [await register(hall.id, 'One'), await register(hall.id, 'Two'), await register(hall.id, 'Three')];
    const date = made[0].date as string;
    // Act
    const first = bodyOf(await registrations(apiEvent('GET', `/registrations?date=${date}&locationId=${hall.id}&limit=2`)));
    const second = bodyOf(await registrations(apiEvent('GET', `/registrations?date=${date}&locationId=${hall.id}&limit=2&nextToken=${first.nextToken}`)));
    const elsewhere = await registrations(apiEvent('GET', `/registrations?date=${date}&locationId=${library.id}&nextToken=${first.nextToken}`));
    // Assess
    expect(first.items).toHaveLength(2);
    expect(second.items).toHaveLength(1);
    expect([...first.items, ...second.items]).toEqual(expect.arrayContaining(made));
    expectInCreationOrder([...first.items, ...second.items]);
    expect(second.nextToken).toBeUndefined();
    expect(elsewhere.statusCode).toBe(400);
    expect(bodyOf(elsewhere).message).toMatch(/^query parameter 'nextToken' belongs to another list/);
  });

  describe('a nextToken belongs to the list (date and locationId) that returned it', () => {
    const DAY = '2024-05-17';
    const NEXT_DAY = '2024-05-18';
    let gate: { id: string; name: string; createdAt: string };
    let other: { id: string; name: string; createdAt: string };

    beforeAll(async () => {
      // Two days with registrations at two places, made directly in the table (the API only registers today)
      gate = { ...(await createLocation('Gate')), createdAt: '2024-01-01T00:00:00.000Z' };
      other = { ...(await createLocation('Other')), createdAt: '2024-01-01T00:00:00.000Z' };
      for (const day of [DAY, NEXT_DAY]) {
        for (const [place, hour] of [[gate, 9], [gate, 10], [other, 11], [gate, 12]] as const) {
          await registerAt(table, { ...VISITOR, locationId: place.id }, place, new Date(`${day}T${String(hour).padStart(2, '0')}:00:00.000Z`));
        }
      }
    });

    async function firstToken(query: string): Promise<string> {
      const page = bodyOf(await registrations(apiEvent('GET', `/registrations?${query}&limit=1`)));
      expect(page.nextToken).toEqual(expect.any(String));
      return page.nextToken as string;
    }

    test('used with the same date and locationId, it continues the list', async () => {
      const token = await firstToken(`date=${DAY}&locationId=${gate.id}`);

      const rest = bodyOf(await registrations(apiEvent('GET', `/registrations?date=${DAY}&locationId=${gate.id}&nextToken=${token}`)));

      expect(rest.items.map((item: { createdAt: string }) => item.createdAt)).toEqual([`${DAY}T10:00:00.000Z`, `${DAY}T12:00:00.000Z`]);
    });

    test('used with another date, it answers 400 instead of skipping that day\'s first items', async () => {
      // Prepare: a token after the 09:00 item of DAY, which the next day would start after
      const token = await firstToken(`date=${DAY}&locationId=${gate.id}`);
      // Act
      const response = await registrations(apiEvent('GET', `/registrations?date=${NEXT_DAY}&locationId=${gate.id}&nextToken=${token}`));
      // Assess
      expect(response.statusCode).toBe(400);
      expect(bodyOf(response).message).toBe(
        `query parameter 'nextToken' belongs to another list: it was returned for date '${DAY}', this request has date '${NEXT_DAY}'; ` +
        'send it with the same date and locationId as the request that returned it, or omit it for the first page',
      );
    });

    test('from a list at one location, used for the whole day, it answers 400 instead of skipping the other places', async () => {
      const token = await firstToken(`date=${DAY}&locationId=${gate.id}`);

      const response = await registrations(apiEvent('GET', `/registrations?date=${DAY}&nextToken=${token}`));

      expect(response.statusCode).toBe(400);
      expect(bodyOf(response).message).toMatch(
        new RegExp(`^query parameter 'nextToken' belongs to another list: it was returned for locationId '${gate.id}', this request has no locationId;`),
      );
    });

    test('from the whole day, used at one location, it answers 400', async () => {
      const token = await firstToken(`date=${DAY}`);

      const response = await registrations(apiEvent('GET', `/registrations?date=${DAY}&locationId=${gate.id}&nextToken=${token}`));

      expect(response.statusCode).toBe(400);
      expect(bodyOf(response).message).toMatch(/it was returned for no locationId, this request has locationId '/);
    });

    test('forged with the right query but a key of another day, it answers 400', async () => {
      const sk = `${gate.id}#${DAY}T10:00:00.000Z#0d7f3a4e-1b2c-4d5e-8f9a-0b1c2d3e4f5a`;
      const forged = encodePageToken(sk, { date: NEXT_DAY, locationId: gate.id });

      const response = await registrations(apiEvent('GET', `/registrations?date=${NEXT_DAY}&locationId=${gate.id}&nextToken=${forged}`));

      expect(response.statusCode).toBe(400);
      expect(bodyOf(response).message).toMatch(/^query parameter 'nextToken' is not a token this list returned/);
    });
  });

  test('a registration stays readable after its location is deleted', async () => {
    const kiosk = await createLocation('Kiosk');
    const made = await register(kiosk.id, 'Visitor');
    expect((await locations(apiEvent('DELETE', `/locations/${kiosk.id}`))).statusCode).toBe(204);

    const listed = bodyOf(await registrations(apiEvent('GET', `/registrations?date=${made.date}&locationId=${kiosk.id}`)));

    expect(listed.items).toEqual([made]);
    expect(listed.items[0].locationName).toBe('Kiosk');
  });

  describe('bad input answers 400 naming the problem and writes nothing', () => {
    const ok = () => ({ locationId: library.id, ...VISITOR });
    const bodies: Array<[string, () => unknown, RegExp]> = [
      ['a missing locationId', () => ({ ...VISITOR }), /^field 'locationId' is required$/],
      ['a locationId of the wrong type', () => ({ ...ok(), locationId: 12 }), /^field 'locationId' must be a string id, got a number$/],
      ['an invalid locationId', () => ({ ...ok(), locationId: 'library' }), /^field 'locationId' must be an id as returned by the API .*, got 'library'$/],
      ['a missing name', () => ({ ...ok(), name: undefined }), /^field 'name' is required$/],
      ['a name of the wrong type', () => ({ ...ok(), name: ['Ada'] }), /^field 'name' must be a string, got an array$/],
      ['a name of 101 characters', () => ({ ...ok(), name: 'a'.repeat(101) }), /^field 'name' is 101 characters long; the limit is 100$/],
      ['a name of invisible characters', () => ({ ...ok(), name: '\u200B\u200E' }), /^field 'name' has no visible character/],
      ['a name with a bidi override', () => ({ ...ok(), name: 'Ada \u202ELovelace' }), /^field 'name' must not contain bidirectional control characters/],
      ['an email with a zero-width space', () => ({ ...ok(), email: 'ada\u200B@example.com' }), /^field 'email' must be an e-mail address such as name@example.com, got 'ada\\u\{200B\}@example.com'$/],
      ['a missing email', () => ({ ...ok(), email: undefined }), /^field 'email' is required$/],
      ['an invalid email', () => ({ ...ok(), email: 'ada.example.com' }), /^field 'email' must be an e-mail address such as name@example.com, got 'ada.example.com'$/],
      ['an email of 255 characters', () => ({ ...ok(), email: `${'a'.repeat(243)}@example.com` }), /^field 'email' is 255 characters long; the limit is 254$/],
      ['a missing phone', () => ({ ...ok(), phone: undefined }), /^field 'phone' is required$/],
      ['a phone with letters', () => ({ ...ok(), phone: 'call me' }), /^field 'phone' must be a phone number of 6 to 15 digits/],
      ['a phone with too few digits', () => ({ ...ok(), phone: '12345' }), /got '12345'$/],
      ['a phone of the wrong type', () => ({ ...ok(), phone: 441234567 }), /^field 'phone' must be a string, got a number$/],
      ['an unknown field', () => ({ ...ok(), age: 36 }), /^unknown field 'age'; the accepted fields are locationId, name, email, phone$/],
      ['malformed JSON', () => '{"locationId":', /^request body is not valid JSON/],
      ['a __proto__ field holding the fields', () => `{"__proto__": ${JSON.stringify(ok())}}`, /^unknown field '__proto__'/],
      ['a constructor field', () => `{"constructor": {"name": "x"}, ${JSON.stringify(ok()).slice(1)}`, /^unknown field 'constructor'/],
    ];

    test.each(bodies)('POST /registrations with %s', async (_, body, message) => {
      const before = await allItems(table);

      const response = await registrations(apiEvent('POST', '/registrations', { body: body() }));

      expect(response.statusCode).toBe(400);
      expect(bodyOf(response).message).toMatch(message);
      expect(await allItems(table)).toEqual(before);
    });

    const queries: Array<[string, string, RegExp]> = [
      ['no date', '', /^query parameter 'date' is required, in the form YYYY-MM-DD/],
      ['30 February', 'date=2024-02-30', /^query parameter 'date' '2024-02-30' is not a date: February 2024 has 29 days$/],
      ['29 February of a common year', 'date=2023-02-29', /February 2023 has 28 days$/],
      ['month 13', 'date=2024-13-01', /^query parameter 'date' '2024-13-01' is not a date: month 13 does not exist$/],
      ['day 00', 'date=2024-05-00', /May 2024 has 31 days$/],
      ['another date format', 'date=17/05/2024', /^query parameter 'date' must be a date in the form YYYY-MM-DD, got '17\/05\/2024'$/],
      ['an invalid locationId', 'date=2024-05-17&locationId=42', /^query parameter 'locationId' must be an id/],
      ['a parameter named hasOwnProperty', 'date=2024-05-17&hasOwnProperty=x', /^unknown query parameter 'hasOwnProperty'/],
      ['a parameter named __proto__', '__proto__=x&date=2024-05-17', /^unknown query parameter '__proto__'/],
      ['an unknown parameter', 'date=2024-05-17&location=x', /^unknown query parameter 'location'; the accepted parameters are date, locationId, limit, nextToken$/],
      ['a limit above 100', 'date=2024-05-17&limit=101', /^query parameter 'limit' must be a whole number from 1 to 100, got '101'$/],
      ['a forged nextToken', 'date=2024-05-17&nextToken=%%%', /^query parameter 'nextToken' is not a token this list returned/],
    ];

    test.each(queries)('GET /registrations with %s', async (_, query, message) => {
      const response = await registrations(apiEvent('GET', `/registrations?${query}`));

      expect(response.statusCode).toBe(400);
      expect(bodyOf(response).message).toMatch(message);
    });
  });
});
