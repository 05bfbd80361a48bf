import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';

/** Options of {@link startLocalTable}. */
export interface LocalTableOptions {
  /**
   * The port dynalite listens on, on 127.0.0.1.
   * @default 0 (a free port)
   */
  readonly port?: number;
  /**
   * The name of the table to create (DynamoDB's rules: 3 to 255 characters of
   * `a-z A-Z 0-9 _ - .`).
   * @default 'sample-api-local'
   */
  readonly tableName?: string;
}

/** A running in-memory DynamoDB-compatible server with the service's table. */
export interface LocalTable {
  /** `http://127.0.0.1:<port>`, for `DYNAMODB_ENDPOINT`. */
  readonly endpoint: string;
  readonly port: number;
  readonly tableName: string;
  /** Stops the server; the data is gone. */
  stop(): Promise<void>;
}

/** Placeholder credentials: dynalite checks none, and the SDK must not look for real ones. */
export const LOCAL_CLIENT_CONFIG = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
} as const;

/**
 * Starts dynalite in memory on 127.0.0.1 and creates the service's table in it
 * (key `pk`/`sk`, both strings, on-demand), as the stack does in AWS.
 */
export async function startLocalTable(options: LocalTableOptions = {}): Promise<LocalTable> {
  const tableName = options.tableName ?? 'sample-api-local';
  if (!/^[A-Za-z0-9_.-]{3,255}$/.test(tableName)) {
    throw new Error(`tableName must be 3 to 255 characters of letters, digits, '_', '-' or '.', got '${tableName}'`);
  }
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = () => new Promise<void>((resolve, reject) => {
    server.close((err?: Error) => (err ? reject(err) : resolve()));
    // Idle keep-alive connections of SDK clients would hold the close for 30 s.
    server.closeAllConnections();
  });

  const client = new DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, endpoint });
  try {
    await client.send(new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    }));
    for (let attempt = 0; ; attempt++) {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
      if (Table?.TableStatus === 'ACTIVE') break;
      if (attempt >= 100) throw new Error(`local table ${tableName} did not become ACTIVE`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  } catch (err) {
    await stop();
    throw err;
  } finally {
    client.destroy();
  }
  return { endpoint, port, tableName, stop };
}
