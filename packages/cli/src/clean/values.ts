/**
 * What a value of a CloudFormation template will be when CloudFormation reads it, as far as it
 * can be known without deploying: intrinsic functions are evaluated the way the CloudFormation
 * User Guide's intrinsic function reference describes them
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html),
 * with the stack's parameter values where they are known. Whatever cannot be known (a resource's
 * physical id, an attribute, an import, a masked parameter) becomes an unknown piece that may be
 * any text of its characters, so that a key it may produce is never taken for unused.
 */

/** A part of a string: known text, or text known only to be made of some characters. */
export type Piece =
  | { readonly text: string }
  | { readonly unknown: string; readonly chars: CharClass };

/** The characters an unknown piece may hold (a regular expression character class). */
export type CharClass = '[\\s\\S]' | '[0-9]' | '[a-z0-9-]' | '[a-z.]' | '[A-Za-z0-9-]';

/** One possible value. A value CloudFormation may compute in several ways has several alternatives. */
export type Value =
  | { readonly kind: 'string'; readonly pieces: readonly Piece[] }
  /** A list; each item with its alternatives. */
  | { readonly kind: 'list'; readonly items: ReadonlyArray<readonly Value[]> }
  /** A string or a list, not known at all. */
  | { readonly kind: 'unknown'; readonly why: string }
  /** Not a string or list (an object, a condition, AWS::NoValue). */
  | { readonly kind: 'none' };

/** The pseudo parameters (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/pseudo-parameter-reference.html) and what each may hold. */
const PSEUDO: Record<string, CharClass> = {
  'AWS::AccountId': '[0-9]',
  'AWS::Region': '[a-z0-9-]',
  'AWS::Partition': '[a-z0-9-]',
  'AWS::URLSuffix': '[a-z.]',
  'AWS::StackName': '[A-Za-z0-9-]',
  'AWS::StackId': '[\\s\\S]',
};

/** What a template's values are evaluated with. */
export interface ValueContext {
  /** The template, for its Parameters (types), Mappings and Resources. */
  readonly template: Readonly<Record<string, unknown>>;
  /** The parameters' values, where known (a stack's current values, or what a parent stack passes). */
  readonly parameters: ReadonlyMap<string, readonly Value[]>;
  /** The pseudo parameters' values, where known (`AWS::Region` → `eu-west-1`). */
  readonly pseudo: Readonly<Record<string, string>>;
}

/** More alternatives than this are folded into one unknown value (the safe side: it may be anything). */
export const MAX_ALTERNATIVES = 64;

export const text = (value: string): Value => ({ kind: 'string', pieces: literalPieces(value) });
const unknownText = (why: string, chars: CharClass = '[\\s\\S]'): Value => ({ kind: 'string', pieces: [{ unknown: why, chars }] });
const unknown = (why: string): Value => ({ kind: 'unknown', why });
const NONE: Value = { kind: 'none' };

/**
 * A dynamic reference (`{{resolve:ssm:…}}`), which CloudFormation replaces with the value it reads
 * from Systems Manager or Secrets Manager (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references.html).
 */
const DYNAMIC_REFERENCE = /\{\{resolve:[^}]*\}\}/g;

/** A literal string's pieces: its text, with each dynamic reference an unknown piece. */
export function literalPieces(value: string): Piece[] {
  const pieces: Piece[] = [];
  let at = 0;
  for (const match of value.matchAll(DYNAMIC_REFERENCE)) {
    if (match.index! > at) pieces.push({ text: value.slice(at, match.index) });
    pieces.push({ unknown: `the dynamic reference ${match[0].slice(0, 60)}`, chars: '[\\s\\S]' });
    at = match.index! + match[0].length;
  }
  if (at < value.length || pieces.length === 0) pieces.push({ text: value.slice(at) });
  return pieces;
}

/** Whether `node` is an intrinsic function call or a Ref: an object of one key, `Ref` or `Fn::…`. */
export function isIntrinsic(node: unknown): node is Record<string, unknown> {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return false;
  const keys = Object.keys(node);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'));
}

