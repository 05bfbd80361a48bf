import { CfnResource, IAspect, Stack, Token, Validations } from 'aws-cdk-lib';
import { CfnAlarm } from 'aws-cdk-lib/aws-cloudwatch';
import { CfnDeploymentGroup } from 'aws-cdk-lib/aws-codedeploy';
import { CfnGroup } from 'aws-cdk-lib/aws-iam';
import { CfnFunction, CfnPermission } from 'aws-cdk-lib/aws-lambda';
import { CfnLogGroup } from 'aws-cdk-lib/aws-logs';
import { CfnBucket } from 'aws-cdk-lib/aws-s3';
import type { IConstruct } from 'constructs';
import type { CrosswalkConfig } from '../config';
import { namingOf } from '../stacks/naming';
import { CFN_GUARD_PLUGIN_NAME } from './plugin';

/** One acknowledged Control Tower finding: the guard rule and why it does not apply there. */
export interface ControlAcknowledgement {
  /** The guard rule name, e.g. `s3_bucket_versioning_enabled_check`. */
  readonly rule: string;
  readonly reason: string;
}

/** The acknowledgement id of a guard rule, as the validation report prints it. */
export function acknowledgementId(rule: string): string {
  return `${CFN_GUARD_PLUGIN_NAME}::${rule}`;
}

/**
 * The Control Tower findings that do not apply to Crosswalk's stacks, acknowledged on the
 * one resource each is about, with the reason that holds for that resource. A resource is
 * recognised by what it is in the template (a bucket that receives server access logs,
 * an alarm a CodeDeploy deployment group watches…), never by a blanket rule, so a new
 * resource of the same type is checked afresh.
 *
 * Findings that should be fixed are deliberately not in this list: they stay in the
 * report (and fail the compliance task) until the code changes.
 */
export class ControlTowerAcknowledgements implements IAspect {
  private readonly artifactBucketName: string;

  constructor(private readonly config: CrosswalkConfig) {
    this.artifactBucketName = namingOf(config).artifactBucketName(config.accounts.build);
  }

  public visit(node: IConstruct): void {
    for (const ack of this.acknowledgementsFor(node)) {
      Validations.of(node).acknowledge({ id: acknowledgementId(ack.rule), reason: ack.reason });
    }
  }

  /** What is acknowledged on `node` (nothing for most constructs). */
  public acknowledgementsFor(node: IConstruct): ControlAcknowledgement[] {
    if (node instanceof CfnBucket) return this.bucket(node);
    if (node instanceof CfnGroup) return group(node);
    if (node instanceof CfnPermission) return permission(node);
    if (node instanceof CfnFunction) return this.fn(node);
    if (node instanceof CfnAlarm) return alarm(node);
    if (node instanceof CfnLogGroup) return this.logGroup(node);
    return [];
  }

  private bucket(bucket: CfnBucket): ControlAcknowledgement[] {
    const stack = Stack.of(bucket);
    if (receivesAccessLogs(bucket)) {
      return [
        {
          rule: 's3_bucket_default_encryption_kms_check',
          reason: 'This bucket is the destination of S3 server access logs, and S3 delivers access logs only to buckets encrypted with SSE-S3 (AES256), not SSE-KMS; it is encrypted with SSE-S3.',
        },
        {
          rule: 's3_bucket_logging_enabled_check',
          reason: 'This bucket holds the server access logs of the artifact bucket; logging it would need yet another log bucket (or log into itself, a loop), and that one would raise the same finding.',
        },
        {
          rule: 's3_event_notifications_enabled_check',
          reason: 'No process reacts to new access-log objects: they are read on demand during an investigation, so an event notification would have no consumer.',
        },
        {
          rule: 's3_bucket_object_lock_enabled_check',
          reason: 'Access logs expire through the bucket\'s lifecycle rule, and Object Lock would block that expiry and the teardown of the stack; the bucket policy lets only the S3 logging service of this account, for the artifact bucket, write to it.',
        },
      ];
    }
    if (stack.resolve(bucket.bucketName) === this.artifactBucketName) {
      return [
        {
          rule: 's3_event_notifications_enabled_check',
          reason: 'The artifact bucket is read and written only by the pipeline\'s own actions, which pass artifacts to the next action themselves; no process reacts to object events, so a notification would have no consumer.',
        },
        {
          rule: 's3_bucket_object_lock_enabled_check',
          reason: 'Pipeline artifacts and published Lambda code are rebuilt from Git on every run and expire through the lifecycle rule; Object Lock would block that expiry and the teardown, and the bucket is already versioned (overwrites keep the previous version) and only the pipeline and the convention roles may write to it (bucket policy).',
        },
      ];
    }
    return [];
  }

  private fn(fn: CfnFunction): ControlAcknowledgement[] {
    const account = Stack.of(fn).account;
    const inTargetAccount = account === this.config.accounts.dev || account === this.config.accounts.prod;
    if (!inTargetAccount || fn.vpcConfig !== undefined) return [];
    return [{
      rule: 'lambda_inside_vpc_check',
      reason: 'The sample API\'s handlers and its CodeDeploy hooks reach only AWS APIs (DynamoDB, CodeDeploy, Lambda, SSM, X-Ray) through IAM-authorised regional endpoints and no private network resource; '
        + 'a VPC would add subnets, NAT or interface endpoints and cold-start latency without narrowing what the function can reach, which its role already scopes.',
    }];
  }

