import { mkdtempSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { loadConfig } from '@crosswalk/build-account';
import { ChangeReview, RiskTier } from '@crosswalk/change-review/lib/review';
import { App } from 'aws-cdk-lib';
import { SampleApiStack } from '../../src/stacks';

/**
 * The change review of @crosswalk/change-review against this service's own prod template: a
 * release (new code and build info) is reviewed the way the pipeline reviews it, from the change
 * set CloudFormation would describe for the two templates and the new processed template.
 *
 * The change set is derived here from the two templates. What that derivation believes about
 * CloudFormation, with its page:
 * - a resource only in the new template is an Add, only in the old one a Remove, whose
 *   PolicyAction is Retain when its DeletionPolicy is Retain
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceChange.html
 * - a Modify lists one detail per changed property; a value CloudFormation learns only when it
 *   creates another resource of the change set is `{{changeSet:KNOWN_AFTER_APPLY}}`, with
 *   ChangeSource ResourceAttribute naming that resource's attribute
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceChangeDetail.html
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-changesets-view.html
 * - the properties changed here (a function's Code and Environment, an alias's FunctionVersion,
 *   a retained version) update without replacement
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-lambda-function.html
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-lambda-alias.html
 */

type Obj = Record<string, any>;
const KNOWN_AFTER_APPLY = '{{changeSet:KNOWN_AFTER_APPLY}}';

function prodTemplate(version: string, commit: string): { template: Obj; stackName: string; account: string; region: string } {
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'crosswalk-release-')), builtinCloudFormationValidation: false });
  const stack = new SampleApiStack(app, { config: loadConfig(undefined, {}), environmentName: 'prod', buildInfo: { version, commit } });
  app.synth();
  return { template: JSON.parse(readFileSync(join(app.outdir, stack.templateFile), 'utf-8')), stackName: stack.stackName, account: stack.account, region: stack.region };
}

/**
 * The value a context shows for a template value, resolved as CloudFormation would: Ref of a
 * function its name, Ref of a version its ARN and GetAtt Version its number, Fn::Join joined; a
 * value of a resource the change set adds is known only after apply.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-lambda-version.html#aws-resource-lambda-version-return-values
 */
function resolve(value: unknown, world: World, added: ReadonlySet<string>): unknown {
  if (Array.isArray(value)) return value.map((v) => resolve(v, world, added));
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Obj;
  const only = Object.keys(obj).length === 1;
  if (only && typeof obj.Ref === 'string') return added.has(obj.Ref) ? KNOWN_AFTER_APPLY : world.ref(obj.Ref);
  if (only && Array.isArray(obj['Fn::GetAtt'])) {
    const [id, attribute] = obj['Fn::GetAtt'];
    return added.has(id) ? KNOWN_AFTER_APPLY : world.getAtt(id, attribute);
  }
  if (only && Array.isArray(obj['Fn::Join'])) {
    const parts = resolve(obj['Fn::Join'][1], world, added) as unknown[];
    return parts.every((p) => typeof p === 'string') && !parts.includes(KNOWN_AFTER_APPLY) ? parts.join(obj['Fn::Join'][0]) : KNOWN_AFTER_APPLY;
  }
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, resolve(v, world, added)]));
}

/** The deployed stack's resources as their physical ids and attributes. */
class World {
  constructor(private readonly resources: Obj, private readonly stackName: string, private readonly account: string, private readonly region: string) {}
  public ref(id: string): string {
    const r = this.resources[id];
    if (r?.Type === 'AWS::Lambda::Version') return `arn:aws:lambda:${this.region}:${this.account}:function:${this.ref(r.Properties.FunctionName.Ref)}:7`;
    return `${this.stackName}-${id}`;
  }
  public getAtt(id: string, attribute: string): string {
    if (this.resources[id]?.Type === 'AWS::Lambda::Version' && attribute === 'Version') return '7';
    return `arn:aws:${this.resources[id]?.Type.split('::')[1].toLowerCase()}:${this.region}:${this.account}:${this.ref(id)}/${attribute}`;
  }
}

/** The causing entity of a value known only after apply: the added resource's attribute it reads. */
function causingEntity(value: unknown, added: ReadonlySet<string>): string | undefined {
  const text = JSON.stringify(value ?? null);
  for (const m of text.matchAll(/"Fn::GetAtt":\["([^"]+)","([^"]+)"\]/g)) if (added.has(m[1])) return `${m[1]}.${m[2]}`;
  for (const m of text.matchAll(/"Ref":"([^"]+)"/g)) if (added.has(m[1])) return m[1];
  return undefined;
}

