import { execFileSync } from 'node:child_process';
import { createServer, IncomingMessage, maxHeaderSize, ServerResponse, STATUS_CODES } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { shorten } from '../lib/echo';
import { BadRequest, HeadersTooLarge, PayloadTooLarge, RequestTimeout } from '../lib/errors';
import type { ApiHandler } from '../lib/handler';
import { errorResponse } from '../lib/http';
import { matchPath, methodNotAllowed, unknownRoute } from '../lib/routing';
import { Route, ROUTES } from '../routes';
import { localContext, parseRequestTarget, readBody, toProxyEvent, writeProxyResult } from './event';
import { LocalTable, startLocalTable } from './table';

/** API Gateway's payload limit for REST APIs, which the local server applies too. */
export const MAX_REQUEST_BYTES = 10 * 1024 * 1024;

/** Options of {@link startLocalApi}. */
export interface LocalApiOptions {
  /**
   * The port of the HTTP server, on 127.0.0.1.
   * @default 0 (a free port)
   */
  readonly port?: number;
  /**
   * What `GET /version` answers as `version`.
   * @default - `APP_VERSION` when set, else 'local'
   */
  readonly version?: string;
  /**
   * What `GET /version` answers as `commit`.
   * @default - `APP_COMMIT` when set, else the short commit of the working tree, else 'unknown'
   */
  readonly commit?: string;
  /**
   * What `GET /version` answers as `environment`.
   * @default 'local'
   */
  readonly environment?: string;
  /**
   * Run the handlers with `SIMULATE_FAILURE=true` (locations and registrations answer 500).
   * @default false
   */
  readonly simulateFailure?: boolean;
  /**
   * Receives one line per request (`GET /locations → 200 (3 ms)`).
   * @default - no request log
   */
  readonly log?: (line: string) => void;
}

/** A running local API. */
export interface LocalApi {
  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  readonly url: string;
  /** Stops the HTTP server and, with the last local API of the process, the in-memory table. */
  stop(): Promise<void>;
}

/**
 * The handler modules read their environment once, when they load (as in Lambda),
 * so one process has one set of handler settings and one table endpoint. The table
 * is shared by the local APIs running in the process and stops with the last one;
 * a later start brings a fresh, empty table back on the same port.
 */
interface HandlerBinding {
  readonly settings: Readonly<Record<string, string>>;
  readonly tablePort: number;
  readonly handlers: Readonly<Record<Route['handler'], ApiHandler>>;
}
let binding: HandlerBinding | undefined;
let sharedTable: { readonly table: Promise<LocalTable>; users: number } | undefined;

const TABLE_NAME = 'sample-api-local';

function gitCommit(): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: __dirname, stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 })
      .toString().trim() || undefined;
  } catch {
    return undefined;
  }
}

function handlerSettings(options: LocalApiOptions): Record<string, string> {
  return {
    APP_VERSION: options.version ?? process.env.APP_VERSION ?? 'local',
    APP_COMMIT: options.commit ?? process.env.APP_COMMIT ?? gitCommit() ?? 'unknown',
    APP_ENVIRONMENT: options.environment ?? 'local',
    SIMULATE_FAILURE: options.simulateFailure ? 'true' : 'false',
  };
}

async function acquireTable(port: number): Promise<LocalTable> {
  if (!sharedTable) {
    const table = startLocalTable({ port, tableName: TABLE_NAME });
    sharedTable = { table, users: 0 };
    table.catch(() => { sharedTable = undefined; });
  }
  sharedTable.users++;
  return sharedTable.table;
}

async function releaseTable(): Promise<void> {
  if (!sharedTable) return;
  sharedTable.users--;
  if (sharedTable.users > 0) return;
  const { table } = sharedTable;
  sharedTable = undefined;
  await (await table).stop();
}

function loadHandlers(settings: Record<string, string>, table: LocalTable): HandlerBinding {
  Object.assign(process.env, settings, {
    TABLE_NAME: table.tableName,
    DYNAMODB_ENDPOINT: table.endpoint,
    POWERTOOLS_TRACE_ENABLED: 'false',
    POWERTOOLS_SERVICE_NAME: 'sample-api-local',
  });
  // The very modules Lambda runs, loaded after their environment is set.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const handlers = {
    version: (require('../handlers/version') as typeof import('../handlers/version')).handler,
    locations: (require('../handlers/locations') as typeof import('../handlers/locations')).handler,
    registrations: (require('../handlers/registrations') as typeof import('../handlers/registrations')).handler,
  };
  /* eslint-enable @typescript-eslint/no-require-imports */
  return { settings, tablePort: table.port, handlers };
}

