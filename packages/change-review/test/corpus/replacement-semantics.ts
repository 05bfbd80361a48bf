/**
 * The fields that say whether a change is in place, read strictly: Replacement missing or unknown
 * or contradicted by a detail, RequiresRecreation and Evaluation outside their enums, actions other
 * than Add / Modify / Remove, a Change that is not a resource change, Scope beyond Properties and
 * Tags, drift, and Modify changes that show nothing. Each starts from a change that would be low.
 */
import {
  DOC,
  RELEASE_DOCS,
  TABLE_BASE,
  TABLE_LOGICAL,
  TABLE_NAME,
  bucketTags,
  change,
  cites,
  cs,
  detail,
  lid,
  maker,
  modify,
  physName,
  release,
  releaseInput,
  res,
  retention,
  template,
  tweak,
  tweakDetails,
  type Obj,
  type ModifyOpts,
} from './build';
import type { CorpusCase, ExpectedCategory } from './types';

const c = maker('replacement-semantics');

const TAG_DOCS = [DOC.rc, DOC.target, res('AWS::S3::Bucket')];
const LOG_DOCS = [DOC.rc, DOC.target, res('AWS::Logs::LogGroup')];

const tagsCase = (id: string, title: string, category: ExpectedCategory | undefined, o: ModifyOpts, extraCites: readonly string[] = []): CorpusCase =>
  c.high(id, title, category, [...TAG_DOCS, ...extraCites], cs([bucketTags(o)]));
const logCase = (id: string, title: string, category: ExpectedCategory | undefined, ch: Obj, extraCites: readonly string[] = []): CorpusCase =>
  c.high(id, title, category, [...LOG_DOCS, ...extraCites], cs([ch]));
const grows = (o: ModifyOpts = {}): Obj => retention(30, 365, o);

const REPLACEMENT: CorpusCase[] = [
  tagsCase('replacement-missing-on-modify', 'A tags-only Modify with no Replacement field', undefined, { replacement: undefined }),
  tagsCase('replacement-false-detail-always', 'Replacement False, but the tag detail says RequiresRecreation Always', 'data-loss', { replacement: 'False', recreation: { Tags: 'Always' } }, [DOC.updateBehaviors]),
  logCase(
    'replacement-false-detail-conditionally',
    'Retention grows, Replacement False, but the detail says RequiresRecreation Conditionally',
    'data-loss',
    grows({ replacement: 'False', recreation: { RetentionInDays: 'Conditionally' } }),
    [DOC.updateBehaviors],
  ),
  tagsCase('replacement-true-tags-only', 'A tags-only change that CloudFormation says replaces the bucket', 'data-loss', { replacement: 'True' }),
  logCase('replacement-conditional-retention-grows', 'Retention grows but Replacement is Conditional', 'data-loss', grows({ replacement: 'Conditional' })),
  tagsCase('replacement-unknown-value', 'Replacement "Maybe"', 'unreviewed', { replacement: 'Maybe' }),
  tagsCase('replacement-lower-case-false', 'Replacement "false" in lower case: not the API value "False"', undefined, { replacement: 'false' }),
  tagsCase('replacement-empty-string', 'Replacement ""', undefined, { replacement: '' }),
  tagsCase('requires-recreation-unknown-value', 'RequiresRecreation "Sometimes"', 'unreviewed', { replacement: 'False', recreation: { Tags: 'Sometimes' } }),
  c.high(
    'requires-recreation-missing',
    'A retention detail with no RequiresRecreation',
    undefined,
    LOG_DOCS,
    cs([tweakDetails(grows(), (d) => ({ ...d, Target: { ...(d.Target as Obj), RequiresRecreation: undefined } }))]),
  ),
  c.high(
    'policy-action-on-in-place-modify',
    'A tags-only Modify, Replacement False, carrying PolicyAction ReplaceAndDelete',
    undefined,
    TAG_DOCS,
    cs([bucketTags({ policyAction: 'ReplaceAndDelete' })]),
  ),
];

const EVALUATION: CorpusCase[] = [
  c.high('evaluation-unknown-value', 'A retention detail with Evaluation "Deferred"', 'unreviewed', LOG_DOCS, cs([tweakDetails(grows(), (d) => ({ ...d, Evaluation: 'Deferred' }))])),
  c.high('evaluation-missing', 'A retention detail with no Evaluation', undefined, LOG_DOCS, cs([tweakDetails(grows(), (d) => ({ ...d, Evaluation: undefined }))])),
  c.high(
    'release-code-requires-recreation-conditionally',
    'A code release whose Code detail says RequiresRecreation Conditionally',
    undefined,
    [...RELEASE_DOCS, DOC.target],
    releaseInput([release('Orders', { fnOpts: { recreation: { Code: 'Conditionally' }, replacement: 'False' } })]),
  ),
];

/** A log group retention change with Action `action`. */
const acting = (action: string): Obj => tweak(grows(), (rc) => ({ ...rc, Action: action }));

