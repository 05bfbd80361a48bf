/**
 * Self-check of the corpus: counts by class and expected tier, unique kebab-case ids, a cite on
 * every case, a category only on `high`, ChangeSetIds consistent across pages and with the nested
 * keys, and the structure of every low case. From packages/change-review:
 * npx ts-node --transpile-only -O '{"module":"commonjs"}' test/corpus/self-check.ts
 */
import { CORPUS } from './index';
import type { CorpusInput } from './types';

const problems: string[] = [];
const counts = new Map<string, Map<string, number>>();
const ids = new Set<string>();

function pageIds(input: CorpusInput): unknown[] {
  return input.pages.map((p) => (typeof p === 'object' && p !== null && !Array.isArray(p) ? (p as Record<string, unknown>).ChangeSetId : undefined));
}

/** Every logical id at most once per change set (a resource appears once in a real one). */
function uniqueLogicalIds(id: string, input: CorpusInput): void {
  const seen = new Set<string>();
  for (const p of input.pages) {
    const changes = (p as Record<string, unknown> | null)?.Changes;
    for (const ch of Array.isArray(changes) ? changes : []) {
      const logical = (ch as { ResourceChange?: { LogicalResourceId?: unknown } } | null)?.ResourceChange?.LogicalResourceId;
      if (typeof logical !== 'string') continue;
      if (seen.has(logical)) problems.push(`${id}: logical id ${logical} twice in one change set`);
      seen.add(logical);
    }
  }
  for (const child of Object.values(input.nested ?? {})) uniqueLogicalIds(id, child);
}

function checkNested(id: string, input: CorpusInput): void {
  for (const [key, child] of Object.entries(input.nested ?? {})) {
    checkNested(id, child);
    if (!pageIds(child).every((x) => x === key)) problems.push(`${id}: nested change set keyed ${key} has other ids (intended only for inconsistency cases)`);
  }
}

type O = Record<string, unknown>;
const MODIFIABLE = ['Properties', 'Tags'];

/** The structural part of the low table: what every change of a low case must look like. */
function lowShapes(id: string, input: CorpusInput): void {
  for (const p of input.pages) {
    const page = p as O;
    if (page.Status !== 'CREATE_COMPLETE') problems.push(`${id}: low case with status ${String(page.Status)}`);
    for (const ch of (page.Changes as O[] | undefined) ?? []) {
      const rc = ch.ResourceChange as O;
      const where = `${id}: ${String(rc.LogicalResourceId)}`;
      if (ch.Type !== 'Resource') problems.push(`${where}: Type ${String(ch.Type)}`);
      const type = String(rc.ResourceType);
      if (!/^AWS::[A-Za-z0-9]+::[A-Za-z0-9]+$/.test(type) || type === 'AWS::CloudFormation::CustomResource') problems.push(`${where}: type ${type}`);
      if (rc.ModuleInfo !== undefined) problems.push(`${where}: module`);
      if (rc.ResourceDriftStatus !== undefined && !['IN_SYNC', 'NOT_CHECKED'].includes(String(rc.ResourceDriftStatus))) problems.push(`${where}: drift`);
      if (rc.Action === 'Modify') {
        if (rc.Replacement !== 'False') problems.push(`${where}: Replacement ${String(rc.Replacement)}`);
        if (!(rc.Scope as string[]).every((x) => MODIFIABLE.includes(x))) problems.push(`${where}: Scope`);
        for (const d of rc.Details as O[]) {
          const t = d.Target as O;
          if (t.RequiresRecreation !== 'Never' || !MODIFIABLE.includes(String(t.Attribute)) || !['Static', 'Dynamic'].includes(String(d.Evaluation))) problems.push(`${where}: detail`);
        }
        if ((rc.Details as O[]).length === 0 && type !== 'AWS::CloudFormation::Stack') problems.push(`${where}: no details`);
      } else if (rc.Action === 'Add') {
        if (type !== 'AWS::Lambda::Version' && type !== 'AWS::CDK::Metadata') problems.push(`${where}: Add of ${type}`);
      } else if (rc.Action === 'Remove') {
        if (type !== 'AWS::CDK::Metadata' && !(type === 'AWS::Lambda::Version' && rc.PolicyAction === 'Retain')) problems.push(`${where}: Remove of ${type}`);
      } else problems.push(`${where}: Action ${String(rc.Action)}`);
      if (type === 'AWS::Lambda::Alias' && input.template === undefined) problems.push(`${where}: alias without template`);
    }
  }
  for (const child of Object.values(input.nested ?? {})) lowShapes(id, child);
}

for (const c of CORPUS) {
  if (ids.has(c.id)) problems.push(`duplicate id ${c.id}`);
  ids.add(c.id);
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(c.id)) problems.push(`${c.id}: not kebab-case`);
  if (c.cite.length === 0) problems.push(`${c.id}: no cite`);
  if (c.category !== undefined && c.expected !== 'high') problems.push(`${c.id}: category on a ${c.expected} case`);
  if (c.expected === 'low' && c.class !== 'control-low' && c.class !== 'nested-stack') problems.push(`${c.id}: class ${c.class} expects low`);
  if (c.class === 'control-low' && c.expected !== 'low') problems.push(`${c.id}: control-low expects ${c.expected}`);
  if (c.expected === 'low') lowShapes(c.id, c.input);
  if ((c.expected === 'none') !== (c.class === 'control-none')) problems.push(`${c.id}: class ${c.class} expects ${c.expected}`);
  if (c.class !== 'malformed-or-inconsistent') uniqueLogicalIds(c.id, c.input);
  const distinct = new Set(pageIds(c.input));
  if (c.expected !== 'refuse' && distinct.size > 1) problems.push(`${c.id}: pages disagree on ChangeSetId but expected ${c.expected}`);
  if (c.expected !== 'refuse' && c.class !== 'malformed-or-inconsistent') checkNested(c.id, c.input);
  const row = counts.get(c.class) ?? new Map<string, number>();
  row.set(c.expected, (row.get(c.expected) ?? 0) + 1);
  counts.set(c.class, row);
}

const tiers = ['none', 'low', 'high', 'refuse'];
const lines = [`| class | count | ${tiers.join(' | ')} |`, `|---|---|${tiers.map(() => '---').join('|')}|`];
for (const [cls, row] of [...counts].sort()) {
  const total = [...row.values()].reduce((a, b) => a + b, 0);
  lines.push(`| ${cls} | ${total} | ${tiers.map((t) => row.get(t) ?? 0).join(' | ')} |`);
}
const byTier = tiers.map((t) => CORPUS.filter((c) => c.expected === t).length);
lines.push(`| **total** | ${CORPUS.length} | ${byTier.join(' | ')} |`);
const categories = new Map<string, number>();
for (const c of CORPUS) if (c.category) categories.set(c.category, (categories.get(c.category) ?? 0) + 1);
console.log(lines.join('\n'));
console.log(`\ncategories: ${[...categories].map(([k, v]) => `${k} ${v}`).join(', ')}; high without category: ${CORPUS.filter((c) => c.expected === 'high' && !c.category).length}`);
console.log(problems.length === 0 ? '\nno problems' : `\n${problems.length} problem(s):\n${problems.join('\n')}`);
if (problems.length > 0) process.exitCode = 1;
