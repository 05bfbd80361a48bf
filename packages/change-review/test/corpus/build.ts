/**
 * Builders shared by the corpus files: DescribeChangeSet pages, Change / ResourceChange /
 * ResourceChangeDetail objects as the API writes them (IncludePropertyValues: true), contexts,
 * policy documents, Lambda releases behind a CodeDeploy-shifted alias and their processed template.
 *
 * Everything here is deterministic: identifiers derive from the names given (a small FNV-1a hash),
 * change set ids from a counter in load order.
 *
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeChangeSet.html
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceChange.html
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceChangeDetail.html
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceTargetDefinition.html
 */
import type { CorpusCase, CorpusClass, CorpusInput, ExpectedCategory } from './types';

export type Props = Record<string, unknown>;
export type Obj = Record<string, unknown>;

export const ACCOUNT = '222222222222';
export const FOREIGN = '333333333333';
export const REGION = 'eu-west-1';
export const STACK = 'orders-api';
export const KAA = '{{changeSet:KNOWN_AFTER_APPLY}}';
export const NO_CHANGES_REASON =
  "The submitted information didn't contain changes. Submit different information to create a change set.";
export const NO_UPDATES_REASON = 'No updates are to be performed.';
export const ASSET_BUCKET = `cdk-hnb659fds-assets-${ACCOUNT}-${REGION}`;

// ---------------------------------------------------------------------------------------------
// Citations
// ---------------------------------------------------------------------------------------------

const API = 'https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference';
const CFN_UG = 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide';
const IAM_UG = 'https://docs.aws.amazon.com/IAM/latest/UserGuide';

/** Pages cited by many cases. */
export const DOC = {
  describe: `${API}/API_DescribeChangeSet.html`,
  change: `${API}/API_Change.html`,
  rc: `${API}/API_ResourceChange.html`,
  detail: `${API}/API_ResourceChangeDetail.html`,
  target: `${API}/API_ResourceTargetDefinition.html`,
  moduleInfo: `${API}/API_ModuleInfo.html`,
  getTemplate: `${API}/API_GetTemplate.html`,
  changeSets: `${CFN_UG}/using-cfn-updating-stacks-changesets.html`,
  viewChangeSet: `${CFN_UG}/using-cfn-updating-stacks-changesets-view.html`,
  nested: `${CFN_UG}/change-sets-for-nested-stacks.html`,
  updateBehaviors: `${CFN_UG}/using-cfn-updating-stacks-update-behaviors.html`,
  updatePolicy: `${CFN_UG}/aws-attribute-updatepolicy.html`,
  deletionPolicy: `${CFN_UG}/aws-attribute-deletionpolicy.html`,
  updateReplacePolicy: `${CFN_UG}/aws-attribute-updatereplacepolicy.html`,
  customResources: `${CFN_UG}/template-custom-resources.html`,
  registry: `${CFN_UG}/registry.html`,
  modules: `${CFN_UG}/modules.html`,
  macros: `${CFN_UG}/template-macros.html`,
  drift: `${CFN_UG}/using-cfn-stack-drift.html`,
  condOps: `${IAM_UG}/reference_policies_elements_condition_operators.html`,
  multiValued: `${IAM_UG}/reference_policies_condition-single-vs-multi-valued-context-keys.html`,
  abac: `${IAM_UG}/introduction_attribute-based-access-control.html`,
  evaluation: `${IAM_UG}/reference_policies_evaluation-logic.html`,
  notAction: `${IAM_UG}/reference_policies_elements_notaction.html`,
  notResource: `${IAM_UG}/reference_policies_elements_notresource.html`,
  principal: `${IAM_UG}/reference_policies_elements_principal.html`,
  notPrincipal: `${IAM_UG}/reference_policies_elements_notprincipal.html`,
  globalKeys: `${IAM_UG}/reference_policies_condition-keys.html`,
  passRole: `${IAM_UG}/id_roles_use_passrole.html`,
  boundaries: `${IAM_UG}/access_policies_boundaries.html`,
  jobFunctions: `${IAM_UG}/access_policies_job-functions.html`,
  managedPolicies: `${IAM_UG}/access_policies_managed-vs-inline.html`,
  managedPolicyList: 'https://docs.aws.amazon.com/aws-managed-policy/latest/reference/policy-list.html',
  trust: `${IAM_UG}/id_roles_create_for-user.html`,
  oidc: `${IAM_UG}/id_roles_providers_create_oidc.html`,
  resourcePolicies: `${IAM_UG}/access_policies_identity-vs-resource.html`,
  lambdaAlias: 'https://docs.aws.amazon.com/lambda/latest/dg/configuration-aliases.html',
  lambdaVersions: 'https://docs.aws.amazon.com/lambda/latest/dg/configuration-versions.html',
  lambdaRouting: 'https://docs.aws.amazon.com/lambda/latest/dg/lambda-traffic-shifting-using-aliases.html',
  lambdaResourcePolicy: 'https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html',
  lambdaUrlAuth: 'https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html',
  lambdaConcurrency: 'https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html',
  codeDeployConfigs: 'https://docs.aws.amazon.com/codedeploy/latest/userguide/deployment-configurations.html',
  codeDeployRollback: 'https://docs.aws.amazon.com/codedeploy/latest/userguide/deployments-rollback-and-redeploy.html',
  codeDeployHooks: 'https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure-hooks.html',
  alarmMissingData: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html',
  cdkMetadata: 'https://docs.aws.amazon.com/cdk/v2/guide/usage-data.html',
  s3Bpa: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html',
  s3Acl: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html',
  s3Lifecycle: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lifecycle-mgmt.html',
  s3Versioning: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html',
  ddbPitr: 'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Point-in-time-recovery.html',
  ddbTtl: 'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/TTL.html',
  ddbResourcePolicy: 'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/access-control-resource-based.html',
  kmsDelete: 'https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html',
  kmsKeyPolicy: 'https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html',
  kmsAbac: 'https://docs.aws.amazon.com/kms/latest/developerguide/abac.html',
  logsRetention: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/Working-with-log-groups-and-streams.html',
  sgRules: 'https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html',
  apigwAuth: 'https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-control-access-to-api.html',
  rdsPublic: 'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_VPC.WorkingWithRDSInstanceinaVPC.html',
  rdsBackup: 'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_WorkingWithAutomatedBackups.html',
  unicodeBidi: 'https://www.unicode.org/reports/tr9/',
} as const;

