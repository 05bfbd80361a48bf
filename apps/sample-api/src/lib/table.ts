import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { tracer } from './tracer';

/*
 * The item layout of the one DynamoDB table (key `pk` string / `sk` string).
 *
 *   item           pk                  sk                                   other attributes
 *   location       LOCATION            <locationId>                         id, name, createdAt
 *   registration   REG#<YYYY-MM-DD>    <locationId>#<createdAt>#<regId>     id, locationId, locationName,
 *                                                                           name, email, phone, date, createdAt
 *
 * Every read is a GetItem or a Query, never a Scan:
 *   - list locations                  Query pk = LOCATION
 *   - one location                    GetItem LOCATION / <id>
 *   - a day's registrations           Query pk = REG#<date>
 *   - a day's registrations at a place Query pk = REG#<date> AND begins_with(sk, '<locationId>#')
 *     (sorted by creation time, since createdAt is an ISO-8601 UTC timestamp)
 *
 * Ids are random UUIDs; the date of a registration is the UTC day it was created.
 * A registration keeps the location's name as it was then, so deleting a location
 * leaves that day's registrations readable.
 *
 * Nothing is half-written: every request writes at most one item, with a condition
 * (a create never overwrites, a delete only removes what exists), and all input is
 * checked before the first call. A registration reads its location (GetItem) and
 * then writes itself; a location deleted between the two still gets that one
 * registration, which stays readable like any other. (A TransactWriteItems with a
 * ConditionCheck would close that gap, but dynalite, the local mode's store, does
 * not implement transactions.)
 *
 * DynamoDB actions per function (for least-privilege table rights):
 *   locations      dynamodb:GetItem, dynamodb:PutItem, dynamodb:DeleteItem, dynamodb:Query
 *   registrations  dynamodb:GetItem (the location exists), dynamodb:PutItem, dynamodb:Query
 *   version        none
 */

/** The partition key of every location. */
export const LOCATION_PK = 'LOCATION';

/** The partition key of the registrations of a day. */
export function registrationPk(date: string): string {
  return `REG#${date}`;
}

/** The sort key of a registration. */
export function registrationSk(locationId: string, createdAt: string, id: string): string {
  return `${locationId}#${createdAt}#${id}`;
}

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
/** What a location's sort key looks like (checked in page tokens). */
export const LOCATION_SK_PATTERN = new RegExp(`^${UUID}$`);
/** What a registration's sort key looks like (checked in page tokens). */
export const REGISTRATION_SK_PATTERN = new RegExp(`^${UUID}#\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z#${UUID}$`);

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * What the sort key of a registration in the list of `date` (at `locationId`, when
 * given) looks like: registered that UTC day, at that location. A page token's key
 * outside it would start the query outside the list, which DynamoDB refuses (with a
 * locationId) or which skips items.
 */
export function registrationSkPattern(date: string, locationId?: string): RegExp {
  const location = locationId === undefined ? UUID : escapeRegExp(locationId);
  return new RegExp(`^${location}#${escapeRegExp(date)}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z#${UUID}$`);
}

/** Credentials for a local DynamoDB-compatible endpoint, which checks none. */
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/**
 * The DynamoDB document client of a function, created once per container (call it
 * at module scope) and traced by the function's Tracer. With `DYNAMODB_ENDPOINT`
 * set (local mode, tests) it talks to that endpoint with placeholder credentials
 * and never looks for real ones.
 */
export function createDocumentClient(): DynamoDBDocumentClient {
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  const client = new DynamoDBClient(
    endpoint
      ? { endpoint, region: process.env.AWS_REGION ?? 'us-east-1', credentials: LOCAL_CREDENTIALS, maxAttempts: 2 }
      : {},
  );
  tracer.captureAWSv3Client(client);
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

/** Whether an error is DynamoDB refusing a conditional write. */
export function isConditionFailed(err: unknown): boolean {
  return (err as { name?: string } | null)?.name === 'ConditionalCheckFailedException';
}
