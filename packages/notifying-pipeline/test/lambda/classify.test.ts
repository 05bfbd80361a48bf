import type { ResourceChange } from '@aws-sdk/client-cloudformation';
import { AutoApprove, classify, ClassifiedChange, Classification, decide, ReviewedChangeSet, RiskTier } from '../../lambda/change-review/classify';
import { DATA_BEARING_TYPES } from '../../lambda/change-review/data-bearing';
import {
  ACCOUNT, apiNested, conditionalReplacement, context, dataAtRisk, deployWeakened, dynamicAction, empty, iamNarrowing, iamWidening,
  KNOWN_AFTER_APPLY, lambdaModified, nestedParent, onlyAdds, OTHER_ACCOUNT, pagedFirst, pagedSecond, reviewed, WORKER_NESTED_CHANGE_SET_ID,
} from './change-sets';

/** A change set of the service stack holding just these resource changes. */
function changeSetOf(...changes: ResourceChange[]): ReviewedChangeSet {
  return reviewed({ ...onlyAdds, Changes: changes.map((rc) => ({ Type: 'Resource', ResourceChange: { Scope: [], Details: [], ...rc } })) });
}

function change(c: Classification, logicalId: string): ClassifiedChange {
  const found = c.changes.find((ch) => ch.logicalId === logicalId);
  if (!found) throw new Error(`no change ${logicalId} in ${c.changes.map((ch) => ch.logicalId).join(', ')}`);
  return found;
}

function reasonsOf(c: Classification): string[] {
  return c.changes.flatMap((ch) => ch.attention);
}

/** The one attention reason of a change, checked to name the resource and each expected fragment. */
function expectReason(c: Classification, logicalId: string, ...fragments: string[]): void {
  const reasons = change(c, logicalId).attention;
  expect(reasons.some((r) => r.includes(logicalId) && fragments.every((f) => r.includes(f)))).toBe(true);
}

const policyDoc = (...Statement: object[]): object => ({ Version: '2012-10-17', Statement });

