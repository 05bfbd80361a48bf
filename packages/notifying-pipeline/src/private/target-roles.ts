/**
 * The convention roles of the target accounts a build-account function may assume, for
 * environments in one region or several. IAM names are global, so each region's roles carry
 * the region in their name (`CrosswalkNaming.forRegion`): the function's policy lists each
 * account's role of each region, and its environment names the role of each region.
 */
import { CrosswalkNaming } from '@crosswalk/cross-account-role';

/** An account and region the pipeline deploys to. */
export interface RegionalTarget {
  readonly account: string;
  readonly region: string;
}

/** The ARN of a convention role in each target account and region, without repeats. */
export function targetRoleArns(naming: CrosswalkNaming, targets: readonly RegionalTarget[], arnOf: (n: CrosswalkNaming, account: string) => string): string[] {
  return [...new Set(targets.map((t) => arnOf(naming.forRegion(t.region), t.account)))];
}

/**
 * The environment variables that name a convention role: `<plainVariable>` with the name in
 * the naming's region, and, when the targets span several regions, `<byRegionVariable>` with
 * the name in each (the function then refuses a region missing from it).
 */
export function roleNameEnvironment(
  naming: CrosswalkNaming, targets: readonly RegionalTarget[], nameOf: (n: CrosswalkNaming) => string,
  plainVariable: string, byRegionVariable: string,
): Record<string, string> {
  const regions = [...new Set(targets.map((t) => t.region))].sort();
  const byRegion = regions.length > 1 || (regions.length === 1 && regions[0] !== naming.region)
    ? { [byRegionVariable]: JSON.stringify(Object.fromEntries(regions.map((r) => [r, nameOf(naming.forRegion(r))]))) }
    : {};
  return { [plainVariable]: nameOf(naming), ...byRegion };
}
