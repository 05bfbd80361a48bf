/** One deploy rule: an AWS behaviour a template can break, and where AWS states it. */
export interface DeployRuleInfo {
  /** The rule's id, as reports and acknowledgements name it (`CW1`…). */
  readonly id: string;
  /** A short title. */
  readonly title: string;
  /** The AWS behaviour the rule protects, in one sentence. */
  readonly behaviour: string;
  /** The AWS page that states the behaviour. */
  readonly source: string;
  /** What to change when the rule fails. */
  readonly fix: string;
  /** Whether the rule reads several stacks of the assembly together. */
  readonly assemblyWide: boolean;
}

/**
 * The deploy rules, in id order. Each protects against a mistake that synthesizes, passes
 * the CloudFormation schema and cdk-nag, and only fails (or silently misbehaves) in a real
 * account.
 */
export const DEPLOY_RULES: DeployRuleInfo[] = [
  {
    id: 'CW1',
    title: 'EventBridge may use the key of an encrypted topic without source conditions',
    behaviour: 'EventBridge cannot deliver to an SNS topic encrypted with a KMS key whose statement for events.amazonaws.com requires aws:SourceAccount, aws:SourceArn or aws:SourceOrgID: those conditions are not supported there, so every message is dropped.',
    source: 'https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services',
    fix: 'Remove the aws:Source* condition from the key statement for events.amazonaws.com, and narrow who may publish in the topic policy instead (aws:SourceArn of each rule).',
    assemblyWide: false,
  },
  {
    id: 'CW2',
    title: 'A connection is used under both service prefixes',
    behaviour: 'CodeStar Connections became CodeConnections: a connection ARN may start with either service prefix, and IAM checks an action under the prefix of the resource\'s ARN, so a policy that grants only one prefix fails for connections of the other.',
    source: 'https://docs.aws.amazon.com/dtconsole/latest/userguide/rename.html',
    fix: 'Grant each connection action under both prefixes, e.g. codestar-connections:UseConnection and codeconnections:UseConnection, on the connection.',
    assemblyWide: false,
  },
  {
    id: 'CW3',
    title: 'Other accounts only read pipeline artifacts',
    behaviour: 'A resource policy that lets another account write lets that account\'s administrators write through any of its principals that their own identity policies allow, so a target account that may put objects into, or encrypt with the key of, a pipeline\'s artifact store can change what other environments deploy.',
    source: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html',
    fix: 'Give other accounts read actions only (s3:GetObject, s3:GetObjectVersion, s3:ListBucket, kms:Decrypt, kms:DescribeKey) on the artifact bucket and key; let only build-account principals write.',
    assemblyWide: true,
  },
  {
    id: 'CW4',
    title: 'Code assets outlive every rollback',
    behaviour: 'When an update fails, CloudFormation rolls a function back to the code of its previous template; if that S3 object has expired, the resource cannot return to its original state and the stack ends in UPDATE_ROLLBACK_FAILED.',
    source: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/troubleshooting.html#troubleshooting-errors-update-rollback-failed',
    fix: 'Expire current objects only under prefixes that hold no code assets (keep NoncurrentVersionExpiration for the rest), and remove unreferenced assets with a task that knows what is deployed.',
    assemblyWide: true,
  },
  {
    id: 'CW5',
    title: 'A function\'s code bucket is in the function\'s region',
    behaviour: 'Lambda reads a function\'s deployment package only from an S3 bucket in the same AWS Region as the function (the bucket may be in another account).',
    source: 'https://docs.aws.amazon.com/lambda/latest/api/API_FunctionCode.html',
    fix: 'Publish the code to a bucket in the function\'s region (one artifact bucket per region).',
    assemblyWide: true,
  },
  {
    id: 'CW6',
    title: 'S3 bucket names follow the naming rules',
    behaviour: 'A general purpose bucket name is 3 to 63 lower-case letters, digits, periods and hyphens, starts and ends with a letter or digit, has no two adjacent periods, is not an IP address, does not start with xn--, sthree- or amzn-s3-demo-, and does not end with -s3alias, --ol-s3, .mrap, --x-s3 or --table-s3.',
    source: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html',
    fix: 'Choose a bucket name (or a project name it derives from) that follows the rules.',
    assemblyWide: false,
  },
  {
    id: 'CW7',
    title: 'Names fit their service\'s length limit',
    behaviour: 'IAM role names are at most 64 characters and managed policy names 128, Lambda function names 64, SNS topic names 256, pipeline names 100, log group names 512 and CodeDeploy deployment config names 100; a longer name fails at deploy.',
    source: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html',
    fix: 'Shorten the name (or the project name it derives from), or leave it to CloudFormation to generate.',
    assemblyWide: false,
  },
  {
    id: 'CW8',
    title: 'Service trust conditions are ones the service documents',
    behaviour: 'A role trusted by a service principal under a condition key the service does not send when it assumes the role can never be assumed; CodePipeline documents its service role trusted by the service principal alone.',
    source: 'https://docs.aws.amazon.com/codepipeline/latest/userguide/pipelines-create-service-role-cli.html',
    fix: 'Remove the aws:SourceAccount / aws:SourceArn condition from the trust statement of that service, and keep the role\'s own permissions narrow.',
    assemblyWide: false,
  },
  {
    id: 'CW9',
    title: 'A topic has one subscription per endpoint',
    behaviour: 'SNS keeps one subscription per topic, protocol and endpoint (email addresses compared without case), so two subscription resources for the same one share it: deleting either removes the other\'s, and the recipient confirms once.',
    source: 'https://docs.aws.amazon.com/sns/latest/api/API_Subscribe.html',
    fix: 'Subscribe each endpoint once per topic: remove the duplicate (emails differing only in case are the same address).',
    assemblyWide: true,
  },
  {
    id: 'CW10',
    title: 'Policy actions exist and are scoped to resource types they authorize on',
    behaviour: 'IAM matches only actions a service defines, and authorizes each on the resource types the Service Authorization Reference lists for it (an action without one on "*"): a misspelt action, or one scoped only to resources of other types, is never allowed or denied by the statement, so the call fails.',
    source: 'https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html',
    fix: 'Correct the action\'s name, and scope it to an ARN of a resource type its service page lists for it, or to "*" when it lists none (see the README\'s exceptions).',
    assemblyWide: false,
  },
];
