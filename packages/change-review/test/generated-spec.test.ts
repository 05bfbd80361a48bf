/**
 * src/generated/aws-service-spec.ts is written from the CDK's own service specification
 * (@aws-cdk/aws-service-spec: the CloudFormation resource schemas plus the CDK team's
 * annotations of which types are stateful and which properties hold policies). This test
 * fails when the committed file and the installed specification disagree; to refresh it:
 * `npx projen generate:spec` in this package.
 */
import { readFileSync, writeFileSync } from 'fs';
import * as path from 'path';
import { loadAwsServiceSpecSync } from '@aws-cdk/aws-service-spec';

const TARGET = path.join(__dirname, '..', 'src', 'generated', 'aws-service-spec.ts');

function render(): string {
  const db = loadAwsServiceSpecSync();
  const resources = db.all('resource');
  const version = (require('@aws-cdk/aws-service-spec/package.json') as { version: string }).version;
  const stateful = resources.filter((r) => r.isStateful).map((r) => r.cloudFormationType).sort();
  const policyProps: string[] = [];
  for (const r of resources) {
    for (const [name, p] of Object.entries(r.properties)) {
      if (p.scrutinizable && p.scrutinizable !== 'None') policyProps.push(`  '${r.cloudFormationType}.${name}': '${p.scrutinizable}',`);
    }
  }
  const policyTypes = resources.filter((r) => r.scrutinizable && r.scrutinizable !== 'None')
    .map((r) => `  '${r.cloudFormationType}': '${r.scrutinizable}',`);
  return [
    '// Generated from @aws-cdk/aws-service-spec ' + version + ' by test/generated-spec.test.ts (npx projen generate:spec). Do not edit.',
    '',
    '/** Resource types the CDK\'s service specification marks stateful (they hold data a replacement or deletion loses). */',
    'export const STATEFUL_TYPES: ReadonlySet<string> = new Set([',
    ...stateful.map((t) => `  '${t}',`),
    ']);',
    '',
    '/** Resource types whose whole purpose is a policy or a network rule, with the kind the specification gives. */',
    'export const POLICY_RESOURCE_TYPES: { readonly [type: string]: string } = {',
    ...policyTypes.sort(),
    '};',
    '',
    '/** `Type.Property` of properties that hold a policy, managed policies or network rules, with their kind. */',
    'export const POLICY_PROPERTIES: { readonly [typeDotProperty: string]: string } = {',
    ...policyProps.sort(),
    '};',
    '',
    `/** The specification's version. */`,
    `export const AWS_SERVICE_SPEC_VERSION = '${version}';`,
    '',
  ].join('\n');
}

test('the generated service-specification data matches the installed @aws-cdk/aws-service-spec', () => {
  const expected = render();
  if (process.env.UPDATE_SPEC_DATA === '1') writeFileSync(TARGET, expected);
  expect(readFileSync(TARGET, 'utf8')).toBe(expected);
});
