/**
 * The pure part of the change review: reads a CloudFormation change set (as DescribeChangeSet
 * returned it, every page and the nested change sets) and sorts it into a risk tier, with the
 * reasons a person must look at it. No AWS calls here: the handler reads, this file judges.
 *
 * Field meanings follow the CloudFormation API reference:
 * - Change: https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_Change.html
 * - ResourceChange: https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceChange.html
 * - ResourceChangeDetail: https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceChangeDetail.html
 * - ResourceTargetDefinition: https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceTargetDefinition.html
 */
import type { Change, ResourceChange, ResourceChangeDetail, ResourceTargetDefinition } from '@aws-sdk/client-cloudformation';
import { dataBearingReason } from './data-bearing';

// ---------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------

/** How much a change set needs a person: nothing to do, routine, or look before it runs. */
export type RiskTier = 'none' | 'low' | 'high';

/** Which risk tiers the pipeline may approve without a person. */
export type AutoApprove = 'never' | 'noChanges' | 'lowRisk';

/** A change set as the handler read it: every page's Changes concatenated, and the nested change sets it followed. */
export interface ReviewedChangeSet {
  readonly stackName: string;
  readonly changeSetName: string;
  readonly changeSetId: string;
  /** e.g. CREATE_COMPLETE, FAILED */
  readonly status?: string;
  readonly statusReason?: string;
  readonly changes: Change[];
  /** Nested change sets, keyed by the logical id of the AWS::CloudFormation::Stack resource in this change set. */
  readonly nested: { [logicalId: string]: ReviewedChangeSet };
}

/** One changed property (or other attribute) of a resource, merged over the details that name it. */
export interface PropertyChange {
  /** `Target.Path` when the change set has it (e.g. `/Properties/Timeout`), else `Attribute.Name` (e.g. `Properties.Timeout`), else the attribute. */
  readonly path: string;
  /** Add | Remove | Modify (AttributeChangeType) */
  readonly changeType?: string;
  readonly before?: string;
  readonly after?: string;
  /** Never | Conditionally | Always */
  readonly requiresRecreation?: string;
}

/** One resource change, with what a person must look at. */
export interface ClassifiedChange {
  /** [] for the top stack, ['ApiNested'] for a nested one */
  readonly stackPath: string[];
  readonly logicalId: string;
  readonly physicalId?: string;
  readonly resourceType: string;
  /** Add | Modify | Remove | Import | Dynamic | SyncWithActual ... */
  readonly action: string;
  /** True | False | Conditional */
  readonly replacement?: string;
  /** Property paths whose RequiresRecreation is Always or Conditionally. */
  readonly replacementCauses: string[];
  readonly properties: PropertyChange[];
  /** Why a person must look at this change; empty when it is low risk. */
  readonly attention: string[];
}

/** The verdict on a whole change set, nested change sets included. */
export interface Classification {
  readonly tier: RiskTier;
  /** Every change, the nested ones right after the nested stack that holds them. */
  readonly changes: ClassifiedChange[];
  /** `replace` counts Replacement True and Conditional (a conditional replacement may happen). */
  readonly counts: { readonly add: number; readonly modify: number; readonly remove: number; readonly replace: number; readonly total: number };
  /** Number of changes with attention reasons. */
  readonly attentionCount: number;
  /**
   * Problems of the top change set itself, not of one resource: a status other than
   * CREATE_COMPLETE (apart from "no changes"). Each makes the tier high. Optional in the type
   * so that a Classification written by hand stays valid; {@link classify} always sets it.
   */
  readonly problems?: string[];
}

/** What the pipeline does with a change set of a tier, under an auto-approve policy. */
export interface Decision {
  /** a person must approve */
  readonly approvalRequired: boolean;
  /** there is something to execute (tier !== 'none') */
  readonly execute: boolean;
  /** e.g. 'no changes: nothing to approve or execute', 'auto-approved by policy lowRisk (risk tier low)', 'approval required: risk tier high' */
  readonly reason: string;
}

// ---------------------------------------------------------------------------------------------
// classify and decide
// ---------------------------------------------------------------------------------------------

/**
 * Classifies every change of a change set and its nested change sets.
 *
 * The tier is `none` when neither the change set nor a nested one has a change, `high` when any
 * change has an attention reason (or the change set itself has a problem), else `low`. Anything
 * the review does not understand is an attention reason, never silently low.
 */
export function classify(changeSet: ReviewedChangeSet): Classification {
  const env: ReviewEnv = { ownAccount: accountOfArn(changeSet.changeSetId) };
  const changes: ClassifiedChange[] = [];
  collect(changeSet, [], env, changes);
  const problem = changeSetProblem(changeSet);
  const problems = problem ? [`The change set ${changeSet.changeSetName} of ${changeSet.stackName} ${problem}.`] : [];
  const attentionCount = changes.filter((c) => c.attention.length > 0).length;
  return { tier: tierOf(changes.length, attentionCount + problems.length), changes, counts: countChanges(changes), attentionCount, problems };
}

/**
 * What to do with a change set of a tier under a policy. Nothing is executed for tier `none`;
 * a person approves it only under `never` (someone confirms even an empty run). Tier `low` is
 * approved by a person unless the policy is `lowRisk`. Tier `high` always needs a person.
 */
export function decide(tier: RiskTier, policy: AutoApprove): Decision {
  if (tier === 'none') {
    return policy === 'never'
      ? { approvalRequired: true, execute: false, reason: 'no changes: approval required by policy never (a person confirms even an empty run); nothing to execute' }
      : { approvalRequired: false, execute: false, reason: 'no changes: nothing to approve or execute' };
  }
  if (tier === 'low') {
    return policy === 'lowRisk'
      ? { approvalRequired: false, execute: true, reason: 'auto-approved by policy lowRisk (risk tier low)' }
      : { approvalRequired: true, execute: true, reason: `approval required: risk tier low (policy ${policy} does not auto-approve it)` };
  }
  return { approvalRequired: true, execute: true, reason: 'approval required: risk tier high' };
}

function tierOf(changeCount: number, reasonCount: number): RiskTier {
  if (reasonCount > 0) return 'high';
  return changeCount === 0 ? 'none' : 'low';
}

function countChanges(changes: readonly ClassifiedChange[]): Classification['counts'] {
  const count = (keep: (c: ClassifiedChange) => boolean): number => changes.filter(keep).length;
  return {
    add: count((c) => c.action === 'Add'),
    modify: count((c) => c.action === 'Modify'),
    remove: count((c) => c.action === 'Remove'),
    replace: count((c) => c.replacement === 'True' || c.replacement === 'Conditional'),
    total: changes.length,
  };
}

/** What every rule may know beyond the change itself. */
interface ReviewEnv {
  /** The account the change set lives in, from its ARN; principals of other accounts are cross-account. */
  readonly ownAccount?: string;
}

/** Classifies a change set's changes, each nested change set's right after its stack resource. */
function collect(changeSet: ReviewedChangeSet, stackPath: string[], env: ReviewEnv, out: ClassifiedChange[]): void {
  const followed = new Set<string>();
  for (const change of changeSet.changes) {
    const logicalId = change.ResourceChange?.LogicalResourceId;
    const nested = change.ResourceChange?.ResourceType === NESTED_STACK && logicalId !== undefined ? nestedOf(changeSet, logicalId) : undefined;
    out.push(classifyChange(change, stackPath, env, nested));
    if (nested && logicalId !== undefined && !followed.has(logicalId)) {
      followed.add(logicalId);
      collect(nested, [...stackPath, logicalId], env, out);
    }
  }
  // A nested change set the handler read for a stack this change set does not list still counts.
  for (const [logicalId, nested] of Object.entries(changeSet.nested)) {
    if (!followed.has(logicalId)) collect(nested, [...stackPath, logicalId], env, out);
  }
}

function nestedOf(changeSet: ReviewedChangeSet, logicalId: string): ReviewedChangeSet | undefined {
  return Object.prototype.hasOwnProperty.call(changeSet.nested, logicalId) ? changeSet.nested[logicalId] : undefined;
}

