/**
 * Resource patterns as IAM reads them, and whether two of them can match a common resource.
 *
 * A pattern is a list of tokens: a literal character, `?` (any one character), `*` (any
 * string) or a name segment (any string without `/` or `:`, for values such as an account id,
 * a region or a bucket name that cannot hold either). Patterns come from three places:
 * - a statement's `Resource` (where `*` and `?` are wildcards, and `${…}` policy variables
 *   stand for any string);
 * - the Service Authorization Reference's ARN formats (where each `${Placeholder}` stands for
 *   any string, or for a name segment when it is the partition, region, account or bucket);
 * - CloudFormation values (`Ref`, `Fn::GetAtt`, `Fn::Join`, `Fn::Sub`) resolved as far as the
 *   template tells, the rest standing for any string.
 */
import { StackTemplate } from './assembly';

export type Token =
  | { readonly kind: 'char'; readonly char: string }
  | { readonly kind: 'one' }
  /** Any string; `unknown` when it stands for a value the template does not tell, not for a wildcard. */
  | { readonly kind: 'any'; readonly unknown?: boolean }
  | { readonly kind: 'segment' };

export type Pattern = readonly Token[];

const ANY: Token = { kind: 'any' };
const UNKNOWN: Token = { kind: 'any', unknown: true };
const SEGMENT: Token = { kind: 'segment' };
const ONE: Token = { kind: 'one' };
const chars = (text: string): Token[] => [...text].map((char) => ({ kind: 'char', char }));

/** Placeholders of ARN formats that never hold `/` or `:`. */
const SEGMENT_PLACEHOLDERS = new Set(['Partition', 'Region', 'Account', 'BucketName']);

/** A statement's resource string: `*` and `?` are wildcards, and a `${…}` policy variable stands for a value not known here. */
export function policyPattern(text: string): Token[] {
  const tokens: Token[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '$' && text[i + 1] === '{') {
      const end = text.indexOf('}', i);
      if (end > 0) {
        tokens.push(UNKNOWN); // a policy variable such as ${aws:username}
        i = end;
        continue;
      }
    }
    tokens.push(c === '*' ? ANY : c === '?' ? ONE : { kind: 'char', char: c });
  }
  return tokens;
}

/**
 * An ARN format of the Service Authorization Reference: `${Placeholder}` stands for any string
 * (a name segment for the partition, region, account and bucket name). With `literalStar`, a
 * `*` is the character itself (the resource AWS evaluates, e.g. `alarm:*`); otherwise a
 * wildcard, as a few formats of the reference use it.
 */
export function formatPattern(format: string, literalStar = false): Token[] {
  const tokens: Token[] = [];
  for (let i = 0; i < format.length; i++) {
    const c = format[i];
    if (c === '$' && format[i + 1] === '{') {
      const end = format.indexOf('}', i);
      if (end > 0) {
        tokens.push(SEGMENT_PLACEHOLDERS.has(format.slice(i + 2, end)) ? SEGMENT : UNKNOWN);
        i = end;
        continue;
      }
    }
    tokens.push(c === '*' && !literalStar ? ANY : { kind: 'char', char: c });
  }
  return tokens;
}

const isStar = (t: Token) => t.kind === 'any' || t.kind === 'segment';

/** Whether a star token may produce the character a single-character token produces. */
function absorbs(star: Token, single: Token): boolean {
  if (star.kind === 'any' || single.kind !== 'char') return true;
  return single.char !== '/' && single.char !== ':';
}

function sameChar(a: Token, b: Token): boolean {
  if (a.kind !== 'char' || b.kind !== 'char') return true;
  return a.char.toLowerCase() === b.char.toLowerCase();
}

/**
 * Whether some string matches both patterns (without regard to case: the reference's ARN
 * formats do not always spell a resource the way its service does, and a false finding
 * costs more than a missed one).
 */
