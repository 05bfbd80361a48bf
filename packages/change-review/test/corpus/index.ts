import { CASES as CONTROLS } from './controls';
import { CASES as DATA_DESTRUCTION } from './data-destruction';
import { CASES as DATA_REMOVAL } from './data-removal';
import { CASES as EXPOSURE } from './exposure';
import { CASES as MALFORMED } from './malformed';
import { CASES as MISLEADING_APPROVER } from './misleading-approver';
import { CASES as NEGATED_CONDITION } from './negated-condition';
import { CASES as NESTED_STACKS } from './nested-stacks';
import { CASES as PRIVILEGE_ESCALATION } from './privilege-escalation';
import { CASES as RELEASE_FOLLOWERS } from './release-followers';
import { CASES as REPLACEMENT_SEMANTICS } from './replacement-semantics';
import { CASES as SAFE_DEPLOY } from './safe-deploy';
import { CASES as UNMODELLED_TYPES } from './unmodelled-types';
import type { CorpusCase } from './types';

export const CORPUS: CorpusCase[] = [
  ...PRIVILEGE_ESCALATION,
  ...NEGATED_CONDITION,
  ...DATA_DESTRUCTION,
  ...DATA_REMOVAL,
  ...UNMODELLED_TYPES,
  ...EXPOSURE,
  ...SAFE_DEPLOY,
  ...RELEASE_FOLLOWERS,
  ...REPLACEMENT_SEMANTICS,
  ...MISLEADING_APPROVER,
  ...MALFORMED,
  ...NESTED_STACKS,
  ...CONTROLS,
];