/** The resource type reference page of `AWS::<Service>::<Resource>`. */
export function res(type: string): string {
  const [, service, resource] = type.split('::');
  return `https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-${service.toLowerCase()}-${resource.toLowerCase()}.html`;
}

// ---------------------------------------------------------------------------------------------
// Deterministic identifiers
// ---------------------------------------------------------------------------------------------

function fnv(s: string): number {
  let h = 0x811c9dc5;
  for (const ch of s) {
    h ^= ch.codePointAt(0) ?? 0;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** `n` upper-case hex digits derived from `s`. */
export function hex(s: string, n = 8): string {
  let out = '';
  for (let i = 0; out.length < n; i++) out += fnv(`${s}#${i}`).toString(16).padStart(8, '0');
  return out.slice(0, n).toUpperCase();
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** The random-looking suffix CloudFormation appends to generated physical names. */
export function suffix(s: string, n = 12): string {
  let out = '';
  for (let i = 0; i < n; i++) out += ALNUM[fnv(`${s}/${i}`) % ALNUM.length];
  return out;
}

export function uuid(s: string): string {
  const h = hex(s, 32).toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A CDK-like logical id: the construct path without separators and an 8-digit hash. */
export function lid(path: string): string {
  return `${path}${hex(path)}`;
}

/** The name CloudFormation generates for a resource without an explicit name. */
export function physName(logical: string, stack = STACK): string {
  return `${stack}-${logical}`.slice(0, 51) + `-${suffix(logical)}`;
}

export function changeSetArn(name: string, seed: string = name): string {
  return `arn:aws:cloudformation:${REGION}:${ACCOUNT}:changeSet/${name}/${uuid(`cs:${seed}`)}`;
}

export function stackArn(stack = STACK): string {
  return `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/${stack}/${uuid(`stack:${stack}`)}`;
}

export const roleArn = (name: string, account = ACCOUNT): string => `arn:aws:iam::${account}:role/${name}`;
export const managed = (name: string): string => `arn:aws:iam::aws:policy/${name}`;
export const fnArn = (name: string): string => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
export const tableArn = (name: string): string => `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${name}`;
export const keyArn = (id: string): string => `arn:aws:kms:${REGION}:${ACCOUNT}:key/${uuid(`key:${id}`)}`;

// ---------------------------------------------------------------------------------------------
// Small utilities
// ---------------------------------------------------------------------------------------------

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Drops the keys whose value is `undefined` (so `{ Replacement: undefined }` removes the field). */
export function clean<T extends Obj>(o: T): T {
  const out: Obj = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as T;
}

/** How the API writes a property value in BeforeValue / AfterValue: always a string. */
function asValue(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** A resource context as the API encodes it: `JSON.stringify({ Properties: ... })`. */
export function ctx(props: Props, extra: Obj = {}): string {
  return JSON.stringify({ Properties: props, ...extra });
}

/** `[{ Key, Value }, ...]` from `{ key: value }`. */
export function tags(t: Record<string, string>): Array<{ Key: string; Value: string }> {
  return Object.entries(t).map(([Key, Value]) => ({ Key, Value }));
}

// ---------------------------------------------------------------------------------------------
// ResourceChangeDetail
// ---------------------------------------------------------------------------------------------

export interface DetailSpec {
  readonly attribute?: string;
  readonly name?: string;
  readonly path?: string;
  readonly recreation?: string;
  readonly before?: string;
  readonly after?: string;
  readonly change?: string;
  readonly evaluation?: string;
  readonly source?: string;
  readonly causing?: string;
}

/** One ResourceChangeDetail, fields as the API names them; absent fields are left out. */
export function detail(d: DetailSpec): Obj {
  return clean({
    Target: clean({
      Attribute: d.attribute ?? 'Properties',
      Name: d.name,
      Path: d.path,
      RequiresRecreation: d.recreation ?? 'Never',
      BeforeValue: d.before,
      AfterValue: d.after,
      AttributeChangeType: d.change ?? 'Modify',
    }),
    Evaluation: d.evaluation ?? 'Static',
    ChangeSource: d.source ?? 'DirectModification',
    CausingEntity: d.causing,
  });
}

interface Leaf {
  readonly path: readonly string[];
  readonly before: unknown;
  readonly after: unknown;
}

function diffInto(path: string[], b: unknown, a: unknown, out: Leaf[]): void {
  if (same(b, a)) return;
  if (isObj(b) && isObj(a)) {
    const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])];
    for (const k of keys) diffInto([...path, k], b[k], a[k], out);
    return;
  }
  if (Array.isArray(b) && Array.isArray(a) && b.length === a.length) {
    b.forEach((item, i) => diffInto([...path, String(i)], item, a[i], out));
    return;
  }
  out.push({ path, before: b, after: a });
}

export interface DiffOpts {
  /** RequiresRecreation per top-level property (default `Never`). */
  readonly recreation?: Readonly<Record<string, string>>;
  /** CausingEntity per top-level property: the change comes from another resource's attribute. */
  readonly causes?: Readonly<Record<string, string>>;
}

/** The Details CloudFormation writes for a property change from `before` to `after`. */
export function diffDetails(before: Props, after: Props, o: DiffOpts = {}): Obj[] {
  const leaves: Leaf[] = [];
  diffInto([], before, after, leaves);
  return leaves.map(({ path, before: b, after: a }) => {
    const name = path[0];
    const causing = o.causes?.[name];
    const dynamic = causing !== undefined || a === KAA || b === KAA;
    return detail({
      attribute: name === 'Tags' ? 'Tags' : 'Properties',
      name,
      path: `/Properties/${path.join('/')}`,
      recreation: o.recreation?.[name] ?? 'Never',
      before: asValue(b),
      after: asValue(a),
      change: b === undefined ? 'Add' : a === undefined ? 'Remove' : 'Modify',
      evaluation: dynamic ? 'Dynamic' : 'Static',
      source: causing !== undefined ? 'ResourceAttribute' : 'DirectModification',
      causing,
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Change / ResourceChange
// ---------------------------------------------------------------------------------------------

export interface ChangeSpec {
  readonly action: string;
  readonly logical: string;
  readonly type: string;
  readonly physical?: string;
  readonly replacement?: string;
  readonly scope?: readonly string[];
  readonly details?: readonly unknown[];
  readonly policyAction?: string;
  /** Props are encoded with `ctx`; a string is used as is (unreadable contexts). */
  readonly before?: Props | string;
  readonly after?: Props | string;
  readonly beforeExtra?: Obj;
  readonly afterExtra?: Obj;
  readonly changeSetId?: string;
  readonly moduleInfo?: Obj;
  readonly drift?: string;
  /** Raw ResourceChange fields, applied last; `undefined` removes a field. */
  readonly rc?: Obj;
  /** Raw Change fields, applied last; `undefined` removes a field. */
  readonly outer?: Obj;
}

function encode(c: Props | string | undefined, extra: Obj | undefined): string | undefined {
  if (c === undefined) return undefined;
  return typeof c === 'string' ? c : ctx(c, extra);
}

/** One element of `Changes`: `{ Type: 'Resource', ResourceChange: {...} }`. */
export function change(s: ChangeSpec): Obj {
  const rc = clean({
    PolicyAction: s.policyAction,
    Action: s.action,
    LogicalResourceId: s.logical,
    PhysicalResourceId: s.physical,
    ResourceType: s.type,
    Replacement: s.replacement,
    Scope: s.scope ?? [],
    Details: s.details ?? [],
    ChangeSetId: s.changeSetId,
    ModuleInfo: s.moduleInfo,
    ResourceDriftStatus: s.drift,
    BeforeContext: encode(s.before, s.beforeExtra),
    AfterContext: encode(s.after, s.afterExtra),
    ...(s.rc ?? {}),
  });
  return clean({ Type: 'Resource', HookInvocationCount: undefined, ResourceChange: rc, ...(s.outer ?? {}) });
}

export type ModifyOpts = DiffOpts & Partial<Omit<ChangeSpec, 'action' | 'logical' | 'type' | 'physical' | 'before' | 'after'>>;

/**
 * A Modify whose Details, Scope and Replacement follow from `before` and `after` the way
 * CloudFormation derives them: Replacement True if a changed property requires recreation
 * Always, Conditional if Conditionally, else False.
 */
export function modify(type: string, logical: string, physical: string, before: Props, after: Props, o: ModifyOpts = {}): Obj {
  const details = o.details ?? diffDetails(before, after, o);
  const recreations = details.map((d) => ((d as Obj).Target as Obj | undefined)?.RequiresRecreation);
  const derived = recreations.includes('Always') ? 'True' : recreations.includes('Conditionally') ? 'Conditional' : 'False';
  const scope = o.scope ?? [...new Set(details.map((d) => String(((d as Obj).Target as Obj | undefined)?.Attribute)))];
  return change({
    ...o,
    action: 'Modify',
    logical,
    type,
    physical,
    replacement: 'replacement' in o ? o.replacement : derived,
    scope,
    details,
    before,
    after,
  });
}

export function add(type: string, logical: string, props: Props, o: Partial<ChangeSpec> = {}): Obj {
  return change({ action: 'Add', logical, type, after: props, ...o });
}

/** A Remove; `policyAction` null leaves PolicyAction out. */
export function remove(type: string, logical: string, physical: string, props: Props, policyAction: string | null = 'Delete', o: Partial<ChangeSpec> = {}): Obj {
  return change({ action: 'Remove', logical, type, physical, before: props, policyAction: policyAction ?? undefined, ...o });
}

/** Deep-merges `patch` into `base` (objects only; arrays and scalars replace; `undefined` deletes). */
export function merge(base: Props, patch: Props): Props {
  const out: Props = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) delete out[k];
    else if (isObj(v) && isObj(out[k])) out[k] = merge(out[k] as Props, v);
    else out[k] = v;
  }
  return out;
}

/** A Modify from `base` to `merge(base, patch)`. */
export function patch(type: string, logical: string, physical: string, base: Props, p: Props, o: ModifyOpts = {}): Obj {
  return modify(type, logical, physical, base, merge(base, p), o);
}

// ---------------------------------------------------------------------------------------------
// Pages and inputs
// ---------------------------------------------------------------------------------------------

let sequence = 0;

export interface PageSpec {
  readonly name?: string;
  /** The change set ARN; minted from the name and a load-order counter when absent. */
  readonly id?: string;
  readonly stack?: string;
  readonly status?: string;
  readonly reason?: string;
  readonly execution?: string;
  readonly description?: string;
  readonly nested?: boolean;
  readonly parentId?: string;
  readonly rootId?: string;
  /** Raw page fields, applied last; `undefined` removes a field. */
  readonly extra?: Obj;
}

/** A fresh change set ARN for a change set called `name`. */
export function mintId(name = 'pipeline-release'): string {
  sequence += 1;
  return changeSetArn(name, `${name}:${sequence}`);
}

/** One DescribeChangeSet response. `changes` undefined: the page has no `Changes` field. */
export function page(changes: readonly unknown[] | undefined, s: PageSpec = {}, nextToken?: string): Obj {
  const name = s.name ?? 'pipeline-release';
  const failed = s.status === 'FAILED';
  return clean({
    Changes: changes,
    ChangeSetName: name,
    ChangeSetId: s.id ?? mintId(name),
    StackId: stackArn(s.stack),
    StackName: s.stack ?? STACK,
    Description: s.description,
    Parameters: [{ ParameterKey: 'BootstrapVersion', ParameterValue: '/cdk-bootstrap/hnb659fds/version', ResolvedValue: '25' }],
    CreationTime: '2025-06-02T09:14:07.512Z',
    ExecutionStatus: s.execution ?? (failed ? 'UNAVAILABLE' : 'AVAILABLE'),
    Status: s.status ?? 'CREATE_COMPLETE',
    StatusReason: s.reason,
    NotificationARNs: [],
    RollbackConfiguration: {},
    Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'],
    IncludeNestedStacks: s.nested ?? false,
    ParentChangeSetId: s.parentId,
    RootChangeSetId: s.rootId,
    NextToken: nextToken,
    ...(s.extra ?? {}),
  });
}

export interface InputSpec extends PageSpec {
  readonly template?: unknown;
  readonly nested?: boolean;
  readonly children?: Readonly<Record<string, CorpusInput>>;
}

/** A change set of one page. */
export function cs(changes: readonly unknown[] | undefined, s: InputSpec = {}): CorpusInput {
  return paged(changes === undefined ? [undefined] : [changes], s);
}

/** A change set whose Changes come in several pages (NextToken on all but the last), one ChangeSetId. */
export function paged(chunks: ReadonlyArray<readonly unknown[] | undefined>, s: InputSpec = {}): CorpusInput {
  const id = s.id ?? mintId(s.name);
  const pages = chunks.map((c, i) =>
    page(c, { ...s, id, nested: s.nested ?? s.children !== undefined }, i < chunks.length - 1 ? `token-${hex(`${id}:${i}`, 24)}` : undefined),
  );
  // As the API would deliver them: JSON, so no `undefined` anywhere.
  return clean({ pages: json(pages), template: json(s.template), nested: s.children }) as CorpusInput;
}

/** `v` after a JSON round trip (undefined stays undefined). */
export function json<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

/** Splits `changes` into pages of `size`. */
export function chunk(changes: readonly unknown[], size: number): unknown[][] {
  const out: unknown[][] = [];
  for (let i = 0; i < changes.length; i += size) out.push(changes.slice(i, i + size));
  return out;
}

/** The change set CloudFormation reports for "no changes": FAILED, the reason, no Changes (or `[]`). */
export function noChanges(reason = NO_CHANGES_REASON, changes?: readonly unknown[], s: PageSpec = {}): CorpusInput {
  return cs(changes, { status: 'FAILED', reason, ...s });
}

// ---------------------------------------------------------------------------------------------
// Cases
// ---------------------------------------------------------------------------------------------

export interface CaseMaker {
  high(id: string, title: string, category: ExpectedCategory | undefined, cite: readonly string[], input: CorpusInput): CorpusCase;
  low(id: string, title: string, cite: readonly string[], input: CorpusInput): CorpusCase;
  none(id: string, title: string, cite: readonly string[], input: CorpusInput): CorpusCase;
  refuse(id: string, title: string, cite: readonly string[], input: CorpusInput): CorpusCase;
}

/** Case constructors bound to a class. */
export function maker(cls: CorpusClass): CaseMaker {
  const make = (id: string, expected: CorpusCase['expected'], title: string, cite: readonly string[], input: CorpusInput, category?: ExpectedCategory): CorpusCase =>
    clean({ id, class: cls, title, expected, category, cite, input });
  return {
    high: (id, title, category, cite, input) => make(id, 'high', title, cite, input, category),
    low: (id, title, cite, input) => make(id, 'low', title, cite, input),
    none: (id, title, cite, input) => make(id, 'none', title, cite, input),
    refuse: (id, title, cite, input) => make(id, 'refuse', title, cite, input),
  };
}

// ---------------------------------------------------------------------------------------------
// Policies
// ---------------------------------------------------------------------------------------------

export type Statement = Obj;
export interface PolicyDocument {
  readonly Version: string;
  readonly Statement: readonly Statement[];
}

export function doc(...statements: Statement[]): PolicyDocument {
  return { Version: '2012-10-17', Statement: statements };
}

export function allow(action: string | string[], resource: string | string[], extra: Obj = {}): Statement {
  return { Effect: 'Allow', Action: action, Resource: resource, ...extra };
}

export function deny(action: string | string[], resource: string | string[], extra: Obj = {}): Statement {
  return { Effect: 'Deny', Action: action, Resource: resource, ...extra };
}

export const LAMBDA_TRUST = doc({ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' });

export type PolicyKind =
  | 'iam-policy'
  | 'managed-policy'
  | 'role-policy'
  | 'role-inline'
  | 'role-trust'
  | 'bucket-policy'
  | 'topic-policy'
  | 'queue-policy'
  | 'kms-key';

interface Holder {
  readonly type: string;
  readonly logical: string;
  readonly physical: string;
  readonly props: (d: unknown) => Props;
}

const HANDLER_ROLE = lid('OrdersHandlerServiceRole');
export const HANDLER_ROLE_NAME = physName(HANDLER_ROLE);
const QUEUE_URL = `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${physName(lid('OrdersQueue'))}`;
const TOPIC_ARN = `arn:aws:sns:${REGION}:${ACCOUNT}:${physName(lid('OrdersTopic'))}`;

export const HOLDERS: Readonly<Record<PolicyKind, Holder>> = {
  'iam-policy': {
    type: 'AWS::IAM::Policy',
    logical: lid('OrdersHandlerServiceRoleDefaultPolicy'),
    physical: `order-Order-${suffix('default-policy')}`,
    props: (d) => ({ PolicyName: 'OrdersHandlerServiceRoleDefaultPolicy', PolicyDocument: d, Roles: [HANDLER_ROLE_NAME] }),
  },
  'managed-policy': {
    type: 'AWS::IAM::ManagedPolicy',
    logical: lid('OrdersReadPolicy'),
    physical: `arn:aws:iam::${ACCOUNT}:policy/${physName(lid('OrdersReadPolicy'))}`,
    props: (d) => ({ Description: 'Read access to the orders data', Path: '/', PolicyDocument: d, Roles: [HANDLER_ROLE_NAME] }),
  },
  'role-policy': {
    type: 'AWS::IAM::RolePolicy',
    logical: lid('OrdersHandlerInlinePolicy'),
    physical: `OrdersHandlerInline|${HANDLER_ROLE_NAME}`,
    props: (d) => ({ PolicyName: 'OrdersHandlerInline', RoleName: HANDLER_ROLE_NAME, PolicyDocument: d }),
  },
  'role-inline': {
    type: 'AWS::IAM::Role',
    logical: HANDLER_ROLE,
    physical: HANDLER_ROLE_NAME,
    props: (d) => ({
      AssumeRolePolicyDocument: LAMBDA_TRUST,
      ManagedPolicyArns: [managed('service-role/AWSLambdaBasicExecutionRole')],
      Policies: [{ PolicyName: 'orders-access', PolicyDocument: d }],
    }),
  },
  'role-trust': {
    type: 'AWS::IAM::Role',
    logical: lid('DeployRole'),
    physical: physName(lid('DeployRole')),
    props: (d) => ({ AssumeRolePolicyDocument: d, ManagedPolicyArns: [managed('AWSCloudFormationReadOnlyAccess')] }),
  },
  'bucket-policy': {
    type: 'AWS::S3::BucketPolicy',
    logical: lid('AssetsBucketPolicy'),
    physical: physName(lid('AssetsBucket')).toLowerCase(),
    props: (d) => ({ Bucket: physName(lid('AssetsBucket')).toLowerCase(), PolicyDocument: d }),
  },
  'topic-policy': {
    type: 'AWS::SNS::TopicPolicy',
    logical: lid('OrdersTopicPolicy'),
    physical: `${STACK}-OrdersTopicPolicy-${suffix('topic-policy')}`,
    props: (d) => ({ Topics: [TOPIC_ARN], PolicyDocument: d }),
  },
  'queue-policy': {
    type: 'AWS::SQS::QueuePolicy',
    logical: lid('OrdersQueuePolicy'),
    physical: `${STACK}-OrdersQueuePolicy-${suffix('queue-policy')}`,
    props: (d) => ({ Queues: [QUEUE_URL], PolicyDocument: d }),
  },
  'kms-key': {
    type: 'AWS::KMS::Key',
    logical: lid('DataKey'),
    physical: uuid('key:DataKey'),
    props: (d) => ({ Description: 'Orders data key', EnableKeyRotation: true, KeyPolicy: d }),
  },
};

export const BUCKET_NAME = physName(lid('AssetsBucket')).toLowerCase();
export const BUCKET_ARN = `arn:aws:s3:::${BUCKET_NAME}`;
export { QUEUE_URL, TOPIC_ARN };
export const QUEUE_ARN = `arn:aws:sqs:${REGION}:${ACCOUNT}:${physName(lid('OrdersQueue'))}`;

/** A Modify of a policy-holding resource whose policy goes from `before` to `after`. */
export function policyChange(kind: PolicyKind, before: unknown, after: unknown, o: ModifyOpts = {}): Obj {
  const h = HOLDERS[kind];
  return modify(h.type, h.logical, h.physical, h.props(before), h.props(after), o);
}

/** The resource page of a policy holder. */
export function holderDoc(kind: PolicyKind): string {
  return res(HOLDERS[kind].type);
}

/** A Modify of the handler role whose properties go from `base` to `merge(base, p)`. */
export function roleChange(p: Props, base: Props = HOLDERS['role-inline'].props(doc(allow('dynamodb:GetItem', tableArn('orders')))), o: ModifyOpts = {}): Obj {
  return patch('AWS::IAM::Role', HANDLER_ROLE, HANDLER_ROLE_NAME, base, p, o);
}

// ---------------------------------------------------------------------------------------------
// Tags-only changes
// ---------------------------------------------------------------------------------------------

/** A tags-only Modify of `type` (other properties unchanged). */
export function tagChange(type: string, logical: string, physical: string, before: Record<string, string>, after: Record<string, string>, base: Props = {}, o: ModifyOpts = {}): Obj {
  return modify(type, logical, physical, { ...base, Tags: tags(before) }, { ...base, Tags: tags(after) }, o);
}

export const BUCKET_BASE: Props = {
  BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } }] },
  PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
  VersioningConfiguration: { Status: 'Enabled' },
};

/** The assets bucket's tags go from cost-centre 1234 to 5678: the archetypal low change. */
export function bucketTags(o: ModifyOpts = {}, type = 'AWS::S3::Bucket'): Obj {
  return tagChange(type, lid('AssetsBucket'), BUCKET_NAME, { 'cost-centre': '1234' }, { 'cost-centre': '5678' }, BUCKET_BASE, o);
}

export const TABLE_LOGICAL = lid('OrdersTable');
export const TABLE_NAME = physName(TABLE_LOGICAL);
export const TABLE_BASE: Props = {
  AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
  KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
  BillingMode: 'PAY_PER_REQUEST',
  PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
  DeletionProtectionEnabled: true,
  SSESpecification: { SSEEnabled: true },
};

/** The orders table removed (PolicyAction Delete unless told). */
export function tableRemoved(policyAction = 'Delete', logical = TABLE_LOGICAL, props: Props = TABLE_BASE, o: Partial<ChangeSpec> = {}): Obj {
  return remove('AWS::DynamoDB::Table', logical, TABLE_NAME, props, policyAction, o);
}

// ---------------------------------------------------------------------------------------------
// Log groups
// ---------------------------------------------------------------------------------------------

export const LOG_GROUP_LOGICAL = lid('OrdersHandlerLogGroup');
export const LOG_GROUP_NAME = `/aws/lambda/${physName(lid('OrdersHandler'))}`;

/** A log group whose RetentionInDays goes from `before` to `after` (undefined: property absent). */
export function retention(before: number | string | undefined, after: number | string | undefined, o: ModifyOpts = {}, logical = LOG_GROUP_LOGICAL, name = LOG_GROUP_NAME): Obj {
  const base = { LogGroupName: name };
  return modify('AWS::Logs::LogGroup', logical, name, clean({ ...base, RetentionInDays: before }), clean({ ...base, RetentionInDays: after }), o);
}

// ---------------------------------------------------------------------------------------------
// Lambda releases behind an alias shifted by CodeDeploy
// ---------------------------------------------------------------------------------------------

export interface ReleaseOpts {
  /** Patch applied to the function's properties after the change (default: a new Code.S3Key). */
  readonly fnPatch?: Props;
  /** Patch applied to the function's properties before the change. */
  readonly fnBase?: Props;
  readonly fnOpts?: ModifyOpts;
  /** Leave out the function Modify / the Version Add / the alias Modify. */
  readonly noFunction?: boolean;
  readonly noVersion?: boolean;
  readonly noAlias?: boolean;
  /** FunctionName in the alias's after context (default: the function's physical name). */
  readonly aliasFunctionName?: string;
  /** Patch applied to the alias's properties before the change (the after context follows it). */
  readonly aliasBase?: Props;
  readonly aliasPatch?: Props;
  readonly aliasOpts?: ModifyOpts;
  /** FunctionName in the version's after context (default: the function's physical name). */
  readonly versionFunctionName?: string;
  readonly versionProps?: Props;
  /** What the template says about the alias. */
  readonly updatePolicy?: 'codedeploy' | 'none' | 'no-group' | 'no-application' | Obj;
  readonly deploymentGroup?: Props;
}

export interface Release {
  readonly changes: Obj[];
  readonly resources: Obj;
  readonly fnLogical: string;
  readonly fnName: string;
  readonly fnArn: string;
  readonly versionLogical: string;
  readonly aliasLogical: string;
  readonly groupLogical: string;
  readonly fnProps: Props;
}

export const APP_LOGICAL = lid('ReleaseApplication');

export function functionProps(base: string): Props {
  return {
    Code: { S3Bucket: ASSET_BUCKET, S3Key: `${hex(`code:${base}:old`, 64).toLowerCase()}.zip` },
    Role: roleArn(physName(lid(`${base}HandlerServiceRole`))),
    Handler: 'index.handler',
    Runtime: 'nodejs20.x',
    MemorySize: 512,
    Timeout: 10,
    Architectures: ['arm64'],
    TracingConfig: { Mode: 'Active' },
    Environment: { Variables: { TABLE_NAME: TABLE_NAME, POWERTOOLS_SERVICE_NAME: base.toLowerCase() } },
  };
}

export function deploymentGroupProps(base: string): Props {
  return {
    ApplicationName: `${STACK}-ReleaseApplication-${suffix('app')}`,
    DeploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
    ServiceRoleArn: roleArn(physName(lid('ReleaseServiceRole'))),
    DeploymentStyle: { DeploymentType: 'BLUE_GREEN', DeploymentOption: 'WITH_TRAFFIC_CONTROL' },
    AutoRollbackConfiguration: { Enabled: true, Events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM'] },
    AlarmConfiguration: { Enabled: true, IgnorePollAlarmFailure: false, Alarms: [{ Name: `${STACK}-${base}Errors-${suffix(`alarm:${base}`)}` }] },
  };
}

/**
 * A release of the `<base>Handler` function: its code changes, a new Version, the `live` alias
 * moved to it (FunctionVersion known after apply) and, in `resources`, the template entries with
 * the alias's CodeDeployLambdaAliasUpdate.
 */
export function release(base: string, o: ReleaseOpts = {}): Release {
  const fnLogical = lid(`${base}Handler`);
  const fnName = physName(fnLogical);
  const arn = fnArn(fnName);
  const versionLogical = `${lid(`${base}HandlerCurrentVersion`)}${hex(`code:${base}:new`, 32).toLowerCase()}`;
  const aliasLogical = lid(`${base}HandlerLiveAlias`);
  const groupLogical = lid(`${base}DeploymentGroup`);
  const fnBefore = merge(functionProps(base), o.fnBase ?? {});
  const fnAfter = merge(fnBefore, o.fnPatch ?? { Code: { S3Key: `${hex(`code:${base}:new`, 64).toLowerCase()}.zip` } });
  const aliasBefore = merge({ FunctionName: fnName, FunctionVersion: '7', Name: 'live' }, o.aliasBase ?? {});
  const aliasAfter = merge({ ...aliasBefore, FunctionName: o.aliasFunctionName ?? aliasBefore.FunctionName, FunctionVersion: KAA }, o.aliasPatch ?? {});

  const changes: Obj[] = [];
  if (!o.noFunction) changes.push(modify('AWS::Lambda::Function', fnLogical, fnName, fnBefore, fnAfter, o.fnOpts));
  if (!o.noVersion) {
    changes.push(add('AWS::Lambda::Version', versionLogical, { FunctionName: o.versionFunctionName ?? fnName, ...(o.versionProps ?? {}) }));
  }
  if (!o.noAlias) {
    changes.push(
      modify('AWS::Lambda::Alias', aliasLogical, `${arn}:live`, aliasBefore, aliasAfter, {
        causes: { FunctionVersion: `${versionLogical}.Version` },
        ...(o.aliasOpts ?? {}),
      }),
    );
  }

  const up = o.updatePolicy ?? 'codedeploy';
  const aliasUpdate: Obj | undefined =
    up === 'none'
      ? undefined
      : up === 'codedeploy'
        ? { CodeDeployLambdaAliasUpdate: { ApplicationName: { Ref: APP_LOGICAL }, DeploymentGroupName: { Ref: groupLogical } } }
        : up === 'no-group'
          ? { CodeDeployLambdaAliasUpdate: { ApplicationName: { Ref: APP_LOGICAL } } }
          : up === 'no-application'
            ? { CodeDeployLambdaAliasUpdate: { DeploymentGroupName: { Ref: groupLogical } } }
            : up;
  const resources: Obj = {
    [fnLogical]: { Type: 'AWS::Lambda::Function', Properties: { ...fnAfter, Role: { 'Fn::GetAtt': [lid(`${base}HandlerServiceRole`), 'Arn'] } } },
    [versionLogical]: { Type: 'AWS::Lambda::Version', Properties: { FunctionName: { Ref: fnLogical } } },
    [aliasLogical]: clean({
      Type: 'AWS::Lambda::Alias',
      Properties: { FunctionName: { Ref: fnLogical }, FunctionVersion: { 'Fn::GetAtt': [versionLogical, 'Version'] }, Name: 'live' },
      UpdatePolicy: aliasUpdate,
    }),
    [groupLogical]: {
      Type: 'AWS::CodeDeploy::DeploymentGroup',
      Properties: { ...deploymentGroupProps(base), ...(o.deploymentGroup ?? {}), ApplicationName: { Ref: APP_LOGICAL } },
    },
  };
  return { changes, resources, fnLogical, fnName, fnArn: arn, versionLogical, aliasLogical, groupLogical, fnProps: fnBefore };
}

/** A processed template holding the resources of `parts` and the CodeDeploy application. */
export function template(...parts: ReadonlyArray<Release | Obj>): Obj {
  const resources: Obj = { [APP_LOGICAL]: { Type: 'AWS::CodeDeploy::Application', Properties: { ComputePlatform: 'Lambda' } } };
  for (const p of parts) Object.assign(resources, 'changes' in p && 'resources' in p ? (p as Release).resources : p);
  return { AWSTemplateFormatVersion: '2010-09-09', Resources: resources };
}

/**
 * A processed template that selects nothing by tag (no AWS Backup selection, no resource group):
 * the tags-only shape is low only when the template shows that.
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/assigning-resources.html
 */
export const NO_TAG_SELECTORS: Obj = { AWSTemplateFormatVersion: '2010-09-09', Resources: {} };

/** A change set holding `releases` (and `extra` changes) with their template. */
export function releaseInput(releases: readonly Release[], extra: readonly Obj[] = [], s: InputSpec = {}): CorpusInput {
  return cs([...releases.flatMap((r) => r.changes), ...extra], { template: template(...releases), ...s });
}

/** The cites of a release. */
export const RELEASE_DOCS: readonly string[] = [
  DOC.rc,
  res('AWS::Lambda::Function'),
  res('AWS::Lambda::Version'),
  res('AWS::Lambda::Alias'),
  DOC.updatePolicy,
];

// ---------------------------------------------------------------------------------------------
// Nested stacks
// ---------------------------------------------------------------------------------------------

/** The name CloudFormation gives the stack of the nested stack resource `logical`. */
export function nestedStackName(logical: string): string {
  return `${STACK}-${logical}-${suffix(logical)}`.slice(0, 60);
}

/** A fresh id for the nested change set of the nested stack resource `logical`. */
export function mintNestedId(logical: string): string {
  return mintId(`${nestedStackName(logical)}-nested`);
}

/**
 * A nested change set `name` of the root change set `rootId` (its ParentChangeSetId), and the
 * Modify of its AWS::CloudFormation::Stack resource in the parent.
 */
export function nestedStack(
  logical: string,
  changes: readonly unknown[] | undefined,
  s: InputSpec & { parentId: string; action?: string; stackRc?: Obj },
): { change: Obj; id: string; input: CorpusInput } {
  const stackName = nestedStackName(logical);
  const id = s.id ?? mintId(`${stackName}-nested`);
  const input = cs(changes, { stack: stackName, name: `${stackName}-nested`, rootId: s.rootId ?? s.parentId, ...s, id });
  const physical = stackArn(stackName);
  const url = (v: string): Props => ({ TemplateURL: `https://s3.${REGION}.amazonaws.com/${ASSET_BUCKET}/${hex(`tpl:${logical}:${v}`, 64).toLowerCase()}.json` });
  const action = s.action ?? 'Modify';
  const c =
    action === 'Modify'
      ? modify('AWS::CloudFormation::Stack', logical, physical, url('old'), url('new'), { changeSetId: id, rc: s.stackRc })
      : action === 'Remove'
        ? remove('AWS::CloudFormation::Stack', logical, physical, url('old'), 'Delete', { changeSetId: id, rc: s.stackRc })
        : change({ action, logical, type: 'AWS::CloudFormation::Stack', changeSetId: id, after: url('new'), rc: s.stackRc });
  return { change: c, id, input };
}

// ---------------------------------------------------------------------------------------------
// Shared documents and small fixtures
// ---------------------------------------------------------------------------------------------

/** The handler's grants on the orders table, the baseline most policy cases start from. */
export const TABLE_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:Query'];
export const TABLE_RESOURCES = [tableArn(TABLE_NAME), `${tableArn(TABLE_NAME)}/index/*`];
export const ORDERS_POLICY = doc(allow(TABLE_ACTIONS, TABLE_RESOURCES), allow(['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], '*'));

/** ORDERS_POLICY with `extra` statements appended. */
export function ordersPolicyWith(...extra: Statement[]): PolicyDocument {
  return doc(...ORDERS_POLICY.Statement, ...extra);
}

/** A new Code.S3Key for the `<base>Handler` function (the default release patch). */
export function newCode(base: string): Props {
  return { Code: { S3Key: `${hex(`code:${base}:new`, 64).toLowerCase()}.zip` } };
}

export const CDK_METADATA_PHYSICAL = `${uuid('cdk-metadata')}`;
export function cdkAnalytics(v: string): Props {
  return { Analytics: `v2:deflate64:H4sIAAAAAAAA/${hex(`analytics:${v}`, 48)}` };
}

/** The resource pages of the types in `types`, after the ResourceChange page. */
export function cites(...types: string[]): string[] {
  return [DOC.rc, ...types.map(res)];
}

/** `ch` with its ResourceChange rewritten by `f` (for shapes no builder makes). */
export function tweak(ch: Obj, f: (rc: Obj) => Obj): Obj {
  return { ...ch, ResourceChange: f({ ...(ch.ResourceChange as Obj) }) };
}

/** `ch` with every Detail rewritten by `f`. */
export function tweakDetails(ch: Obj, f: (d: Obj) => Obj): Obj {
  return tweak(ch, (rc) => ({ ...rc, Details: (rc.Details as Obj[]).map((d) => f({ ...d, Target: { ...(d.Target as Obj) } })) }));
}

export interface Nested {
  readonly change: Obj;
  readonly id: string;
  readonly input: CorpusInput;
}

/**
 * The root change set `rootId` holding the stack changes of `children` (and `extra` changes), with
 * the children's change sets keyed by their ids (override with `keys`).
 */
export function parentOf(rootId: string, children: readonly Nested[], extra: readonly Obj[] = [], s: InputSpec = {}, keys?: readonly string[]): CorpusInput {
  const nested: Record<string, CorpusInput> = {};
  children.forEach((n, i) => (nested[keys?.[i] ?? n.id] = n.input));
  return cs([...children.map((n) => n.change), ...extra], { ...s, id: rootId, children: nested });
}

/** The `i`-th of many distinct buckets, its cost-centre tag changed (floods of harmless changes). */
export function nthBucketTags(i: number): Obj {
  const logical = lid(`Bucket${i}`);
  return tagChange('AWS::S3::Bucket', logical, physName(logical).toLowerCase(), { 'cost-centre': '1234' }, { 'cost-centre': '5678' }, BUCKET_BASE);
}
