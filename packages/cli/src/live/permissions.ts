/**
 * Every row of the call-site table (`CallSites` of @crosswalk/cross-account-role) whose caller is
 * a role the installation deploys before its first run, put to IAM's own policy simulator as
 * that role, on the resource AWS evaluates for the call, with the context keys the call carries
 * (https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulatePrincipalPolicy.html: "the
 * simulation includes all policies that are associated with that entity", and the response
 * tells apart the permissions boundary and the organization's SCPs); and, where the call meets a
 * resource policy (a role's trust policy, the bucket, key or topic policy), that policy as it is
 * deployed, decided by {@link decideResourcePolicy} (the simulator takes a resource policy only
 * for an IAM user as caller).
 *
 * Names the table leaves open (a stack's id, an object key, a change set's execution id) are
 * filled with a representative value of the convention, shown in the report; a name the doctor
 * cannot fill is a finding, never a silent skip.
 */
import { GetRoleCommand } from '@aws-sdk/client-iam';
import { ContextEntry, EvaluationResult, SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import { GetKeyPolicyCommand } from '@aws-sdk/client-kms';
import { GetBucketPolicyCommand } from '@aws-sdk/client-s3';
import { GetTopicAttributesCommand } from '@aws-sdk/client-sns';
import { CallPrincipal, CallSite, CallSites } from '@crosswalk/cross-account-role';
import { errorText } from '../text';
import { AccountClients } from './aws';
import { LiveFindings } from './findings';
import { PhysicalIds } from './readiness';
import { decideResourcePolicy } from './resource-side';
import { World } from './world';

/** The representative execution id and stack id (CodePipeline's and CloudFormation's ids are UUIDs). */
export const REPRESENTATIVE_ID = '00000000-0000-0000-0000-000000000000';

export interface PermissionInputs {
  readonly world: World;
  readonly build: AccountClients;
  /** Clients of each target account whose credentials are usable. */
  readonly targets: ReadonlyMap<string, AccountClients>;
  /** Physical ids of the pipeline stack's resources. */
  readonly pipelineIds: PhysicalIds;
  readonly artifactKeyId?: string;
}

export interface Caller {
  readonly principal: CallPrincipal;
  readonly account: string;
  readonly roleArn: string;
  readonly clients: AccountClients;
}

/** The principals the doctor simulates, and why the others are not. */
export const OUT_OF_SCOPE: ReadonlyMap<CallPrincipal, string> = new Map([
  [CallPrincipal.TRAFFIC_HOOK, 'the traffic hooks\' roles are created by the service\'s own stack at its first deployment; the synth-time call-site test proves their policies'],
  [CallPrincipal.SERVICE_FUNCTION, 'the service functions\' roles are created by the service\'s own stack at its first deployment; the synth-time call-site test proves their policies'],
  [CallPrincipal.OPERATOR, 'calls made with a person\'s own credentials (crosswalk clean-assets, review, doctor): not a deployed role'],
]);

/** The principals the doctor simulates, with their role ARNs (the Build stage's role when found). */
export function simulatedCallers(world: World, targetAccounts: readonly string[], buildStageRole: string | undefined): Omit<Caller, 'clients'>[] {
  const naming = world.naming;
  return [
    { principal: CallPrincipal.PIPELINE_CHECKS, account: world.buildAccount, roleArn: naming.pipelineChecksRoleArn(world.buildAccount) },
    { principal: CallPrincipal.FAILURE_NOTIFIER, account: world.buildAccount, roleArn: naming.failureNotifierRoleArn(world.buildAccount) },
    ...targetAccounts.map((account) => ({ principal: CallPrincipal.READ_ONLY_ROLE, account, roleArn: naming.readOnlyRoleArn(account) })),
    ...(buildStageRole !== undefined ? [{ principal: CallPrincipal.BUILD_STAGE, account: world.buildAccount, roleArn: buildStageRole }] : []),
    // The revert on alarm: the change set function (when the pipeline has it) and, through it, each target's deployment role.
    ...(world.hasChangeSetFunction ? [
      { principal: CallPrincipal.CHANGE_SET_FUNCTION, account: world.buildAccount, roleArn: naming.changeSetRoleArn(world.buildAccount) },
      ...targetAccounts.map((account) => ({ principal: CallPrincipal.DEPLOYMENT_ROLE, account, roleArn: naming.deploymentRoleArn(account) })),
    ] : []),
  ];
}

export async function checkPermissions(inputs: PermissionInputs, out: LiveFindings): Promise<void> {
  const { world, build } = inputs;
  for (const [principal, why] of OUT_OF_SCOPE) out.notInScope(`${principal}: ${why}`);
  if (!world.hasChangeSetFunction) {
    out.notInScope(`${CallPrincipal.CHANGE_SET_FUNCTION} and ${CallPrincipal.DEPLOYMENT_ROLE}: no environment of this pipeline reverts on alarm`);
  }
  const buildRole = buildStageRoleArn(world, inputs.pipelineIds);
  const callers: Caller[] = simulatedCallers(world, [...inputs.targets.keys()], buildRole)
    .map((c) => ({ ...c, clients: c.account === world.buildAccount ? build : inputs.targets.get(c.account)! }));
  if (buildRole === undefined) out.finding('permissions', CallPrincipal.BUILD_STAGE, 'the Build stage\'s CodeBuild role could not be found (no CodeBuild action in a stage named Build, or its project or role is not deployed)', 'deploy the pipeline stack, then run the doctor again');

  const policies = new ResourcePolicies(inputs);
  for (const caller of callers) {
    for (const row of CallSites.of(caller.principal)) {
      let requests: SimulatedCall[];
      try {
        requests = callsOf(row, caller, { ...inputs, targetAccounts: [...inputs.targets.keys()] });
      } catch (err) {
        out.finding('permissions', `${caller.roleArn} ${row.actions.join(', ')}`, `not checked: ${errorText(err)}`, 'deploy what the message names, then run the doctor again');
        continue;
      }
      for (const call of requests) await checkCall(call, caller, row, policies, out);
    }
  }
}

/** The Build stage's role ARN, from its project's role's physical id (a role's physical id is its name). */
export function buildStageRoleArn(world: World, pipelineIds: PhysicalIds): string | undefined {
  const role = world.buildStageRole;
  if (role === undefined) return undefined;
  const name = 'literal' in role ? role.literal : 'resource' in role ? pipelineIds.get(role.resource) : undefined;
  if (name === undefined) return undefined;
  return name.startsWith('arn:') ? name : `arn:${world.naming.partition}:iam::${world.buildAccount}:role/${name}`;
}

/** One simulated call: a row with every placeholder filled. */
export interface SimulatedCall {
  readonly resource: string;
  /** Whose account the resource is in (for its resource policy). */
  readonly resourceAccount: string;
  readonly context: Readonly<Record<string, string>>;
}

/** What filling a row needs: the world, the deployed pipeline stack's physical ids, the key's id, the target accounts checked. */
export interface CallInputs {
  readonly world: World;
  readonly pipelineIds: PhysicalIds;
  readonly artifactKeyId?: string;
  readonly targetAccounts: readonly string[];
}

/** Fills the row's placeholders; several values (several stacks, projects, targets) make several calls. */
export function callsOf(row: CallSite, caller: Pick<Caller, 'principal' | 'account'>, inputs: CallInputs): SimulatedCall[] {
  const { world } = inputs;
  const naming = world.naming;
  const physical = (logicalId: string, what: string) => {
    const id = inputs.pipelineIds.get(logicalId);
    if (id === undefined) throw new Error(`${what} (${logicalId}) of the pipeline stack is not deployed`);
    return id;
  };
  const inTarget = caller.principal === CallPrincipal.READ_ONLY_ROLE || caller.principal === CallPrincipal.DEPLOYMENT_ROLE;
  const targetAccounts = inTarget ? [caller.account] : [...inputs.targetAccounts];
  const pipelineName = () => {
    const name = (world.pipelineStack.template as { Resources: Record<string, { Properties?: { Name?: unknown } }> }).Resources[world.pipelineLogicalId].Properties?.Name;
    return typeof name === 'string' ? name : naming.pipelineName;
  };
  const values: Record<string, () => string[]> = {
    Partition: () => [naming.partition],
    Region: () => [naming.region],
    BuildAccount: () => [world.buildAccount],
    TargetAccount: () => targetAccounts,
    ReadOnlyRoleName: () => [naming.readOnlyRoleName],
    DeploymentRoleName: () => [naming.deploymentRoleName],
    ExecutionRoleName: () => [naming.executionRoleName],
    PipelineFolder: () => [naming.pipelineArtifactsPrefix(pipelineName()).replace(/\/$/, '')],
    ArtifactBucket: () => [naming.artifactBucketName(world.buildAccount)],
    ArtifactKeyId: () => {
      if (inputs.artifactKeyId === undefined) throw new Error('the artifact key is not in place');
      return [inputs.artifactKeyId];
    },
    PipelineName: () => [pipelineName()],
    ChangeSetName: () => [`${naming.resourcePrefix}${REPRESENTATIVE_ID}`],
    AlarmName: () => [`${naming.resourcePrefix}doctor-probe`],
    ApplicationName: () => [`${naming.resourcePrefix}doctor-probe`],
    DeploymentGroupName: () => ['doctor-probe'],
    CodeBuildProject: () => world.codeBuildProjects.map((id) => physical(id, 'a CodeBuild project')),
    ReportGroupName: () => world.reportGroups.map((id) => physical(id, 'a report group').replace(/^arn:[^:]+:codebuild:[^:]+:\d{12}:report-group\//, '')),
    TopicName: () => {
      if (world.notifierTopics.length === 0) throw new Error('the failure notifier\'s topic could not be found in the pipeline template');
      return world.notifierTopics.map((id) => physical(id, 'the notification topic').split(':').pop()!);
    },
  };
  // The stacks of the account: those the pipeline deploys there.
  values.StackName = () => {
    const names = world.deployedByPipeline.filter((d) => targetAccounts.includes(d.account)).map((d) => d.stackName);
    if (names.length === 0) throw new Error('the pipeline deploys no stack to this account');
    return [...new Set(names)];
  };
  let resources = [row.resource];
  for (const name of [...new Set([...row.resource.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]))]) {
    const fill = values[name];
    if (fill === undefined) throw new Error(`the table's placeholder \${${name}} has no value the doctor knows`);
    const options = fill();
    resources = resources.flatMap((r) => options.map((v) => r.split(`\${${name}}`).join(v)));
  }
  return resources.map((resource) => ({
    // A trailing "/*" stands for any id or object key: one representative.
    resource: resource.endsWith('/*') ? `${resource.slice(0, -1)}doctor-probe-${REPRESENTATIVE_ID}` : resource,
    resourceAccount: accountOfResource(resource, world.buildAccount, caller.account),
    context: contextOf(row, naming.assetsPrefix, inTarget ? naming.executionRoleArn(caller.account) : undefined),
  }));
}

/**
 * The account that owns the resource: the account field of its ARN (an IAM ARN has no region
 * field, an S3 ARN neither region nor account: the only bucket in the table is the build
 * account's artifact bucket); `*` is the caller's own.
 */
function accountOfResource(resource: string, buildAccount: string, callerAccount: string): string {
  if (resource.startsWith('arn:') && resource.split(':')[2] === 's3') return buildAccount;
  return /^arn:[^:]+:[^:]+:[^:]*:(\d{12}):/.exec(resource)?.[1] ?? callerAccount;
}

/**
 * The context keys the call carries that the policies test: every SDK call goes over TLS
 * (aws:SecureTransport true); a listing carries its prefix (s3:prefix).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-securetransport
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/amazon-s3-policy-keys.html
 */
function contextOf(row: CallSite, assetsPrefix: string, executionRoleArn?: string): Record<string, string> {
  const context: Record<string, string> = { 'aws:SecureTransport': 'true' };
  if (row.conditionKeys.includes('s3:prefix')) context['s3:prefix'] = `${assetsPrefix}doctor-probe`;
  // The change set names the execution role, which is passed to CloudFormation.
  if (row.conditionKeys.includes('cloudformation:RoleArn') && executionRoleArn !== undefined) context['cloudformation:RoleArn'] = executionRoleArn;
  if (row.conditionKeys.includes('iam:PassedToService')) context['iam:PassedToService'] = 'cloudformation.amazonaws.com';
  return context;
}

function contextEntries(context: Readonly<Record<string, string>>, roleArn: string, account: string): ContextEntry[] {
  const entries: ContextEntry[] = Object.entries(context).map(([key, value]) => ({
    ContextKeyName: key,
    ContextKeyValues: [value],
    ContextKeyType: key === 'aws:SecureTransport' ? 'boolean' : 'string',
  }));
  entries.push({ ContextKeyName: 'aws:PrincipalArn', ContextKeyValues: [roleArn], ContextKeyType: 'string' });
  entries.push({ ContextKeyName: 'aws:PrincipalAccount', ContextKeyValues: [account], ContextKeyType: 'string' });
  return entries;
}

async function checkCall(call: SimulatedCall, caller: Caller, row: CallSite, policies: ResourcePolicies, out: LiveFindings): Promise<void> {
  const subject = `${caller.roleArn} → ${row.actions.join(', ')} on ${call.resource}`;
  let results: EvaluationResult[];
  try {
    results = await simulate(caller, row.actions, call);
  } catch (err) {
    out.finding('permissions', subject, `IAM's policy simulator could not be asked: ${errorText(err)}`, `check that the role exists and that your credentials for ${caller.account} may call iam:SimulatePrincipalPolicy on it`);
    return;
  }
  let identityOk = true;
  for (const action of row.actions) {
    const result = results.find((r) => r.EvalActionName?.toLowerCase() === action.toLowerCase() && (r.EvalResourceName === call.resource || r.EvalResourceName === undefined));
    const problem = simulationProblem(result);
    if (problem !== undefined) {
      identityOk = false;
      out.finding('permissions', `${caller.roleArn} → ${action} on ${call.resource}`, problem,
        `the role needs ${action} on ${call.resource} (call-site table: ${row.command} by ${row.caller}); deploy the stack that defines the role from this version, or fix its policy`);
    }
  }
  const resourceOk = await checkResourceSide(call, caller, row, policies, out);
  if (identityOk && resourceOk) out.passed(`${subject}: allowed`);
}

/** Why a simulator result is not a proven allow; undefined when it is one. */
export function simulationProblem(result: EvaluationResult | undefined): string | undefined {
  if (result === undefined) return 'the simulator returned no result for this action and resource';
  if ((result.MissingContextValues ?? []).length > 0) return `the simulator could not decide without the context keys ${result.MissingContextValues!.join(', ')}: not proven`;
  if (result.EvalDecision !== 'allowed') {
    const by = result.PermissionsBoundaryDecisionDetail?.AllowedByPermissionsBoundary === false ? ' (the permissions boundary does not allow it)'
      : result.OrganizationsDecisionDetail?.AllowedByOrganizations === false ? ' (a service control policy of the organization does not allow it)' : '';
    return `IAM's policy simulator says ${result.EvalDecision ?? 'nothing'}${by}`;
  }
  return undefined;
}

async function simulate(caller: Caller, actions: readonly string[], call: SimulatedCall): Promise<EvaluationResult[]> {
  const results: EvaluationResult[] = [];
  let marker: string | undefined;
  do {
    const page = await caller.clients.iam.send(new SimulatePrincipalPolicyCommand({
      PolicySourceArn: caller.roleArn,
      ActionNames: [...actions],
      ResourceArns: [call.resource],
      ContextEntries: contextEntries(call.context, caller.roleArn, caller.account),
      Marker: marker,
    }));
    results.push(...(page.EvaluationResults ?? []));
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  return results;
}

/**
 * The resource policy the call meets: a role's trust policy (sts:AssumeRole), the artifact
 * bucket's policy (s3), the artifact key's policy (kms), the topic's policy (sns). The trust
 * and key policies must allow the caller in every case; a bucket or topic policy of the caller's
 * own account must not deny it, and of another account must allow it.
 */
async function checkResourceSide(call: SimulatedCall, caller: Caller, row: CallSite, policies: ResourcePolicies, out: LiveFindings): Promise<boolean> {
  let ok = true;
  for (const action of row.actions) {
    const service = action.split(':')[0];
    if (!['sts', 's3', 'kms', 'sns'].includes(service)) continue;
    const subject = `${caller.roleArn} → ${action} on ${call.resource}`;
    let policy: unknown;
    try {
      policy = await policies.of(service, call);
    } catch (err) {
      out.finding('permissions', subject, `the resource policy could not be read: ${errorText(err)}`, 'deploy the stack that holds the resource, and check that your credentials may read its policy');
      ok = false;
      continue;
    }
    const mustAllow = service === 'sts' || service === 'kms' || call.resourceAccount !== caller.account;
    if (policy === undefined) {
      if (mustAllow) {
        out.finding('permissions', subject, 'the resource has no policy, and this call needs one that allows it', 'deploy the stack that holds the resource from this version');
        ok = false;
      }
      continue;
    }
    const decision = decideResourcePolicy(policy, {
      principalArn: caller.roleArn,
      action,
      resource: service === 'sts' ? undefined : call.resource,
      context: call.context,
    });
    const problem = decision.decision === 'deny' ? `the resource policy denies it (${decision.by})`
      : decision.decision === 'unknown' ? `the resource policy cannot be proven to let it through: ${decision.why}`
        : decision.decision === 'no-allow' && mustAllow ? `the resource policy does not allow it${service === 'sts' ? ' (the role\'s trust policy does not name this caller)' : ''}` : undefined;
    if (problem !== undefined) {
      out.finding('permissions', subject, problem, 'deploy the stack that holds the resource (and the caller\'s stack) from this version, so that both sides name each other');
      ok = false;
    }
  }
  return ok;
}

/** Reads each resource policy once. */
class ResourcePolicies {
  private readonly cache = new Map<string, Promise<unknown>>();

  constructor(private readonly inputs: PermissionInputs) {}

  public of(service: string, call: SimulatedCall): Promise<unknown> {
    const key = `${service} ${service === 's3' ? call.resource.replace(/^(arn:[^:]+:s3:::[^/]+).*$/, '$1') : call.resource}`;
    let policy = this.cache.get(key);
    if (!policy) {
      policy = this.read(service, call);
      this.cache.set(key, policy);
    }
    return policy;
  }

  private async read(service: string, call: SimulatedCall): Promise<unknown> {
    const { build, targets } = this.inputs;
    switch (service) {
      case 'sts': {
        // The trust policy: GetRole returns it URL-encoded (https://docs.aws.amazon.com/IAM/latest/APIReference/API_Role.html).
        const [, account, roleName] = /^arn:[^:]+:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(call.resource) ?? [];
        const clients = account === build.account ? build : targets.get(account);
        if (!clients || !roleName) throw new Error(`no usable credentials for the account of ${call.resource}`);
        const { Role } = await clients.iam.send(new GetRoleCommand({ RoleName: roleName }));
        if (!Role?.AssumeRolePolicyDocument) throw new Error(`${call.resource} has no trust policy in GetRole's answer`);
        return decodeURIComponent(Role.AssumeRolePolicyDocument);
      }
      case 's3': {
        const bucket = /^arn:[^:]+:s3:::([^/]+)/.exec(call.resource)?.[1];
        if (!bucket) throw new Error(`${call.resource} is not an S3 ARN`);
        try {
          return (await build.s3.send(new GetBucketPolicyCommand({ Bucket: bucket, ExpectedBucketOwner: build.account }))).Policy;
        } catch (err) {
          // A bucket without a policy: S3 answers NoSuchBucketPolicy (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketPolicy.html).
          if (err instanceof Error && err.name === 'NoSuchBucketPolicy') return undefined;
          throw err;
        }
      }
      case 'kms': {
        // PolicyName "default" is the only key policy name (https://docs.aws.amazon.com/kms/latest/APIReference/API_GetKeyPolicy.html).
        return (await build.kms.send(new GetKeyPolicyCommand({ KeyId: call.resource, PolicyName: 'default' }))).Policy;
      }
      case 'sns': {
        // The topic's access policy is its Policy attribute (https://docs.aws.amazon.com/sns/latest/api/API_GetTopicAttributes.html).
        return (await build.sns.send(new GetTopicAttributesCommand({ TopicArn: call.resource }))).Attributes?.Policy;
      }
      default:
        throw new Error(`no resource policy reader for ${service}`);
    }
  }
}
