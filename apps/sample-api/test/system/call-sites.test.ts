import { readdirSync, readFileSync, statSync } from 'fs';
import { join } from 'path';
import { CallPrincipal, CallSite, CallSites } from '@crosswalk/cross-account-role';
import { SampleApiStack } from '../../src/stacks';
import { Caller, Decision, evaluate, evaluateAll } from './policy';
import { FoundRole, bucketPolicy, findKey, findRole } from './roles';
import { BothApps, synthesizeBothApps } from './synth-both';
import { DeployedStack } from './world';

/**
 * The call-site authorization table (@crosswalk/cross-account-role `CallSites`) against the code
 * and against the synthesized policies of the example config: every SDK command the code sends
 * has a row, and every row is allowed by the identity policies of the role that makes the call,
 * by its permissions boundary, and by the policy on the other side (trust, bucket, key).
 */

const ROOT = join(__dirname, '..', '..', '..', '..');

/** Source trees whose code calls AWS in a deployed system (local mode and tests excluded). */
const SOURCES = ['packages/notifying-pipeline/lambda', 'packages/safe-lambda-deploy/lambda', 'packages/cli/src', 'apps/sample-api/src/lib', 'apps/sample-api/src/handlers'];

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** `new XCommand(` and `new sdk.XCommand(` in the sources: the commands the code sends. */
function commandsSent(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of SOURCES.flatMap((dir) => filesUnder(join(ROOT, dir)))) {
    for (const match of readFileSync(file, 'utf8').matchAll(/new\s+(?:\w+\.)?([A-Z]\w*?)Command\s*\(/g)) {
      found.set(match[1], [...(found.get(match[1]) ?? []), file.slice(ROOT.length + 1)]);
    }
  }
  return found;
}

test('every SDK command the functions and the crosswalk command send has a row in the call-site table', () => {
  const sent = commandsSent();
  expect(sent.size).toBeGreaterThan(20);
  const rows = new Set(CallSites.all().map((r) => r.command));
  const missing = [...sent.entries()].filter(([command]) => !rows.has(command)).map(([command, files]) => `${command} (${files.join(', ')})`);
  expect(missing).toEqual([]);
});

