import { CrosswalkNaming } from '@crosswalk/cross-account-role';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import type { CrosswalkConfig } from '../config';

/** The naming convention of a config: project name, region and the region's partition. */
export function namingOf(config: CrosswalkConfig): CrosswalkNaming {
  return new CrosswalkNaming({
    projectName: config.projectName,
    region: config.region,
    partition: RegionInfo.get(config.region).partition,
  });
}
