/**
 * A read-only view of the synthesized templates of one cloud assembly: each stack with its
 * account and region, its resources, and the policy statements they carry. Values are
 * resolved to literals where the template alone tells them (`Ref` of pseudo parameters,
 * `Fn::Join` of literals); anything else stays unknown, and rules skip what they cannot know.
 */

/** One synthesized stack. */
export interface StackTemplate {
  readonly stackName: string;
  readonly templatePath: string;
  readonly account?: string;
  readonly region?: string;
  readonly template: any;
}

/** One resource of one stack. */
export interface ResourceRef {
  readonly stack: StackTemplate;
  readonly logicalId: string;
  readonly type: string;
  readonly properties: any;
}

/** A policy statement and where it sits. */
export interface PlacedStatement {
  readonly resource: ResourceRef;
  /** Where in the resource's properties, e.g. `Properties/PolicyDocument/Statement/2`. */
  readonly location: string;
  readonly statement: any;
}

export const list = <T = any>(value: T | T[] | undefined): T[] => (value === undefined || value === null ? [] : Array.isArray(value) ? value : [value]);

export class Assembly {
  constructor(public readonly stacks: readonly StackTemplate[]) {}

  /** Every resource of the assembly, optionally of one type. */
  public resources(type?: string): ResourceRef[] {
    return this.stacks.flatMap((stack) => Object.entries<any>(stack.template?.Resources ?? {})
      .filter(([, r]) => type === undefined || r?.Type === type)
      .map(([logicalId, r]) => ({ stack, logicalId, type: r.Type, properties: r.Properties ?? {} })));
  }

  /**
   * A literal string for a template value, or undefined. Resolves pseudo parameters of the
   * value's stack and `Fn::Join` of resolvable parts.
   */
  public literal(stack: StackTemplate, value: any): string | undefined {
    if (typeof value === 'string') return value;
    if (typeof value === 'number') return String(value);
    if (value === null || typeof value !== 'object') return undefined;
    if (typeof value.Ref === 'string') {
      switch (value.Ref) {
        case 'AWS::Region': return stack.region;
        case 'AWS::AccountId': return stack.account;
        case 'AWS::Partition': return partitionOf(stack.region);
        case 'AWS::URLSuffix': return 'amazonaws.com';
        default: return undefined;
      }
    }
    const join = value['Fn::Join'];
    if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
      const parts = join[1].map((p: any) => this.literal(stack, p));
      return parts.every((p: string | undefined) => p !== undefined) ? parts.join(join[0]) : undefined;
    }
    return undefined;
  }

  /** The logical id a `Ref` or `Fn::GetAtt` points at, if the value is one. */
  public static referencedId(value: any): string | undefined {
    if (value && typeof value === 'object') {
      if (typeof value.Ref === 'string' && !value.Ref.startsWith('AWS::')) return value.Ref;
      const getAtt = value['Fn::GetAtt'];
      if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
      if (typeof getAtt === 'string') return getAtt.split('.')[0];
    }
    return undefined;
  }

  /** The resource of `stack` a `Ref`/`Fn::GetAtt` value points at. */
  public target(stack: StackTemplate, value: any): ResourceRef | undefined {
    const id = Assembly.referencedId(value);
    const resource = id === undefined ? undefined : stack.template?.Resources?.[id];
    return resource ? { stack, logicalId: id!, type: resource.Type, properties: resource.Properties ?? {} } : undefined;
  }

  /** Identity policy statements: inline role policies, AWS::IAM::Policy and AWS::IAM::ManagedPolicy. */
  public identityStatements(): PlacedStatement[] {
    const placed: PlacedStatement[] = [];
    for (const resource of this.resources()) {
      if (resource.type === 'AWS::IAM::Policy' || resource.type === 'AWS::IAM::ManagedPolicy') {
        placed.push(...statementsOf(resource, resource.properties.PolicyDocument, 'Properties/PolicyDocument'));
      } else if (resource.type === 'AWS::IAM::Role') {
        list(resource.properties.Policies).forEach((p: any, i: number) =>
          placed.push(...statementsOf(resource, p?.PolicyDocument, `Properties/Policies/${i}/PolicyDocument`)));
      }
    }
    return placed;
  }

  /**
   * Every policy statement of the assembly: identity policies (`AWS::IAM::Policy`,
   * `ManagedPolicy`, `RolePolicy`, `UserPolicy`, `GroupPolicy`, and the `Policies` of roles,
   * users and groups), resource policies (bucket, topic and queue policies, key policies) and
   * role trust policies.
   */
  public policyStatements(): KindedStatement[] {
    const placed: KindedStatement[] = [];
    const add = (kind: PolicyKind, resource: ResourceRef, document: any, location: string) =>
      placed.push(...statementsOf(resource, parseDocument(document), location).map((p) => ({ ...p, kind })));
    for (const resource of this.resources()) {
      const props = resource.properties;
      if (IDENTITY_POLICY_TYPES.includes(resource.type)) add('identity', resource, props.PolicyDocument, 'Properties/PolicyDocument');
      if (RESOURCE_POLICY_TYPES.includes(resource.type)) add('resource', resource, props.PolicyDocument, 'Properties/PolicyDocument');
      if (resource.type === 'AWS::KMS::Key') add('resource', resource, props.KeyPolicy, 'Properties/KeyPolicy');
      if (resource.type === 'AWS::IAM::Role' || resource.type === 'AWS::IAM::User' || resource.type === 'AWS::IAM::Group') {
        list(props.Policies).forEach((p: any, i: number) => add('identity', resource, p?.PolicyDocument, `Properties/Policies/${i}/PolicyDocument`));
      }
      if (resource.type === 'AWS::IAM::Role') add('trust', resource, props.AssumeRolePolicyDocument, 'Properties/AssumeRolePolicyDocument');
    }
    return placed;
  }

  /** The identity policy statements that apply to a role: its inline policies and the policies attached to it in its stack. */
  public statementsOfRole(role: ResourceRef): PlacedStatement[] {
    return this.identityStatements().filter((placed) => {
      if (placed.resource === role || (placed.resource.stack === role.stack && placed.resource.logicalId === role.logicalId)) return true;
      if (placed.resource.stack !== role.stack) return false;
      const attachedTo = list(placed.resource.properties.Roles);
      return attachedTo.some((r: any) => Assembly.referencedId(r) === role.logicalId
        || (role.properties.RoleName !== undefined && r === role.properties.RoleName));
    });
  }

  /** The account of a principal value (`111122223333`, `arn:aws:iam::111122223333:root`, a role ARN), `*`, or undefined. */
  public principalAccount(stack: StackTemplate, value: any): string | undefined {
    const literal = this.literal(stack, value);
    if (literal === undefined) return undefined;
    if (literal === '*') return '*';
    if (/^\d{12}$/.test(literal)) return literal;
    return /^arn:[^:]+:(iam|sts)::(\d{12}):/.exec(literal)?.[2];
  }
}

