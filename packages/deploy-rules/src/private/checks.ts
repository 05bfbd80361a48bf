/**
 * The checks behind DEPLOY_RULES, over a whole assembly. Each returns findings: which
 * resource breaks which rule, where, and a message naming the value and the fix.
 */
import { CrosswalkNaming } from '@crosswalk/cross-account-role';
import { Assembly, PlacedStatement, StackTemplate, ResourceRef, allowsAction, conditionKeys, list, servicePrincipals, wildcardMatch } from './assembly';
import { policyActionFindings } from './policy-actions';

export interface Finding {
  readonly ruleId: string;
  readonly resource: ResourceRef;
  readonly location: string;
  readonly message: string;
}

/** What the convention tells the checks, when the caller gives it. */
export interface ConventionFacts {
  /** The prefix of the code assets in the artifact bucket (`assets/`). */
  readonly assetsPrefix?: string;
  /**
   * Matches the names of the convention's artifact buckets, of every region: one per region
   * of the build account (`<project>-artifacts-<account>-<region>`); the first group is the region.
   */
  readonly artifactBucketName?: RegExp;
}

const SOURCE_KEYS = ['aws:sourceaccount', 'aws:sourcearn', 'aws:sourceorgid'];
const SHORT = 80;
const shorten = (value: string) => (value.length > SHORT ? `${value.slice(0, SHORT)}…` : value);

/** CW1: the key of an encrypted topic lets EventBridge use it without aws:Source* conditions. */
function eventBridgeTopicKeys(assembly: Assembly): Finding[] {
  const findings: Finding[] = [];
  for (const topic of assembly.resources('AWS::SNS::Topic')) {
    const key = assembly.target(topic.stack, topic.properties.KmsMasterKeyId);
    if (!key || key.type !== 'AWS::KMS::Key') continue;
    list(key.properties.KeyPolicy?.Statement).forEach((statement: any, i: number) => {
      if (statement.Effect !== 'Allow' || !servicePrincipals(statement).includes('events.amazonaws.com')) return;
      const keys = conditionKeys(statement).filter((k) => SOURCE_KEYS.includes(k));
      if (keys.length === 0) return;
      findings.push({
        ruleId: 'CW1',
        resource: key,
        location: `Properties/KeyPolicy/Statement/${i}/Condition`,
        message: `key ${key.logicalId} encrypts topic ${topic.logicalId}, and its statement for events.amazonaws.com requires ${keys.join(', ')}, which EventBridge does not send for an encrypted topic: remove the condition and narrow the topic policy by aws:SourceArn instead`,
      });
    });
  }
  return findings;
}

const CONNECTION_PREFIXES = ['codestar-connections', 'codeconnections'];

/** CW2: every connection action is granted under both service prefixes. */
function connectionPrefixes(assembly: Assembly): Finding[] {
  const byDocument = new Map<string, PlacedStatement[]>();
  for (const placed of assembly.identityStatements()) {
    const documentKey = `${placed.resource.stack.stackName}/${placed.resource.logicalId}/${placed.location.replace(/\/Statement\/\d+$/, '')}`;
    byDocument.set(documentKey, [...(byDocument.get(documentKey) ?? []), placed]);
  }
  const findings: Finding[] = [];
  for (const statements of byDocument.values()) {
    const allows = statements.filter((p) => p.statement.Effect === 'Allow');
    const granted = allows.flatMap((p) => list<string>(p.statement.Action).map((action) => ({ placed: p, action })))
      .filter(({ action }) => typeof action === 'string' && !action.includes('*')
        && CONNECTION_PREFIXES.some((prefix) => action.toLowerCase().startsWith(`${prefix}:`)));
    for (const { placed, action } of granted) {
      const [prefix, name] = action.split(':');
      const other = CONNECTION_PREFIXES.find((p) => p !== prefix.toLowerCase())!;
      if (allows.some((p) => allowsAction(p.statement, `${other}:${name}`))) continue;
      findings.push({
        ruleId: 'CW2',
        resource: placed.resource,
        location: placed.location,
        message: `${placed.resource.logicalId} allows ${action} but not ${other}:${name}: a connection whose ARN has the ${other} prefix is refused; grant both`,
      });
    }
  }
  return findings;
}

