import { randomUUID } from 'node:crypto';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailed, LOCATION_PK } from './table';

/** A location as the API returns it. */
export interface Location {
  readonly id: string;
  readonly name: string;
  readonly createdAt: string;
}

/** A page of a list. */
export interface Page<T> {
  readonly items: T[];
  /** The sort key to start the next page after; absent on the last page. */
  readonly lastSortKey?: string;
}

function toLocation(item: Record<string, unknown>): Location {
  return { id: String(item.id), name: String(item.name), createdAt: String(item.createdAt) };
}

/** Locations in the table (layout in `table.ts`). */
export class LocationStore {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly tableName: string) {}

  /** Creates a location with a new id. The write is conditional: it never overwrites. */
  public async create(name: string, now: Date = new Date()): Promise<Location> {
    const location: Location = { id: randomUUID(), name, createdAt: now.toISOString() };
    await this.db.send(new PutCommand({
      TableName: this.tableName,
      Item: { pk: LOCATION_PK, sk: location.id, ...location },
      ConditionExpression: 'attribute_not_exists(pk)',
    }));
    return location;
  }

  /** The location with this id, or `undefined`. */
  public async get(id: string): Promise<Location | undefined> {
    const result = await this.db.send(new GetCommand({
      TableName: this.tableName,
      Key: { pk: LOCATION_PK, sk: id },
      ConsistentRead: true,
    }));
    return result.Item ? toLocation(result.Item) : undefined;
  }

  /** A page of locations in id order, starting after `startAfter` (an id). */
  public async list(limit: number, startAfter?: string): Promise<Page<Location>> {
    const result = await this.db.send(new QueryCommand({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': LOCATION_PK },
      Limit: limit,
      ExclusiveStartKey: startAfter ? { pk: LOCATION_PK, sk: startAfter } : undefined,
    }));
    const lastSortKey = result.LastEvaluatedKey?.sk;
    return {
      items: (result.Items ?? []).map(toLocation),
      lastSortKey: typeof lastSortKey === 'string' ? lastSortKey : undefined,
    };
  }

  /** Deletes the location; `false` when there was none (the delete is conditional). */
  public async delete(id: string): Promise<boolean> {
    try {
      await this.db.send(new DeleteCommand({
        TableName: this.tableName,
        Key: { pk: LOCATION_PK, sk: id },
        ConditionExpression: 'attribute_exists(pk)',
      }));
      return true;
    } catch (err) {
      if (isConditionFailed(err)) return false;
      throw err;
    }
  }
}
