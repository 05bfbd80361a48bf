/**
 * Everything a comparable resource allows, read from its properties, and how two such readings
 * differ. The review proves a policy change narrowing with {@link compareGrants}: nothing it
 * returns, and nothing unreadable, means the change grants nothing new.
 */
import { isUnresolved, JsonObject } from '../model/change-set';
import { widening } from './covers';
import { PolicyUnreadable, readDocument, Statement, stringList } from './document';
import { Holder } from './holders';

export interface Grants {
  /** Statements by the property that holds them (`PolicyDocument`, `Policies`). */
  readonly documents: { readonly [label: string]: readonly Statement[] };
  /** The Version of each document (variables mean something only under 2012-10-17). */
  readonly versions: { readonly [label: string]: string };
  readonly managed: readonly string[];
  readonly boundary?: string;
  readonly attachments: { readonly [label: string]: readonly string[] };
  /** Whether any part is only known after the change set runs. */
  readonly unresolved: boolean;
}

/** Reads the grants; throws {@link PolicyUnreadable} when a policy does not parse. */
export function readGrants(holder: Holder, props: JsonObject): Grants {
  const documents: { [label: string]: Statement[] } = {};
  const versions: { [label: string]: string } = {};
  for (const prop of holder.documents) {
    documents[prop] = readDocument(props[prop], prop);
    versions[prop] = versionOf(props[prop]);
  }
  if (holder.inline) documents[holder.inline] = readInline(props[holder.inline], holder.inline);
  const managed = holder.managed ? stringList(props[holder.managed], holder.managed) : [];
  const b = holder.boundary ? props[holder.boundary] : undefined;
  const boundary = b === undefined || b === null ? undefined : typeof b === 'string' ? b : JSON.stringify(b);
  const attachments: { [label: string]: string[] } = {};
  for (const prop of holder.attachments ?? []) attachments[prop] = stringList(props[prop], prop);
  const unresolved = Object.values(documents).some((sts) => sts.some((st) => st.unresolved))
    || managed.some(isUnresolved) || (boundary !== undefined && isUnresolved(boundary))
    || Object.values(attachments).some((vs) => vs.some(isUnresolved));
  return { documents, versions, managed, ...(boundary !== undefined ? { boundary } : {}), attachments, unresolved };
}

function versionOf(value: unknown): string {
  let doc = value;
  if (typeof value === 'string') {
    try {
      doc = JSON.parse(value);
    } catch {
      return '(unreadable)';
    }
  }
  return doc !== null && typeof doc === 'object' && typeof (doc as { Version?: unknown }).Version === 'string' ? (doc as { Version: string }).Version : '(none)';
}

function readInline(value: unknown, label: string): Statement[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new PolicyUnreadable(`${label} is not a list`);
  const names = new Set<string>();
  return value.flatMap((policy: unknown, i: number) => {
    if (policy === null || typeof policy !== 'object' || Array.isArray(policy)) throw new PolicyUnreadable(`${label}[${i}] is not an object`);
    const p = policy as JsonObject;
    const name = typeof p.PolicyName === 'string' ? p.PolicyName : `#${i + 1}`;
    // Two inline policies of one name: IAM keeps one (PutRolePolicy replaces by name), so which
    // statements remain is not known. https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html
    if (names.has(name)) throw new PolicyUnreadable(`${label} has two inline policies named '${name}', of which IAM keeps one`);
    names.add(name);
    return readDocument(p.PolicyDocument, `${label} policy '${name}'`);
  });
}

/** One way the grants grew. `what` is the review's words; `values` are shown as values after it. */
export interface GrantGrowth {
  readonly what: string;
  readonly values: readonly string[];
  readonly statement?: Statement;
}

/** How `after` allows more than `before`; [] when it provably does not. */
export function compareGrants(before: Grants, after: Grants, ownAccount?: string): GrantGrowth[] {
  const out: GrantGrowth[] = [];
  if (before.unresolved || after.unresolved) out.push({ what: 'part of the policy is only known after the change set runs', values: [] });
  const labels = [...new Set([...Object.keys(after.documents), ...Object.keys(before.documents)])];
  for (const label of labels) {
    if ((before.versions[label] ?? '(none)') !== (after.versions[label] ?? '(none)')) out.push({ what: `${label}: its policy language Version changes (which decides whether \${...} is a variable)`, values: [] });
    const w = widening(before.documents[label] ?? [], after.documents[label] ?? [], ownAccount);
    for (const st of w.newAllows) out.push({ what: `${label} ${st.label} allows what no earlier Allow did`, values: [], statement: st });
    for (const st of w.lostDenies) out.push({ what: `${label} ${st.label}: its Deny is removed or no longer covers what it did`, values: [], statement: st });
  }
  const newManaged = after.managed.filter((arn) => !before.managed.includes(arn));
  if (newManaged.length > 0) out.push({ what: 'gains the managed policies', values: newManaged });
  // A managed policy is not read: one that goes may have held a Deny (AWSDenyAll does).
  const lostManaged = before.managed.filter((arn) => !after.managed.includes(arn));
  if (lostManaged.length > 0) out.push({ what: 'loses the managed policies (not read by the review: a Deny in one stops applying)', values: lostManaged });
  const holdsDeny = Object.values(before.documents).some((sts) => sts.some((st) => st.effect === 'Deny'));
  if (before.boundary !== undefined && after.boundary !== before.boundary) {
    out.push({ what: after.boundary === undefined ? 'its permissions boundary is removed' : 'its permissions boundary changes to', values: after.boundary === undefined ? [before.boundary] : [after.boundary] });
  }
  for (const [label, values] of Object.entries(after.attachments)) {
    const added = values.filter((v) => !(before.attachments[label] ?? []).includes(v));
    if (added.length > 0) out.push({ what: `${label} now also includes`, values: added });
  }
  // A policy that holds a Deny and stops applying to something: that thing loses the Deny.
  if (holdsDeny) {
    for (const [label, values] of Object.entries(before.attachments)) {
      const removed = values.filter((v) => !(after.attachments[label] ?? []).includes(v));
      if (removed.length > 0) out.push({ what: `${label} no longer includes (its Deny stops applying to them)`, values: removed });
    }
  }
  return out;
}