/** Actions that create, replace or delete an object, or make ciphertext under a key. */
const WRITE_ACTIONS = [
  's3:PutObject', 's3:PutObjectAcl', 's3:DeleteObject', 's3:DeleteObjectVersion', 's3:RestoreObject', 's3:ReplicateObject',
  'kms:Encrypt', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:ReEncryptFrom', 'kms:ReEncryptTo',
];
const writesOf = (statement: any) => WRITE_ACTIONS.filter((a) => allowsAction(statement, a));

/** The artifact buckets of the assembly: pipelines' artifact stores, and the convention's. */
function artifactBuckets(assembly: Assembly, facts: ConventionFacts): Array<{ bucket: ResourceRef; name: string }> {
  const names = new Set<string>();
  for (const pipeline of assembly.resources('AWS::CodePipeline::Pipeline')) {
    for (const store of [pipeline.properties.ArtifactStore, ...list(pipeline.properties.ArtifactStores).map((s: any) => s?.ArtifactStore)]) {
      const name = store ? assembly.literal(pipeline.stack, store.Location) : undefined;
      if (name) names.add(name);
    }
  }
  return assembly.resources('AWS::S3::Bucket').flatMap((bucket) => {
    const name = assembly.literal(bucket.stack, bucket.properties.BucketName);
    if (name === undefined) return [];
    return names.has(name) || facts.artifactBucketName?.test(name) ? [{ bucket, name }] : [];
  });
}

/** CW3: no principal of another account may write artifacts, on either side. */
function otherAccountsReadOnly(assembly: Assembly, facts: ConventionFacts): Finding[] {
  const findings: Finding[] = [];
  for (const { bucket, name } of artifactBuckets(assembly, facts)) {
    const owner = bucket.stack.account;
    const key = assembly.target(bucket.stack, list(bucket.properties.BucketEncryption?.ServerSideEncryptionConfiguration)[0]
      ?.ServerSideEncryptionByDefault?.KMSMasterKeyID);
    const resourceStatements: PlacedStatement[] = [];
    for (const policy of assembly.resources('AWS::S3::BucketPolicy')) {
      const target = assembly.target(policy.stack, policy.properties.Bucket);
      const policyBucket = target?.logicalId === bucket.logicalId && policy.stack === bucket.stack ? name : assembly.literal(policy.stack, policy.properties.Bucket);
      if (policyBucket !== name) continue;
      list(policy.properties.PolicyDocument?.Statement).forEach((statement: any, i: number) =>
        resourceStatements.push({ resource: policy, location: `Properties/PolicyDocument/Statement/${i}`, statement }));
    }
    if (key) {
      list(key.properties.KeyPolicy?.Statement).forEach((statement: any, i: number) =>
        resourceStatements.push({ resource: key, location: `Properties/KeyPolicy/Statement/${i}`, statement }));
    }
    for (const { resource, location, statement } of resourceStatements) {
      if (statement.Effect !== 'Allow') continue;
      const principals = list(statement.Principal?.AWS ?? (statement.Principal === '*' ? '*' : undefined));
      const others = principals.map((p) => assembly.principalAccount(resource.stack, p)).filter((a) => a !== undefined && a !== owner) as string[];
      const writes = writesOf(statement);
      if (others.length === 0 || writes.length === 0) continue;
      findings.push({
        ruleId: 'CW3',
        resource,
        location,
        message: `${resource.logicalId} lets account ${[...new Set(others)].join(', ')} ${writes.join(', ')} on the artifact store of bucket '${name}': admit other accounts to read only`,
      });
    }
    // The identity side: roles of other accounts' stacks whose policies write to the bucket or its key.
    // A resource pattern reaches the store if it names something inside it, or matches a sample of it.
    // eslint-disable-next-line @cdklabs/no-literal-partition -- compared with ARNs whose partition is normalized to aws below
    const objectsPrefix = `arn:aws:s3:::${name}/`;
    // eslint-disable-next-line @cdklabs/no-literal-partition -- compared with ARNs whose partition is normalized to aws below
    const keysPrefix = `arn:aws:kms:${bucket.stack.region ?? ''}:${owner ?? ''}:`;
    // eslint-disable-next-line @cdklabs/no-literal-partition -- compared with ARNs whose partition was normalized to aws just below
    const reaches = (pattern: string, prefix: string) => pattern.startsWith(prefix) || wildcardMatch(pattern, `${prefix}${prefix.startsWith('arn:aws:kms') ? 'key/' : ''}sample`);
    for (const placed of assembly.identityStatements()) {
      if (placed.resource.stack.account === undefined || placed.resource.stack.account === owner || placed.statement.Effect !== 'Allow') continue;
      const resources = list(placed.statement.Resource).map((r) => assembly.literal(placed.resource.stack, r)).filter((r): r is string => r !== undefined);
      // eslint-disable-next-line @cdklabs/no-literal-partition -- compared with ARNs whose partition was normalized to aws above
      const normalized = resources.map((r) => r.replace(/^arn:aws[a-z-]*:/, 'arn:aws:'));
      const onObjects = normalized.some((r) => reaches(r, objectsPrefix));
      const onKey = normalized.some((r) => reaches(r, keysPrefix));
      const writes = writesOf(placed.statement).filter((a) => (a.startsWith('s3:') ? onObjects : onKey));
      if (writes.length === 0) continue;
      findings.push({
        ruleId: 'CW3',
        resource: placed.resource,
        location: placed.location,
        message: `${placed.resource.logicalId} in account ${placed.resource.stack.account} allows ${writes.join(', ')} on the artifact store of bucket '${name}' (account ${owner}): give roles of other accounts read actions only`,
      });
    }
  }
  return findings;
}

