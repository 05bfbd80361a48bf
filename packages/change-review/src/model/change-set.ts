/**
 * The review's model of a change set, read from what DescribeChangeSet returned. Reading is
 * strict about SHAPE (a field of the wrong JSON type makes the whole input unreviewable: the
 * action fails, it does not guess) and lenient about VALUES (an enum value the review does not
 * know is kept as written, and a rule turns it into attention).
 *
 * Field meanings follow the CloudFormation API reference:
 * - DescribeChangeSet: https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeChangeSet.html
 * - Change: https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_Change.html
 * - ResourceChange: https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceChange.html
 * - ResourceChangeDetail: https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceChangeDetail.html
 * - ResourceTargetDefinition: https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceTargetDefinition.html
 */

import { AwsChecks, readAwsChecks } from './aws-checks';
import { Drifts, readDrifts } from './drift';
import { UnreviewableChangeSet } from './errors';
import { isObject } from './json';

export { UnreviewableChangeSet };

export type Json = string | number | boolean | null | Json[] | JsonObject;
export interface JsonObject { [key: string]: Json }

/** A resource's properties as BeforeContext / AfterContext hold them. */
export type Context =
  | { readonly state: 'absent' }
  | { readonly state: 'unreadable'; readonly why: string }
  | { readonly state: 'ok'; readonly properties: JsonObject; readonly attributes?: JsonObject };

/** One ResourceChangeDetail, flattened. */
export interface Detail {
  /** Properties | Metadata | CreationPolicy | UpdatePolicy | DeletionPolicy | UpdateReplacePolicy | Tags | (unknown) */
  readonly attribute?: string;
  readonly name?: string;
  /** e.g. `/Properties/Code/S3Key` (only with IncludePropertyValues) */
  readonly path?: string;
  /** Never | Conditionally | Always | (unknown) */
  readonly requiresRecreation?: string;
  /** Add | Remove | Modify | (unknown) */
  readonly changeType?: string;
  readonly before?: string;
  readonly after?: string;
  /** Static | Dynamic | (unknown) */
  readonly evaluation?: string;
  /** ResourceReference | ParameterReference | ResourceAttribute | DirectModification | Automatic | (unknown) */
  readonly changeSource?: string;
  readonly causingEntity?: string;
  /** The detail had no Target: nothing says what it changes. */
  readonly noTarget: boolean;
  /** Target.Drift of a drift-aware change set: the property's value was changed outside CloudFormation. */
  readonly drifted?: boolean;
}

/** One entry of Changes. */
export interface ResourceChangeModel {
  /** Position in the change set (0-based), for stable ordering in the report. */
  readonly index: number;
  /** [] for the top stack, ['ApiNested'] for a change of a nested stack. */
  readonly stackPath: readonly string[];
  /** Change.Type as written ('Resource' is the only documented value). */
  readonly changeType?: string;
  /** Whether the Change had a ResourceChange at all. */
  readonly hasResourceChange: boolean;
  readonly logicalId: string;
  readonly physicalId?: string;
  readonly type: string;
  readonly action: string;
  readonly replacement?: string;
  readonly policyAction?: string;
  readonly scope: readonly string[];
  readonly details: readonly Detail[];
  readonly before: Context;
  readonly after: Context;
  /** The nested change set's ARN of an AWS::CloudFormation::Stack change. */
  readonly nestedChangeSetId?: string;
  readonly driftStatus?: string;
  readonly fromModule: boolean;
}

/** A change set the review read (the top one, or a nested one). */
export interface ChangeSetModel {
  readonly stackName: string;
  readonly changeSetName: string;
  readonly changeSetId: string;
  readonly status: string;
  readonly statusReason?: string;
  /** True when CloudFormation says, and the pages agree, that it changes nothing. */
  readonly noChanges: boolean;
  readonly changes: readonly ResourceChangeModel[];
  /** The processed template's Resources, when the caller gave a readable template. */
  readonly templateResources?: JsonObject;
  /** Why a template that was given could not be read. */
  readonly templateProblem?: string;
  /** Nested change sets by the parent's logical id of the AWS::CloudFormation::Stack. */
  readonly nested: ReadonlyMap<string, NestedRead>;
  /** Hooks and validations AWS ran on the change set (DescribeEvents), as the caller gave them. */
  readonly awsChecks: AwsChecks;
  /** The stack's drift (DescribeStackResourceDrifts), as the caller gave it. */
  readonly drifts: Drifts;
}

