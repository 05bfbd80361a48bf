import { isSwitchOn, requireEnv } from '../lib/env';
import { BadRequest, NotFound } from '../lib/errors';
import { apiHandler } from '../lib/handler';
import { json, parseJsonBody } from '../lib/http';
import { LocationStore } from '../lib/locations-store';
import { RegistrationStore } from '../lib/registrations-store';
import { createDocumentClient, registrationSkPattern } from '../lib/table';
import {
  assertKnownFields,
  decodePageToken,
  emailField,
  encodePageToken,
  MAX_NAME_LENGTH,
  parseDate,
  parseId,
  parseLimit,
  phoneField,
  queryParameters,
  textField,
} from '../lib/validation';

const TABLE_NAME = requireEnv('TABLE_NAME', 'the DynamoDB table of the service');
const SIMULATE_FAILURE = isSwitchOn('SIMULATE_FAILURE');
const db = createDocumentClient();
const locations = new LocationStore(db, TABLE_NAME);
const registrations = new RegistrationStore(db, TABLE_NAME);

const EXAMPLE = '{"locationId": "<id from POST /locations>", "name": "Ada Lovelace", "email": "ada@example.com", "phone": "+44 20 7946 0000"}';
const FIELDS = ['locationId', 'name', 'email', 'phone'];

/**
 * Registrations: `POST /registrations` `{ locationId, name, email, phone }` → 201
 * (404 when the location does not exist); `GET /registrations?date=YYYY-MM-DD
 * [&locationId=][&limit=][&nextToken=]` → `{ items, nextToken? }`, that UTC day's
 * registrations.
 */
export const handler = apiHandler('registrations', {
  'POST /registrations': async ({ event }) => {
    const body = parseJsonBody(event, EXAMPLE);
    assertKnownFields(body, FIELDS);
    if (body.locationId === undefined) throw new BadRequest("field 'locationId' is required");
    const input = {
      locationId: parseId("field 'locationId'", body.locationId),
      name: textField(body, 'name', MAX_NAME_LENGTH),
      email: emailField(body, 'email'),
      phone: phoneField(body, 'phone'),
    };
    const location = await locations.get(input.locationId);
    if (!location) {
      throw new NotFound(`location '${input.locationId}' does not exist; create it with POST /locations or pick one from GET /locations`);
    }
    const registration = await registrations.create(input, location);
    return json(201, registration);
  },

  'GET /registrations': async ({ event }) => {
    const query = queryParameters(event, ['date', 'locationId', 'limit', 'nextToken']);
    if (query.date === undefined) {
      throw new BadRequest("query parameter 'date' is required, in the form YYYY-MM-DD (e.g. /registrations?date=2024-05-17)");
    }
    const date = parseDate("query parameter 'date'", query.date);
    const locationId = query.locationId !== undefined ? parseId("query parameter 'locationId'", query.locationId) : undefined;
    const limit = parseLimit(query.limit);
    // A token continues only the list it came from: this date, with or without this locationId.
    const list = { date, locationId };
    const startAfter = query.nextToken !== undefined
      ? decodePageToken(query.nextToken, registrationSkPattern(date, locationId), list)
      : undefined;
    const page = await registrations.listByDate(date, { locationId, limit, startAfter });
    return json(200, {
      items: page.items,
      ...(page.lastSortKey ? { nextToken: encodePageToken(page.lastSortKey, list) } : {}),
    });
  },
}, { simulateFailure: SIMULATE_FAILURE });