/**
 * Why a change set cannot be trusted as complete, or undefined. CloudFormation leaves a change
 * set without changes FAILED, with a status reason saying it "didn't contain changes" (or, for
 * some nested stacks, "No updates are to be performed."): that one simply has no changes.
 * Statuses: https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeChangeSet.html
 */
function changeSetProblem(changeSet: ReviewedChangeSet): string | undefined {
  const status = changeSet.status;
  if (status === undefined || status === 'CREATE_COMPLETE') return undefined;
  if (status === 'FAILED' && changeSet.changes.length === 0 && NO_CHANGES_REASON.test(changeSet.statusReason ?? '')) return undefined;
  return `is ${status}${changeSet.statusReason ? ` (${changeSet.statusReason})` : ''}`;
}

const NO_CHANGES_REASON = /didn't contain changes|No updates are to be performed/i;
const NESTED_STACK = 'AWS::CloudFormation::Stack';

// ---------------------------------------------------------------------------------------------
// One change
// ---------------------------------------------------------------------------------------------

/** A resource change and what the rules need to know about it. */
interface Subject {
  readonly rc: ResourceChange;
  /** e.g. `ApiNested/OrdersTable (AWS::DynamoDB::Table)`: how reasons name the resource. */
  readonly ref: string;
  readonly logicalId: string;
  readonly type: string;
  readonly action: string;
  readonly properties: readonly PropertyChange[];
  readonly replacementCauses: readonly string[];
  /** The nested change set of an AWS::CloudFormation::Stack resource, when the handler read it. */
  readonly nested?: ReviewedChangeSet;
  readonly env: ReviewEnv;
}

/** A rule gives the attention reasons it finds in one resource change (none: it has no objection). */
type Rule = (s: Subject) => string[];

const RULES: readonly Rule[] = [unknownActionRule, nestedStackRule, dataBearingRule, iamWideningRule, safeDeployRule];

function classifyChange(change: Change, stackPath: string[], env: ReviewEnv, nested: ReviewedChangeSet | undefined): ClassifiedChange {
  const rc: ResourceChange = change.ResourceChange ?? {};
  const logicalId = rc.LogicalResourceId ?? '(no logical id)';
  const type = rc.ResourceType ?? '(no resource type)';
  const action = rc.Action ?? '(no action)';
  const properties = propertyChanges(rc.Details);
  const replacementCauses = properties.filter((p) => p.requiresRecreation === 'Always' || p.requiresRecreation === 'Conditionally').map((p) => p.path);
  const ref = `${[...stackPath, logicalId].join('/')} (${type})`;
  const subject: Subject = { rc, ref, logicalId, type, action, properties, replacementCauses, nested, env };
  // Only Resource changes exist today (Change.Type); anything else is not understood.
  const attention = change.Type !== 'Resource'
    ? [`${ref}: a change of type ${change.Type ?? '(none)'} is not one the review understands (only Resource changes are), so it was not checked.`]
    : change.ResourceChange
      ? RULES.flatMap((rule) => rule(subject))
      : [`${ref}: a Resource change without its ResourceChange could not be checked.`];
  return {
    stackPath,
    logicalId,
    ...(rc.PhysicalResourceId !== undefined ? { physicalId: rc.PhysicalResourceId } : {}),
    resourceType: type,
    action,
    ...(rc.Replacement !== undefined ? { replacement: rc.Replacement } : {}),
    replacementCauses,
    properties,
    attention,
  };
}

/**
 * The changed properties of a resource, one per path. A property can appear in several details
 * (a Static and a Dynamic evaluation, or several causing entities); they are merged: the first
 * known value wins and the strongest RequiresRecreation (Always > Conditionally > Never) is kept.
 * Target.Path, BeforeValue and AfterValue exist only when the change set was described with
 * IncludePropertyValues: https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceTargetDefinition.html
 */
function propertyChanges(details: readonly ResourceChangeDetail[] | undefined): PropertyChange[] {
  const byPath = new Map<string, PropertyChange>();
  for (const detail of details ?? []) {
    const target = detail.Target;
    if (!target) continue;
    const path = targetPath(target);
    const next = fromTarget(path, target);
    const seen = byPath.get(path);
    byPath.set(path, seen ? mergeProperty(seen, next) : next);
  }
  return [...byPath.values()];
}

function targetPath(target: ResourceTargetDefinition): string {
  if (target.Path) return target.Path;
  const attribute = target.Attribute ?? 'Properties';
  return target.Name ? `${attribute}.${target.Name}` : attribute;
}

function fromTarget(path: string, target: ResourceTargetDefinition): PropertyChange {
  return withoutUndefined({
    path,
    changeType: target.AttributeChangeType,
    before: target.BeforeValue,
    after: target.AfterValue,
    requiresRecreation: target.RequiresRecreation,
  });
}

function mergeProperty(seen: PropertyChange, next: PropertyChange): PropertyChange {
  return withoutUndefined({
    path: seen.path,
    changeType: seen.changeType ?? next.changeType,
    before: seen.before ?? next.before,
    after: seen.after ?? next.after,
    requiresRecreation: strongerRecreation(seen.requiresRecreation, next.requiresRecreation),
  });
}

const RECREATION_RANK: { readonly [value: string]: number } = { Never: 1, Conditionally: 2, Always: 3 };

function strongerRecreation(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return (RECREATION_RANK[b] ?? 0) > (RECREATION_RANK[a] ?? 0) ? b : a;
}

function withoutUndefined(p: { path: string; changeType?: string; before?: string; after?: string; requiresRecreation?: string }): PropertyChange {
  const out: { [key: string]: string } = { path: p.path };
  for (const key of ['changeType', 'before', 'after', 'requiresRecreation'] as const) {
    const value = p[key];
    if (value !== undefined) out[key] = value;
  }
  return out as unknown as PropertyChange;
}

/** The top-level property a path is under: `/Properties/Code/S3Key` and `Properties.Code` give `Code`. */
function topProperty(path: string): string | undefined {
  return /^\/?Properties[./]([^./]+)/.exec(path)?.[1];
}

function changedTopProperties(s: Subject): Set<string> {
  return new Set(s.properties.map((p) => topProperty(p.path)).filter((name): name is string => name !== undefined));
}

function because(paths: readonly string[]): string {
  if (paths.length === 0) return '';
  return ` because ${paths.join(', ')} ${paths.length === 1 ? 'changes' : 'change'}`;
}

// ---------------------------------------------------------------------------------------------
// Rule: what the review does not understand
// ---------------------------------------------------------------------------------------------

const KNOWN_ACTIONS = new Set(['Add', 'Modify', 'Remove', 'Import']);

/**
 * Only Add, Modify, Remove and Import say what will happen. `Dynamic` means CloudFormation can
 * only tell while executing; SyncWithActual and anything newer are not understood here.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceChange.html
 */
function unknownActionRule(s: Subject): string[] {
  if (KNOWN_ACTIONS.has(s.action)) return [];
  if (s.action === 'Dynamic') {
    return [`${s.ref}: CloudFormation cannot tell yet what it will do to this resource (action Dynamic, decided while the change set runs).`];
  }
  return [`${s.ref}: action ${s.action} is not one the review understands (only Add, Modify, Remove and Import are), so it was not checked.`];
}

// ---------------------------------------------------------------------------------------------
// Rule: nested stacks
// ---------------------------------------------------------------------------------------------

/**
 * A nested stack's own changes are in its nested change set (ResourceChange.ChangeSetId). If
 * the handler did not read it, nobody reviewed them. Removing a nested stack deletes every
 * resource in it, and the parent change set does not list them.
 */
function nestedStackRule(s: Subject): string[] {
  if (s.type !== NESTED_STACK) return [];
  if (s.action === 'Remove') {
    return s.rc.PolicyAction === 'Retain'
      ? [`${s.ref} is removed from the stack but retained (PolicyAction Retain): its resources stay, no longer managed by this stack.`]
      : [`${s.ref} is removed: every resource in that nested stack is deleted, and the change set does not list them.`];
  }
  if (!s.nested) {
    const id = s.rc.ChangeSetId ? ` (${s.rc.ChangeSetId})` : '';
    return [`${s.ref}: nested stack changes were not reviewed: its nested change set${id} was not read.`];
  }
  const problem = changeSetProblem(s.nested);
  return problem ? [`${s.ref}: its nested change set ${problem}, so the nested stack changes were not reviewed.`] : [];
}

