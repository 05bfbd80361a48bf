/**
 * IAM policy documents as the review compares them: statements with their effect, actions,
 * resources, principals (each possibly negated: NotAction, NotResource, NotPrincipal) and
 * conditions. Grammar: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
 *
 * Anything that does not parse is {@link PolicyUnreadable}: the caller treats an unreadable
 * policy as possibly widening, never as unchanged.
 */
import { isObject, isUnresolved, Json } from '../model/change-set';
import { Condition, readConditions } from './condition';

/** A policy the review cannot read; its message says why, for "could not compare the policy: …". */
export class PolicyUnreadable extends Error {}

/** A list of values, or "everything except" them (NotAction, NotResource, NotPrincipal). */
export interface ValueSet {
  readonly except: boolean;
  readonly items: readonly string[];
}

export interface Statement {
  /** `statement 2`: its position, never its Sid (which is data from the change set). */
  readonly label: string;
  readonly sid?: string;
  readonly effect: 'Allow' | 'Deny';
  readonly actions: ValueSet;
  /** absent in trust policies */
  readonly resources?: ValueSet;
  /** `Kind:value`, e.g. `AWS:arn:aws:iam::111122223333:root`, `Service:lambda.amazonaws.com`; `*` is `AWS:*` */
  readonly principals?: ValueSet;
  readonly conditions: readonly Condition[];
  /** Whether any part is only known after the change set runs. */
  readonly unresolved: boolean;
}

/** Reads a policy document given as an object or as a JSON string. */
export function readDocument(value: Json | undefined, label: string): Statement[] {
  if (value === undefined || value === null) return [];
  let doc: Json = value;
  if (typeof value === 'string') {
    if (isUnresolved(value)) throw new PolicyUnreadable(`${label} is only known after the change set runs`);
    try {
      doc = JSON.parse(value) as Json;
    } catch {
      throw new PolicyUnreadable(`${label} is not valid JSON`);
    }
  }
  if (!isObject(doc)) throw new PolicyUnreadable(`${label} is not a policy document`);
  // The policy language version decides whether `${...}` is a variable or text: a document
  // whose version is not 2012-10-17 and that holds `${` is not compared.
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html
  if (doc.Version !== '2012-10-17' && JSON.stringify(doc).includes('${')) throw new PolicyUnreadable(`${label} uses \${...} without Version 2012-10-17, where it is text, not a variable`);
  const raw = doc.Statement;
  if (raw === undefined) return [];
  const list: Json[] = Array.isArray(raw) ? raw : [raw];
  return list.map((st, i) => readStatement(st, label, i));
}

export function readStatement(value: Json, docLabel: string, index: number): Statement {
  if (!isObject(value)) throw new PolicyUnreadable(`${docLabel} statement ${index + 1} is not an object`);
  const sid = typeof value.Sid === 'string' && value.Sid !== '' ? value.Sid : undefined;
  // The label is the review's own words (a position); the Sid comes from the change set and is shown as a value.
  const label = `statement ${index + 1}`;
  const where = `${docLabel} ${label}`;
  const effect = value.Effect;
  if (effect !== 'Allow' && effect !== 'Deny') throw new PolicyUnreadable(`${where} has an Effect that is neither Allow nor Deny`);
  const actions = valueSet(value, 'Action', 'NotAction', where);
  if (actions === undefined) throw new PolicyUnreadable(`${where} has neither Action nor NotAction`);
  const resources = valueSet(value, 'Resource', 'NotResource', where);
  const principals = principalSet(value, where);
  const conditions = readConditions(value.Condition, where);
  const unresolved = [actions.items, resources?.items ?? [], principals?.items ?? [], conditions.flatMap((c) => c.values)]
    .some((items) => items.some(isUnresolved));
  return {
    label, ...(sid !== undefined ? { sid } : {}), effect, actions,
    ...(resources ? { resources } : {}), ...(principals ? { principals } : {}), conditions, unresolved,
  };
}

function valueSet(st: { [key: string]: Json }, key: string, notKey: string, where: string): ValueSet | undefined {
  if (st[key] !== undefined && st[notKey] !== undefined) throw new PolicyUnreadable(`${where} has both ${key} and ${notKey}`);
  if (st[key] !== undefined) return { except: false, items: stringList(st[key], `${where} ${key}`) };
  if (st[notKey] !== undefined) return { except: true, items: stringList(st[notKey], `${where} ${notKey}`) };
  return undefined;
}

function principalSet(st: { [key: string]: Json }, where: string): ValueSet | undefined {
  if (st.Principal !== undefined && st.NotPrincipal !== undefined) throw new PolicyUnreadable(`${where} has both Principal and NotPrincipal`);
  if (st.Principal !== undefined) return { except: false, items: principalItems(st.Principal, `${where} Principal`) };
  if (st.NotPrincipal !== undefined) return { except: true, items: principalItems(st.NotPrincipal, `${where} NotPrincipal`) };
  return undefined;
}

/** `"*"` or `{AWS: ..., Service: ..., Federated: ..., CanonicalUser: ...}` as `Kind:value` items. */
function principalItems(value: Json, where: string): string[] {
  if (value === '*') return ['AWS:*'];
  if (!isObject(value)) throw new PolicyUnreadable(`${where} is neither "*" nor an object`);
  return Object.entries(value).flatMap(([kind, v]) => stringList(v, `${where}.${kind}`)
    .map((item) => `${kind}:${kind === 'AWS' ? normalizeAwsPrincipal(item) : item}`));
}

/** An account id as a principal means the account (its root ARN). */
export function normalizeAwsPrincipal(value: string): string {
  // eslint-disable-next-line @cdklabs/no-literal-partition -- an account id is that account's root; the rules that compare roots also take any partition's form (arn:aws[a-z-]*)
  return /^\d{12}$/.test(value) ? `arn:aws:iam::${value}:root` : value;
}

/** A string, number or boolean, or a list of them, as strings. */
export function stringList(value: Json | undefined, where: string): string[] {
  if (value === undefined || value === null) return [];
  const list: Json[] = Array.isArray(value) ? value : [value];
  return list.map((item) => {
    if (typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean') return String(item);
    throw new PolicyUnreadable(`${where} holds a value that is not a plain string, number or boolean`);
  });
}
