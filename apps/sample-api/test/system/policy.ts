/**
 * A small evaluator of IAM policy documents (already resolved to plain values), enough to
 * prove the cross-account wiring: Allow/Deny with explicit deny winning, Action/NotAction,
 * Resource/NotResource with `*` and `?` wildcards, Principal (AWS account or ARN,
 * Service, `*`) and the condition operators these stacks use. An operator it does not
 * know fails the evaluation instead of being ignored.
 */

/** Who asks: a role of an account, or an AWS service. */
export type Caller =
  | { readonly account: string; readonly arn: string }
  | { readonly service: string };

export interface Request {
  readonly action: string;
  readonly resource: string;
  /** For resource policies and trust policies: the caller, matched against Principal. */
  readonly caller?: Caller;
  /** Request context keys (`aws:PrincipalArn` is added from the caller). */
  readonly context?: Record<string, string | string[]>;
}

export type Decision = 'allow' | 'deny' | 'implicit-deny';

const list = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** `*` and `?` wildcards, the whole string. */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const regex = new RegExp(`^${pattern.split('').map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/-]/g, '\\$&'))).join('')}$`, ignoreCase ? 'i' : '');
  return regex.test(value);
}

/** The decision of one policy document for a request. */
export function evaluate(document: any, request: Request): Decision {
  let allowed = false;
  for (const statement of list<any>(document?.Statement)) {
    if (!statementMatches(statement, request)) continue;
    if (statement.Effect === 'Deny') return 'deny';
    if (statement.Effect === 'Allow') allowed = true;
  }
  return allowed ? 'allow' : 'implicit-deny';
}

/** The decision of several documents together (e.g. all identity policies of a role). */
export function evaluateAll(documents: readonly any[], request: Request): Decision {
  const decisions = documents.map((d) => evaluate(d, request));
  if (decisions.includes('deny')) return 'deny';
  return decisions.includes('allow') ? 'allow' : 'implicit-deny';
}

function statementMatches(statement: any, request: Request): boolean {
  if (statement.Action !== undefined && !list<string>(statement.Action).some((a) => wildcardMatch(a, request.action, true))) return false;
  if (statement.NotAction !== undefined && list<string>(statement.NotAction).some((a) => wildcardMatch(a, request.action, true))) return false;
  if (statement.Resource !== undefined && !list<string>(statement.Resource).some((r) => wildcardMatch(r, request.resource))) return false;
  if (statement.NotResource !== undefined && list<string>(statement.NotResource).some((r) => wildcardMatch(r, request.resource))) return false;
  if (statement.Principal !== undefined && !principalMatches(statement.Principal, request.caller)) return false;
  if (statement.NotPrincipal !== undefined) throw new Error('NotPrincipal is not modelled');
  return conditionsHold(statement.Condition ?? {}, contextOf(request));
}

function contextOf(request: Request): Record<string, string[]> {
  const context: Record<string, string[]> = {};
  const caller = request.caller;
  if (caller && 'arn' in caller) {
    context['aws:principalarn'] = [caller.arn];
    context['aws:principalaccount'] = [caller.account];
  }
  for (const [key, value] of Object.entries(request.context ?? {})) context[key.toLowerCase()] = list(value);
  return context;
}

function principalMatches(principal: any, caller: Caller | undefined): boolean {
  if (!caller) throw new Error('a statement with a Principal needs a caller in the request');
  if (principal === '*') return true;
  if ('service' in caller) return list<string>(principal.Service).includes(caller.service);
  return list<string>(principal.AWS).some((p) => p === '*'
    || p === caller.account
    || new RegExp(`^arn:[a-z-]+:iam::${caller.account}:root$`).test(p)
    || p === caller.arn);
}

function conditionsHold(conditions: Record<string, Record<string, unknown>>, context: Record<string, string[]>): boolean {
  return Object.entries(conditions).every(([operator, entries]) =>
    Object.entries(entries).every(([key, expected]) => conditionHolds(operator, context[key.toLowerCase()], list(expected as any).map(String))));
}

function conditionHolds(operator: string, actual: string[] | undefined, expected: string[]): boolean {
  const [qualifier, op] = operator.includes(':') ? operator.split(':') : [undefined, operator];
  if (op.endsWith('IfExists')) throw new Error(`condition operator ${operator} is not modelled`);
  if (actual === undefined) return false; // a missing key never satisfies these operators
  const one = (value: string): boolean => {
    switch (op) {
      case 'StringEquals':
      case 'ArnEquals':
      case 'Bool':
        return expected.includes(value);
      case 'StringLike':
      case 'ArnLike':
        return expected.some((e) => wildcardMatch(e, value));
      case 'NumericLessThan':
        return expected.some((e) => Number(value) < Number(e));
      default:
        throw new Error(`condition operator ${operator} is not modelled`);
    }
  };
  if (qualifier === 'ForAnyValue') return actual.some(one);
  if (qualifier === 'ForAllValues') return actual.every(one);
  if (qualifier !== undefined) throw new Error(`condition qualifier ${qualifier} is not modelled`);
  if (actual.length !== 1) throw new Error(`single-valued operator ${operator} got ${actual.length} values`);
  return one(actual[0]);
}