/** The object keys templates of the assembly reference as Lambda code, by bucket name. */
function codeKeys(assembly: Assembly): Map<string, Set<string>> {
  const keys = new Map<string, Set<string>>();
  const add = (bucket: string | undefined, key: string | undefined) => {
    if (bucket === undefined || key === undefined) return;
    keys.set(bucket, (keys.get(bucket) ?? new Set()).add(key));
  };
  for (const fn of assembly.resources('AWS::Lambda::Function')) {
    add(assembly.literal(fn.stack, fn.properties.Code?.S3Bucket), assembly.literal(fn.stack, fn.properties.Code?.S3Key));
  }
  for (const layer of assembly.resources('AWS::Lambda::LayerVersion')) {
    add(assembly.literal(layer.stack, layer.properties.Content?.S3Bucket), assembly.literal(layer.stack, layer.properties.Content?.S3Key));
  }
  return keys;
}

/** CW4: no lifecycle rule expires current objects that are (or will be) code assets. */
function codeAssetsOutliveRollback(assembly: Assembly, facts: ConventionFacts): Finding[] {
  const referenced = codeKeys(assembly);
  const findings: Finding[] = [];
  for (const bucket of assembly.resources('AWS::S3::Bucket')) {
    const name = assembly.literal(bucket.stack, bucket.properties.BucketName);
    const protectedKeys = [...(name !== undefined ? referenced.get(name) ?? [] : [])];
    if (name !== undefined && facts.assetsPrefix !== undefined && facts.artifactBucketName?.test(name)) {
      protectedKeys.push(`${facts.assetsPrefix}<asset hash>.zip`);
    }
    if (protectedKeys.length === 0) continue;
    list(bucket.properties.LifecycleConfiguration?.Rules).forEach((rule: any, i: number) => {
      if (rule?.Status === 'Disabled') return;
      if (rule.ExpirationInDays === undefined && rule.ExpirationDate === undefined) return;
      if (list(rule.TagFilters).length > 0 || rule.Filter?.Tag !== undefined || rule.Filter?.And?.Tags !== undefined) return; // assets carry no tags
      const prefix: string = rule.Prefix ?? rule.Filter?.Prefix ?? rule.Filter?.And?.Prefix ?? '';
      const covered = protectedKeys.filter((key) => key.startsWith(prefix));
      if (covered.length === 0) return;
      findings.push({
        ruleId: 'CW4',
        resource: bucket,
        location: `Properties/LifecycleConfiguration/Rules/${i}`,
        message: `lifecycle rule ${rule.Id ?? i} of bucket '${name}' expires current objects under '${prefix}', which covers code asset ${shorten(covered[0])}: a stack rolling back to it would end in UPDATE_ROLLBACK_FAILED; expire only prefixes without code assets`,
      });
    });
  }
  return findings;
}

