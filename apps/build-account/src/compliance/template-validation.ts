import { basename } from 'path';
import { CloudFormationValidatePlugin, Stack, Stage } from 'aws-cdk-lib';

/**
 * aws-cdk-lib's built-in CloudFormation template validation (the resource schemas and
 * CDK's rules, in WebAssembly), run over the templates of a synthesized app. The apps run
 * it in their tests and the `compliance` task instead of on every synth, where it took
 * about 3 s of each app's synthesis. Returns one line per violation.
 */
export function validateTemplates(app: Stage): string[] {
  const stacks = app.node.findAll().filter((c): c is Stack => Stack.isStack(c));
  if (stacks.length === 0) throw new Error(`no stack in ${app.node.path || 'the app'}: add the stacks, then synthesize`);
  const stackTemplates = stacks.map((stack) => ({
    stackConstructPath: stack.node.path,
    templatePath: `${app.outdir}/${stack.templateFile}`,
    accountId: stack.account,
    region: stack.region,
  }));
  const report = new CloudFormationValidatePlugin().validate({
    templatePaths: stackTemplates.map((s) => s.templatePath),
    stackTemplates,
    appConstruct: app,
  });
  return report.violations.flatMap((violation) => violation.violatingResources.map((resource) =>
    `${basename(resource.templatePath ?? '?')} ${resource.resourceLogicalId}: ${violation.ruleName}${violation.severity ? ` (${violation.severity})` : ''} ${violation.description}`));
}