/** A nested change set: read, or why it could not be. */
export type NestedRead = { readonly ok: true; readonly changeSet: ChangeSetModel } | { readonly ok: false; readonly why: string };

/** What the caller gives: the pages, the template, the nested change sets by ARN. */
export interface RawInput {
  readonly pages: unknown;
  readonly template?: unknown;
  readonly nested?: unknown;
  readonly events?: unknown;
  readonly eventsProblem?: unknown;
  readonly drifts?: unknown;
  readonly driftProblem?: unknown;
}

/** At most this many DescribeChangeSet pages per change set are reviewed; more is refused. */
export const MAX_PAGES = 100;
/** At most this many changes in a change set and its nested ones together; more is refused. */
export const MAX_CHANGES = 5_000;
/** Nested change sets deeper than this are not reviewed (attention). */
export const MAX_NESTING = 5;

/**
 * CloudFormation reports a change set that would change nothing as FAILED; AWS documents no
 * status of its own for it, only these reasons are seen. Only with one of them, and no change
 * listed, is a change set "no changes".
 */
const NO_CHANGES_REASONS = [
  /^The submitted information didn't contain changes\. Submit different information to create a change set\.$/,
  /^No updates are to be performed\.$/,
];

/** Reads the top change set. Throws {@link UnreviewableChangeSet} on anything it cannot trust. */
export function readChangeSet(input: unknown): ChangeSetModel {
  const budget = { changes: 0 };
  const read = readOne(input, [], 0, budget, 'the input');
  if (read.status !== 'CREATE_COMPLETE' && !read.noChanges) {
    throw new UnreviewableChangeSet(`change set ${JSON.stringify(read.changeSetName)} of stack ${JSON.stringify(read.stackName)} is ${read.status}` +
      `${read.statusReason !== undefined ? ` (${JSON.stringify(read.statusReason)})` : ''}: only a CREATE_COMPLETE change set can be reviewed`);
  }
  return read;
}