  private logGroup(logGroup: CfnLogGroup): ControlAcknowledgement[] {
    const acks: ControlAcknowledgement[] = [];
    if (logGroup.kmsKeyId === undefined) {
      acks.push({
        rule: 'cloudwatch_log_group_encrypted_check',
        reason: 'CloudWatch Logs encrypts this log group at rest with its service key. It holds build, test, hook and request logs that carry no secrets '
          + '(the handlers log ids and error messages, never request bodies or credentials); a customer key per log group would add a key policy naming '
          + 'the logs service of each region and a key per account, and no access boundary beyond the IAM permissions that already guard logs:GetLogEvents.',
      });
    }
    const stack = Stack.of(logGroup);
    const days = stack.resolve(logGroup.retentionInDays);
    if (stack.account !== this.config.accounts.dev || typeof days !== 'number' || days >= 365) return acks;
    return [...acks, {
      rule: 'cloudwatch_log_group_retention_period_check',
      reason: `This log group is in the dev account, which serves only the pipeline's integration tests and developers' trials; it keeps ${days} days as environments.dev.logRetentionDays sets it. `
        + 'Production log groups are not acknowledged: their retention must meet the one-year control.',
    }];
  }
}

/** A bucket another bucket of the same stack sends its server access logs to. */
function receivesAccessLogs(bucket: CfnBucket): boolean {
  const stack = Stack.of(bucket);
  const logicalId = stack.resolve(bucket.logicalId);
  return stack.node.findAll().some((other) => {
    if (!(other instanceof CfnBucket) || other === bucket || other.loggingConfiguration === undefined) return false;
    const logging = stack.resolve(other.loggingConfiguration);
    return JSON.stringify(logging?.destinationBucketName ?? logging?.DestinationBucketName) === JSON.stringify({ Ref: logicalId });
  });
}

function group(iamGroup: CfnGroup): ControlAcknowledgement[] {
  const stack = Stack.of(iamGroup);
  const inline = stack.resolve(iamGroup.policies);
  if (Array.isArray(inline) && inline.length > 0) return [];
  const reason = (control: string) => `This group has no inline policy at all (no Policies property); ${control} cannot find one and reports the missing property. `
    + 'Its members\' permissions are in a separate AWS::IAM::Policy (the approval of this pipeline\'s ProdApproval/Approve action and read access to this pipeline), which the same control checks and passes.';
  return [
    { rule: 'iam_inline_policy_no_statements_with_admin_access_check', reason: reason('CT.IAM.PR.1') },
    { rule: 'iam_inline_policy_no_statements_with_full_access_check', reason: reason('CT.IAM.PR.5') },
  ];
}

function permission(perm: CfnPermission): ControlAcknowledgement[] {
  const stack = Stack.of(perm);
  const sourceArn = perm.sourceArn;
  if (perm.principal !== 'apigateway.amazonaws.com' || sourceArn === undefined) return [];
  const resolved = JSON.stringify(stack.resolve(sourceArn));
  // CDK builds the ARN of this API's stage and route with Fn::Join; the rule accepts only a literal, Ref or GetAtt.
  if (!Token.isUnresolved(sourceArn) || !resolved.includes('Fn::Join') || !resolved.includes(':execute-api:')) return [];
  return [{
    rule: 'lambda_function_public_access_prohibited_check',
    reason: 'Not public: the permission lets only API Gateway invoke the function, and only from this stack\'s REST API, stage and route (SourceArn execute-api:<region>:<account>:<api>/<stage>/*/<path>). '
      + 'CT.LAMBDA.PR.2 accepts a SourceArn only as a literal string or a Ref/GetAtt and reports the Fn::Join that builds this one.',
  }];
}

function alarm(cfnAlarm: CfnAlarm): ControlAcknowledgement[] {
  const stack = Stack.of(cfnAlarm);
  const actions = stack.resolve(cfnAlarm.alarmActions);
  if (Array.isArray(actions) && actions.length > 0) return [];
  const ref = JSON.stringify({ Ref: stack.resolve(cfnAlarm.logicalId) });
  const watched = stack.node.findAll().some((c) => c instanceof CfnDeploymentGroup
    && JSON.stringify(stack.resolve(c.alarmConfiguration) ?? {}).includes(ref));
  if (!watched) return [];
  return [{
    rule: 'cloudwatch_alarm_action_check',
    reason: 'This alarm exists to roll back deployments: a CodeDeploy deployment group of this stack lists it in its AlarmConfiguration and stops and rolls back the traffic shift when it fires. '
      + 'CodeDeploy reads the alarm state itself, so no alarm action is involved; a failed deployment then fails the pipeline, which notifies by email.',
  }];
}

/** The resources that {@link ControlTowerAcknowledgements} acknowledges something on, with what. */
export function acknowledgedResources(scope: IConstruct, config: CrosswalkConfig): Array<{ readonly path: string; readonly acknowledgements: ControlAcknowledgement[] }> {
  const acks = new ControlTowerAcknowledgements(config);
  return scope.node.findAll()
    .filter((c): c is CfnResource => c instanceof CfnResource)
    .map((c) => ({ path: c.node.path, acknowledgements: acks.acknowledgementsFor(c) }))
    .filter((r) => r.acknowledgements.length > 0);
}
