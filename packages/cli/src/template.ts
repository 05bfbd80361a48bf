import { AssemblyError, asObject, describeJson } from './assembly-files';
import type { AssemblyStack, CloudAssembly } from './assembly';
import { quoted } from './text';

/**
 * The template of a stack of the assembly, refused unless CloudFormation could deploy its shape:
 * a JSON object whose `Resources` section, which every template must have, is an object of at
 * least one resource, each with a `Type`
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/resources-section-structure.html).
 * A check of such a template would find nothing and say "no finding" about a stack it never saw.
 */
export function readStackTemplate(assembly: CloudAssembly, stack: AssemblyStack): Record<string, unknown> {
  const what = `the template of stack ${quoted(stack.stackName)}`;
  const { value } = assembly.files.readJson(stack.templateFile, what);
  const template = asObject(value);
  if (!template) {
    throw new AssemblyError(`${what} is ${describeJson(value)}, not a CloudFormation template (a JSON object with a Resources section); synthesize the app again`);
  }
  const resources = asObject(template.Resources);
  if (!resources) {
    const got = template.Resources === undefined ? 'no Resources section' : `a Resources section that is ${describeJson(template.Resources)}`;
    throw new AssemblyError(`${what} has ${got}; CloudFormation needs an object of resources there; synthesize the app again`);
  }
  const ids = Object.keys(resources);
  if (ids.length === 0) {
    throw new AssemblyError(`${what} has no resource; CloudFormation deploys a template only with at least one; synthesize the app again`);
  }
  for (const id of ids) {
    const resource = asObject(resources[id]);
    if (typeof resource?.Type !== 'string') {
      throw new AssemblyError(`${what} has a resource ${quoted(id)} without a Type (it is ${describeJson(resources[id])}); synthesize the app again`);
    }
  }
  return template;
}