/**
 * Runs the API locally: an in-memory DynamoDB-compatible server (dynalite) with the
 * service's table, and an HTTP server on 127.0.0.1 that turns each request into an
 * API Gateway proxy event and calls the same handler modules Lambda runs, routed
 * by the route table (404 for an unknown path, 405 for a wrong method, 413 above
 * API Gateway's 10 MB, 400 for a request target that is not a path, and a JSON 400
 * or 431 for a request Node's HTTP parser refuses).
 *
 * Within one process the handler settings (`version`, `commit`, `environment`,
 * `simulateFailure`) are fixed by the first start, as the handlers read them once.
 */
export async function startLocalApi(options: LocalApiOptions = {}): Promise<LocalApi> {
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`port must be a whole number from 0 to 65535 (0 picks a free port), got ${port}`);
  }
  // The SDK only accepts 'true' here; local mode runs on whatever Node the developer has.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const settings = handlerSettings(options);
  if (binding) {
    const changed = Object.keys(settings).filter((key) => settings[key] !== binding!.settings[key]);
    if (changed.length > 0) {
      throw new Error(
        `startLocalApi: this process already runs the handlers with ${changed.map((key) => `${key}=${binding!.settings[key]}`).join(', ')}; ` +
        'handlers read their settings once, so start the other variant in another process',
      );
    }
  }

  const table = await acquireTable(binding?.tablePort ?? 0);
  binding ??= loadHandlers(settings, table);
  const { handlers } = binding;

  const server = createServer((req, res) => {
    void serveRequest(req, res, handlers, options.log);
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => answerClientError(err, socket, options.log));
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await releaseTable();
    throw new Error(`the local API cannot listen on 127.0.0.1:${port}: ${(err as Error).message}`);
  }
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await releaseTable();
    })();
    return stopping;
  };
  return { url, stop };
}

/** Why Node's HTTP parser (or its timeouts) refused a request, as one of `errors.ts`. */
function clientErrorOf(err: NodeJS.ErrnoException & { reason?: string }): Error {
  if (err.code === 'HPE_HEADER_OVERFLOW') {
    return new HeadersTooLarge(`the request headers are larger than the ${maxHeaderSize} bytes the server accepts; send fewer or shorter headers`);
  }
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return new RequestTimeout('the request did not arrive completely in time; send it again');
  }
  return new BadRequest(
    `the request is not valid HTTP/1.1 (${shorten(err.reason ?? err.code ?? 'unreadable')}); ` +
    "check the request line (method, target, HTTP/1.1) and that each header is 'name: value'",
  );
}

/**
 * Answers a request Node's HTTP parser refused (a header line without a colon, an
 * unknown method, headers over its limit). Node's own answer is a status line
 * without a body; clients of this API read `{ "message": … }` from every error, so
 * the server writes the error response itself, onto the socket (there is no
 * response object), and closes the connection.
 */
function answerClientError(err: NodeJS.ErrnoException, socket: Duplex, log: ((line: string) => void) | undefined): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const result = errorResponse(clientErrorOf(err));
  const body = Buffer.from(result.body, 'utf8');
  const head = [
    `HTTP/1.1 ${result.statusCode} ${STATUS_CODES[result.statusCode]}`,
    ...Object.entries(result.headers ?? {}).map(([name, value]) => `${name}: ${value}`),
    `content-length: ${body.length}`,
    'connection: close',
    '',
    '',
  ].join('\r\n');
  socket.end(Buffer.concat([Buffer.from(head, 'latin1'), body]));
  log?.(`(a request the HTTP parser refused: ${err.code}) → ${result.statusCode}`);
}

async function serveRequest(
  req: IncomingMessage,
  res: ServerResponse,
  handlers: Readonly<Record<Route['handler'], ApiHandler>>,
  log: ((line: string) => void) | undefined,
): Promise<void> {
  const started = Date.now();
  const method = (req.method ?? 'GET').toUpperCase();
  let result: APIGatewayProxyResult;
  try {
    const body = await readBody(req, MAX_REQUEST_BYTES);
    if (body === undefined) {
      throw new PayloadTooLarge(`request body is larger than the API's limit of ${MAX_REQUEST_BYTES} bytes`);
    }
    const path = parseRequestTarget(req.url ?? '/').pathname;
    const match = matchPath(path);
    if (!match) throw unknownRoute(method, path);
    const route = ROUTES.find((candidate) => candidate.path === match.resource && candidate.method === method);
    if (!route) throw methodNotAllowed(method, match.resource);
    const event = toProxyEvent({
      method,
      url: req.url ?? '/',
      rawHeaders: req.rawHeaders,
      body,
      sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
    }, match);
    const context = localContext(`sample-api-${route.handler}`, event.requestContext.requestId);
    result = await handlers[route.handler](event, context);
  } catch (err) {
    result = errorResponse(err);
  }
  try {
    writeProxyResult(res, result);
  } catch (err) {
    console.error('local API: cannot write the response', err);
    res.destroy();
  }
  // The target is the client's: a 12 KB one would make a 12 KB log line.
  log?.(`${method} ${shorten(req.url ?? '/', 200)} → ${result.statusCode} (${Date.now() - started} ms)`);
}
