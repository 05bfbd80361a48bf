/*
 * Maps whose keys the client chooses: query parameters, headers, path parameters,
 * the fields of a JSON body. On a plain `{}` a key named after a member of
 * Object.prototype (`constructor`, `toString`, `hasOwnProperty`) reads that member
 * instead of nothing, and `__proto__` reads or even replaces the prototype: an input
 * name must never be looked up there. These maps have no prototype, and a lookup in
 * a map that came from elsewhere reads only its own entries.
 */

/** An empty map without a prototype, for keys the client chooses. */
export function emptyRecord<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** The map's own entry for `key` (never an inherited member), or `undefined`. */
export function ownValue<T>(record: Readonly<Record<string, T>> | null | undefined, key: string): T | undefined {
  return record && Object.hasOwn(record, key) ? record[key] : undefined;
}
