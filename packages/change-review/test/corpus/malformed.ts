/**
 * Malformed or inconsistent input. The review refuses a change set it cannot take at its word:
 * CREATE_COMPLETE with nothing listed, FAILED "no changes" that lists changes, any other status,
 * pages that disagree, JSON of the wrong shape, more than 100 pages. A nested change set that is
 * unreadable or inconsistent does not refuse the parent: the parent is high, category unreviewed.
 */
import {
  DOC,
  NO_CHANGES_REASON,
  NO_UPDATES_REASON,
  bucketTags,
  cs,
  maker,
  mintId,
  nestedStack,
  noChanges,
  nthBucketTags,
  page,
  paged,
  parentOf,
  tableRemoved,
  tweak,
  type Obj,
  type PageSpec,
  NO_TAG_SELECTORS,
} from './build';
import type { CorpusCase, CorpusInput } from './types';

const c = maker('malformed-or-inconsistent');
const control = maker('control-low');

const STATUS_DOCS = [DOC.describe, DOC.changeSets];
const SHAPE_DOCS = [DOC.describe, DOC.change, DOC.rc];
const id1 = mintId();
const FAILED_REASON = 'Template format error: Unresolved resource dependencies [OrdersTable] in the Resources block of the template';

/** One page built by `page`, then `extra` fields forced onto it. */
const rawPage = (changes: readonly unknown[] | undefined, extra: Obj, s: PageSpec = {}): CorpusInput => ({ pages: [page(changes, { ...s, extra })] });
/** A page listing `changes` as they are (no builder touched them). */
const listing = (...changes: unknown[]): CorpusInput => cs(changes);
const typed = (field: string, value: unknown): CorpusInput => cs([tweak(bucketTags(), (rc) => ({ ...rc, [field]: value }))]);

const EMPTY: CorpusCase[] = [
  c.refuse('complete-without-changes-field', 'CREATE_COMPLETE and no Changes field at all', STATUS_DOCS, cs(undefined)),
  // CloudFormation creates an executable change set with no resource change when only outputs or
  // parameters change (aws/aws-cdk#2029): not refused, but a person looks at what it does not list.
  c.high('complete-with-empty-changes', 'CREATE_COMPLETE and Changes []: only outputs, parameters or stack settings change', 'unreviewed', STATUS_DOCS, cs([])),
  c.high('complete-empty-across-three-pages', 'CREATE_COMPLETE and three pages, each with Changes []', 'unreviewed', STATUS_DOCS, paged([[], [], []])),
  c.refuse('complete-pages-without-changes-fields', 'CREATE_COMPLETE and two pages, neither with a Changes field', STATUS_DOCS, paged([undefined, undefined])),
  c.refuse('failed-no-changes-lists-a-change', 'FAILED "didn\'t contain changes" yet a tag change is listed', STATUS_DOCS, noChanges(NO_CHANGES_REASON, [bucketTags()])),
  c.refuse('failed-no-updates-lists-a-deletion', 'FAILED "No updates are to be performed." yet a table deletion is listed', STATUS_DOCS, noChanges(NO_UPDATES_REASON, [tableRemoved()])),
  c.refuse(
    'failed-no-changes-lists-a-change-on-page-two',
    'FAILED "didn\'t contain changes", page one empty, page two lists a table deletion',
    STATUS_DOCS,
    paged([[], [tableRemoved()]], { status: 'FAILED', reason: NO_CHANGES_REASON }),
  ),
];

