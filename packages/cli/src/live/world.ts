/**
 * What `crosswalk doctor --live` learns from the synthesized assemblies before it calls AWS: the
 * build account (the account of the stack that holds the pipeline), the target accounts, each
 * stack with its template, and the pipeline stack's parts the readiness checks look up (the
 * connection, the topics and their email subscriptions, the CodeBuild projects and report
 * groups, the roles of the Build stage and of the failure notifier's function).
 */
import { CrosswalkNaming } from '@crosswalk/cross-account-role';
import { AssemblyError, AssemblyStack, CloudAssembly, openAssembly, requireStacks } from '../assembly';
import { asObject } from '../assembly-files';
import { readStackTemplate } from '../template';
import { quoted } from '../text';

export interface WorldStack {
  readonly stack: AssemblyStack;
  readonly assemblyDir: string;
  readonly account: string;
  readonly template: Record<string, unknown>;
  /** Whether it holds the convention's deployment role (deployed by hand, before the pipeline). */
  readonly holdsDeploymentRole: boolean;
}

/** A value of the template: a literal, or the physical id of one of its resources (`Ref`, or `Fn::GetAtt` of an ARN-valued attribute). */
export type TemplateValue = { readonly literal: string } | { readonly resource: string } | { readonly unknown: string };

/** An email (or other) subscription the template declares. */
export interface DeclaredSubscription {
  readonly topicLogicalId: string;
  readonly protocol: string;
  readonly endpoint: string;
}

export interface World {
  readonly naming: CrosswalkNaming;
  readonly buildAccount: string;
  readonly region: string;
  readonly pipelineStack: WorldStack;
  readonly pipelineLogicalId: string;
  readonly buildStacks: WorldStack[];
  /** Target account → its stacks. */
  readonly targets: ReadonlyMap<string, WorldStack[]>;
  /** The source action's ConnectionArn, when the pipeline has a connection source. */
  readonly connection?: TemplateValue;
  readonly topics: string[];
  readonly subscriptions: DeclaredSubscription[];
  readonly codeBuildProjects: string[];
  readonly reportGroups: string[];
  /** The logical id of the Build stage's CodeBuild role (its physical id is the role's name). */
  readonly buildStageRole?: TemplateValue;
  /** The topics the failure notifier's function is given (its environment). */
  readonly notifierTopics: string[];
  /** The stacks the pipeline deploys (its CloudFormation actions: the stack name, and the account of the action's role). */
  readonly deployedByPipeline: { readonly account: string; readonly stackName: string }[];
  /** Every target account: of the stacks given, and of the pipeline's deployments. */
  readonly targetAccounts: string[];
  /** Whether the pipeline has the change set function (an environment reverts on alarm). */
  readonly hasChangeSetFunction: boolean;
}

const resourcesOf = (template: Record<string, unknown>) => asObject(template.Resources) ?? {};
const typeOf = (resource: unknown) => String(asObject(resource)?.Type ?? '');
const propsOf = (resource: unknown) => asObject(asObject(resource)?.Properties) ?? {};

/**
 * A template value as the doctor can resolve it: a string, a `Ref`, or `Fn::GetAtt` of `Arn` or
 * `ConnectionArn` (for a role, a topic, a connection: the physical id names it, see
 * {@link templateValueArn}); anything else is unknown.
 */
export function templateValue(value: unknown): TemplateValue {
  if (typeof value === 'string') return { literal: value };
  const object = asObject(value);
  if (object && typeof object.Ref === 'string' && Object.keys(object).length === 1) return { resource: object.Ref };
  const getAtt = object?.['Fn::GetAtt'];
  if (Array.isArray(getAtt) && getAtt.length === 2 && typeof getAtt[0] === 'string' && (getAtt[1] === 'Arn' || getAtt[1] === 'ConnectionArn')) return { resource: getAtt[0] };
  return { unknown: JSON.stringify(value).slice(0, 120) };
}

