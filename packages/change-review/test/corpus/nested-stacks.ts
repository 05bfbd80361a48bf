/**
 * Nested stacks: the parent shows an AWS::CloudFormation::Stack change and the ChangeSetId of the
 * nested change set; what happens inside is only in that change set. Not provided: high,
 * unreviewed. Provided: judged like any change set, against its own template.
 */
import {
  DOC,
  ORDERS_POLICY,
  allow,
  cs,
  holderDoc,
  maker,
  mintId,
  mintNestedId,
  nestedStackName,
  nestedStack,
  ordersPolicyWith,
  parentOf,
  policyChange,
  release,
  RELEASE_DOCS,
  remove,
  res,
  stackArn,
  tableRemoved,
  template,
  TABLE_BASE,
  add,
  lid,
  LAMBDA_TRUST,
  ACCOUNT,
  type Obj,
} from './build';
import type { CorpusCase } from './types';

const c = maker('nested-stack');

const NESTED_DOCS = [DOC.nested, res('AWS::CloudFormation::Stack'), DOC.rc];
const orders = release('Orders');
const payments = release('Payments');

/** A root change set with the one nested stack `logical` whose change set lists `changes`. */
function rootWith(logical: string, changes: readonly unknown[] | undefined, opts: { template?: Obj; status?: string; reason?: string; provide?: boolean; extra?: readonly Obj[] } = {}) {
  const root = mintId();
  const n = nestedStack(logical, changes, { parentId: root, template: opts.template, status: opts.status, reason: opts.reason });
  if (opts.provide === false) return cs([n.change, ...(opts.extra ?? [])], { id: root, nested: true });
  return parentOf(root, [n], opts.extra);
}

const nestedRemoved = remove('AWS::CloudFormation::Stack', lid('DataStack'), stackArn(nestedStackName(lid('DataStack'))), {
  TemplateURL: 'https://s3.eu-west-1.amazonaws.com/cdk-hnb659fds-assets-222222222222-eu-west-1/0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0.json',
});

/** Root → AppStack → FunctionsStack, the innermost holding `changes` with `tpl`; `provideInner` false leaves it out. */
function twoLevels(changes: readonly unknown[], tpl: Obj, provideInner: boolean) {
  const root = mintId();
  const appId = mintNestedId(lid('AppStack'));
  const inner = nestedStack(lid('FunctionsStack'), changes, { parentId: appId, rootId: root, template: tpl });
  const app = nestedStack(lid('AppStack'), [inner.change], {
    parentId: root,
    id: appId,
    children: provideInner ? { [inner.id]: inner.input } : undefined,
    nested: true,
  });
  return parentOf(root, [app]);
}

/** Two nested stacks, both releases; the second's change set is left out when `provideSecond` is false. */
function twoChildren(provideSecond: boolean) {
  const root = mintId();
  const a = nestedStack(lid('OrdersStack'), orders.changes, { parentId: root, template: template(orders) });
  const b = nestedStack(lid('PaymentsStack'), payments.changes, { parentId: root, template: template(payments) });
  return provideSecond ? parentOf(root, [a, b]) : cs([a.change, b.change], { id: root, children: { [a.id]: a.input } });
}

