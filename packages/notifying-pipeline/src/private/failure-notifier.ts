/**
 * The failure notifier of the build account: EventBridge hands it each failed execution,
 * it reads what failed (the action, the first failed resource, the CodeDeploy deployment,
 * the failed tests) and publishes one readable message to the encrypted topic. Not exported
 * from the package.
 */
import * as path from 'path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { CrosswalkNaming } from '@crosswalk/cross-account-role';
import { Construct } from 'constructs';
import { READ_ONLY_ROLE_BY_REGION_ENV, READ_ONLY_ROLE_ENV } from '../contract/read-only-role';
import { RegionalTarget, roleNameEnvironment, targetRoleArns } from './target-roles';

const ASSETS = path.join(__dirname, '..', '..', 'assets');

/** A CodeBuild project of the pipeline and its test report group, whose failed tests the notifier lists. */
export interface ReportedProject {
  readonly projectArn: string;
  readonly reportGroupArn: string;
}

export interface FailureNotifierProps {
  readonly naming: CrosswalkNaming;
  readonly pipelineName: string;
  readonly pipelineArn: string;
  readonly topic: sns.ITopic;
  readonly topicKey: kms.IKey;
  /** The target accounts and regions whose read-only role the notifier may assume. */
  readonly targets: RegionalTarget[];
  readonly projects: ReportedProject[];
  readonly logRetention: logs.RetentionDays;
}

export class FailureNotifier extends Construct {
  public readonly function: lambda.Function;
  public readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: FailureNotifierProps) {
    super(scope, id);
    const { naming } = props;
    const logGroup = new logs.LogGroup(this, 'Logs', { retention: props.logRetention, removalPolicy: RemovalPolicy.RETAIN });
    // The target accounts' read-only role trusts this role by its convention name.
    this.role = new iam.Role(this, 'Role', {
      roleName: naming.failureNotifierRoleName,
      description: `Turns the failed executions of the ${props.pipelineName} pipeline into messages that name the cause`,
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      inlinePolicies: {
        Notify: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }),
            // ListActionExecutions authorizes on the pipeline:
            // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscodepipeline.html
            new iam.PolicyStatement({ sid: 'ReadTheFailedActions', actions: ['codepipeline:ListActionExecutions'], resources: [props.pipelineArn] }),
            new iam.PolicyStatement({
              sid: 'ReadTheFailedBuildsAndTests',
              actions: ['codebuild:BatchGetBuilds'],
              resources: props.projects.map((p) => p.projectArn),
            }),
            // DescribeTestCases authorizes on the report group:
            // https://docs.aws.amazon.com/codebuild/latest/userguide/auth-and-access-control-permissions-reference.html
            new iam.PolicyStatement({ actions: ['codebuild:DescribeTestCases'], resources: props.projects.map((p) => p.reportGroupArn) }),
            new iam.PolicyStatement({
              sid: 'ReadTargetAccountsThroughTheirReadOnlyRole',
              actions: ['sts:AssumeRole'],
              resources: targetRoleArns(naming, props.targets, (n, account) => n.readOnlyRoleArn(account)),
            }),
            new iam.PolicyStatement({ sid: 'PublishTheMessage', actions: ['sns:Publish'], resources: [props.topic.topicArn] }),
            // Publishing to a topic encrypted with a customer managed key needs both actions on it:
            // https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#sns-what-permissions-for-sse
            new iam.PolicyStatement({ sid: 'EncryptTheMessage', actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [props.topicKey.keyArn] }),
          ],
        }),
      },
    });

    this.function = new lambda.Function(this, 'Function', {
      description: `Failure messages of the ${props.pipelineName} pipeline, with the failed action, resource, deployment or tests`.slice(0, 256),
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(path.join(ASSETS, 'failure-notifier')),
      role: this.role,
      logGroup,
      // The enrichment has its own budget inside this; the publish comes last.
      timeout: Duration.seconds(60),
      memorySize: 256,
      environment: {
        TOPIC_ARN: props.topic.topicArn,
        ...roleNameEnvironment(naming, props.targets, (n) => n.readOnlyRoleName, READ_ONLY_ROLE_ENV, READ_ONLY_ROLE_BY_REGION_ENV),
        PARTITION: naming.partition,
      },
      // Nothing is lost: an event the function could not handle after Lambda's retries still
      // reaches the topic, as the raw invocation record.
      // https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
      onFailure: new destinations.SnsDestination(props.topic),
      retryAttempts: 2,
    });
    this.function.node.addDependency(this.role);
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      reason: 'CDK\'s grant of the Lambda failure destination (publishing to the encrypted topic) asks for data keys of the notification key alone',
    });
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions::AwsSolutions-L1',
      reason: 'The failure notifier bundle is built for Node.js 22 (esbuild target node22, the runtime\'s AWS SDK v3) and tested there; '
        + 'a newer runtime comes with a new release of this package.',
    });
  }

  /** The EventBridge target of the failed-execution rule. */
  public target(): events.IRuleTarget {
    return new targets.LambdaFunction(this.function, { retryAttempts: 8, maxEventAge: Duration.hours(2) });
  }
}
