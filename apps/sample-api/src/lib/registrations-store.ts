import { randomUUID } from 'node:crypto';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Location, Page } from './locations-store';
import { registrationPk, registrationSk } from './table';
import { utcDate } from './validation';

/** What a visitor gives to register. */
export interface RegistrationInput {
  readonly locationId: string;
  readonly name: string;
  readonly email: string;
  readonly phone: string;
}

/** A registration as the API returns it. */
export interface Registration extends RegistrationInput {
  readonly id: string;
  /** The location's name when the visitor registered. */
  readonly locationName: string;
  /** The UTC day of the registration, `YYYY-MM-DD`. */
  readonly date: string;
  readonly createdAt: string;
}

function toRegistration(item: Record<string, unknown>): Registration {
  return {
    id: String(item.id),
    locationId: String(item.locationId),
    locationName: String(item.locationName),
    name: String(item.name),
    email: String(item.email),
    phone: String(item.phone),
    date: String(item.date),
    createdAt: String(item.createdAt),
  };
}

/** Registrations in the table (layout in `table.ts`). */
export class RegistrationStore {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly tableName: string) {}

  /**
   * Records a registration at `location` (which the caller has read). One
   * conditional write: it either stores the whole item or nothing.
   */
  public async create(input: RegistrationInput, location: Location, now: Date = new Date()): Promise<Registration> {
    const createdAt = now.toISOString();
    const registration: Registration = {
      id: randomUUID(),
      locationId: location.id,
      locationName: location.name,
      name: input.name,
      email: input.email,
      phone: input.phone,
      date: utcDate(now),
      createdAt,
    };
    await this.db.send(new PutCommand({
      TableName: this.tableName,
      Item: {
        pk: registrationPk(registration.date),
        sk: registrationSk(location.id, createdAt, registration.id),
        ...registration,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    }));
    return registration;
  }

  /**
   * A page of the registrations of `date`, at one location when `locationId` is
   * given, starting after the sort key `startAfter`.
   */
  public async listByDate(
    date: string,
    options: { readonly locationId?: string; readonly limit: number; readonly startAfter?: string },
  ): Promise<Page<Registration>> {
    const pk = registrationPk(date);
    const byLocation = options.locationId !== undefined;
    const result = await this.db.send(new QueryCommand({
      TableName: this.tableName,
      KeyConditionExpression: byLocation ? 'pk = :pk AND begins_with(sk, :location)' : 'pk = :pk',
      ExpressionAttributeValues: byLocation ? { ':pk': pk, ':location': `${options.locationId}#` } : { ':pk': pk },
      Limit: options.limit,
      ExclusiveStartKey: options.startAfter ? { pk, sk: options.startAfter } : undefined,
    }));
    const lastSortKey = result.LastEvaluatedKey?.sk;
    return {
      items: (result.Items ?? []).map(toRegistration),
      lastSortKey: typeof lastSortKey === 'string' ? lastSortKey : undefined,
    };
  }
}
