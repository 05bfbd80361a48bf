/**
 * How each output format shows a message: the review's words escaped for the format, values
 * from the change set as values (quoted, code span, `<code>`), cleaned and capped.
 */
import { capped, clean, Msg, Value, VALUE_CAP } from '../model/text';

/** Markdown running text: nothing from the text can start emphasis, links, HTML, code or a cell break. */
export function mdText(text: string): string {
  return text.replace(/\r\n|\r|\n/g, ' ').replace(/[\\`*_[\]<>|~#!&]/g, (ch) => `\\${ch}`);
}

/**
 * A Markdown code span whose fence is longer than any backtick run inside; GFM neither
 * autolinks nor interprets anything in it. In a table cell `|` is escaped (GFM removes the backslash).
 * https://github.github.com/gfm/#code-spans
 */
export function mdCode(value: string, inTable = false): string {
  const text = value.replace(/\r\n|\r|\n/g, ' ');
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') || text === '' ? ' ' : '';
  const body = inTable ? text.replace(/\|/g, '\\|') : text;
  return `${fence}${pad}${body}${pad}${fence}`;
}

export function mdMsg(m: Msg, inTable = false, cap: number = VALUE_CAP): string {
  return m.parts.map((p) => (p instanceof Value ? mdCode(capped(p.raw, cap), inTable) : mdText(clean(p.text)))).join('');
}

/** Escapes text for HTML content and quoted attributes. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => HTML_ENTITIES[ch]);
}

const HTML_ENTITIES: { readonly [ch: string]: string } = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function htmlMsg(m: Msg, cap: number = VALUE_CAP): string {
  return m.parts.map((p) => (p instanceof Value ? `<code>${esc(capped(p.raw, cap))}</code>` : esc(clean(p.text)))).join('');
}
