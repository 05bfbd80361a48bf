/**
 * No bake without alarms, at synth: the stack a pipeline bakes must have an alarm the bake can
 * find by its name prefix. A generated alarm name starts with the stack name
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-name.html).
 */
import { App, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { BakeAlarms } from '../src';

function stackWith(alarms: Array<string | undefined>, composite?: string) {
  const app = new App();
  const stack = new Stack(app, 'Crosswalk-Orders-prod', { env: { account: '333333333333', region: 'eu-west-1' } });
  const metric = new cloudwatch.Metric({ namespace: 'AWS/Lambda', metricName: 'Errors' });
  const made = alarms.map((name, i) => new cloudwatch.Alarm(stack, `Alarm${i}`, { metric, threshold: 1, evaluationPeriods: 1, ...(name !== undefined ? { alarmName: name } : {}) }));
  if (composite !== undefined) new cloudwatch.CompositeAlarm(stack, 'Release', { compositeAlarmName: composite, alarmRule: cloudwatch.AlarmRule.anyOf(...made) });
  return { app, stack };
}

describe('BakeAlarms.require', () => {
  test('a baked stack without any alarm fails synth, naming the prefix and the fix', () => {
    const { app, stack } = stackWith([]);
    BakeAlarms.require(stack);
    expect(() => app.synth()).toThrow(/stack 'Crosswalk-Orders-prod' is baked by its pipeline, but has no alarm whose name starts with 'Crosswalk-Orders-prod-'.*or set the environment's bakeTime to 0/);
  });

  test('an alarm named by CloudFormation counts for the default prefix (its name starts with the stack name)', () => {
    const { app, stack } = stackWith([undefined]);
    BakeAlarms.require(stack);
    expect(() => app.synth()).not.toThrow();
  });

  test('named alarms count only when they start with the prefix; a generated name does not prove a custom prefix', () => {
    const other = stackWith(['billing-errors']);
    BakeAlarms.require(other.stack);
    expect(() => other.app.synth()).toThrow(/has no alarm whose name starts with 'Crosswalk-Orders-prod-'/);
    const named = stackWith(['Crosswalk-Orders-Health-errors']);
    BakeAlarms.require(named.stack, 'Crosswalk-Orders-Health');
    expect(() => named.app.synth()).not.toThrow();
    const generated = stackWith([undefined]);
    BakeAlarms.require(generated.stack, 'Crosswalk-Orders-Health');
    expect(() => generated.app.synth()).toThrow(/no alarm whose name starts with 'Crosswalk-Orders-Health'/);
  });

  test('a composite alarm with the prefix counts', () => {
    const { app, stack } = stackWith(['billing-errors'], 'Crosswalk-Orders-Health');
    BakeAlarms.require(stack, 'Crosswalk-Orders-Health');
    expect(() => app.synth()).not.toThrow();
  });
});
