/**
 * Assuming a target account's convention role, as the build-account functions do: the
 * read-only role (pipeline checks, failure notifier) or the deployment role (the change set function).
 */
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';

export { DEPLOYMENT_ROLE_ENV, READ_ONLY_ROLE_ENV } from '../../src/private/read-only-role';

/** Temporary credentials of an assumed role (STS AssumeRole's `Credentials`). */
export interface RoleCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

/** `arn:<partition>:iam::<account>:role/<roleName>`: a convention role (named by the function's environment) of one target account. */
export function targetRoleArn(partition: string, account: string, roleName: string): string {
  return `arn:${partition}:iam::${account}:role/${roleName}`;
}

/**
 * STS AssumeRole for the shortest session STS grants (900 s); the functions need seconds.
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
 */
export async function assumeRole(sts: STSClient, roleArn: string, session: string, signal?: AbortSignal): Promise<RoleCredentials> {
  const { Credentials: c } = await sts.send(new AssumeRoleCommand({
    RoleArn: roleArn,
    // Role session names: 2 to 64 characters of [\w+=,.@-] (same page).
    RoleSessionName: session.replace(/[^\w+=,.@-]/g, '-').slice(0, 64),
    DurationSeconds: 900,
  }), { abortSignal: signal });
  if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error(`AssumeRole of ${roleArn} returned no credentials`);
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
}
