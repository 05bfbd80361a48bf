import { Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { CrosswalkNaming } from './naming';
import { assertNoAdministrator, createConventionRoles, explained, refuseAdministrator } from './private/convention-roles';
import { buildAccountBoundaryStatements, buildAccountExecutionStatements } from './private/build-account-policies';

/** Props of {@link BuildAccountDeploymentRoles}. */
export interface BuildAccountDeploymentRolesProps {
  /** The naming convention of the pipeline's region (`naming.region` equal to `naming.pipelineRegion`). */
  readonly naming: CrosswalkNaming;

  /**
   * The permissions CloudFormation gets to update the build account's stacks. Replaces the
   * default; reading the code assets and the guardrails that protect the convention roles
   * and the permissions boundary are always added.
   *
   * @default - enough for the stacks of `NotifyingPipeline` and `EncryptedArtifactStore`
   * (CodePipeline, CodeStar connections, CodeBuild, KMS, SNS, EventBridge, Lambda, CloudWatch
   * Logs, S3, IAM roles under the permissions boundary and groups without members), scoped to
   * the project's names wherever the service's ARN carries a name
   */
  readonly executionPolicy?: iam.PolicyDocument;

  /**
   * What the roles of the build account's stacks (the pipeline's, the builds', the functions')
   * may do at most. Replaces the default.
   *
   * @default - what `NotifyingPipeline`'s roles use: the artifact stores, the project's
   * CodeBuild projects, pipelines, functions, log groups and topics, the source connection and
   * the convention roles of the project
   */
  readonly permissionsBoundaryPolicy?: iam.PolicyDocument;
}

/**
 * The convention roles of the build account itself, through which the pipeline updates the
 * build account's own stacks (its own stack and the artifact store) with the same change
 * review and approval as a target account's (`NotifyingPipeline`'s `selfUpdate`):
 *
 * - the **deployment role** (`<project>-<region>-DeploymentRole`), assumed only by the
 *   pipeline role and the change set function's role of this account; it operates the
 *   project's stacks and change sets and passes only the execution role;
 * - the **CloudFormation execution role** (`<project>-<region>-CfnExecutionRole`): it can
 *   create what the pipeline's stack holds, including roles, so every role it creates or
 *   changes must carry the permissions boundary, and it cannot change the convention roles,
 *   the boundary, nor add anyone to a group;
 * - the **permissions boundary** (`<project>-<region>-PermissionsBoundary`): what the
 *   pipeline's roles use, nothing more; apply it to the pipeline's stack with
 *   `CrossAccountDeploymentRoles.applyPermissionsBoundary(pipelineStack, naming)`;
 * - the **read-only role** (`<project>-<region>-ReadOnlyRole`), assumed only by the pipeline
 *   checks and the failure notifier: the change review and the failure emails read the
 *   build account's stacks through it.
 *
 * Deploy it once by hand, before the pipeline's stack (the pipeline cannot update the stack
 * that defines its own permissions: its name must not start with the project prefix). The
 * change review and a person's approval stand between a commit and these roles' use.
 */
export class BuildAccountDeploymentRoles extends Construct {
  /** The role the pipeline assumes to update the build account's stacks. */
  public readonly deploymentRole: iam.IRole;
  /** The role the pipeline checks and the failure notifier assume to read the build account's stacks. */
  public readonly readOnlyRole: iam.IRole;
  /** The role CloudFormation uses to update the build account's stacks. */
  public readonly executionRole: iam.IRole;
  /** The boundary every role of the build account's stacks must carry. */
  public readonly permissionsBoundary: iam.IManagedPolicy;
  /** The naming convention these roles follow. */
  public readonly naming: CrosswalkNaming;
  /** The build account (this stack's). */
  public readonly buildAccountId: string;

  private readonly execution: iam.Role;
  private readonly boundary: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: BuildAccountDeploymentRolesProps) {
    super(scope, id);
    const { naming } = props;
    const stack = Stack.of(this);
    if (Token.isUnresolved(stack.account)) {
      throw new Error(`BuildAccountDeploymentRoles needs the build account: give stack '${stack.node.path}' env: { account: '<12-digit build account id>' }, its roles' policies name resources of that account`);
    }
    if (naming.region !== naming.pipelineRegion) {
      throw new Error(`BuildAccountDeploymentRoles takes the naming of the pipeline's region '${naming.pipelineRegion}', got the naming of '${naming.region}': ` +
        `the pipeline updates the build account's stacks in its own region; pass naming.forRegion('${naming.pipelineRegion}')`);
    }
    if (!Token.isUnresolved(stack.region) && stack.region !== naming.region) {
      throw new Error(`stack '${stack.stackName}' is in region '${stack.region}', but the build account's convention roles of '${naming.region}' belong with the pipeline's region: deploy the stack to '${naming.region}'`);
    }
    if (!Token.isUnresolved(stack.stackName) && stack.stackName.startsWith(naming.resourcePrefix)) {
      throw new Error(`BuildAccountDeploymentRoles must not be in a stack whose name starts with the project prefix '${naming.resourcePrefix}', got stack '${stack.stackName}': ` +
        `the deployment role may operate every '${naming.resourcePrefix}*' stack, so the pipeline could change the stack that defines its own permissions; ` +
        `name the stack without the prefix, for example '${naming.projectName}DeploymentRoles-build'`);
    }
    refuseAdministrator(stack, props.executionPolicy, []);

    this.naming = naming;
    this.buildAccountId = stack.account;
    const policyScope = { naming, account: stack.account, buildAccountId: stack.account };
    const roles = createConventionRoles(this, {
      scope: policyScope,
      trustChangeSetFunction: true,
      execution: props.executionPolicy ?? explained(buildAccountExecutionStatements(policyScope)),
      boundary: props.permissionsBoundaryPolicy ?? explained(buildAccountBoundaryStatements(policyScope)),
      descriptions: {
        deployment: `Assumed by the ${naming.projectName} pipeline to update the build account's own stacks`,
        execution: `Used by CloudFormation to update the ${naming.projectName} pipeline's and artifact store's stacks`,
        readOnly: `Assumed by the ${naming.projectName} pipeline checks and failure notifier to read the build account's own stacks`,
        boundary: `The most that roles of the ${naming.projectName} pipeline's stacks may do`,
      },
    });
    this.deploymentRole = roles.deployment;
    this.readOnlyRole = roles.readOnly;
    this.executionRole = roles.execution;
    this.permissionsBoundary = roles.boundary;
    this.execution = roles.execution;
    this.boundary = roles.boundary;
  }

  /** Adds permissions to the execution role. A statement allowing every action (`*`) is refused. */
  public addToExecutionPolicy(statement: iam.PolicyStatement): void {
    assertNoAdministrator('addToExecutionPolicy', { Statement: [Stack.of(this).resolve(statement.toStatementJson())] });
    this.execution.addToPrincipalPolicy(statement);
  }

  /** Lets the roles of the build account's stacks do more (still only what their own policies allow). */
  public addToPermissionsBoundary(statement: iam.PolicyStatement): void {
    this.boundary.addStatements(statement);
  }
}