describe('classify: the fixtures', () => {
  test('only additions of a narrow role, its policy, a function, a table and a log group are low risk', () => {
    const c = classify(reviewed(onlyAdds));

    expect(c.tier).toBe('low');
    expect(c.counts).toEqual({ add: 5, modify: 0, remove: 0, replace: 0, total: 5 });
    expect(c.attentionCount).toBe(0);
    expect(reasonsOf(c)).toEqual([]);
    expect(c.problems).toEqual([]);
    expect(c.changes.every((ch) => ch.stackPath.length === 0 && ch.action === 'Add')).toBe(true);
  });

  test('a code deployment (Timeout 10 → 30, new S3Key, new version, alias moved to it) is low risk, each property once', () => {
    const c = classify(reviewed(lambdaModified));

    expect(c.tier).toBe('low');
    expect(c.counts).toEqual({ add: 1, modify: 2, remove: 1, replace: 0, total: 4 });
    const fn = change(c, 'OrdersHandler1A2B3C4D');
    expect(fn).toMatchObject({
      physicalId: 'checkin-service-prod-OrdersHandler1A2B3C4D-Xy7Zq8Rt9Uv0',
      resourceType: 'AWS::Lambda::Function',
      action: 'Modify',
      replacement: 'False',
      replacementCauses: [],
      attention: [],
    });
    // The S3Key appears in a Static and a Dynamic detail: one property.
    expect(fn.properties).toEqual([
      { path: '/Properties/Timeout', changeType: 'Modify', before: '10', after: '30', requiresRecreation: 'Never' },
      {
        path: '/Properties/Code/S3Key', changeType: 'Modify', requiresRecreation: 'Never',
        before: '3f1c2b9e0d8a7f6e5d4c3b2a19087f6e5d4c3b2a19087f6e5d4c3b2a1908.zip',
        after: '9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f.zip',
      },
    ]);
    expect(change(c, 'OrdersHandlerLiveAlias0C1D2E3F').properties).toEqual([
      { path: '/Properties/FunctionVersion', changeType: 'Modify', before: '7', after: KNOWN_AFTER_APPLY, requiresRecreation: 'Never' },
    ]);
  });

  test('a conditional replacement of a stateless resource is low, but keeps the properties that cause it', () => {
    const c = classify(reviewed(conditionalReplacement));

    expect(c.tier).toBe('low');
    expect(c.counts.replace).toBe(2);
    expect(change(c, 'BastionInstance9F8E7D6C')).toMatchObject({ replacement: 'True', replacementCauses: ['/Properties/ImageId'], attention: [] });
    expect(change(c, 'BastionScratchAttachment1A2B3C4D')).toMatchObject({ replacement: 'Conditional', replacementCauses: ['/Properties/InstanceId'], attention: [] });
  });

  test('a replaced table, a deleted log group, a retained bucket and a queue that may be replaced all need attention', () => {
    const c = classify(reviewed(dataAtRisk));

    expect(c.tier).toBe('high');
    expect(c.attentionCount).toBe(4);
    expect(c.counts).toEqual({ add: 0, modify: 2, remove: 2, replace: 2, total: 4 });
    expectReason(c, 'OrdersTableA1B2C3D4', 'AWS::DynamoDB::Table', 'is replaced', '/Properties/KeySchema/0/AttributeName', 'items are deleted');
    expect(change(c, 'OrdersTableA1B2C3D4').replacementCauses).toEqual(['/Properties/KeySchema/0/AttributeName']);
    expectReason(c, 'LegacyHandlerLogGroup2B3C4D5E', 'is deleted', 'log events are deleted');
    expectReason(c, 'ExportsBucket6F7A8B9C', 'retained', 'PolicyAction Retain');
    expectReason(c, 'AuditQueue0D1E2F3A', 'may be replaced', '/Properties/QueueName', 'messages waiting in it are lost');
  });

  test('IAM widening: an action added, a * resource, a condition removed, a trust widened to another account', () => {
    const c = classify(reviewed(iamWidening));

    expect(c.tier).toBe('high');
    expect(c.attentionCount).toBe(3);
    expectReason(c, 'OrdersHandlerServiceRole4F5A6B7C', 'Properties.AssumeRolePolicyDocument', `arn:aws:iam::${OTHER_ACCOUNT}:root`, 'another account');
    expectReason(c, 'OrdersHandlerServiceRoleDefaultPolicy9E8D7C6B', 'Properties.PolicyDocument', 'new action dynamodb:DeleteItem');
    expectReason(c, 'OrdersHandlerServiceRoleDefaultPolicy9E8D7C6B', 'Properties.PolicyDocument', 's3:GetObject', `'*' (every resource)`);
    expectReason(c, 'ReportsBucketPolicy7C8D9E0F', 'Properties.PolicyDocument', 'AllowReportReadersFromVpce', 'condition StringEquals aws:SourceVpce removed');
    // The unchanged Deny of the bucket policy is no reason.
    expect(reasonsOf(c).some((r) => r.includes('DenyInsecureTransport'))).toBe(false);
  });

  test('IAM narrowing (an action, a statement and a managed policy removed) stays low', () => {
    const c = classify(reviewed(iamNarrowing));

    expect(c.tier).toBe('low');
    expect(reasonsOf(c)).toEqual([]);
  });

  test('a deployment group switched to LambdaAllAtOnce that stops watching an alarm, and the alarm removed', () => {
    const c = classify(reviewed(deployWeakened));

    expect(c.tier).toBe('high');
    expectReason(c, 'OrdersDeploymentGroup3B4C5D6E', 'Properties.DeploymentConfigName', 'CodeDeployDefault.LambdaCanary10Percent5Minutes', 'CodeDeployDefault.LambdaAllAtOnce');
    expectReason(c, 'OrdersDeploymentGroup3B4C5D6E', 'Properties.AlarmConfiguration', 'checkin-prod-orders-errors');
    expectReason(c, 'OrdersErrorsAlarm8A9B0C1D', 'AWS::CloudWatch::Alarm', 'is removed');
    expect(change(c, 'OrdersDeploymentGroup3B4C5D6E').attention).toHaveLength(2);
  });

  test('a nested change set is reviewed under its stack path; a nested stack whose change set was not read is attention', () => {
    const c = classify(reviewed(nestedParent, { ApiNested: reviewed(apiNested) }));

    expect(c.tier).toBe('high');
    expect(c.changes.map((ch) => [...ch.stackPath, ch.logicalId].join('/'))).toEqual([
      'ApiNested', 'ApiNested/ApiHandler5A6B7C8D', 'ApiNested/SessionsTable9E0F1A2B', 'WorkerNested',
    ]);
    expect(change(c, 'ApiNested').attention).toEqual([]);
    expect(change(c, 'ApiHandler5A6B7C8D')).toMatchObject({ stackPath: ['ApiNested'], attention: [] });
    expectReason(c, 'SessionsTable9E0F1A2B', 'ApiNested/SessionsTable9E0F1A2B (AWS::DynamoDB::Table) is deleted');
    expectReason(c, 'WorkerNested', 'nested stack changes were not reviewed', WORKER_NESTED_CHANGE_SET_ID);
    expect(c.counts).toEqual({ add: 0, modify: 3, remove: 1, replace: 0, total: 4 });
  });

  test('a change set read over two pages is classified over the concatenated changes', () => {
    const firstPageOnly = classify(reviewed(pagedFirst));
    const both = classify({ ...reviewed(pagedFirst), changes: [...(pagedFirst.Changes ?? []), ...(pagedSecond.Changes ?? [])] });

    expect(firstPageOnly.tier).toBe('low');
    expect(both.tier).toBe('high');
    expect(both.counts).toEqual({ add: 1, modify: 1, remove: 1, replace: 0, total: 3 });
    expectReason(both, 'ReceiptsKey0A1B2C3D', 'AWS::KMS::Key', 'is deleted', 'encrypted under it becomes unreadable');
  });

  test('an empty change set (FAILED: no changes) is tier none', () => {
    const c = classify(reviewed(empty));

    expect(c).toEqual({ tier: 'none', changes: [], counts: { add: 0, modify: 0, remove: 0, replace: 0, total: 0 }, attentionCount: 0, problems: [] });
  });

  test('a Dynamic action is not understood: attention', () => {
    const c = classify(reviewed(dynamicAction));

    expect(c.tier).toBe('high');
    expectReason(c, 'SchemaMigration3E4F5A6B', 'Custom::SchemaMigration', 'action Dynamic');
  });
});

