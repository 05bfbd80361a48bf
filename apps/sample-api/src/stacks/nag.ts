import { Validations, aws_apigateway as apigw, aws_lambda as lambda } from 'aws-cdk-lib';

/** What the acknowledgements below apply to. */
export interface AcknowledgedConstructs {
  readonly api: apigw.RestApi;
  readonly functions: readonly lambda.Function[];
}

/**
 * The cdk-nag AwsSolutions findings the sample API accepts, each on the construct it is
 * about and with the reason that holds for it. Everything else must pass: the stack
 * test fails on any other finding.
 */
export function acknowledgeFindings(scope: AcknowledgedConstructs): void {
  const api = Validations.of(scope.api);
  api.acknowledge({
    id: 'AwsSolutions::AwsSolutions-APIG2',
    reason: 'Every handler validates its own input (JSON syntax, field types and lengths, dates, ids, unknown fields) and answers 4xx naming the problem; '
      + 'an API Gateway model would duplicate that schema and replace those messages with a generic "Invalid request body".',
  });
  api.acknowledge({
    id: 'AwsSolutions::AwsSolutions-APIG3',
    reason: 'The sample check-in API is protected by stage throttling from the config; a WAF web ACL is a per-organisation choice (rules, cost) '
      + 'that can be associated with the stage without changing this stack.',
  });
  api.acknowledge({
    id: 'AwsSolutions::AwsSolutions-APIG4',
    reason: 'The check-in API is public by design: visitors register at a location without an account. Abuse is bounded by stage throttling, '
      + 'and every write is validated by the handlers.',
  });
  api.acknowledge({
    id: 'AwsSolutions::AwsSolutions-COG4',
    reason: 'No Cognito user pool: the check-in API is public by design (visitors register without an account); see AwsSolutions-APIG4.',
  });
  const cloudWatchRole = scope.api.node.tryFindChild('CloudWatchRole');
  if (cloudWatchRole) {
    Validations.of(cloudWatchRole).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      reason: 'This is the one account-wide role API Gateway uses to write the execution and access logs of every API in the account and region; '
        + 'API Gateway names the execution log groups itself (API-Gateway-Execution-Logs_<api id>/<stage>), so the AWS-maintained service-role policy made for it cannot be narrowed to this stack.',
    });
  }
  for (const fn of scope.functions) {
    Validations.of(fn).acknowledge({
      id: 'AwsSolutions::AwsSolutions-L1',
      reason: 'The handlers are bundled for and tested on Node.js 22 (esbuild target node22, the hook functions and the toolchain of this repository); '
        + 'moving to nodejs24.x is a deliberate upgrade of the whole repository, not a per-stack switch.',
    });
    Validations.of(fn.role!.node.findChild('DefaultPolicy')).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason: 'Only the X-Ray actions xray:PutTraceSegments and xray:PutTelemetryRecords (active tracing) are granted on "*": '
        + 'X-Ray supports no resource-level permissions for them. Logs and table actions are scoped to this function\'s log group and the table.',
    });
  }
}
