/**
 * "Does statement A cover statement B": whether A applies to every request B applies to. The
 * change review calls a policy change narrowing only when every Allow after the change is
 * covered by an Allow before it, and every Deny before it is covered by a Deny after it
 * (evaluation logic: an explicit Deny wins over any Allow,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
 * Sound, not complete: an unsure case is "not covered", which the review shows as a widening.
 */
import { Statement, ValueSet } from './document';
import { Condition, implies } from './condition';
import { wildcardCovers, wildcardsOverlap } from './wildcard';

/** How the values of one element match: wildcards, case, and what "everything" is. */
export interface Field {
  readonly covers: (wide: string, narrow: string) => boolean;
  readonly overlap: (a: string, b: string) => boolean;
  readonly everything: (value: string) => boolean;
}

/** Actions are case-insensitive: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html */
export const ACTIONS: Field = { covers: (w, n) => wildcardCovers(w, n, true), overlap: (a, b) => wildcardsOverlap(a, b, true), everything: (v) => v === '*' };
export const RESOURCES: Field = { covers: (w, n) => wildcardCovers(w, n, false, w.startsWith('arn:')), overlap: (a, b) => wildcardsOverlap(a, b), everything: (v) => v === '*' };

/**
 * Principals. An account's root stands for every principal of that account only in ANOTHER
 * account (there, the account's own IAM policies must also allow); in the resource's own account
 * naming a role grants it access by itself, which naming the account does not, so there the root
 * does not cover its roles. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-basics.html
 */
export function principalsField(ownAccount: string | undefined): Field {
  return {
    covers: (w, n) => principalCovers(w, n, ownAccount),
    overlap: principalsOverlap,
    everything: (v) => v === 'AWS:*',
  };
}

export const PRINCIPALS: Field = principalsField(undefined);

/** Whether `wide` applies to every request `narrow` applies to (same effect assumed). */
export function statementCovers(wide: Statement, narrow: Statement, ownAccount?: string): boolean {
  if (wide.unresolved || narrow.unresolved) return false;
  return setCovers(wide.actions, narrow.actions, ACTIONS)
    && optionalCovers(wide.resources, narrow.resources, RESOURCES)
    && optionalCovers(wide.principals, narrow.principals, principalsField(ownAccount))
    && conditionsCover(wide.conditions, narrow.conditions);
}

function optionalCovers(wide: ValueSet | undefined, narrow: ValueSet | undefined, field: Field): boolean {
  if (wide === undefined) return true; // absent element: the statement does not restrict it
  if (narrow === undefined) return wide.except ? wide.items.length === 0 : wide.items.some(field.everything);
  return setCovers(wide, narrow, field);
}

/** Whether the values `wide` stands for include those of `narrow`. */
export function setCovers(wide: ValueSet, narrow: ValueSet, field: Field): boolean {
  if (!wide.except && !narrow.except) return narrow.items.every((n) => wide.items.some((w) => field.covers(w, n)));
  if (!wide.except && narrow.except) return wide.items.some(field.everything);
  if (wide.except && !narrow.except) return narrow.items.every((n) => !wide.items.some((e) => field.overlap(e, n)));
  // Both "everything except": wide excludes no more than narrow does.
  return wide.items.every((e) => narrow.items.some((x) => field.covers(x, e)));
}

/**
 * Conditions are AND'ed: `wide` applies whenever `narrow` does if each condition of `wide` is
 * implied by some condition of `narrow`.
 */
function conditionsCover(wide: readonly Condition[], narrow: readonly Condition[]): boolean {
  return wide.every((w) => narrow.some((n) => implies(n, w)));
}

/** Principals match within a kind; an account (its root) stands for every principal of it. */
export function principalCovers(wide: string, narrow: string, ownAccount?: string): boolean {
  if (wide === 'AWS:*') return true;
  const [wKind, wValue] = splitPrincipal(wide);
  const [nKind, nValue] = splitPrincipal(narrow);
  if (wKind !== nKind) return false;
  if (wildcardCovers(wValue, nValue)) return true;
  const rootAccount = /^arn:[^:]+:iam::(\d{12}):root$/.exec(wValue)?.[1];
  // Unknown own account: never assume the root covers (the stricter reading).
  return wKind === 'AWS' && rootAccount !== undefined && ownAccount !== undefined && rootAccount !== ownAccount && accountOfPrincipal(nValue) === rootAccount;
}

function principalsOverlap(a: string, b: string): boolean {
  return principalCovers(a, b) || principalCovers(b, a) || a.endsWith('*') || b.endsWith('*');
}

export function splitPrincipal(item: string): [string, string] {
  const i = item.indexOf(':');
  return [item.slice(0, i), item.slice(i + 1)];
}

/** The account of an IAM/STS principal ARN or account id. */
export function accountOfPrincipal(value: string): string | undefined {
  if (/^\d{12}$/.test(value)) return value;
  return /^arn:[^:]+:(?:iam|sts)::(\d{12}):/.exec(value)?.[1];
}

/** What grew between two policies: Allows not covered before, Denies no longer covered after. */
export interface Widening {
  /** Allow statements of `after` that no Allow of `before` covers. */
  readonly newAllows: readonly Statement[];
  /** Deny statements of `before` that no Deny of `after` covers. */
  readonly lostDenies: readonly Statement[];
}

export function widening(before: readonly Statement[], after: readonly Statement[], ownAccount?: string): Widening {
  const oldAllows = before.filter((s) => s.effect === 'Allow');
  const newDenies = after.filter((s) => s.effect === 'Deny');
  return {
    newAllows: after.filter((s) => s.effect === 'Allow' && !oldAllows.some((o) => statementCovers(o, s, ownAccount))),
    lostDenies: before.filter((s) => s.effect === 'Deny' && !newDenies.some((d) => statementCovers(d, s, ownAccount))),
  };
}
