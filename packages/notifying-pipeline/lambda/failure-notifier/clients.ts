/**
 * The AWS SDK clients of the failure notifier: the function's own role in the build
 * account (CodePipeline, CodeBuild, STS, SNS) and the read-only role in a target account
 * (CloudFormation, CodeDeploy). Lambda's Node.js runtime provides the SDK (the bundle keeps
 * `@aws-sdk/*` external).
 *
 * Endpoints: none are set here. The SDK reads AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE>
 * itself (https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html); the
 * wire test uses them to point every client at a local server. Production never sets them.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CodeBuildClient } from '@aws-sdk/client-codebuild';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { SNSClient } from '@aws-sdk/client-sns';
import { STSClient } from '@aws-sdk/client-sts';
import type { RoleCredentials } from '../shared/read-only-role';

export type { RoleCredentials };

/**
 * Reads: the SDK's standard retry mode with 3 attempts in all retries throttling, 5xx and
 * network errors with backoff (https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html).
 * A connection that cannot be opened in 3 s, or an answer that takes 10 s, counts as such an
 * error; the enrichment's own time budget cuts everything anyway.
 */
const READ_SETTINGS = {
  maxAttempts: 3,
  requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000 },
} as const;

/**
 * Publish is never retried by the SDK: a retry after an answer was lost would send the same
 * message twice. A failed Publish throws, and Lambda's asynchronous retry takes over.
 */
const PUBLISH_SETTINGS = {
  maxAttempts: 1,
  requestHandler: { connectionTimeout: 3_000 },
} as const;

/** Clients that act as the function's own role, in the build account. */
export interface BuildAccountClients {
  readonly codePipeline: CodePipelineClient;
  readonly codeBuild: CodeBuildClient;
  readonly sts: STSClient;
  readonly sns: SNSClient;
}

/** Clients that act as the read-only role of one target account, in one region. */
export interface TargetAccountClients {
  readonly cloudFormation: CloudFormationClient;
  readonly codeDeploy: CodeDeployClient;
  /** The alarm behind a revert (its history). */
  readonly cloudWatch: CloudWatchClient;
}


/** Makes the clients of a target account from the read-only role's credentials. */
export type TargetClientFactory = (credentials: RoleCredentials, region: string) => TargetAccountClients;

/** The build-account clients, in the function's region (AWS_REGION, read by the SDK). */
export function createBuildAccountClients(): BuildAccountClients {
  return {
    codePipeline: new CodePipelineClient(READ_SETTINGS),
    codeBuild: new CodeBuildClient(READ_SETTINGS),
    sts: new STSClient(READ_SETTINGS),
    sns: new SNSClient(PUBLISH_SETTINGS),
  };
}

/** Clients of a target account: only read calls are ever sent with them. */
export const createTargetAccountClients: TargetClientFactory = (credentials, region) => ({
  cloudFormation: new CloudFormationClient({ ...READ_SETTINGS, region, credentials }),
  codeDeploy: new CodeDeployClient({ ...READ_SETTINGS, region, credentials }),
  cloudWatch: new CloudWatchClient({ ...READ_SETTINGS, region, credentials }),
});
