/**
 * The SDK clients of the pipeline checks. The function's own role reports to CodePipeline
 * and writes the report; everything in a target account is read through that account's
 * read-only convention role. Tests point every client at a local endpoint with the SDK's
 * own `AWS_ENDPOINT_URL` setting; production never sets it.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import type { TargetParams } from '../../src/contract/check-params';
import {
  ConventionRoleName, DEPLOYMENT_ROLE_ENV, READ_ONLY_ROLE_ENV, assumeRole, roleNameIn, targetRoleArn, RoleCredentials,
} from '../shared/read-only-role';

/** Reads with the SDK's standard retries (throttling included), three attempts. */
const READ_ATTEMPTS = 3;

/** The clients a check uses; the handler builds them, tests may pass their own. */
export interface CheckClients {
  readonly codePipeline: CodePipelineClient;
  readonly s3: S3Client;
  /** Credentials of the target account's read-only role (`READ_ONLY_ROLE_NAME`). */
  assumeReadOnlyRole(target: TargetParams, session: string, signal: AbortSignal): Promise<RoleCredentials>;
  /** Credentials of the target account's deployment role (`DEPLOYMENT_ROLE_NAME`): the change set function only. */
  assumeDeploymentRole(target: TargetParams, session: string, signal: AbortSignal): Promise<RoleCredentials>;
}

/** Each role name is set on the function that may assume it; an unset one refuses, naming the variable. */
export function defaultClients(readOnlyRoleName: ConventionRoleName | undefined, deploymentRoleName: ConventionRoleName | undefined): CheckClients {
  const sts = new STSClient({ maxAttempts: READ_ATTEMPTS });
  return {
    // Reports are not retried blindly: a refused report is thrown and logged.
    codePipeline: new CodePipelineClient({ maxAttempts: READ_ATTEMPTS }),
    s3: new S3Client({ maxAttempts: READ_ATTEMPTS }),
    assumeReadOnlyRole: (target, session, signal) => (readOnlyRoleName
      ? assume(sts, target, readOnlyRoleName, session, signal)
      : Promise.reject(new Error(`${READ_ONLY_ROLE_ENV} is not set: this function does not read target accounts`))),
    assumeDeploymentRole: (target, session, signal) => (deploymentRoleName
      ? assume(sts, target, deploymentRoleName, session, signal)
      : Promise.reject(new Error(`${DEPLOYMENT_ROLE_ENV} is not set: only the change set function creates change sets`))),
  };
}

/** The target's convention role of the target's region. */
async function assume(sts: STSClient, target: TargetParams, roleName: ConventionRoleName, session: string, signal: AbortSignal): Promise<RoleCredentials> {
  return assumeRole(sts, targetRoleArn(target.partition, target.account, roleNameIn(roleName, target.region)), session, signal);
}

export function cloudFormationIn(target: TargetParams, credentials: RoleCredentials): CloudFormationClient {
  return new CloudFormationClient({ region: target.region, credentials, maxAttempts: READ_ATTEMPTS });
}

export function cloudWatchIn(target: TargetParams, credentials: RoleCredentials): CloudWatchClient {
  return new CloudWatchClient({ region: target.region, credentials, maxAttempts: READ_ATTEMPTS });
}
