import { JsonObject } from '../model/change-set';
import { changedProperties, ref, Subject } from '../model/facts';
import { join, Msg, msg, valueList, words } from '../model/text';
import { accountOfPrincipal, splitPrincipal } from '../policy/covers';
import { PolicyUnreadable, Statement } from '../policy/document';
import { compareGrants, Grants, readGrants } from '../policy/grants';
import { grantProperties, holderOf, holderProperties, isIdentityType } from '../policy/holders';
import { losesKeyAdministration } from '../shapes/policy-narrowed';
import { Rule } from './rule';

/**
 * Actions that let a principal give itself or others more: IAM writes, role assumption,
 * organization and key administration. A wildcard over these services, or one of these
 * actions on a wildcard role or user, is an escalation path whatever else the policy says.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html
 */
const SENSITIVE_SERVICES = ['iam', 'sts', 'organizations', 'kms', 'sso', 'identitystore'];

function sensitiveParts(st: Statement): string[] {
  if (st.effect !== 'Allow') return [];
  const parts: string[] = [];
  if (st.actions.except) parts.push('every action except some (NotAction)');
  for (const a of st.actions.items) {
    const [service] = a.toLowerCase().split(':');
    if (a === '*' || (/[*?]/.test(a) && SENSITIVE_SERVICES.includes(service))) parts.push(`the wildcard action ${a}`);
  }
  const wildResources = st.resources === undefined || st.resources.except || st.resources.items.some((r) => /[*?]/.test(r));
  const iamWrites = st.actions.items.filter((a) => /^iam:(Attach|Put|Create|Update|Delete|Add|Pass|Set|Detach|Remove|Tag|Untag|Upload|Change|Reset|Enable|Deactivate)/i.test(a));
  if (iamWrites.length > 0 && wildResources) parts.push(`IAM writes (${iamWrites.slice(0, 4).join(', ')}) on a wildcard resource`);
  if (st.actions.items.some((a) => /^sts:AssumeRole/i.test(a)) && wildResources) parts.push('sts:AssumeRole on a wildcard resource');
  return parts;
}

/** What makes one Allow statement broad, in the review's words (values come from the statement, shown as values). */
function broadParts(st: Statement, ownAccount: string | undefined, resourcePolicy: boolean): Msg[] {
  if (st.effect !== 'Allow') return [];
  const out: Msg[] = sensitiveParts(st).map((p) => msg`${words('allows ')}${p}`);
  const wildActions = st.actions.items.filter((a) => /[*?]/.test(a));
  if (wildActions.length > 0) out.push(msg`${words('allows wildcard actions ')}${valueList(wildActions)}`);
  if (!resourcePolicy && st.resources?.except) out.push(msg`${words('allows every resource except ')}${valueList(st.resources.items)}${words(' (NotResource)')}`);
  const wildResources = !resourcePolicy && st.resources && !st.resources.except ? st.resources.items.filter((r) => /[*?]/.test(r)) : [];
  if (wildResources.length > 0) out.push(msg`${words('on wildcard resources ')}${valueList(wildResources)}`);
  if (st.principals?.except) out.push(msg`${words('lets in every principal except ')}${valueList(st.principals.items)}${words(' (NotPrincipal)')}`);
  const wide = (st.principals && !st.principals.except ? st.principals.items : []).filter((p) => {
    const [kind, value] = splitPrincipal(p);
    const account = kind === 'AWS' ? accountOfPrincipal(value) : undefined;
    return p === 'AWS:*' || kind === 'Federated' || /[*?]/.test(value) || (account !== undefined && account !== ownAccount);
  });
  if (wide.length > 0) out.push(msg`${words('lets in ')}${valueList(wide)}${words(st.conditions.length > 0 ? ' (with conditions)' : ' (with no condition)')}`);
  return out;
}

function readOrWhy(type: string, props: JsonObject): Grants | string {
  try {
    return readGrants(holderOf(type)!, props);
  } catch (e) {
    if (e instanceof PolicyUnreadable) return e.message;
    throw e;
  }
}

