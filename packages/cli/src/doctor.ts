import { CrosswalkNaming } from '@crosswalk/cross-account-role';
import { DeployRuleFinding, DeployRules } from '@crosswalk/deploy-rules';
import { openAssembly, requireStacks } from './assembly';
import { readStackTemplate } from './template';

export interface DoctorOptions {
  /** The cloud assembly folder (`cdk.out`). */
  readonly assemblyDir: string;
  /** The naming convention, when the app follows one (the rules then know its artifact bucket). */
  readonly naming?: CrosswalkNaming;
  /** Rule ids not to run. */
  readonly skip?: string[];
}

/**
 * Runs the deploy rules of `@crosswalk/deploy-rules` over a cloud assembly on disk: the same
 * checks the CDK validation plugin runs at synth, for apps that did not add the plugin, or
 * for an assembly synthesized elsewhere. Refuses (throws) an assembly without stacks and a
 * template that is not one, rather than report "no finding" about what it did not check.
 */
export function doctor(options: DoctorOptions): DeployRuleFinding[] {
  const assembly = openAssembly(options.assemblyDir);
  const stacks = requireStacks(assembly);
  for (const stack of stacks) readStackTemplate(assembly, stack);
  return new DeployRules({ naming: options.naming, skip: options.skip }).checkStacks(stacks.map((s) => ({
    stackName: s.stackName,
    templatePath: s.templatePath,
    account: s.account,
    region: s.region,
  })));
}
