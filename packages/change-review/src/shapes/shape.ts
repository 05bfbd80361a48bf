/**
 * A low shape: a kind of change the review can PROVE routine. The low table is the list of
 * them (src/shapes/index.ts); a change that matches none needs a person.
 */
import { Subject } from '../model/facts';

export interface LowShape {
  /** kebab-case, stable: the report and the JSON name the shape a change matched. */
  readonly id: string;
  /** What the shape is, for the README's low table. */
  readonly title: string;
  /** Why such a change needs no person. */
  readonly why: string;
  /** The AWS pages the reason relies on. */
  readonly cite: readonly string[];
  matches(s: Subject): boolean;
}
