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

/** Top-level property names that change: from the details, and from comparing the contexts. */
export function changedProperties(change: ResourceChangeModel): Set<string> {
  const out = new Set<string>();
  for (const d of change.details) {
    const top = topProperty(d);
    if (top !== undefined && (d.attribute === undefined || d.attribute === 'Properties')) out.add(top);
    if (d.attribute === 'Tags') out.add('Tags');
  }
  if (change.before.state === 'ok' && change.after.state === 'ok') {
    const b = change.before.properties;
    const a = change.after.properties;
    for (const key of new Set([...Object.keys(b), ...Object.keys(a)])) {
      if (!jsonEqual(b[key], a[key])) out.add(key);
    }
  }
  return out;
}

/** Attributes other than Properties that the details or the scope name (DeletionPolicy, UpdatePolicy, ...). */
export function changedAttributes(change: ResourceChangeModel): Set<string> {
  const out = new Set<string>(change.scope.filter((s) => s !== 'Properties'));
  for (const d of change.details) if (d.attribute !== undefined && d.attribute !== 'Properties') out.add(d.attribute);
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
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(v: Json | undefined): Json | undefined {
  if (Array.isArray(v)) return v.map((x) => canonical(x) as Json);
  if (v !== null && typeof v === 'object') {
    const out: JsonObject = {};
    for (const k of Object.keys(v).sort()) out[k] = canonical(v[k]) as Json;
    return out;
  }
  return v;
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