/** Where a policy applies: to the principals it is attached to, to a resource, or to who may assume a role. */
export type PolicyKind = 'identity' | 'resource' | 'trust';

/** A policy statement, where it sits, and the kind of its policy. */
export interface KindedStatement extends PlacedStatement {
  readonly kind: PolicyKind;
}

const IDENTITY_POLICY_TYPES = ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy', 'AWS::IAM::RolePolicy', 'AWS::IAM::UserPolicy', 'AWS::IAM::GroupPolicy'];
const RESOURCE_POLICY_TYPES = ['AWS::S3::BucketPolicy', 'AWS::SNS::TopicPolicy', 'AWS::SQS::QueuePolicy'];

/** A policy document, also when the template gives it as a JSON string. */
function parseDocument(document: any): any {
  if (typeof document !== 'string') return document;
  try {
    return JSON.parse(document);
  } catch {
    return undefined;
  }
}

function statementsOf(resource: ResourceRef, document: any, location: string): PlacedStatement[] {
  return list(document?.Statement).map((statement: any, i: number) => ({ resource, location: `${location}/Statement/${i}`, statement }));
}

function partitionOf(region: string | undefined): string | undefined {
  if (region === undefined) return undefined;
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** `*` and `?` wildcards over the whole string, as IAM matches actions (no case) and resources (case). */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const source = pattern.split('').map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/-]/g, '\\$&'))).join('');
  return new RegExp(`^${source}$`, ignoreCase ? 'is' : 's').test(value);
}

/** Whether any of a statement's actions (with wildcards) matches the action. */
export function allowsAction(statement: any, action: string): boolean {
  if (statement?.NotAction !== undefined) return !list<string>(statement.NotAction).some((a) => wildcardMatch(a, action, true));
  return list<string>(statement?.Action).some((a) => typeof a === 'string' && wildcardMatch(a, action, true));
}

/** The condition keys a statement tests, lower case. */
export function conditionKeys(statement: any): string[] {
  return Object.values<any>(statement?.Condition ?? {}).flatMap((entries) => Object.keys(entries ?? {})).map((k) => k.toLowerCase());
}

/** The service principals of a statement. */
export function servicePrincipals(statement: any): string[] {
  const principal = statement?.Principal;
  if (!principal || typeof principal !== 'object') return [];
  return list<any>(principal.Service).filter((s) => typeof s === 'string');
}
