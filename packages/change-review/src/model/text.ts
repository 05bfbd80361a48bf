/**
 * Text that mixes the review's own words with values taken from a change set. A value from a
 * change set is untrusted: it may try to look like the review's own verdict ("Risk tier none"),
 * hide text with bidi or zero-width characters, break lines, or carry links. Every message is
 * therefore kept as parts, and each renderer shows a value only as a value: quoted in plain
 * text, a code span in Markdown (no emphasis, no autolink), `<code>` in HTML; always stripped
 * of control, bidi and invisible characters and capped.
 */

/** An untrusted value from the change set (or the caller). */
export class Value {
  constructor(public readonly raw: string) {}
}

/** Words of the review itself. */
export class Words {
  constructor(public readonly text: string) {}
}

export type Part = Words | Value;

/** A message: the review's words with values in between. */
export class Msg {
  constructor(public readonly parts: readonly Part[]) {}

  /** Plain text: values quoted, cleaned and capped. */
  public plain(cap: number = VALUE_CAP): string {
    return this.parts.map((p) => (p instanceof Value ? quote(p.raw, cap) : clean(p.text))).join('');
  }
}

/** How many characters of one value a reason shows. */
export const VALUE_CAP = 120;

/** Marks the review's own prose inside {@link msg}. */
export function words(text: string): Words {
  return new Words(text);
}

/**
 * Builds a message. Interpolated strings are VALUES (untrusted) unless wrapped in
 * {@link words}; numbers are the review's own counts; a nested Msg is spliced in.
 */
export function msg(strings: TemplateStringsArray, ...args: ReadonlyArray<string | number | Words | Value | Msg>): Msg {
  const parts: Part[] = [];
  strings.forEach((s, i) => {
    if (s !== '') parts.push(new Words(s));
    if (i >= args.length) return;
    const a = args[i];
    if (a instanceof Msg) parts.push(...a.parts);
    else if (a instanceof Words || a instanceof Value) parts.push(a);
    else if (typeof a === 'number') parts.push(new Words(String(a)));
    else parts.push(new Value(a));
  });
  return new Msg(parts);
}

/** Joins messages with a separator of the review's own words. */
export function join(items: readonly Msg[], separator: string): Msg {
  const parts: Part[] = [];
  items.forEach((m, i) => {
    if (i > 0) parts.push(new Words(separator));
    parts.push(...m.parts);
  });
  return new Msg(parts);
}

/** A list of values, at most `max` shown: `"a", "b" and 3 more`. */
export function valueList(values: readonly string[], max = 5): Msg {
  const shown = values.slice(0, max).map((v) => msg`${v}`);
  const head = join(shown, ', ');
  return values.length > max ? msg`${head}${words(` and ${values.length - max} more`)}` : head;
}

/**
 * Characters that change how text reads without being seen: C0 and C1 controls (line breaks
 * included), bidi embeddings, overrides and isolates, zero-width and other invisible
 * formatting characters, line and paragraph separators, and Unicode tag characters.
 */
const HIDDEN = /[\u0000-\u001f\u007f-\u009f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u2028-\u202e\u2060-\u206f\u2800\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb]|\udb40[\udc00-\udc7f\udd00-\uddef]|\ud834[\udd73-\udd7a]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** A value made visible: every hidden character written as its code point, e.g. `<U+202E>`. */
export function clean(value: string): string {
  return value.replace(HIDDEN, (ch) => `<U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}>`);
}

/** Whether text holds a character {@link clean} would rewrite. */
export function hasHidden(text: string): boolean {
  HIDDEN.lastIndex = 0;
  const found = HIDDEN.test(text);
  HIDDEN.lastIndex = 0;
  return found;
}

/** At most `cap` characters (code points) of a cleaned value, with how much was cut. */
export function capped(value: string, cap: number): string {
  const cleaned = clean(value);
  const chars = Array.from(cleaned);
  if (chars.length <= cap) return cleaned;
  return `${chars.slice(0, cap).join('')}…(${chars.length - cap} more characters)`;
}

/** A value in plain text: cleaned, capped, in double quotes (JSON string syntax). */
export function quote(value: string, cap: number = VALUE_CAP): string {
  return JSON.stringify(capped(value, cap));
}
