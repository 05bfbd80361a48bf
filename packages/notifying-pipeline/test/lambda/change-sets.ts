/**
 * DescribeChangeSet responses (IncludePropertyValues: true) of a CDK service stack in the
 * production account, shaped after the CloudFormation API reference:
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeChangeSet.html
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceChange.html
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceTargetDefinition.html
 *
 * BeforeContext / AfterContext are JSON strings of `{"Properties": {...}}`; a value only known
 * while the change set runs (a Fn::GetAtt of a resource it creates or replaces) reads
 * `{{changeSet:KNOWN_AFTER_APPLY}}`.
 */
import type { Change, DescribeChangeSetOutput, ResourceChange } from '@aws-sdk/client-cloudformation';
import type { ReviewedChangeSet } from '../../lambda/change-review/classify';

export const ACCOUNT = '222222222222';
export const OTHER_ACCOUNT = '333333333333';
export const REGION = 'eu-west-1';
export const STACK = 'checkin-service-prod';
export const CHANGE_SET_NAME = 'crosswalk-checkin-service-prod';
export const KNOWN_AFTER_APPLY = '{{changeSet:KNOWN_AFTER_APPLY}}';

const STACK_ID = `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/${STACK}/5e6f7a80-1b2c-11ef-9a3d-0a1b2c3d4e5f`;
const CREATED = new Date('2025-03-14T09:26:53.589Z');

export function changeSetId(suffix: string): string {
  return `arn:aws:cloudformation:${REGION}:${ACCOUNT}:changeSet/${CHANGE_SET_NAME}/0a1b2c3d-${suffix}`;
}

/** A resource context as CloudFormation writes it. */
export function context(properties: object): string {
  return JSON.stringify({ Properties: properties });
}

/** One page of DescribeChangeSet for the service stack. */
function page(id: string, changes: Change[], extra: Partial<DescribeChangeSetOutput> = {}): DescribeChangeSetOutput {
  return {
    ChangeSetName: CHANGE_SET_NAME,
    ChangeSetId: changeSetId(id),
    StackId: STACK_ID,
    StackName: STACK,
    Parameters: [{ ParameterKey: 'BootstrapVersion', ParameterValue: '/cdk-bootstrap/hnb659fds/version', ResolvedValue: '26' }],
    CreationTime: CREATED,
    ExecutionStatus: 'AVAILABLE',
    Status: 'CREATE_COMPLETE',
    NotificationARNs: [],
    RollbackConfiguration: {},
    Capabilities: ['CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'],
    Changes: changes,
    IncludeNestedStacks: true,
    ...extra,
  };
}

function resource(rc: ResourceChange): Change {
  return { Type: 'Resource', ResourceChange: { Scope: [], Details: [], ...rc } };
}

/** What the handler makes of a (concatenated) DescribeChangeSet response. */
export function reviewed(output: DescribeChangeSetOutput, nested: { [logicalId: string]: ReviewedChangeSet } = {}): ReviewedChangeSet {
  return {
    stackName: output.StackName ?? '',
    changeSetName: output.ChangeSetName ?? '',
    changeSetId: output.ChangeSetId ?? '',
    status: output.Status,
    statusReason: output.StatusReason,
    changes: output.Changes ?? [],
    nested,
  };
}