/** Reads the assemblies; refuses what the live checks cannot stand on (no pipeline, two pipelines, another region). */
export function readWorld(assemblyDirs: readonly string[], naming: CrosswalkNaming): World {
  const stacks: WorldStack[] = [];
  for (const dir of assemblyDirs) {
    const assembly: CloudAssembly = openAssembly(dir);
    for (const stack of requireStacks(assembly)) {
      if (stack.account === undefined || stack.region === undefined) {
        throw new AssemblyError(`stack ${quoted(stack.stackName)} has no account and region in its environment; doctor --live checks deployed stacks: give each stack its env`);
      }
      if (stack.region !== naming.region) {
        // A pipeline across regions (waves) is not checked live yet: refused, never reported ready.
        throw new AssemblyError(`stack ${quoted(stack.stackName)} is in ${stack.region}, not in --region ${naming.region}: doctor --live checks the stacks of one region, ` +
          'and does not check a pipeline that deploys to several regions yet; for such a pipeline, run the offline doctor and check the other regions\' stacks by hand');
      }
      const template = readStackTemplate(assembly, stack);
      const holdsDeploymentRole = Object.values(resourcesOf(template))
        .some((r) => typeOf(r) === 'AWS::IAM::Role' && propsOf(r).RoleName === naming.deploymentRoleName);
      stacks.push({ stack, assemblyDir: dir, account: stack.account, template, holdsDeploymentRole });
    }
  }
  const pipelines = stacks.flatMap((s) => Object.entries(resourcesOf(s.template))
    .filter(([, r]) => typeOf(r) === 'AWS::CodePipeline::Pipeline').map(([id]) => ({ s, id })));
  if (pipelines.length !== 1) {
    throw new AssemblyError(pipelines.length === 0
      ? 'no stack of the assemblies holds a pipeline (AWS::CodePipeline::Pipeline): pass the build account\'s assembly too (e.g. apps/build-account/cdk.out)'
      : `the assemblies hold ${pipelines.length} pipelines (${pipelines.map((p) => p.s.stack.stackName).join(', ')}); pass the assembly of one installation`);
  }
  const pipelineStack = pipelines[0].s;
  const pipelineLogicalId = pipelines[0].id;
  const buildAccount = pipelineStack.account;
  const targets = new Map<string, WorldStack[]>();
  for (const s of stacks) {
    if (s.account === buildAccount) continue;
    targets.set(s.account, [...(targets.get(s.account) ?? []), s]);
  }
  const resources = resourcesOf(pipelineStack.template);
  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => typeOf(r) === type);
  const pipelineProps = propsOf(resources[pipelineLogicalId]);
  const actions = (Array.isArray(pipelineProps.Stages) ? pipelineProps.Stages : [])
    .flatMap((stage) => {
      const stageObject = asObject(stage) ?? {};
      return (Array.isArray(stageObject.Actions) ? stageObject.Actions : []).map((a) => ({ stage: String(stageObject.Name ?? ''), action: asObject(a) ?? {} }));
    });
  const source = actions.find((a) => asObject(a.action.ActionTypeId)?.Provider === 'CodeStarSourceConnection');
  const buildAction = actions.find((a) => a.stage === 'Build' && asObject(a.action.ActionTypeId)?.Provider === 'CodeBuild');
  let buildStageRole: TemplateValue | undefined;
  if (buildAction) {
    const project = templateValue(asObject(buildAction.action.Configuration)?.ProjectName);
    buildStageRole = 'resource' in project ? templateValue(propsOf(resources[project.resource]).ServiceRole) : project;
  }
  const deployedByPipeline = actions
    .filter((a) => asObject(a.action.ActionTypeId)?.Provider === 'CloudFormation')
    .flatMap((a) => {
      const stackName = asObject(a.action.Configuration)?.StackName;
      const account = typeof a.action.RoleArn === 'string' ? /^arn:[^:]+:iam::(\d{12}):role\//.exec(a.action.RoleArn)?.[1] : undefined;
      return typeof stackName === 'string' && account !== undefined ? [{ account, stackName }] : [];
    })
    .filter((d, i, all) => all.findIndex((e) => e.account === d.account && e.stackName === d.stackName) === i);
  const notifierRole = ofType('AWS::IAM::Role').find(([, r]) => propsOf(r).RoleName === naming.failureNotifierRoleName)?.[0];
  const topics = ofType('AWS::SNS::Topic').map(([id]) => id);
  const notifierTopics = ofType('AWS::Lambda::Function')
    .filter(([, r]) => { const role = templateValue(propsOf(r).Role); return notifierRole !== undefined && 'resource' in role && role.resource === notifierRole; })
    .flatMap(([, r]) => Object.values(asObject(asObject(propsOf(r).Environment)?.Variables) ?? {}))
    .map(templateValue)
    .flatMap((v) => ('resource' in v && topics.includes(v.resource) ? [v.resource] : []));
  return {
    naming,
    buildAccount,
    region: naming.region,
    pipelineStack,
    pipelineLogicalId,
    buildStacks: stacks.filter((s) => s.account === buildAccount),
    targets,
    connection: source ? templateValue(asObject(source.action.Configuration)?.ConnectionArn) : undefined,
    topics,
    subscriptions: ofType('AWS::SNS::Subscription').flatMap(([, r]) => {
      const p = propsOf(r);
      const topic = templateValue(p.TopicArn);
      return 'resource' in topic ? [{ topicLogicalId: topic.resource, protocol: String(p.Protocol), endpoint: String(p.Endpoint) }] : [];
    }),
    codeBuildProjects: ofType('AWS::CodeBuild::Project').map(([id]) => id),
    reportGroups: ofType('AWS::CodeBuild::ReportGroup').map(([id]) => id),
    buildStageRole,
    notifierTopics: [...new Set(notifierTopics)],
    deployedByPipeline,
    hasChangeSetFunction: ofType('AWS::IAM::Role').some(([, r]) => propsOf(r).RoleName === naming.changeSetRoleName),
    targetAccounts: [...new Set([...targets.keys(), ...deployedByPipeline.map((d) => d.account)])].filter((a) => a !== buildAccount).sort(),
  };
}
