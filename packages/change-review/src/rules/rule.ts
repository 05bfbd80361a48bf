/**
 * A rule finds what a person must look at in one resource change. Rules only EXPLAIN: a change
 * is low only when a shape of the low table (src/shapes) proves it, whatever the rules say;
 * a rule's finding makes it high even when a shape matches.
 */
import { Subject } from '../model/facts';
import { Msg } from '../model/text';

/** What kind of risk a finding is about; the report lists data loss and IAM first. */
export type Category = 'data-loss' | 'iam' | 'aws-check' | 'drift' | 'exposure' | 'safe-deploy' | 'unreviewed' | 'not-proven-low';

/** The order findings are shown in (and the summary keeps), most harmful first. */
export const CATEGORY_ORDER: readonly Category[] = ['data-loss', 'iam', 'aws-check', 'drift', 'exposure', 'safe-deploy', 'unreviewed', 'not-proven-low'];

export const CATEGORY_TITLES: { readonly [c in Category]: string } = {
  'data-loss': 'data loss',
  'iam': 'IAM',
  'aws-check': 'AWS checks',
  'drift': 'drift',
  'exposure': 'exposure',
  'safe-deploy': 'safe deploy',
  'unreviewed': 'not reviewed',
  'not-proven-low': 'not proven low',
};

export interface Rule {
  /** kebab-case, stable: the report and the JSON name it. */
  readonly id: string;
  readonly category: Category;
  /** One sentence for the README's rule table. */
  readonly summary: string;
  /** The AWS pages the rule relies on. */
  readonly cite: readonly string[];
  /** The findings in one resource change; [] when it has no objection. */
  check(s: Subject): Msg[];
}
