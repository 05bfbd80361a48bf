/**
 * The read-only sanity suite, run against prod after a release (`API_URL`), or
 * against the local mode it starts itself. It writes nothing.
 */
import { describe, test } from 'node:test';
import { expect } from 'expect';
import { request, useApiTarget } from '../integration/target';

/** Each read against a deployed stack. */
const EACH = { timeout: 30_000 };

const api = useApiTarget();

describe('the sample API answers (read-only)', () => {
  test('GET /version answers a version, a commit and an environment', EACH, async () => {
    const answer = await request(api().url, 'GET', '/version');

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ version: expect.any(String), commit: expect.any(String), environment: expect.any(String) });
    expect(answer.body.version).not.toBe('');
  });

  test('GET /locations answers a list of locations', EACH, async () => {
    const answer = await request(api().url, 'GET', '/locations?limit=10');

    expect(answer.status).toBe(200);
    expect(Array.isArray(answer.body.items)).toBe(true);
    expect(answer.body.items.length).toBeLessThanOrEqual(10);
    for (const location of answer.body.items) {
      expect(location).toEqual({ id: expect.any(String), name: expect.any(String), createdAt: expect.any(String) });
    }
  });
});
