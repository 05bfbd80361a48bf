/**
 * What rules and low shapes ask of one resource change: which properties change, what the
 * values are before and after, and the resource's entry in the change set's template.
 */
import { ChangeSetModel, holdsUnresolved, Json, JsonObject, ResourceChangeModel, topProperty } from './change-set';
import { Msg, msg } from './text';

/** One resource change with the change set it belongs to. */
export interface Subject {
  readonly change: ResourceChangeModel;
  readonly changeSet: ChangeSetModel;
  /** The account of the top change set (from its ARN): principals of other accounts are cross-account. */
  readonly ownAccount?: string;
}

/** How messages name the resource: `"ApiNested/OrdersTable" (AWS::DynamoDB::Table)`, both as values. */
export function ref(s: Subject): Msg {
  return msg`${[...s.change.stackPath, s.change.logicalId].join('/')} (${s.change.type})`;
}

/**
 * Top-level property names that change: from the details (their Path and their Name, which must
 * agree), and from comparing the contexts. A detail whose property cannot be named counts as a
 * change of `(unknown)`, which no low shape allows.
 */
export function changedProperties(change: ResourceChangeModel): Set<string> {
  const out = new Set<string>();
  for (const d of change.details) {
    const fromPath = d.path !== undefined ? /^\/Properties\/([^/]+)/.exec(d.path)?.[1] : undefined;
    const fromName = d.name !== undefined ? d.name.split('.')[0] : undefined;
    if (d.attribute === 'Tags') {
      out.add('Tags');
      // A Tags detail that points elsewhere contradicts itself.
      if (d.path !== undefined && fromPath !== 'Tags') out.add(fromPath ?? '(unknown)');
      continue;
    }
    if (d.attribute !== undefined && d.attribute !== 'Properties') continue;
    if (fromPath === undefined && fromName === undefined) out.add('(unknown)');
    if (fromPath !== undefined) out.add(fromPath.replace(/~1/g, '/').replace(/~0/g, '~'));
    if (fromName !== undefined) out.add(fromName);
  }
  if (change.before.state === 'ok' && change.after.state === 'ok') {
    const b = change.before.properties;
    const a = change.after.properties;
    for (const key of new Set([...Object.keys(b), ...Object.keys(a)])) {
      const own = (o: JsonObject) => Object.getOwnPropertyDescriptor(o, key)?.value as Json | undefined;
      if (!jsonEqual(own(b), own(a))) out.add(key);
    }
  }
  return out;
}

/**
 * Attributes other than Properties that change (DeletionPolicy, UpdatePolicy, Metadata, ...):
 * named by the scope or the details, or different between the contexts.
 */
export function changedAttributes(change: ResourceChangeModel): Set<string> {
  const out = new Set<string>(change.scope.filter((s) => s !== 'Properties'));
  for (const d of change.details) if (d.attribute !== undefined && d.attribute !== 'Properties') out.add(d.attribute);
  if (change.before.state === 'ok' && change.after.state === 'ok') {
    const b = change.before.attributes ?? {};
    const a = change.after.attributes ?? {};
    for (const key of new Set([...Object.keys(b), ...Object.keys(a)])) if (!jsonEqual(b[key], a[key])) out.add(key);
  }
  return out;
}

export function before(change: ResourceChangeModel, name: string): Json | undefined {
  return change.before.state === 'ok' ? change.before.properties[name] : undefined;
}

export function after(change: ResourceChangeModel, name: string): Json | undefined {
  return change.after.state === 'ok' ? change.after.properties[name] : undefined;
}

/** The value of a property before / after, from the contexts, else from a detail's values. */
export function valueOf(change: ResourceChangeModel, name: string, when: 'before' | 'after'): Json | undefined {
  const ctx = when === 'before' ? change.before : change.after;
  if (ctx.state === 'ok') return ctx.properties[name];
  const d = change.details.find((x) => topProperty(x) === name && (x.path === undefined || x.path === `/Properties/${name}`));
  const raw = when === 'before' ? d?.before : d?.after;
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw) as Json;
  } catch {
    return raw;
  }
}

export function jsonEqual(a: Json | undefined, b: Json | undefined): boolean {
  return stable(a) === stable(b);
}

/** A canonical text of a JSON value: keys sorted, own keys only (so `__proto__` is a key like any other). */
function stable(v: Json | undefined): string {
  if (v === undefined) return 'undefined';
  if (Array.isArray(v)) return `[${v.map((x) => stable(x)).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${stable(Object.getOwnPropertyDescriptor(v, k)?.value as Json)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** The resource's entry in the change set's template, when the template was given. */
export function templateResource(s: Subject): JsonObject | undefined {
  const r = s.changeSet.templateResources?.[s.change.logicalId];
  return r !== undefined && r !== null && typeof r === 'object' && !Array.isArray(r) ? r : undefined;
}

/** A number from a property value (CloudFormation passes numbers as numbers or strings). */
export function asNumber(v: Json | undefined): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v.trim())) return Number(v);
  return undefined;
}

/** A boolean from a property value ("true"/"false" strings included). */
export function asBool(v: Json | undefined): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && /^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
  return undefined;
}

export { holdsUnresolved };