describe('classify: what is not understood', () => {
  test('a change whose Type is not Resource', () => {
    const c = classify({ ...changeSetOf(), changes: [{ Type: 'Hook' as 'Resource', ResourceChange: { LogicalResourceId: 'Thing', ResourceType: 'AWS::SNS::Topic', Action: 'Add' } }] });

    expect(c.tier).toBe('high');
    expectReason(c, 'Thing', 'a change of type Hook is not one the review understands');
  });

  test('a Resource change without its ResourceChange', () => {
    const c = classify({ ...changeSetOf(), changes: [{ Type: 'Resource' }] });

    expect(c.tier).toBe('high');
    expect(reasonsOf(c)).toEqual(['(no logical id) ((no resource type)): a Resource change without its ResourceChange could not be checked.']);
  });

  test('an action newer than the review (SyncWithActual)', () => {
    const c = classify(changeSetOf({ Action: 'SyncWithActual', LogicalResourceId: 'Topic', ResourceType: 'AWS::SNS::Topic' }));

    expectReason(c, 'Topic', 'action SyncWithActual is not one the review understands');
  });

  test('a removed nested stack deletes resources the change set does not list', () => {
    const c = classify(changeSetOf({ Action: 'Remove', LogicalResourceId: 'OldNested', ResourceType: 'AWS::CloudFormation::Stack', PolicyAction: 'Delete' }));

    expectReason(c, 'OldNested', 'every resource in that nested stack is deleted');
  });

  test('a nested change set that failed for another reason than "no changes" was not reviewed; one without changes is fine', () => {
    const stack: ResourceChange = { Action: 'Modify', LogicalResourceId: 'ApiNested', ResourceType: 'AWS::CloudFormation::Stack', ChangeSetId: 'arn:nested' };
    const failed = { ...reviewed(apiNested), status: 'FAILED', statusReason: 'Template error: instance of Fn::GetAtt references undefined resource', changes: [] };
    const unchanged = { ...reviewed(apiNested), status: 'FAILED', statusReason: 'No updates are to be performed.', changes: [] };

    const c = classify({ ...changeSetOf(stack), nested: { ApiNested: failed } });
    expectReason(c, 'ApiNested', 'its nested change set is FAILED', 'Template error');
    expect(classify({ ...changeSetOf(stack), nested: { ApiNested: unchanged } }).tier).toBe('low');
  });

  test('a change set that is not complete is a problem of the change set itself, never tier none', () => {
    const c = classify({ ...reviewed(empty), statusReason: 'Requires capabilities : [CAPABILITY_NAMED_IAM]' });

    expect(c.tier).toBe('high');
    expect(c.problems).toEqual([`The change set crosswalk-checkin-service-prod of checkin-service-prod is FAILED (Requires capabilities : [CAPABILITY_NAMED_IAM]).`]);
    expect(c.attentionCount).toBe(0);
  });
});

