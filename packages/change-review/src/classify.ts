/**
 * The verdict on a change set: each resource change gets its findings from the rules and, when
 * it has none, the low shape that proves it routine; a change with neither needs a person.
 * Fail closed: the tier is low only when EVERY change matched a low shape and no rule objected.
 */
import { checkFailed } from './model/aws-checks';
import { ChangeSetModel, ResourceChangeModel } from './model/change-set';
import { ref, Subject } from './model/facts';
import { Msg, msg, words } from './model/text';
import { Category, CATEGORY_ORDER } from './rules/rule';
import { RULES } from './rules';
import { LOW_SHAPES } from './shapes';

export type Tier = 'none' | 'low' | 'high';
export type Policy = 'never' | 'noChanges' | 'lowRisk';

export interface Finding {
  readonly category: Category;
  readonly rule: string;
  readonly text: Msg;
}

export interface ClassifiedChange {
  readonly change: ResourceChangeModel;
  /** Why a person must look; empty when a low shape proved it routine. */
  readonly findings: readonly Finding[];
  /** The low shape that matched (only when there are no findings). */
  readonly lowShape?: string;
}

export interface Counts {
  readonly add: number;
  readonly modify: number;
  readonly remove: number;
  /** Replacement True or Conditional. */
  readonly replace: number;
  readonly total: number;
}

export interface Classification {
  readonly changeSet: ChangeSetModel;
  readonly tier: Tier;
  /** Every change, each nested change set's right after its stack resource. */
  readonly changes: readonly ClassifiedChange[];
  readonly counts: Counts;
  /** Every finding, most harmful category first, then in change order. */
  readonly findings: readonly Finding[];
}

export interface Decision {
  readonly approvalRequired: boolean;
  readonly execute: boolean;
  readonly reason: string;
}

export function classify(changeSet: ChangeSetModel): Classification {
  const ownAccount = /^arn:[^:]+:cloudformation:[^:]*:(\d{12}):/.exec(changeSet.changeSetId)?.[1];
  const changes: ClassifiedChange[] = [];
  collect(changeSet, ownAccount, changes);
  const own = [changeSet, ...nestedChangeSets(changeSet)].flatMap(changeSetFindings);
  const findings: Finding[] = CATEGORY_ORDER.flatMap((cat) => [...own, ...changes.flatMap((c) => c.findings)].filter((f) => f.category === cat));
  // CloudFormation creates an executable change set without resource changes when only
  // outputs, parameters or stack-level settings change (aws/aws-cdk#2029): a person looks.
  const empty: Finding[] = !changeSet.noChanges && changes.length === 0
    ? [{ category: 'unreviewed', rule: 'no-resource-change', text: msg`${words('CloudFormation will execute this change set but it lists no resource change: outputs, parameters or stack-level settings change, which a change set does not show.')}` }]
    : [];
  findings.push(...empty);
  const tier: Tier = changeSet.noChanges && changes.length === 0 ? 'none' : findings.length > 0 ? 'high' : 'low';
  return { changeSet, tier, changes, counts: countChanges(changes), findings };
}

/** Every nested change set that was read, at any depth. */
function nestedChangeSets(changeSet: ChangeSetModel): ChangeSetModel[] {
  return [...changeSet.nested.values()].flatMap((n) => (n.ok ? [n.changeSet, ...nestedChangeSets(n.changeSet)] : []));
}

/** Findings of the change set as a whole: its drift that could not be read, and AWS's own checks. */
function changeSetFindings(changeSet: ChangeSetModel): Finding[] {
  const drift = changeSet.drifts.state === 'unreadable'
    ? [{ category: 'unreviewed' as const, rule: 'drift-unreadable', text: msg`${words('The stack\'s drift could not be read: ')}${changeSet.drifts.why}` }]
    : [];
  return [...drift, ...checkFindings(changeSet)];
}

/**
 * What AWS's own checks of the change set say: a hook or validation that failed in WARN mode
 * (the change set was created anyway) or that has no verdict yet, and checks that could not be
 * read. https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_OperationEvent.html
 */
