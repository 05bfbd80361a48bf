import { format, inspect } from 'node:util';

/**
 * jest's `.each` title of one row (as jest-each writes it): `$key.path` and `$#` when the
 * title has no `%` placeholder and the row is an object; else `%#` (index), `%$` (index + 1),
 * then one placeholder per value: `%p` pretty, `%j` JSON, the others as `util.format`; `%%` is `%`.
 */
export function eachTitle(title: string, row: unknown, index: number): string {
  const pretty = (value: unknown) => inspect(value, { depth: 1, breakLength: Infinity });
  if (row !== null && typeof row === 'object' && !Array.isArray(row) && !PLACEHOLDER.test(title.replaceAll('%%', ''))) {
    return title.replace(/\$(\w+)((?:\.\w+)*)/g, (match, key: string, path: string) => {
      if (!(key in row)) return match;
      const value = [key, ...path.split('.').slice(1)].reduce<any>((v, k) => v?.[k], row);
      return value === null || (typeof value !== 'object' && typeof value !== 'function') ? String(value) : pretty(value);
    }).replace('$#', String(index));
  }
  const escape = '\u0000';
  let out = title.replaceAll('%%', escape).replace('%#', String(index)).replace('%$', String(index + 1));
  let from = 0;
  for (const value of Array.isArray(row) ? row : [row]) {
    const at = out.slice(from).search(PLACEHOLDER);
    if (at < 0) break;
    const placeholder = out.slice(from + at, from + at + 2);
    const text = placeholder === '%p' ? pretty(value) : placeholder === '%j' ? JSON.stringify(value) : format(placeholder, value);
    out = out.slice(0, from + at) + text + out.slice(from + at + 2);
    from += at + text.length;
  }
  return out.replaceAll(escape, '%');
}
const PLACEHOLDER = /%[#Odfijops]/;