describe('classify: data-bearing resources', () => {
  test('the table of types says why each matters', () => {
    for (const type of ['AWS::DynamoDB::Table', 'AWS::S3::Bucket', 'AWS::KMS::Key', 'AWS::Logs::LogGroup', 'AWS::Cognito::UserPool', 'AWS::RDS::DBCluster', 'AWS::SQS::Queue', 'AWS::SNS::Topic', 'AWS::SecretsManager::Secret']) {
      expect(DATA_BEARING_TYPES[type]).toMatch(/\w{3,}/);
    }
  });

  test('a deletion with a final snapshot still needs attention, and says so', () => {
    const c = classify(changeSetOf({ Action: 'Remove', LogicalResourceId: 'Database', ResourceType: 'AWS::RDS::DBCluster', PolicyAction: 'Snapshot', PhysicalResourceId: 'checkin-db' }));

    expectReason(c, 'Database', 'after a final snapshot', 'PolicyAction Snapshot');
  });

  test('a replacement whose old resource is retained says the new one starts empty', () => {
    const c = classify(changeSetOf({
      Action: 'Modify', LogicalResourceId: 'Pool', ResourceType: 'AWS::Cognito::UserPool', Replacement: 'True', PolicyAction: 'ReplaceAndRetain',
      Details: [{ Target: { Attribute: 'Properties', Name: 'UsernameAttributes', RequiresRecreation: 'Always' }, Evaluation: 'Static', ChangeSource: 'DirectModification' }],
    }));

    expectReason(c, 'Pool', 'is replaced because Properties.UsernameAttributes changes', 'old resource is retained', 'new, empty one');
  });

  test('a changed DeletionPolicy of a table is attention; a modification in place is not', () => {
    const c = classify(changeSetOf(
      {
        Action: 'Modify', LogicalResourceId: 'Table', ResourceType: 'AWS::DynamoDB::Table', Replacement: 'False', Scope: ['DeletionPolicy'],
        Details: [{ Target: { Attribute: 'DeletionPolicy' }, Evaluation: 'Static', ChangeSource: 'DirectModification' }],
      },
      {
        Action: 'Modify', LogicalResourceId: 'Quiet', ResourceType: 'AWS::DynamoDB::Table', Replacement: 'False',
        Details: [{ Target: { Attribute: 'Properties', Name: 'BillingMode', Path: '/Properties/BillingMode', RequiresRecreation: 'Never', BeforeValue: 'PROVISIONED', AfterValue: 'PAY_PER_REQUEST' }, Evaluation: 'Static' }],
      },
    ));

    expectReason(c, 'Table', 'DeletionPolicy changes');
    expect(change(c, 'Quiet').attention).toEqual([]);
  });

  test('details of one property merge: the strongest RequiresRecreation wins', () => {
    const c = classify(changeSetOf({
      Action: 'Modify', LogicalResourceId: 'Fn', ResourceType: 'AWS::Lambda::Function', Replacement: 'Conditional',
      Details: [
        { Target: { Attribute: 'Properties', Name: 'FunctionName', Path: '/Properties/FunctionName', RequiresRecreation: 'Never', BeforeValue: 'a' }, Evaluation: 'Static' },
        { Target: { Attribute: 'Properties', Name: 'FunctionName', Path: '/Properties/FunctionName', RequiresRecreation: 'Always', AfterValue: KNOWN_AFTER_APPLY }, Evaluation: 'Dynamic' },
      ],
    }));

    expect(change(c, 'Fn').properties).toEqual([{ path: '/Properties/FunctionName', before: 'a', after: KNOWN_AFTER_APPLY, requiresRecreation: 'Always' }]);
    expect(change(c, 'Fn').replacementCauses).toEqual(['/Properties/FunctionName']);
    expect(c.tier).toBe('low');
  });
});

