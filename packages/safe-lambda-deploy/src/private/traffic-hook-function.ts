import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { CONFIG_ENV, HookConfig, TARGET_ENV } from '../contract/hook-config';

/** Lambda's limit on the total size of a function's environment variables. */
const ENVIRONMENT_LIMIT_BYTES = 4096;

export interface TrafficHookFunctionProps {
  /** The bundled hook: `pre-traffic-hook` or `post-traffic-hook`. */
  readonly code: lambda.Code;
  readonly description: string;
  /** The service name of the hook's traces. */
  readonly serviceName: string;
  /** The ARN the hook invokes: the new version (pre) or the alias (post). */
  readonly target: string;
  /** The ARN pattern the hook may invoke: the function's versions and aliases. */
  readonly invocableArn: string;
  readonly config: HookConfig;
  readonly timeout: Duration;
  readonly logRetention: logs.RetentionDays;
  /** The property path of these options in the construct's props, for error messages. */
  readonly optionsPath: string;
}

/**
 * A traffic hook function: its own role (logs, X-Ray, invoking the target, and reading
 * the base-URL parameter when there is one), its own log group, active tracing, and no
 * asynchronous retries (CodeDeploy invokes hooks asynchronously; a retry would report a
 * second time).
 */
export class TrafficHookFunction extends Construct {
  public readonly function: lambda.Function;
  public readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: TrafficHookFunctionProps) {
    super(scope, id);
    const stack = Stack.of(this);

    const configJson = JSON.stringify(props.config);
    if (Buffer.byteLength(configJson) > ENVIRONMENT_LIMIT_BYTES - 512) {
      throw new Error(`${props.optionsPath}: the checks take ${Buffer.byteLength(configJson)} bytes in the hook's environment, `
        + `more than Lambda's ${ENVIRONMENT_LIMIT_BYTES}-byte limit allows; use smaller test events or fewer checks`);
    }

    const logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // Lambda and IAM accept at most 256 and 1000 characters; deep construct paths are cut.
    const description = props.description.slice(0, 256);
    this.role = new iam.Role(this, 'ServiceRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description,
    });
    logGroup.grantWrite(this.role);
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'InvokeTheDeployedFunction',
      actions: ['lambda:InvokeFunction'],
      resources: [props.invocableArn],
    }));
    if (props.config.baseUrlParameterName) {
      this.role.addToPrincipalPolicy(new iam.PolicyStatement({
        sid: 'ReadTheBaseUrlParameter',
        actions: ['ssm:GetParameter'],
        resources: [stack.formatArn({
          service: 'ssm',
          resource: 'parameter',
          resourceName: props.config.baseUrlParameterName.replace(/^\//, ''),
        })],
      }));
    }

    this.function = new lambda.Function(this, 'Resource', {
      description,
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: props.code,
      role: this.role,
      logGroup,
      timeout: props.timeout,
      memorySize: 256,
      tracing: lambda.Tracing.ACTIVE,
      retryAttempts: 0,
      environment: {
        [TARGET_ENV]: props.target,
        [CONFIG_ENV]: stack.toJsonString(props.config),
        POWERTOOLS_SERVICE_NAME: props.serviceName,
      },
    });
    // The function must not run before its permissions exist.
    this.function.node.addDependency(this.role);
  }
}