const STATUS: CorpusCase[] = [
  c.refuse('failed-other-reason', 'FAILED: template format error', STATUS_DOCS, cs(undefined, { status: 'FAILED', reason: FAILED_REASON })),
  c.refuse('failed-other-reason-empty-changes', 'FAILED for another reason with Changes []', STATUS_DOCS, cs([], { status: 'FAILED', reason: 'Requires capabilities : [CAPABILITY_NAMED_IAM]' })),
  c.refuse('failed-without-reason', 'FAILED with no StatusReason', STATUS_DOCS, cs(undefined, { status: 'FAILED' })),
  c.refuse('failed-reason-no-changes-prefix-only', 'FAILED with a reason that merely starts like the no-changes one', STATUS_DOCS, cs(undefined, { status: 'FAILED', reason: "The submitted information didn't contain changes to the parameters, but the hook failed." })),
  c.refuse('create-pending', 'CREATE_PENDING: not created yet', STATUS_DOCS, cs([bucketTags()], { status: 'CREATE_PENDING', execution: 'UNAVAILABLE' })),
  c.refuse('create-in-progress', 'CREATE_IN_PROGRESS: still being computed', STATUS_DOCS, cs([bucketTags()], { status: 'CREATE_IN_PROGRESS', execution: 'UNAVAILABLE' })),
  c.refuse('delete-complete', 'DELETE_COMPLETE: the change set is gone', STATUS_DOCS, cs([bucketTags()], { status: 'DELETE_COMPLETE', execution: 'UNAVAILABLE' })),
  c.refuse('delete-pending', 'DELETE_PENDING', STATUS_DOCS, cs([bucketTags()], { status: 'DELETE_PENDING', execution: 'UNAVAILABLE' })),
  c.refuse('status-missing', 'No Status field', STATUS_DOCS, rawPage([bucketTags()], { Status: undefined })),
  c.refuse('status-trailing-space', '"CREATE_COMPLETE " with a trailing space', STATUS_DOCS, cs([bucketTags()], { status: 'CREATE_COMPLETE ' })),
  c.refuse('status-lower-case', '"create_complete" in lower case', STATUS_DOCS, cs([bucketTags()], { status: 'create_complete' })),
  c.refuse('status-number', 'Status is the number 1', STATUS_DOCS, rawPage([bucketTags()], { Status: 1 })),
  c.refuse('pages-disagree-on-status', 'Page one CREATE_COMPLETE, page two FAILED', STATUS_DOCS, {
    pages: [page([bucketTags()], { id: id1 }, 'token-1'), page([bucketTags()], { id: id1, status: 'FAILED', reason: FAILED_REASON })],
  }),
];

const PAGES: CorpusCase[] = [
  c.refuse('pages-disagree-on-change-set-id', 'Two pages of two different change sets', [DOC.describe], { pages: [page([bucketTags()], { id: id1 }, 'token-1'), page([tableRemoved()], { id: mintId() })] }),
  c.refuse('pages-disagree-on-change-set-name-and-id', 'Page two is of another change set name', [DOC.describe], {
    pages: [page([bucketTags()], { id: id1 }, 'token-1'), page([bucketTags()], { name: 'hotfix', id: mintId('hotfix') })],
  }),
  c.refuse('page-is-a-string', 'A page that is a JSON string, not an object', [DOC.describe], { pages: [JSON.stringify(page([bucketTags()]))] }),
  c.refuse('page-is-null', 'A page that is null', [DOC.describe], { pages: [page([bucketTags()], { id: id1 }, 'token-1'), null] }),
  c.refuse('page-is-an-array', 'A page that is an array', [DOC.describe], { pages: [[bucketTags()]] }),
  c.refuse('no-pages', 'No pages at all', [DOC.describe], { pages: [] }),
  c.refuse('one-hundred-one-pages', '101 pages of one tag change each', [DOC.describe], paged(Array.from({ length: 101 }, (_, i) => [nthBucketTags(i)]))),
  control.low('one-hundred-pages-of-tag-changes', '100 pages of one tag change each: the most pages the review reads', [DOC.describe], paged(Array.from({ length: 100 }, (_, i) => [nthBucketTags(i)]), { template: NO_TAG_SELECTORS })),
  c.refuse('last-page-has-next-token', 'The last page still has a NextToken: the listing is incomplete', [DOC.describe], rawPage([bucketTags()], { NextToken: 'token-more' })),
];