// ---------------------------------------------------------------------------------------------
// Rule: data-bearing resources
// ---------------------------------------------------------------------------------------------

/**
 * Deletion, replacement and possible replacement of a type in DATA_BEARING_TYPES. PolicyAction
 * says what CloudFormation does with the old physical resource: Delete, Retain (kept, no longer
 * managed), Snapshot (snapshotted, then deleted), and ReplaceAndDelete / ReplaceAndRetain /
 * ReplaceAndSnapshot for a replacement. Retain and Snapshot soften the loss but a person still
 * looks. Replacement True means CloudFormation will recreate it; Conditional means it may,
 * deciding while executing.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceChange.html
 */
function dataBearingRule(s: Subject): string[] {
  const why = dataBearingReason(s.type);
  if (!why) return [];
  const reasons: string[] = [];
  if (s.action === 'Remove') reasons.push(removalReason(s, why));
  if (s.action === 'Modify' && s.rc.Replacement === 'True') reasons.push(replacementReason(s, why));
  if (s.action === 'Modify' && s.rc.Replacement === 'Conditional') reasons.push(conditionalReplacementReason(s, why));
  const policyAttributes = s.properties.filter((p) => /^\/?(DeletionPolicy|UpdateReplacePolicy)\b/.test(p.path)).map((p) => p.path);
  if (policyAttributes.length > 0) {
    reasons.push(`${s.ref}: ${policyAttributes.join(', ')} ${policyAttributes.length === 1 ? 'changes' : 'change'}; check that a later deletion or replacement still keeps its data (${why}).`);
  }
  return reasons;
}

function removalReason(s: Subject, why: string): string {
  switch (s.rc.PolicyAction) {
    case 'Retain':
      return `${s.ref} is removed from the stack; the old resource is retained (PolicyAction Retain), so its data stays, no longer managed by the stack.`;
    case 'Snapshot':
      return `${s.ref} is deleted after a final snapshot (PolicyAction Snapshot): ${why}; only the snapshot keeps the data.`;
    case undefined:
    case 'Delete':
      return `${s.ref} is deleted: ${why}.`;
    default:
      return `${s.ref} is removed (PolicyAction ${s.rc.PolicyAction}): ${why}.`;
  }
}

function replacementReason(s: Subject, why: string): string {
  const head = `${s.ref} is replaced${because(s.replacementCauses)}`;
  switch (s.rc.PolicyAction) {
    case 'ReplaceAndRetain':
      return `${head}: the old resource is retained with its data (PolicyAction ReplaceAndRetain), but the stack moves to a new, empty one.`;
    case 'ReplaceAndSnapshot':
      return `${head}: the old resource is snapshotted, then deleted (PolicyAction ReplaceAndSnapshot), and the new one starts empty; ${why}.`;
    default:
      return `${head}: CloudFormation creates a new one and deletes the old one; ${why}.`;
  }
}

function conditionalReplacementReason(s: Subject, why: string): string {
  const fate = s.rc.PolicyAction === 'ReplaceAndRetain'
    ? 'the old resource is retained and the new one starts empty'
    : s.rc.PolicyAction === 'ReplaceAndSnapshot'
      ? 'the old resource is snapshotted, then deleted'
      : 'the old one is deleted';
  return `${s.ref} may be replaced${because(s.replacementCauses)} (Replacement Conditional, decided while the change set runs); if it is, ${fate}: ${why}.`;
}

// ---------------------------------------------------------------------------------------------
// Rule: IAM widening
// ---------------------------------------------------------------------------------------------
//
// Policies are compared in ResourceChange.BeforeContext / AfterContext: JSON strings of the
// resource's properties, `{"Properties": {...}}`, present only when the change set was described
// with IncludePropertyValues (no BeforeContext for Add, no AfterContext for Remove).
// https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceChange.html
//
// A value CloudFormation only learns while executing (a Fn::GetAtt of a resource this change set
// creates or replaces) reads `{{changeSet:KNOWN_AFTER_APPLY}}`.

/** Where a resource type keeps what it allows. */
interface PolicySpec {
  /** Properties holding one policy document each. */
  readonly documents?: readonly string[];
  /** A property holding `[{PolicyName, PolicyDocument}]`; their statements are compared as one set. */
  readonly inline?: string;
  readonly managed?: string;
  readonly boundary?: string;
  /** Properties naming who or what the policy applies to: one more is a widening. */
  readonly attachments?: readonly string[];
  /** The resource is a policy that applies to something else, so deleting it lifts its Deny statements. */
  readonly appliesToOthers?: boolean;
  /** A resource policy scoped to the resource that holds it, where Resource `*` means that resource. */
  readonly selfScoped?: boolean;
  /** AWS::Lambda::Permission: one statement spelled as properties. */
  readonly lambdaPermission?: boolean;
}

/**
 * Types whose properties grant or guard access. References:
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-iam-role.html (and -policy, -managedpolicy, -rolepolicy, -user, -group),
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-lambda-permission.html
 */
const POLICY_SPECS: { readonly [type: string]: PolicySpec } = {
  'AWS::IAM::Role': { documents: ['AssumeRolePolicyDocument'], inline: 'Policies', managed: 'ManagedPolicyArns', boundary: 'PermissionsBoundary' },
  'AWS::IAM::User': { inline: 'Policies', managed: 'ManagedPolicyArns', boundary: 'PermissionsBoundary', attachments: ['Groups'] },
  'AWS::IAM::Group': { inline: 'Policies', managed: 'ManagedPolicyArns' },
  'AWS::IAM::Policy': { documents: ['PolicyDocument'], attachments: ['Roles', 'Users', 'Groups'], appliesToOthers: true },
  'AWS::IAM::ManagedPolicy': { documents: ['PolicyDocument'], attachments: ['Roles', 'Users', 'Groups'], appliesToOthers: true },
  'AWS::IAM::RolePolicy': { documents: ['PolicyDocument'], attachments: ['RoleName'], appliesToOthers: true },
  'AWS::IAM::UserPolicy': { documents: ['PolicyDocument'], attachments: ['UserName'], appliesToOthers: true },
  'AWS::IAM::GroupPolicy': { documents: ['PolicyDocument'], attachments: ['GroupName'], appliesToOthers: true },
  'AWS::KMS::Key': { documents: ['KeyPolicy'], selfScoped: true },
  'AWS::S3::BucketPolicy': { documents: ['PolicyDocument'], attachments: ['Bucket'], appliesToOthers: true },
  'AWS::SNS::TopicPolicy': { documents: ['PolicyDocument'], attachments: ['Topics'], appliesToOthers: true },
  'AWS::SNS::TopicInlinePolicy': { documents: ['PolicyDocument'], attachments: ['TopicArn'], appliesToOthers: true },
  'AWS::SQS::QueuePolicy': { documents: ['PolicyDocument'], attachments: ['Queues'], appliesToOthers: true },
  'AWS::SQS::QueueInlinePolicy': { documents: ['PolicyDocument'], attachments: ['Queue'], appliesToOthers: true },
  'AWS::SecretsManager::ResourcePolicy': { documents: ['ResourcePolicy'], attachments: ['SecretId'], appliesToOthers: true, selfScoped: true },
  'AWS::ECR::Repository': { documents: ['RepositoryPolicyText'], selfScoped: true },
  'AWS::Events::EventBus': { documents: ['Policy'], selfScoped: true },
  'AWS::Backup::BackupVault': { documents: ['AccessPolicy'], selfScoped: true },
  'AWS::Lambda::Permission': { lambdaPermission: true },
};

/** The properties a spec reads: a change elsewhere (say, Tags) cannot widen anything. */
function specProperties(spec: PolicySpec): string[] {
  const lambda = spec.lambdaPermission ? ['Action', 'Principal', 'FunctionName', 'SourceArn', 'SourceAccount', 'PrincipalOrgID', 'FunctionUrlAuthType', 'EventSourceToken'] : [];
  return [...(spec.documents ?? []), ...[spec.inline, spec.managed, spec.boundary].filter((p): p is string => p !== undefined), ...(spec.attachments ?? []), ...lambda];
}

