import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { quote } from '../lib/echo';
import { BadRequest } from '../lib/errors';
import { emptyRecord } from '../lib/records';
import type { PathMatch } from '../lib/routing';

/** A request as the local server read it. */
export interface LocalRequest {
  readonly method: string;
  /** The request target: path and query string, e.g. `/registrations?date=2024-05-17`. */
  readonly url: string;
  /** Header names and values in the order and case the client sent them (Node's `rawHeaders`). */
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
  readonly sourceIp: string;
}

/** The stage name the local mode puts in `requestContext`. */
export const LOCAL_STAGE = 'local';

/** The origin a request path is resolved against. */
const LOCAL_ORIGIN = 'http://127.0.0.1';

/**
 * The request target (the second word of the request line) as a URL, of which the
 * local server uses the path and the query string. Two forms are accepted: a path
 * (`/locations?limit=2`) and an http(s) URL (`http://127.0.0.1:3000/locations`, as
 * proxies send). Anything else is a `BadRequest` (400), not a 500: a target no URL
 * parser reads (`//a:99999/`, `http://[/locations`), and a path that a URL parser
 * reads as naming a host (`//host/locations`, `/\host/locations`), which would
 * otherwise be served quietly as `/locations`.
 */
export function parseRequestTarget(target: string): URL {
  const invalid = () => new BadRequest(
    `request target ${quote(target)} is not a path; send a path that starts with a single '/', such as /locations?limit=10`,
  );
  const absolute = /^https?:\/\//i.test(target);
  // After the first '/', a second '/' or a '\' starts a host for a URL parser.
  if (!absolute && !/^\/(?![/\\])/.test(target)) throw invalid();
  try {
    return absolute ? new URL(target) : new URL(target, LOCAL_ORIGIN);
  } catch {
    throw invalid();
  }
}

/**
 * The API Gateway REST API proxy event (payload format 1.0) for a request whose
 * path matched a route: `resource` and `pathParameters` from the match, headers in
 * the client's case (single- and multi-value), the query string decoded (the last
 * value wins in the single-value map, as in API Gateway), the body as a UTF-8 string
 * (`null` when empty), and a `requestContext` like the one of a real stage.
 *
 * The maps have no prototype: a header or a query parameter named `constructor` or
 * `__proto__` is a key like any other, as in the parsed JSON event Lambda receives.
 *
 * @throws BadRequest when the request target is not a path (`parseRequestTarget`)
 */
export function toProxyEvent(request: LocalRequest, match: PathMatch, now: Date = new Date()): APIGatewayProxyEvent {
  const url = parseRequestTarget(request.url);
  const headers = emptyRecord<string>();
  const multiValueHeaders = emptyRecord<string[]>();
  for (let i = 0; i + 1 < request.rawHeaders.length; i += 2) {
    const [name, value] = [request.rawHeaders[i], request.rawHeaders[i + 1]];
    headers[name] = value;
    (multiValueHeaders[name] ??= []).push(value);
  }
  let queryStringParameters: Record<string, string> | null = null;
  let multiValueQueryStringParameters: Record<string, string[]> | null = null;
  for (const [key, value] of url.searchParams) {
    (queryStringParameters ??= emptyRecord())[key] = value;
    ((multiValueQueryStringParameters ??= emptyRecord())[key] ??= []).push(value);
  }
  const hasParameters = Object.keys(match.pathParameters).length > 0;
  const requestId = randomUUID();
  const userAgent = headers['User-Agent'] ?? headers['user-agent'] ?? null;
  return {
    resource: match.resource,
    path: url.pathname,
    httpMethod: request.method.toUpperCase(),
    headers,
    multiValueHeaders,
    queryStringParameters,
    multiValueQueryStringParameters,
    pathParameters: hasParameters ? Object.assign(emptyRecord<string>(), match.pathParameters) : null,
    stageVariables: null,
    body: request.body.length > 0 ? request.body.toString('utf8') : null,
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer: undefined,
      protocol: 'HTTP/1.1',
      httpMethod: request.method.toUpperCase(),
      path: `/${LOCAL_STAGE}${url.pathname}`,
      stage: LOCAL_STAGE,
      requestId,
      requestTime: now.toISOString(),
      requestTimeEpoch: now.getTime(),
      resourceId: 'local',
      resourcePath: match.resource,
      domainName: url.host,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: request.sourceIp,
        user: null,
        userAgent,
        userArn: null,
      },
    },
  };
}

/** A Lambda context for a local invocation of the function `functionName`. */
export function localContext(functionName: string, requestId: string, timeoutMs = 30_000): Context {
  const deadline = Date.now() + timeoutMs;
  const unsupported = () => {
    throw new Error('the callback-style context methods are not supported in local mode');
  };
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    // eslint-disable-next-line @cdklabs/no-literal-partition -- the local mode's made-up ARN (region "local"): it never reaches AWS
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}

/** Reads a request body, refusing more than `maxBytes` (`undefined` when over). */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) over = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(over ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Writes a proxy result (status, single- and multi-value headers, body) to a response. */
export function writeProxyResult(res: ServerResponse, result: APIGatewayProxyResult): void {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) headers[name] = values.map(String);
  const body = result.isBase64Encoded ? Buffer.from(result.body, 'base64') : Buffer.from(result.body ?? '', 'utf8');
  res.writeHead(result.statusCode, { ...headers, 'content-length': String(body.length) });
  res.end(body);
}
