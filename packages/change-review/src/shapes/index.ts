/**
 * THE LOW TABLE: the only shapes of change the review calls low. Everything else needs a
 * person. Reviewed as a list: adding a shape here is a decision about what prod accepts without
 * anyone looking; the README's table is generated from this list.
 */
import { alarmFollowsNewVersion } from './alarm-follows-new-version';
import { aliasShiftedByCodeDeploy } from './alias-shifted-by-codedeploy';
import { cdkMetadata } from './cdk-metadata';
import { hookFollowsNewVersion } from './hook-follows-new-version';
import { lambdaCodeBehindAlias } from './lambda-code-behind-alias';
import { lambdaVersionAdded } from './lambda-version-added';
import { lambdaVersionRetained } from './lambda-version-retained';
import { logRetentionGrows } from './log-retention-grows';
import { nestedStackReviewed } from './nested-stack-reviewed';
import { policyNarrowed } from './policy-narrowed';
import { LowShape } from './shape';
import { tagsOnly } from './tags-only';

export const LOW_SHAPES: readonly LowShape[] = [
  lambdaCodeBehindAlias,
  lambdaVersionAdded,
  lambdaVersionRetained,
  aliasShiftedByCodeDeploy,
  hookFollowsNewVersion,
  alarmFollowsNewVersion,
  logRetentionGrows,
  tagsOnly,
  policyNarrowed,
  nestedStackReviewed,
  cdkMetadata,
];

export type { LowShape };