export function intersects(a: Pattern, b: Pattern): boolean {
  const seen = new Set<number>();
  const width = b.length + 1;
  const stack: Array<[number, number]> = [[0, 0]];
  while (stack.length > 0) {
    const [i, j] = stack.pop()!;
    const key = i * width + j;
    if (seen.has(key)) continue;
    seen.add(key);
    if (i === a.length && j === b.length) return true;
    const p = a[i];
    const q = b[j];
    if (p !== undefined && isStar(p)) {
      stack.push([i + 1, j]);
      if (q !== undefined && !isStar(q) && absorbs(p, q)) stack.push([i, j + 1]);
    }
    if (q !== undefined && isStar(q)) {
      stack.push([i, j + 1]);
      if (p !== undefined && !isStar(p) && absorbs(q, p)) stack.push([i + 1, j]);
    }
    if (p !== undefined && q !== undefined && !isStar(p) && !isStar(q) && sameChar(p, q)) stack.push([i + 1, j + 1]);
  }
  return false;
}

/** Whether the pattern is a lone wildcard or wholly unknown: it may be `*`, so it may match anything. */
export const isWildcard = (pattern: Pattern) => pattern.length > 0 && pattern.every((t) => t.kind === 'any');

/** Whether the pattern names resources exactly: it has no wildcard (values the template does not tell are not wildcards). */
export const isExact = (pattern: Pattern) => pattern.every((t) => t.kind === 'char' || t.kind === 'segment' || (t.kind === 'any' && t.unknown === true));

/** The pattern written back as text, `*` for every wildcard, `?` for one character. */
export function patternText(pattern: Pattern): string {
  return pattern.map((t) => (t.kind === 'char' ? t.char : t.kind === 'one' ? '?' : '*')).join('').replace(/\*+/g, '*');
}