/**
 * Attention when a change lets more principals do more things: see {@link compareGrants} for an
 * existing resource and {@link broadGrants} for a new one. A removed policy that applies to
 * something else lifts its Deny statements. When the policy cannot be read (no property values,
 * not JSON, only known after apply), the review says it could not compare it.
 */
function iamWideningRule(s: Subject): string[] {
  const spec = Object.prototype.hasOwnProperty.call(POLICY_SPECS, s.type) ? POLICY_SPECS[s.type] : undefined;
  if (!spec) return [];
  switch (s.action) {
    case 'Add': return addedGrants(s, spec);
    case 'Modify': return modifiedGrants(s, spec);
    case 'Remove': return spec.appliesToOthers ? removedGrants(s, spec) : [];
    default: return [];
  }
}

function couldNotCompare(s: Subject, why: string): string {
  return `${s.ref}: could not compare the policy: ${why}, so a widening cannot be ruled out.`;
}

/**
 * A NEW role or policy is attention only when it grants broadly: an identity policy with a
 * wildcard action (`*`, `service:*`), a wildcard resource or NotAction/NotResource, a trust or
 * resource policy that lets in anyone (`*`), another account or a federated identity, or a
 * broad AWS managed policy (AdministratorAccess, PowerUserAccess, *FullAccess). A new role with
 * narrow grants is routine (every new function gets one) and flagging all of them would make
 * every deployment that adds a resource high risk, which people learn to click through.
 * In a resource policy Resource `*` means the resource that holds it, so only its principals count.
 */
function addedGrants(s: Subject, spec: PolicySpec): string[] {
  const after = readContext(s.rc.AfterContext, 'AfterContext');
  if (!after.ok) return [couldNotCompare(s, after.why)];
  let grants: Grants;
  try {
    grants = readGrants(spec, after.properties);
  } catch (e) {
    return [couldNotCompare(s, messageOf(e))];
  }
  // A value known only after apply is a Ref or Fn::GetAtt of a resource this stack creates:
  // one resource, in this account (imports and parameters are resolved when the change set is
  // made). It cannot make a new resource, condition, attachment, managed policy or boundary
  // broad. Only an unknown action or principal is not compared.
  const unresolved = grants.unresolved.filter((u) => u.where === 'Action' || u.where === 'Principal');
  if (unresolved.length > 0) return [couldNotCompare(s, `${describeUnresolved(unresolved)} only known after the change set runs`)];
  return broadGrants(s, spec, grants);
}

function modifiedGrants(s: Subject, spec: PolicySpec): string[] {
  const before = readContext(s.rc.BeforeContext, 'BeforeContext');
  const after = readContext(s.rc.AfterContext, 'AfterContext');
  if (!before.ok || !after.ok) return touchesAny(s, specProperties(spec)) ? [couldNotCompare(s, whyUnread(before, after))] : [];
  let old: Grants;
  let next: Grants;
  try {
    old = readGrants(spec, before.properties);
    next = readGrants(spec, after.properties);
  } catch (e) {
    return [couldNotCompare(s, messageOf(e))];
  }
  const reasons = next.unresolved.length > 0 ? [couldNotCompare(s, `${describeUnresolved(next.unresolved)} only known after the change set runs`)] : [];
  return [...reasons, ...compareGrants(s, old, next)];
}

/** Whether the change touches one of the properties (true when the change set does not say what changed). */
function touchesAny(s: Subject, names: readonly string[]): boolean {
  if (s.properties.length === 0) return true;
  const changed = changedTopProperties(s);
  return names.some((n) => changed.has(n)) || s.properties.some((p) => topProperty(p.path) === undefined && p.path.startsWith('Properties'));
}

function removedGrants(s: Subject, spec: PolicySpec): string[] {
  const before = readContext(s.rc.BeforeContext, 'BeforeContext');
  if (!before.ok) return [couldNotCompare(s, `${before.why}, so its Deny statements are unknown`)];
  let grants: Grants;
  try {
    grants = readGrants(spec, before.properties);
  } catch (e) {
    return [couldNotCompare(s, messageOf(e))];
  }
  return Object.entries(grants.documents).flatMap(([label, statements]) => statements
    .filter((st) => st.effect === 'Deny')
    .map((st) => `${s.ref} is removed: ${label} ${st.label} (Deny ${describeSet(st.actions, 'action')}) stops applying.`));
}

// --- Reading contexts and policies -------------------------------------------------------------

type Json = string | number | boolean | null | readonly Json[] | JsonObject;
interface JsonObject { readonly [key: string]: Json }

type ContextRead = { readonly ok: true; readonly properties: JsonObject } | { readonly ok: false; readonly why: string };

/** Reads a BeforeContext / AfterContext: a JSON string of `{"Properties": {...}}`. */
function readContext(raw: string | undefined, which: 'BeforeContext' | 'AfterContext'): ContextRead {
  if (raw === undefined) return { ok: false, why: `the change set has no ${which} (was it described with IncludePropertyValues?)` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { ok: false, why: `its ${which} is not valid JSON` };
  }
  if (!isObject(parsed)) return { ok: false, why: `its ${which} is not a JSON object` };
  // A resource without properties may come as `{}`; any other shape is not the one documented.
  if (Object.keys(parsed).length === 0) return { ok: true, properties: {} };
  const properties = parsed.Properties;
  if (!isObject(properties)) return { ok: false, why: `its ${which} has no Properties object` };
  return { ok: true, properties };
}

/** Why one of two contexts could not be read (the first that failed). */
function whyUnread(before: ContextRead, after: ContextRead): string {
  if (!before.ok) return before.why;
  return after.ok ? 'its property values could not be read' : after.why;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A policy that cannot be read: the reason ends up in "could not compare the policy: …". */
class PolicyUnreadable extends Error {}

function messageOf(e: unknown): string {
  if (e instanceof PolicyUnreadable) return e.message;
  throw e;
}

const UNRESOLVED = /\{\{changeSet:[A-Za-z_]+\}\}/;

function isUnresolved(value: string): boolean {
  return UNRESOLVED.test(value);
}

/** A list of values, or "everything except" them (NotAction, NotResource, NotPrincipal). */
interface ValueSet {
  readonly except: boolean;
  readonly items: readonly string[];
}

interface ConditionEntry {
  readonly operator: string;
  /** lower case: condition keys are case-insensitive */
  readonly key: string;
  /** as written, for the report */
  readonly name: string;
  readonly values: readonly string[];
}

interface Statement {
  /** e.g. `statement 'ReadOrders'` or `statement 2 of policy 'Default'`; empty for the one statement of a Lambda permission */
  readonly label: string;
  readonly sid?: string;
  readonly effect: 'Allow' | 'Deny';
  readonly actions: ValueSet;
  /** absent in trust policies */
  readonly resources?: ValueSet;
  /** `Kind:value`, e.g. `AWS:arn:aws:iam::111122223333:root`, `Service:lambda.amazonaws.com`; `*` is `AWS:*` */
  readonly principals?: ValueSet;
  readonly conditions: readonly ConditionEntry[];
}

interface Unresolved {
  /** e.g. `Properties.PolicyDocument statement 1` */
  readonly label: string;
  readonly where: 'Action' | 'Resource' | 'Principal' | 'Condition' | 'Managed' | 'Boundary' | 'Attachment';
}

/** Everything a resource allows, read from its properties. */
interface Grants {
  /** Statements by the property that holds them (`Properties.PolicyDocument`). */
  readonly documents: { readonly [label: string]: readonly Statement[] };
  readonly managed: readonly string[];
  readonly boundary?: string;
  /** Attachment values by property label. */
  readonly attachments: { readonly [label: string]: readonly string[] };
  readonly unresolved: readonly Unresolved[];
}

function readGrants(spec: PolicySpec, props: JsonObject): Grants {
  const documents: { [label: string]: Statement[] } = {};
  const unresolved: Unresolved[] = [];
  for (const prop of spec.documents ?? []) {
    documents[`Properties.${prop}`] = readDocument(props[prop], `Properties.${prop}`, '', unresolved);
  }
  if (spec.inline) documents[`Properties.${spec.inline}`] = readInlinePolicies(props[spec.inline], `Properties.${spec.inline}`, unresolved);
  if (spec.lambdaPermission) documents['its permission'] = [lambdaPermissionStatement(props, unresolved)];
  const managed = spec.managed ? stringList(props[spec.managed], `Properties.${spec.managed}`) : [];
  managed.filter(isUnresolved).forEach(() => unresolved.push({ label: `Properties.${spec.managed}`, where: 'Managed' }));
  const boundaryValue = spec.boundary ? props[spec.boundary] : undefined;
  const boundary = boundaryValue === undefined || boundaryValue === null ? undefined : scalar(boundaryValue);
  if (boundary !== undefined && isUnresolved(boundary)) unresolved.push({ label: `Properties.${spec.boundary}`, where: 'Boundary' });
  const attachments: { [label: string]: string[] } = {};
  for (const prop of spec.attachments ?? []) {
    const values = stringList(props[prop], `Properties.${prop}`);
    attachments[`Properties.${prop}`] = values;
    if (values.some(isUnresolved)) unresolved.push({ label: `Properties.${prop}`, where: 'Attachment' });
  }
  return { documents, managed, ...(boundary !== undefined ? { boundary } : {}), attachments, unresolved };
}

/** `[{PolicyName, PolicyDocument}]` as one list of statements, each labelled with its policy. */
function readInlinePolicies(value: Json | undefined, label: string, unresolved: Unresolved[]): Statement[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new PolicyUnreadable(`${label} is not a list`);
  return value.flatMap((policy: Json, i: number) => {
    if (!isObject(policy)) throw new PolicyUnreadable(`${label}[${i}] is not an object`);
    const name = typeof policy.PolicyName === 'string' ? policy.PolicyName : `#${i + 1}`;
    return readDocument(policy.PolicyDocument, label, ` of policy '${name}'`, unresolved);
  });
}

/** Reads a policy document given as an object or as a JSON string. */
function readDocument(value: Json | undefined, label: string, suffix: string, unresolved: Unresolved[]): Statement[] {
  if (value === undefined || value === null) return [];
  let doc: Json = value;
  if (typeof value === 'string') {
    if (isUnresolved(value)) throw new PolicyUnreadable(`${label}${suffix} is only known after the change set runs`);
    try {
      doc = JSON.parse(value) as Json;
    } catch {
      throw new PolicyUnreadable(`${label}${suffix} is not valid JSON`);
    }
  }
  if (!isObject(doc)) throw new PolicyUnreadable(`${label}${suffix} is not a policy document`);
  const raw = doc.Statement;
  const list: readonly Json[] = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw as Json];
  return list.map((st, i) => readStatement(st, `${label}${suffix}`, i, unresolved));
}

