import { keysInText } from './key-match';
import { Piece, Value, ValueContext, asRecord, evaluate, isIntrinsic, literalPieces } from './values';

/** A value of a template that names, or may name, an object of the bucket. */
export interface AssetReference {
  /** Where the template came from, as printed: `stack X`, `change set Y of stack X`, `template cdk.out/A.template.json`. */
  readonly source: string;
  /** The path of the value in the template, e.g. `Resources/Fn/Properties/Code/S3Key`. */
  readonly where: string;
  /** The key, when the value is known. */
  readonly key?: string;
  /** A value only partly known: it may name any key it may be or hold (see `mayHold`). */
  readonly pieces?: readonly Piece[];
  /** `whole`: the value is a key (`S3Key`); `anywhere`: a key may stand anywhere in it (a URI, a script). */
  readonly match?: 'whole' | 'anywhere';
  /** Why the value is not known, when it is not. */
  readonly unresolved?: string;
}

/** A nested stack of a template, with the values it passes to its template's parameters. */
export interface NestedStackResource {
  readonly logicalId: string;
  readonly resource: Readonly<Record<string, unknown>>;
  readonly parameters: ReadonlyMap<string, readonly Value[]>;
}

/**
 * Properties whose value CloudFormation, a transform or a custom resource reads as an object's key
 * or location: `S3Key` and `Key` (Lambda code and layers, SAM's `{ Bucket, Key }`, Step
 * Functions' and API Gateway's `…S3Location`), `SourceObjectKeys` (CDK's BucketDeployment),
 * SAM's `CodeUri`, `ContentUri` and `DefinitionUri`, a nested stack's `TemplateURL`, Glue's
 * `ScriptLocation`, `AWS::Include`'s `Location`, `S3Uri`, `S3Path`. A value there that is not
 * known may be any key. (Not `Uri` alone: API Gateway's integration URI names a function.)
 */
const KEY_POSITION = /(^(key|keys|location|path)|Key|Keys|CodeUri|ContentUri|DefinitionUri|TemplateURL|TemplateUrl|Location|S3Uri|S3Url|S3Path)$/;
/** Properties whose whole value is a key. */
const WHOLE_KEY_POSITION = /(^keys?|Keys?)$/;

/**
 * The references to assets of a template, evaluated in `ctx`:
 *
 * - every key written out anywhere in it but its Mappings (see `keysInText`), as before evaluation;
 * - every value of its resources (properties, metadata), evaluated (see `evaluate`): a known
 *   value adds the keys written out in it; a value only partly known is kept as a pattern when
 *   it stands in a property named like a key or location, or when its known text holds the
 *   assets prefix (`Fn::Sub 's3://${Bucket}/assets/${Hash}.zip'`).
 *
 * Returns the nested stacks too: their templates reference assets as well.
 */
export function templateReferences(template: Readonly<Record<string, unknown>>, ctx: ValueContext, source: string, assetsPrefix: string): { references: AssetReference[]; nested: NestedStackResource[] } {
  const references: AssetReference[] = [];
  const seen = new Set<string>();
  const addKey = (key: string, where: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    references.push({ source, where, key });
  };
  // Mappings are read only through Fn::FindInMap, which is evaluated (every entry it may pick).
  const { Mappings: _mappings, ...written } = template;
  visitStrings(written, '', (value, where) => keysInText(value, assetsPrefix).forEach((key) => addKey(key, where)));

  const consider = (value: Value, where: string, name: string): void => {
    if (value.kind === 'none') return;
    if (value.kind === 'list') {
      value.items.forEach((alternatives, i) => alternatives.forEach((item) => consider(item, `${where}/${i}`, name)));
      return;
    }
    const pieces: readonly Piece[] = value.kind === 'unknown' ? [{ unknown: value.why, chars: '[\\s\\S]' }] : value.pieces;
    const unknowns = pieces.filter((p): p is Extract<Piece, { unknown: string }> => 'unknown' in p);
    if (unknowns.length === 0) {
      keysInText(pieces.map((p) => ('text' in p ? p.text : '')).join(''), assetsPrefix).forEach((key) => addKey(key, where));
    } else if (KEY_POSITION.test(name) || pieces.some((p) => 'text' in p && p.text.includes(assetsPrefix))) {
      const match = WHOLE_KEY_POSITION.test(name) ? 'whole' : 'anywhere';
      references.push({ source, where, pieces, match, unresolved: [...new Set(unknowns.map((u) => u.unknown))].join(', ') });
    }
  };
  const walk = (node: unknown, where: string, name: string): void => {
    if (isIntrinsic(node)) {
      const args = node['Fn::If'];
      // Fn::If may choose between whole blocks of properties: each branch stands where the Fn::If stands.
      if (Array.isArray(args)) [args[1], args[2]].forEach((branch) => walk(branch, where, name));
      else evaluate(node, ctx).forEach((value) => consider(value, where, name));
    } else if (typeof node === 'string') {
      if (literalPieces(node).some((p) => 'unknown' in p)) consider({ kind: 'string', pieces: literalPieces(node) }, where, name);
    } else if (Array.isArray(node)) {
      node.forEach((item, i) => walk(item, `${where}/${i}`, name));
    } else if (typeof node === 'object' && node !== null) {
      for (const [key, value] of Object.entries(node)) walk(value, `${where}/${key}`, key);
    }
  };
  const nested: NestedStackResource[] = [];
  for (const [logicalId, value] of Object.entries(asRecord(template.Resources))) {
    walk(value, `Resources/${logicalId}`, logicalId);
    const resource = asRecord(value);
    if (resource.Type === 'AWS::CloudFormation::Stack') {
      const passed = Object.entries(asRecord(asRecord(resource.Properties).Parameters));
      nested.push({ logicalId, resource, parameters: new Map(passed.map(([name, node]) => [name, evaluate(node, ctx)])) });
    }
  }
  return { references, nested };
}

/** Calls `visit` with every string of a JSON value and its path. */
function visitStrings(node: unknown, where: string, visit: (value: string, where: string) => void): void {
  if (typeof node === 'string') visit(node, where);
  else if (Array.isArray(node)) node.forEach((item, i) => visitStrings(item, `${where}/${i}`, visit));
  else if (typeof node === 'object' && node !== null) {
    for (const [key, value] of Object.entries(node)) visitStrings(value, where === '' ? key : `${where}/${key}`, visit);
  }
}

/** A reference that keeps every object: a template, or part of one, that cannot be read. */
export function keepEverything(source: string, where: string, why: string): AssetReference {
  return { source, where, pieces: [{ unknown: why, chars: '[\\s\\S]' }], unresolved: why };
}
