import { readFileSync } from 'fs';
import { IPolicyValidationContext, IPolicyValidationPlugin, PolicyValidationPluginReport, PolicyViolation, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ArtifactStoreAccess } from './artifact-store-access';
import { CrosswalkNaming } from './naming';
import { Decision, decide, wildcardMatch } from './private/evaluate';
import { PolicyScope, artifactStoreStatements, boundaryStatements, guardrailStatements, serverlessExecutionStatements } from './private/policies';
import { RESOURCE_PERMISSIONS } from './private/resource-permissions';

/** Props of {@link ConventionRolesCheck}: the same choices `CrossAccountDeploymentRoles` was given. */
export interface ConventionRolesCheckProps {
  /** The naming convention shared with the build account. */
  readonly naming: CrosswalkNaming;

  /** The build account; its own stacks are not deployed through the convention roles. */
  readonly buildAccountId: string;

  /**
   * The target accounts whose stacks deploy through the convention roles.
   * @default - every stack of the app whose account is not the build account
   */
  readonly targetAccounts?: string[];

  /**
   * The execution policy, if `CrossAccountDeploymentRoles` was given one (`executionPolicy`).
   * @default - the default execution policy of `CrossAccountDeploymentRoles`
   */
  readonly executionPolicy?: iam.PolicyDocument;

  /**
   * What was added with `CrossAccountDeploymentRoles.addToExecutionPolicy()`.
   * @default - nothing
   */
  readonly additionalExecutionStatements?: iam.PolicyStatement[];

  /**
   * The permissions boundary, if `CrossAccountDeploymentRoles` was given one.
   * @default - the default permissions boundary of `CrossAccountDeploymentRoles`
   */
  readonly permissionsBoundaryPolicy?: iam.PolicyDocument;

  /**
   * What was added with `CrossAccountDeploymentRoles.addToPermissionsBoundary()`.
   * @default - nothing
   */
  readonly additionalBoundaryStatements?: iam.PolicyStatement[];

  /**
   * The actions CloudFormation needs for resource types the check does not know, by type
   * (e.g. `{ 'AWS::SQS::Queue': ['sqs:CreateQueue', 'sqs:GetQueueAttributes', 'sqs:DeleteQueue'] }`).
   * Each must be allowed by the execution policy.
   * @default - only the types the check knows (a serverless API's)
   */
  readonly resourceTypeActions?: { [resourceType: string]: string[] };
}

interface Finding {
  readonly rule: 'ExecutionPolicy' | 'PermissionsBoundary';
  readonly logicalId: string;
  readonly templatePath: string;
  readonly location: string;
  readonly message: string;
  /** The naming of the stack's region, whose convention roles judged it. */
  readonly naming: CrosswalkNaming;
}

const SHORT = 100;

/** The convention names of the regions the findings are in (one region: one name). */
function namesOf(found: Finding[], nameOf: (n: CrosswalkNaming) => string): string {
  return [...new Set(found.map((f) => nameOf(f.naming)))].join(', ');
}
const shorten = (value: string) => (value.length > SHORT ? `${value.slice(0, SHORT)}…` : value);
const list = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/**
 * Checks at synth time that the stacks deployed into target accounts through the convention
 * roles (those named with the project's prefix) can be deployed by the convention's
 * CloudFormation execution role, and that the roles they create can do
 * what their policies say under the permissions boundary:
 *
 * - every resource type is one whose needs the execution policy covers, and the policy
 *   allows each action CloudFormation calls on the resource's ARN, built from the name the
 *   template sets (or the one CloudFormation generates), compared case-sensitively as IAM does;
 * - every role carries the convention's permissions boundary, and every action its own
 *   policies allow on a named resource is also allowed by the boundary.
 *
 * A miss fails synth with the resource, its type or name, and the fix.
 *
 * ```ts
 * import { App, Validations } from 'aws-cdk-lib';
 * import { ConventionRolesCheck, CrosswalkNaming } from '@crosswalk/cross-account-role';
 *
 * const app = new App();
 * const naming = new CrosswalkNaming({ projectName: 'Checkin', region: 'eu-west-1' });
 * Validations.of(app).addPlugins(new ConventionRolesCheck({ naming, buildAccountId: '111111111111' }));
 * ```
 */
export class ConventionRolesCheck implements IPolicyValidationPlugin {
  public readonly name = 'crosswalk-convention-roles';

  private readonly props: ConventionRolesCheckProps;

