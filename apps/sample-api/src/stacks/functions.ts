import type { Route } from '../routes';

/** A handler module under `src/handlers/`, deployed as one Lambda function. */
export type HandlerName = Route['handler'];

/** What each function is and may do. Not exported from the package: the stack's wiring. */
export interface FunctionSpec {
  /** The construct id stem (`Version` → `VersionFunction`, `VersionDeploy`, …). */
  readonly id: string;
  readonly description: string;
  /** The DynamoDB actions the handler calls, and nothing more (no table access when empty). */
  readonly tableActions: readonly string[];
  /**
   * The request the pre-traffic hook sends to the new version before it takes traffic,
   * and the status it must answer. Every function gets `GET /version`: the version
   * function must answer 200 with its version; a data function, which does not serve
   * that path, must answer its 404. Either answer proves the bundle loads, the required
   * environment is there and the routing runs, without touching the table.
   */
  readonly preTrafficCheck: { readonly path: string; readonly expectedStatus: number };
}

export const FUNCTIONS: Readonly<Record<HandlerName, FunctionSpec>> = {
  version: {
    id: 'Version',
    description: 'GET /version: the version, commit and environment of the deployed code',
    tableActions: [],
    preTrafficCheck: { path: '/version', expectedStatus: 200 },
  },
  locations: {
    id: 'Locations',
    description: 'Locations: list, create, read and delete',
    tableActions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:Query'],
    preTrafficCheck: { path: '/version', expectedStatus: 404 },
  },
  registrations: {
    id: 'Registrations',
    description: 'Visitor registrations: create (for an existing location) and list by day',
    tableActions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'],
    preTrafficCheck: { path: '/version', expectedStatus: 404 },
  },
};
