import { CrosswalkNaming } from '@crosswalk/cross-account-role';
import { DeployRuleFinding, DeployRules } from '@crosswalk/deploy-rules';
import { readAssembly } from './assembly';

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
 * for an assembly synthesized elsewhere.
 */
export function doctor(options: DoctorOptions): DeployRuleFinding[] {
  const stacks = readAssembly(options.assemblyDir);
  return new DeployRules({ naming: options.naming, skip: options.skip }).checkStacks(stacks.map((s) => ({
    stackName: s.stackName,
    templatePath: s.templatePath,
    account: s.account,
    region: s.region,
  })));
}