  constructor(props: ConventionRolesCheckProps) {
    CrosswalkNaming.validateAccountId('buildAccountId', props.buildAccountId);
    for (const account of props.targetAccounts ?? []) CrosswalkNaming.validateAccountId('targetAccounts', account);
    for (const [type, actions] of Object.entries(props.resourceTypeActions ?? {})) {
      if (!/^[A-Za-z0-9]+::[A-Za-z0-9]+::[A-Za-z0-9]+$/.test(type) || actions.length === 0) {
        throw new Error(`resourceTypeActions must map a CloudFormation type such as 'AWS::SQS::Queue' to the actions CloudFormation needs for it, got '${shorten(type)}' with ${actions.length} actions`);
      }
    }
    this.props = props;
  }

  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const findings: Finding[] = [];
    const stackNames = new Map(context.appConstruct.node.findAll().filter(Stack.isStack).map((s) => [s.node.path, s.stackName]));
    for (const stack of context.stackTemplates) {
      const account = stack.accountId;
      if (account === undefined || account === this.props.buildAccountId) continue;
      if (this.props.targetAccounts && !this.props.targetAccounts.includes(account)) continue;
      // Only stacks named with the project's prefix deploy through the convention roles (the
      // deployment role may operate no other stack); the roles stacks themselves are deployed
      // by hand with the target account's own credentials.
      const stackName = stackNames.get(stack.stackConstructPath) ?? stack.stackConstructPath.split('/').pop()!;
      if (!stackName.startsWith(this.props.naming.resourcePrefix)) continue;
      const template = JSON.parse(readFileSync(stack.templatePath, 'utf-8'));
      // Each stack against the roles of its own region (IAM names are global, so each region has its own set).
      const region = stack.region !== undefined && !Token.isUnresolved(stack.region) ? stack.region : this.props.naming.region;
      findings.push(...this.checkStack({ stackName, templatePath: stack.templatePath, account, region, template }));
    }
    const violations: PolicyViolation[] = (['ExecutionPolicy', 'PermissionsBoundary'] as const)
      .map((rule) => ({ rule, found: findings.filter((f) => f.rule === rule) }))
      .filter(({ found }) => found.length > 0)
      .map(({ rule, found }) => ({
        ruleName: rule,
        description: (rule === 'ExecutionPolicy'
          ? `The convention's CloudFormation execution role (${namesOf(found, (n) => n.executionRoleName)}) cannot create these resources: `
          : `Roles of these stacks carry the ${namesOf(found, (n) => n.permissionsBoundaryName)} boundary, which does not allow what their policies say: `)
          + found.map((f) => f.message).join('; '),
        fix: rule === 'ExecutionPolicy'
          ? 'Name the resource with the project\'s prefix, or allow what it needs with CrossAccountDeploymentRoles.addToExecutionPolicy() (and give the same statement to this check)'
          : 'Name the resource with the project\'s prefix, or widen the boundary with CrossAccountDeploymentRoles.addToPermissionsBoundary() (and give the same statement to this check)',
        severity: 'error',
        violatingResources: found.map((f) => ({ resourceLogicalId: f.logicalId, templatePath: f.templatePath, locations: [f.location] })),
      }));
    return { success: violations.length === 0, violations };
  }

  private checkStack(stack: { stackName: string; templatePath: string; account: string; region: string; template: any }): Finding[] {
    const naming = this.props.naming.forRegion(stack.region);
    const scope: PolicyScope = { naming, account: stack.account, buildAccountId: this.props.buildAccountId };
    const execution = [
      ...this.statementsJson(this.props.executionPolicy, serverlessExecutionStatements(scope).map((s) => s.statement)),
      ...(this.props.additionalExecutionStatements ?? []).map((s) => s.toStatementJson()),
      ...artifactStoreStatements(scope, ArtifactStoreAccess.EXECUTION_ROLE).map((s) => s.statement.toStatementJson()),
      ...guardrailStatements(scope).map((s) => s.statement.toStatementJson()),
    ];
    const boundary = [
      ...this.statementsJson(this.props.permissionsBoundaryPolicy, boundaryStatements(scope).map((s) => s.statement)),
      ...(this.props.additionalBoundaryStatements ?? []).map((s) => s.toStatementJson()),
    ];
    const resources: Record<string, any> = stack.template.Resources ?? {};
    const where = { partition: naming.partition, region: naming.region, account: stack.account };
    const literal = (value: any): string | undefined => literalOf(value, where);
    const physicalName = (logicalId: string): string | undefined => {
      const resource = resources[logicalId];
      const permissions = resource && RESOURCE_PERMISSIONS[resource.Type];
      if (!permissions?.nameProperty) return undefined;
      const given = resource.Properties?.[permissions.nameProperty];
      if (given !== undefined) return literal(given);
      return permissions.generatedName?.(stack.stackName, logicalId) ?? `${stack.stackName}-${logicalId}-GENERATED`;
    };
    const nameOf = (value: any): string | undefined => {
      const id = referencedId(value);
      return id !== undefined ? physicalName(id) : literal(value);
    };

    const findings: Finding[] = [];
    for (const [logicalId, resource] of Object.entries<any>(resources)) {
      const type: string = resource.Type;
      const permissions = RESOURCE_PERMISSIONS[type];
      const custom = this.props.resourceTypeActions?.[type];
      const fail = (location: string, message: string) => findings.push({ rule: 'ExecutionPolicy', logicalId, templatePath: stack.templatePath, location, message, naming });
      if (!permissions) {
        if (!custom) {
          fail('Type', `${logicalId} is a ${type}, whose permissions the execution policy was not reviewed for: allow what CloudFormation needs for it with addToExecutionPolicy(...) and list its actions in resourceTypeActions`);
          continue;
        }
        const missing = custom.filter((action) => !execution.some((s) => s.Effect === 'Allow' && list<string>(s.Action).some((a) => wildcardMatch(a, action, true))));
        if (missing.length > 0) fail('Type', `${logicalId} (${type}) needs ${missing.join(', ')}, which the execution policy does not allow: add them with addToExecutionPolicy(...)`);
        continue;
      }
      if (permissions.actions.length === 0) continue;
      const properties = resource.Properties ?? {};
      const name = permissions.nameProperty ? physicalName(logicalId) : 'GENERATED';
      const parentValues: any[] = permissions.parentProperty ? list(properties[permissions.parentProperty]) : [undefined];
      const parents = parentValues.map((value) => ({ id: referencedId(value), name: value === undefined ? undefined : nameOf(value) }));
      if (name === undefined || parents.some((p) => permissions.parentProperty !== undefined && p.name === undefined)) continue; // not known at synth
      for (const parent of parents) {
        const arn = permissions.arn({ name, parent: parent.name === undefined ? undefined : stripFunctionArn(parent.name), ...where });
        const context: Record<string, string> = {};
        const roleForBoundary = type === 'AWS::IAM::Role' ? properties
          : type === 'AWS::IAM::Policy' ? (parent.id !== undefined ? resources[parent.id]?.Properties ?? {} : {}) : undefined;
        const boundaryArn = roleForBoundary ? literal(roleForBoundary.PermissionsBoundary) : undefined;
        if (boundaryArn !== undefined) context['iam:PermissionsBoundary'] = boundaryArn;
        const refused = permissions.actions.filter((action) => decide(execution, { action, resource: arn, context }) !== 'allow');
        if (refused.length === 0) continue;
        const location = permissions.nameProperty && properties[permissions.nameProperty] !== undefined ? `Properties/${permissions.nameProperty}` : 'Properties';
        fail(location, `${logicalId} (${type}${permissions.nameProperty ? ` named '${shorten(name)}'` : ''}): the execution role may not ${refused.join(', ')} on ${shorten(arn)}${this.nameHint(type, name, roleForBoundary !== undefined && boundaryArn === undefined)}`);
      }
    }
    findings.push(...this.checkBoundary(stack, naming, resources, boundary, literal));
    return findings;
  }

  /** Roles' own policies against the boundary: a named resource the boundary does not allow is denied at run time. */
  private checkBoundary(stack: { templatePath: string }, naming: CrosswalkNaming, resources: Record<string, any>, boundary: any[], literal: (v: any) => string | undefined): Finding[] {
    const findings: Finding[] = [];
    const check = (roleId: string, policyId: string, location: string, statements: any[]) => {
      statements.forEach((statement, i) => {
        if (statement?.Effect !== 'Allow') return;
        for (const action of list<string>(statement.Action).filter((a) => typeof a === 'string' && !a.includes('*'))) {
          for (const resource of list(statement.Resource).map(literal)) {
            if (resource === undefined || resource.includes('*')) continue; // generated or pattern: not a name the template sets
            const decision: Decision = decide(boundary, { action, resource });
            if (decision === 'allow') continue;
            findings.push({
              naming,
              rule: 'PermissionsBoundary',
              logicalId: policyId,
              templatePath: stack.templatePath,
              location: `${location}/Statement/${i}`,
              message: `role ${roleId} may ${action} on ${shorten(resource)} by its policy, but the ${naming.permissionsBoundaryName} boundary does not allow it${this.nameHint(resourceTypeOfArn(resource), nameOfArn(resource), false)}`,
            });
          }
        }
      });
    };
    for (const [id, resource] of Object.entries<any>(resources)) {
      if (resource.Type === 'AWS::IAM::Role') {
        list(resource.Properties?.Policies).forEach((p: any, i: number) => check(id, id, `Properties/Policies/${i}/PolicyDocument`, list(p?.PolicyDocument?.Statement)));
      } else if (resource.Type === 'AWS::IAM::Policy') {
        const roles = list(resource.Properties?.Roles).map((r: any) => referencedId(r) ?? literal(r) ?? '?').join(', ');
        check(roles, id, 'Properties/PolicyDocument', list(resource.Properties?.PolicyDocument?.Statement));
      }
    }
    return findings;
  }

  private nameHint(type: string, name: string, missingBoundary: boolean): string {
    const { naming } = this.props;
    if (missingBoundary) {
      return `: the role carries no permissions boundary; apply it with CrossAccountDeploymentRoles.applyPermissionsBoundary(stack, naming) (${naming.permissionsBoundaryName})`;
    }
    const prefix = naming.resourcePrefix;
    const path = `/${naming.projectName}/`;
    if (type === 'AWS::SSM::Parameter' || name.startsWith('/')) {
      if (name.startsWith(path) || name.startsWith(prefix)) return '';
      const lower = name.toLowerCase().startsWith(path.toLowerCase());
      return lower
        ? `: names are compared case-sensitively; use '${path}${name.slice(path.length)}'`
        : `: name it under '${path}' (e.g. '${path}${name.replace(/^\/+/, '')}') or '${prefix}…'`;
    }
    if (name.startsWith(prefix)) return '';
    if (name.toLowerCase().startsWith(prefix.toLowerCase())) return `: names are compared case-sensitively; use '${prefix}${name.slice(prefix.length)}'`;
    return `: name it '${prefix}${name}' (the project's prefix), leave the name to CloudFormation, or allow it with addToExecutionPolicy(...)`;
  }

  private statementsJson(document: iam.PolicyDocument | undefined, defaults: iam.PolicyStatement[]): any[] {
    if (document === undefined) return defaults.map((s) => s.toStatementJson());
    return list((document.toJSON() as any)?.Statement);
  }
}

