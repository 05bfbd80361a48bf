import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Location } from '../../src/lib/locations-store';
import { Registration, RegistrationInput, RegistrationStore } from '../../src/lib/registrations-store';
import { matchPath } from '../../src/lib/routing';
import { toProxyEvent } from '../../src/local/event';
import { LOCAL_CLIENT_CONFIG, LocalTable, startLocalTable } from '../../src/local/table';

/**
 * Starts dynalite with the service's table and sets the environment the handlers
 * read when they load; require the handler module after this.
 */
export async function startHandlerTable(env: Record<string, string> = {}): Promise<LocalTable> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const table = await startLocalTable({ tableName: 'handler-test' });
  Object.assign(process.env, {
    TABLE_NAME: table.tableName,
    DYNAMODB_ENDPOINT: table.endpoint,
    POWERTOOLS_TRACE_ENABLED: 'false',
    ...env,
  });
  return table;
}

/** Every item of the table (a Scan: tests only), to check what a request wrote. */
export async function allItems(table: LocalTable): Promise<Array<Record<string, unknown>>> {
  const db = DynamoDBDocumentClient.from(new DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, endpoint: table.endpoint }));
  try {
    const { Items } = await db.send(new ScanCommand({ TableName: table.tableName }));
    return Items ?? [];
  } finally {
    db.destroy();
  }
}

/**
 * Stores a registration as if it was made at `now`, through the store the handler
 * uses: the API itself only registers today, and some lists need other days.
 */
export async function registerAt(table: LocalTable, input: RegistrationInput, location: Location, now: Date): Promise<Registration> {
  const db = DynamoDBDocumentClient.from(new DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, endpoint: table.endpoint }));
  try {
    return await new RegistrationStore(db, table.tableName).create(input, location, now);
  } finally {
    db.destroy();
  }
}

/** Options of {@link apiEvent}. */
export interface ApiEventOptions {
  /** A JSON value (serialized) or a raw string body. */
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

/**
 * The proxy event API Gateway sends for `method target` (`/registrations?date=…`),
 * built like the local server builds it; a JSON content-type is added for a body.
 */
export function apiEvent(method: string, target: string, options: ApiEventOptions = {}): APIGatewayProxyEvent {
  const path = new URL(target, 'http://127.0.0.1').pathname;
  const match = matchPath(path) ?? { resource: path, pathParameters: {} };
  const body = options.body === undefined
    ? Buffer.alloc(0)
    : Buffer.from(typeof options.body === 'string' ? options.body : JSON.stringify(options.body), 'utf8');
  const givesType = Object.keys(options.headers ?? {}).some((name) => name.toLowerCase() === 'content-type');
  const headers = { ...(options.body !== undefined && !givesType ? { 'Content-Type': 'application/json' } : {}), ...options.headers };
  return toProxyEvent({
    method,
    url: target,
    rawHeaders: Object.entries(headers).flat(),
    body,
    sourceIp: '127.0.0.1',
  }, match);
}

/** The JSON body of a response. */
export function bodyOf<T = Record<string, any>>(response: APIGatewayProxyResult): T {
  return JSON.parse(response.body) as T;
}