function readOne(input: unknown, stackPath: readonly string[], depth: number, budget: { changes: number }, where: string): ChangeSetModel {
  if (!isObject(input)) throw new UnreviewableChangeSet(`${where} is not an object with "pages"`);
  const pages = input.pages;
  if (!Array.isArray(pages)) throw new UnreviewableChangeSet(`${where}: "pages" is not a list of DescribeChangeSet responses`);
  if (pages.length === 0) throw new UnreviewableChangeSet(`${where}: "pages" is empty: there is no DescribeChangeSet response to review`);
  if (pages.length > MAX_PAGES) {
    throw new UnreviewableChangeSet(`${where}: ${pages.length} DescribeChangeSet pages, more than the ${MAX_PAGES} the review reads: split the change into smaller releases`);
  }
  const first = pages[0];
  if (!isObject(first)) throw new UnreviewableChangeSet(`${where}: page 1 is not an object`);
  const changeSetId = str(first, 'ChangeSetId', `${where}: page 1`) ?? '';
  const stackName = str(first, 'StackName', `${where}: page 1`) ?? '';
  const changeSetName = str(first, 'ChangeSetName', `${where}: page 1`) ?? '';
  const status = str(first, 'Status', `${where}: page 1`);
  const statusReason = str(first, 'StatusReason', `${where}: page 1`);
  if (status === undefined) throw new UnreviewableChangeSet(`${where}: page 1 has no Status`);
  if (changeSetId === '') throw new UnreviewableChangeSet(`${where}: page 1 has no ChangeSetId: the review cannot say which change set it reviewed`);

  const raw: { change: unknown; at: string }[] = [];
  let listed = false;
  pages.forEach((page, p) => {
    const at = `${where}: page ${p + 1}`;
    if (!isObject(page)) throw new UnreviewableChangeSet(`${at} is not an object`);
    const id = str(page, 'ChangeSetId', at);
    if (id !== undefined && id !== changeSetId) throw new UnreviewableChangeSet(`${at} belongs to change set ${JSON.stringify(id)}, not ${JSON.stringify(changeSetId)}`);
    const pageStatus = str(page, 'Status', at);
    if (pageStatus !== undefined && pageStatus !== status) throw new UnreviewableChangeSet(`${at} has Status ${JSON.stringify(pageStatus)}, page 1 ${JSON.stringify(status)}`);
    if (page.Changes === undefined || page.Changes === null) return;
    if (!Array.isArray(page.Changes)) throw new UnreviewableChangeSet(`${at}: Changes is not a list`);
    listed = true;
    page.Changes.forEach((change, i) => raw.push({ change, at: `${at}: Changes[${i}]` }));
  });

  const last = pages[pages.length - 1] as { [key: string]: unknown };
  if (last.NextToken !== undefined && last.NextToken !== null) {
    throw new UnreviewableChangeSet(`${where}: the last page given still has a NextToken: the change set has more pages than were read`);
  }
  const saysNoChanges = status === 'FAILED' && NO_CHANGES_REASONS.some((r) => r.test((statusReason ?? '').trim()));
  if (saysNoChanges && raw.length > 0) {
    throw new UnreviewableChangeSet(`${where}: CloudFormation says the change set has no changes (${JSON.stringify(statusReason)}) but it lists ${raw.length}: the two disagree`);
  }
  if (status === 'CREATE_COMPLETE' && !listed) {
    throw new UnreviewableChangeSet(`${where}: the change set is CREATE_COMPLETE but no page has a Changes field: the response is incomplete`);
  }

  budget.changes += raw.length;
  if (budget.changes > MAX_CHANGES) {
    throw new UnreviewableChangeSet(`${where}: more than ${MAX_CHANGES} changes (with nested change sets), more than the review reads: split the change into smaller releases`);
  }
  const changes = raw.map((r, index) => readChange(r.change, r.at, index, stackPath));
  const template = readTemplate(input.template);
  const awsChecks = readAwsChecks(input.events, input.eventsProblem);
  const drifts = readDrifts(input.drifts, input.driftProblem);
  const nested = readNested(input.nested, changes, stackPath, depth, budget, where);
  return {
    stackName, changeSetName, changeSetId, status,
    ...(statusReason !== undefined ? { statusReason } : {}),
    noChanges: saysNoChanges,
    changes,
    ...template,
    nested,
    awsChecks,
    drifts,
  };
}

function readNested(
  raw: unknown, changes: readonly ResourceChangeModel[], stackPath: readonly string[], depth: number, budget: { changes: number }, where: string,
): Map<string, NestedRead> {
  const out = new Map<string, NestedRead>();
  if (raw !== undefined && raw !== null && !isObject(raw)) throw new UnreviewableChangeSet(`${where}: "nested" is not an object keyed by change set ARN`);
  const given = (raw ?? {}) as { [id: string]: unknown };
  for (const change of changes) {
    if (change.type !== 'AWS::CloudFormation::Stack' || change.nestedChangeSetId === undefined) continue;
    const id = change.nestedChangeSetId;
    if (!Object.prototype.hasOwnProperty.call(given, id)) continue;
    if (depth + 1 > MAX_NESTING) {
      out.set(change.logicalId, { ok: false, why: `it is nested deeper than the ${MAX_NESTING} levels the review reads` });
      continue;
    }
    try {
      const nested = readOne(given[id], [...stackPath, change.logicalId], depth + 1, budget, `nested change set ${JSON.stringify(id)}`);
      if (nested.status !== 'CREATE_COMPLETE' && !nested.noChanges) {
        out.set(change.logicalId, { ok: false, why: `it is ${nested.status}${nested.statusReason !== undefined ? ` (${nested.statusReason})` : ''}` });
      } else if (nested.changeSetId !== id) {
        out.set(change.logicalId, { ok: false, why: `the pages given for it belong to ${nested.changeSetId}` });
      } else {
        out.set(change.logicalId, { ok: true, changeSet: nested });
      }
    } catch (e) {
      if (!(e instanceof UnreviewableChangeSet)) throw e;
      if (/more than \d+ changes/.test(e.message)) throw e;
      out.set(change.logicalId, { ok: false, why: e.message });
    }
  }
  return out;
}

