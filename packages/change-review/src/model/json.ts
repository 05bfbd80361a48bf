/** Guards over parsed JSON (change set contexts, the template, API responses). */
import type { JsonObject } from './change-set';

/** An object (not null, not an array). */
export function isObject(value: unknown): value is { [key: string]: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A JSON object, as a value read from a context or the template. */
export function isJsonObject(value: unknown): value is JsonObject {
  return isObject(value);
}

/** The logical id a template value `{ "Ref": id }` names (and nothing else beside it), else undefined. */
export function refOf(value: unknown): string | undefined {
  return isJsonObject(value) && typeof value.Ref === 'string' && Object.keys(value).length === 1 ? value.Ref : undefined;
}
