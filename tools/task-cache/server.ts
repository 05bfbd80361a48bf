import { randomBytes, timingSafeEqual } from 'crypto';
import { createReadStream, createWriteStream } from 'fs';
import { IncomingMessage, ServerResponse, createServer } from 'http';
import { AddressInfo } from 'net';
import { excerpt } from '../../packages/cli/src/text';
import { TASK_HASH, TaskArchiveStore } from './store';

/** The largest task archive stored, by default: an upload beyond it is refused (413) and nx runs on without caching it. */
export const DEFAULT_MAX_UPLOAD_BYTES = 1024 * 1024 * 1024;

export interface NxCacheServer {
  /** `http://127.0.0.1:<port>`, for NX_SELF_HOSTED_REMOTE_CACHE_SERVER. */
  readonly url: string;
  /** The bearer token requests must carry, for NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN. */
  readonly token: string;
  /** The folder's archives. */
  readonly store: TaskArchiveStore;
  /** The hashes served (read, once checked whole) and stored (written) so far. */
  used(): { readonly read: readonly string[]; readonly written: readonly string[] };
  close(): Promise<void>;
}

export interface NxCacheServerOptions {
  /** The largest upload stored, in bytes. @default DEFAULT_MAX_UPLOAD_BYTES */
  readonly maxUploadBytes?: number;
  /** Where the server says why it did not serve or store an entry. @default stderr */
  readonly log?: (line: string) => void;
}

/**
 * Starts the server of nx's self-hosted remote cache protocol (the OpenAPI specification of
 * https://nx.dev/docs/kb/self-hosted-caching: `GET` and `PUT /v1/cache/{hash}`, a bearer token,
 * 404 for a miss, 409 for an existing record) over the folder `dir` (created if missing), on a
 * free port of 127.0.0.1. It serves an archive only once it has read it whole and found it as it
 * stored it (see {@link TaskArchiveStore.open}), and stores an upload only when it is complete,
 * at most `maxUploadBytes`, and an archive nx can replay.
 */
export async function startNxCacheServer(dir: string, options: NxCacheServerOptions = {}): Promise<NxCacheServer> {
  const store = new TaskArchiveStore(dir);
  const maxUploadBytes = options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES;
  const log = options.log ?? ((line: string) => console.error(line));
  const token = randomBytes(24).toString('hex');
  const expected = Buffer.from(`Bearer ${token}`);
  const read = new Set<string>();
  const written = new Set<string>();

  const answer = (res: ServerResponse, status: number, message: string) => {
    if (!res.headersSent) res.writeHead(status, { 'Content-Type': 'text/plain' });
    res.end(message);
  };
  const authorized = (req: IncomingMessage): boolean => {
    const given = Buffer.from(req.headers.authorization ?? '');
    return given.length === expected.length && timingSafeEqual(given, expected);
  };

  const serve = async (hash: string, res: ServerResponse) => {
    const entry = await store.open(hash);
    if (entry === undefined) return answer(res, 404, 'no such task output');
    if ('reason' in entry) {
      log(`nx-cache: not replaying task ${hash}: ${excerpt(entry.reason, 200)}${entry.dropped ? '; removed it, nx runs the task again' : '; left it in place (nx-cache did not write it)'}`);
      return answer(res, 404, 'no such task output');
    }
    read.add(hash); // checked whole: it is replayed
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': entry.bytes });
    const stream = createReadStream('', { fd: entry.fd, start: 0 }); // it closes the file when done or destroyed
    stream.on('error', () => res.destroy());
    res.on('close', () => stream.destroy());
    stream.pipe(res);
  };

  const receive = (hash: string, req: IncomingMessage, res: ServerResponse) => {
    if (store.has(hash)) {
      req.resume();
      return answer(res, 409, 'cannot override an existing record');
    }
    const declared = req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']);
    if (declared !== undefined && !(declared <= maxUploadBytes)) {
      req.resume();
      log(`nx-cache: not storing task ${hash}: ${req.headers['content-length']} bytes, more than the ${maxUploadBytes} it stores`);
      return answer(res, 413, `an upload is at most ${maxUploadBytes} bytes`);
    }
    const partial = store.createPartial(hash);
    const out = createWriteStream(partial, { flags: 'w' });
    let received = 0;
    let refused = false;
    const refuse = (status: number, message: string) => {
      if (refused) return;
      refused = true;
      req.unpipe(out);
      out.destroy();
      store.discard(partial);
      req.resume();
      answer(res, status, message);
    };
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxUploadBytes) {
        log(`nx-cache: not storing task ${hash}: more than the ${maxUploadBytes} bytes it stores`);
        refuse(413, `an upload is at most ${maxUploadBytes} bytes`);
      }
    });
    req.on('aborted', () => refuse(400, 'the upload was cut off'));
    out.on('error', () => refuse(500, 'could not store the task output'));
    out.on('finish', () => {
      if (refused) return;
      if (declared !== undefined && declared !== received) return refuse(400, `the upload ended after ${received} of ${declared} bytes`);
      store.commit(hash, partial).then((problem) => {
        if (problem === 'exists') return answer(res, 409, 'cannot override an existing record');
        if (problem) {
          log(`nx-cache: not storing task ${hash}: ${excerpt(problem, 200)}`);
          return answer(res, 400, 'the upload is not a task archive nx can replay');
        }
        written.add(hash);
        return answer(res, 200, 'stored');
      }, () => answer(res, 500, 'could not store the task output'));
    });
    req.pipe(out);
  };

  const server = createServer((req, res) => {
    const match = /^\/v1\/cache\/([^/?#]*)$/.exec(req.url ?? '');
    if (!match) {
      req.resume();
      return answer(res, 404, 'not found: the cache serves /v1/cache/{hash}');
    }
    if (!authorized(req)) {
      req.resume();
      return answer(res, 401, 'missing or wrong bearer token');
    }
    const hash = match[1];
    if (!TASK_HASH.test(hash)) {
      req.resume();
      return answer(res, 400, 'a task hash is 1 to 128 letters or digits');
    }
    if (req.method === 'GET') {
      req.resume();
      serve(hash, res).catch(() => answer(res, 500, 'could not read the task output'));
      return;
    }
    if (req.method === 'PUT') return receive(hash, req, res);
    req.resume();
    res.setHeader('Allow', 'GET, PUT');
    return answer(res, 405, `${excerpt(String(req.method), 20)} is not served; GET or PUT /v1/cache/{hash}`);
  });

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ok());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    store,
    used: () => ({ read: [...read], written: [...written] }),
    close: () => new Promise<void>((ok) => {
      server.close(() => ok());
      server.closeAllConnections();
    }),
  };
}
