import { requireEnv, isSwitchOn } from '../lib/env';
import { NotFound } from '../lib/errors';
import { apiHandler } from '../lib/handler';
import { json, noContent, parseJsonBody } from '../lib/http';
import { LocationStore } from '../lib/locations-store';
import { createDocumentClient, LOCATION_SK_PATTERN } from '../lib/table';
import {
  assertKnownFields,
  decodePageToken,
  encodePageToken,
  MAX_NAME_LENGTH,
  parseId,
  parseLimit,
  queryParameters,
  textField,
} from '../lib/validation';

const TABLE_NAME = requireEnv('TABLE_NAME', 'the DynamoDB table of the service');
const SIMULATE_FAILURE = isSwitchOn('SIMULATE_FAILURE');
const store = new LocationStore(createDocumentClient(), TABLE_NAME);

const EXAMPLE = '{"name": "Main entrance"}';

/**
 * Locations: `POST /locations` `{ name }` → 201 with the new location;
 * `GET /locations[?limit=&nextToken=]` → `{ items, nextToken? }`;
 * `GET /locations/{id}` → 200 or 404; `DELETE /locations/{id}` → 204 or 404.
 */
export const handler = apiHandler('locations', {
  'POST /locations': async ({ event }) => {
    const body = parseJsonBody(event, EXAMPLE);
    assertKnownFields(body, ['name']);
    const name = textField(body, 'name', MAX_NAME_LENGTH);
    const location = await store.create(name);
    return json(201, location, { location: `/locations/${location.id}` });
  },

  'GET /locations': async ({ event }) => {
    const query = queryParameters(event, ['limit', 'nextToken']);
    const limit = parseLimit(query.limit);
    // One list of locations: its tokens are bound to no query parameter.
    const startAfter = query.nextToken !== undefined ? decodePageToken(query.nextToken, LOCATION_SK_PATTERN, {}) : undefined;
    const page = await store.list(limit, startAfter);
    return json(200, {
      items: page.items,
      ...(page.lastSortKey ? { nextToken: encodePageToken(page.lastSortKey, {}) } : {}),
    });
  },

  'GET /locations/{id}': async ({ pathParameters }) => {
    const id = parseId("path parameter 'id'", pathParameters.id);
    const location = await store.get(id);
    if (!location) throw new NotFound(`location '${id}' does not exist`);
    return json(200, location);
  },

  'DELETE /locations/{id}': async ({ pathParameters }) => {
    const id = parseId("path parameter 'id'", pathParameters.id);
    if (!(await store.delete(id))) throw new NotFound(`location '${id}' does not exist`);
    return noContent();
  },
}, { simulateFailure: SIMULATE_FAILURE });
