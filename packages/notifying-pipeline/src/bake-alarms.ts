import { Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * The synth-time side of "no bake without alarms": the stack a pipeline environment bakes (and
 * whose release an alarm reverts) must have at least one alarm the bake can find, that is, an
 * alarm whose name starts with the environment's `bakeAlarmNamePrefix`. The pipeline cannot see
 * the service's template when it is synthesized (another app builds it), so the service's own
 * app calls this, for each stack a pipeline bakes; the change set function checks the deployed
 * alarms again before each release.
 *
 * An alarm without an `AlarmName` gets a name CloudFormation generates from the stack name, the
 * logical id and a random string (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-name.html),
 * so it counts for the default prefix `<stackName>-`.
 */
export class BakeAlarms {
  /**
   * Fails the synthesis of `stack` unless it has an alarm (metric or composite) whose name
   * starts with `alarmNamePrefix`.
   * @param alarmNamePrefix the environment's bakeAlarmNamePrefix; default `<stackName>-`
   */
  public static require(stack: Stack, alarmNamePrefix?: string): void {
    const prefix = alarmNamePrefix ?? `${stack.stackName}-`;
    stack.node.addValidation({
      validate: () => {
        const found = findAlarmNames(stack).some((name) => (name === undefined ? prefix === `${stack.stackName}-` : name.startsWith(prefix)));
        if (found) return [];
        return [`stack '${stack.stackName}' is baked by its pipeline, but has no alarm whose name starts with '${prefix}': a bake without alarms measures nothing, and no alarm could revert a bad release. ` +
          'Add the alarms of the release (safe-lambda-deploy\'s LambdaDeploymentGroup adds one per function), leave their names to CloudFormation or start them with the prefix, ' +
          'or set the environment\'s bakeTime to 0'];
      },
    });
  }

  private constructor() {}
}

/** The names of the stack's alarms: undefined for a generated one; a name known only at deployment (an intrinsic) is left out: it proves nothing. */
function findAlarmNames(stack: Stack): Array<string | undefined> {
  const names: Array<string | undefined> = [];
  const visit = (node: IConstruct) => {
    for (const child of node.node.children) {
      if (Stack.isStack(child) && child !== stack) continue;
      const cfn = child as unknown as { cfnResourceType?: string; alarmName?: unknown };
      if (cfn.cfnResourceType === 'AWS::CloudWatch::Alarm' || cfn.cfnResourceType === 'AWS::CloudWatch::CompositeAlarm') {
        // The L2 constructs pass a lazy token that resolves to nothing when no name is given.
        const name = Token.isUnresolved(cfn.alarmName) ? stack.resolve(cfn.alarmName) : cfn.alarmName;
        if (name === undefined) names.push(undefined);
        else if (typeof name === 'string') names.push(name);
      }
      visit(child);
    }
  };
  visit(stack);
  return names;
}