function readStatement(value: Json, docLabel: string, index: number, unresolved: Unresolved[]): Statement {
  if (!isObject(value)) throw new PolicyUnreadable(`${docLabel} statement ${index + 1} is not an object`);
  const sid = typeof value.Sid === 'string' && value.Sid !== '' ? value.Sid : undefined;
  const label = sid ? `statement '${sid}'` : `statement ${index + 1}`;
  const where = `${docLabel} ${label}`;
  const effect = value.Effect;
  if (effect !== 'Allow' && effect !== 'Deny') throw new PolicyUnreadable(`${where} has Effect ${JSON.stringify(effect ?? null)}`);
  const actions = valueSet(value, 'Action', 'NotAction', where) ?? { except: false, items: [] };
  const resources = valueSet(value, 'Resource', 'NotResource', where);
  const principals = principalSet(value, where);
  const conditions = readConditions(value.Condition, where);
  noteUnresolved(unresolved, where, actions.items, 'Action');
  noteUnresolved(unresolved, where, resources?.items ?? [], 'Resource');
  noteUnresolved(unresolved, where, principals?.items ?? [], 'Principal');
  noteUnresolved(unresolved, where, conditions.flatMap((c) => c.values), 'Condition');
  return { label: suffixLabel(label, docLabel), ...(sid ? { sid } : {}), effect, actions, ...(resources ? { resources } : {}), ...(principals ? { principals } : {}), conditions };
}

/** `statement 2` inside `Properties.Policies of policy 'X'` reads `statement 2 of policy 'X'`. */
function suffixLabel(label: string, docLabel: string): string {
  const of = / of policy '.*'$/.exec(docLabel)?.[0];
  return of ? `${label}${of}` : label;
}

function noteUnresolved(out: Unresolved[], label: string, values: readonly string[], where: Unresolved['where']): void {
  if (values.some(isUnresolved)) out.push({ label, where });
}

function describeUnresolved(list: readonly Unresolved[]): string {
  const parts = [...new Set(list.map((u) => (u.where === 'Managed' || u.where === 'Boundary' || u.where === 'Attachment' ? u.label : `${u.where} of ${u.label}`)))];
  return `${parts.join(', ')} ${parts.length === 1 ? 'is' : 'are'}`;
}

function valueSet(st: JsonObject, key: string, notKey: string, where: string): ValueSet | undefined {
  if (st[key] !== undefined) return { except: false, items: stringList(st[key], `${where} ${key}`) };
  if (st[notKey] !== undefined) return { except: true, items: stringList(st[notKey], `${where} ${notKey}`) };
  return undefined;
}

function principalSet(st: JsonObject, where: string): ValueSet | undefined {
  if (st.Principal !== undefined) return { except: false, items: principalItems(st.Principal, `${where} Principal`) };
  if (st.NotPrincipal !== undefined) return { except: true, items: principalItems(st.NotPrincipal, `${where} NotPrincipal`) };
  return undefined;
}

/** `"*"` or `{AWS: ..., Service: ..., Federated: ..., CanonicalUser: ...}` as `Kind:value` items. */
function principalItems(value: Json, where: string): string[] {
  if (value === '*') return ['AWS:*'];
  if (!isObject(value)) throw new PolicyUnreadable(`${where} is neither "*" nor an object`);
  return Object.entries(value).flatMap(([kind, v]) => stringList(v, `${where}.${kind}`).map((item) => `${kind}:${kind === 'AWS' ? normalizeAwsPrincipal(item) : item}`));
}

/** An account id as a principal means the account's root. */
function normalizeAwsPrincipal(value: string): string {
  return /^\d{12}$/.test(value) ? `arn:aws:iam::${value}:root` : value;
}

function readConditions(value: Json | undefined, where: string): ConditionEntry[] {
  if (value === undefined || value === null) return [];
  if (!isObject(value)) throw new PolicyUnreadable(`${where} Condition is not an object`);
  return Object.entries(value).flatMap(([operator, block]) => {
    if (!isObject(block)) throw new PolicyUnreadable(`${where} Condition ${operator} is not an object`);
    return Object.entries(block).map(([name, v]) => ({ operator, key: name.toLowerCase(), name, values: stringList(v, `${where} Condition ${operator} ${name}`) }));
  });
}

