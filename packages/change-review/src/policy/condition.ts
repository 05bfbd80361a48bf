/**
 * IAM condition blocks, and when one condition is at least as strict as another.
 *
 * Operators: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 * Multivalued keys (ForAllValues / ForAnyValue): https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
 * Several values of one key are OR'ed; several keys and operators are AND'ed:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html
 * A negated operator (StringNotEquals, ArnNotLike, NotIpAddress, ...) is true when the key is
 * absent from the request; the others are false then, unless the operator ends in IfExists
 * (same page, "Condition operators" → "...IfExists").
 */
import { isObject, Json } from '../model/change-set';
import { PolicyUnreadable, stringList } from './document';
import { wildcardCovers } from './wildcard';

type Family = 'string' | 'stringIgnoreCase' | 'stringLike' | 'arn' | 'numeric' | 'date' | 'bool' | 'binary' | 'ip' | 'null';
type Kind = 'equals' | 'notEquals' | 'lessThan' | 'lessThanEquals' | 'greaterThan' | 'greaterThanEquals';

interface OperatorInfo {
  readonly family: Family;
  readonly kind: Kind;
}

/** The base operators IAM documents, by name. */
const OPERATORS: { readonly [name: string]: OperatorInfo } = {
  StringEquals: { family: 'string', kind: 'equals' },
  StringNotEquals: { family: 'string', kind: 'notEquals' },
  StringEqualsIgnoreCase: { family: 'stringIgnoreCase', kind: 'equals' },
  StringNotEqualsIgnoreCase: { family: 'stringIgnoreCase', kind: 'notEquals' },
  StringLike: { family: 'stringLike', kind: 'equals' },
  StringNotLike: { family: 'stringLike', kind: 'notEquals' },
  NumericEquals: { family: 'numeric', kind: 'equals' },
  NumericNotEquals: { family: 'numeric', kind: 'notEquals' },
  NumericLessThan: { family: 'numeric', kind: 'lessThan' },
  NumericLessThanEquals: { family: 'numeric', kind: 'lessThanEquals' },
  NumericGreaterThan: { family: 'numeric', kind: 'greaterThan' },
  NumericGreaterThanEquals: { family: 'numeric', kind: 'greaterThanEquals' },
  DateEquals: { family: 'date', kind: 'equals' },
  DateNotEquals: { family: 'date', kind: 'notEquals' },
  DateLessThan: { family: 'date', kind: 'lessThan' },
  DateLessThanEquals: { family: 'date', kind: 'lessThanEquals' },
  DateGreaterThan: { family: 'date', kind: 'greaterThan' },
  DateGreaterThanEquals: { family: 'date', kind: 'greaterThanEquals' },
  Bool: { family: 'bool', kind: 'equals' },
  BinaryEquals: { family: 'binary', kind: 'equals' },
  IpAddress: { family: 'ip', kind: 'equals' },
  NotIpAddress: { family: 'ip', kind: 'notEquals' },
  ArnEquals: { family: 'arn', kind: 'equals' },
  ArnLike: { family: 'arn', kind: 'equals' },
  ArnNotEquals: { family: 'arn', kind: 'notEquals' },
  ArnNotLike: { family: 'arn', kind: 'notEquals' },
  Null: { family: 'null', kind: 'equals' },
};

export interface Condition {
  /** As written, e.g. `ForAnyValue:StringNotLikeIfExists`. */
  readonly operator: string;
  /** Undefined when the operator is not one IAM documents: such a condition is never proven stricter. */
  readonly info?: OperatorInfo;
  readonly set: 'single' | 'forAllValues' | 'forAnyValue';
  readonly ifExists: boolean;
  /** Lower case: condition keys are case-insensitive. */
  readonly key: string;
  /** As written, for the report. */
  readonly name: string;
  readonly values: readonly string[];
}

export function readConditions(value: Json | undefined, where: string): Condition[] {
  if (value === undefined || value === null) return [];
  if (!isObject(value)) throw new PolicyUnreadable(`${where} Condition is not an object`);
  return Object.entries(value).flatMap(([operator, block]) => {
    if (!isObject(block)) throw new PolicyUnreadable(`${where} Condition ${operator} is not an object`);
    return Object.entries(block).map(([name, v]) => ({
      ...parseOperator(operator),
      key: name.toLowerCase(),
      name,
      values: stringList(v, `${where} Condition ${operator} ${name}`),
    }));
  });
}

function parseOperator(operator: string): Pick<Condition, 'operator' | 'info' | 'set' | 'ifExists'> {
  let rest = operator;
  let set: Condition['set'] = 'single';
  if (rest.startsWith('ForAllValues:')) {
    set = 'forAllValues';
    rest = rest.slice('ForAllValues:'.length);
  } else if (rest.startsWith('ForAnyValue:')) {
    set = 'forAnyValue';
    rest = rest.slice('ForAnyValue:'.length);
  }
  const ifExists = rest !== 'Null' && rest.endsWith('IfExists');
  if (ifExists) rest = rest.slice(0, -'IfExists'.length);
  const info = Object.prototype.hasOwnProperty.call(OPERATORS, rest) ? OPERATORS[rest] : undefined;
  return { operator, ...(info ? { info } : {}), set, ifExists };
}

export function isNegated(c: Condition): boolean {
  return c.info?.kind === 'notEquals';
}

/**
 * Whether `strict` holding implies `loose` holding, for every request: `strict` is at least
 * as strict as `loose`. Only proven cases say yes.
 */
