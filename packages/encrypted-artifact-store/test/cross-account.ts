/**
 * Reads both halves of every cross-account permission out of a synthesized app.
 *
 * - The resource side: bucket policies, key policies and role trust policies that admit a
 *   principal of another account (an account principal narrowed by `aws:PrincipalArn`).
 * - The identity side: the policies of named roles that reach a resource of another account.
 *
 * A permission works only if both halves allow it, so `mismatches()` lists every half
 * without its counterpart.
 */
import { App, Stack } from 'aws-cdk-lib';

export interface ResourceGrant {
  /** The stack holding the resource policy. */
  readonly stack: string;
  readonly principalAccount: string;
  readonly principalArn: string;
  readonly action: string;
  /** The resource (or pattern) the policy is about, resolved to a literal ARN. */
  readonly resource: string;
}

export interface IdentityGrant {
  readonly stack: string;
  readonly roleArn: string;
  readonly action: string;
  /** The other account's resource (or pattern) the role's policy names. */
  readonly resource: string;
  /** The KMS aliases the statement is narrowed to, if any. */
  readonly aliases?: string[];
}

export interface RoleDefinition {
  readonly stack: string;
  readonly account: string;
  readonly arn: string;
}

interface StackModel {
  readonly name: string;
  readonly account: string;
  readonly region: string;
  readonly resources: Record<string, any>;
}

const list = (value: any): any[] => (value === undefined ? [] : [].concat(value));

/** Whether the IAM pattern `pattern` covers `value` (`*` and `?` wildcards; `value` may itself be a pattern). */
export function covers(pattern: string, value: string): boolean {
  const regex = pattern.split('').map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/]/g, '\\$&'))).join('');
  return new RegExp(`^${regex}$`).test(value);
}

export class CrossAccountModel {
  public readonly roles: RoleDefinition[] = [];
  public readonly resourceGrants: ResourceGrant[] = [];
  public readonly identityGrants: IdentityGrant[] = [];
  private readonly stacks: StackModel[];
  /** KMS key pseudo-ARN by alias name, per account. */
  private readonly keysByAlias = new Map<string, string>();
  private readonly bucketOwners = new Map<string, string>();

  constructor(app: App) {
    const assembly = app.synth();
    this.stacks = app.node.findAll().filter(Stack.isStack).map((stack) => ({
      name: stack.stackName,
      account: stack.account,
      region: stack.region,
      resources: assembly.getStackByName(stack.stackName).template.Resources ?? {},
    }));
    for (const stack of this.stacks) this.indexDefinitions(stack);
    for (const stack of this.stacks) {
      this.readResourceSide(stack);
      this.readIdentitySide(stack);
    }
  }

  /** Every half without its counterpart, as readable lines (empty when both sides line up). */
  public mismatches(): string[] {
    const problems: string[] = [];
    for (const grant of this.resourceGrants) {
      const role = this.roles.find((r) => r.arn === grant.principalArn && r.account === grant.principalAccount);
      if (!role) {
        problems.push(`${grant.stack} admits ${grant.principalArn}, which no stack of account ${grant.principalAccount} defines`);
        continue;
      }
      const allowed = this.identityGrants.some((i) => i.roleArn === grant.principalArn && i.action === grant.action
        && covers(i.resource, grant.resource) && this.aliasesAllow(i, grant.resource));
      if (!allowed) problems.push(`${grant.stack} lets ${grant.principalArn} ${grant.action} on ${grant.resource}, but the role's own policy does not`);
    }
    for (const identity of this.identityGrants) {
      const [account] = identity.roleArn.split(':').slice(4, 5);
      const targets = this.resolveIdentityTarget(identity);
      const allowed = targets.length > 0 && targets.every((target) => this.resourceGrants.some((g) =>
        g.principalArn === identity.roleArn && g.principalAccount === account && g.action === identity.action && covers(g.resource, target)));
      if (!allowed) problems.push(`${identity.roleArn} may ${identity.action} on ${identity.resource} by its own policy, but the resource's policy does not admit it`);
    }
    return problems;
  }

  private aliasesAllow(identity: IdentityGrant, resource: string): boolean {
    if (!identity.aliases) return true;
    return identity.aliases.some((alias) => this.keysByAlias.get(alias) === resource);
  }

  /** The resources of another account an identity grant reaches (a KMS pattern with an alias condition reaches that alias' key). */
  private resolveIdentityTarget(identity: IdentityGrant): string[] {
    if (identity.aliases) {
      return identity.aliases.map((alias) => this.keysByAlias.get(alias)).filter((k): k is string => !!k && covers(identity.resource, k));
    }
    return [identity.resource];
  }

  private indexDefinitions(stack: StackModel): void {
    for (const [id, resource] of Object.entries<any>(stack.resources)) {
      if (resource.Type === 'AWS::IAM::Role' && resource.Properties.RoleName) {
        this.roles.push({ stack: stack.name, account: stack.account, arn: `arn:aws:iam::${stack.account}:role/${resource.Properties.RoleName}` });
      }
      if (resource.Type === 'AWS::KMS::Alias') {
        const keyId = resource.Properties.TargetKeyId['Fn::GetAtt'][0];
        this.keysByAlias.set(resource.Properties.AliasName, this.arnOf(stack, keyId));
      }
      if (resource.Type === 'AWS::S3::Bucket' && resource.Properties.BucketName) {
        this.bucketOwners.set(`arn:aws:s3:::${resource.Properties.BucketName}`, stack.account);
      }
      void id;
    }
  }

