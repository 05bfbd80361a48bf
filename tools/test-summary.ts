/**
 * Sums the JUnit reports every package's jest run wrote (test-reports/junit.xml, restored
 * by nx on a cache hit), the tools' (tools/test-reports/junit.xml) and the reports of suites on
 * node:test (test-reports/node-test.xml) and prints one closing line: `tests: N passed, N failed, N skipped`.
 * Exits non-zero when a report is missing or a test failed.
 */
import { existsSync, readdirSync, readFileSync } from 'fs';
import { join, resolve } from 'path';

const root = resolve(__dirname, '..');
let tests = 0;
let failed = 0;
let skipped = 0;
const missing: string[] = [];
// Every package and app, and the repository's own tools.
const folders = [...['packages', 'apps'].flatMap((group) => readdirSync(join(root, group)).sort().map((pkg) => `${group}/${pkg}`)), 'tools'];
for (const folder of folders) {
  const report = join(root, folder, 'test-reports', 'junit.xml');
  if (!existsSync(report)) {
    missing.push(folder);
    continue;
  }
  // The root <testsuites> element carries the totals.
  const head = readFileSync(report, 'utf-8').match(/<testsuites\b[^>]*>/)?.[0] ?? '';
  const attr = (name: string) => Number(head.match(new RegExp(`\\b${name}="(\\d+)"`))?.[1] ?? 0);
  tests += attr('tests');
  failed += attr('failures') + attr('errors');
  skipped += attr('skipped');
  console.log(`${folder}: ${attr('tests')} tests, ${attr('failures') + attr('errors')} failed`);
  // Suites on Node's own test runner (node --test, its junit reporter): the totals are the closing comments.
  const nodeReport = join(root, folder, 'test-reports', 'node-test.xml');
  if (existsSync(nodeReport)) {
    const text = readFileSync(nodeReport, 'utf-8');
    const total = (name: string) => Number(text.match(new RegExp(`<!-- ${name} (\\d+) -->`))?.[1] ?? NaN);
    const [all, fail, cancelled, skip, todo] = ['tests', 'fail', 'cancelled', 'skipped', 'todo'].map(total);
    if ([all, fail, cancelled, skip, todo].some(Number.isNaN)) {
      missing.push(`${folder} (node-test.xml without its totals)`);
    } else {
      tests += all;
      failed += fail + cancelled;
      skipped += skip + todo;
      console.log(`${folder} (node:test): ${all} tests, ${fail + cancelled} failed`);
    }
  }
}
if (missing.length) console.log(`no JUnit report for: ${missing.join(', ')}`);
console.log(`tests: ${tests - failed - skipped} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || missing.length > 0 ? 1 : 0);
