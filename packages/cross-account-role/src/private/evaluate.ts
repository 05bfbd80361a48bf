/**
 * A small evaluator of IAM policy statements in their JSON form: Allow and Deny (an explicit
 * Deny wins), Action/NotAction and Resource/NotResource with `*` and `?` wildcards (actions
 * without case, resources with case, as IAM compares them), and the condition operators
 * Crosswalk's policies use. It fails safe: an Allow whose condition it cannot evaluate does
 * not allow, a Deny whose condition it cannot evaluate denies.
 */

const list = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** `*` and `?` wildcards over the whole string. */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const source = pattern.split('').map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/-]/g, '\\$&'))).join('');
  return new RegExp(`^${source}$`, ignoreCase ? 'is' : 's').test(value);
}

/** One request: an action on a resource, with the condition keys the request carries. */
export interface PolicyRequest {
  readonly action: string;
  readonly resource: string;
  readonly context?: Record<string, string | string[]>;
}

export type Decision = 'allow' | 'deny' | 'implicit-deny';

/** The decision of a set of statements (one or several identity policies) for a request. */
export function decide(statements: readonly any[], request: PolicyRequest): Decision {
  let allowed = false;
  for (const statement of statements) {
    if (!actionAndResourceMatch(statement, request)) continue;
    const held = conditionsHold(statement.Condition, request.context ?? {});
    if (statement.Effect === 'Deny' && held !== false) return 'deny';
    if (statement.Effect === 'Allow' && held === true) allowed = true;
  }
  return allowed ? 'allow' : 'implicit-deny';
}

function actionAndResourceMatch(statement: any, request: PolicyRequest): boolean {
  if (statement.Action !== undefined && !list<string>(statement.Action).some((a) => wildcardMatch(a, request.action, true))) return false;
  if (statement.NotAction !== undefined && list<string>(statement.NotAction).some((a) => wildcardMatch(a, request.action, true))) return false;
  if (statement.Resource !== undefined && !list<string>(statement.Resource).some((r) => typeof r === 'string' && wildcardMatch(r, request.resource))) return false;
  if (statement.NotResource !== undefined && list<string>(statement.NotResource).some((r) => typeof r === 'string' && wildcardMatch(r, request.resource))) return false;
  return true;
}

/** true or false when the conditions can be evaluated, undefined when not. */
function conditionsHold(conditions: Record<string, Record<string, unknown>> | undefined, context: Record<string, string | string[]>): boolean | undefined {
  const lower: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(context)) lower[key.toLowerCase()] = list(value);
  let result: boolean | undefined = true;
  for (const [operator, entries] of Object.entries(conditions ?? {})) {
    for (const [key, expected] of Object.entries(entries ?? {})) {
      const held = conditionHolds(operator, lower[key.toLowerCase()], list(expected as any).map(String));
      if (held === false) return false;
      if (held === undefined) result = undefined;
    }
  }
  return result;
}

function conditionHolds(operator: string, actual: string[] | undefined, expected: string[]): boolean | undefined {
  const [qualifier, op] = operator.includes(':') ? operator.split(':') : [undefined, operator];
  const compare = (value: string): boolean | undefined => {
    switch (op.replace(/IfExists$/, '')) {
      case 'StringEquals':
      case 'ArnEquals':
      case 'Bool':
        return expected.includes(value);
      case 'StringLike':
      case 'ArnLike':
        return expected.some((e) => wildcardMatch(e, value));
      default:
        return undefined;
    }
  };
  if (actual === undefined) return op.endsWith('IfExists') ? true : false;
  const results = actual.map(compare);
  if (results.includes(undefined)) return undefined;
  if (qualifier === 'ForAnyValue') return results.some(Boolean);
  if (qualifier === 'ForAllValues') return results.every(Boolean);
  if (qualifier !== undefined || results.length !== 1) return undefined;
  return results[0];
}