/** A string, number or boolean, or a list of them, as strings. */
function stringList(value: Json | undefined, where: string): string[] {
  if (value === undefined || value === null) return [];
  const list: readonly Json[] = Array.isArray(value) ? value : [value as Json];
  return list.map((item) => {
    if (typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean') return String(item);
    throw new PolicyUnreadable(`${where} holds ${JSON.stringify(item)}, not a plain value`);
  });
}

function scalar(value: Json): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * An AWS::Lambda::Permission as the resource-policy statement Lambda adds: Principal may call
 * Action on FunctionName when SourceArn / SourceAccount / PrincipalOrgID / FunctionUrlAuthType
 * / EventSourceToken match. https://docs.aws.amazon.com/lambda/latest/api/API_AddPermission.html
 */
function lambdaPermissionStatement(props: JsonObject, unresolved: Unresolved[]): Statement {
  const conditionKeys: readonly (readonly [string, string, string])[] = [
    ['SourceArn', 'ArnLike', 'aws:SourceArn'],
    ['SourceAccount', 'StringEquals', 'aws:SourceAccount'],
    ['PrincipalOrgID', 'StringEquals', 'aws:PrincipalOrgID'],
    ['FunctionUrlAuthType', 'StringEquals', 'lambda:FunctionUrlAuthType'],
    ['EventSourceToken', 'StringEquals', 'lambda:EventSourceToken'],
  ];
  const conditions = conditionKeys
    .filter(([prop]) => props[prop] !== undefined && props[prop] !== null)
    .map(([prop, operator, name]) => ({ operator, key: name.toLowerCase(), name, values: stringList(props[prop], `Properties.${prop}`) }));
  const principal = props.Principal === undefined ? [] : stringList(props.Principal, 'Properties.Principal').map(lambdaPrincipal);
  const statement: Statement = {
    label: '',
    effect: 'Allow',
    actions: { except: false, items: stringList(props.Action, 'Properties.Action') },
    resources: { except: false, items: stringList(props.FunctionName, 'Properties.FunctionName') },
    principals: { except: false, items: principal },
    conditions,
  };
  noteUnresolved(unresolved, 'Properties.Action', statement.actions.items, 'Action');
  noteUnresolved(unresolved, 'Properties.FunctionName', statement.resources?.items ?? [], 'Resource');
  noteUnresolved(unresolved, 'Properties.Principal', principal, 'Principal');
  noteUnresolved(unresolved, 'Properties.SourceArn', conditions.flatMap((c) => c.values), 'Condition');
  return statement;
}

/** Lambda's Principal is a service (`s3.amazonaws.com`), an account id, an ARN or `*`. */
function lambdaPrincipal(value: string): string {
  if (value === '*') return 'AWS:*';
  if (/^\d{12}$/.test(value) || value.startsWith('arn:')) return `AWS:${normalizeAwsPrincipal(value)}`;
  return `Service:${value}`;
}

// --- New grants --------------------------------------------------------------------------------

function broadGrants(s: Subject, spec: PolicySpec, grants: Grants): string[] {
  const reasons: string[] = [];
  for (const [label, statements] of Object.entries(grants.documents)) {
    for (const st of statements) {
      const broad = broadParts(st, spec, s.env);
      if (broad.length > 0) reasons.push(`${s.ref} is new and ${[label, st.label].filter((l) => l !== '').join(' ')} ${broad.join('; ')}.`);
    }
  }
  const broadManaged = grants.managed.filter(isBroadManagedPolicy);
  if (broadManaged.length > 0) reasons.push(`${s.ref} is new with the broad managed ${plural(broadManaged.length, 'policy', 'policies')} ${broadManaged.join(', ')} (Properties.${spec.managed}).`);
  if (spec.lambdaPermission) reasons.push(...unscopedServicePermission(s, grants));
  return reasons;
}

/** What makes one statement of a new policy broad; empty when it is narrow. */
function broadParts(st: Statement, spec: PolicySpec, env: ReviewEnv): string[] {
  if (st.effect !== 'Allow') return [];
  const parts: string[] = [];
  if (st.principals) {
    parts.push(...broadPrincipals(st.principals, env));
  } else {
    if (st.actions.except) parts.push(`allows every action except ${list(st.actions.items)} (NotAction)`);
    const wildActions = st.actions.except ? [] : st.actions.items.filter(isWildAction);
    if (wildActions.length > 0) parts.push(`allows the wildcard ${plural(wildActions.length, 'action', 'actions')} ${list(wildActions)}`);
    if (!spec.selfScoped && st.resources?.except) parts.push(`allows every resource except ${list(st.resources.items)} (NotResource)`);
    const wildResources = st.resources && !st.resources.except ? st.resources.items.filter(isWildResource) : [];
    if (!spec.selfScoped && wildResources.length > 0) parts.push(`allows Resource ${list(wildResources)} (every resource)`);
  }
  return parts;
}

function broadPrincipals(principals: ValueSet, env: ReviewEnv): string[] {
  if (principals.except) return [`lets in every principal except ${list(principals.items)} (NotPrincipal)`];
  const broad = principals.items.filter((p) => p === 'AWS:*' || p.startsWith('Federated:') || isForeignAccount(p, env));
  return broad.length > 0 ? [`lets in ${list(broad.map((p) => describePrincipal(p, env)))}`] : [];
}

function isWildAction(action: string): boolean {
  return action === '*' || /^[A-Za-z0-9-]+:\*$/.test(action);
}

function isWildResource(resource: string): boolean {
  return resource === '*' || /^arn:[^:]*:[^:]*:[^:]*:[^:]*:\*$/.test(resource);
}

/** AWS managed policies that grant a whole service or more. */
function isBroadManagedPolicy(arn: string): boolean {
  return /(^|\/)(AdministratorAccess|PowerUserAccess|[A-Za-z0-9]*FullAccess)$/.test(arn);
}

/**
 * A new Lambda permission for a service principal with no SourceArn, SourceAccount or
 * PrincipalOrgID lets that service invoke the function on behalf of any account.
 * https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html
 */
function unscopedServicePermission(s: Subject, grants: Grants): string[] {
  return Object.values(grants.documents).flat()
    .filter((st) => st.principals?.items.some((p) => p.startsWith('Service:')) && !st.conditions.some((c) => ['aws:sourcearn', 'aws:sourceaccount', 'aws:principalorgid'].includes(c.key)))
    .map((st) => `${s.ref} is new and lets ${list(st.principals?.items.map((p) => p.slice('Service:'.length)) ?? [])} invoke the function for any account (no SourceArn, SourceAccount or PrincipalOrgID).`);
}

// --- Comparing grants --------------------------------------------------------------------------

/**
 * Widening of an existing resource: an Allow statement that no earlier Allow statement covers
 * (more actions, resources or principals, NotAction/NotResource, a condition removed or
 * loosened), a Deny statement that no later Deny covers (removed or narrowed), a new managed
 * policy, a permissions boundary removed or changed, one more attachment.
 */
function compareGrants(s: Subject, before: Grants, after: Grants): string[] {
  const reasons: string[] = [];
  const labels = [...new Set([...Object.keys(after.documents), ...Object.keys(before.documents)])];
  for (const label of labels) {
    const old = before.documents[label] ?? [];
    const next = after.documents[label] ?? [];
    const oldAllows = old.filter((st) => st.effect === 'Allow');
    for (const st of next.filter((x) => x.effect === 'Allow')) {
      if (!oldAllows.some((b) => statementCovers(b, st))) reasons.push(`${s.ref} widens ${label} ${describeWidening(st, oldAllows, s.env)}.`);
    }
    const nextDenies = next.filter((st) => st.effect === 'Deny');
    for (const st of old.filter((x) => x.effect === 'Deny')) {
      if (!nextDenies.some((a) => statementCovers(a, st))) reasons.push(`${s.ref} widens ${label} (Deny ${st.label}): the Deny of ${describeSet(st.actions, 'action')} is removed or narrowed.`);
    }
  }
  const newManaged = after.managed.filter((arn) => !before.managed.includes(arn));
  if (newManaged.length > 0) reasons.push(`${s.ref} gains the managed ${plural(newManaged.length, 'policy', 'policies')} ${newManaged.join(', ')}.`);
  if (before.boundary !== undefined && after.boundary === undefined) reasons.push(`${s.ref}: its permissions boundary ${before.boundary} is removed, so nothing caps its permissions any more.`);
  if (before.boundary !== undefined && after.boundary !== undefined && before.boundary !== after.boundary) {
    reasons.push(`${s.ref}: its permissions boundary changes from ${before.boundary} to ${after.boundary}; the new one may allow more.`);
  }
  for (const [label, values] of Object.entries(after.attachments)) {
    const added = values.filter((v) => !(before.attachments[label] ?? []).includes(v));
    if (added.length > 0) reasons.push(`${s.ref}: ${label} now includes ${added.join(', ')}, which ${added.length === 1 ? 'gains' : 'gain'} what the policy allows.`);
  }
  return reasons;
}

/** Whether `wide` allows (or denies) at least everything `narrow` does. */
function statementCovers(wide: Statement, narrow: Statement): boolean {
  return setCovers(wide.actions, narrow.actions, ACTIONS)
    && optionalSetCovers(wide.resources, narrow.resources, RESOURCES)
    && optionalSetCovers(wide.principals, narrow.principals, PRINCIPALS)
    && conditionsAtMost(wide.conditions, narrow.conditions);
}

function optionalSetCovers(wide: ValueSet | undefined, narrow: ValueSet | undefined, field: Field): boolean {
  if (narrow === undefined) return true;
  if (wide === undefined) return false;
  return setCovers(wide, narrow, field);
}

/** How values of one field match: wildcards, case, and what "everything" is. */
interface Field {
  readonly covers: (pattern: string, value: string) => boolean;
  readonly everything: (pattern: string) => boolean;
}

const ACTIONS: Field = { covers: (p, v) => globCovers(p.toLowerCase(), v.toLowerCase()), everything: (p) => p === '*' };
const RESOURCES: Field = { covers: globCovers, everything: (p) => p === '*' };
const PRINCIPALS: Field = { covers: principalCovers, everything: (p) => p === 'AWS:*' };

/**
 * Whether the values `wide` stands for include those of `narrow`. A value only known after apply
 * is taken as covered: the review already says it could not compare it.
 */
function setCovers(wide: ValueSet, narrow: ValueSet, field: Field): boolean {
  const covered = (patterns: readonly string[], v: string): boolean => isUnresolved(v) || patterns.some((p) => field.covers(p, v));
  if (!wide.except && !narrow.except) return narrow.items.every((v) => covered(wide.items, v));
  if (wide.except && !narrow.except) return narrow.items.every((v) => !wide.items.some((x) => field.covers(x, v) || field.covers(v, x)));
  if (!wide.except && narrow.except) return wide.items.some(field.everything);
  return wide.items.every((x) => covered(narrow.items, x));
}

/** Whether every condition of `wide` is also in `narrow`, with no more values: `narrow` is at least as strict. */
function conditionsAtMost(wide: readonly ConditionEntry[], narrow: readonly ConditionEntry[]): boolean {
  return wide.every((w) => narrow.some((n) => n.operator === w.operator && n.key === w.key && n.values.every((v) => isUnresolved(v) || w.values.includes(v))));
}

/** Wildcard match, `*` for any run and `?` for one character, where `value` may itself hold wildcards. */
function globCovers(pattern: string, value: string): boolean {
  if (pattern === value) return true;
  if (!/[*?]/.test(pattern)) return false;
  const source = pattern.split('').map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${source}$`, 's').test(value);
}

/** Principals match within a kind; an account's root stands for every principal of that account. */
function principalCovers(pattern: string, value: string): boolean {
  if (pattern === 'AWS:*') return true;
  const [pKind, pValue] = splitPrincipal(pattern);
  const [vKind, vValue] = splitPrincipal(value);
  if (pKind !== vKind) return false;
  if (globCovers(pValue, vValue)) return true;
  const rootAccount = /^arn:[^:]+:iam::(\d{12}):root$/.exec(pValue)?.[1];
  return pKind === 'AWS' && rootAccount !== undefined && accountOfPrincipal(vValue) === rootAccount;
}

function splitPrincipal(item: string): [string, string] {
  const i = item.indexOf(':');
  return [item.slice(0, i), item.slice(i + 1)];
}

/** What grew in an Allow statement, against the earlier statement it most resembles. */
function describeWidening(st: Statement, olds: readonly Statement[], env: ReviewEnv): string {
  const match = (st.sid ? olds.find((o) => o.sid === st.sid) : undefined) ?? closest(st, olds);
  if (!match) return `(new ${st.label || 'statement'}): allows ${describeStatement(st, env)}`;
  const parts = [
    ...grownParts(st.actions, match.actions, ACTIONS, 'action', (v) => v),
    ...grownParts(st.resources, match.resources, RESOURCES, 'resource', (v) => (v === '*' ? `'*' (every resource)` : v)),
    ...grownParts(st.principals, match.principals, PRINCIPALS, 'principal', (v) => describePrincipal(v, env)),
    ...loosenedConditions(match.conditions, st.conditions),
  ];
  return `${st.label ? `(${st.label})` : ''}: ${parts.length > 0 ? parts.join('; ') : 'allows more than before'}`;
}

function closest(st: Statement, olds: readonly Statement[]): Statement | undefined {
  let best: Statement | undefined;
  let bestScore = 0;
  for (const o of olds) {
    const score = shared(st.actions, o.actions) + shared(st.resources, o.resources) + shared(st.principals, o.principals);
    if (score > bestScore) {
      best = o;
      bestScore = score;
    }
  }
  return best;
}

function shared(a: ValueSet | undefined, b: ValueSet | undefined): number {
  if (!a || !b) return 0;
  return a.items.filter((v) => b.items.includes(v)).length;
}

function grownParts(next: ValueSet | undefined, old: ValueSet | undefined, field: Field, noun: string, show: (v: string) => string): string[] {
  if (next === undefined) return [];
  const notKey = `Not${noun[0].toUpperCase()}${noun.slice(1)}`;
  if (next.except && !(old?.except ?? false)) return [`now allows every ${noun} except ${list(next.items)} (${notKey})`];
  if (next.except) return [`its ${notKey} excludes less than before`];
  const grown = next.items.filter((v) => !isUnresolved(v) && !(old && setCovers(old, { except: false, items: [v] }, field)));
  return grown.length > 0 ? [`new ${plural(grown.length, noun, `${noun}s`)} ${list(grown.map(show))}`] : [];
}

function loosenedConditions(old: readonly ConditionEntry[], next: readonly ConditionEntry[]): string[] {
  return old.flatMap((o) => {
    const same = next.find((n) => n.operator === o.operator && n.key === o.key);
    if (!same) return [`condition ${o.operator} ${o.name} removed`];
    const added = same.values.filter((v) => !isUnresolved(v) && !o.values.includes(v));
    return added.length > 0 ? [`condition ${o.operator} ${o.name} loosened (now also ${list(added)})`] : [];
  });
}

function describeStatement(st: Statement, env: ReviewEnv): string {
  const resources = st.resources && !st.resources.except ? list(st.resources.items.map((r) => (r === '*' ? `'*' (every resource)` : r))) : undefined;
  const on = st.resources ? ` on ${resources ?? describeSet(st.resources, 'resource')}` : '';
  const to = st.principals ? ` to ${st.principals.except ? `every principal except ${list(st.principals.items)}` : list(st.principals.items.map((p) => describePrincipal(p, env)))}` : '';
  return `${describeSet(st.actions, 'action')}${on}${to}`;
}

function describeSet(set: ValueSet, noun: string): string {
  return set.except ? `every ${noun} except ${list(set.items)}` : list(set.items);
}

function describePrincipal(item: string, env: ReviewEnv): string {
  if (item === 'AWS:*') return `'*' (anyone)`;
  const [kind, value] = splitPrincipal(item);
  if (kind === 'Federated') return `${value} (a federated identity provider)`;
  if (kind !== 'AWS') return value;
  const account = accountOfPrincipal(value);
  if (account === undefined || account === env.ownAccount) return value;
  return env.ownAccount === undefined ? `${value} (account ${account})` : `${value} (account ${account}, another account)`;
}

function isForeignAccount(item: string, env: ReviewEnv): boolean {
  const [kind, value] = splitPrincipal(item);
  if (kind !== 'AWS') return false;
  const account = accountOfPrincipal(value);
  return account !== undefined && account !== env.ownAccount;
}

function accountOfPrincipal(value: string): string | undefined {
  if (/^\d{12}$/.test(value)) return value;
  return /^arn:[^:]+:(?:iam|sts)::(\d{12}):/.exec(value)?.[1];
}

/** The account of an ARN such as `arn:aws:cloudformation:eu-west-1:222222222222:changeSet/...`. */
function accountOfArn(arn: string): string | undefined {
  return /^arn:[^:]+:[^:]*:[^:]*:(\d{12}):/.exec(arn)?.[1];
}

function list(items: readonly string[], max = 6): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

function plural(n: number, one: string, many: string): string {
  return n === 1 ? one : many;
}

// ---------------------------------------------------------------------------------------------
// Rule: safe-deploy weakening
// ---------------------------------------------------------------------------------------------

function safeDeployRule(s: Subject): string[] {
  switch (s.type) {
    case 'AWS::CodeDeploy::DeploymentGroup': return deploymentGroupRule(s);
    case 'AWS::CodeDeploy::DeploymentConfig': return deploymentConfigRule(s);
    case 'AWS::CloudWatch::Alarm': return alarmRule(s, WATCHED_ALARM_PROPERTIES);
    case 'AWS::CloudWatch::CompositeAlarm': return alarmRule(s, WATCHED_COMPOSITE_PROPERTIES);
    case 'AWS::Lambda::Alias': return aliasRule(s);
    case 'AWS::Lambda::Function': return hookFunctionRule(s);
    default: return [];
  }
}

/**
 * A deployment group that shifts all at once, watches fewer alarms, ignores alarm failures or
 * stops rolling back deploys with less protection.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-codedeploy-deploymentgroup.html
 */
function deploymentGroupRule(s: Subject): string[] {
  if (s.action === 'Remove') return [`${s.ref} is removed: deployments through it (gradual traffic shifting, alarms, automatic rollback) stop.`];
  if (s.action !== 'Modify') return [];
  const before = readContext(s.rc.BeforeContext, 'BeforeContext');
  const after = readContext(s.rc.AfterContext, 'AfterContext');
  if (!before.ok || !after.ok) {
    const touched = touchesAny(s, ['DeploymentConfigName', 'AlarmConfiguration', 'AutoRollbackConfiguration']);
    return touched ? [`${s.ref}: could not check its deployment safety settings: ${whyUnread(before, after)}.`] : [];
  }
  return [
    ...deploymentConfigChange(s, before.properties.DeploymentConfigName, after.properties.DeploymentConfigName),
    ...alarmConfigurationChange(s, objectOr(before.properties.AlarmConfiguration), objectOr(after.properties.AlarmConfiguration)),
    ...rollbackChange(s, objectOr(before.properties.AutoRollbackConfiguration), objectOr(after.properties.AutoRollbackConfiguration)),
  ];
}

function deploymentConfigChange(s: Subject, before: Json | undefined, after: Json | undefined): string[] {
  const old = before === undefined || before === null ? undefined : scalar(before);
  const next = after === undefined || after === null ? undefined : scalar(after);
  if (old === next) return [];
  if (next === undefined) return [`${s.ref}: Properties.DeploymentConfigName ${old} is removed, so CodeDeploy falls back to its default configuration, which may shift everything at once.`];
  if (isUnresolved(next)) return [`${s.ref}: Properties.DeploymentConfigName is only known after the change set runs, so the review cannot tell whether it shifts everything at once.`];
  if (/AllAtOnce/i.test(next)) return [`${s.ref}: Properties.DeploymentConfigName changes from ${old ?? '(none)'} to ${next}: every target gets the new version at once, with no canary or linear shift.`];
  return [];
}

function alarmConfigurationChange(s: Subject, before: JsonObject, after: JsonObject): string[] {
  const reasons: string[] = [];
  const lost = alarmNames(before.Alarms).filter((name) => !alarmNames(after.Alarms).includes(name));
  if (lost.length > 0) reasons.push(`${s.ref}: Properties.AlarmConfiguration no longer watches ${list(lost)}, so deployments do not stop when ${lost.length === 1 ? 'it fires' : 'they fire'}.`);
  if (before.Enabled === true && after.Enabled !== true) reasons.push(`${s.ref}: Properties.AlarmConfiguration.Enabled turns alarm monitoring off: deployments no longer stop on alarms.`);
  if (after.IgnorePollAlarmFailure === true && before.IgnorePollAlarmFailure !== true) {
    reasons.push(`${s.ref}: Properties.AlarmConfiguration.IgnorePollAlarmFailure becomes true: deployments go on when alarm states cannot be read.`);
  }
  return reasons;
}

function rollbackChange(s: Subject, before: JsonObject, after: JsonObject): string[] {
  const reasons: string[] = [];
  if (before.Enabled === true && after.Enabled !== true) reasons.push(`${s.ref}: Properties.AutoRollbackConfiguration.Enabled turns automatic rollback off.`);
  const events = (v: Json | undefined): string[] => (Array.isArray(v) ? v.filter((e): e is string => typeof e === 'string') : []);
  const lost = events(before.Events).filter((e) => !events(after.Events).includes(e));
  if (after.Enabled === true && lost.length > 0) reasons.push(`${s.ref}: Properties.AutoRollbackConfiguration.Events no longer rolls back on ${list(lost)}.`);
  return reasons;
}

function alarmNames(value: Json | undefined): string[] {
  if (!Array.isArray(value)) return [];
  return value.map((a: Json) => (isObject(a) && typeof a.Name === 'string' ? a.Name : JSON.stringify(a)));
}

function objectOr(value: Json | undefined): JsonObject {
  return isObject(value) ? value : {};
}

/** Every property of a DeploymentConfig requires replacement: a change is a new traffic-shifting schedule. */
function deploymentConfigRule(s: Subject): string[] {
  if (s.action === 'Remove') return [`${s.ref} is removed: the deployment groups that used it shift traffic with another configuration.`];
  if (s.action === 'Modify') return [`${s.ref} changes${because(s.properties.map((p) => p.path))}: deployments that use it shift traffic on a different schedule.`];
  return [];
}

const WATCHED_ALARM_PROPERTIES = new Set([
  'Threshold', 'ComparisonOperator', 'EvaluationPeriods', 'DatapointsToAlarm', 'ActionsEnabled', 'TreatMissingData',
  'MetricName', 'Namespace', 'Dimensions', 'Statistic', 'ExtendedStatistic', 'Period', 'Unit', 'Metrics', 'ThresholdMetricId',
  'EvaluateLowSampleCountPercentile', 'AlarmActions',
]);
const WATCHED_COMPOSITE_PROPERTIES = new Set(['AlarmRule', 'ActionsEnabled', 'ActionsSuppressor', 'AlarmActions']);

/**
 * An alarm removed or changed in what it watches or when it fires: deployments and rollbacks
 * that rely on it may no longer see a bad release.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudwatch-alarm.html
 */
function alarmRule(s: Subject, watched: ReadonlySet<string>): string[] {
  if (s.action === 'Remove') return [`${s.ref} is removed: deployments and rollbacks that watched it no longer see it.`];
  if (s.action !== 'Modify') return [];
  const reasons: string[] = [];
  const changed = s.properties.filter((p) => watched.has(topProperty(p.path) ?? ''));
  if (changed.length > 0) {
    reasons.push(`${s.ref}: ${changed.map(showChange).join(', ')}; check that it still fires on a bad deployment.`);
  }
  if (s.rc.Replacement === 'True') {
    reasons.push(`${s.ref} is replaced${because(s.replacementCauses)}: the new alarm starts without data (INSUFFICIENT_DATA) and cannot fire until it has evaluated enough periods.`);
  }
  if (s.properties.length === 0) reasons.push(`${s.ref} changes, but the change set does not say what changes.`);
  return reasons;
}

function showChange(p: PropertyChange): string {
  if (p.before === undefined && p.after === undefined) return `${p.path} changes`;
  return `${p.path} changes from ${p.before ?? '(none)'} to ${p.after ?? '(none)'}`;
}

/**
 * The usual deployment only moves an alias to a new FunctionVersion, which its UpdatePolicy
 * (CodeDeployLambdaAliasUpdate: deployment group and traffic hooks) shifts gradually. A change
 * set does not show UpdatePolicy values, so any other alias change (its UpdatePolicy, routing,
 * name or function, or a replacement, which is created without a traffic shift) is attention.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-updatepolicy.html
 */
function aliasRule(s: Subject): string[] {
  if (s.action !== 'Modify') return [];
  const other = s.properties.filter((p) => !['FunctionVersion', 'Description'].includes(topProperty(p.path) ?? ''));
  if (other.length === 0 && s.properties.length > 0 && s.rc.Replacement !== 'True') return [];
  const what = other.length > 0 ? other.map((p) => p.path).join(', ') : 'the alias';
  return [`${s.ref}: ${what} ${other.length > 1 ? 'change' : 'changes'}; its traffic shifting (the UpdatePolicy with the CodeDeploy deployment group and hooks) is not shown by a change set, so check it is still in place.`];
}

/** A function named like a hook that goes away: CodeDeploy loses a check of the new version. */
function hookFunctionRule(s: Subject): string[] {
  if (s.action !== 'Remove' || !/hook/i.test(s.logicalId)) return [];
  return [`${s.ref} is removed: a traffic hook function is removed, so deployments lose the check it ran.`];
}
