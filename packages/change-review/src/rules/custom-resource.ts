import { ref, Subject } from '../model/facts';
import { Msg, msg, words } from '../model/text';
import { CLOUDFORMATION_EXTENSIONS } from './known-values';
import { Rule } from './rule';

/**
 * Custom resources run code of their own on create, update and delete (anything their function
 * may do, the change set does not show); macros, hooks, wait conditions and registry types of
 * other publishers are outside what the review can read.
 */
export const customResourceRule: Rule = {
  id: 'custom-or-third-party-type',
  category: 'unreviewed',
  summary: 'A custom resource (Custom::*, AWS::CloudFormation::CustomResource), a CloudFormation extension (macro, hook, wait condition, stack set, module) or a type outside AWS:: (a registry type of another publisher): what it does is not in the change set.',
  cite: [
    'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-custom-resources.html',
    'https://docs.aws.amazon.com/cloudformation-cli/latest/userguide/resource-types.html',
  ],
  check: (s: Subject): Msg[] => {
    const t = s.change.type;
    const r = ref(s);
    const out: Msg[] = [];
    if (t.startsWith('Custom::') || t === 'AWS::CloudFormation::CustomResource') {
      out.push(msg`${r}${words(': a custom resource runs its own code when it is created, updated or deleted; what that code does is not in the change set.')}`);
    } else if (CLOUDFORMATION_EXTENSIONS.has(t)) {
      out.push(msg`${r}${words(': a CloudFormation extension point (macro, hook, wait condition, stack set, module or registry version); its effect is not in the change set.')}`);
    } else if (!/^AWS::[A-Za-z0-9]+::[A-Za-z0-9]+$/.test(t)) {
      out.push(msg`${r}${words(': not an AWS resource type (a registry type of another publisher, or not a type at all); the review knows nothing of what it does.')}`);
    }
    if (s.change.fromModule) out.push(msg`${r}${words(': it comes from a CloudFormation module, whose template the change set does not show.')}`);
    return out;
  },
};