function readTemplate(raw: unknown): { templateResources?: JsonObject; templateProblem?: string } {
  if (raw === undefined || raw === null) return {};
  let parsed: unknown = raw;
  if (typeof raw === 'string') {
    try {
      parsed = JSON.parse(raw);
    } catch {
      return { templateProblem: 'the template given is not JSON (a YAML template is not read)' };
    }
  }
  if (!isObject(parsed) || !isObject(parsed.Resources)) return { templateProblem: 'the template given has no Resources object' };
  return { templateResources: parsed.Resources as JsonObject };
}

const KNOWN_KEYS_NOTE = 'ResourceChange';

function readChange(raw: unknown, at: string, index: number, stackPath: readonly string[]): ResourceChangeModel {
  if (!isObject(raw)) throw new UnreviewableChangeSet(`${at} is not an object`);
  const changeType = str(raw, 'Type', at);
  const rc = raw.ResourceChange;
  if (rc !== undefined && rc !== null && !isObject(rc)) throw new UnreviewableChangeSet(`${at}.${KNOWN_KEYS_NOTE} is not an object`);
  const r = (rc ?? {}) as { [key: string]: unknown };
  const rat = `${at}.ResourceChange`;
  const scope = strList(r, 'Scope', rat);
  const detailsRaw = r.Details;
  if (detailsRaw !== undefined && detailsRaw !== null && !Array.isArray(detailsRaw)) throw new UnreviewableChangeSet(`${rat}.Details is not a list`);
  const details = ((detailsRaw ?? []) as unknown[]).map((d, i) => readDetail(d, `${rat}.Details[${i}]`));
  const moduleInfo = r.ModuleInfo;
  if (moduleInfo !== undefined && moduleInfo !== null && !isObject(moduleInfo)) throw new UnreviewableChangeSet(`${rat}.ModuleInfo is not an object`);
  const physicalId = str(r, 'PhysicalResourceId', rat);
  const replacement = str(r, 'Replacement', rat);
  const policyAction = str(r, 'PolicyAction', rat);
  const nestedChangeSetId = str(r, 'ChangeSetId', rat);
  const driftStatus = str(r, 'ResourceDriftStatus', rat);
  return {
    index,
    stackPath,
    ...(changeType !== undefined ? { changeType } : {}),
    hasResourceChange: rc !== undefined && rc !== null,
    logicalId: str(r, 'LogicalResourceId', rat) ?? '(no logical id)',
    ...(physicalId !== undefined ? { physicalId } : {}),
    type: str(r, 'ResourceType', rat) ?? '(no resource type)',
    action: str(r, 'Action', rat) ?? '(no action)',
    ...(replacement !== undefined ? { replacement } : {}),
    ...(policyAction !== undefined ? { policyAction } : {}),
    scope,
    details,
    before: readContext(r.BeforeContext, `${rat}.BeforeContext`),
    after: readContext(r.AfterContext, `${rat}.AfterContext`),
    ...(nestedChangeSetId !== undefined ? { nestedChangeSetId } : {}),
    ...(driftStatus !== undefined ? { driftStatus } : {}),
    fromModule: moduleInfo !== undefined && moduleInfo !== null,
  };
}

