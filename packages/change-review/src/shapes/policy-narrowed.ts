import { Subject } from '../model/facts';
import { compareGrants, readGrants } from '../policy/grants';
import { COMPARABLE, holderOf, holderProperties } from '../policy/holders';
import { PolicyUnreadable } from '../policy/document';
import { inPlaceModify, onlyChanges } from './common';
import { LowShape } from './shape';

/** Whether a policy change of a comparable type provably grants nothing new. */
export function provablyNarrowed(s: Subject): boolean {
  const holder = holderOf(s.change.type);
  if (!holder || s.change.before.state !== 'ok' || s.change.after.state !== 'ok') return false;
  try {
    return compareGrants(readGrants(holder, s.change.before.properties), readGrants(holder, s.change.after.properties)).length === 0;
  } catch (e) {
    if (e instanceof PolicyUnreadable) return false;
    throw e;
  }
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