/** CW5: a function's code bucket is in the function's region. */
function codeBucketRegion(assembly: Assembly, facts: ConventionFacts): Finding[] {
  const regionOfBucket = new Map<string, string>();
  for (const bucket of assembly.resources('AWS::S3::Bucket')) {
    const name = assembly.literal(bucket.stack, bucket.properties.BucketName);
    if (name !== undefined && bucket.stack.region !== undefined) regionOfBucket.set(name, bucket.stack.region);
  }
  const findings: Finding[] = [];
  for (const fn of assembly.resources('AWS::Lambda::Function')) {
    const name = assembly.literal(fn.stack, fn.properties.Code?.S3Bucket);
    if (name === undefined || fn.stack.region === undefined) continue;
    // A convention bucket is in the region its name ends with (one store per region).
    const bucketRegion = regionOfBucket.get(name) ?? facts.artifactBucketName?.exec(name)?.[1];
    if (bucketRegion === undefined || bucketRegion === fn.stack.region) continue;
    findings.push({
      ruleId: 'CW5',
      resource: fn,
      location: 'Properties/Code/S3Bucket',
      message: `function ${fn.logicalId} in ${fn.stack.region} takes its code from bucket '${name}' in ${bucketRegion}: Lambda reads code only from a bucket in the function's region`,
    });
  }
  return findings;
}

/** CW6: literal bucket names follow the naming rules. */
function bucketNames(assembly: Assembly): Finding[] {
  return assembly.resources('AWS::S3::Bucket').flatMap((bucket) => {
    const name = assembly.literal(bucket.stack, bucket.properties.BucketName);
    const problem = name === undefined ? undefined : CrosswalkNaming.bucketNameProblem(name);
    return problem === undefined ? [] : [{
      ruleId: 'CW6',
      resource: bucket,
      location: 'Properties/BucketName',
      message: `bucket name '${shorten(name!)}' ${problem}: choose a name that follows S3's bucket naming rules`,
    }];
  });
}

