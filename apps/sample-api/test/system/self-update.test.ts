import { BuildAccountRolesStack } from '@crosswalk/build-account';
import { Caller, evaluate, evaluateAll } from './policy';
import { FoundRole, bucketPolicy, describeRole, findKey, findRole } from './roles';
import { BothApps, synthesizeBothApps } from './synth-both';
import { DeployedStack } from './world';

/**
 * The self-update walked on both sides: the pipeline updates the build account's own stacks
 * (the artifact store's and its own) through the build account's convention roles
 * (BuildAccountRolesStack). Every assume is checked in the caller's identity policy and the
 * role's trust; every resource of the two stacks is checked against what the execution role
 * may create, and every permission of the pipeline's roles against the boundary they carry.
 *
 * Beliefs about AWS, each from the Service Authorization Reference
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html):
 * the resource each create call is authorized on, and its ARN format (below, beside each type);
 * iam:PermissionsBoundary is a condition key of CreateRole and PutRolePolicy, iam:PassedToService
 * of PassRole. Names CloudFormation generates start with the stack's name ("MyStack-MyBucket-abcdefghijk1":
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-name.html),
 * which the modelled world uses as `<stack name>-<logical id>`.
 */

/** Requests to S3 arrive over TLS 1.3, as the AWS CLI and the services send them. */
const S3_CONTEXT = { 'aws:SecureTransport': 'true', 's3:TlsVersion': '1.3' };

let both: BothApps;
let build: string;
let region: string;
let pipelineStack: DeployedStack;
let storeStack: DeployedStack;
let pipeline: any;
let deploymentRole: FoundRole;
let executionRole: FoundRole;
let readOnlyRole: FoundRole;
let boundaryArn: string;
let boundary: any;

beforeAll(() => {
  both = synthesizeBothApps();
  build = both.config.accounts.build;
  region = both.config.region;
  pipelineStack = both.deployed(both.build.pipeline);
  storeStack = both.deployed(both.build.artifactStore);
  const [[, resource]] = both.world.resourcesOf(pipelineStack, 'AWS::CodePipeline::Pipeline');
  pipeline = both.world.resolve(pipelineStack, resource.Properties);
  const roleOf = (name: string) => findRole(both.world, `arn:aws:iam::${build}:role/Crosswalk-${region}-${name}`)!;
  deploymentRole = roleOf('DeploymentRole');
  executionRole = roleOf('CfnExecutionRole');
  readOnlyRole = roleOf('ReadOnlyRole');
  const rolesStack = both.deployed(both.build.buildAccountRoles!);
  const [[boundaryId, boundaryResource]] = both.world.resourcesOf(rolesStack, 'AWS::IAM::ManagedPolicy');
  boundaryArn = both.world.physicalId(rolesStack, boundaryId);
  boundary = both.world.resolve(rolesStack, boundaryResource.Properties.PolicyDocument);
}, 180_000);

const caller = (role: FoundRole): Caller => ({ account: role.stack.account, arn: role.arn });
const pipelineRoleNamed = (name: string) => findRole(both.world, `arn:aws:iam::${build}:role/Crosswalk-${region}-${name}`)!;
/** Both sides of an assume within the build account: the caller's identity policy, and the role's trust. */
function assumes(from: FoundRole, to: FoundRole): [string, string] {
  return [
    evaluateAll(from.identityPolicies, { action: 'sts:AssumeRole', resource: to.arn }),
    evaluate(to.trustPolicy, { action: 'sts:AssumeRole', resource: to.arn, caller: caller(from) }),
  ];
}

