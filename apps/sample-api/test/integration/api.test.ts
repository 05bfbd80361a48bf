/**
 * The integration suite: the full flow against `API_URL` (the dev stack, in the
 * pipeline) or, without it, against the local mode it starts itself. Safe to run
 * again and again against a shared stack: everything it creates carries a unique
 * run id, and it deletes the location it created.
 */
import { randomUUID } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { expect } from 'expect';
import { listAll, request, useApiTarget } from './target';

/** Each test against a deployed stack: a cold start and a few calls. */
const EACH = { timeout: 60_000 };

const api = useApiTarget();
const RUN = `integ-${Date.now().toString(36)}-${randomUUID().slice(0, 6)}`;
const SEED = ['Main entrance', 'Library', 'Cafeteria'];
const VISITOR = { email: 'visitor@example.com', phone: '+31 20 123 4567' };

/** Shared by the flow's steps, in order. */
const state: { location?: { id: string; name: string }; other?: { id: string; name: string }; date?: string; registrations: string[] } = {
  registrations: [],
};

const call = (method: string, path: string, options?: Parameters<typeof request>[3]) => request(api().url, method, path, options);

after(async () => {
  // Leave the shared stack as it was, but for the registrations (which cannot be deleted).
  if (state.location) await call('DELETE', `/locations/${state.location.id}`).catch(() => undefined);
});

