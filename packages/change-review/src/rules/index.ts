/**
 * Every rule, in the order their findings are listed within a change. The README's rule table
 * is generated from this list.
 */
import { abacTagsRule } from './abac-tags';
import { customResourceRule } from './custom-resource';
import { driftRule } from './drift';
import { exposureRule } from './exposure';
import { grantsRule, policyUnreadableRule } from './grants';
import { inPlaceDestructionRule } from './in-place-destruction';
import { nestedRemovedRule, nestedUnreviewedRule } from './nested-stack';
import { removalRule } from './removal';
import { replacementRule } from './replacement';
import { retentionPolicyRule } from './retention-policy';
import { Rule } from './rule';
import { safeDeployRule } from './safe-deploy';
import { structureRule } from './structure';

export const RULES: readonly Rule[] = [
  removalRule,
  replacementRule,
  inPlaceDestructionRule,
  retentionPolicyRule,
  nestedRemovedRule,
  grantsRule,
  abacTagsRule,
  driftRule,
  exposureRule,
  safeDeployRule,
  structureRule,
  customResourceRule,
  policyUnreadableRule,
  nestedUnreviewedRule,
];

export type { Rule };
