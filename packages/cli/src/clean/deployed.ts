import {
  ChangeSetSummary, CloudFormationClient, DescribeChangeSetCommand, DescribeStacksCommand, GetTemplateCommand, ListChangeSetsCommand, ListStacksCommand, Parameter,
  StackStatus,
} from '@aws-sdk/client-cloudformation';
import { allPages, isMissingStack, listStackResources } from '../cloudformation';
import type { TemplateSource } from './collect';

/**
 * The templates of a deployed stack that may still need their code, with what CloudFormation
 * will read them with:
 *
 * - the deployed template (`Original` stage: as submitted; and `Processed` too when it has a
 *   transform, which may add resources), with the stack's current parameter values;
 * - those of its change sets that may still be executed (a prod change set waiting for approval),
 *   with the change set's parameter values;
 * - those of its nested stacks, read as stacks of their own (ListStackResources), recursively.
 *
 * Its code may be an old object the build did not upload again (keys are content hashes and the
 * build skips existing ones), so its age alone does not protect it. Returns 'missing' for a
 * stack that does not exist. Throws for a stack in a state where the template does not tell
 * which code a rollback needs.
 */
export async function readDeployedStack(cfn: CloudFormationClient, stackName: string, label = `stack ${stackName}`): Promise<TemplateSource[] | 'missing'> {
  let stack;
  try {
    stack = (await cfn.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks?.[0];
  } catch (err) {
    if (isMissingStack(err)) return 'missing';
    throw err;
  }
  const status = stack?.StackStatus;
  if (stack === undefined || status === undefined || status === 'DELETE_COMPLETE') return 'missing';
  const pseudo = pseudoParameters(stack.StackId, stack.StackName ?? stackName);
  const templates: TemplateSource[] = [];
  const nested = new Map<string, string>();
  // A stack created by a change set that was not executed yet has no template of its own.
  if (status !== 'REVIEW_IN_PROGRESS') {
    assertSettled(label, status);
    for (const resource of await listStackResources(cfn, stackName)) {
      if (resource.ResourceType === 'AWS::CloudFormation::Stack' && resource.PhysicalResourceId && resource.LogicalResourceId) {
        nested.set(resource.LogicalResourceId, resource.PhysicalResourceId);
      }
    }
    const original = (await cfn.send(new GetTemplateCommand({ StackName: stackName, TemplateStage: 'Original' }))).TemplateBody ?? '';
    const parameterValues = valuesOf(stack.Parameters);
    templates.push({ source: label, body: original, parameterValues, pseudo, nestedReadElsewhere: new Set(nested.keys()) });
    if (hasTransform(original)) {
      const processed = (await cfn.send(new GetTemplateCommand({ StackName: stackName, TemplateStage: 'Processed' }))).TemplateBody ?? '';
      templates.push({ source: `${label} (processed)`, body: processed, parameterValues, pseudo, nestedReadElsewhere: new Set(nested.keys()) });
    }
  }
  for (const changeSet of await listChangeSets(cfn, stackName)) {
    if (!mayBeExecuted(changeSet)) continue;
    const id = changeSet.ChangeSetId ?? changeSet.ChangeSetName;
    const described = await cfn.send(new DescribeChangeSetCommand({ StackName: stackName, ChangeSetName: id }));
    const pending = await cfn.send(new GetTemplateCommand({ StackName: stackName, ChangeSetName: id, TemplateStage: 'Original' }));
    templates.push({ source: `change set ${changeSet.ChangeSetName} of ${label}`, body: pending.TemplateBody ?? '', parameterValues: valuesOf(described.Parameters), pseudo });
  }
  for (const [logicalId, physicalId] of nested) {
    const read = await readDeployedStack(cfn, physicalId, `nested stack ${logicalId} of ${label}`);
    if (read !== 'missing') templates.push(...read);
  }
  return templates;
}

/**
 * While a stack is being updated or rolled back, or after a failed rollback, the template it
 * may return to is not the one GetTemplate shows, so nothing can be proven unreferenced.
 */
function assertSettled(label: string, status: string): void {
  if (!status.endsWith('_COMPLETE')) {
    throw new Error(`${label} is ${status}: while a stack is updating, rolling back or failed, the template it may roll back to is not the deployed one, so no asset can be proven unused; run again once the stack is in a *_COMPLETE state (after a failed rollback: continue the rollback first)`);
  }
}

/** The stack's pseudo parameters, from its id `arn:<partition>:cloudformation:<region>:<account>:stack/<name>/<uuid>`. */
function pseudoParameters(stackId: string | undefined, stackName: string): Record<string, string> {
  const match = /^arn:([a-z0-9-]+):cloudformation:([a-z0-9-]+):(\d{12}):stack\//.exec(stackId ?? '');
  if (!match) return { 'AWS::StackName': stackName };
  const [, partition, region, account] = match;
  return {
    'AWS::Partition': partition,
    'AWS::Region': region,
    'AWS::AccountId': account,
    'AWS::URLSuffix': partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com',
    'AWS::StackName': stackName,
    'AWS::StackId': stackId!,
  };
}

/**
 * Parameter values as a stack or change set reports them: the resolved value of an SSM
 * parameter type, else the value; a NoEcho value, which CloudFormation returns as asterisks, is
 * not known (undefined).
 */
function valuesOf(parameters: Parameter[] | undefined): Map<string, string | undefined> {
  return new Map((parameters ?? []).filter((p) => p.ParameterKey !== undefined).map((p) => {
    const value = p.ResolvedValue ?? p.ParameterValue;
    return [p.ParameterKey!, value === undefined || /^\*+$/.test(value) ? undefined : value];
  }));
}

/** A template with a Transform (AWS::Serverless, AWS::LanguageExtensions, a macro) becomes other resources once processed. */
function hasTransform(body: string): boolean {
  try {
    return (JSON.parse(body) as { Transform?: unknown })?.Transform !== undefined;
  } catch {
    return /^Transform\s*:/m.test(body);
  }
}

function listChangeSets(cfn: CloudFormationClient, stackName: string): Promise<ChangeSetSummary[]> {
  return allPages(async (NextToken) => {
    const page = await cfn.send(new ListChangeSetsCommand({ StackName: stackName, NextToken }));
    return { items: page.Summaries, nextToken: page.NextToken };
  });
}

/** Failed or deleted change sets can never be executed, so their code does not matter. */
function mayBeExecuted(changeSet: ChangeSetSummary): boolean {
  return !(changeSet.Status === 'FAILED' || changeSet.Status?.startsWith('DELETE_'));
}

/**
 * The stacks of the account and region of `cfn`'s credentials, but deleted ones
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ListStacks.html: without a
 * filter it also returns stacks deleted in the last 90 days, so every other status is asked for).
 */
export async function listAccountStacks(cfn: CloudFormationClient): Promise<string[]> {
  const statuses = Object.values(StackStatus).filter((status) => status !== StackStatus.DELETE_COMPLETE);
  const summaries = await allPages(async (NextToken) => {
    const page = await cfn.send(new ListStacksCommand({ StackStatusFilter: statuses, NextToken }));
    return { items: page.StackSummaries, nextToken: page.NextToken };
  });
  return [...new Set(summaries.map((s) => s.StackName).filter((name): name is string => name !== undefined))].sort();
}