describe('the sample API, full flow', () => {
  test('GET /version answers the version, commit and environment', EACH, async () => {
    const answer = await call('GET', '/version');

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ version: expect.any(String), commit: expect.any(String), environment: expect.any(String) });
    expect(answer.body.version).not.toBe('');
    if (api().local) expect(answer.body.environment).toBe('local');
  });

  test('seeds locations when there are none', EACH, async () => {
    if ((await listAll(api().url, '/locations')).length === 0) {
      for (const name of SEED) expect((await call('POST', '/locations', { json: { name } })).status).toBe(201);
    }

    expect((await listAll(api().url, '/locations')).length).toBeGreaterThan(0);
  });

  test('creates a location and reads it back by id', EACH, async () => {
    // Act
    const created = await call('POST', '/locations', { json: { name: `${RUN} hall` } });
    // Assess
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.any(String), name: `${RUN} hall`, createdAt: expect.any(String) });
    state.location = created.body;
    const read = await call('GET', `/locations/${created.body.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);
    expect((await listAll(api().url, '/locations')).map((l) => l.id)).toContain(created.body.id);
  });

  test('registers visitors, then finds them by date and by location', EACH, async () => {
    // Prepare: our location, and another one (a seeded one, or any that exists)
    const location = state.location!;
    const other = (await listAll(api().url, '/locations')).find((l) => l.id !== location.id);
    expect(other).toBeDefined();
    state.other = other;
    // Act
    const made = [];
    for (const [where, who] of [[location, 'first'], [location, 'second'], [other, 'third']] as const) {
      const answer = await call('POST', '/registrations', { json: { locationId: where.id, name: `${RUN} ${who}`, ...VISITOR } });
      expect(answer.status).toBe(201);
      expect(answer.body).toMatchObject({ locationId: where.id, locationName: where.name, name: `${RUN} ${who}`, ...VISITOR });
      made.push(answer.body);
    }
    state.registrations = made.map((r) => r.id);
    // Assess: the day's list has all three (they may straddle midnight UTC: query each one's day)
    for (const registration of made) {
      const day = await listAll(api().url, `/registrations?date=${registration.date}`);
      expect(day.find((r) => r.id === registration.id)).toEqual(registration);
      for (const item of day) expect(item.date).toBe(registration.date);
    }
    // …and narrowed to a location, only that location's
    const date = made[0].date as string;
    state.date = date;
    const atOurs = await listAll(api().url, `/registrations?date=${date}&locationId=${location.id}`);
    expect(atOurs.map((r) => r.id).sort()).toEqual(made.filter((r) => r.date === date && r.locationId === location.id).map((r) => r.id).sort());
    const atOther = await listAll(api().url, `/registrations?date=${made[2].date}&locationId=${other.id}`);
    expect(atOther.map((r) => r.id)).toContain(made[2].id);
    for (const item of atOther) expect(item.locationId).toBe(other.id);
  });

  test('registering at a location that does not exist answers 404 and stores nothing', EACH, async () => {
    const ghost = randomUUID();

    const answer = await call('POST', '/registrations', { json: { locationId: ghost, name: `${RUN} ghost`, ...VISITOR } });

    expect(answer.status).toBe(404);
    expect(answer.body.message).toContain(ghost);
    const today = new Date().toISOString().slice(0, 10);
    expect((await listAll(api().url, `/registrations?date=${today}`)).some((r) => r.name === `${RUN} ghost`)).toBe(false);
  });

  describe('bad input answers 4xx with a message naming the problem', () => {
    const valid = () => ({ locationId: state.location!.id, name: `${RUN} bad`, ...VISITOR });
    const cases: Array<[string, string, string | (() => string), () => Parameters<typeof request>[3], number, RegExp]> = [
      ['malformed JSON', 'POST', '/locations', () => ({ raw: `{"name": "${RUN} bad`, headers: { 'content-type': 'application/json' } }), 400, /not valid JSON/],
      ['a name of the wrong type', 'POST', '/locations', () => ({ json: { name: 42 } }), 400, /'name' must be a string/],
      ['a missing name', 'POST', '/locations', () => ({ json: {} }), 400, /'name' is required/],
      ['a name of 101 characters', 'POST', '/locations', () => ({ json: { name: `${RUN} bad ${'x'.repeat(100)}` } }), 400, /'name' is \d+ characters long; the limit is 100/],
      ['an unknown field', 'POST', '/locations', () => ({ json: { name: `${RUN} bad`, city: 'Paris' } }), 400, /unknown field 'city'/],
      ['a body declared as text', 'POST', '/locations', () => ({ raw: `{"name": "${RUN} bad"}`, headers: { 'content-type': 'text/plain' } }), 415, /content-type must be application\/json/],
      ['an oversized body', 'POST', '/locations', () => ({ json: { name: `${RUN} bad`, pad: 'x'.repeat(20_000) } }), 413, /the limit is 16384 bytes/],
      ['an invalid email', 'POST', '/registrations', () => ({ json: { ...valid(), email: 'nobody' } }), 400, /'email' must be an e-mail address/],
      ['a missing phone', 'POST', '/registrations', () => ({ json: { ...valid(), phone: undefined } }), 400, /'phone' is required/],
      ['a phone with letters', 'POST', '/registrations', () => ({ json: { ...valid(), phone: 'ring ring' } }), 400, /'phone' must be a phone number/],
      ['an invalid locationId', 'POST', '/registrations', () => ({ json: { ...valid(), locationId: 'hall' } }), 400, /'locationId' must be an id/],
      ['an oversized registration', 'POST', '/registrations', () => ({ json: { ...valid(), name: 'y'.repeat(17_000) } }), 413, /the limit is 16384 bytes/],
      ['an invalid date (30 February)', 'GET', '/registrations?date=2024-02-30', () => ({}), 400, /February 2024 has 29 days/],
      ['no date', 'GET', '/registrations', () => ({}), 400, /'date' is required/],
      ['a date in another format', 'GET', '/registrations?date=30-01-2024', () => ({}), 400, /form YYYY-MM-DD/],
      ['an invalid id', 'GET', '/locations/not-an-id', () => ({}), 400, /'id' must be an id/],
      ['an unknown id', 'GET', () => `/locations/${randomUUID()}`, () => ({}), 404, /does not exist/],
      ['an unknown path', 'GET', '/visitors', () => ({}), 404, /\S/],
      ['a method the path does not serve', 'PUT', '/locations', () => ({ json: { name: `${RUN} bad` } }), 405, /\S/],
    ];

    for (const [name, method, path, options, status, message] of cases) {
      test(name, EACH, async () => {
        const answer = await call(method, typeof path === 'function' ? path() : path, options());

        expect(answer.status).toBe(status);
        expect(answer.body).toEqual({ message: expect.any(String) });
        expect(answer.body.message).toMatch(message);
      });
    }

    test('wrote nothing', EACH, async () => {
      const today = new Date().toISOString().slice(0, 10);
      const days = [...new Set([today, state.date!])];
      for (const day of days) {
        expect((await listAll(api().url, `/registrations?date=${day}`)).filter((r) => String(r.name).startsWith(`${RUN} bad`))).toEqual([]);
      }
      expect((await listAll(api().url, '/locations')).filter((l) => String(l.name).startsWith(`${RUN} bad`))).toEqual([]);
    });
  });

  test('deletes a location; its registrations stay readable', EACH, async () => {
    const location = state.location!;

    const deleted = await call('DELETE', `/locations/${location.id}`);

    expect(deleted.status).toBe(204);
    expect((await call('GET', `/locations/${location.id}`)).status).toBe(404);
    expect((await call('DELETE', `/locations/${location.id}`)).status).toBe(404);
    const kept = await listAll(api().url, `/registrations?date=${state.date}&locationId=${location.id}`);
    expect(kept.map((r) => r.id)).toEqual(expect.arrayContaining(state.registrations.slice(0, 2)));
    state.location = undefined;
  });
});
