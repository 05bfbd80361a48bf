import { AddressInfo } from 'net';
import { IncomingMessage, Server, createServer } from 'http';

/** A request the fake received. */
export interface SeenRequest {
  readonly method: string;
  readonly bucket: string;
  readonly key: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage['headers'];
}

/**
 * Just enough of S3's REST API on 127.0.0.1 for cdk-assets-lib to publish a file asset:
 * bucket location, bucket encryption, ListObjectsV2 (the existence check) and PutObject,
 * path-style; and STS GetCallerIdentity. It records every request, so tests see what went over the wire.
 */
export class FakeS3 {
  public readonly requests: SeenRequest[] = [];
  /** Objects by `bucket/key`. */
  public readonly objects = new Map<string, Buffer>();
  private server?: Server;

  constructor(private readonly buckets: Record<string, { region: string; kmsKeyArn: string }>, private readonly account = '111111111111') {}

  public get endpoint(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  public async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const [, bucket = '', ...keyParts] = decodeURIComponent(url.pathname).split('/');
        const key = keyParts.join('/');
        this.requests.push({ method: req.method ?? '', bucket, key, query: url.searchParams, headers: req.headers });
        if (req.method === 'POST' && Buffer.concat(chunks).toString().includes('Action=GetCallerIdentity')) {
          // STS, which cdk-assets-lib asks for the account when it words an error
          res.writeHead(200, { 'content-type': 'text/xml' });
          return res.end('<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>'
            + `<Arn>arn:aws:iam::${this.account}:user/build</Arn><UserId>AIDAEXAMPLE</UserId><Account>${this.account}</Account></GetCallerIdentityResult>`
            + '<ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetCallerIdentityResponse>');
        }
        const known = this.buckets[bucket];
        const xml = (status: number, body: string) => {
          res.writeHead(status, { 'content-type': 'application/xml' });
          res.end(`<?xml version="1.0" encoding="UTF-8"?>${body}`);
        };
        if (!known) return xml(404, `<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message><BucketName>${bucket}</BucketName></Error>`);
        if (req.method === 'GET' && url.searchParams.has('location')) {
          return xml(200, `<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${known.region}</LocationConstraint>`);
        }
        if (req.method === 'GET' && url.searchParams.has('encryption')) {
          return xml(200, '<ServerSideEncryptionConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Rule><ApplyServerSideEncryptionByDefault>'
            + `<SSEAlgorithm>aws:kms</SSEAlgorithm><KMSMasterKeyID>${known.kmsKeyArn}</KMSMasterKeyID></ApplyServerSideEncryptionByDefault><BucketKeyEnabled>true</BucketKeyEnabled></Rule></ServerSideEncryptionConfiguration>`);
        }
        if (req.method === 'GET' && url.searchParams.get('list-type') === '2') {
          const prefix = url.searchParams.get('prefix') ?? '';
          const keys = [...this.objects.keys()].filter((k) => k.startsWith(`${bucket}/${prefix}`)).map((k) => k.slice(bucket.length + 1));
          return xml(200, `<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${bucket}</Name><Prefix>${prefix}</Prefix><KeyCount>${keys.length}</KeyCount>`
            + `<MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>${keys.map((k) => `<Contents><Key>${k}</Key><Size>${this.objects.get(`${bucket}/${k}`)!.length}</Size></Contents>`).join('')}</ListBucketResult>`);
        }
        if (req.method === 'PUT' && key) {
          this.objects.set(`${bucket}/${key}`, decodeBody(Buffer.concat(chunks), req.headers));
          res.writeHead(200, { etag: '"fake"' });
          return res.end();
        }
        return xml(400, `<Error><Code>NotImplemented</Code><Message>the fake does not serve ${req.method} ${url.search}</Message></Error>`);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
  }

  public async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** The object's bytes, unwrapping the SDK's `aws-chunked` encoding (chunks with a checksum trailer). */
function decodeBody(body: Buffer, headers: IncomingMessage['headers']): Buffer {
  const chunked = String(headers['content-encoding'] ?? '').includes('aws-chunked') || String(headers['x-amz-content-sha256'] ?? '').startsWith('STREAMING-');
  if (!chunked) return body;
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = body.indexOf('\r\n', offset);
    const size = parseInt(body.subarray(offset, lineEnd).toString('ascii').split(';')[0], 16);
    if (!size) break;
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}
