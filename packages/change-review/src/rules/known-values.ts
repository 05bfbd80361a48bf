/**
 * The values the CloudFormation API reference documents for the fields the review reads. A
 * value outside these sets is new to the review, and so needs a person.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_Change.html
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceChange.html
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceChangeDetail.html
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceTargetDefinition.html
 */
export const ACTIONS = new Set(['Add', 'Modify', 'Remove', 'Import', 'Dynamic', 'SyncWithActual']);
export const REPLACEMENTS = new Set(['True', 'False', 'Conditional']);
export const RECREATIONS = new Set(['Never', 'Conditionally', 'Always']);
export const EVALUATIONS = new Set(['Static', 'Dynamic']);
export const CHANGE_SOURCES = new Set(['ResourceReference', 'ParameterReference', 'ResourceAttribute', 'DirectModification', 'Automatic', 'NoModification']);
export const ATTRIBUTES = new Set(['Properties', 'Metadata', 'CreationPolicy', 'UpdatePolicy', 'DeletionPolicy', 'UpdateReplacePolicy', 'Tags']);
export const ATTRIBUTE_CHANGE_TYPES = new Set(['Add', 'Remove', 'Modify', 'SyncWithActual']);
export const POLICY_ACTIONS = new Set(['Delete', 'Retain', 'Snapshot', 'ReplaceAndDelete', 'ReplaceAndRetain', 'ReplaceAndSnapshot']);
export const DRIFT_STATUSES = new Set(['IN_SYNC', 'MODIFIED', 'DELETED', 'NOT_CHECKED', 'UNKNOWN', 'UNSUPPORTED']);

/**
 * An AWS resource type, `AWS::Service::Resource`, that is not a custom resource or one of
 * CloudFormation's own extension points (custom resources, macros, modules, hooks, wait
 * conditions run code or wait on a signal the change set cannot show).
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-custom-resources.html
 */
export function isAwsType(type: string): boolean {
  return /^AWS::[A-Za-z0-9]+::[A-Za-z0-9]+$/.test(type) && !CLOUDFORMATION_EXTENSIONS.has(type);
}

export const CLOUDFORMATION_EXTENSIONS = new Set([
  'AWS::CloudFormation::CustomResource', 'AWS::CloudFormation::Macro', 'AWS::CloudFormation::WaitCondition',
  'AWS::CloudFormation::WaitConditionHandle', 'AWS::CloudFormation::ModuleVersion', 'AWS::CloudFormation::ModuleDefaultVersion',
  'AWS::CloudFormation::HookVersion', 'AWS::CloudFormation::HookDefaultVersion', 'AWS::CloudFormation::HookTypeConfig',
  'AWS::CloudFormation::ResourceVersion', 'AWS::CloudFormation::ResourceDefaultVersion', 'AWS::CloudFormation::TypeActivation',
  'AWS::CloudFormation::PublicTypeVersion', 'AWS::CloudFormation::Publisher', 'AWS::CloudFormation::StackSet',
  'AWS::CloudFormation::LambdaHook', 'AWS::CloudFormation::GuardHook', 'AWS::Serverless::Application',
]);
