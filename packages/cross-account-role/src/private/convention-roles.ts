/**
 * The four convention resources of an account the pipeline deploys into (a target account,
 * or the build account for its own stacks): the deployment role, the CloudFormation
 * execution role, the read-only role and the permissions boundary. The public constructs
 * decide the policies; this module builds the roles the same way for both.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { ArtifactStoreAccess } from '../artifact-store-access';
import {
  ExplainedStatement, PolicyScope, artifactStoreStatements, deploymentStatements, guardrailStatements, readOnlyStatements,
} from './policies';

/** A policy: given by the caller (as is), or the construct's default (with the reasons of its wildcards). */
export type RolePolicy = iam.PolicyDocument | { readonly explained: ExplainedStatement[] };

export function explained(statements: ExplainedStatement[]): RolePolicy {
  return { explained: statements };
}

export interface ConventionRolesOptions {
  readonly scope: PolicyScope;
  /** Whether the deployment role also trusts the change set function (rollback triggers, self-update). */
  readonly trustChangeSetFunction: boolean;
  readonly execution: RolePolicy;
  readonly executionManagedPolicies?: iam.IManagedPolicy[];
  readonly boundary: RolePolicy;
  readonly descriptions: { deployment: string; execution: string; readOnly: string; boundary: string };
}

export interface ConventionRoles {
  readonly deployment: iam.Role;
  readonly execution: iam.Role;
  readonly readOnly: iam.Role;
  readonly boundary: iam.ManagedPolicy;
}

const REFUSED_MANAGED_POLICIES = ['AdministratorAccess', 'PowerUserAccess', 'IAMFullAccess'];

/** Refuses an execution policy or managed policy that makes the execution role an administrator. */
export function refuseAdministrator(stack: Stack, executionPolicy: iam.PolicyDocument | undefined, managedPolicies: iam.IManagedPolicy[]): void {
  if (executionPolicy) assertNoAdministrator('executionPolicy', stack.resolve(executionPolicy));
  for (const policy of managedPolicies) {
    const arn = JSON.stringify(stack.resolve(policy.managedPolicyArn));
    const refused = REFUSED_MANAGED_POLICIES.find((name) => arn.includes(`:iam::aws:policy/${name}"`));
    if (refused) {
      throw new Error(`executionManagedPolicies must not include ${refused}: give the execution role the permissions the project's stacks need (see the default policy of CrossAccountDeploymentRoles), got ${arn}`);
    }
  }
}

