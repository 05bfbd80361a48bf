/**
 * The clients of `crosswalk doctor --live`, one set per account, each with the credentials the
 * person gave for that account (`--profile <account>=<profile>`) or the default chain; and the
 * two reads every check stands on: whose credentials these are, and a deployed stack's resources.
 */
import { CloudFormationClient, DescribeStacksCommand, StackResourceSummary } from '@aws-sdk/client-cloudformation';
import { CodeStarConnectionsClient } from '@aws-sdk/client-codestar-connections';
import { IAMClient } from '@aws-sdk/client-iam';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { isMissingStack, listStackResources } from '../cloudformation';
import { errorText } from '../text';

export interface AccountClients {
  readonly account: string;
  readonly cloudFormation: CloudFormationClient;
  readonly connections: CodeStarConnectionsClient;
  readonly iam: IAMClient;
  readonly kms: KMSClient;
  readonly s3: S3Client;
  readonly sns: SNSClient;
  readonly sts: STSClient;
}

/** Credentials for an account: undefined means the SDK's default chain. */
export type CredentialsFor = (account: string) => S3ClientConfig['credentials'] | undefined;

export function clientsFor(account: string, region: string, credentialsFor: CredentialsFor): AccountClients {
  const credentials = credentialsFor(account);
  // Endpoints: the SDK's own AWS_ENDPOINT_URL_<SERVICE> settings apply (the tests use them).
  const config = { region, ...(credentials ? { credentials } : {}), maxAttempts: 2 };
  return {
    account,
    cloudFormation: new CloudFormationClient(config),
    connections: new CodeStarConnectionsClient(config),
    iam: new IAMClient(config),
    kms: new KMSClient(config),
    s3: new S3Client(config),
    sns: new SNSClient(config),
    sts: new STSClient(config),
  };
}

/**
 * The account the credentials belong to: a check made with another account's credentials would
 * read the wrong account's resources, or simulate a role that is not there, and say nothing
 * useful. https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
 */
export async function credentialsProblem(clients: AccountClients): Promise<string | undefined> {
  try {
    const identity = await clients.sts.send(new GetCallerIdentityCommand({}));
    if (identity.Account !== clients.account) return `the credentials for account ${clients.account} are of account ${identity.Account ?? '(none)'} (${identity.Arn ?? 'no ARN'})`;
    return undefined;
  } catch (err) {
    return `no usable credentials for account ${clients.account}: ${errorText(err)}`;
  }
}

/** A deployed stack's resources by logical id, or undefined when no such stack exists. */
export async function stackResources(clients: AccountClients, stackName: string): Promise<Map<string, StackResourceSummary> | undefined> {
  try {
    const resources = await listStackResources(clients.cloudFormation, stackName);
    return new Map(resources.flatMap((r) => (r.LogicalResourceId ? [[r.LogicalResourceId, r] as const] : [])));
  } catch (err) {
    if (isMissingStack(err)) return undefined;
    throw err;
  }
}

/** The status of a deployed stack, or undefined when no such stack exists. */
export async function stackStatus(clients: AccountClients, stackName: string): Promise<string | undefined> {
  try {
    const out = await clients.cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
    return out.Stacks?.[0]?.StackStatus ?? 'UNKNOWN';
  } catch (err) {
    if (isMissingStack(err)) return undefined;
    throw err;
  }
}