describe('classify: IAM', () => {
  const role = (props: object): ResourceChange => ({ Action: 'Add', LogicalResourceId: 'NewRole', ResourceType: 'AWS::IAM::Role', AfterContext: context(props) });
  const lambdaTrust = policyDoc({ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' });

  test('a new role with a wildcard action is attention; a narrow one is not', () => {
    const wide = classify(changeSetOf(role({
      AssumeRolePolicyDocument: lambdaTrust,
      Policies: [{ PolicyName: 'Admin', PolicyDocument: policyDoc({ Effect: 'Allow', Action: '*', Resource: '*' }) }],
    })));
    const narrow = classify(changeSetOf(role({
      AssumeRolePolicyDocument: lambdaTrust,
      Policies: [{ PolicyName: 'Read', PolicyDocument: policyDoc({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::checkin-reports/*' }) }],
    })));

    expectReason(wide, 'NewRole', 'is new', "policy 'Admin'", 'wildcard action *', `Resource * (every resource)`);
    expect(narrow.tier).toBe('low');
  });

  test('a new role trusted by another account, by anyone, or with AdministratorAccess is attention', () => {
    const c = classify(changeSetOf(
      { ...role({ AssumeRolePolicyDocument: policyDoc({ Effect: 'Allow', Principal: { AWS: OTHER_ACCOUNT }, Action: 'sts:AssumeRole' }) }), LogicalResourceId: 'CrossAccount' },
      { ...role({ AssumeRolePolicyDocument: policyDoc({ Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole' }) }), LogicalResourceId: 'Anyone' },
      { ...role({ AssumeRolePolicyDocument: lambdaTrust, ManagedPolicyArns: ['arn:aws:iam::aws:policy/AdministratorAccess'] }), LogicalResourceId: 'Admin' },
      { ...role({ AssumeRolePolicyDocument: policyDoc({ Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 'sts:AssumeRole' }) }), LogicalResourceId: 'SameAccount' },
    ));

    expectReason(c, 'CrossAccount', `arn:aws:iam::${OTHER_ACCOUNT}:root (account ${OTHER_ACCOUNT}, another account)`);
    expectReason(c, 'Anyone', `lets in '*' (anyone)`);
    expectReason(c, 'Admin', 'AdministratorAccess');
    expect(change(c, 'SameAccount').attention).toEqual([]);
  });

  test('a new repository without properties (context `{}`) has no policy to worry about', () => {
    const c = classify(changeSetOf({ Action: 'Add', LogicalResourceId: 'Images', ResourceType: 'AWS::ECR::Repository', AfterContext: '{}' }));

    expect(c.tier).toBe('low');
  });

  test("a new key's default policy (its own account, kms:*, Resource *) is not broad: a resource policy is judged by its principals", () => {
    const c = classify(changeSetOf({
      Action: 'Add', LogicalResourceId: 'Key', ResourceType: 'AWS::KMS::Key',
      AfterContext: context({ KeyPolicy: policyDoc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' }) }),
    }));

    expect(c.tier).toBe('low');
  });

  test('a removed Deny, a removed permissions boundary and a new managed policy widen an existing role', () => {
    const deny = { Effect: 'Deny', Action: 'iam:*', Resource: '*' };
    const before = { AssumeRolePolicyDocument: lambdaTrust, PermissionsBoundary: `arn:aws:iam::${ACCOUNT}:policy/boundary`, ManagedPolicyArns: [], Policies: [{ PolicyName: 'Guard', PolicyDocument: policyDoc(deny) }] };
    const after = { AssumeRolePolicyDocument: lambdaTrust, ManagedPolicyArns: ['arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess'], Policies: [] };
    const c = classify(changeSetOf({
      Action: 'Modify', LogicalResourceId: 'Role', ResourceType: 'AWS::IAM::Role', Replacement: 'False',
      BeforeContext: context(before), AfterContext: context(after),
      Details: [{ Target: { Attribute: 'Properties', Name: 'Policies', Path: '/Properties/Policies/0', RequiresRecreation: 'Never', AttributeChangeType: 'Remove' } }],
    }));

    expectReason(c, 'Role', 'Deny', 'iam:*', 'removed or narrowed');
    expectReason(c, 'Role', 'permissions boundary', 'is removed');
    expectReason(c, 'Role', 'AmazonS3ReadOnlyAccess');
    expect(change(c, 'Role').attention).toHaveLength(3);
  });

  test('removing a bucket policy lifts its Deny statements', () => {
    const c = classify(changeSetOf({
      Action: 'Remove', LogicalResourceId: 'BucketPolicy', ResourceType: 'AWS::S3::BucketPolicy', PolicyAction: 'Delete',
      BeforeContext: context({ Bucket: 'b', PolicyDocument: policyDoc({ Sid: 'TlsOnly', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }) }),
    }));

    expectReason(c, 'BucketPolicy', "statement 'TlsOnly'", 'stops applying');
  });

  test('a policy attached to one more role widens that role', () => {
    const doc = policyDoc({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' });
    const c = classify(changeSetOf({
      Action: 'Modify', LogicalResourceId: 'Shared', ResourceType: 'AWS::IAM::ManagedPolicy', Replacement: 'False',
      BeforeContext: context({ PolicyDocument: doc, Roles: ['reader'] }), AfterContext: context({ PolicyDocument: doc, Roles: ['reader', 'batch-worker'] }),
      Details: [{ Target: { Attribute: 'Properties', Name: 'Roles', Path: '/Properties/Roles/1', AfterValue: 'batch-worker', AttributeChangeType: 'Add' } }],
    }));

    expectReason(c, 'Shared', 'Properties.Roles now includes batch-worker');
  });

  test('Lambda permissions: scoped to a source is low; anyone, or a service for any account, is attention', () => {
    const permission = (id: string, props: object): ResourceChange => ({ Action: 'Add', LogicalResourceId: id, ResourceType: 'AWS::Lambda::Permission', AfterContext: context(props) });
    const c = classify(changeSetOf(
      permission('ApiInvoke', { Action: 'lambda:InvokeFunction', FunctionName: 'fn', Principal: 'apigateway.amazonaws.com', SourceArn: KNOWN_AFTER_APPLY }),
      permission('PublicUrl', { Action: 'lambda:InvokeFunctionUrl', FunctionName: 'fn', Principal: '*', FunctionUrlAuthType: 'NONE' }),
      permission('AnyBucket', { Action: 'lambda:InvokeFunction', FunctionName: 'fn', Principal: 's3.amazonaws.com' }),
    ));

    expect(change(c, 'ApiInvoke').attention).toEqual([]);
    expectReason(c, 'PublicUrl', `'*' (anyone)`);
    expectReason(c, 'AnyBucket', 's3.amazonaws.com', 'for any account');
  });

  test('a policy that cannot be compared is attention: unresolved, not JSON, or no property values', () => {
    const doc = policyDoc({ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: 'arn:aws:sqs:eu-west-1:222222222222:q' });
    const c = classify(changeSetOf(
      {
        Action: 'Modify', LogicalResourceId: 'Unresolved', ResourceType: 'AWS::IAM::Policy', Replacement: 'False',
        BeforeContext: context({ PolicyDocument: doc, Roles: ['r'] }),
        AfterContext: context({ PolicyDocument: policyDoc({ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: KNOWN_AFTER_APPLY }), Roles: ['r'] }),
        Details: [{ Target: { Attribute: 'Properties', Name: 'PolicyDocument', Path: '/Properties/PolicyDocument/Statement/0/Resource' } }],
      },
      {
        Action: 'Modify', LogicalResourceId: 'Garbled', ResourceType: 'AWS::SQS::QueuePolicy', Replacement: 'False',
        BeforeContext: '{"Properties": {"PolicyDocument": ', AfterContext: context({ PolicyDocument: doc, Queues: ['q'] }),
        Details: [{ Target: { Attribute: 'Properties', Name: 'PolicyDocument', Path: '/Properties/PolicyDocument' } }],
      },
      { Action: 'Add', LogicalResourceId: 'NoValues', ResourceType: 'AWS::IAM::Policy' },
    ));

    expectReason(c, 'Unresolved', 'could not compare the policy', 'Resource of Properties.PolicyDocument statement 1 is only known after the change set runs');
    expectReason(c, 'Garbled', 'could not compare the policy', 'BeforeContext is not valid JSON');
    expectReason(c, 'NoValues', 'could not compare the policy', 'no AfterContext');
  });

  test('wildcards of the old policy cover what the new one names: s3:Get* on bucket/*, an account root in a trust', () => {
    const modify = (id: string, type: string, before: object, after: object): ResourceChange => ({
      Action: 'Modify', LogicalResourceId: id, ResourceType: type, Replacement: 'False', BeforeContext: context(before), AfterContext: context(after),
      Details: [{ Target: { Attribute: 'Properties', Name: 'PolicyDocument', Path: '/Properties/PolicyDocument' } }],
    });
    const c = classify(changeSetOf(
      modify('Reader', 'AWS::IAM::Policy',
        { PolicyDocument: policyDoc({ Effect: 'Allow', Action: 's3:Get*', Resource: 'arn:aws:s3:::checkin-reports/*' }), Roles: ['r'] },
        { PolicyDocument: policyDoc({ Effect: 'Allow', Action: ['s3:GetObject', 'S3:GetObjectVersion'], Resource: 'arn:aws:s3:::checkin-reports/2025/*' }), Roles: ['r'] }),
      modify('Trust', 'AWS::IAM::Role',
        { AssumeRolePolicyDocument: policyDoc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' }) },
        { AssumeRolePolicyDocument: policyDoc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/deployer` }, Action: 'sts:AssumeRole' }) }),
      modify('Broader', 'AWS::IAM::Policy',
        { PolicyDocument: policyDoc({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::checkin-reports/2025/*' }), Roles: ['r'] },
        { PolicyDocument: policyDoc({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::checkin-reports/*' }), Roles: ['r'] }),
    ));

    expect(change(c, 'Reader').attention).toEqual([]);
    expect(change(c, 'Trust').attention).toEqual([]);
    expectReason(c, 'Broader', 'new resource arn:aws:s3:::checkin-reports/*');
  });

  test('NotAction on an Allow, and a policy given as a JSON string, are compared; a string that is not JSON is not', () => {
    const repository = (id: string, before: string, after: string): ResourceChange => ({
      Action: 'Modify', LogicalResourceId: id, ResourceType: 'AWS::ECR::Repository', Replacement: 'False',
      BeforeContext: context({ RepositoryName: 'checkin', RepositoryPolicyText: before }), AfterContext: context({ RepositoryName: 'checkin', RepositoryPolicyText: after }),
      Details: [{ Target: { Attribute: 'Properties', Name: 'RepositoryPolicyText', Path: '/Properties/RepositoryPolicyText' } }],
    });
    const pull = JSON.stringify(policyDoc({ Sid: 'Pull', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: ['ecr:BatchGetImage'] }));
    const pullFromAnywhere = JSON.stringify(policyDoc({ Sid: 'Pull', Effect: 'Allow', Principal: '*', Action: ['ecr:BatchGetImage'] }));
    const c = classify(changeSetOf(
      repository('Public', pull, pullFromAnywhere),
      repository('Garbled', pull, '{"Statement": ['),
      {
        Action: 'Modify', LogicalResourceId: 'Inverted', ResourceType: 'AWS::IAM::Policy', Replacement: 'False',
        BeforeContext: context({ PolicyDocument: policyDoc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }), Roles: ['r'] }),
        AfterContext: context({ PolicyDocument: policyDoc({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }), Roles: ['r'] }),
        Details: [{ Target: { Attribute: 'Properties', Name: 'PolicyDocument', Path: '/Properties/PolicyDocument/Statement/0' } }],
      },
    ));

    expectReason(c, 'Public', "statement 'Pull'", `new principal '*' (anyone)`);
    expectReason(c, 'Garbled', 'could not compare the policy', 'Properties.RepositoryPolicyText is not valid JSON');
    expectReason(c, 'Inverted', 'now allows every action except iam:* (NotAction)');
  });

  test('a permissions boundary swapped for another may allow more', () => {
    const trust = policyDoc({ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' });
    const c = classify(changeSetOf({
      Action: 'Modify', LogicalResourceId: 'Role', ResourceType: 'AWS::IAM::Role', Replacement: 'False',
      BeforeContext: context({ AssumeRolePolicyDocument: trust, PermissionsBoundary: `arn:aws:iam::${ACCOUNT}:policy/app-boundary` }),
      AfterContext: context({ AssumeRolePolicyDocument: trust, PermissionsBoundary: `arn:aws:iam::${ACCOUNT}:policy/ops-boundary` }),
      Details: [{ Target: { Attribute: 'Properties', Name: 'PermissionsBoundary', Path: '/Properties/PermissionsBoundary' } }],
    }));

    expectReason(c, 'Role', 'permissions boundary changes from', 'ops-boundary');
  });

  test('a role change that touches no policy (tags) is low even without property values', () => {
    const c = classify(changeSetOf({
      Action: 'Modify', LogicalResourceId: 'Role', ResourceType: 'AWS::IAM::Role', Replacement: 'False', Scope: ['Tags'],
      Details: [{ Target: { Attribute: 'Tags', RequiresRecreation: 'Never' }, Evaluation: 'Static', ChangeSource: 'DirectModification' }],
    }));

    expect(c.tier).toBe('low');
  });
});

describe('classify: safe deployment', () => {
  const group = (before: object, after: object): ResourceChange => ({
    Action: 'Modify', LogicalResourceId: 'Group', ResourceType: 'AWS::CodeDeploy::DeploymentGroup', Replacement: 'False',
    BeforeContext: context(before), AfterContext: context(after),
    Details: [{ Target: { Attribute: 'Properties', Name: 'AlarmConfiguration', Path: '/Properties/AlarmConfiguration' } }],
  });

  test('rollback off, fewer rollback events, alarms off and IgnorePollAlarmFailure are each attention', () => {
    const rolledBack = { Enabled: true, Events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM'] };
    const c = classify(changeSetOf(
      { ...group({ AutoRollbackConfiguration: rolledBack }, { AutoRollbackConfiguration: { Enabled: false } }), LogicalResourceId: 'RollbackOff' },
      { ...group({ AutoRollbackConfiguration: rolledBack }, { AutoRollbackConfiguration: { Enabled: true, Events: ['DEPLOYMENT_FAILURE'] } }), LogicalResourceId: 'FewerEvents' },
      {
        ...group({ AlarmConfiguration: { Enabled: true, Alarms: [{ Name: 'a' }] } }, { AlarmConfiguration: { Enabled: false, IgnorePollAlarmFailure: true, Alarms: [{ Name: 'a' }] } }),
        LogicalResourceId: 'AlarmsOff',
      },
    ));

    expectReason(c, 'RollbackOff', 'AutoRollbackConfiguration.Enabled', 'off');
    expectReason(c, 'FewerEvents', 'no longer rolls back on DEPLOYMENT_STOP_ON_ALARM');
    expectReason(c, 'AlarmsOff', 'AlarmConfiguration.Enabled');
    expectReason(c, 'AlarmsOff', 'IgnorePollAlarmFailure');
  });

  test('a changed deployment config, a replaced alarm, and a deployment group whose values cannot be read are attention', () => {
    const c = classify(changeSetOf(
      {
        Action: 'Modify', LogicalResourceId: 'Canary', ResourceType: 'AWS::CodeDeploy::DeploymentConfig', Replacement: 'True', PolicyAction: 'ReplaceAndDelete',
        Details: [{ Target: { Attribute: 'Properties', Name: 'TrafficRoutingConfig', Path: '/Properties/TrafficRoutingConfig/TimeBasedCanary/CanaryInterval', RequiresRecreation: 'Always', BeforeValue: '10', AfterValue: '1' } }],
      },
      {
        Action: 'Modify', LogicalResourceId: 'LatencyAlarm', ResourceType: 'AWS::CloudWatch::Alarm', Replacement: 'True', PolicyAction: 'ReplaceAndDelete',
        Details: [{ Target: { Attribute: 'Properties', Name: 'AlarmName', Path: '/Properties/AlarmName', RequiresRecreation: 'Always', BeforeValue: 'latency', AfterValue: 'orders-latency' } }],
      },
      {
        Action: 'Modify', LogicalResourceId: 'Group', ResourceType: 'AWS::CodeDeploy::DeploymentGroup', Replacement: 'False',
        Details: [{ Target: { Attribute: 'Properties', Name: 'AutoRollbackConfiguration', RequiresRecreation: 'Never' } }],
      },
    ));

    expectReason(c, 'Canary', 'because /Properties/TrafficRoutingConfig/TimeBasedCanary/CanaryInterval changes', 'different schedule');
    expectReason(c, 'LatencyAlarm', 'is replaced because /Properties/AlarmName changes', 'INSUFFICIENT_DATA');
    expectReason(c, 'Group', 'could not check its deployment safety settings', 'no BeforeContext');
  });

  test('a changed alarm threshold is attention, with before and after', () => {
    const c = classify(changeSetOf({
      Action: 'Modify', LogicalResourceId: 'ErrorsAlarm', ResourceType: 'AWS::CloudWatch::Alarm', Replacement: 'False',
      Details: [{ Target: { Attribute: 'Properties', Name: 'Threshold', Path: '/Properties/Threshold', RequiresRecreation: 'Never', BeforeValue: '1', AfterValue: '50' } }],
    }));

    expectReason(c, 'ErrorsAlarm', '/Properties/Threshold changes from 1 to 50');
  });

  test('an alias change other than its version is attention (its UpdatePolicy is not shown); a removed hook function too', () => {
    const c = classify(changeSetOf(
      {
        Action: 'Modify', LogicalResourceId: 'LiveAlias', ResourceType: 'AWS::Lambda::Alias', Replacement: 'False',
        Details: [{ Target: { Attribute: 'Properties', Name: 'RoutingConfig', Path: '/Properties/RoutingConfig/AdditionalVersionWeights/0/FunctionWeight', BeforeValue: '0.1', AfterValue: '1' } }],
      },
      { Action: 'Remove', LogicalResourceId: 'PreTrafficHook5F6A7B8C', ResourceType: 'AWS::Lambda::Function', PolicyAction: 'Delete' },
      { Action: 'Remove', LogicalResourceId: 'OldWorker', ResourceType: 'AWS::Lambda::Function', PolicyAction: 'Delete' },
    ));

    expectReason(c, 'LiveAlias', '/Properties/RoutingConfig', 'UpdatePolicy', 'not shown by a change set');
    expectReason(c, 'PreTrafficHook5F6A7B8C', 'traffic hook function is removed');
    expect(change(c, 'OldWorker').attention).toEqual([]);
  });
});

describe('decide', () => {
  test.each<[RiskTier, AutoApprove, boolean, boolean, string]>([
    ['none', 'never', true, false, 'no changes: approval required by policy never (a person confirms even an empty run); nothing to execute'],
    ['none', 'noChanges', false, false, 'no changes: nothing to approve or execute'],
    ['none', 'lowRisk', false, false, 'no changes: nothing to approve or execute'],
    ['low', 'never', true, true, 'approval required: risk tier low (policy never does not auto-approve it)'],
    ['low', 'noChanges', true, true, 'approval required: risk tier low (policy noChanges does not auto-approve it)'],
    ['low', 'lowRisk', false, true, 'auto-approved by policy lowRisk (risk tier low)'],
    ['high', 'never', true, true, 'approval required: risk tier high'],
    ['high', 'noChanges', true, true, 'approval required: risk tier high'],
    ['high', 'lowRisk', true, true, 'approval required: risk tier high'],
  ])('tier %s under policy %s: approval %s, execute %s', (tier, policy, approvalRequired, execute, reason) => {
    expect(decide(tier, policy)).toEqual({ approvalRequired, execute, reason });
  });
});
