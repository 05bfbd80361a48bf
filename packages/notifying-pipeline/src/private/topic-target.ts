/**
 * An EventBridge target that publishes a readable message to an encrypted SNS topic and
 * lets exactly the rule it is bound to publish (topic policy statement conditioned on
 * `aws:SourceArn`). `aws-events-targets.SnsTopic` would instead let every EventBridge
 * rule of every account publish. Not exported from the package.
 */
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';

export class RuleOnlyTopicTarget implements events.IRuleTarget {
  constructor(private readonly topic: sns.ITopic, private readonly message: events.RuleTargetInput) {}

  public bind(rule: events.IRule): events.RuleTargetConfig {
    this.topic.addToResourcePolicy(new iam.PolicyStatement({
      sid: `Publish${rule.node.id.replace(/[^A-Za-z0-9]/g, '')}`,
      principals: [new iam.ServicePrincipal('events.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [this.topic.topicArn],
      conditions: { ArnEquals: { 'aws:SourceArn': rule.ruleArn } },
    }));
    return { arn: this.topic.topicArn, input: this.message, targetResource: this.topic };
  }
}
