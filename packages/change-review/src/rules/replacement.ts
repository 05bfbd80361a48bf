import { dataLossReason } from '../data/data-bearing';
import { ref, Subject } from '../model/facts';
import { join, Msg, msg, words } from '../model/text';
import { Rule } from './rule';

/**
 * A replacement creates a new resource and deletes the old one (unless UpdateReplacePolicy
 * keeps it). Replacement True: it will; Conditional: it may, decided while executing. A detail
 * with RequiresRecreation Always or Conditionally means a replacement may happen even where
 * Replacement says False or is missing, so the review takes the stronger of the two.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceChange.html
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceTargetDefinition.html
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-update-behaviors.html
 */
export const replacementRule: Rule = {
  id: 'data-replaced',
  category: 'data-loss',
  summary: 'A resource of a type not known to be stateless is (or may be) replaced: Replacement True or Conditional, or any detail with RequiresRecreation Always or Conditionally whatever Replacement says.',
  cite: [
    'https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceChange.html',
    'https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceTargetDefinition.html',
    'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-updatereplacepolicy.html',
  ],
  check: (s: Subject): Msg[] => {
    const c = s.change;
    if (c.action !== 'Modify') return [];
    const causes = c.details.filter((d) => d.requiresRecreation === 'Always' || d.requiresRecreation === 'Conditionally');
    const unknownRecreation = c.details.some((d) => d.requiresRecreation !== undefined && !['Never', 'Always', 'Conditionally'].includes(d.requiresRecreation));
    const replaced = c.replacement === 'True';
    const maybe = !replaced && (c.replacement !== 'False' || causes.length > 0 || unknownRecreation);
    if (!replaced && !maybe) return [];
    const why = dataLossReason(c.type) ?? 'the old resource is deleted and a new one created, with a new physical id';
    const paths = [...new Set(causes.map((d) => d.path ?? d.name ?? d.attribute ?? '?'))];
    const because = paths.length > 0 ? msg`${words(' because ')}${join(paths.map((p) => msg`${p}`), ', ')}${words(paths.length === 1 ? ' changes' : ' change')}` : msg``;
    const fate = c.policyAction === 'ReplaceAndRetain'
      ? 'the old resource is retained with its data, and the stack moves to a new, empty one'
      : c.policyAction === 'ReplaceAndSnapshot' ? 'the old resource is snapshotted, then deleted, and the new one starts empty' : why;
    const head = replaced ? words(' is replaced') : words(' may be replaced');
    const note = replaced ? '' : c.replacement === 'False' ? ' (Replacement says False, but its details require recreation)' : c.replacement === 'Conditional' ? ' (decided while the change set runs)' : ' (the change set does not say it will not be)';
    return [msg`${ref(s)}${head}${because}${words(`${note}: ${fate}.`)}`];
  },
};