function readDetail(raw: unknown, at: string): Detail {
  if (!isObject(raw)) throw new UnreviewableChangeSet(`${at} is not an object`);
  const target = raw.Target;
  if (target !== undefined && target !== null && !isObject(target)) throw new UnreviewableChangeSet(`${at}.Target is not an object`);
  const t = (target ?? {}) as { [key: string]: unknown };
  const tat = `${at}.Target`;
  const fields: { [key: string]: string | undefined } = {
    attribute: str(t, 'Attribute', tat),
    name: str(t, 'Name', tat),
    path: str(t, 'Path', tat),
    requiresRecreation: str(t, 'RequiresRecreation', tat),
    changeType: str(t, 'AttributeChangeType', tat),
    before: str(t, 'BeforeValue', tat),
    after: str(t, 'AfterValue', tat),
    evaluation: str(raw, 'Evaluation', at),
    changeSource: str(raw, 'ChangeSource', at),
    causingEntity: str(raw, 'CausingEntity', at),
  };
  const out: { [key: string]: string | boolean } = { noTarget: target === undefined || target === null };
  const drift = t.Drift;
  if (drift !== undefined && drift !== null) {
    if (!isObject(drift)) throw new UnreviewableChangeSet(`${tat}.Drift is not an object`);
    const previous = str(drift, 'PreviousValue', `${tat}.Drift`);
    const actual = str(drift, 'ActualValue', `${tat}.Drift`);
    if (previous !== actual) out.drifted = true;
  }
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) out[k] = v;
  return out as unknown as Detail;
}

/** Reads a BeforeContext / AfterContext: a JSON string of `{"Properties": {...}}`. */
function readContext(raw: unknown, at: string): Context {
  if (raw === undefined || raw === null) return { state: 'absent' };
  if (typeof raw !== 'string') throw new UnreviewableChangeSet(`${at} is not a string`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { state: 'unreadable', why: 'it is not valid JSON' };
  }
  if (!isObject(parsed)) return { state: 'unreadable', why: 'it is not a JSON object' };
  // Besides Properties a context may carry the resource's attributes (DeletionPolicy,
  // UpdateReplacePolicy, Metadata, UpdatePolicy, CreationPolicy): kept, so that a change of them
  // is seen even where Scope and Details do not list it. Any other key is not documented.
  const attributes: JsonObject = {};
  for (const key of Object.keys(parsed)) {
    if (key === 'Properties') continue;
    if (!CONTEXT_ATTRIBUTES.includes(key)) return { state: 'unreadable', why: `it has a key the review does not know (${JSON.stringify(key.slice(0, 40))})` };
    attributes[key] = parsed[key] as Json;
  }
  const properties = parsed.Properties ?? {};
  if (!isObject(properties)) return { state: 'unreadable', why: 'its Properties is not an object' };
  return { state: 'ok', properties: properties as JsonObject, ...(Object.keys(attributes).length > 0 ? { attributes } : {}) };
}

const CONTEXT_ATTRIBUTES = ['Metadata', 'DeletionPolicy', 'UpdateReplacePolicy', 'UpdatePolicy', 'CreationPolicy', 'Tags', 'Condition', 'DependsOn'];

export { isObject };

function str(obj: { [key: string]: unknown }, key: string, at: string): string | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new UnreviewableChangeSet(`${at}.${key} is ${typeof v === 'object' ? (Array.isArray(v) ? 'a list' : 'an object') : `a ${typeof v}`}, not a string`);
  return v;
}

function strList(obj: { [key: string]: unknown }, key: string, at: string): string[] {
  const v = obj[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new UnreviewableChangeSet(`${at}.${key} is not a list of strings`);
  return v as string[];
}

/** A value CloudFormation learns only while executing: `{{changeSet:KNOWN_AFTER_APPLY}}` and kin. */
export const UNRESOLVED = /\{\{changeSet:[A-Za-z_]+\}\}/;

export function isUnresolved(value: string): boolean {
  return UNRESOLVED.test(value);
}

/** Whether any string inside a JSON value is only known after apply. */
export function holdsUnresolved(value: Json | undefined): boolean {
  if (typeof value === 'string') return isUnresolved(value);
  if (Array.isArray(value)) return value.some(holdsUnresolved);
  if (value !== null && typeof value === 'object') return Object.values(value).some(holdsUnresolved);
  return false;
}

/** The top-level property a detail is about: `/Properties/Code/S3Key` → `Code`; a Target Name otherwise. */
export function topProperty(d: Detail): string | undefined {
  if (d.path !== undefined) {
    const m = /^\/Properties\/([^/]+)/.exec(d.path);
    if (m) return m[1].replace(/~1/g, '/').replace(/~0/g, '~');
  }
  if ((d.attribute === 'Properties' || d.attribute === undefined) && d.name !== undefined) return d.name.split('.')[0];
  return undefined;
}
