/**
 * CloudFormation reads the commands share (clean-assets, doctor --live): every page of a list,
 * and "no such stack" told apart from every other error.
 */
import { CloudFormationClient, ListStackResourcesCommand, StackResourceSummary } from '@aws-sdk/client-cloudformation';

/** Every item of a list AWS returns page by page, each page naming the next with a token (NextToken). */
export async function allPages<T>(read: (nextToken?: string) => Promise<{ items?: T[]; nextToken?: string }>): Promise<T[]> {
  const items: T[] = [];
  let nextToken: string | undefined;
  do {
    const page = await read(nextToken);
    items.push(...(page.items ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return items;
}

/** Every resource of a stack (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ListStackResources.html). */
export function listStackResources(cfn: CloudFormationClient, stackName: string): Promise<StackResourceSummary[]> {
  return allPages(async (NextToken) => {
    const page = await cfn.send(new ListStackResourcesCommand({ StackName: stackName, NextToken }));
    return { items: page.StackResourceSummaries, nextToken: page.NextToken };
  });
}

/**
 * CloudFormation answers for an unknown stack with a ValidationError "Stack with id … does not
 * exist" (API_DescribeStacks, API_ListStackResources: Errors); any other error is not "missing".
 */
export function isMissingStack(err: unknown): boolean {
  return err instanceof Error && err.name === 'ValidationError' && /does not exist/.test(err.message);
}