function checkFindings(changeSet: ChangeSetModel): Finding[] {
  const checks = changeSet.awsChecks;
  if (checks.state === 'unreadable') {
    return [{ category: 'unreviewed', rule: 'aws-checks-unreadable', text: msg`${words('The results of AWS\'s own checks of this change set (hooks, pre-deployment validations) could not be read: ')}${checks.why}` }];
  }
  if (checks.state !== 'read') return [];
  return checks.checks.filter(checkFailed).map((c) => ({
    category: 'aws-check' as const,
    rule: 'aws-check-failed',
    text: msg`${words(c.kind === 'hook' ? 'The CloudFormation hook ' : 'The pre-deployment validation ')}${c.name}${c.logicalId !== undefined ? msg`${words(' on ')}${c.logicalId}` : msg``}${words(' reports ')}${c.status}${c.failureMode !== undefined ? msg`${words(' (failure mode ')}${c.failureMode}${words(')')}` : msg``}${c.reason !== undefined ? msg`${words(': ')}${c.reason}` : msg``}`,
  }));
}

function collect(changeSet: ChangeSetModel, ownAccount: string | undefined, out: ClassifiedChange[]): void {
  for (const change of changeSet.changes) {
    const subject: Subject = { change, changeSet, ...(ownAccount !== undefined ? { ownAccount } : {}) };
    out.push(classifyOne(subject));
    const nested = change.type === 'AWS::CloudFormation::Stack' ? changeSet.nested.get(change.logicalId) : undefined;
    if (nested?.ok) collect(nested.changeSet, ownAccount, out);
  }
}

function classifyOne(s: Subject): ClassifiedChange {
  let findings: Finding[];
  let shape: { id: string } | undefined;
  try {
    findings = RULES.flatMap((rule) => rule.check(s).map((text) => ({ category: rule.category, rule: rule.id, text })));
    shape = findings.length > 0 ? undefined : LOW_SHAPES.find((x) => x.matches(s));
  } catch (e) {
    // A change the review fails on (say, values nested deeper than it can walk) is not
    // reviewed: a person looks. The review itself does not fail.
    const why = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    return { change: s.change, findings: [{ category: 'unreviewed', rule: 'review-failed', text: msg`${ref(s)}${words(': the review could not judge this change (')}${why}${words(').')}` }] };
  }
  if (findings.length > 0) return { change: s.change, findings };
  if (shape) return { change: s.change, findings: [], lowShape: shape.id };
  return {
    change: s.change,
    findings: [{
      category: 'not-proven-low',
      rule: 'not-in-low-table',
      text: msg`${ref(s)}${words(` (${describeAction(s.change)}) is not a change the review can prove routine (it matches no shape of the low table), so a person decides.`)}`,
    }],
  };
}

function describeAction(c: ResourceChangeModel): string {
  switch (c.action) {
    case 'Add': return 'added';
    case 'Remove': return 'removed';
    case 'Modify': return 'modified';
    default: return 'changed';
  }
}

function countChanges(changes: readonly ClassifiedChange[]): Counts {
  const count = (keep: (c: ResourceChangeModel) => boolean): number => changes.filter((c) => keep(c.change)).length;
  return {
    add: count((c) => c.action === 'Add'),
    modify: count((c) => c.action === 'Modify'),
    remove: count((c) => c.action === 'Remove'),
    replace: count((c) => c.replacement === 'True' || c.replacement === 'Conditional'),
    total: changes.length,
  };
}

/**
 * What to do with a change set of a tier under a policy. Nothing is executed for tier `none`;
 * a person confirms it only under `never`. Tier `low` is approved by a person unless the policy
 * is `lowRisk`. Tier `high` always needs a person.
 */
export function decide(tier: Tier, policy: Policy): Decision {
  if (tier === 'none') {
    return policy === 'never'
      ? { approvalRequired: true, execute: false, reason: 'no changes: approval required by policy never (a person confirms even an empty run); nothing to execute' }
      : { approvalRequired: false, execute: false, reason: 'no changes: nothing to approve or execute' };
  }
  if (tier === 'low') {
    return policy === 'lowRisk'
      ? { approvalRequired: false, execute: true, reason: 'auto-approved by policy lowRisk: every change matched the low table' }
      : { approvalRequired: true, execute: true, reason: `approval required: risk tier low (policy ${policy} does not auto-approve it)` };
  }
  return { approvalRequired: true, execute: true, reason: 'approval required: risk tier high' };
}