/** The DescribeChangeSet page (IncludePropertyValues: true) of updating `before` to `after`. */
function changeSetPage(before: Obj, after: Obj, stackName: string, account: string, region: string, changeSetId: string): Obj {
  const old: Obj = before.Resources;
  const next: Obj = after.Resources;
  const physical = (logical: string) => `${stackName}-${logical}`;
  const was = new World(old, stackName, account, region);
  const will = new World(next, stackName, account, region);
  const added = new Set(Object.keys(next).filter((id) => !(id in old)));
  const none = new Set<string>();
  const context = (props: unknown, isAfter: boolean) => JSON.stringify({ Properties: resolve(props ?? {}, isAfter ? will : was, isAfter ? added : none) });
  const changes: Obj[] = [];
  for (const id of added) {
    changes.push({ Action: 'Add', LogicalResourceId: id, ResourceType: next[id].Type, Scope: [], Details: [], AfterContext: context(next[id].Properties, true) });
  }
  for (const id of Object.keys(old).filter((k) => !(k in next))) {
    changes.push({
      Action: 'Remove', LogicalResourceId: id, PhysicalResourceId: physical(id), ResourceType: old[id].Type, Scope: [], Details: [],
      PolicyAction: old[id].DeletionPolicy === 'Retain' ? 'Retain' : 'Delete', BeforeContext: context(old[id].Properties, false),
    });
  }
  for (const id of Object.keys(next).filter((k) => k in old)) {
    const b: Obj = old[id].Properties ?? {};
    const a: Obj = next[id].Properties ?? {};
    const names = [...new Set([...Object.keys(b), ...Object.keys(a)])].filter((n) => JSON.stringify(b[n]) !== JSON.stringify(a[n]));
    if (names.length === 0) continue;
    changes.push({
      Action: 'Modify', LogicalResourceId: id, PhysicalResourceId: physical(id), ResourceType: next[id].Type, Replacement: 'False', Scope: ['Properties'],
      BeforeContext: context(b, false), AfterContext: context(a, true),
      Details: names.map((name) => {
        const cause = causingEntity(a[name], added);
        return {
          Target: {
            Attribute: 'Properties', Name: name, Path: `/Properties/${name}`, RequiresRecreation: 'Never', AttributeChangeType: 'Modify',
            BeforeValue: JSON.stringify(resolve(b[name], was, none)), AfterValue: cause === undefined ? JSON.stringify(resolve(a[name], will, added)) : KNOWN_AFTER_APPLY,
          },
          ...(cause === undefined ? { Evaluation: 'Static', ChangeSource: 'DirectModification' } : { Evaluation: 'Dynamic', ChangeSource: 'ResourceAttribute', CausingEntity: cause }),
        };
      }),
    });
  }
  return {
    ChangeSetName: 'crosswalk-release', ChangeSetId: changeSetId, StackName: stackName, Status: 'CREATE_COMPLETE', ExecutionStatus: 'AVAILABLE',
    Changes: changes.map((rc) => ({ Type: 'Resource', ResourceChange: rc })),
  };
}

interface ReportedChange { resource: string; type: string; action: string; lowShape?: string; findings: Array<{ category: string; rule: string; text: string }> }

describe('the prod release of this service, reviewed as the pipeline reviews it', () => {
  const v1 = prodTemplate('1.0.0', 'aaaaaaa');
  const v2 = prodTemplate('1.0.1', 'bbbbbbb');
  const changeSetId = `arn:aws:cloudformation:${v2.region}:${v2.account}:changeSet/crosswalk-release/00000000-0000-4000-a000-000000000001`;
  const page = changeSetPage(v1.template, v2.template, v2.stackName, v2.account, v2.region, changeSetId);
  const review = ChangeReview.review({ pages: [page], template: v2.template });
  const changes: ReportedChange[] = JSON.parse(review.json({ reviewedAt: '2026-12-07T00:00:00.000Z' })).changes;
  const of = (type: string, action: string) => changes.filter((c) => c.type === type && c.action === action);

  test('a release adds a version of each of the three handlers, keeps the one it replaces and moves their aliases', () => {
    expect(of('AWS::Lambda::Version', 'Add')).toHaveLength(3);
    expect(of('AWS::Lambda::Version', 'Remove').map((c) => c.lowShape)).toEqual(['lambda-version-retained', 'lambda-version-retained', 'lambda-version-retained']);
    expect(of('AWS::Lambda::Alias', 'Modify')).toHaveLength(3);
    expect(of('AWS::Lambda::Function', 'Modify').length).toBeGreaterThanOrEqual(3);
  });

  // The deployment groups stop and roll back on their alarms, and nothing in the template invokes
  // a handler unqualified, so each part of a handler's release is a shape of the low table.
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-updatepolicy.html#cfn-attributes-updatepolicy-codedeploylambdaaliasupdate
  test('each handler\'s release (new code and build info, a new version, the old one kept, the alias moved by CodeDeploy) is low', () => {
    const aliases = of('AWS::Lambda::Alias', 'Modify');
    const handlers = new Set(aliases.map((a) => v2.template.Resources[a.resource].Properties.FunctionName.Ref));
    const release = changes.filter((c) => (c.type === 'AWS::Lambda::Function' && handlers.has(c.resource)) || c.type === 'AWS::Lambda::Version' || c.type === 'AWS::Lambda::Alias');
    expect(release).toHaveLength(12);
    expect(release.map((c) => [c.resource, c.lowShape, c.findings])).toEqual(release.map((c) => [c.resource, expect.any(String), []]));
  });

  // What safe-lambda-deploy re-targets at every release (each hook's target version, each errors
  // alarm's ExecutedVersion) follows the release and is low. The version check's pre-traffic hook
  // also expects the new commit: a change of what a hook checks is not provably harmless, so it
  // is named and the tier is high: a person approves every prod release of this service.
  test('what is not a release shape is named as needing a person, never waved through', () => {
    const attention = changes.filter((c) => c.findings.length > 0 || c.lowShape === undefined);
    expect(review.tier).toBe(attention.length === 0 ? RiskTier.LOW : RiskTier.HIGH);
    expect(attention.map((c) => ({ resource: c.resource, type: c.type, rules: [...new Set(c.findings.map((f) => f.rule))] }))).toMatchSnapshot();
  });
});
