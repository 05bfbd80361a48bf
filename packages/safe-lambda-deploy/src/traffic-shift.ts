import { Duration } from 'aws-cdk-lib';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import { Construct } from 'constructs';

/** The three ways CodeDeploy can move traffic from the old version to the new one. */
enum ShiftKind {
  ALL_AT_ONCE = 'AllAtOnce',
  LINEAR = 'Linear',
  CANARY = 'Canary',
}

/**
 * How CodeDeploy shifts the alias' traffic from the old version to the new one.
 *
 * Use a predefined shift (`TrafficShift.ALL_AT_ONCE` for development,
 * `TrafficShift.LINEAR_10_PERCENT_EVERY_1_MINUTE` for production) or build your own with
 * `TrafficShift.linear()` or `TrafficShift.canary()`. A custom shift that matches one of
 * CodeDeploy's predefined configurations uses it; any other creates a deployment
 * configuration next to the deployment group.
 */
export class TrafficShift {
  /** All traffic moves to the new version at once (after the pre-traffic hook passed). */
  public static readonly ALL_AT_ONCE = new TrafficShift(ShiftKind.ALL_AT_ONCE);

  /** 10 % more traffic every minute: all traffic has moved after 10 minutes. */
  public static readonly LINEAR_10_PERCENT_EVERY_1_MINUTE = TrafficShift.linear(10, 1);

  /** 10 % of the traffic for 5 minutes, then the remaining 90 % at once. */
  public static readonly CANARY_10_PERCENT_5_MINUTES = TrafficShift.canary(10, 5);

  /**
   * Moves `percentage` % more traffic every `intervalMinutes` minutes until all of it runs
   * on the new version.
   *
   * @param percentage whole percent moved at each step, 1 to 99
   * @param intervalMinutes whole minutes between two steps, at least 1
   */
  public static linear(percentage: number, intervalMinutes: number): TrafficShift {
    validateShift('TrafficShift.linear', percentage, intervalMinutes);
    return new TrafficShift(ShiftKind.LINEAR, percentage, intervalMinutes);
  }

  /**
   * Moves `percentage` % of the traffic first, then the rest after `intervalMinutes` minutes.
   *
   * @param percentage whole percent of the traffic the new version gets first, 1 to 99
   * @param intervalMinutes whole minutes before the rest of the traffic moves, at least 1
   */
  public static canary(percentage: number, intervalMinutes: number): TrafficShift {
    validateShift('TrafficShift.canary', percentage, intervalMinutes);
    return new TrafficShift(ShiftKind.CANARY, percentage, intervalMinutes);
  }

  /**
   * A readable name, such as `AllAtOnce`, `Linear10PercentEvery1Minute` or
   * `Canary10Percent5Minutes` (the suffix of CodeDeploy's predefined configuration name
   * when there is one).
   */
  public readonly name: string;

  /**
   * Percent of the traffic moved at each step.
   * @default - none for an all-at-once shift
   */
  public readonly percentage?: number;

  /**
   * Minutes between two steps.
   * @default - none for an all-at-once shift
   */
  public readonly intervalMinutes?: number;

  private readonly kind: ShiftKind;

  private constructor(kind: ShiftKind, percentage?: number, intervalMinutes?: number) {
    this.kind = kind;
    this.percentage = percentage;
    this.intervalMinutes = intervalMinutes;
    this.name = shiftName(kind, percentage, intervalMinutes);
  }

  /**
   * The CodeDeploy deployment configuration for this shift: a predefined one when it
   * exists, otherwise a new `LambdaDeploymentConfig` under `scope` with id `id`.
   *
   * @internal
   */
  public _bind(scope: Construct, id: string): codedeploy.ILambdaDeploymentConfig {
    const predefined = PREDEFINED[this.name];
    if (predefined) return predefined;
    const interval = Duration.minutes(this.intervalMinutes!);
    const percentage = this.percentage!;
    return new codedeploy.LambdaDeploymentConfig(scope, id, {
      trafficRouting: this.kind === ShiftKind.LINEAR
        ? codedeploy.TrafficRouting.timeBasedLinear({ interval, percentage })
        : codedeploy.TrafficRouting.timeBasedCanary({ interval, percentage }),
    });
  }
}

const PREDEFINED: Record<string, codedeploy.ILambdaDeploymentConfig> = {
  AllAtOnce: codedeploy.LambdaDeploymentConfig.ALL_AT_ONCE,
  Linear10PercentEvery1Minute: codedeploy.LambdaDeploymentConfig.LINEAR_10PERCENT_EVERY_1MINUTE,
  Linear10PercentEvery2Minutes: codedeploy.LambdaDeploymentConfig.LINEAR_10PERCENT_EVERY_2MINUTES,
  Linear10PercentEvery3Minutes: codedeploy.LambdaDeploymentConfig.LINEAR_10PERCENT_EVERY_3MINUTES,
  Linear10PercentEvery10Minutes: codedeploy.LambdaDeploymentConfig.LINEAR_10PERCENT_EVERY_10MINUTES,
  Canary10Percent5Minutes: codedeploy.LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES,
  Canary10Percent10Minutes: codedeploy.LambdaDeploymentConfig.CANARY_10PERCENT_10MINUTES,
  Canary10Percent15Minutes: codedeploy.LambdaDeploymentConfig.CANARY_10PERCENT_15MINUTES,
  Canary10Percent30Minutes: codedeploy.LambdaDeploymentConfig.CANARY_10PERCENT_30MINUTES,
};

function shiftName(kind: ShiftKind, percentage?: number, intervalMinutes?: number): string {
  const minutes = intervalMinutes === 1 ? '1Minute' : `${intervalMinutes}Minutes`;
  switch (kind) {
    case ShiftKind.ALL_AT_ONCE: return 'AllAtOnce';
    case ShiftKind.LINEAR: return `Linear${percentage}PercentEvery${minutes}`;
    case ShiftKind.CANARY: return `Canary${percentage}Percent${minutes}`;
  }
}

function validateShift(method: string, percentage: number, intervalMinutes: number): void {
  if (!Number.isInteger(percentage) || percentage < 1 || percentage > 99) {
    const hint = percentage >= 100 ? ' (to move all traffic in one step use TrafficShift.ALL_AT_ONCE)' : '';
    throw new Error(`${method}: percentage must be a whole number from 1 to 99, got ${percentage}${hint}`);
  }
  if (!Number.isInteger(intervalMinutes) || intervalMinutes < 1) {
    throw new Error(`${method}: intervalMinutes must be a whole number of minutes, at least 1, got ${intervalMinutes}`);
  }
}