/** The alternatives of a template value. */
export function evaluate(node: unknown, ctx: ValueContext): Value[] {
  if (typeof node === 'string') return [text(node)];
  if (typeof node === 'number' || typeof node === 'boolean') return [text(String(node))];
  if (Array.isArray(node)) return [{ kind: 'list', items: node.map((item) => evaluate(item, ctx)) }];
  if (!isIntrinsic(node)) return [NONE];
  const [name] = Object.keys(node);
  const args = node[name];
  const list = Array.isArray(args) ? args : [];
  switch (name) {
    case 'Ref': return ref(String(args), ctx);
    case 'Fn::Join': return join(list, ctx);
    case 'Fn::Sub': return sub(args, ctx);
    case 'Fn::If': return capped([...evaluate(list[1], ctx), ...evaluate(list[2], ctx)]);
    case 'Fn::Select': return select(list, ctx);
    case 'Fn::Split': return split(list, ctx);
    case 'Fn::FindInMap': return findInMap(list, ctx);
    case 'Fn::Base64': return evaluate(args, ctx);
    case 'Fn::GetAtt': return [unknownText(`Fn::GetAtt ${Array.isArray(args) ? args.join('.') : String(args)}`.slice(0, 100))];
    case 'Fn::ImportValue': return [unknownText('Fn::ImportValue (another stack\'s export)')];
    default: return [unknown(`${name}, which this command does not evaluate`)];
  }
}

function ref(name: string, ctx: ValueContext): Value[] {
  if (name === 'AWS::NoValue') return [NONE];
  if (name === 'AWS::NotificationARNs') return [unknown('AWS::NotificationARNs')];
  if (PSEUDO[name] !== undefined) {
    const known = ctx.pseudo[name];
    return [known !== undefined ? text(known) : unknownText(name, PSEUDO[name])];
  }
  const parameters = asRecord(ctx.template.Parameters);
  if (parameters[name] !== undefined) {
    return [...(ctx.parameters.get(name) ?? [unknown(`the parameter ${name}, whose value is not known`)])];
  }
  if (asRecord(ctx.template.Resources)[name] !== undefined) return [unknownText(`the physical id of ${name}`)];
  return [unknown(`Ref ${name.slice(0, 60)}, which the template does not declare`)];
}

/**
 * `Fn::Join [delimiter, list]`: every combination of the items' alternatives, joined with the
 * delimiter (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-join.html).
 */
function join(args: unknown[], ctx: ValueContext): Value[] {
  const results: Value[] = [];
  for (const delimiter of evaluate(args[0], ctx)) {
    for (const list of evaluate(args[1], ctx)) {
      if (list.kind !== 'list') {
        results.push(unknownText(list.kind === 'unknown' ? list.why : 'Fn::Join of something that is not a list'));
        continue;
      }
      const glue = piecesOf(delimiter);
      for (const combination of combinations(list.items)) {
        results.push({ kind: 'string', pieces: concat(...combination.flatMap((item, i) => (i === 0 ? [piecesOf(item)] : [glue, piecesOf(item)]))) });
      }
    }
  }
  return capped(results);
}

/**
 * `Fn::Sub 'text ${Name}'` or `Fn::Sub ['text ${Name}', { Name: value }]`: a name is a variable of
 * the map, else a parameter, resource or pseudo parameter (`Ref`), or `Resource.Attribute`
 * (`Fn::GetAtt`); `${!Literal}` is the text `${Literal}`
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-sub.html).
 */
function sub(args: unknown, ctx: ValueContext): Value[] {
  const [template, variables] = Array.isArray(args) ? args : [args, {}];
  if (typeof template !== 'string') return [unknownText('Fn::Sub of a text that is not a literal string')];
  const vars = asRecord(variables);
  const parts: Value[][] = [];
  let at = 0;
  for (const match of template.matchAll(/\$\{([^}]*)\}/g)) {
    parts.push([text(template.slice(at, match.index))]);
    const name = match[1].trim();
    if (name.startsWith('!')) parts.push([text(`\${${name.slice(1)}}`)]);
    else if (vars[name] !== undefined) parts.push(evaluate(vars[name], ctx));
    else if (name.includes('.')) parts.push([unknownText(`Fn::GetAtt ${name.slice(0, 100)}`)]);
    else parts.push(ref(name, ctx));
    at = match.index! + match[0].length;
  }
  parts.push([text(template.slice(at))]);
  return capped(combinations(parts).map((combination) => ({ kind: 'string', pieces: concat(...combination.map(piecesOf)) })));
}