function addedFindings(s: Subject): Msg[] {
  const r = ref(s);
  const out: Msg[] = [];
  const holder = holderOf(s.change.type);
  if (holder && s.change.after.state === 'ok') {
    const grants = readOrWhy(s.change.type, s.change.after.properties);
    if (typeof grants === 'string') return [msg`${r}${words(' is new; its policy could not be read: ')}${grants}`];
    const resourcePolicy = !s.change.type.startsWith('AWS::IAM::') || false;
    for (const [label, statements] of Object.entries(grants.documents)) {
      const isResourcePolicy = resourcePolicy || label === 'AssumeRolePolicyDocument';
      for (const st of statements) {
        const parts = broadParts(st, s.ownAccount, isResourcePolicy);
        if (parts.length > 0) out.push(msg`${r}${words(` is new and ${label} ${st.label} `)}${join(parts, '; ')}`);
      }
    }
    if (grants.managed.length > 0) out.push(msg`${r}${words(' is new with the managed policies ')}${valueList(grants.managed)}${words(' (the review reads no managed policy: each is for a person to check)')}`);
    if (grants.unresolved) out.push(msg`${r}${words(' is new and part of its policy is only known after the change set runs.')}`);
    if (out.length === 0) out.push(msg`${r}${words(' is new: it grants access (no broad statement found; adding access is not a low change).')}`);
    return out;
  }
  return [msg`${r}${words(' is new: it grants access, holds credentials or decides who is who; adding one is not a low change.')}`];
}

function modifiedFindings(s: Subject): Msg[] {
  const r = ref(s);
  const holder = holderOf(s.change.type);
  const changed = changedProperties(s.change);
  if (holder) {
    const policyProps = holderProperties(holder).filter((p) => changed.has(p));
    if (policyProps.length === 0 && changed.size > 0) return [];
    if (s.change.before.state !== 'ok' || s.change.after.state !== 'ok') {
      return [msg`${r}${words(': could not compare its policy (the change set has no readable BeforeContext and AfterContext), so a widening cannot be ruled out.')}`];
    }
    const before = readOrWhy(s.change.type, s.change.before.properties);
    const after = readOrWhy(s.change.type, s.change.after.properties);
    if (typeof before === 'string' || typeof after === 'string') {
      return [msg`${r}${words(': could not compare its policy: ')}${typeof before === 'string' ? before : (after as string)}`];
    }
    const keyAdmin = losesKeyAdministration(s)
      ? [msg`${r}${words(': its key policy no longer lets the account\'s IAM policies manage the key (the root statement with kms:* is gone): the key may become unmanageable.')}`]
      : [];
    return [...keyAdmin, ...compareGrants(before, after, s.ownAccount).map((g) => {
      const parts = g.statement ? broadParts(g.statement, s.ownAccount, !s.change.type.startsWith('AWS::IAM::')) : [];
      const values = g.values.length > 0 ? msg` ${valueList(g.values)}` : msg``;
      const detail = g.statement ? msg`${words(': ')}${describe(g.statement)}${parts.length > 0 ? msg`${words('; ')}${join(parts, '; ')}` : msg``}` : msg``;
      const sid = g.statement?.sid !== undefined ? msg`${words(' (Sid ')}${g.statement.sid}${words(')')}` : msg``;
      return msg`${r}${words(` widens: ${g.what}`)}${sid}${values}${detail}`;
    })];
  }
  const grantProps = grantProperties(s.change.type).filter((p) => changed.has(p));
  if (isIdentityType(s.change.type)) return [msg`${r}${words(' changes; it grants access, holds credentials or decides who is who.')}`];
  return grantProps.length > 0 ? [msg`${r}${words(': its access settings change: ')}${valueList(grantProps)}`] : [];
}

function describe(st: Statement): Msg {
  const actions = st.actions.except ? msg`${words('every action except ')}${valueList(st.actions.items)}` : valueList(st.actions.items);
  const on = st.resources ? (st.resources.except ? msg`${words(' on every resource except ')}${valueList(st.resources.items)}` : msg`${words(' on ')}${valueList(st.resources.items)}`) : msg``;
  const to = st.principals ? (st.principals.except ? msg`${words(' to every principal except ')}${valueList(st.principals.items)}` : msg`${words(' to ')}${valueList(st.principals.items)}`) : msg``;
  const cond = st.conditions.length > 0 ? msg`${words(' when ')}${join(st.conditions.map((c) => msg`${c.operator} ${c.name} ${valueList(c.values, 3)}`), words(' and ').text)}` : msg``;
  return msg`${words(`${st.effect} `)}${actions}${on}${to}${cond}`;
}

