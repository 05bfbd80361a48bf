/**
 * The resource side of a call that `crosswalk doctor --live` checks: does a deployed resource
 * policy (a role's trust policy, a bucket, key or topic policy) let this role make this call?
 *
 * Why not IAM's simulator: SimulatePrincipalPolicy evaluates a resource policy only when the
 * simulated caller is an IAM user ("CallerArn … You can specify only the ARN of an IAM user …
 * CallerArn is required if you include a ResourcePolicy and the PolicySourceArn is not the ARN
 * for an IAM user": https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulatePrincipalPolicy.html),
 * and every caller here is a role. So the identity side goes to the simulator and this side is
 * decided here, with the policy model of the change review, and FAILS CLOSED: a statement is
 * counted as letting the call through only when each of its parts provably matches, and as not
 * denying it only when one of its conditions is provably false for the request. Anything this
 * module cannot decide is "unknown", which the doctor reports as a finding.
 *
 * Evaluation logic (an explicit Deny wins; a resource policy of another account must allow;
 * KMS key policies and role trust policies must allow in every case):
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
 * https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html (trust policy)
 */
import { Condition } from '@crosswalk/change-review/lib/policy/condition';
import { ACTIONS, RESOURCES, setCovers } from '@crosswalk/change-review/lib/policy/covers';
import { PolicyUnreadable, Statement, readDocument } from '@crosswalk/change-review/lib/policy/document';
import { wildcardCovers, wildcardsOverlap } from '@crosswalk/change-review/lib/policy/wildcard';

/** One call as the resource policy sees it. */
export interface ResourceRequest {
  /** The calling role's ARN (`arn:aws:iam::<account>:role/<name>`). */
  readonly principalArn: string;
  readonly action: string;
  /** Absent for a trust policy (it has no Resource element). */
  readonly resource?: string;
  /** The request's context keys the doctor knows (e.g. aws:SecureTransport); others are unknown, never absent. */
  readonly context: Readonly<Record<string, string>>;
}

export type ResourceDecision =
  | { readonly decision: 'allow'; readonly by: string }
  | { readonly decision: 'no-allow' }
  | { readonly decision: 'deny'; readonly by: string }
  | { readonly decision: 'unknown'; readonly why: string };

type Truth = true | false | 'unknown';

/** The account of a role ARN. */
function accountOf(roleArn: string): string | undefined {
  return /^arn:[^:]+:iam::(\d{12}):/.exec(roleArn)?.[1];
}

/**
 * Decides what the policy (a JSON string or object, as AWS returns it) says to the request.
 * `deny` and `unknown` come before any `allow`: a statement that may deny the call makes the
 * answer "unknown" even when another allows it.
 */
export function decideResourcePolicy(policy: unknown, request: ResourceRequest): ResourceDecision {
  let statements: Statement[];
  try {
    statements = readDocument(policy as never, 'the resource policy');
  } catch (err) {
    if (err instanceof PolicyUnreadable) return { decision: 'unknown', why: err.message };
    throw err;
  }
  const context = lowerKeys({ 'aws:PrincipalArn': request.principalArn, 'aws:PrincipalAccount': accountOf(request.principalArn) ?? '', ...request.context });
  let allowedBy: string | undefined;
  for (const statement of statements) {
    const matches = statementMatches(statement, request, context);
    if (statement.effect === 'Deny') {
      if (matches === true) return { decision: 'deny', by: statement.label };
      if (matches === 'unknown') return { decision: 'unknown', why: `${statement.label} (Deny) may apply: the doctor cannot prove that one of its conditions is false for this call` };
    } else if (matches === true) {
      allowedBy ??= statement.label;
    }
  }
  return allowedBy !== undefined ? { decision: 'allow', by: allowedBy } : { decision: 'no-allow' };
}

/**
 * Whether the statement applies to the request. For an Allow, `unknown` is as good as `false`
 * (not counted as allowing); for a Deny it is reported.
 */