/** `Fn::Select [index, list]`: the item, or every item when the index is not known. */
function select(args: unknown[], ctx: ValueContext): Value[] {
  const index = evaluate(args[0], ctx).map(literal);
  const results: Value[] = [];
  for (const list of evaluate(args[1], ctx)) {
    if (list.kind !== 'list') {
      results.push(list.kind === 'unknown' ? list : unknownText('Fn::Select of something that is not a list'));
      continue;
    }
    const known = index.length === 1 && index[0] !== undefined && /^\d+$/.test(index[0]) ? Number(index[0]) : undefined;
    results.push(...(known === undefined ? list.items.flat() : list.items[known] ?? [unknownText('Fn::Select past the end of the list')]));
  }
  return capped(results);
}

/** `Fn::Split [delimiter, text]`: a known list when both are known, else an unknown one. */
function split(args: unknown[], ctx: ValueContext): Value[] {
  const delimiters = evaluate(args[0], ctx).map(literal);
  const sources = evaluate(args[1], ctx).map(literal);
  if (delimiters.length !== 1 || delimiters[0] === undefined || delimiters[0] === '' || sources.some((s) => s === undefined)) {
    return [unknown('Fn::Split of a text that is not known')];
  }
  return sources.map((source) => ({ kind: 'list', items: source!.split(delimiters[0]!).map((item) => [text(item)]) }));
}

/** `Fn::FindInMap [map, top-level key, second-level key]`: the value, or every value the unknown keys may pick. */
function findInMap(args: unknown[], ctx: ValueContext): Value[] {
  const keys = args.slice(0, 3).map((arg) => {
    const alternatives = evaluate(arg, ctx).map(literal);
    return alternatives.some((a) => a === undefined) ? undefined : alternatives as string[];
  });
  const results: unknown[] = [];
  const pick = (level: Record<string, unknown>, names: string[] | undefined) => (names === undefined ? Object.values(level) : names.map((n) => level[n]));
  for (const map of pick(asRecord(ctx.template.Mappings), keys[0])) {
    for (const top of pick(asRecord(map), keys[1])) {
      for (const value of pick(asRecord(top), keys[2])) if (value !== undefined) results.push(value);
    }
  }
  const fallback = asRecord(args[3]).DefaultValue;
  if (fallback !== undefined) results.push(fallback);
  if (results.length === 0) return [unknown('Fn::FindInMap of an entry the Mappings do not have')];
  return capped(results.flatMap((value) => evaluate(value, ctx)));
}

/** The text of a value that is entirely known, else undefined. */
export function literal(value: Value): string | undefined {
  if (value.kind !== 'string' || value.pieces.some((p) => !('text' in p))) return undefined;
  return value.pieces.map((p) => ('text' in p ? p.text : '')).join('');
}

/** A value as the pieces of a string: an unknown or a list (not a string) becomes one unknown piece. */
function piecesOf(value: Value): readonly Piece[] {
  if (value.kind === 'string') return value.pieces;
  if (value.kind === 'unknown') return [{ unknown: value.why, chars: '[\\s\\S]' }];
  return [{ unknown: value.kind === 'list' ? 'a list where a string was expected' : 'a value that is not a string', chars: '[\\s\\S]' }];
}

/** Pieces in order, adjacent texts merged. */
export function concat(...parts: ReadonlyArray<readonly Piece[]>): Piece[] {
  const pieces: Piece[] = [];
  for (const piece of parts.flat()) {
    const last = pieces[pieces.length - 1];
    if ('text' in piece && last !== undefined && 'text' in last) pieces[pieces.length - 1] = { text: last.text + piece.text };
    else if (!('text' in piece && piece.text === '')) pieces.push(piece);
  }
  return pieces.length > 0 ? pieces : [{ text: '' }];
}

/** Every way of picking one alternative per part; beyond {@link MAX_ALTERNATIVES}, one unknown pick. */
function combinations(parts: ReadonlyArray<readonly Value[]>): Value[][] {
  let result: Value[][] = [[]];
  for (const alternatives of parts) {
    if (result.length * Math.max(1, alternatives.length) > MAX_ALTERNATIVES) {
      return [[unknownText(`more than ${MAX_ALTERNATIVES} combinations of Fn::If, Fn::FindInMap or list items`)]];
    }
    result = result.flatMap((picked) => (alternatives.length === 0 ? [picked] : alternatives.map((a) => [...picked, a])));
  }
  return result;
}

function capped(values: Value[]): Value[] {
  return values.length > MAX_ALTERNATIVES ? [unknown(`more than ${MAX_ALTERNATIVES} alternatives`)] : values;
}

export function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as Record<string, unknown> : {};
}