export const CASES: CorpusCase[] = [
  c.high('nested-modified-not-provided', 'A nested stack is modified and its change set is not provided', 'unreviewed', NESTED_DOCS, rootWith(lid('DataStack'), [tableRemoved()], { provide: false })),
  c.high('nested-provided-table-deletion', 'The nested change set deletes the orders table', 'data-loss', NESTED_DOCS, rootWith(lid('DataStack'), [tableRemoved()])),
  c.low(
    'nested-provided-low-release',
    'The nested change set is a code release behind a CodeDeploy alias, with its own template',
    [...NESTED_DOCS, ...RELEASE_DOCS],
    rootWith(lid('ApiStack'), orders.changes, { template: template(orders) }),
  ),
  c.high(
    'nested-release-without-its-template',
    'The nested change set is a code release, but only the parent template was provided',
    undefined,
    [...NESTED_DOCS, ...RELEASE_DOCS, DOC.getTemplate],
    (() => {
      const i = rootWith(lid('ApiStack'), orders.changes);
      return { ...i, template: template(orders) };
    })(),
  ),
  c.high('nested-stack-removed', 'A nested stack is removed: every resource in it is deleted', 'data-loss', NESTED_DOCS, cs([nestedRemoved])),
  c.high(
    'nested-failed-other-reason',
    'The nested change set FAILED for a reason other than "no changes"',
    'unreviewed',
    NESTED_DOCS,
    rootWith(lid('DataStack'), undefined, { status: 'FAILED', reason: 'Resource handler returned message: "Invalid request provided: AWS::DynamoDB::Table"' }),
  ),
  c.high(
    'nested-provided-privilege-escalation',
    'The nested change set grants iam:PassRole on every role',
    'iam',
    [...NESTED_DOCS, holderDoc('iam-policy')],
    rootWith(lid('ApiStack'), [policyChange('iam-policy', ORDERS_POLICY, ordersPolicyWith(allow('iam:PassRole', `arn:aws:iam::${ACCOUNT}:role/*`)))]),
  ),
  c.high(
    'nested-stack-added',
    'A new nested stack whose change set adds a table and a role',
    undefined,
    NESTED_DOCS,
    (() => {
      const root = mintId();
      const n = nestedStack(lid('ReportsStack'), [add('AWS::DynamoDB::Table', lid('ReportsTable'), TABLE_BASE), add('AWS::IAM::Role', lid('ReportsRole'), { AssumeRolePolicyDocument: LAMBDA_TRUST })], {
        parentId: root,
        action: 'Add',
      });
      return parentOf(root, [n]);
    })(),
  ),
  c.high('nested-two-levels-inner-not-provided', 'Root, app stack, functions stack: the innermost change set is missing', 'unreviewed', NESTED_DOCS, twoLevels(orders.changes, template(orders), false)),
  c.low('nested-two-levels-all-low', 'Root, app stack, functions stack: the innermost is a code release with its template', [...NESTED_DOCS, ...RELEASE_DOCS], twoLevels(orders.changes, template(orders), true)),
  c.low('nested-two-children-both-low', 'Two nested stacks, each a code release with its template', [...NESTED_DOCS, ...RELEASE_DOCS], twoChildren(true)),
  c.high('nested-two-children-one-missing', 'Two nested stacks; the change set of the second is missing', 'unreviewed', NESTED_DOCS, twoChildren(false)),
  c.high(
    'nested-low-but-parent-deletes-table',
    'The nested change set is a low release; the parent deletes the orders table',
    'data-loss',
    [...NESTED_DOCS, res('AWS::DynamoDB::Table')],
    rootWith(lid('ApiStack'), orders.changes, { template: template(orders), extra: [tableRemoved()] }),
  ),
  c.high(
    'nested-stack-replaced',
    'The nested stack resource itself reports Replacement True',
    undefined,
    NESTED_DOCS,
    (() => {
      const root = mintId();
      const n = nestedStack(lid('ApiStack'), orders.changes, { parentId: root, template: template(orders), stackRc: { Replacement: 'True', PolicyAction: 'ReplaceAndDelete' } });
      return parentOf(root, [n]);
    })(),
  ),
  c.high(
    'nested-modified-without-change-set-id',
    'A nested stack is modified and the parent names no nested change set',
    'unreviewed',
    NESTED_DOCS,
    (() => {
      const root = mintId();
      const n = nestedStack(lid('ApiStack'), orders.changes, { parentId: root, stackRc: { ChangeSetId: undefined } });
      return cs([n.change], { id: root, nested: true });
    })(),
  ),
];