describe('self-update: the pipeline updates the build account\'s own stacks', () => {
  test('the roles stack is deployed by hand: the deployment role cannot change the stack of its own permissions', () => {
    const rolesStackName = BuildAccountRolesStack.stackNameFor(both.config);
    expect(rolesStackName.startsWith('Crosswalk-')).toBe(false);
    const arn = (stack: string) => `arn:aws:cloudformation:${region}:${build}:stack/${stack}/0a1b2c3d`;
    expect(evaluateAll(deploymentRole.identityPolicies, { action: 'cloudformation:ExecuteChangeSet', resource: arn(rolesStackName) })).toBe('implicit-deny');
    for (const stack of [pipelineStack, storeStack]) {
      expect(evaluateAll(deploymentRole.identityPolicies, { action: 'cloudformation:ExecuteChangeSet', resource: arn(stack.stackName) })).toBe('allow');
      expect(evaluateAll(deploymentRole.identityPolicies, {
        action: 'cloudformation:CreateChangeSet', resource: arn(stack.stackName), context: { 'cloudformation:RoleArn': executionRole.arn },
      })).toBe('allow');
    }
    expect(evaluateAll(deploymentRole.identityPolicies, { action: 'iam:PassRole', resource: executionRole.arn, context: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } })).toBe('allow');
  });

  test('every self-update execution runs as the build account\'s deployment role, which the pipeline role may assume and which trusts it', () => {
    const own = pipeline.Stages.filter((s: any) => ['ArtifactStoreDeploy', 'PipelineDeploy'].includes(s.Name))
      .flatMap((s: any) => s.Actions.filter((a: any) => a.ActionTypeId.Provider === 'CloudFormation').map((a: any) => [s.Name, a]));
    expect(own.map(([stage, a]: any) => `${stage}/${a.Name} ${a.Configuration.StackName}`)).toEqual([
      'ArtifactStoreDeploy/ExecuteChangeSet Crosswalk-ArtifactStore', 'PipelineDeploy/ExecuteChangeSet Crosswalk-Pipeline',
    ]);
    for (const [, action] of own) expect(action.RoleArn).toBe(deploymentRole.arn);
    expect(assumes(findRole(both.world, pipeline.RoleArn)!, deploymentRole)).toEqual(['allow', 'allow']);
  });

  test('the change set function creates the change sets as that role, which reads the template it put in the artifact store', () => {
    expect(assumes(pipelineRoleNamed('ChangeSetRole'), deploymentRole)).toEqual(['allow', 'allow']);
    // CloudFormation reads TemplateURL with the caller's permissions: the deployment role's.
    const bucket = both.config.projectName.toLowerCase() + `-artifacts-${build}-${region}`;
    const template = `arn:aws:s3:::${bucket}/Crosswalk-pipeline/change-sets/0f6e2a1c/Pipeline.template.json`;
    expect(evaluateAll(pipelineRoleNamed('ChangeSetRole').identityPolicies, { action: 's3:PutObject', resource: template, context: S3_CONTEXT })).toBe('allow');
    expect(evaluateAll(deploymentRole.identityPolicies, { action: 's3:GetObject', resource: template, context: S3_CONTEXT })).toBe('allow');
    // The bucket policy does not deny it (same account: the identity policy is enough).
    expect(evaluate(bucketPolicy(both.world, bucket), { action: 's3:GetObject', resource: template, caller: caller(deploymentRole), context: S3_CONTEXT })).not.toBe('deny');
    const key = pipeline.ArtifactStore.EncryptionKey.Id;
    const found = findKey(both.world, key)!;
    expect(evaluateAll(deploymentRole.identityPolicies, { action: 'kms:Decrypt', resource: key, context: { 'kms:ResourceAliases': found.aliases } })).toBe('allow');
    // The key policy lets the account's identity policies decide (its root statement).
    expect(evaluate(found.policy, { action: 'kms:Decrypt', resource: key, caller: { account: build, arn: `arn:aws:iam::${build}:root` } })).toBe('allow');
  });

  test('the change review and the failure notifier read the build account\'s stacks through its read-only role, which writes nothing', () => {
    for (const name of ['PipelineChecksRole', 'FailureNotifierRole']) expect([name, ...assumes(pipelineRoleNamed(name), readOnlyRole)]).toEqual([name, 'allow', 'allow']);
    expect(assumes(pipelineRoleNamed('ChangeSetRole'), readOnlyRole)[1]).toBe('implicit-deny');
    const changeSet = `arn:aws:cloudformation:${region}:${build}:stack/Crosswalk-Pipeline/0a1b2c3d`;
    expect(evaluateAll(readOnlyRole.identityPolicies, { action: 'cloudformation:DescribeChangeSet', resource: changeSet })).toBe('allow');
    expect(evaluateAll(readOnlyRole.identityPolicies, { action: 'cloudformation:ExecuteChangeSet', resource: changeSet })).toBe('implicit-deny');
  });

  test('only the checks may stop this pipeline\'s executions (after its own update)', () => {
    const pipelineArn = `arn:aws:codepipeline:${region}:${build}:${pipeline.Name}`;
    expect(evaluateAll(pipelineRoleNamed('PipelineChecksRole').identityPolicies, { action: 'codepipeline:StopPipelineExecution', resource: pipelineArn })).toBe('allow');
    expect(evaluate(boundary, { action: 'codepipeline:StopPipelineExecution', resource: pipelineArn })).toBe('allow');
    for (const other of ['ChangeSetRole', 'FailureNotifierRole', 'PipelineRole']) {
      expect([other, evaluateAll(pipelineRoleNamed(other).identityPolicies, { action: 'codepipeline:StopPipelineExecution', resource: pipelineArn })]).toEqual([other, 'implicit-deny']);
    }
  });

  test('every role of the pipeline\'s stack carries the boundary, and every permission it is given lies within it', () => {
    const outside: string[] = [];
    for (const [logicalId] of both.world.resourcesOf(pipelineStack, 'AWS::IAM::Role')) {
      const role = describeRole(both.world, pipelineStack, logicalId);
      expect([logicalId, role.permissionsBoundary]).toEqual([logicalId, boundaryArn]);
      for (const statement of role.identityPolicies.flatMap((d) => [].concat(d.Statement ?? []) as any[]).filter((st) => st.Effect === 'Allow')) {
        for (const action of [].concat(statement.Action) as string[]) {
          for (const resource of [].concat(statement.Resource) as string[]) {
            if (evaluate(boundary, { action, resource }) !== 'allow') outside.push(`${logicalId}: ${action} on ${resource}`);
          }
        }
      }
    }
    expect(outside).toEqual([]);
  });

  test('the boundary keeps the pipeline\'s roles away from what they must never do', () => {
    for (const [action, resource] of [
      ['iam:CreateRole', `arn:aws:iam::${build}:role/Crosswalk-anything`],
      ['iam:PutRolePolicy', `arn:aws:iam::${build}:role/Crosswalk-${region}-CfnExecutionRole`],
      ['sts:AssumeRole', `arn:aws:iam::${build}:role/OrganizationAccountAccessRole`],
      ['s3:GetObject', 'arn:aws:s3:::another-teams-bucket/secret'],
      ['codepipeline:UpdatePipeline', `arn:aws:codepipeline:${region}:${build}:${pipeline.Name}`],
    ]) {
      expect([action, resource, evaluate(boundary, { action, resource })]).toEqual([action, resource, 'implicit-deny']);
    }
  });

  test('CloudFormation, as the build account\'s execution role, may create every resource of both stacks, and nothing is left unchecked', () => {
    const refused: string[] = [];
    for (const stack of [storeStack, pipelineStack]) {
      for (const [logicalId, resource] of Object.entries<any>(stack.template.Resources)) {
        for (const call of callsToCreate(stack, logicalId, resource)) {
          const decision = evaluateAll(executionRole.identityPolicies, call);
          if (decision !== 'allow') refused.push(`${stack.stackName}/${logicalId} (${resource.Type}): ${call.action} on ${call.resource} → ${decision}`);
        }
      }
    }
    expect(refused).toEqual([]);
  });

  test('the execution role reads the pipeline\'s function code it deploys from the artifact bucket, on both sides', () => {
    const functions = both.world.resourcesOf(pipelineStack, 'AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThan(0);
    for (const [, fn] of functions) {
      const code = both.world.resolve(pipelineStack, fn.Properties.Code);
      expect(code.S3Key).toMatch(/^assets\//);
      const object = `arn:aws:s3:::${code.S3Bucket}/${code.S3Key}`;
      expect(evaluateAll(executionRole.identityPolicies, { action: 's3:GetObject', resource: object, context: S3_CONTEXT })).toBe('allow');
      expect(evaluate(bucketPolicy(both.world, code.S3Bucket), { action: 's3:GetObject', resource: object, caller: caller(executionRole), context: S3_CONTEXT })).not.toBe('deny');
    }
  });
});

interface Call { readonly action: string; readonly resource: string; readonly context?: Record<string, string | string[]> }

/**
 * The calls CloudFormation makes as the execution role to create a resource, each on the
 * resource the Service Authorization Reference says it is authorized on. A type this walk does
 * not know fails the test: a new kind of resource in the build account's stacks needs its calls here.
 */
function callsToCreate(stack: DeployedStack, logicalId: string, resource: any): Call[] {
  const w = both.world;
  const p = resource.Properties ?? {};
  const regional = (service: string, rest: string) => `arn:aws:${service}:${stack.region}:${stack.account}:${rest}`;
  const boundaryOf = (roleArn: string) => ({ 'iam:PermissionsBoundary': findRole(w, roleArn)?.permissionsBoundary ?? 'none' });
  const passes = (roleArn: unknown, service: string): Call => ({ action: 'iam:PassRole', resource: String(w.resolve(stack, roleArn)), context: { 'iam:PassedToService': service } });
  switch (resource.Type) {
    case 'AWS::CDK::Metadata': return [];
    // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html
    case 'AWS::IAM::Role': {
      const arn = w.resourceArn(stack, logicalId);
      return [
        { action: 'iam:CreateRole', resource: arn, context: boundaryOf(arn) },
        ...(p.Policies ?? []).map(() => ({ action: 'iam:PutRolePolicy', resource: arn, context: boundaryOf(arn) })),
      ];
    }
    case 'AWS::IAM::Policy': return [
      ...(p.Roles ?? []).map((r: unknown) => {
        const arn = `arn:aws:iam::${stack.account}:role/${w.resolve(stack, r)}`;
        return { action: 'iam:PutRolePolicy', resource: arn, context: boundaryOf(arn) };
      }),
      ...(p.Groups ?? []).map((g: unknown) => ({ action: 'iam:PutGroupPolicy', resource: `arn:aws:iam::${stack.account}:group/${w.resolve(stack, g)}` })),
    ];
    case 'AWS::IAM::Group': return [{ action: 'iam:CreateGroup', resource: w.resourceArn(stack, logicalId) }];
    // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscodepipeline.html (pipeline: arn:…:codepipeline:region:account:name)
    case 'AWS::CodePipeline::Pipeline': return [
      { action: 'codepipeline:CreatePipeline', resource: regional('codepipeline', String(w.resolve(stack, p.Name))) },
      passes(p.RoleArn, 'codepipeline.amazonaws.com'),
    ];
    // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscodestarconnections.html (CreateConnection: no resource type)
    case 'AWS::CodeStarConnections::Connection': return [{ action: 'codestar-connections:CreateConnection', resource: '*', context: { 'codestar-connections:ProviderType': p.ProviderType } }];
    // https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatchlogs.html (log-group)
    case 'AWS::Logs::LogGroup': return [
      { action: 'logs:CreateLogGroup', resource: regional('logs', `log-group:${w.physicalId(stack, logicalId)}`) },
      ...(p.RetentionInDays !== undefined ? [{ action: 'logs:PutRetentionPolicy', resource: regional('logs', `log-group:${w.physicalId(stack, logicalId)}`) }] : []),
    ];
    // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscodebuild.html (project, report-group)
    case 'AWS::CodeBuild::ReportGroup': return [{ action: 'codebuild:CreateReportGroup', resource: w.resourceArn(stack, logicalId) }];
    case 'AWS::CodeBuild::Project': return [
      { action: 'codebuild:CreateProject', resource: w.resourceArn(stack, logicalId) },
      passes(p.ServiceRole, 'codebuild.amazonaws.com'),
    ];
    // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awskeymanagementservice.html (CreateKey: no resource type; alias actions: alias and key)
    case 'AWS::KMS::Key': return [
      { action: 'kms:CreateKey', resource: '*' },
      { action: 'kms:PutKeyPolicy', resource: w.resourceArn(stack, logicalId) },
      ...(p.EnableKeyRotation ? [{ action: 'kms:EnableKeyRotation', resource: w.resourceArn(stack, logicalId) }] : []),
    ];
    case 'AWS::KMS::Alias': return [
      { action: 'kms:CreateAlias', resource: regional('kms', String(p.AliasName)) },
      { action: 'kms:CreateAlias', resource: String(w.resolve(stack, p.TargetKeyId)) },
    ];
    // https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsns.html (topic)
    case 'AWS::SNS::Topic': return [{ action: 'sns:CreateTopic', resource: w.physicalId(stack, logicalId) }];
    case 'AWS::SNS::TopicPolicy': return (p.Topics ?? []).map((t: unknown) => ({ action: 'sns:SetTopicAttributes', resource: String(w.resolve(stack, t)) }));
    case 'AWS::SNS::Subscription': return [{ action: 'sns:Subscribe', resource: String(w.resolve(stack, p.TopicArn)) }];
    // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awslambda.html (function)
    case 'AWS::Lambda::Function': return [
      { action: 'lambda:CreateFunction', resource: w.resourceArn(stack, logicalId) },
      passes(p.Role, 'lambda.amazonaws.com'),
    ];
    case 'AWS::Lambda::EventInvokeConfig': return [{ action: 'lambda:PutFunctionEventInvokeConfig', resource: w.functionArn(stack, p.FunctionName) }];
    case 'AWS::Lambda::Permission': return [{ action: 'lambda:AddPermission', resource: w.functionArn(stack, p.FunctionName) }];
    // https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoneventbridge.html (rule-on-default-event-bus)
    case 'AWS::Events::Rule': return [
      { action: 'events:PutRule', resource: w.resourceArn(stack, logicalId) },
      { action: 'events:PutTargets', resource: w.resourceArn(stack, logicalId) },
    ];
    // https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html (bucket)
    case 'AWS::S3::Bucket': return [
      { action: 's3:CreateBucket', resource: w.resourceArn(stack, logicalId) },
      ...(p.BucketEncryption ? [{ action: 's3:PutEncryptionConfiguration', resource: w.resourceArn(stack, logicalId) }] : []),
      ...(p.LifecycleConfiguration ? [{ action: 's3:PutLifecycleConfiguration', resource: w.resourceArn(stack, logicalId) }] : []),
      ...(p.VersioningConfiguration ? [{ action: 's3:PutBucketVersioning', resource: w.resourceArn(stack, logicalId) }] : []),
      ...(p.PublicAccessBlockConfiguration ? [{ action: 's3:PutBucketPublicAccessBlock', resource: w.resourceArn(stack, logicalId) }] : []),
      ...(p.OwnershipControls ? [{ action: 's3:PutBucketOwnershipControls', resource: w.resourceArn(stack, logicalId) }] : []),
      ...(p.LoggingConfiguration ? [{ action: 's3:PutBucketLogging', resource: w.resourceArn(stack, logicalId) }] : []),
    ];
    case 'AWS::S3::BucketPolicy': return [{ action: 's3:PutBucketPolicy', resource: `arn:aws:s3:::${w.resolve(stack, p.Bucket)}` }];
    default:
      throw new Error(`${stack.stackName}/${logicalId} is a ${resource.Type}, whose creation this walk does not know: add the calls CloudFormation makes for it (and the execution role's permission)`);
  }
}