function removedFindings(s: Subject): Msg[] {
  const r = ref(s);
  const holder = holderOf(s.change.type);
  if (holder && s.change.before.state === 'ok') {
    const grants = readOrWhy(s.change.type, s.change.before.properties);
    if (typeof grants === 'string') return [msg`${r}${words(' is removed; its policy could not be read, so the Deny statements that stop applying are unknown: ')}${grants}`];
    const denies = Object.values(grants.documents).flat().filter((st) => st.effect === 'Deny');
    if (denies.length > 0) return denies.map((st) => msg`${r}${words(' is removed: its Deny stops applying: ')}${describe(st)}`);
    return [];
  }
  if (holder) return [msg`${r}${words(' is removed; its policy is not in the change set, so a Deny that stops applying cannot be ruled out.')}`];
  return isIdentityType(s.change.type) ? [msg`${r}${words(' is removed: access it granted or denied changes.')}`] : [];
}

/**
 * Why the policy of a comparable resource cannot be compared, or undefined: a context missing or
 * unreadable, a document that does not parse, a part only known after apply.
 */
export function policyUnreadable(s: Subject): string | undefined {
  const holder = holderOf(s.change.type);
  if (!holder) return undefined;
  const sides = s.change.action === 'Add' ? [s.change.after] : s.change.action === 'Remove' ? [s.change.before] : [s.change.before, s.change.after];
  if (s.change.action === 'Modify' && !holderProperties(holder).some((p) => changedProperties(s.change).has(p)) && changedProperties(s.change).size > 0) return undefined;
  for (const side of sides) {
    if (side.state !== 'ok') return 'its property values are not in the change set';
    const grants = readOrWhy(s.change.type, side.properties);
    if (typeof grants === 'string') return grants;
    if (grants.unresolved) return 'part of it is only known after the change set runs';
  }
  return undefined;
}

/** A policy the review cannot read is not reviewed: said on its own, besides the IAM finding. */
export const policyUnreadableRule: Rule = {
  id: 'policy-not-readable',
  category: 'unreviewed',
  summary: 'A policy the review cannot compare: no property values, a document that does not parse, or a part known only after the change set runs (a token, a custom resource\'s attribute).',
  cite: ['https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceChange.html'],
  check: (s: Subject): Msg[] => {
    const why = policyUnreadable(s);
    return why === undefined ? [] : [msg`${ref(s)}${words(': its policy was not reviewed: ')}${why}`];
  },
};

/**
 * Anything that may let more principals do more: new identities, policies, trust, managed
 * policies, boundaries, attachments, Lambda permissions, resource policies of any service. A
 * policy change is compared statement by statement (src/policy); only a provable narrowing is
 * silent.
 */
export const grantsRule: Rule = {
  id: 'iam-grants',
  category: 'iam',
  summary: 'A change of who may do what: a new or changed identity, policy, trust policy, managed policy, permissions boundary or attachment, a Lambda permission, a resource policy of any service, an access key or group membership. A policy change is silent only when the policy model proves it grants nothing new.',
  cite: [
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-vs-inline.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html',
  ],
  check: (s: Subject): Msg[] => {
    const identity = isIdentityType(s.change.type) || holderOf(s.change.type) !== undefined;
    switch (s.change.action) {
      case 'Add': return identity || grantProperties(s.change.type).some((p) => s.change.after.state === 'ok' && s.change.after.properties[p] !== undefined) ? addedFindings(s) : [];
      case 'Modify': return identity || grantProperties(s.change.type).length > 0 ? modifiedFindings(s) : [];
      case 'Remove': return removedFindings(s);
      default: return identity ? [msg`${ref(s)}${words(' is an IAM-relevant resource whose change the review cannot read.')}`] : [];
    }
  },
};