function referencedId(value: any): string | undefined {
  if (value && typeof value === 'object') {
    if (typeof value.Ref === 'string' && !value.Ref.startsWith('AWS::')) return value.Ref;
    const getAtt = value['Fn::GetAtt'];
    if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  }
  return undefined;
}

function literalOf(value: any, where: { partition: string; region: string; account: string }): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    if (value.Ref === 'AWS::Partition') return where.partition;
    if (value.Ref === 'AWS::Region') return where.region;
    if (value.Ref === 'AWS::AccountId') return where.account;
    if (value.Ref === 'AWS::URLSuffix') return 'amazonaws.com';
    const join = value['Fn::Join'];
    if (Array.isArray(join) && Array.isArray(join[1])) {
      const parts = join[1].map((p: any) => literalOf(p, where));
      return parts.every((p: any) => p !== undefined) ? parts.join(join[0]) : undefined;
    }
  }
  return undefined;
}

/** A function named by its ARN (a URL's TargetFunctionArn) becomes its name. */
function stripFunctionArn(value: string): string {
  const match = /^arn:[^:]+:lambda:[^:]+:\d{12}:function:([^:]+)/.exec(value);
  return match ? match[1] : value;
}

function resourceTypeOfArn(arn: string): string {
  return /^arn:[^:]+:ssm:/.test(arn) ? 'AWS::SSM::Parameter' : '';
}

function nameOfArn(arn: string): string {
  const ssm = /^arn:[^:]+:ssm:[^:]*:[^:]*:parameter(\/.*)$/.exec(arn);
  if (ssm) return ssm[1];
  return arn.split(/[:/]/).pop() ?? arn;
}
