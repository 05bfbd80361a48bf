/**
 * Where a resource type keeps what it allows. Two sources:
 * - the CDK's service specification (src/generated/aws-service-spec.ts): properties it marks as
 *   holding an inline policy, managed policies or network rules, and the types that are a policy;
 * - the hand-written {@link COMPARABLE} table: the types whose policies the review can COMPARE
 *   (and so prove narrowed), with every property that decides what they allow, and
 *   {@link EXTRA_GRANT_PROPERTIES}: grant-bearing properties the specification does not mark.
 */
import { POLICY_PROPERTIES, POLICY_RESOURCE_TYPES } from '../generated/aws-service-spec';

/** How a comparable type spells what it allows. */
export interface Holder {
  /** Properties holding one policy document each, compared one by one. */
  readonly documents: readonly string[];
  /** A property holding `[{PolicyName, PolicyDocument}]`; their statements are compared as one set. */
  readonly inline?: string;
  readonly managed?: string;
  readonly boundary?: string;
  /** Properties naming who or what the policy applies to: one more widens it. */
  readonly attachments?: readonly string[];
  /** Properties that only name the resource (changing them is not a narrowing). */
  readonly naming?: readonly string[];
}

/**
 * Types whose grants the review compares. Template references:
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-iam-role.html (and -policy,
 * -managedpolicy, -rolepolicy), aws-resource-s3-bucketpolicy.html, aws-resource-sns-topicpolicy.html,
 * aws-resource-sqs-queuepolicy.html, aws-resource-kms-key.html.
 */
export const COMPARABLE: { readonly [type: string]: Holder } = {
  'AWS::IAM::Role': { documents: ['AssumeRolePolicyDocument'], inline: 'Policies', managed: 'ManagedPolicyArns', boundary: 'PermissionsBoundary' },
  'AWS::IAM::Policy': { documents: ['PolicyDocument'], attachments: ['Roles', 'Users', 'Groups'] },
  'AWS::IAM::ManagedPolicy': { documents: ['PolicyDocument'], attachments: ['Roles', 'Users', 'Groups'] },
  'AWS::IAM::RolePolicy': { documents: ['PolicyDocument'], attachments: ['RoleName'] },
  'AWS::S3::BucketPolicy': { documents: ['PolicyDocument'], attachments: ['Bucket'] },
  'AWS::SNS::TopicPolicy': { documents: ['PolicyDocument'], attachments: ['Topics'] },
  'AWS::SQS::QueuePolicy': { documents: ['PolicyDocument'], attachments: ['Queues'] },
  'AWS::KMS::Key': { documents: ['KeyPolicy'] },
};

/** The comparable holder of a type, or undefined (never a property of Object's prototype). */
export function holderOf(type: string): Holder | undefined {
  return Object.prototype.hasOwnProperty.call(COMPARABLE, type) ? COMPARABLE[type] : undefined;
}

/** The properties a comparable holder reads: only a change confined to them can be a narrowing. */
export function holderProperties(h: Holder): string[] {
  return [...h.documents, ...[h.inline, h.managed, h.boundary].filter((p): p is string => p !== undefined), ...(h.attachments ?? [])];
}

/**
 * Grant-bearing properties the specification does not mark (as of its version in
 * src/generated), each from the type's template reference page.
 */
export const EXTRA_GRANT_PROPERTIES: { readonly [type: string]: readonly string[] } = {
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-iam-user.html
  'AWS::IAM::User': ['Groups', 'PermissionsBoundary', 'LoginProfile'],
  'AWS::IAM::Role': ['PermissionsBoundary'],
  'AWS::IAM::Group': ['Policies', 'ManagedPolicyArns'],
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-opensearchservice-domain.html
  'AWS::OpenSearchService::Domain': ['AccessPolicies', 'AdvancedSecurityOptions', 'DomainEndpointOptions'],
  'AWS::Elasticsearch::Domain': ['AccessPolicies'],
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-dynamodb-table.html (ResourcePolicy)
  'AWS::DynamoDB::Table': ['ResourcePolicy'],
  'AWS::DynamoDB::GlobalTable': ['Replicas'],
  'AWS::Lambda::Url': ['AuthType', 'Cors'],
  'AWS::Lambda::Function': ['Role'],
  'AWS::S3::Bucket': ['PublicAccessBlockConfiguration', 'AccessControl', 'OwnershipControls'],
  'AWS::ApiGateway::Method': ['AuthorizationType', 'AuthorizerId', 'ApiKeyRequired'],
  'AWS::ApiGatewayV2::Route': ['AuthorizationType', 'AuthorizerId'],
};

/**
 * Types that grant, hold credentials or decide who is who, though no property is a policy:
 * any change of them needs a person who knows IAM. IAM's own types are matched by prefix.
 */
export const IDENTITY_TYPES: ReadonlySet<string> = new Set([
  'AWS::Lambda::Permission', 'AWS::Lambda::Url', 'AWS::Lambda::LayerVersionPermission',
  'AWS::Events::EventBusPolicy', 'AWS::SecretsManager::ResourcePolicy', 'AWS::RAM::ResourceShare',
  'AWS::EC2::VPCEndpointServicePermissions', 'AWS::Cognito::IdentityPoolRoleAttachment',
  'AWS::ECR::RegistryPolicy', 'AWS::Glue::ResourcePolicy', 'AWS::ApiGateway::Authorizer',
  'AWS::ApiGatewayV2::Authorizer', 'AWS::KMS::Alias', 'AWS::KMS::ReplicaKey',
]);

/** Whether a change of this type decides who may do what. */
export function isIdentityType(type: string): boolean {
  return type.startsWith('AWS::IAM::') || type.startsWith('AWS::SSO::') || type.startsWith('AWS::Organizations::')
    || type.startsWith('AWS::IdentityStore::') || type.startsWith('AWS::RolesAnywhere::')
    || IDENTITY_TYPES.has(type) || Object.prototype.hasOwnProperty.call(POLICY_RESOURCE_TYPES, type);
}

/** The grant-bearing properties of a type: marked in the specification, or listed by hand. */
export function grantProperties(type: string): string[] {
  const fromSpec = Object.keys(POLICY_PROPERTIES).filter((k) => k.startsWith(`${type}.`)).map((k) => k.slice(type.length + 1));
  const extra = Object.prototype.hasOwnProperty.call(EXTRA_GRANT_PROPERTIES, type) ? EXTRA_GRANT_PROPERTIES[type] : [];
  return [...new Set([...fromSpec, ...extra])];
}