export function createConventionRoles(owner: Construct, options: ConventionRolesOptions): ConventionRoles {
  const { naming, buildAccountId } = options.scope;
  const stackStatements = deploymentStatements(options.scope);
  const deploymentArtifacts = artifactStoreStatements(options.scope, ArtifactStoreAccess.DEPLOYMENT_ROLE);
  const deployment = new iam.Role(owner, 'DeploymentRole', {
    roleName: naming.deploymentRoleName,
    description: options.descriptions.deployment,
    // The pipeline's role (CodePipeline's CloudFormation actions) and the change set function's
    // (a change set CodePipeline's action cannot create: rollback triggers, a template by URL).
    assumedBy: new iam.PrincipalWithConditions(new iam.AccountPrincipal(buildAccountId), {
      ArnEquals: {
        'aws:PrincipalArn': options.trustChangeSetFunction
          ? [naming.pipelineRoleArn(buildAccountId), naming.changeSetRoleArn(buildAccountId)]
          : naming.pipelineRoleArn(buildAccountId),
      },
    }),
    inlinePolicies: {
      ProjectStacks: document(stackStatements),
      ArtifactStore: document(deploymentArtifacts),
    },
  });
  acknowledgeWildcards(deployment, [...stackStatements, ...deploymentArtifacts]);

  const executionArtifacts = artifactStoreStatements(options.scope, ArtifactStoreAccess.EXECUTION_ROLE);
  const execution = new iam.Role(owner, 'ExecutionRole', {
    roleName: naming.executionRoleName,
    description: options.descriptions.execution,
    assumedBy: new iam.ServicePrincipal('cloudformation.amazonaws.com'),
    inlinePolicies: {
      Execution: policyDocument(options.execution),
      ArtifactCodeAssets: document(executionArtifacts),
      Guardrails: document(guardrailStatements(options.scope)),
    },
    managedPolicies: options.executionManagedPolicies,
  });
  acknowledgeWildcards(execution, [...explainedOf(options.execution), ...executionArtifacts]);

  // Read-only, for the build account's pipeline checks and failure notifier: both roles are
  // named by the convention, so the trust names them before they exist.
  const reads = readOnlyStatements(options.scope);
  const readOnly = new iam.Role(owner, 'ReadOnlyRole', {
    roleName: naming.readOnlyRoleName,
    description: options.descriptions.readOnly,
    assumedBy: new iam.PrincipalWithConditions(new iam.AccountPrincipal(buildAccountId), {
      ArnEquals: { 'aws:PrincipalArn': [naming.pipelineChecksRoleArn(buildAccountId), naming.failureNotifierRoleArn(buildAccountId)] },
    }),
    inlinePolicies: { ProjectReads: document(reads) },
  });
  acknowledgeWildcards(readOnly, reads);

  const boundary = new iam.ManagedPolicy(owner, 'PermissionsBoundary', {
    managedPolicyName: naming.permissionsBoundaryName,
    description: options.descriptions.boundary,
    document: policyDocument(options.boundary),
  });
  acknowledgeWildcards(boundary, explainedOf(options.boundary));
  return { deployment, execution, readOnly, boundary };
}

function policyDocument(policy: RolePolicy): iam.PolicyDocument {
  return policy instanceof iam.PolicyDocument ? policy : document((policy as { explained: ExplainedStatement[] }).explained);
}

function explainedOf(policy: RolePolicy): ExplainedStatement[] {
  return policy instanceof iam.PolicyDocument ? [] : (policy as { explained: ExplainedStatement[] }).explained;
}

function document(statements: ExplainedStatement[]): iam.PolicyDocument {
  return new iam.PolicyDocument({ statements: statements.map((s) => s.statement) });
}

/** Acknowledges cdk-nag's wildcard finding for each wildcard resource, with its statement's reason. */
function acknowledgeWildcards(scope: IConstruct, statements: ExplainedStatement[]): void {
  const reasons = new Map<string, string>();
  for (const { statement, why } of statements) {
    if (!why || statement.effect !== iam.Effect.ALLOW) continue;
    const findings = [
      ...statement.resources.filter((resource) => resource.includes('*')).map((resource) => `Resource::${resource}`),
      // A service's action pattern (s3:GetObject*), as CDK's own grants write them; never '*'.
      ...statement.actions.filter((action) => action.includes('*')).map((action) => `Action::${action}`),
    ];
    for (const finding of findings) reasons.set(finding, reasons.has(finding) ? `${reasons.get(finding)}. ${why}` : why);
  }
  for (const [finding, reason] of reasons) {
    Validations.of(scope).acknowledge({ id: `AwsSolutions::AwsSolutions-IAM5[${finding}]`, reason });
  }
}

/** Refuses administrator access: an Allow of every action (`*`), or of everything but a few (`NotAction`). */
export function assertNoAdministrator(field: string, json: any): void {
  const statements: any[] = [].concat(json?.Statement ?? []);
  for (const statement of statements.filter((st) => st.Effect === 'Allow')) {
    if (statement.NotAction) {
      throw new Error(`${field} must not allow NotAction, which grants every other action: list the actions the project's stacks need, got ${JSON.stringify(statement)}`);
    }
    if ([].concat(statement.Action ?? []).includes('*' as never)) {
      throw new Error(`${field} must not allow every action ('*'), the execution role never gets administrator access: list the actions the project's stacks need, got ${JSON.stringify(statement)}`);
    }
  }
}
