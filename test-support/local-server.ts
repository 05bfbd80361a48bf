import { createServer, IncomingHttpHeaders, Server } from 'http';
import { AddressInfo } from 'net';

/** A request as the local server received it. */
export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** What the local server answers. */
export interface CannedResponse {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /**
   * A body written chunk by chunk instead of `body`, with backpressure (the next chunk waits
   * until the client has taken the previous ones): only what the client reads gets sent.
   */
  readonly chunks?: () => Iterable<Buffer | string>;
  /** Never answer: the request stays open until the client gives up or the server stops (a hung endpoint). */
  readonly hang?: boolean;
}

/** How a streamed body ended: sent whole, or cut off by the client, and how many bytes went out. */
export interface StreamEnd {
  readonly end: 'complete' | 'closed by the client';
  readonly bytesSent: number;
}

/**
 * An HTTP server on 127.0.0.1 (a free port) that records every request and answers with
 * `respond`. It stands in for the AWS endpoints and the API under test.
 */
export class LocalServer {
  public static async start(respond: (request: RecordedRequest) => CannedResponse): Promise<LocalServer> {
    const server = new LocalServer(respond);
    await new Promise<void>((resolve) => server.server.listen(0, '127.0.0.1', resolve));
    return server;
  }

  public readonly requests: RecordedRequest[] = [];
  /** One per streamed answer (`chunks`), settled when it ended. */
  public readonly streams: Array<Promise<StreamEnd>> = [];
  private readonly server: Server;

  private constructor(respond: (request: RecordedRequest) => CannedResponse) {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const request = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
        this.requests.push(request);
        const response = respond(request);
        if (response.hang) return;
        res.writeHead(response.status, response.headers ?? {});
        if (!response.chunks) {
          res.end(response.body ?? '');
          return;
        }
        const parts = response.chunks()[Symbol.iterator]();
        this.streams.push(new Promise<StreamEnd>((resolve) => {
          let bytesSent = 0;
          res.on('error', () => undefined);
          res.on('close', () => resolve({ end: res.writableFinished ? 'complete' : 'closed by the client', bytesSent }));
          const pump = (): void => {
            while (!res.destroyed) {
              const next = parts.next();
              if (next.done) {
                res.end();
                return;
              }
              bytesSent += Buffer.byteLength(next.value);
              if (!res.write(next.value)) {
                res.once('drain', pump);
                return;
              }
            }
          };
          pump();
        }));
      });
    });
  }

  public get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The port the server listens on. */
  public get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  public async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.server.close((err) => (err ? reject(err) : resolve())));
  }
}
