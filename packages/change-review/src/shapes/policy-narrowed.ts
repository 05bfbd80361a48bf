import { Subject } from '../model/facts';
import { compareGrants, readGrants } from '../policy/grants';
import { COMPARABLE, holderOf, holderProperties } from '../policy/holders';
import { JsonObject } from '../model/change-set';
import { PolicyUnreadable, readDocument } from '../policy/document';
import { inPlaceModify, onlyChanges } from './common';
import { LowShape } from './shape';

/** Whether a policy change of a comparable type provably grants nothing new. */
export function provablyNarrowed(s: Subject): boolean {
  const holder = holderOf(s.change.type);
  if (!holder || s.change.before.state !== 'ok' || s.change.after.state !== 'ok') return false;
  try {
    return compareGrants(readGrants(holder, s.change.before.properties), readGrants(holder, s.change.after.properties), s.ownAccount).length === 0 && !losesKeyAdministration(s);
  } catch (e) {
    if (e instanceof PolicyUnreadable) return false;
    throw e;
  }
}

/**
 * Whether a KMS key policy loses the statement that lets the account's IAM policies manage the
 * key (the account root with kms:*): without it the key may become unmanageable.
 * https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam
 */
export function losesKeyAdministration(s: Subject): boolean {
  if (s.change.type !== 'AWS::KMS::Key' || s.change.before.state !== 'ok' || s.change.after.state !== 'ok' || s.ownAccount === undefined) return false;
  const root = (props: JsonObject): boolean => {
    try {
      return readDocument(props.KeyPolicy, 'KeyPolicy').some((st) => st.effect === 'Allow' && !st.actions.except
        && st.actions.items.some((a) => a === '*' || a.toLowerCase() === 'kms:*')
        // eslint-disable-next-line @cdklabs/no-literal-partition -- the other alternative matches every partition's form
        && (st.principals?.items ?? []).some((p) => p === `AWS:arn:aws:iam::${s.ownAccount}:root` || /^AWS:arn:aws[a-z-]*:iam::\d{12}:root$/.test(p) && p.includes(`::${s.ownAccount}:`)));
    } catch {
      return false;
    }
  };
  return root(s.change.before.properties) && !root(s.change.after.properties);
}

export const policyNarrowed: LowShape = {
  id: 'policy-narrowed',
  title: `A policy that provably grants nothing new (${Object.keys(COMPARABLE).join(', ')}): only its policy properties change, both sides readable, every Allow after covered by an Allow before, every Deny before still covered after, no managed policy or attachment added, the permissions boundary unchanged`,
  why: 'Whoever could do something after the change could already do it before: an explicit Deny still applies where it did, and every Allow is within an earlier one (conditions compared operator by operator, negated operators included).',
  cite: [
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html',
  ],
  matches: (s: Subject) => {
    const holder = holderOf(s.change.type);
    return holder !== undefined && inPlaceModify(s.change) && onlyChanges(s, holderProperties(holder)) && provablyNarrowed(s);
  },
};