const TABLE_ARN = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/checkin-service-prod-OrdersTableA1B2C3D4-1Q2W3E4R5T6Y`;
const QUEUE_ARN = `arn:aws:sqs:${REGION}:${ACCOUNT}:checkin-service-prod-OrdersQueue-7H8J9K0L`;
const ROLE_NAME = 'checkin-service-prod-OrdersHandlerServiceRole-4F5A6B7C8D9E';
const LAMBDA_TRUST = { Version: '2012-10-17', Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } }] };
const BASIC_EXECUTION = 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole';

// ---------------------------------------------------------------------------------------------
// Only additions: a new function with its role, policy, table and log group
// ---------------------------------------------------------------------------------------------

export const onlyAdds: DescribeChangeSetOutput = page('1111-4a5b-8c9d-000000000001', [
  resource({
    Action: 'Add', LogicalResourceId: 'OrdersTableA1B2C3D4', ResourceType: 'AWS::DynamoDB::Table',
    AfterContext: context({
      KeySchema: [{ AttributeName: 'orderId', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'orderId', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    }),
  }),
  resource({
    Action: 'Add', LogicalResourceId: 'OrdersHandlerServiceRole4F5A6B7C', ResourceType: 'AWS::IAM::Role',
    AfterContext: context({ AssumeRolePolicyDocument: LAMBDA_TRUST, ManagedPolicyArns: [BASIC_EXECUTION] }),
  }),
  resource({
    Action: 'Add', LogicalResourceId: 'OrdersHandlerServiceRoleDefaultPolicy9E8D7C6B', ResourceType: 'AWS::IAM::Policy',
    AfterContext: context({
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [{
          Action: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'],
          Effect: 'Allow',
          // Fn::GetAtt OrdersTable.Arn and Fn::Join of it: the table is created by this change set.
          Resource: [KNOWN_AFTER_APPLY, KNOWN_AFTER_APPLY],
        }],
      },
      PolicyName: 'OrdersHandlerServiceRoleDefaultPolicy9E8D7C6B',
      Roles: [KNOWN_AFTER_APPLY],
    }),
  }),
  resource({
    Action: 'Add', LogicalResourceId: 'OrdersHandler1A2B3C4D', ResourceType: 'AWS::Lambda::Function',
    AfterContext: context({
      Code: { S3Bucket: `cdk-hnb659fds-assets-${ACCOUNT}-${REGION}`, S3Key: '3f1c2b9e0d8a7f6e5d4c3b2a19087f6e5d4c3b2a19087f6e5d4c3b2a1908.zip' },
      Role: KNOWN_AFTER_APPLY,
      Handler: 'index.handler',
      Runtime: 'nodejs20.x',
      Timeout: 10,
      Environment: { Variables: { TABLE_NAME: KNOWN_AFTER_APPLY } },
    }),
  }),
  resource({
    Action: 'Add', LogicalResourceId: 'OrdersHandlerLogGroup5E6F7A8B', ResourceType: 'AWS::Logs::LogGroup',
    AfterContext: context({ RetentionInDays: 30 }),
  }),
]);

// ---------------------------------------------------------------------------------------------
// A code deployment: Timeout 10 → 30, new code, new version, alias moved
// ---------------------------------------------------------------------------------------------

const OLD_KEY = '3f1c2b9e0d8a7f6e5d4c3b2a19087f6e5d4c3b2a19087f6e5d4c3b2a1908.zip';
const NEW_KEY = '9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f.zip';
const FUNCTION_BASE = { Role: `arn:aws:iam::${ACCOUNT}:role/${ROLE_NAME}`, Handler: 'index.handler', Runtime: 'nodejs20.x' };

export const lambdaModified: DescribeChangeSetOutput = page('2222-4a5b-8c9d-000000000002', [
  resource({
    Action: 'Modify', LogicalResourceId: 'OrdersHandler1A2B3C4D', PhysicalResourceId: 'checkin-service-prod-OrdersHandler1A2B3C4D-Xy7Zq8Rt9Uv0',
    ResourceType: 'AWS::Lambda::Function', Replacement: 'False', Scope: ['Properties'],
    BeforeContext: context({ ...FUNCTION_BASE, Code: { S3Bucket: `cdk-hnb659fds-assets-${ACCOUNT}-${REGION}`, S3Key: OLD_KEY }, Timeout: 10 }),
    AfterContext: context({ ...FUNCTION_BASE, Code: { S3Bucket: `cdk-hnb659fds-assets-${ACCOUNT}-${REGION}`, S3Key: NEW_KEY }, Timeout: 30 }),
    Details: [
      {
        Target: { Attribute: 'Properties', Name: 'Timeout', Path: '/Properties/Timeout', RequiresRecreation: 'Never', BeforeValue: '10', AfterValue: '30', AttributeChangeType: 'Modify' },
        Evaluation: 'Static', ChangeSource: 'DirectModification',
      },
      {
        Target: { Attribute: 'Properties', Name: 'Code', Path: '/Properties/Code/S3Key', RequiresRecreation: 'Never', BeforeValue: OLD_KEY, AfterValue: NEW_KEY, AttributeChangeType: 'Modify' },
        Evaluation: 'Static', ChangeSource: 'DirectModification',
      },
      // The same property again, as CloudFormation also lists it evaluated dynamically.
      {
        Target: { Attribute: 'Properties', Name: 'Code', Path: '/Properties/Code/S3Key', RequiresRecreation: 'Never', BeforeValue: OLD_KEY, AfterValue: NEW_KEY, AttributeChangeType: 'Modify' },
        Evaluation: 'Dynamic', ChangeSource: 'DirectModification',
      },
    ],
  }),
  resource({
    Action: 'Add', LogicalResourceId: 'OrdersHandlerCurrentVersion7E1F2A3B9c8d7e6f5a4b', ResourceType: 'AWS::Lambda::Version',
    AfterContext: context({ FunctionName: 'checkin-service-prod-OrdersHandler1A2B3C4D-Xy7Zq8Rt9Uv0' }),
  }),
  resource({
    Action: 'Remove', LogicalResourceId: 'OrdersHandlerCurrentVersion7E1F2A3B3f1c2b9e0d8a', PhysicalResourceId: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:checkin-service-prod-OrdersHandler1A2B3C4D-Xy7Zq8Rt9Uv0:7`,
    ResourceType: 'AWS::Lambda::Version', PolicyAction: 'Retain',
    BeforeContext: context({ FunctionName: 'checkin-service-prod-OrdersHandler1A2B3C4D-Xy7Zq8Rt9Uv0' }),
  }),
  resource({
    Action: 'Modify', LogicalResourceId: 'OrdersHandlerLiveAlias0C1D2E3F', PhysicalResourceId: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:checkin-service-prod-OrdersHandler1A2B3C4D-Xy7Zq8Rt9Uv0:live`,
    ResourceType: 'AWS::Lambda::Alias', Replacement: 'False', Scope: ['Properties'],
    BeforeContext: context({ FunctionName: 'checkin-service-prod-OrdersHandler1A2B3C4D-Xy7Zq8Rt9Uv0', FunctionVersion: '7', Name: 'live' }),
    AfterContext: context({ FunctionName: 'checkin-service-prod-OrdersHandler1A2B3C4D-Xy7Zq8Rt9Uv0', FunctionVersion: KNOWN_AFTER_APPLY, Name: 'live' }),
    Details: [{
      Target: { Attribute: 'Properties', Name: 'FunctionVersion', Path: '/Properties/FunctionVersion', RequiresRecreation: 'Never', BeforeValue: '7', AfterValue: KNOWN_AFTER_APPLY, AttributeChangeType: 'Modify' },
      Evaluation: 'Dynamic', ChangeSource: 'ResourceAttribute', CausingEntity: 'OrdersHandlerCurrentVersion7E1F2A3B9c8d7e6f5a4b.Version',
    }],
  }),
]);

// ---------------------------------------------------------------------------------------------
// Replacement of a stateless instance, and an attachment that may be replaced with it
// ---------------------------------------------------------------------------------------------

export const conditionalReplacement: DescribeChangeSetOutput = page('3333-4a5b-8c9d-000000000003', [
  resource({
    Action: 'Modify', LogicalResourceId: 'BastionInstance9F8E7D6C', PhysicalResourceId: 'i-0123456789abcdef0',
    ResourceType: 'AWS::EC2::Instance', Replacement: 'True', PolicyAction: 'ReplaceAndDelete', Scope: ['Properties'],
    Details: [{
      Target: { Attribute: 'Properties', Name: 'ImageId', Path: '/Properties/ImageId', RequiresRecreation: 'Always', BeforeValue: 'ami-0a1b2c3d4e5f60718', AfterValue: 'ami-0f9e8d7c6b5a49382', AttributeChangeType: 'Modify' },
      Evaluation: 'Static', ChangeSource: 'DirectModification',
    }],
  }),
  resource({
    Action: 'Modify', LogicalResourceId: 'BastionScratchAttachment1A2B3C4D', PhysicalResourceId: 'vol-0fedcba9876543210',
    ResourceType: 'AWS::EC2::VolumeAttachment', Replacement: 'Conditional', PolicyAction: 'ReplaceAndDelete', Scope: ['Properties'],
    Details: [{
      Target: { Attribute: 'Properties', Name: 'InstanceId', Path: '/Properties/InstanceId', RequiresRecreation: 'Always', BeforeValue: 'i-0123456789abcdef0', AfterValue: KNOWN_AFTER_APPLY, AttributeChangeType: 'Modify' },
      Evaluation: 'Dynamic', ChangeSource: 'ResourceReference', CausingEntity: 'BastionInstance9F8E7D6C',
    }],
  }),
]);

// ---------------------------------------------------------------------------------------------
// Data at risk: a table replaced (new key), a log group deleted, a bucket retained, a queue that may be replaced
// ---------------------------------------------------------------------------------------------

export const dataAtRisk: DescribeChangeSetOutput = page('4444-4a5b-8c9d-000000000004', [
  resource({
    Action: 'Modify', LogicalResourceId: 'OrdersTableA1B2C3D4', PhysicalResourceId: 'checkin-service-prod-OrdersTableA1B2C3D4-1Q2W3E4R5T6Y',
    ResourceType: 'AWS::DynamoDB::Table', Replacement: 'True', PolicyAction: 'ReplaceAndDelete', Scope: ['Properties'],
    BeforeContext: context({ KeySchema: [{ AttributeName: 'orderId', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'orderId', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST' }),
    AfterContext: context({ KeySchema: [{ AttributeName: 'customerId', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'customerId', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST' }),
    Details: [
      {
        Target: { Attribute: 'Properties', Name: 'KeySchema', Path: '/Properties/KeySchema/0/AttributeName', RequiresRecreation: 'Always', BeforeValue: 'orderId', AfterValue: 'customerId', AttributeChangeType: 'Modify' },
        Evaluation: 'Static', ChangeSource: 'DirectModification',
      },
      {
        Target: { Attribute: 'Properties', Name: 'AttributeDefinitions', Path: '/Properties/AttributeDefinitions/0/AttributeName', RequiresRecreation: 'Never', BeforeValue: 'orderId', AfterValue: 'customerId', AttributeChangeType: 'Modify' },
        Evaluation: 'Static', ChangeSource: 'DirectModification',
      },
    ],
  }),
  resource({
    Action: 'Remove', LogicalResourceId: 'LegacyHandlerLogGroup2B3C4D5E', PhysicalResourceId: '/aws/lambda/checkin-legacy-handler',
    ResourceType: 'AWS::Logs::LogGroup', PolicyAction: 'Delete',
    BeforeContext: context({ LogGroupName: '/aws/lambda/checkin-legacy-handler', RetentionInDays: 365 }),
  }),
  resource({
    Action: 'Remove', LogicalResourceId: 'ExportsBucket6F7A8B9C', PhysicalResourceId: `checkin-exports-${ACCOUNT}-${REGION}`,
    ResourceType: 'AWS::S3::Bucket', PolicyAction: 'Retain',
    BeforeContext: context({ BucketName: `checkin-exports-${ACCOUNT}-${REGION}`, VersioningConfiguration: { Status: 'Enabled' } }),
  }),
  resource({
    Action: 'Modify', LogicalResourceId: 'AuditQueue0D1E2F3A', PhysicalResourceId: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/checkin-audit`,
    ResourceType: 'AWS::SQS::Queue', Replacement: 'Conditional', PolicyAction: 'ReplaceAndDelete', Scope: ['Properties'],
    Details: [{
      Target: { Attribute: 'Properties', Name: 'QueueName', Path: '/Properties/QueueName', RequiresRecreation: 'Always', BeforeValue: 'checkin-audit', AfterValue: KNOWN_AFTER_APPLY, AttributeChangeType: 'Modify' },
      Evaluation: 'Dynamic', ChangeSource: 'ResourceAttribute', CausingEntity: 'AuditTopic.TopicName',
    }],
  }),
]);

