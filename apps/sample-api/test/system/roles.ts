import { DeployedStack, World } from './world';

/** A role found in the deployed stacks, with everything IAM evaluates for it. */
export interface FoundRole {
  readonly stack: DeployedStack;
  readonly logicalId: string;
  readonly arn: string;
  readonly trustPolicy: any;
  /** Inline policies, attached customer managed policies and AWS::IAM::Policy resources naming it. */
  readonly identityPolicies: any[];
  readonly permissionsBoundary?: string;
}

/** The role with this ARN, looked up in the stacks of the ARN's account; undefined if none defines it. */
export function findRole(world: World, arn: string): FoundRole | undefined {
  const account = arn.split(':')[4];
  for (const stack of world.stacks.filter((s) => s.account === account)) {
    for (const [logicalId] of world.resourcesOf(stack, 'AWS::IAM::Role')) {
      if (world.resourceArn(stack, logicalId) === arn) return describeRole(world, stack, logicalId);
    }
  }
  return undefined;
}

export function describeRole(world: World, stack: DeployedStack, logicalId: string): FoundRole {
  const role = world.resource(stack, logicalId);
  const props = role.Properties ?? {};
  const policies: any[] = (props.Policies ?? []).map((p: any) => world.resolve(stack, p.PolicyDocument));
  for (const managedArn of world.resolve(stack, props.ManagedPolicyArns ?? []) as string[]) {
    const [managed] = world.resourcesOf(stack, 'AWS::IAM::ManagedPolicy').filter(([id]) => world.physicalId(stack, id) === managedArn);
    if (managed) policies.push(world.resolve(stack, managed[1].Properties.PolicyDocument));
    // AWS managed policies (arn:aws:iam::aws:policy/...) are not modelled; no check relies on them.
  }
  const namesRole = (roles: unknown) => (roles as any[] ?? []).some((r) => r?.Ref === logicalId);
  for (const [, policy] of [...world.resourcesOf(stack, 'AWS::IAM::Policy'), ...world.resourcesOf(stack, 'AWS::IAM::ManagedPolicy')]) {
    if (namesRole(policy.Properties.Roles)) policies.push(world.resolve(stack, policy.Properties.PolicyDocument));
  }
  return {
    stack,
    logicalId,
    arn: world.resourceArn(stack, logicalId),
    trustPolicy: world.resolve(stack, props.AssumeRolePolicyDocument),
    identityPolicies: policies,
    permissionsBoundary: props.PermissionsBoundary === undefined ? undefined : world.resolve(stack, props.PermissionsBoundary),
  };
}

/** The resolved policy of the bucket named `bucketName` (AWS::S3::BucketPolicy), or undefined. */
export function bucketPolicy(world: World, bucketName: string): any | undefined {
  for (const stack of world.stacks) {
    for (const [, policy] of world.resourcesOf(stack, 'AWS::S3::BucketPolicy')) {
      if (world.resolve(stack, policy.Properties.Bucket) === bucketName) return world.resolve(stack, policy.Properties.PolicyDocument);
    }
  }
  return undefined;
}

/** The key with this ARN: its key policy and the names of its aliases. */
export function findKey(world: World, keyArn: string): { policy: any; aliases: string[] } | undefined {
  for (const stack of world.stacks) {
    for (const [logicalId, key] of world.resourcesOf(stack, 'AWS::KMS::Key')) {
      if (world.resourceArn(stack, logicalId) !== keyArn) continue;
      const aliases = world.resourcesOf(stack, 'AWS::KMS::Alias')
        .filter(([, a]) => world.resolve(stack, a.Properties.TargetKeyId) === keyArn)
        .map(([, a]) => a.Properties.AliasName as string);
      return { policy: world.resolve(stack, key.Properties.KeyPolicy), aliases };
    }
  }
  return undefined;
}