const SHAPES: CorpusCase[] = [
  c.refuse('changes-is-an-object', 'Changes is an object', SHAPE_DOCS, rawPage(undefined, { Changes: { 0: bucketTags() } })),
  c.refuse('changes-is-a-string', 'Changes is a JSON string', SHAPE_DOCS, rawPage(undefined, { Changes: JSON.stringify([bucketTags()]) })),
  c.refuse('changes-is-null', 'Changes is null', SHAPE_DOCS, rawPage(undefined, { Changes: null })),
  c.refuse('change-is-a-string', 'A Change that is the string "Resource"', SHAPE_DOCS, listing(bucketTags(), 'Resource')),
  c.refuse('change-is-null', 'A Change that is null', SHAPE_DOCS, listing(null, bucketTags())),
  c.refuse('change-is-an-array', 'A Change that is an array', SHAPE_DOCS, listing([bucketTags()])),
  c.refuse('resource-change-is-a-string', 'ResourceChange is a JSON string', SHAPE_DOCS, listing({ Type: 'Resource', ResourceChange: JSON.stringify(bucketTags().ResourceChange) })),
  c.refuse('logical-id-is-a-number', 'LogicalResourceId is 42', SHAPE_DOCS, typed('LogicalResourceId', 42)),
  c.refuse('resource-type-is-a-number', 'ResourceType is 7', SHAPE_DOCS, typed('ResourceType', 7)),
  c.refuse('action-is-an-object', 'Action is {"Modify": true}', SHAPE_DOCS, typed('Action', { Modify: true })),
  c.refuse('replacement-is-a-boolean', 'Replacement is false (a boolean)', SHAPE_DOCS, typed('Replacement', false)),
  c.refuse('scope-is-a-string', 'Scope is "Tags"', SHAPE_DOCS, typed('Scope', 'Tags')),
  c.refuse('details-is-an-object', 'Details is an object', SHAPE_DOCS, typed('Details', { 0: {} })),
  c.refuse('details-is-a-string', 'Details is a string', SHAPE_DOCS, typed('Details', 'Tags')),
  c.refuse('detail-is-a-string', 'A detail that is a string', [...SHAPE_DOCS, DOC.detail], typed('Details', ['Tags'])),
  c.refuse('before-context-is-an-object', 'BeforeContext is an object, not an encoded string', SHAPE_DOCS, typed('BeforeContext', { Properties: {} })),
  c.refuse(
    'requires-recreation-is-a-boolean',
    'A detail whose RequiresRecreation is false (a boolean)',
    [...SHAPE_DOCS, DOC.target],
    cs([tweak(bucketTags(), (rc) => ({ ...rc, Details: (rc.Details as Obj[]).map((d) => ({ ...d, Target: { ...(d.Target as Obj), RequiresRecreation: false } })) }))]),
  ),
];

/** A root change set whose one nested stack's change set is `input` (or the change set of `changes`). */
function withBrokenChild(id: string, title: string, build: (root: string) => { changes?: readonly unknown[]; spec?: PageSpec; replace?: (n: CorpusInput) => CorpusInput }): CorpusCase {
  const root = mintId();
  const b = build(root);
  const n = nestedStack('DataStack', b.changes, { parentId: root, ...(b.spec ?? {}) });
  const child = { ...n, input: b.replace ? b.replace(n.input) : n.input };
  return c.high(id, title, 'unreviewed', [DOC.nested, DOC.describe], parentOf(root, [child]));
}

/** `n` with every page rewritten by `f`. */
const everyPage = (f: (p: Obj) => Obj) => (n: CorpusInput): CorpusInput => ({ ...n, pages: n.pages.map((p) => f(p as Obj)) });

const NESTED: CorpusCase[] = [
  withBrokenChild('nested-failed-no-changes-lists-changes', 'A nested change set FAILED "no changes" that lists a table deletion', () => ({
    changes: [tableRemoved()],
    spec: { status: 'FAILED', reason: NO_CHANGES_REASON },
  })),
  withBrokenChild('nested-pages-disagree-on-id', 'A nested change set whose second page is of another change set', () => ({
    changes: [bucketTags()],
    replace: (n) => ({ ...n, pages: [...everyPage((p) => ({ ...p, NextToken: 'token-1' }))(n).pages, page([tableRemoved()], { id: mintId('other') })] }),
  })),
  withBrokenChild('nested-changes-not-an-array', 'A nested change set whose Changes is an object', () => ({
    changes: [bucketTags()],
    replace: everyPage((p) => ({ ...p, Changes: { 0: bucketTags() } })),
  })),
  withBrokenChild('nested-create-pending', 'A nested change set still CREATE_PENDING', () => ({ changes: [bucketTags()], spec: { status: 'CREATE_PENDING', execution: 'UNAVAILABLE' } })),
  withBrokenChild('nested-complete-without-changes', 'A nested change set CREATE_COMPLETE with no Changes field, though the parent says it is modified', () => ({ changes: undefined })),
  withBrokenChild('nested-id-differs-from-key', 'The change set given for the nested stack is of another change set id', () => ({
    changes: [bucketTags()],
    replace: everyPage((p) => ({ ...p, ChangeSetId: mintId('stale-nested') })),
  })),
  withBrokenChild('nested-page-is-null', 'A nested change set whose only page is null', () => ({ changes: [bucketTags()], replace: () => ({ pages: [null] }) })),
];

export const CASES: CorpusCase[] = [...EMPTY, ...STATUS, ...PAGES, ...SHAPES, ...NESTED];
