/**
 * IAM wildcard matching for the review: `*` matches any run of characters and `?` one
 * character, in actions (case-insensitive), resources and condition values of the *Like
 * operators. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html#reference_policies_elements_resource_wildcards
 */

/**
 * Whether every string the pattern `narrow` stands for is matched by `wide`. Both may hold
 * wildcards. Sound, not complete: `?` in `wide` never consumes a wildcard of `narrow` (which
 * could stand for more than one character), so a "yes" is always right and an unsure case is
 * "no", which the review treats as "may be wider".
 */
export function wildcardCovers(wide: string, narrow: string, ignoreCase = false): boolean {
  const w = ignoreCase ? wide.toLowerCase() : wide;
  const n = ignoreCase ? narrow.toLowerCase() : narrow;
  if (w === n) return true;
  if (!/[*?]/.test(w)) return false;
  const source = Array.from(w).map((ch) => (ch === '*' ? '.*' : ch === '?' ? '[^*?]' : escapeRegExp(ch))).join('');
  return new RegExp(`^${source}$`, 's').test(n);
}

/** Whether two patterns may match a common string (conservative: true when unsure). */
export function wildcardsOverlap(a: string, b: string, ignoreCase = false): boolean {
  if (wildcardCovers(a, b, ignoreCase) || wildcardCovers(b, a, ignoreCase)) return true;
  const hasA = /[*?]/.test(a);
  const hasB = /[*?]/.test(b);
  if (!hasA && !hasB) return false;
  if (hasA && !hasB) return literalMatches(a, b, ignoreCase);
  if (hasB && !hasA) return literalMatches(b, a, ignoreCase);
  return true;
}

function literalMatches(pattern: string, literal: string, ignoreCase: boolean): boolean {
  const p = ignoreCase ? pattern.toLowerCase() : pattern;
  const l = ignoreCase ? literal.toLowerCase() : literal;
  const source = Array.from(p).map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : escapeRegExp(ch))).join('');
  return new RegExp(`^${source}$`, 's').test(l);
}

export function hasWildcard(value: string): boolean {
  return /[*?]/.test(value);
}

function escapeRegExp(ch: string): string {
  return ch.replace(/[.+^${}()|[\]\\/-]/g, '\\$&');
}