function statementMatches(statement: Statement, request: ResourceRequest, context: Record<string, string>): Truth {
  if (statement.unresolved) return 'unknown';
  const single = (value: string) => ({ except: false, items: [value] });
  const allow = statement.effect === 'Allow';
  // An Allow must cover the request; a Deny applies when it may overlap it.
  const actionIn = allow
    ? setCovers(statement.actions, single(request.action), ACTIONS)
    : overlaps(statement.actions, request.action, true);
  if (!actionIn) return false;
  if (statement.resources !== undefined) {
    if (request.resource === undefined) return 'unknown';
    const resourceIn = allow ? setCovers(statement.resources, single(request.resource), RESOURCES) : overlaps(statement.resources, request.resource, false);
    if (!resourceIn) return false;
  }
  const principal = principalMatches(statement, request.principalArn);
  if (principal === false) return false;
  let truth: Truth = principal;
  for (const condition of statement.conditions) {
    const holds = conditionHolds(condition, context);
    if (holds === false) return false;
    if (holds === 'unknown') truth = 'unknown';
  }
  return truth;
}

function overlaps(set: { except: boolean; items: readonly string[] }, value: string, ignoreCase: boolean): boolean {
  const any = set.items.some((item) => wildcardsOverlap(item, value, ignoreCase));
  return set.except ? !set.items.some((item) => wildcardCovers(item, value, ignoreCase)) : any;
}

/**
 * `Principal` names the role, its account (the account's root stands for its principals, whose
 * own IAM policies must then allow too: the simulator checks that side), or everyone.
 * NotPrincipal is never proven to include or exclude a role here.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
 */
function principalMatches(statement: Statement, roleArn: string): Truth {
  if (statement.principals === undefined) return true; // identity-style statement: no Principal element
  if (statement.principals.except) return 'unknown';
  const account = accountOf(roleArn);
  for (const item of statement.principals.items) {
    if (item === 'AWS:*' || item === `AWS:${roleArn}`) return true;
    const root = /^AWS:arn:[^:]+:iam::(\d{12}):root$/.exec(item)?.[1];
    if (root !== undefined && root === account) return true;
    if (item.startsWith('AWS:') && (item.includes('*') || item.includes('?'))) return 'unknown';
  }
  return false;
}

/**
 * A condition against the known context. Only the operators whose meaning is plain for one
 * string value are decided; everything else, and any key the doctor does not know, is unknown.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 */
function conditionHolds(condition: Condition, context: Record<string, string>): Truth {
  if (condition.set !== 'single') return 'unknown';
  // A policy variable stands for a value of the request the doctor does not have.
  if (condition.values.some((v) => v.includes('${'))) return 'unknown';
  const base = condition.operator.replace(/IfExists$/, '');
  const value = context[condition.key];
  if (base === 'Null') {
    if (value === undefined) return 'unknown';
    // Null "true": the key is absent; "false": it is present.
    return condition.values.every((v) => v.toLowerCase() === 'false') ? true : condition.values.every((v) => v.toLowerCase() === 'true') ? false : 'unknown';
  }
  if (value === undefined) return 'unknown';
  const any = (match: (expected: string) => boolean) => condition.values.some(match);
  switch (base) {
    case 'StringEquals': return any((v) => v === value);
    case 'StringNotEquals': return !any((v) => v === value);
    case 'StringEqualsIgnoreCase': return any((v) => v.toLowerCase() === value.toLowerCase());
    case 'StringNotEqualsIgnoreCase': return !any((v) => v.toLowerCase() === value.toLowerCase());
    case 'StringLike': return any((v) => wildcardCovers(v, value));
    case 'StringNotLike': return !any((v) => wildcardCovers(v, value));
    case 'ArnEquals': case 'ArnLike': return any((v) => wildcardCovers(v, value, false, true));
    case 'ArnNotEquals': case 'ArnNotLike': return !any((v) => wildcardCovers(v, value, false, true));
    case 'Bool': return any((v) => v.toLowerCase() === value.toLowerCase());
    default: return 'unknown';
  }
}

function lowerKeys(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k.toLowerCase(), v]));
}
