/**
 * IAM wildcard matching for the review: `*` matches any run of characters and `?` one
 * character, in actions (case-insensitive), resources and condition values of the *Like
 * operators. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html#reference_policies_elements_resource_wildcards
 *
 * Matching is a dynamic programme over the two strings, linear in their product: no regular
 * expression, so a crafted pattern (`*a*a*a*…b`) cannot make the review backtrack for ever.
 */

/** Longer strings are not compared: "not covered" (the safe answer for a review). */
const MAX_LENGTH = 4_096;

/**
 * Whether every string the pattern `narrow` stands for is matched by `wide`. Both may hold
 * wildcards. Sound, not complete: `?` in `wide` never consumes a wildcard of `narrow` (which
 * could stand for more than one character), so a "yes" is always right and an unsure case is
 * "no", which the review treats as "may be wider".
 */
export function wildcardCovers(wide: string, narrow: string, ignoreCase = false, segmented = false): boolean {
  const w = ignoreCase ? wide.toLowerCase() : wide;
  const n = ignoreCase ? narrow.toLowerCase() : narrow;
  if (w === n) return true;
  // A policy variable (`${aws:username}`, and the escapes `${*}`, `${?}`, `${$}`) stands for a
  // value known only per request: only the same text is the same.
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
  if (w.includes('${') || n.includes('${')) return false;
  if (!hasWildcard(w) || w.length > MAX_LENGTH || n.length > MAX_LENGTH) return false;
  return match(w, n, (ch) => ch !== '*' && ch !== '?', segmented);
}

/** Whether two patterns may match a common string (conservative: true when unsure). */
export function wildcardsOverlap(a: string, b: string, ignoreCase = false): boolean {
  const x = ignoreCase ? a.toLowerCase() : a;
  const y = ignoreCase ? b.toLowerCase() : b;
  if (x === y) return true;
  const wildX = hasWildcard(x);
  const wildY = hasWildcard(y);
  if (!wildX && !wildY) return false;
  if (x.length > MAX_LENGTH || y.length > MAX_LENGTH || (wildX && wildY)) return true;
  // One side is a literal: they overlap when the pattern matches it.
  return wildX ? match(x, y, () => true) : match(y, x, () => true);
}

export function hasWildcard(value: string): boolean {
  return value.includes('*') || value.includes('?');
}

/**
 * Whether `pattern` matches `text`, `*` and `?` being wildcards in the pattern only; `?` matches
 * one character of the text for which `single` holds; with `segmented`, `*` does not match `:`.
 */
function match(pattern: string, text: string, single: (ch: string) => boolean, segmented = false): boolean {
  const p = Array.from(pattern);
  const t = Array.from(text);
  // prev[j]: does p[0..i) match t[0..j)?
  let prev: boolean[] = new Array<boolean>(t.length + 1).fill(false);
  prev[0] = true;
  for (let i = 1; i <= p.length; i++) {
    const cur: boolean[] = new Array<boolean>(t.length + 1).fill(false);
    const pc = p[i - 1];
    cur[0] = pc === '*' && prev[0];
    for (let j = 1; j <= t.length; j++) {
      // In an ARN, a `*` is read as not crossing the `:` between segments (the stricter reading,
      // so that "covers" is never claimed wrongly).
      if (pc === '*') cur[j] = prev[j] || (cur[j - 1] && !(segmented && t[j - 1] === ':'));
      else if (pc === '?') cur[j] = prev[j - 1] && single(t[j - 1]);
      else cur[j] = prev[j - 1] && pc === t[j - 1];
    }
    prev = cur;
  }
  return prev[t.length];
}