  private readResourceSide(stack: StackModel): void {
    for (const [id, resource] of Object.entries<any>(stack.resources)) {
      let document: any;
      let target: (statementResource: any) => string[];
      if (resource.Type === 'AWS::S3::BucketPolicy') {
        document = resource.Properties.PolicyDocument;
        target = (r) => list(r).map((x) => this.resolve(stack, x));
      } else if (resource.Type === 'AWS::KMS::Key') {
        document = resource.Properties.KeyPolicy;
        target = () => [this.arnOf(stack, id)];
      } else if (resource.Type === 'AWS::IAM::Role') {
        document = resource.Properties.AssumeRolePolicyDocument;
        target = () => [this.arnOf(stack, id)];
      } else {
        continue;
      }
      for (const statement of list(document?.Statement)) {
        if (statement.Effect !== 'Allow' || !statement.Principal?.AWS) continue;
        for (const principal of list(statement.Principal.AWS).map((p) => this.resolve(stack, p))) {
          const account = /^arn:aws:iam::(\d{12}):root$/.exec(principal)?.[1];
          if (!account) throw new Error(`${stack.name}/${id} names ${principal} as a principal; expected an account principal`);
          if (account === stack.account) continue;
          const principalArns = list(statement.Condition?.ArnEquals?.['aws:PrincipalArn']);
          if (principalArns.length === 0) throw new Error(`${stack.name}/${id} admits all of account ${account}, not narrowed by aws:PrincipalArn`);
          for (const principalArn of principalArns) {
            for (const action of list(statement.Action)) {
              for (const res of target(statement.Resource)) {
                this.resourceGrants.push({ stack: stack.name, principalAccount: account, principalArn, action, resource: res });
              }
            }
          }
        }
      }
    }
  }

  private readIdentitySide(stack: StackModel): void {
    const roleArnById = new Map<string, string>();
    for (const [id, resource] of Object.entries<any>(stack.resources)) {
      if (resource.Type === 'AWS::IAM::Role' && resource.Properties.RoleName) roleArnById.set(id, this.arnOf(stack, id));
    }
    const documents: Array<[string, any]> = [];
    for (const [id, resource] of Object.entries<any>(stack.resources)) {
      if (resource.Type === 'AWS::IAM::Role' && roleArnById.has(id)) {
        for (const policy of list(resource.Properties.Policies)) documents.push([roleArnById.get(id)!, policy.PolicyDocument]);
      }
      if (resource.Type === 'AWS::IAM::Policy') {
        for (const role of list(resource.Properties.Roles)) {
          const arn = roleArnById.get(role.Ref);
          if (arn) documents.push([arn, resource.Properties.PolicyDocument]);
        }
      }
    }
    for (const [roleArn, document] of documents) {
      for (const statement of list(document.Statement)) {
        if (statement.Effect !== 'Allow') continue;
        const aliases = statement.Condition?.['ForAnyValue:StringEquals']?.['kms:ResourceAliases'];
        for (const res of list(statement.Resource).map((r) => this.resolve(stack, r))) {
          if (!this.isOtherAccount(stack, res)) continue;
          for (const action of list(statement.Action)) {
            this.identityGrants.push({ stack: stack.name, roleArn, action, resource: res, aliases: aliases ? list(aliases) : undefined });
          }
        }
      }
    }
  }

  private isOtherAccount(stack: StackModel, arn: string): boolean {
    if (arn.startsWith('arn:aws:s3:::')) {
      const bucket = [...this.bucketOwners.keys()].find((b) => arn === b || arn.startsWith(`${b}/`));
      return bucket !== undefined && this.bucketOwners.get(bucket) !== stack.account;
    }
    const account = arn.split(':')[4];
    return /^\d{12}$/.test(account ?? '') && account !== stack.account;
  }

  /** A literal ARN for a resource of the template (KMS keys get their logical id as key id). */
  private arnOf(stack: StackModel, logicalId: string): string {
    const resource = stack.resources[logicalId];
    switch (resource?.Type) {
      case 'AWS::S3::Bucket': return `arn:aws:s3:::${resource.Properties.BucketName ?? logicalId}`;
      case 'AWS::KMS::Key': return `arn:aws:kms:${stack.region}:${stack.account}:key/${logicalId}`;
      case 'AWS::IAM::Role': return `arn:aws:iam::${stack.account}:role/${resource.Properties.RoleName ?? logicalId}`;
      default: throw new Error(`cannot name ${stack.name}/${logicalId} (${resource?.Type})`);
    }
  }

  private resolve(stack: StackModel, value: any): string {
    if (typeof value === 'string') return value;
    if (value.Ref === 'AWS::Partition') return 'aws';
    if (value.Ref === 'AWS::AccountId') return stack.account;
    if (value.Ref === 'AWS::Region') return stack.region;
    if (value.Ref) return stack.resources[value.Ref]?.Properties?.BucketName ?? value.Ref;
    if (value['Fn::GetAtt']?.[1] === 'Arn') return this.arnOf(stack, value['Fn::GetAtt'][0]);
    if (value['Fn::Join']) {
      const [separator, parts] = value['Fn::Join'];
      return parts.map((p: any) => this.resolve(stack, p)).join(separator);
    }
    throw new Error(`cannot resolve ${JSON.stringify(value)} in ${stack.name}`);
  }
}
