/**
 * Assuming a target account's convention role, as the build-account functions do: the
 * read-only role (pipeline checks, failure notifier) or the deployment role (the change set function).
 */
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';

export { DEPLOYMENT_ROLE_BY_REGION_ENV, DEPLOYMENT_ROLE_ENV, READ_ONLY_ROLE_BY_REGION_ENV, READ_ONLY_ROLE_ENV } from '../../src/contract/read-only-role';

/** Temporary credentials of an assumed role (STS AssumeRole's `Credentials`). */
export interface RoleCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

/**
 * A convention role's name: one name, or one per region (a pipeline with environments in
 * several regions; each region's roles carry the region in their name).
 */
export type ConventionRoleName = string | Readonly<Record<string, string>>;

/** IAM role names: https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html */
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

/**
 * The role name from a function's environment: the by-region JSON object when set, else the
 * one name; undefined when neither is set. Throws, naming the variable, on a value that is not
 * what the construct writes (not an IAM role name, not a JSON object of them).
 */
export function conventionRoleName(
  name: string | undefined, byRegion: string | undefined, variables: { readonly name: string; readonly byRegion: string },
): ConventionRoleName | undefined {
  if (byRegion === undefined || byRegion.trim() === '') {
    const plain = name?.trim() ? name.trim() : undefined;
    if (plain !== undefined && !ROLE_NAME.test(plain)) throw new Error(`${variables.name} is not an IAM role name: ${plain.slice(0, 80)}`);
    return plain;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(byRegion);
  } catch {
    throw new Error(`${variables.byRegion} is not JSON: ${byRegion.slice(0, 80)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)
    || Object.values(parsed).some((v) => typeof v !== 'string' || !ROLE_NAME.test(v))) {
    throw new Error(`${variables.byRegion} must be a JSON object of region to IAM role name, got ${byRegion.slice(0, 80)}`);
  }
  return parsed as Record<string, string>;
}

/**
 * The role's name in a region. With names by region, a region missing from them has no role
 * this function may assume: it refuses rather than guess (the same name would belong to
 * another region's role, which reads nothing there).
 */
export function roleNameIn(name: ConventionRoleName, region: string): string {
  if (typeof name === 'string') return name;
  const found = Object.prototype.hasOwnProperty.call(name, region) ? name[region] : undefined;
  if (found === undefined) {
    throw new Error(`no convention role is configured for region ${region} (configured: ${Object.keys(name).join(', ') || 'none'}): ` +
      'the pipeline has no environment there; add the environment to the pipeline, which then configures its region\'s roles');
  }
  return found;
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