// ---------------------------------------------------------------------------------------------
// IAM widening: an action added and a `*` resource, a condition removed, trust widened to another account
// ---------------------------------------------------------------------------------------------

const POLICY_BEFORE = {
  Version: '2012-10-17',
  Statement: [
    { Action: ['dynamodb:GetItem', 'dynamodb:Query'], Effect: 'Allow', Resource: [TABLE_ARN, `${TABLE_ARN}/index/*`] },
    { Action: 'sqs:SendMessage', Effect: 'Allow', Resource: QUEUE_ARN },
  ],
};
const POLICY_WIDER = {
  Version: '2012-10-17',
  Statement: [
    { Action: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:Query'], Effect: 'Allow', Resource: [TABLE_ARN, `${TABLE_ARN}/index/*`] },
    { Action: 'sqs:SendMessage', Effect: 'Allow', Resource: QUEUE_ARN },
    { Action: 's3:GetObject', Effect: 'Allow', Resource: '*' },
  ],
};
const REPORTS_BUCKET = `checkin-reports-${ACCOUNT}`;
const DENY_INSECURE = {
  Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:*',
  Resource: [`arn:aws:s3:::${REPORTS_BUCKET}`, `arn:aws:s3:::${REPORTS_BUCKET}/*`],
  Condition: { Bool: { 'aws:SecureTransport': 'false' } },
};
const READERS_FROM_VPCE = {
  Sid: 'AllowReportReadersFromVpce', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/report-reader` },
  Action: 's3:GetObject', Resource: `arn:aws:s3:::${REPORTS_BUCKET}/*`,
  Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-0abc123def4567890' } },
};
const READERS_ANYWHERE = {
  Sid: READERS_FROM_VPCE.Sid, Effect: READERS_FROM_VPCE.Effect, Principal: READERS_FROM_VPCE.Principal,
  Action: READERS_FROM_VPCE.Action, Resource: READERS_FROM_VPCE.Resource,
};

export const iamWidening: DescribeChangeSetOutput = page('5555-4a5b-8c9d-000000000005', [
  resource({
    Action: 'Modify', LogicalResourceId: 'OrdersHandlerServiceRole4F5A6B7C', PhysicalResourceId: ROLE_NAME,
    ResourceType: 'AWS::IAM::Role', Replacement: 'False', Scope: ['Properties'],
    BeforeContext: context({ AssumeRolePolicyDocument: LAMBDA_TRUST, ManagedPolicyArns: [BASIC_EXECUTION] }),
    AfterContext: context({
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com', AWS: `arn:aws:iam::${OTHER_ACCOUNT}:root` } }],
      },
      ManagedPolicyArns: [BASIC_EXECUTION],
    }),
    Details: [{
      Target: {
        Attribute: 'Properties', Name: 'AssumeRolePolicyDocument', Path: '/Properties/AssumeRolePolicyDocument/Statement/0/Principal/AWS',
        RequiresRecreation: 'Never', AfterValue: `arn:aws:iam::${OTHER_ACCOUNT}:root`, AttributeChangeType: 'Add',
      },
      Evaluation: 'Static', ChangeSource: 'DirectModification',
    }],
  }),
  resource({
    Action: 'Modify', LogicalResourceId: 'OrdersHandlerServiceRoleDefaultPolicy9E8D7C6B', PhysicalResourceId: 'check-Order-1A2B3C4D5E6F',
    ResourceType: 'AWS::IAM::Policy', Replacement: 'False', Scope: ['Properties'],
    BeforeContext: context({ PolicyDocument: POLICY_BEFORE, PolicyName: 'OrdersHandlerServiceRoleDefaultPolicy9E8D7C6B', Roles: [ROLE_NAME] }),
    AfterContext: context({ PolicyDocument: POLICY_WIDER, PolicyName: 'OrdersHandlerServiceRoleDefaultPolicy9E8D7C6B', Roles: [ROLE_NAME] }),
    Details: [
      {
        Target: { Attribute: 'Properties', Name: 'PolicyDocument', Path: '/Properties/PolicyDocument/Statement/0/Action/0', RequiresRecreation: 'Never', AfterValue: 'dynamodb:DeleteItem', AttributeChangeType: 'Add' },
        Evaluation: 'Static', ChangeSource: 'DirectModification',
      },
      {
        Target: { Attribute: 'Properties', Name: 'PolicyDocument', Path: '/Properties/PolicyDocument/Statement/2', RequiresRecreation: 'Never', AfterValue: JSON.stringify(POLICY_WIDER.Statement[2]), AttributeChangeType: 'Add' },
        Evaluation: 'Static', ChangeSource: 'DirectModification',
      },
    ],
  }),
  resource({
    Action: 'Modify', LogicalResourceId: 'ReportsBucketPolicy7C8D9E0F', PhysicalResourceId: REPORTS_BUCKET,
    ResourceType: 'AWS::S3::BucketPolicy', Replacement: 'False', Scope: ['Properties'],
    BeforeContext: context({ Bucket: REPORTS_BUCKET, PolicyDocument: { Version: '2012-10-17', Statement: [READERS_FROM_VPCE, DENY_INSECURE] } }),
    AfterContext: context({ Bucket: REPORTS_BUCKET, PolicyDocument: { Version: '2012-10-17', Statement: [READERS_ANYWHERE, DENY_INSECURE] } }),
    Details: [{
      Target: {
        Attribute: 'Properties', Name: 'PolicyDocument', Path: '/Properties/PolicyDocument/Statement/0/Condition',
        RequiresRecreation: 'Never', BeforeValue: JSON.stringify(READERS_FROM_VPCE.Condition), AttributeChangeType: 'Remove',
      },
      Evaluation: 'Static', ChangeSource: 'DirectModification',
    }],
  }),
]);

// ---------------------------------------------------------------------------------------------
// IAM narrowing: an action, a statement and a managed policy removed
// ---------------------------------------------------------------------------------------------

const POLICY_NARROWER = {
  Version: '2012-10-17',
  Statement: [{ Action: 'dynamodb:GetItem', Effect: 'Allow', Resource: TABLE_ARN }],
};

export const iamNarrowing: DescribeChangeSetOutput = page('6666-4a5b-8c9d-000000000006', [
  resource({
    Action: 'Modify', LogicalResourceId: 'OrdersHandlerServiceRoleDefaultPolicy9E8D7C6B', PhysicalResourceId: 'check-Order-1A2B3C4D5E6F',
    ResourceType: 'AWS::IAM::Policy', Replacement: 'False', Scope: ['Properties'],
    BeforeContext: context({ PolicyDocument: POLICY_BEFORE, PolicyName: 'OrdersHandlerServiceRoleDefaultPolicy9E8D7C6B', Roles: [ROLE_NAME] }),
    AfterContext: context({ PolicyDocument: POLICY_NARROWER, PolicyName: 'OrdersHandlerServiceRoleDefaultPolicy9E8D7C6B', Roles: [ROLE_NAME] }),
    Details: [
      {
        Target: { Attribute: 'Properties', Name: 'PolicyDocument', Path: '/Properties/PolicyDocument/Statement/0/Action', RequiresRecreation: 'Never', BeforeValue: '["dynamodb:GetItem","dynamodb:Query"]', AfterValue: 'dynamodb:GetItem', AttributeChangeType: 'Modify' },
        Evaluation: 'Static', ChangeSource: 'DirectModification',
      },
      {
        Target: { Attribute: 'Properties', Name: 'PolicyDocument', Path: '/Properties/PolicyDocument/Statement/1', RequiresRecreation: 'Never', BeforeValue: JSON.stringify(POLICY_BEFORE.Statement[1]), AttributeChangeType: 'Remove' },
        Evaluation: 'Static', ChangeSource: 'DirectModification',
      },
    ],
  }),
  resource({
    Action: 'Modify', LogicalResourceId: 'OrdersHandlerServiceRole4F5A6B7C', PhysicalResourceId: ROLE_NAME,
    ResourceType: 'AWS::IAM::Role', Replacement: 'False', Scope: ['Properties'],
    BeforeContext: context({ AssumeRolePolicyDocument: LAMBDA_TRUST, ManagedPolicyArns: [BASIC_EXECUTION, 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess'] }),
    AfterContext: context({ AssumeRolePolicyDocument: LAMBDA_TRUST, ManagedPolicyArns: [BASIC_EXECUTION] }),
    Details: [{
      Target: { Attribute: 'Properties', Name: 'ManagedPolicyArns', Path: '/Properties/ManagedPolicyArns/1', RequiresRecreation: 'Never', BeforeValue: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess', AttributeChangeType: 'Remove' },
      Evaluation: 'Static', ChangeSource: 'DirectModification',
    }],
  }),
]);

// ---------------------------------------------------------------------------------------------
// Safe deploy weakened: all at once, an alarm dropped from the deployment group and removed
// ---------------------------------------------------------------------------------------------

const ROLLBACK = { Enabled: true, Events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM'] };
const GROUP_BASE = {
  ApplicationName: 'checkin-service-prod-OrdersApplication-2F3A4B5C',
  ServiceRoleArn: `arn:aws:iam::${ACCOUNT}:role/checkin-service-prod-OrdersDeploymentGroupServiceRole-6D7E8F9A`,
  DeploymentStyle: { DeploymentOption: 'WITH_TRAFFIC_CONTROL', DeploymentType: 'BLUE_GREEN' },
  AutoRollbackConfiguration: ROLLBACK,
};

export const deployWeakened: DescribeChangeSetOutput = page('7777-4a5b-8c9d-000000000007', [
  resource({
    Action: 'Modify', LogicalResourceId: 'OrdersDeploymentGroup3B4C5D6E', PhysicalResourceId: 'checkin-service-prod-OrdersDeploymentGroup-ZX9CV8BN7M',
    ResourceType: 'AWS::CodeDeploy::DeploymentGroup', Replacement: 'False', Scope: ['Properties'],
    BeforeContext: context({
      ...GROUP_BASE,
      DeploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
      AlarmConfiguration: { Enabled: true, Alarms: [{ Name: 'checkin-prod-orders-errors' }, { Name: 'checkin-prod-orders-latency' }] },
    }),
    AfterContext: context({
      ...GROUP_BASE,
      DeploymentConfigName: 'CodeDeployDefault.LambdaAllAtOnce',
      AlarmConfiguration: { Enabled: true, Alarms: [{ Name: 'checkin-prod-orders-latency' }] },
    }),
    Details: [
      {
        Target: { Attribute: 'Properties', Name: 'DeploymentConfigName', Path: '/Properties/DeploymentConfigName', RequiresRecreation: 'Never', BeforeValue: 'CodeDeployDefault.LambdaCanary10Percent5Minutes', AfterValue: 'CodeDeployDefault.LambdaAllAtOnce', AttributeChangeType: 'Modify' },
        Evaluation: 'Static', ChangeSource: 'DirectModification',
      },
      {
        Target: { Attribute: 'Properties', Name: 'AlarmConfiguration', Path: '/Properties/AlarmConfiguration/Alarms/0', RequiresRecreation: 'Never', BeforeValue: '{"Name":"checkin-prod-orders-errors"}', AttributeChangeType: 'Remove' },
        Evaluation: 'Static', ChangeSource: 'DirectModification',
      },
    ],
  }),
  resource({
    Action: 'Remove', LogicalResourceId: 'OrdersErrorsAlarm8A9B0C1D', PhysicalResourceId: 'checkin-prod-orders-errors',
    ResourceType: 'AWS::CloudWatch::Alarm', PolicyAction: 'Delete',
    BeforeContext: context({
      AlarmName: 'checkin-prod-orders-errors', Namespace: 'AWS/Lambda', MetricName: 'Errors', Statistic: 'Sum', Period: 60,
      EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching',
    }),
  }),
]);

// ---------------------------------------------------------------------------------------------
// Nested stacks: one followed (its change set below), one not
// ---------------------------------------------------------------------------------------------

export const API_NESTED_CHANGE_SET_ID = `arn:aws:cloudformation:${REGION}:${ACCOUNT}:changeSet/${CHANGE_SET_NAME}-ApiNested-1R2T3Y4U5I6O/7b8c9d0e-8888-4a5b-8c9d-000000000008`;
export const WORKER_NESTED_CHANGE_SET_ID = `arn:aws:cloudformation:${REGION}:${ACCOUNT}:changeSet/${CHANGE_SET_NAME}-WorkerNested-9O8I7U6Y5T4R/1f2e3d4c-8888-4a5b-8c9d-000000000009`;
const TEMPLATE_BUCKET = `https://s3.${REGION}.amazonaws.com/cdk-hnb659fds-assets-${ACCOUNT}-${REGION}`;

function nestedStackChange(logicalId: string, physical: string, nestedId: string, oldTemplate: string, newTemplate: string): Change {
  return resource({
    Action: 'Modify', LogicalResourceId: logicalId, PhysicalResourceId: physical,
    ResourceType: 'AWS::CloudFormation::Stack', Replacement: 'False', Scope: ['Properties'], ChangeSetId: nestedId,
    BeforeContext: context({ TemplateURL: `${TEMPLATE_BUCKET}/${oldTemplate}` }),
    AfterContext: context({ TemplateURL: `${TEMPLATE_BUCKET}/${newTemplate}` }),
    Details: [{
      Target: { Attribute: 'Properties', Name: 'TemplateURL', Path: '/Properties/TemplateURL', RequiresRecreation: 'Never', BeforeValue: `${TEMPLATE_BUCKET}/${oldTemplate}`, AfterValue: `${TEMPLATE_BUCKET}/${newTemplate}`, AttributeChangeType: 'Modify' },
      Evaluation: 'Static', ChangeSource: 'DirectModification',
    }],
  });
}

export const nestedParent: DescribeChangeSetOutput = page('8888-4a5b-8c9d-000000000008', [
  nestedStackChange('ApiNested', `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/${STACK}-ApiNested-1R2T3Y4U5I6O/2a3b4c5d-1b2c-11ef-9a3d-0a1b2c3d4e5f`,
    API_NESTED_CHANGE_SET_ID, 'a1b2c3d4.json', 'e5f6a7b8.json'),
  nestedStackChange('WorkerNested', `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/${STACK}-WorkerNested-9O8I7U6Y5T4R/6e7f8a9b-1b2c-11ef-9a3d-0a1b2c3d4e5f`,
    WORKER_NESTED_CHANGE_SET_ID, 'c9d0e1f2.json', 'a3b4c5d6.json'),
]);

export const apiNested: DescribeChangeSetOutput = {
  ...page('unused', [
    resource({
      Action: 'Modify', LogicalResourceId: 'ApiHandler5A6B7C8D', PhysicalResourceId: 'checkin-service-prod-ApiNested-ApiHandler5A6B7C8D-Pq1Rs2Tu3Vw4',
      ResourceType: 'AWS::Lambda::Function', Replacement: 'False', Scope: ['Properties'],
      Details: [{
        Target: { Attribute: 'Properties', Name: 'MemorySize', Path: '/Properties/MemorySize', RequiresRecreation: 'Never', BeforeValue: '256', AfterValue: '512', AttributeChangeType: 'Modify' },
        Evaluation: 'Static', ChangeSource: 'DirectModification',
      }],
    }),
    resource({
      Action: 'Remove', LogicalResourceId: 'SessionsTable9E0F1A2B', PhysicalResourceId: 'checkin-service-prod-ApiNested-SessionsTable9E0F1A2B-Z1X2C3V4B5N6',
      ResourceType: 'AWS::DynamoDB::Table', PolicyAction: 'Delete',
      BeforeContext: context({ KeySchema: [{ AttributeName: 'sessionId', KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST' }),
    }),
  ]),
  ChangeSetName: `${CHANGE_SET_NAME}-ApiNested-1R2T3Y4U5I6O`,
  ChangeSetId: API_NESTED_CHANGE_SET_ID,
  StackName: `${STACK}-ApiNested-1R2T3Y4U5I6O`,
  ParentChangeSetId: changeSetId('8888-4a5b-8c9d-000000000008'),
  RootChangeSetId: changeSetId('8888-4a5b-8c9d-000000000008'),
};

// ---------------------------------------------------------------------------------------------
// One change set over two pages (DescribeChangeSet pages past 1 MB)
// ---------------------------------------------------------------------------------------------

export const pagedFirst: DescribeChangeSetOutput = page('9999-4a5b-8c9d-000000000010', [
  resource({
    Action: 'Add', LogicalResourceId: 'ReceiptsQueue4C5D6E7F', ResourceType: 'AWS::SQS::Queue',
    AfterContext: context({ VisibilityTimeout: 60 }),
  }),
  resource({
    Action: 'Modify', LogicalResourceId: 'OrdersHandler1A2B3C4D', PhysicalResourceId: 'checkin-service-prod-OrdersHandler1A2B3C4D-Xy7Zq8Rt9Uv0',
    ResourceType: 'AWS::Lambda::Function', Replacement: 'False', Scope: ['Properties'],
    Details: [{
      Target: { Attribute: 'Properties', Name: 'Environment', Path: '/Properties/Environment/Variables/RECEIPTS_QUEUE_URL', RequiresRecreation: 'Never', AfterValue: KNOWN_AFTER_APPLY, AttributeChangeType: 'Add' },
      Evaluation: 'Dynamic', ChangeSource: 'ResourceReference', CausingEntity: 'ReceiptsQueue4C5D6E7F',
    }],
  }),
], { NextToken: 'eyJDaGFuZ2VTZXRJZCI6ImFybjphd3M6Y2xvdWRmb3JtYXRpb24iLCJwYWdlIjoyfQ==' });

export const pagedSecond: DescribeChangeSetOutput = page('9999-4a5b-8c9d-000000000010', [
  resource({
    Action: 'Remove', LogicalResourceId: 'ReceiptsKey0A1B2C3D', PhysicalResourceId: '1234abcd-12ab-34cd-56ef-1234567890ab',
    ResourceType: 'AWS::KMS::Key', PolicyAction: 'Delete',
    BeforeContext: context({ KeyPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' }] }, PendingWindowInDays: 30 }),
  }),
]);

// ---------------------------------------------------------------------------------------------
// Nothing to do, and something CloudFormation cannot tell yet
// ---------------------------------------------------------------------------------------------

/** CloudFormation leaves a change set without changes FAILED. */
export const empty: DescribeChangeSetOutput = page('aaaa-4a5b-8c9d-000000000011', [], {
  ExecutionStatus: 'UNAVAILABLE',
  Status: 'FAILED',
  StatusReason: "The submitted information didn't contain changes. Submit different information to create a change set.",
});

export const dynamicAction: DescribeChangeSetOutput = page('bbbb-4a5b-8c9d-000000000012', [
  resource({
    Action: 'Dynamic', LogicalResourceId: 'SchemaMigration3E4F5A6B', PhysicalResourceId: '2025/03/14/[$LATEST]schema-migration',
    ResourceType: 'Custom::SchemaMigration',
  }),
]);

// ---------------------------------------------------------------------------------------------
// Values a report must not trust: markup, pipes, backticks, a huge policy
// ---------------------------------------------------------------------------------------------

export const HOSTILE_VALUE = '<script>alert("owned")</script> | `rm -rf /` | ``double``';
export const HUGE_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: Array.from({ length: 40 }, (_, i) => ({ Sid: `Read${i}`, Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: `arn:aws:s3:::checkin-archive-${i}/*` })),
});

export const hostileValues: DescribeChangeSetOutput = page('cccc-4a5b-8c9d-000000000013', [
  resource({
    Action: 'Modify', LogicalResourceId: 'FeatureFlagsParameter1F2A3B4C', PhysicalResourceId: '/checkin/prod/feature|flags',
    ResourceType: 'AWS::SSM::Parameter', Replacement: 'False', Scope: ['Properties'],
    Details: [
      {
        Target: { Attribute: 'Properties', Name: 'Value', Path: '/Properties/Value', RequiresRecreation: 'Never', BeforeValue: 'beta|gamma', AfterValue: HOSTILE_VALUE, AttributeChangeType: 'Modify' },
        Evaluation: 'Static', ChangeSource: 'DirectModification',
      },
      {
        Target: { Attribute: 'Properties', Name: 'Description', Path: '/Properties/Description', RequiresRecreation: 'Never', BeforeValue: 'flags', AfterValue: HUGE_POLICY, AttributeChangeType: 'Modify' },
        Evaluation: 'Static', ChangeSource: 'DirectModification',
      },
    ],
  }),
]);
