import { changedAttributes, ref, Subject } from '../model/facts';
import { Msg, msg, words } from '../model/text';
import { ACTIONS, ATTRIBUTE_CHANGE_TYPES, ATTRIBUTES, CHANGE_SOURCES, DRIFT_STATUSES, EVALUATIONS, POLICY_ACTIONS, RECREATIONS, REPLACEMENTS } from './known-values';
import { Rule } from './rule';

/**
 * What the change set does not say clearly enough to review: a Change of another type than
 * Resource, no ResourceChange, an action CloudFormation decides only while executing, a value
 * the API reference does not list, a Modify that lists no details, drift.
 */
export const structureRule: Rule = {
  id: 'change-set-structure',
  category: 'unreviewed',
  summary: 'A change whose shape the review cannot read: another Change type, no ResourceChange, action Dynamic / Import / SyncWithActual or unknown, an undocumented Replacement, RequiresRecreation, Evaluation, ChangeSource, Attribute, Scope or PolicyAction, a Modify without details, a resource that drifted.',
  cite: [
    'https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_Change.html',
    'https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceChange.html',
    'https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceChangeDetail.html',
    'https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceTargetDefinition.html',
  ],
  check: (s: Subject): Msg[] => {
    const c = s.change;
    const r = ref(s);
    if (c.changeType !== 'Resource') return [msg`${r}: a change of type ${c.changeType ?? '(none)'}${words(' is not one the review reads (only Resource changes are documented).')}`];
    if (!c.hasResourceChange) return [msg`${r}${words(': a Resource change without its ResourceChange; nothing says what it does.')}`];
    const out: Msg[] = [];
    if (c.action === 'Dynamic') out.push(msg`${r}${words(': CloudFormation decides what it does only while executing (action Dynamic).')}`);
    else if (c.action === 'Import') out.push(msg`${r}${words(': an existing resource is imported into the stack (action Import); its current settings were not reviewed.')}`);
    else if (c.action === 'SyncWithActual') out.push(msg`${r}${words(': the stack takes the resource\'s actual settings (action SyncWithActual): a change made outside CloudFormation is adopted.')}`);
    else if (!ACTIONS.has(c.action)) out.push(msg`${r}: action ${c.action}${words(' is not one the review knows.')}`);
    if (c.action === 'Modify' && c.replacement === undefined) out.push(msg`${r}${words(': a Modify that does not say whether the resource is replaced (no Replacement).')}`);
    if (c.replacement !== undefined && !REPLACEMENTS.has(c.replacement)) out.push(msg`${r}: Replacement ${c.replacement}${words(' is not a value the review knows; it may be replaced.')}`);
    if (c.policyAction !== undefined && !POLICY_ACTIONS.has(c.policyAction)) out.push(msg`${r}: PolicyAction ${c.policyAction}${words(' is not a value the review knows.')}`);
    else if (c.policyAction !== undefined && (c.action === 'Add' || (c.action === 'Modify' && c.replacement === 'False'))) {
      out.push(msg`${r}${words(': it has a PolicyAction (')}${c.policyAction}${words(') though it is not removed or replaced: the change set contradicts itself.')}`);
    }
    if (c.action === 'Modify' && c.scope.length === 0) out.push(msg`${r}${words(': a Modify with no Scope: the change set does not say which part of the resource changes.')}`);
    const needsBefore = c.action === 'Modify' || c.action === 'Remove';
    const needsAfter = c.action === 'Modify' || c.action === 'Add';
    if ((needsBefore && c.before.state === 'absent') || (needsAfter && c.after.state === 'absent')) {
      out.push(msg`${r}${words(`: the change set has no ${needsBefore && c.before.state === 'absent' ? 'BeforeContext' : 'AfterContext'} for it (was it described with IncludePropertyValues?), so its values were not reviewed.`)}`);
    }
    if (c.action === 'Modify' && c.details.length === 0) out.push(msg`${r}${words(' changes, but the change set does not say what changes (no Details).')}`);
    for (const scope of c.scope) if (!ATTRIBUTES.has(scope)) out.push(msg`${r}: Scope ${scope}${words(' is not a value the review knows.')}`);
    for (const attribute of changedAttributes(c)) {
      if (['Metadata', 'CreationPolicy', 'UpdatePolicy', 'Condition', 'DependsOn'].includes(attribute)) {
        out.push(msg`${r}: its ${words(attribute)}${words(' changes (Metadata can carry AWS::CloudFormation::Init commands that cfn-hup runs); a change set does not judge it: compare the templates.')}`);
      }
    }
    const unknown = new Set<string>();
    for (const d of c.details) {
      if (d.noTarget) unknown.add('a detail without Target');
      if (d.requiresRecreation !== undefined && !RECREATIONS.has(d.requiresRecreation)) unknown.add(`RequiresRecreation ${d.requiresRecreation}`);
      if (d.requiresRecreation === undefined && !d.noTarget && (d.attribute === 'Properties' || d.attribute === undefined)) unknown.add('a property detail without RequiresRecreation');
      if (d.evaluation === undefined || !EVALUATIONS.has(d.evaluation)) unknown.add(`Evaluation ${d.evaluation ?? '(none)'}`);
      if (d.changeSource !== undefined && !CHANGE_SOURCES.has(d.changeSource)) unknown.add(`ChangeSource ${d.changeSource}`);
      if (d.attribute !== undefined && !ATTRIBUTES.has(d.attribute)) unknown.add(`Attribute ${d.attribute}`);
      if (d.changeType !== undefined && !ATTRIBUTE_CHANGE_TYPES.has(d.changeType)) unknown.add(`AttributeChangeType ${d.changeType}`);
      if (d.attribute !== undefined && ['Metadata', 'CreationPolicy', 'UpdatePolicy'].includes(d.attribute) && !c.scope.includes(d.attribute)) unknown.add(`a change of its ${d.attribute}`);
    }
    for (const u of unknown) out.push(msg`${r}: ${u}${words(' in its details is not something the review can judge.')}`);
    if (c.driftStatus !== undefined && c.driftStatus !== 'IN_SYNC' && c.driftStatus !== 'NOT_CHECKED') {
      out.push(DRIFT_STATUSES.has(c.driftStatus)
        ? msg`${r}: it has drifted (ResourceDriftStatus ${c.driftStatus}${words('): a change made outside CloudFormation is about to be overwritten or kept.')}`
        : msg`${r}: ResourceDriftStatus ${c.driftStatus}${words(' is not a value the review knows.')}`);
    }
    if (s.changeSet.changes.filter((o) => o.logicalId === c.logicalId).length > 1) {
      out.push(msg`${r}${words(': the change set lists this logical id more than once, which CloudFormation never does for one stack: it contradicts itself.')}`);
    }
    if (c.before.state === 'unreadable') out.push(msg`${r}${words(`: its BeforeContext could not be read (${c.before.why}).`)}`);
    if (c.after.state === 'unreadable') out.push(msg`${r}${words(`: its AfterContext could not be read (${c.after.why}).`)}`);
    return out;
  },
};