/** The partition of a region, or undefined when the region is unknown. */
export function partitionOf(region: string | undefined): string | undefined {
  if (region === undefined) return undefined;
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** What a pseudo parameter resolves to in the stack (a name segment when the stack does not tell), or undefined for other names. */
function pseudo(stack: StackTemplate, name: string): Token[] | undefined {
  const known = (value: string | undefined) => (value === undefined ? [SEGMENT] : chars(value));
  switch (name) {
    case 'AWS::Region': return known(stack.region);
    case 'AWS::AccountId': return known(stack.account);
    case 'AWS::Partition': return known(partitionOf(stack.region));
    case 'AWS::URLSuffix': return stack.region === undefined ? [UNKNOWN] : chars(stack.region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com');
    default: return undefined;
  }
}

/**
 * What `Fn::GetAtt` (or `Ref`) returns for a few resource types: `${Partition}`, `${Region}`
 * and `${Account}` are the stack's, `${Name}` a name these types allow (without `/` or `:`),
 * `${Path}` any string; a `*` is written into the policy, where IAM reads it as a wildcard.
 */
const ATTRIBUTE_SHAPES: Record<string, string> = {
  'AWS::S3::Bucket.Arn': 'arn:${Partition}:s3:::${Name}',
  'AWS::S3::Bucket.Ref': '${Name}',
  'AWS::DynamoDB::Table.Arn': 'arn:${Partition}:dynamodb:${Region}:${Account}:table/${Name}',
  'AWS::IAM::Role.Arn': 'arn:${Partition}:iam::${Account}:role/${Path}',
  'AWS::Lambda::Function.Arn': 'arn:${Partition}:lambda:${Region}:${Account}:function:${Name}',
  'AWS::SQS::Queue.Arn': 'arn:${Partition}:sqs:${Region}:${Account}:${Name}',
  'AWS::SNS::Topic.Ref': 'arn:${Partition}:sns:${Region}:${Account}:${Name}',
  'AWS::SNS::Topic.TopicArn': 'arn:${Partition}:sns:${Region}:${Account}:${Name}',
  'AWS::KMS::Key.Arn': 'arn:${Partition}:kms:${Region}:${Account}:key/${Name}',
  'AWS::Logs::LogGroup.Arn': 'arn:${Partition}:logs:${Region}:${Account}:log-group:${Path}:*',
  'AWS::CloudWatch::Alarm.Arn': 'arn:${Partition}:cloudwatch:${Region}:${Account}:alarm:${Path}',
};

function shapePattern(stack: StackTemplate, shape: string): Token[] {
  return shape.split(/(\$\{[A-Za-z]+\})/).flatMap((part): Token[] => {
    switch (part) {
      case '${Partition}': return pseudo(stack, 'AWS::Partition')!;
      case '${Region}': return pseudo(stack, 'AWS::Region')!;
      case '${Account}': return pseudo(stack, 'AWS::AccountId')!;
      case '${Name}': return [SEGMENT];
      case '${Path}': return [UNKNOWN];
      default: return policyPattern(part);
    }
  });
}

/** `Fn::GetAtt` of a resource (`Ref` as the attribute name `Ref`) as a pattern. */
function attribute(stack: StackTemplate, logicalId: string, name: string): Token[] {
  const type: string | undefined = stack.template?.Resources?.[logicalId]?.Type;
  const shape = type === undefined ? undefined : ATTRIBUTE_SHAPES[`${type}.${name}`];
  if (shape !== undefined) return shapePattern(stack, shape);
  // Every attribute CloudFormation names ...Arn is an ARN.
  if (type !== undefined && name !== 'Ref' && /Arn$/.test(name)) return [...chars('arn:'), UNKNOWN];
  return [UNKNOWN];
}

/**
 * A template value as a resource pattern, resolved as far as the template tells: literal
 * text (with IAM's wildcards), pseudo parameters of the stack, `Fn::Join`, `Fn::Sub`, and the
 * ARNs of a few resource types; anything else stands for any string.
 */
export function valuePattern(stack: StackTemplate, value: any): Token[] {
  if (typeof value === 'string') return policyPattern(value);
  if (typeof value === 'number') return chars(String(value));
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [UNKNOWN];
  if (typeof value.Ref === 'string') {
    return pseudo(stack, value.Ref) ?? attribute(stack, value.Ref, 'Ref');
  }
  const getAtt = value['Fn::GetAtt'];
  if (getAtt !== undefined) {
    const [id, name] = Array.isArray(getAtt) ? getAtt : typeof getAtt === 'string' ? getAtt.split(/\.(.*)/) : [];
    return typeof id === 'string' && typeof name === 'string' ? attribute(stack, id, name) : [UNKNOWN];
  }
  const join = value['Fn::Join'];
  if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
    return join[1].flatMap((part: any, i: number) => [...(i > 0 ? policyPattern(join[0]) : []), ...valuePattern(stack, part)]);
  }
  const sub = value['Fn::Sub'];
  if (typeof sub === 'string' || (Array.isArray(sub) && typeof sub[0] === 'string')) {
    const [text, variables] = typeof sub === 'string' ? [sub, {}] : [sub[0], sub[1] ?? {}];
    return subPattern(stack, text, variables);
  }
  return [UNKNOWN];
}

function subPattern(stack: StackTemplate, text: string, variables: Record<string, any>): Token[] {
  const tokens: Token[] = [];
  let rest = text;
  while (rest.length > 0) {
    const start = rest.indexOf('${');
    if (start < 0) {
      tokens.push(...policyPattern(rest));
      break;
    }
    tokens.push(...policyPattern(rest.slice(0, start)));
    const end = rest.indexOf('}', start);
    if (end < 0) {
      tokens.push(...policyPattern(rest.slice(start)));
      break;
    }
    const name = rest.slice(start + 2, end);
    if (name.startsWith('!')) {
      tokens.push(UNKNOWN); // `${!Literal}` writes `${Literal}`: an IAM policy variable
    } else if (variables[name] !== undefined) {
      tokens.push(...valuePattern(stack, variables[name]));
    } else if (name.includes('.')) {
      const [id, attr] = name.split(/\.(.*)/);
      tokens.push(...attribute(stack, id, attr));
    } else {
      tokens.push(...(pseudo(stack, name) ?? attribute(stack, name, 'Ref')));
    }
    rest = rest.slice(end + 1);
  }
  return tokens;
}