/** The length limits CW7 checks, each with the page that states it. */
export const NAME_LIMITS: Array<{ type: string; property: string; max: number; source: string }> = [
  { type: 'AWS::IAM::Role', property: 'RoleName', max: 64, source: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html' },
  { type: 'AWS::IAM::ManagedPolicy', property: 'ManagedPolicyName', max: 128, source: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html' },
  { type: 'AWS::Lambda::Function', property: 'FunctionName', max: 64, source: 'https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html' },
  { type: 'AWS::SNS::Topic', property: 'TopicName', max: 256, source: 'https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html' },
  { type: 'AWS::CodePipeline::Pipeline', property: 'Name', max: 100, source: 'https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_PipelineDeclaration.html' },
  { type: 'AWS::Logs::LogGroup', property: 'LogGroupName', max: 512, source: 'https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html' },
  { type: 'AWS::CodeDeploy::DeploymentConfig', property: 'DeploymentConfigName', max: 100, source: 'https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_CreateDeploymentConfig.html' },
];

/** CW7: names fit their service's limit. */
function nameLengths(assembly: Assembly): Finding[] {
  return NAME_LIMITS.flatMap(({ type, property, max, source }) => assembly.resources(type).flatMap((resource) => {
    const name = assembly.literal(resource.stack, resource.properties[property]);
    return name === undefined || name.length <= max ? [] : [{
      ruleId: 'CW7',
      resource,
      location: `Properties/${property}`,
      message: `${type} ${property} '${shorten(name)}' is ${name.length} characters, over the limit of ${max} (${source}): shorten it or let CloudFormation generate it`,
    }];
  }));
}

/** Services whose documented service-role trust policy has no source condition. */
const UNCONDITIONED_TRUST: Record<string, string> = {
  'codepipeline.amazonaws.com': 'https://docs.aws.amazon.com/codepipeline/latest/userguide/pipelines-create-service-role-cli.html',
};

/** CW8: trust conditions on a service principal are ones the service documents. */
function serviceTrustConditions(assembly: Assembly): Finding[] {
  const findings: Finding[] = [];
  for (const role of assembly.resources('AWS::IAM::Role')) {
    list(role.properties.AssumeRolePolicyDocument?.Statement).forEach((statement: any, i: number) => {
      if (statement.Effect !== 'Allow') return;
      const keys = conditionKeys(statement).filter((k) => SOURCE_KEYS.includes(k));
      for (const service of servicePrincipals(statement).filter((s) => UNCONDITIONED_TRUST[s] !== undefined)) {
        if (keys.length === 0) continue;
        findings.push({
          ruleId: 'CW8',
          resource: role,
          location: `Properties/AssumeRolePolicyDocument/Statement/${i}/Condition`,
          message: `role ${role.logicalId} trusts ${service} only under ${keys.join(', ')}, which ${service} does not document for its service role (${UNCONDITIONED_TRUST[service]}): remove the condition`,
        });
      }
    });
  }
  return findings;
}

/** CW9: one subscription per topic, protocol and endpoint. */
function duplicateSubscriptions(assembly: Assembly): Finding[] {
  const seen = new Map<string, ResourceRef>();
  const findings: Finding[] = [];
  const check = (resource: ResourceRef, location: string, topic: any, protocol: any, endpoint: any) => {
    const p = assembly.literal(resource.stack, protocol)?.toLowerCase();
    let e = assembly.literal(resource.stack, endpoint);
    const topicId = Assembly.referencedId(topic);
    const t = topicId !== undefined ? `${resource.stack.stackName}/${topicId}` : assembly.literal(resource.stack, topic);
    if (p === undefined || e === undefined || t === undefined) return;
    if (p === 'email' || p === 'email-json') e = e.toLowerCase();
    const key = `${t} ${p} ${e}`;
    const first = seen.get(key);
    if (!first) {
      seen.set(key, resource);
      return;
    }
    findings.push({
      ruleId: 'CW9',
      resource,
      location,
      message: `${resource.logicalId} subscribes ${p} endpoint '${shorten(e)}' to a topic that ${first.logicalId} already subscribes it to: subscribe each endpoint once`,
    });
  };
  for (const topic of assembly.resources('AWS::SNS::Topic')) {
    list(topic.properties.Subscription).forEach((s: any, i: number) =>
      check(topic, `Properties/Subscription/${i}`, { Ref: topic.logicalId }, s?.Protocol, s?.Endpoint));
  }
  for (const subscription of assembly.resources('AWS::SNS::Subscription')) {
    check(subscription, 'Properties/Endpoint', subscription.properties.TopicArn, subscription.properties.Protocol, subscription.properties.Endpoint);
  }
  return findings;
}

/** CW10: every action exists, and is scoped to resources of a type it authorizes on. */
function policyActions(assembly: Assembly): Finding[] {
  return policyActionFindings(assembly).map(({ placed, message }) => ({ ruleId: 'CW10', resource: placed.resource, location: placed.location, message }));
}

/** Every check, by rule id. */
export const CHECKS: Record<string, (assembly: Assembly, facts: ConventionFacts) => Finding[]> = {
  CW1: eventBridgeTopicKeys,
  CW2: connectionPrefixes,
  CW3: otherAccountsReadOnly,
  CW4: codeAssetsOutliveRollback,
  CW5: codeBucketRegion,
  CW6: bucketNames,
  CW7: nameLengths,
  CW8: serviceTrustConditions,
  CW9: duplicateSubscriptions,
  CW10: policyActions,
};

/** The findings of the given rules over already parsed templates. */
export function runChecks(stacks: StackTemplate[], ruleIds: readonly string[], facts: ConventionFacts = {}): Finding[] {
  const assembly = new Assembly(stacks);
  return ruleIds.flatMap((id) => CHECKS[id](assembly, facts));
}

/** What the rules learn from a naming convention. */
export function conventionFacts(naming: CrosswalkNaming | undefined): ConventionFacts {
  if (naming === undefined) return {};
  const sampleAccount = '000000000000';
  const sampleRegion = 'zz-sample-9';
  const pattern = naming.forRegion(sampleRegion).artifactBucketName(sampleAccount).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace(sampleAccount, '\\d{12}').replace(sampleRegion, '([a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\\d)');
  return { assetsPrefix: naming.assetsPrefix, artifactBucketName: new RegExp(`^${pattern}$`) };
}
