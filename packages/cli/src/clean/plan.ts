import type { BucketObject } from './bucket';
import { mayHold } from './key-match';
import type { AssetReference } from './references';

/**
 * How long an unreferenced asset stays, by default. Longer than CodePipeline's 7-day
 * timeout of a manual approval (https://docs.aws.amazon.com/codepipeline/latest/userguide/limits.html),
 * so the code of a change set that waits for approval is never the one cleaned up, with margin
 * for an execution that is retried or a build whose template was not passed with --templates.
 */
export const DEFAULT_MIN_AGE_DAYS = 30;

const DAY_MS = 24 * 60 * 60 * 1000;

export interface KeptObject extends BucketObject {
  /** Why it stays, as printed: `referenced by stack …`, `last modified … (younger than 30 days)`. */
  readonly reason: string;
}

export interface AssetCleanupPlan {
  readonly keep: KeptObject[];
  readonly delete: BucketObject[];
}

export interface PlanAssetCleanupInput {
  readonly objects: readonly BucketObject[];
  /** Every reference of every template read. */
  readonly references: readonly AssetReference[];
  readonly now: Date;
  /** @default DEFAULT_MIN_AGE_DAYS */
  readonly minAgeDays?: number;
  /** The prefix of the code assets (`assets/`); objects outside it are never deleted. */
  readonly assetsPrefix: string;
}

/**
 * Decides per object: an object under the assets prefix is deleted only if no reference names
 * it, or may name it (a value not fully known), AND it was last modified more than `minAgeDays`
 * ago. Everything else is kept, with the reason.
 */
export function planAssetCleanup(input: PlanAssetCleanupInput): AssetCleanupPlan {
  const minAgeDays = input.minAgeDays ?? DEFAULT_MIN_AGE_DAYS;
  const exact = new Map<string, string[]>();
  const patterns: AssetReference[] = [];
  for (const reference of input.references) {
    if (reference.key !== undefined) exact.set(reference.key, [...(exact.get(reference.key) ?? []), reference.source]);
    else if (reference.pieces !== undefined) patterns.push(reference);
  }
  const plan: AssetCleanupPlan = { keep: [], delete: [] };
  for (const object of input.objects) {
    const reason = keepReason(object, exact, patterns, input, minAgeDays);
    if (reason) plan.keep.push({ ...object, reason });
    else plan.delete.push(object);
  }
  return plan;
}

/** Why an object must stay, or undefined if it may go. */
function keepReason(object: BucketObject, exact: ReadonlyMap<string, string[]>, patterns: readonly AssetReference[], input: PlanAssetCleanupInput, minAgeDays: number): string | undefined {
  if (!object.key.startsWith(input.assetsPrefix)) return `outside ${input.assetsPrefix}`;
  const sources = exact.get(object.key);
  if (sources && sources.length > 0) return `referenced by ${describeSources([...new Set(sources)])}`;
  const maybe = patterns.filter((p) => mayHold(p.pieces!, object.key, p.match));
  if (maybe.length > 0) {
    const [first] = maybe;
    return `may be referenced by ${describeSources([...new Set(maybe.map((p) => p.source))])}: ${first.where || 'the template'} is not known before deployment (${first.unresolved})`;
  }
  if (!object.lastModified) return 'last modified date unknown';
  const ageMs = input.now.getTime() - object.lastModified.getTime();
  if (ageMs <= minAgeDays * DAY_MS) return `last modified ${object.lastModified.toISOString()}, not more than ${minAgeDays} days ago`;
  return undefined;
}

function describeSources(sources: readonly string[]): string {
  const shown = sources.slice(0, 2).join(', ');
  return sources.length > 2 ? `${shown} and ${sources.length - 2} more` : shown;
}