test('every S3 call that publish-assets makes through @aws-cdk/cdk-assets-lib has a row', () => {
  // The library's file handler: what it calls on the bucket (read from the installed library).
  const handler = readFileSync(join(ROOT, 'node_modules', '@aws-cdk', 'cdk-assets-lib', 'lib', 'private', 'handlers', 'files.js'), 'utf8');
  const calls = [...new Set([...handler.matchAll(/\bs3\.(\w+)\(/g)].map((m) => m[1]))];
  const asCommand: { [call: string]: string } = { listObjectsV2: 'ListObjectsV2', upload: 'PutObject', getBucketLocation: 'GetBucketLocation', getBucketEncryption: 'GetBucketEncryption' };
  expect(calls.filter((c) => asCommand[c] === undefined)).toEqual([]);
  const rows = CallSites.of(CallPrincipal.BUILD_STAGE).map((r) => r.command);
  expect(calls.map((c) => asCommand[c]).filter((c) => !rows.includes(c))).toEqual([]);
});

describe('each row is allowed on both sides, for the example config', () => {
  let both: BothApps;
  let values: { [placeholder: string]: string };
  /** Placeholders with several real values in the service stack (each hook and function has its own). */
  let candidates: { [placeholder: string]: string[] };
  let roles: Map<CallPrincipal, FoundRole[]>;

  beforeAll(() => {
    both = synthesizeBothApps();
    const config = both.config;
    const naming = both.build.pipeline.naming;
    const world = both.world;
    const prod = both.deployed(both.service.prod);
    const pipelineStack = both.deployed(both.build.pipeline);
    const [[, pipelineResource]] = world.resourcesOf(pipelineStack, 'AWS::CodePipeline::Pipeline');
    const pipeline = world.resolve(pipelineStack, pipelineResource.Properties);
    const physical = (stack: DeployedStack, type: string) => {
      const [first] = world.resourcesOf(stack, type);
      if (!first) throw new Error(`no ${type} in ${stack.stackName}`);
      return world.physicalId(stack, first[0]);
    };
    const functions = world.resourcesOf(prod, 'AWS::Lambda::Function').map(([, fn]) => findRole(world, world.resolve(prod, fn.Properties.Role))!);
    const allows = (role: FoundRole, prefix: string) => JSON.stringify(role.identityPolicies).includes(prefix);
    const hooks = functions.filter((r) => allows(r, 'codedeploy:PutLifecycleEventHookExecutionStatus'));
    const service = functions.filter((r) => allows(r, 'dynamodb:'));
    const buildAction = pipeline.Stages.find((s: any) => s.Name === 'Build').Actions[0];
    const [[projectId]] = world.resourcesOf(pipelineStack, 'AWS::CodeBuild::Project').filter(([id]) => world.physicalId(pipelineStack, id) === buildAction.Configuration.ProjectName);
    const buildRole = findRole(world, world.resolve(pipelineStack, world.resource(pipelineStack, projectId).Properties.ServiceRole))!;
    const parameter = world.resourcesOf(prod, 'AWS::SSM::Parameter').map(([, p]) => world.resolve(prod, p.Properties.Name) as string)[0];
    const keyArn: string = pipeline.ArtifactStore.EncryptionKey.Id;
    values = {
      Partition: 'aws',
      Region: config.region,
      TargetAccount: config.accounts.prod,
      BuildAccount: config.accounts.build,
      StackName: SampleApiStack.stackNameFor(config, 'prod'),
      // The change sets the pipeline creates: `<project>-<execution id>`.
      ChangeSetName: `${config.projectName}-0f6e2a1c-1111-2222-3333-444455556666`,
      ReadOnlyRoleName: naming.readOnlyRoleName,
      DeploymentRoleName: naming.deploymentRoleName,
      ExecutionRoleName: naming.executionRoleName,
      // CodePipeline's folder of the pipeline's artifacts: the first 20 characters of its name.
      PipelineFolder: naming.pipelineArtifactsPrefix(pipeline.Name).replace(/\/$/, ''),
      AlarmName: physical(prod, 'AWS::CloudWatch::Alarm'),
      ArtifactBucket: pipeline.ArtifactStore.Location,
      ArtifactKeyId: keyArn.split('/').pop()!,
      PipelineName: pipeline.Name,
      CodeBuildProject: buildAction.Configuration.ProjectName,
      ReportGroupName: physical(pipelineStack, 'AWS::CodeBuild::ReportGroup'),
      TopicName: physical(pipelineStack, 'AWS::SNS::Topic').split(':').pop()!,
      ApplicationName: physical(prod, 'AWS::CodeDeploy::Application'),
      DeploymentGroupName: physical(prod, 'AWS::CodeDeploy::DeploymentGroup'),
      FunctionName: physical(prod, 'AWS::Lambda::Function'),
      Version: '7',
      ParameterName: parameter.replace(/^\//, ''),
      // TableV2 is an AWS::DynamoDB::GlobalTable (one replica, in the stack's region).
      TableName: physical(prod, 'AWS::DynamoDB::GlobalTable'),
    };
    const groups = world.resourcesOf(prod, 'AWS::CodeDeploy::DeploymentGroup')
      .map(([id, g]) => `${world.resolve(prod, g.Properties.ApplicationName)}/${world.physicalId(prod, id)}`);
    candidates = {
      FunctionName: world.resourcesOf(prod, 'AWS::Lambda::Function').map(([id]) => world.physicalId(prod, id)),
      ParameterName: world.resourcesOf(prod, 'AWS::SSM::Parameter').map(([, p]) => String(world.resolve(prod, p.Properties.Name)).replace(/^\//, '')),
      ApplicationGroup: groups,
    };
    roles = new Map<CallPrincipal, FoundRole[]>([
      [CallPrincipal.READ_ONLY_ROLE, [findRole(world, naming.readOnlyRoleArn(config.accounts.prod))!]],
      [CallPrincipal.PIPELINE_CHECKS, [findRole(world, naming.pipelineChecksRoleArn(config.accounts.build))!]],
      [CallPrincipal.FAILURE_NOTIFIER, [findRole(world, naming.failureNotifierRoleArn(config.accounts.build))!]],
      [CallPrincipal.TRAFFIC_HOOK, hooks],
      [CallPrincipal.SERVICE_FUNCTION, service],
      [CallPrincipal.BUILD_STAGE, [buildRole]],
      [CallPrincipal.CHANGE_SET_FUNCTION, [findRole(world, naming.changeSetRoleArn(config.accounts.build))!]],
      [CallPrincipal.DEPLOYMENT_ROLE, [findRole(world, naming.deploymentRoleArn(config.accounts.prod))!]],
    ]);
  }, 180_000);

  const instantiate = (pattern: string, chosen: { [name: string]: string } = {}) => pattern.replace(/\$\{(\w+)\}/g, (_m, name: string) => {
    const value = chosen[name] ?? values[name];
    if (value === undefined) throw new Error(`no example value for \${${name}}`);
    return value;
  });

  /** Every resource of the row's pattern that the service stack really has (one per function, hook, group). */
  function resourcesOf(row: CallSite): string[] {
    const pattern = row.resource.replace('${ApplicationName}/${DeploymentGroupName}', '${ApplicationGroup}');
    const names = [...pattern.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]).filter((n) => candidates[n] !== undefined);
    let choices: Array<{ [name: string]: string }> = [{}];
    for (const name of names) choices = choices.flatMap((c) => candidates[name].map((v) => ({ ...c, [name]: v })));
    return choices.map((c) => instantiate(pattern, c));
  }

  /** The context a call carries: TLS for S3, the key looked up for a listing. */
  const contextOf = (row: CallSite): Record<string, string> => ({
    'aws:SecureTransport': 'true',
    ...(row.conditionKeys.includes('s3:prefix') ? { 's3:prefix': 'assets/0123abcd.zip' } : {}),
    // The change set names the execution role, which is passed to CloudFormation.
    ...(row.conditionKeys.includes('cloudformation:RoleArn') ? { 'cloudformation:RoleArn': both.build.pipeline.naming.executionRoleArn(values.TargetAccount) } : {}),
    ...(row.conditionKeys.includes('iam:PassedToService') ? { 'iam:PassedToService': 'cloudformation.amazonaws.com' } : {}),
  });

  function boundaryDecision(role: FoundRole, action: string, resource: string, context: Record<string, string>): Decision | 'none' {
    if (role.permissionsBoundary === undefined) return 'none';
    for (const stack of both.world.stacks) {
      for (const [id, policy] of both.world.resourcesOf(stack, 'AWS::IAM::ManagedPolicy')) {
        if (both.world.physicalId(stack, id) === role.permissionsBoundary) return evaluate(both.world.resolve(stack, policy.Properties.PolicyDocument), { action, resource, context });
      }
    }
    throw new Error(`the boundary ${role.permissionsBoundary} of ${role.arn} is not in the synthesized stacks`);
  }

  /** The resource's own policy, when the call reaches one: the role trust, the bucket, the key. */
  function otherSide(row: CallSite, action: string, resource: string, caller: Caller, context: Record<string, string>): Decision | 'none' {
    if (action === 'sts:AssumeRole') return evaluate(findRole(both.world, resource)!.trustPolicy, { action, resource, caller, context });
    if (action.startsWith('s3:') && resource.startsWith(`arn:aws:s3:::${values.ArtifactBucket}`)) {
      const decision = evaluate(bucketPolicy(both.world, values.ArtifactBucket), { action, resource, caller, context });
      // Same account: the identity policy suffices unless the bucket policy denies.
      return decision === 'deny' ? 'deny' : 'allow';
    }
    if (action.startsWith('kms:') && row.resource.includes('${ArtifactKeyId}')) {
      return evaluate(findKey(both.world, resource)!.policy, { action, resource, caller, context });
    }
    return 'none';
  }

  const evaluated = () => CallSites.all().filter((r) => r.principal !== CallPrincipal.OPERATOR);

  test('the table names a role of the synthesized apps for every row that a deployed role makes', () => {
    for (const principal of new Set(evaluated().map((r) => r.principal))) {
      const found = roles.get(principal) ?? [];
      expect({ principal, roles: found.length > 0 && found.every((r) => r !== undefined) }).toEqual({ principal, roles: true });
    }
  });

  test.each(CallSites.all().filter((r) => r.principal !== CallPrincipal.OPERATOR).map((r) => [`${r.command} ${r.actions.join(',')} by ${r.principal}`, r] as const))(
    '%s is allowed by its role, its boundary and the other side',
    (_name, row) => {
      // Roles of one kind (each hook, each handler) are scoped to their own function, group or
      // table: the call must be allowed for at least one role on one real resource of the
      // pattern, and refused by none through an explicit Deny.
      const outcomes = roles.get(row.principal)!.flatMap((role) => resourcesOf(row).flatMap((resource) => row.actions.map((action) => {
        const caller: Caller = { account: role.stack.account, arn: role.arn };
        const context = contextOf(row);
        return {
          role: role.logicalId,
          action,
          resource,
          identity: evaluateAll(role.identityPolicies, { action, resource, context }),
          boundary: boundaryDecision(role, action, resource, context),
          otherSide: otherSide(row, action, resource, caller, context),
        };
      })));
      const allowed = (o: (typeof outcomes)[number]) => o.identity === 'allow' && o.boundary !== 'deny' && o.boundary !== 'implicit-deny' && o.otherSide !== 'deny' && o.otherSide !== 'implicit-deny';
      for (const action of row.actions) {
        const forAction = outcomes.filter((o) => o.action === action);
        expect({ action, allowedSomewhere: forAction.some(allowed), tried: forAction.length > 0 ? forAction.slice(0, 3) : 'no role or resource' })
          .toEqual({ action, allowedSomewhere: true, tried: expect.anything() });
        expect(forAction.filter((o) => o.identity === 'deny' || o.boundary === 'deny' || o.otherSide === 'deny')).toEqual([]);
      }
    },
  );
});
