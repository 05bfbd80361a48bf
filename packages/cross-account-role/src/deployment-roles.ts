import { Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { CrosswalkNaming } from './naming';
import { assertNoAdministrator, createConventionRoles, explained, refuseAdministrator } from './private/convention-roles';
import { PolicyScope, boundaryStatements, serverlessExecutionStatements } from './private/policies';

/** Props of {@link CrossAccountDeploymentRoles}. */
export interface CrossAccountDeploymentRolesProps {
  /** The naming convention shared with the build account. */
  readonly naming: CrosswalkNaming;

  /**
   * The build account, which holds the pipeline (whose role may assume the deployment role)
   * and the artifact store (which both roles read). Must differ from this stack's account.
   */
  readonly buildAccountId: string;

  /**
   * The permissions CloudFormation gets to create the project's resources. Replaces the
   * default; reading the code assets from the artifact store and the guardrails that
   * protect the convention roles and the permissions boundary are always added.
   *
   * @default - enough for a serverless API (API Gateway, Lambda, DynamoDB, CodeDeploy,
   * CloudWatch alarms and log groups, SSM parameters, IAM roles under the permissions
   * boundary), scoped to project-prefixed names wherever the service allows it
   */
  readonly executionPolicy?: iam.PolicyDocument;

  /**
   * Managed policies attached to the execution role, in addition to its inline policies.
   * AWS's broad job-function policies (AdministratorAccess, PowerUserAccess, IAMFullAccess)
   * are refused.
   *
   * @default - none
   */
  readonly executionManagedPolicies?: iam.IManagedPolicy[];

  /**
   * What the roles created by the project's stacks may do at most. Replaces the default.
   *
   * @default - the runtime needs of a serverless API: logs, X-Ray, the project's tables,
   * parameters and topics, CodeDeploy traffic shifting and lifecycle hooks
   */
  readonly permissionsBoundaryPolicy?: iam.PolicyDocument;

  /**
   * Whether the deployment role also trusts the build account's change set function
   * (`<project>-<region>-ChangeSetRole`), which creates the change sets with CloudFormation
   * rollback triggers of `@crosswalk/notifying-pipeline`'s `revertOnAlarm` (on by default for an
   * environment with a review and a bake). Set false for an account whose environments do not
   * revert on alarm, so that its trust names only the pipeline role.
   * @default true
   */
  readonly trustChangeSetFunction?: boolean;
}

/**
 * The roles of a target account (dev, prod) that the build account's pipeline deploys
 * through:
 *
 * - the **deployment role** (`<project>-<region>-DeploymentRole`), assumed only by the
 *   pipeline role of the build account; it reads and writes the pipeline's artifacts,
 *   operates the project's stacks and change sets, and passes only the execution role;
 * - the **CloudFormation execution role** (`<project>-<region>-CfnExecutionRole`), assumed
 *   only by CloudFormation; it creates the project's resources;
 * - the **permissions boundary** (`<project>-<region>-PermissionsBoundary`), which every
 *   role the execution role creates must carry;
 * - the **read-only role** (`<project>-<region>-ReadOnlyRole`), assumed only by the build
 *   account's pipeline checks and failure notifier; it reads change sets, stacks, stack
 *   events, alarms and deployments of the project, and writes nothing.
 *
 * Every name comes from {@link CrosswalkNaming}, and the build account is trusted through
 * an account principal narrowed by an `aws:PrincipalArn` condition, so this stack deploys
 * before or after the build account's stacks.
 */
export class CrossAccountDeploymentRoles extends Construct {
  /**
   * Makes every role created under `scope` carry the project's permissions boundary, as
   * the execution role requires. Use it on the stacks the pipeline deploys.
   */
  public static applyPermissionsBoundary(scope: IConstruct, naming: CrosswalkNaming): void {
    const stack = Stack.of(scope);
    const id = `CrosswalkBoundary-${naming.permissionsBoundaryName}`;
    const boundary = (stack.node.tryFindChild(id) as iam.IManagedPolicy | undefined)
      ?? iam.ManagedPolicy.fromManagedPolicyName(stack, id, naming.permissionsBoundaryName);
    iam.PermissionsBoundary.of(scope).apply(boundary);
  }

  /** The role the build account's pipeline assumes to deploy into this account. */
  public readonly deploymentRole: iam.IRole;
  /**
   * The role the build account's pipeline checks (change review, bake) and failure notifier
   * assume to read the project's change sets, stacks, alarms and deployments; it writes nothing.
   */
  public readonly readOnlyRole: iam.IRole;
  /** The role CloudFormation uses to create the project's resources. */
  public readonly executionRole: iam.IRole;
  /** The boundary every role created by the execution role must carry. */
  public readonly permissionsBoundary: iam.IManagedPolicy;
  /** The naming convention these roles follow. */
  public readonly naming: CrosswalkNaming;
  /** The build account trusted by the deployment role. */
  public readonly buildAccountId: string;
  /** The account these roles live in (this stack's). */
  public readonly targetAccountId: string;

  private readonly execution: iam.Role;
  private readonly boundary: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: CrossAccountDeploymentRolesProps) {
    super(scope, id);
    const { naming, buildAccountId } = props;
    const stack = Stack.of(this);
    if (Token.isUnresolved(stack.account)) {
      throw new Error(`CrossAccountDeploymentRoles needs the target account: give stack '${stack.node.path}' env: { account: '<12-digit target account id>' }, its roles' policies name resources of that account`);
    }
    if (!Token.isUnresolved(stack.stackName) && stack.stackName.startsWith(naming.resourcePrefix)) {
      throw new Error(`CrossAccountDeploymentRoles must not be in a stack whose name starts with the project prefix '${naming.resourcePrefix}', got stack '${stack.stackName}': ` +
        `the deployment role may operate every '${naming.resourcePrefix}*' stack, so it could change the stack that defines its own permissions; ` +
        `name the stack without the prefix, for example '${naming.projectName}DeploymentRoles-<environment>' ('${naming.projectName}DeploymentRoles-dev')`);
    }
    CrosswalkNaming.validateAccountId('buildAccountId', buildAccountId);
    if (buildAccountId === stack.account) {
      throw new Error(`buildAccountId must be another account than the target account of stack '${stack.node.path}', got '${buildAccountId}' for both: deploy these roles to the dev and prod accounts, the pipeline to the build account`);
    }
    refuseAdministrator(stack, props.executionPolicy, props.executionManagedPolicies ?? []);

    this.naming = naming;
    this.buildAccountId = buildAccountId;
    this.targetAccountId = stack.account;
    const policyScope: PolicyScope = { naming, account: stack.account, buildAccountId };

    const defaultExecution = serverlessExecutionStatements(policyScope);
    const defaultBoundary = boundaryStatements(policyScope);
    const roles = createConventionRoles(this, {
      scope: policyScope,
      trustChangeSetFunction: props.trustChangeSetFunction !== false,
      execution: props.executionPolicy ?? explained(defaultExecution),
      executionManagedPolicies: props.executionManagedPolicies,
      boundary: props.permissionsBoundaryPolicy ?? explained(defaultBoundary),
      descriptions: {
        deployment: `Assumed by the ${naming.projectName} pipeline of account ${buildAccountId} to deploy the project's stacks`,
        execution: `Used by CloudFormation to create the resources of the ${naming.projectName} stacks`,
        readOnly: `Assumed by the ${naming.projectName} pipeline checks and failure notifier of account ${buildAccountId} to read the project's change sets, stacks, alarms and deployments`,
        boundary: `The most that roles created by the ${naming.projectName} stacks may do`,
      },
    });
    const { deployment, execution, readOnly, boundary } = roles;

    this.deploymentRole = deployment;
    this.readOnlyRole = readOnly;
    this.executionRole = execution;
    this.permissionsBoundary = boundary;
    this.execution = execution;
    this.boundary = boundary;
  }

  /**
   * Adds permissions to the execution role, for resources the default policy does not
   * cover. A statement allowing every action (`*`) is refused.
   */
  public addToExecutionPolicy(statement: iam.PolicyStatement): void {
    assertNoAdministrator('addToExecutionPolicy', { Statement: [Stack.of(this).resolve(statement.toStatementJson())] });
    this.execution.addToPrincipalPolicy(statement);
  }

  /** Lets roles created by the project's stacks do more (still only what their own policies allow). */
  public addToPermissionsBoundary(statement: iam.PolicyStatement): void {
    this.boundary.addStatements(statement);
  }
}