const ACTIONS: CorpusCase[] = [
  logCase('action-dynamic', 'Action Dynamic: CloudFormation cannot say what will happen', undefined, acting('Dynamic')),
  c.high(
    'action-import',
    'Action Import of the orders table',
    undefined,
    [...cites('AWS::DynamoDB::Table'), 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/resource-import.html'],
    cs([change({ action: 'Import', logical: TABLE_LOGICAL, type: 'AWS::DynamoDB::Table', physical: TABLE_NAME, after: TABLE_BASE })]),
  ),
  logCase('action-sync-with-actual', 'Action SyncWithActual on a log group', undefined, acting('SyncWithActual')),
  logCase('action-unknown', 'Action "Rename", not in the API', 'unreviewed', acting('Rename')),
  logCase('action-missing', 'A resource change with no Action', undefined, tweak(grows(), (rc) => ({ ...rc, Action: undefined }))),
  c.high(
    'change-type-not-resource',
    'A Change of Type "Stack" wrapping a tags-only resource change',
    'unreviewed',
    [DOC.change, DOC.rc],
    cs([{ ...bucketTags(), Type: 'Stack' }]),
  ),
  c.high('change-type-missing', 'A Change with no Type', undefined, [DOC.change], cs([{ ResourceChange: bucketTags().ResourceChange }])),
  c.high('resource-change-missing', 'A Change of Type Resource with no ResourceChange', 'unreviewed', [DOC.change], cs([{ Type: 'Resource' }, bucketTags()])),
];

const fnLogical = lid('OrdersHandler');
const unchangedFunction = (scope: string, d: Obj): Obj =>
  modify('AWS::Lambda::Function', fnLogical, physName(fnLogical), { Handler: 'index.handler' }, { Handler: 'index.handler' }, { scope: [scope], details: [d] });

const SCOPE: CorpusCase[] = [
  tagsCase('scope-unknown-value', 'Scope ["Tags", "Banana"]', 'unreviewed', { scope: ['Tags', 'Banana'] }),
  tagsCase('scope-missing', 'A tags-only Modify with no Scope', undefined, { scope: undefined, rc: { Scope: undefined } }),
  tagsCase('scope-update-policy', 'Tags change and Scope also lists UpdatePolicy', undefined, { scope: ['Tags', 'UpdatePolicy'] }),
  c.high(
    'scope-metadata-only',
    'Only the function Metadata (aws:asset:path) changes: Scope Metadata',
    undefined,
    [DOC.rc, DOC.target, res('AWS::Lambda::Function')],
    cs([unchangedFunction('Metadata', detail({ attribute: 'Metadata', path: '/Metadata/aws:asset:path', before: 'asset.1a2b', after: 'asset.3c4d' }))]),
  ),
  c.high(
    'scope-creation-policy',
    'A CreationPolicy change (Scope CreationPolicy)',
    undefined,
    [DOC.rc, DOC.target, 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-creationpolicy.html'],
    cs([unchangedFunction('CreationPolicy', detail({ attribute: 'CreationPolicy', path: '/CreationPolicy/ResourceSignal/Timeout', before: 'PT5M', after: 'PT30M' }))]),
  ),
  c.high(
    'detail-attribute-metadata-under-tags-scope',
    'Scope says Tags, the detail says Attribute Metadata',
    undefined,
    TAG_DOCS,
    cs([tweakDetails(bucketTags(), (d) => ({ ...d, Target: { ...(d.Target as Obj), Attribute: 'Metadata' } }))]),
  ),
  c.high('detail-target-missing', 'A tags-only Modify whose detail has no Target', undefined, TAG_DOCS, cs([tweakDetails(bucketTags(), (d) => ({ ...d, Target: undefined }))])),
  c.high('details-empty-on-modify', 'A tags-only-looking Modify (Scope Tags) with Details []: nothing shows what changes', undefined, TAG_DOCS, cs([bucketTags({ details: [], scope: ['Tags'] })])),
  c.high('details-missing-on-modify', 'A Modify with no Details field', undefined, TAG_DOCS, cs([bucketTags({ rc: { Details: undefined } })])),
];

const DRIFT: CorpusCase[] = [
  tagsCase('drift-modified', 'A tags-only change to a bucket whose drift status is MODIFIED', undefined, { drift: 'MODIFIED' }, [DOC.drift]),
  tagsCase('drift-deleted', 'A tags-only change to a bucket whose drift status is DELETED', undefined, { drift: 'DELETED' }, [DOC.drift]),
  tagsCase('drift-unknown-value', 'A tags-only change with ResourceDriftStatus "UNKNOWN"', undefined, { drift: 'UNKNOWN' }, [DOC.drift]),
];

const unreadable = (id: string, title: string, ch: Obj, extraCites: readonly string[] = []): CorpusCase =>
  c.high(id, title, 'unreviewed', [DOC.rc, ...extraCites], cs([ch]));
const orders = release('Orders');
const versionAdd = orders.changes[1];

const CONTEXTS: CorpusCase[] = [
  unreadable('before-context-unparsable', 'Retention grows, BeforeContext is not JSON', grows({ rc: { BeforeContext: '{"Properties":{"RetentionInDays":30' } })),
  unreadable('after-context-missing', 'Retention grows, AfterContext is absent', grows({ rc: { AfterContext: undefined } })),
  unreadable('after-context-not-properties', 'Retention grows, AfterContext is a JSON array', grows({ rc: { AfterContext: '[365]' } })),
  c.high(
    'version-added-without-after-context',
    'A code release whose Version Add has no AfterContext',
    'unreviewed',
    RELEASE_DOCS,
    cs(
      orders.changes.map((ch) => (ch === versionAdd ? tweak(ch, (rc) => ({ ...rc, AfterContext: undefined })) : ch)),
      { template: template(orders) },
    ),
  ),
  c.high(
    'version-added-with-extra-property',
    'A code release whose new Version also sets ProvisionedConcurrencyConfig',
    undefined,
    RELEASE_DOCS,
    releaseInput([release('Orders', { versionProps: { ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: 500 } } })]),
  ),
];

export const CASES: CorpusCase[] = [...REPLACEMENT, ...EVALUATION, ...ACTIONS, ...SCOPE, ...DRIFT, ...CONTEXTS];