export function implies(strict: Condition, loose: Condition): boolean {
  if (!strict.info || !loose.info) return false;
  if (strict.key !== loose.key || strict.set !== loose.set) return false;
  // With the key absent, `strict` holds if it is IfExists or negated (single-valued) or
  // ForAllValues; then `loose` must hold too.
  if (holdsWhenAbsent(strict) && !holdsWhenAbsent(loose)) return false;
  const s = strict.info;
  const l = loose.info;
  if (s.kind === 'equals' && l.kind === 'equals') return everyCovered(strict.values, loose.values, (w, n) => valueCovers(l.family, s.family, w, n));
  if (s.kind === 'notEquals' && l.kind === 'notEquals') {
    // `strict` excludes at least everything `loose` excludes.
    return everyCovered(loose.values, strict.values, (w, n) => valueCovers(s.family, l.family, w, n));
  }
  if ((s.family === 'numeric' || s.family === 'date') && s.family === l.family) return boundImplies(s.kind, strict.values, l.kind, loose.values, s.family);
  return false;
}

function holdsWhenAbsent(c: Condition): boolean {
  if (c.info?.family === 'null') return c.values.some((v) => v.toLowerCase() === 'true');
  if (c.set === 'forAllValues') return true;
  return c.ifExists || (c.set === 'single' && isNegated(c));
}

/** Every value of `narrow` is covered by some value of `wide`. */
function everyCovered(narrow: readonly string[], wide: readonly string[], covers: (w: string, n: string) => boolean): boolean {
  return narrow.length > 0 && narrow.every((n) => wide.some((w) => covers(w, n)));
}

/**
 * Whether the pattern/value `w` of family `wf` matches every request value the pattern/value
 * `n` of family `nf` matches.
 */
function valueCovers(wf: Family, nf: Family, w: string, n: string): boolean {
  const likeW = wf === 'stringLike' || wf === 'arn';
  const likeN = nf === 'stringLike' || nf === 'arn';
  const stringy = (f: Family) => f === 'string' || f === 'stringIgnoreCase' || f === 'stringLike' || f === 'arn';
  if (stringy(wf) && stringy(nf)) {
    if (nf === 'stringIgnoreCase') return wf === 'stringIgnoreCase' && w.toLowerCase() === n.toLowerCase();
    if (wf === 'stringIgnoreCase') return !likeN && w.toLowerCase() === n.toLowerCase();
    if (likeW) return likeN ? wildcardCovers(w, n) : wildcardCovers(w, escapeLiteral(n));
    return !likeN || !/[*?]/.test(n) ? w === n : false;
  }
  if (wf !== nf) return false;
  switch (wf) {
    case 'bool':
    case 'null':
      return w.toLowerCase() === n.toLowerCase();
    case 'numeric':
      return Number(w) === Number(n) && !Number.isNaN(Number(w));
    case 'date':
      return Date.parse(w) === Date.parse(n) && !Number.isNaN(Date.parse(w));
    case 'ip':
      return cidrContains(w, n);
    default:
      return w === n;
  }
}

/** A literal value compared against a pattern: its own `*` and `?` are characters, not wildcards. */
function escapeLiteral(value: string): string {
  return /[*?]/.test(value) ? '\u0000never-matches-a-pattern' : value;
}

function boundImplies(sk: Kind, sv: readonly string[], lk: Kind, lv: readonly string[], family: 'numeric' | 'date'): boolean {
  const num = (v: string) => (family === 'numeric' ? Number(v) : Date.parse(v));
  const s = sv.map(num);
  const l = lv.map(num);
  if (s.some(Number.isNaN) || l.some(Number.isNaN) || s.length === 0 || l.length === 0) return false;
  const upper = (k: Kind) => k === 'lessThan' || k === 'lessThanEquals';
  const lower = (k: Kind) => k === 'greaterThan' || k === 'greaterThanEquals';
  if (upper(lk) && (upper(sk) || sk === 'equals')) {
    // Values OR'ed: `x < any of v` is `x < max(v)`.
    const sMax = Math.max(...s);
    const lMax = Math.max(...l);
    if (sk === 'equals') return s.every((x) => (lk === 'lessThan' ? x < lMax : x <= lMax));
    if (sk === 'lessThan' || lk === 'lessThanEquals') return sMax <= lMax;
    return sMax < lMax;
  }
  if (lower(lk) && (lower(sk) || sk === 'equals')) {
    const sMin = Math.min(...s);
    const lMin = Math.min(...l);
    if (sk === 'equals') return s.every((x) => (lk === 'greaterThan' ? x > lMin : x >= lMin));
    if (sk === 'greaterThan' || lk === 'greaterThanEquals') return sMin >= lMin;
    return sMin > lMin;
  }
  return false;
}

/** Whether IPv4 CIDR `outer` contains `inner` (a plain address is a /32). IPv6 only when equal. */
export function cidrContains(outer: string, inner: string): boolean {
  if (outer === inner) return true;
  const o = parseV4(outer);
  const i = parseV4(inner);
  if (!o || !i) return false;
  if (i.bits < o.bits) return false;
  const mask = o.bits === 0 ? 0 : (~0 << (32 - o.bits)) >>> 0;
  return ((o.addr & mask) >>> 0) === ((i.addr & mask) >>> 0);
}

function parseV4(cidr: string): { addr: number; bits: number } | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/.exec(cidr.trim());
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const bits = m[5] === undefined ? 32 : Number(m[5]);
  if (octets.some((x) => x > 255) || bits > 32) return undefined;
  return { addr: (((octets[0] << 24) >>> 0) + (octets[1] << 16) + (octets[2] << 8) + octets[3]) >>> 0, bits };
}
