import * as path from 'path';
import { Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, IConstruct } from 'constructs';
import {
  HttpCheck,
  InvocationCheck,
  InvocationResponseKind,
  PostTrafficHookOptions,
  PreTrafficHookOptions,
  TrafficHookOptions,
} from './hook-options';
import { deployedVersion } from './private/deployed-version';
import {
  DEFAULT_TEST_EVENT,
  HookConfig,
  HttpCheckConfig,
  InvocationCheckConfig,
  REPORT_RESERVE_SECONDS,
  RESPONSE_KINDS,
  ResponseKind,
} from './contract/hook-config';
import { TrafficHookFunction } from './private/traffic-hook-function';
import { TrafficShift } from './traffic-shift';

/** The bundled hook handlers, built by the package's pre-compile step and shipped with it. */
const HOOK_ASSETS = path.join(__dirname, '..', 'assets');

const ALIAS_NAME = /^(?!\d+$)[A-Za-z0-9_-]{1,128}$/;
const PARAMETER_NAME = /^[A-Za-z0-9_.\-/]{1,1011}$/;

/** Props of {@link SafeLambdaDeploy}. */
export interface SafeLambdaDeployProps {
  /**
   * The function to deploy safely: a `lambda.Function` of this app, or an existing function
   * (`lambda.Function.fromFunctionArn()`) together with `version`. The alias, the deployment
   * group and the hooks are created in this construct's stack, which must be in the
   * function's account and region.
   */
  readonly lambdaFunction: lambda.IFunction;

  /**
   * The published version of `lambdaFunction` the alias moves to; required when
   * `lambdaFunction` is imported (for example `lambda.Version.fromVersionArn()` of a version
   * the stack that owns the function publishes).
   * @default - `lambdaFunction.currentVersion` (a new version for every change of the
   * function's code or configuration) when `lambdaFunction` is a `lambda.Function`
   */
  readonly version?: lambda.IVersion;

  /**
   * The alias callers use (point API integrations and event sources at it).
   * @default 'live'
   */
  readonly aliasName?: string;

  /**
   * How traffic moves from the old version to the new one.
   * @default TrafficShift.ALL_AT_ONCE
   */
  readonly trafficShift?: TrafficShift;

  /**
   * The CodeDeploy application of the deployment group.
   * @default - a new Lambda application
   */
  readonly application?: codedeploy.ILambdaApplication;

  /**
   * The service role CodeDeploy uses for the deployment.
   * @default - a new role with the AWS managed policy `AWSCodeDeployRoleForLambdaLimited`
   * and permission to invoke the two hooks
   */
  readonly deploymentRole?: iam.IRole;

  /**
   * Whether a pre-traffic hook tests the new version before it gets traffic.
   * @default true
   */
  readonly enablePreTrafficHook?: boolean;

  /**
   * What the pre-traffic hook checks.
   * @default - one invocation of the new version with a `GET /` API Gateway event that must
   * answer a well-formed API Gateway proxy result with status 200
   */
  readonly preTrafficHook?: PreTrafficHookOptions;

  /**
   * Whether a post-traffic hook smoke-checks the deployment after all traffic moved.
   * @default true
   */
  readonly enablePostTrafficHook?: boolean;

  /**
   * What the post-traffic hook checks.
   * @default - the pre-traffic hook's invocations, through the alias
   */
  readonly postTrafficHook?: PostTrafficHookOptions;

  /**
   * Whether an alarm on the errors of the new version (invoked through the alias) rolls the
   * deployment back.
   * @default true
   */
  readonly enableErrorsAlarm?: boolean;

  /**
   * Errors of the new version, summed over one period, that set off the errors alarm.
   * @default 1
   */
  readonly errorsAlarmThreshold?: number;

  /**
   * The period of the errors alarm, a whole number of minutes.
   * @default Duration.minutes(1)
   */
  readonly errorsAlarmPeriod?: Duration;

  /**
   * How many consecutive periods must reach the threshold before the errors alarm goes off.
   * @default 1
   */
  readonly errorsAlarmEvaluationPeriods?: number;

  /**
   * More alarms that roll the deployment back (for example the API's 5XX alarm); see also
   * `addAlarm()`.
   * @default - none
   */
  readonly alarms?: cloudwatch.IAlarm[];
}

/**
 * Deploys a Lambda function the way SAM's `AutoPublishAlias` + `DeploymentPreference` do:
 * a version per change, an alias moved by CodeDeploy with the chosen traffic shift, rolled
 * back when the deployment fails or an alarm goes off, and gated by a pre-traffic hook that
 * invokes the new version before it gets traffic and a post-traffic hook that smoke-checks
 * it after all traffic moved.
 *
 * Each hook reports Succeeded or Failed to CodeDeploy exactly once, before its own
 * timeout, whatever happens inside it.
 *
 * Construct ids (`Alias`, `DeploymentGroup`, `PreTrafficHook`, `PostTrafficHook`,
 * `ErrorsAlarm`, `DeploymentConfig`) are a contract: renaming one replaces the resource.
 */
export class SafeLambdaDeploy extends Construct {
  /** The alias callers use; CodeDeploy moves it from version to version. */
  public readonly alias: lambda.Alias;

  /** The version this deployment moves the alias to. */
  public readonly version: lambda.IVersion;

  /** The CodeDeploy deployment group that shifts the alias' traffic. */
  public readonly deploymentGroup: codedeploy.LambdaDeploymentGroup;

  /** The traffic shift of the deployment group. */
  public readonly trafficShift: TrafficShift;

  /**
   * The alarm on the new version's errors.
   * @default - none when `enableErrorsAlarm` is false
   */
  public readonly errorsAlarm?: cloudwatch.IAlarm;

  /**
   * The pre-traffic hook function.
   * @default - none when `enablePreTrafficHook` is false
   */
  public readonly preTrafficHook?: lambda.IFunction;

  /**
   * The post-traffic hook function.
   * @default - none when `enablePostTrafficHook` is false
   */
  public readonly postTrafficHook?: lambda.IFunction;

  constructor(scope: Construct, id: string, props: SafeLambdaDeployProps) {
    super(scope, id);
    const fn = props.lambdaFunction;
    const aliasName = props.aliasName ?? 'live';
    this.validateProps(props, aliasName);

    const version = deployedVersion(this, this.node.path, fn, props.version);
    // The alias is always on lambdaFunction, also for a version imported by its own ARN
    // (whose function part may only be known at deploy time).
    this.version = version.lambda === fn
      ? version
      : lambda.Version.fromVersionAttributes(this, 'DeployedVersion', { lambda: fn, version: version.version });
    this.trafficShift = props.trafficShift ?? TrafficShift.ALL_AT_ONCE;
    this.alias = new lambda.Alias(this, 'Alias', { aliasName, version: this.version });

    // Built from the function's ARN, not the alias resource: the post-traffic hook must not
    // depend on the alias, whose update policy depends on the hook.
    const aliasArn = `${fn.functionArn}:${aliasName}`;
    const invocableArn = `${fn.functionArn}:*`;

    const preInvocations = invocationConfigs(props.preTrafficHook?.invocations, `${this.node.path} preTrafficHook.invocations`);
    let preHook: TrafficHookFunction | undefined;
    if (props.enablePreTrafficHook ?? true) {
      const options = props.preTrafficHook ?? {};
      preHook = new TrafficHookFunction(this, 'PreTrafficHook', {
        code: lambda.Code.fromAsset(path.join(HOOK_ASSETS, 'pre-traffic-hook')),
        serviceName: 'pre-traffic-hook',
        description: `Pre-traffic hook of ${this.node.path}: invokes the new version before it gets traffic`,
        target: this.version.functionArn,
        invocableArn,
        config: {
          hook: 'pre-traffic',
          invocations: preInvocations,
          httpChecks: [],
          ...timing(options),
        },
        timeout: options.timeout ?? Duration.minutes(2),
        logRetention: options.logRetention ?? logs.RetentionDays.ONE_MONTH,
        optionsPath: `${this.node.path} preTrafficHook`,
      });
      this.preTrafficHook = preHook.function;
    }

    let postHook: TrafficHookFunction | undefined;
    if (props.enablePostTrafficHook ?? true) {
      const options = props.postTrafficHook ?? {};
      const httpChecks = httpCheckConfigs(options.httpChecks);
      const invocations = options.invocations !== undefined
        ? invocationConfigs(options.invocations, `${this.node.path} postTrafficHook.invocations`)
        : httpChecks.length > 0 ? [] : preInvocations;
      postHook = new TrafficHookFunction(this, 'PostTrafficHook', {
        code: lambda.Code.fromAsset(path.join(HOOK_ASSETS, 'post-traffic-hook')),
        serviceName: 'post-traffic-hook',
        description: `Post-traffic hook of ${this.node.path}: smoke-checks the deployment after all traffic moved`,
        target: aliasArn,
        invocableArn,
        config: {
          hook: 'post-traffic',
          invocations,
          httpChecks,
          baseUrl: options.baseUrl,
          baseUrlParameterName: options.baseUrlParameterName,
          ...timing(options),
        },
        timeout: options.timeout ?? Duration.minutes(2),
        logRetention: options.logRetention ?? logs.RetentionDays.ONE_MONTH,
        optionsPath: `${this.node.path} postTrafficHook`,
      });
      this.postTrafficHook = postHook.function;
    }

    if (props.enableErrorsAlarm ?? true) {
      this.errorsAlarm = new cloudwatch.Alarm(this, 'ErrorsAlarm', {
        alarmDescription: `Errors of the new version of ${this.node.path} behind alias '${aliasName}': rolls the deployment back`,
        // The ExecutedVersion dimension counts only the new version's errors, not the
        // old version's that still serves part of the traffic during the shift.
        metric: new cloudwatch.Metric({
          namespace: 'AWS/Lambda',
          metricName: 'Errors',
          dimensionsMap: {
            FunctionName: fn.functionName,
            Resource: `${fn.functionName}:${aliasName}`,
            ExecutedVersion: this.version.version,
          },
          statistic: cloudwatch.Stats.SUM,
          period: props.errorsAlarmPeriod ?? Duration.minutes(1),
        }),
        threshold: props.errorsAlarmThreshold ?? 1,
        evaluationPeriods: props.errorsAlarmEvaluationPeriods ?? 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }

    this.deploymentGroup = new codedeploy.LambdaDeploymentGroup(this, 'DeploymentGroup', {
      application: props.application,
      alias: this.alias,
      deploymentConfig: this.trafficShift._bind(this, 'DeploymentConfig'),
      role: props.deploymentRole,
      preHook: preHook?.function,
      postHook: postHook?.function,
      alarms: [...(this.errorsAlarm ? [this.errorsAlarm] : []), ...(props.alarms ?? [])],
      autoRollback: { failedDeployment: true, stoppedDeployment: true, deploymentInAlarm: true },
    });

    // CloudFormation must update the hooks (the pre-traffic hook learns the new version
    // from its environment) before the alias update starts the deployment.
    for (const hook of [preHook, postHook]) {
      if (hook) this.alias.node.addDependency(hook);
    }

    this.acknowledgeFindings(invocableArn, preHook, postHook, props.deploymentRole === undefined);
  }

  /**
   * Adds an alarm that rolls the deployment back when it goes off (for example the API's
   * 5XX alarm).
   */
  public addAlarm(alarm: cloudwatch.IAlarm): void {
    this.deploymentGroup.addAlarm(alarm);
  }

  private validateProps(props: SafeLambdaDeployProps, aliasName: string): void {
    const where = this.node.path;
    if (!Token.isUnresolved(aliasName) && !ALIAS_NAME.test(aliasName)) {
      throw new Error(`${where}: aliasName must be 1 to 128 letters, digits, '-' or '_' and not only digits, got '${aliasName}'`);
    }
    if (props.enablePreTrafficHook === false && props.preTrafficHook) {
      throw new Error(`${where}: preTrafficHook options are given but enablePreTrafficHook is false; remove one of them`);
    }
    if (props.enablePostTrafficHook === false && props.postTrafficHook) {
      throw new Error(`${where}: postTrafficHook options are given but enablePostTrafficHook is false; remove one of them`);
    }
    if (props.enableErrorsAlarm === false && (props.errorsAlarmThreshold !== undefined
      || props.errorsAlarmPeriod !== undefined || props.errorsAlarmEvaluationPeriods !== undefined)) {
      throw new Error(`${where}: errorsAlarm settings are given but enableErrorsAlarm is false; remove one of them`);
    }
    const threshold = props.errorsAlarmThreshold;
    if (threshold !== undefined && !(Number.isInteger(threshold) && threshold >= 1)) {
      throw new Error(`${where}: errorsAlarmThreshold must be a whole number of errors, at least 1, got ${threshold}`);
    }
    const evaluations = props.errorsAlarmEvaluationPeriods;
    if (evaluations !== undefined && !(Number.isInteger(evaluations) && evaluations >= 1)) {
      throw new Error(`${where}: errorsAlarmEvaluationPeriods must be a whole number, at least 1, got ${evaluations}`);
    }
    const period = props.errorsAlarmPeriod;
    if (period && !Token.isUnresolved(period.toSeconds({ integral: false }))) {
      const seconds = period.toSeconds({ integral: false });
      if (seconds < 60 || seconds % 60 !== 0) {
        throw new Error(`${where}: errorsAlarmPeriod must be a whole number of minutes (Lambda publishes its metrics per minute), got ${period.toHumanString()}`);
      }
      if (seconds * (evaluations ?? 1) > 24 * 3600) {
        throw new Error(`${where}: errorsAlarmPeriod × errorsAlarmEvaluationPeriods must be at most one day (CloudWatch's limit), `
          + `got ${period.toHumanString()} × ${evaluations ?? 1}`);
      }
    }
    if (props.preTrafficHook) validatePreHook(props.preTrafficHook, `${where} preTrafficHook`);
    if (props.postTrafficHook) validatePostHook(props.postTrafficHook, `${where} postTrafficHook`);
  }

  /**
   * Acknowledges, with reasons, the cdk-nag AwsSolutions findings this construct's own
   * design causes. Everything else (including the caller's function) is left to the caller.
   */
  private acknowledgeFindings(invocableArn: string, preHook: TrafficHookFunction | undefined,
    postHook: TrafficHookFunction | undefined, ownDeploymentRole: boolean): void {
    const invocable = nagResource(this, invocableArn);
    for (const hook of [preHook, postHook]) {
      if (!hook) continue;
      Validations.of(hook.function).acknowledge({
        id: 'AwsSolutions::AwsSolutions-L1',
        reason: 'The hook bundle is built for and tested on Node.js 22 (esbuild target node22, the runtime\'s AWS SDK v3); '
          + 'a newer runtime comes with a new release of this package, not as a per-stack setting.',
      });
      Validations.of(hook.role).acknowledge({
        id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
        reason: 'Only xray:PutTraceSegments and xray:PutTelemetryRecords (active tracing of the hook) use Resource *: '
          + 'X-Ray has no resource-level permissions for them.',
      });
      Validations.of(hook.role).acknowledge({
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::${invocable}]`,
        reason: 'lambda:InvokeFunction on the deployed function\'s qualified ARNs only (its versions and aliases): the '
          + 'pre-traffic hook invokes each new version, whose number changes every deployment; a stable pattern avoids '
          + 'a policy change (and IAM propagation delay) right before every hook run.',
      });
    }
    if (ownDeploymentRole) {
      const role = this.deploymentGroup.role;
      Validations.of(role).acknowledge({
        id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited]',
        reason: 'AWSCodeDeployRoleForLambdaLimited is the AWS-maintained minimal policy for CodeDeploy Lambda deployments '
          + '(get/update the alias, read the rollback alarms); CodeDeploy\'s needs change with the service, so AWS keeps it current.',
      });
      for (const hook of [preHook, postHook]) {
        if (!hook) continue;
        Validations.of(role).acknowledge({
          id: `AwsSolutions::AwsSolutions-IAM5[Resource::${nagResource(this, `${hook.function.functionArn}:*`)}]`,
          reason: `CodeDeploy may invoke only the ${hook.node.id} function (any qualifier of it), granted by the deployment group.`,
        });
      }
    }
  }
}

/** The time limits of a hook, in the wire format. */
function timing(options: TrafficHookOptions): Pick<HookConfig, 'checkTimeoutMs' | 'reportReserveMs'> {
  return {
    checkTimeoutMs: (options.checkTimeout ?? Duration.seconds(30)).toMilliseconds(),
    reportReserveMs: REPORT_RESERVE_SECONDS * 1000,
  };
}

function invocationConfigs(checks: InvocationCheck[] | undefined, field: string): InvocationCheckConfig[] {
  if (checks === undefined) {
    return [{ name: 'invocation 1', event: DEFAULT_TEST_EVENT, responseKind: 'API_GATEWAY_PROXY', expectedStatusCode: 200, expectedBodyContains: [] }];
  }
  return checks.map((check, i) => {
    validateStatusCode(check.expectedStatusCode, `${field}[${i}].expectedStatusCode`);
    validateExpectedTexts(check.expectedBodyContains, `${field}[${i}].expectedBodyContains`);
    validateEvent(check.event, `${field}[${i}].event`);
    const responseKind = responseKindOf(check, `${field}[${i}]`);
    return {
      name: check.name ?? `invocation ${i + 1}`,
      event: check.event ?? DEFAULT_TEST_EVENT,
      responseKind,
      expectedStatusCode: check.expectedStatusCode ?? 200,
      expectedBodyContains: check.expectedBodyContains ?? [],
    };
  });
}

/**
 * How the hook reads the check's answer: as told, else as an API Gateway proxy result for
 * the default event and any event with an `httpMethod` (REST API and HTTP API 1.0 proxy
 * events have one), else as a function URL answer (HTTP API 2.0 and function URL events, and
 * non-HTTP events, whose answers without a `statusCode` count as 200).
 */
function responseKindOf(check: InvocationCheck, field: string): ResponseKind {
  const given: unknown = check.responseKind;
  if (given !== undefined) {
    if (!RESPONSE_KINDS.includes(given as ResponseKind)) {
      throw new Error(`${field}.responseKind must be one of ${RESPONSE_KINDS.join(', ')}, got '${String(given)}'`);
    }
    const expected = check.expectedStatusCode;
    if (given === InvocationResponseKind.PLAIN && expected !== undefined && expected !== 200) {
      throw new Error(`${field}.expectedStatusCode is ${expected}, but a PLAIN answer always counts as 200, so the check could never pass; `
        + 'for a function that answers with HTTP status codes use FUNCTION_URL or API_GATEWAY_PROXY');
    }
    return given as ResponseKind;
  }
  const event = check.event;
  if (event === undefined || event === null || typeof event.httpMethod === 'string') return 'API_GATEWAY_PROXY';
  return 'FUNCTION_URL';
}

function httpCheckConfigs(checks: HttpCheck[] | undefined): HttpCheckConfig[] {
  return (checks ?? []).map((check) => ({
    name: check.name ?? `GET ${check.path}`,
    path: check.path,
    headers: check.headers ?? {},
    expectedStatusCode: check.expectedStatusCode ?? 200,
    expectedBodyContains: check.expectedBodyContains ?? [],
  }));
}

function validateStatusCode(code: number | undefined, field: string): void {
  if (code !== undefined && !(Number.isInteger(code) && code >= 100 && code <= 599)) {
    throw new Error(`${field} must be an HTTP status code from 100 to 599, got ${code}`);
  }
}

/** An empty text is in every body: the check would check nothing. */
function validateExpectedTexts(texts: string[] | undefined, field: string): void {
  (texts ?? []).forEach((text, i) => {
    if (text === '') throw new Error(`${field}[${i}] is empty, so it checks nothing; remove it`);
  });
}

/** The hook gets the event as JSON in its environment; a cycle or a BigInt has no JSON. */
function validateEvent(event: { [key: string]: any } | undefined, field: string): void {
  if (event === undefined) return;
  try {
    JSON.stringify(event);
  } catch (err) {
    throw new Error(`${field} must be JSON data (the hook gets it as JSON): ${(err as Error).message}`);
  }
}

function validateHookTiming(options: TrafficHookOptions, where: string): void {
  const timeout = options.timeout ?? Duration.minutes(2);
  const timeoutSeconds = timeout.toSeconds({ integral: false });
  if (!Token.isUnresolved(timeoutSeconds) && (timeoutSeconds < 30 || timeoutSeconds > 900)) {
    throw new Error(`${where}.timeout must be from 30 seconds to 15 minutes, got ${timeout.toHumanString()}`);
  }
  if (options.checkTimeout) {
    const checkSeconds = options.checkTimeout.toSeconds({ integral: false });
    const budget = timeoutSeconds - REPORT_RESERVE_SECONDS;
    if (!Token.isUnresolved(checkSeconds) && (checkSeconds < 1 || checkSeconds > budget)) {
      throw new Error(`${where}.checkTimeout must be from 1 second to the hook's timeout minus ${REPORT_RESERVE_SECONDS} seconds `
        + `kept for the report (${budget} seconds), got ${options.checkTimeout.toHumanString()}; shorten it or raise timeout`);
    }
  }
}

function validatePreHook(options: PreTrafficHookOptions, where: string): void {
  validateHookTiming(options, where);
  if (options.invocations !== undefined && options.invocations.length === 0) {
    throw new Error(`${where}.invocations is empty, so the hook would check nothing; `
      + 'give at least one invocation, leave it out for the default one, or set enablePreTrafficHook: false');
  }
}

function validatePostHook(options: PostTrafficHookOptions, where: string): void {
  validateHookTiming(options, where);
  const checks = options.httpChecks ?? [];
  if (options.invocations !== undefined && options.invocations.length === 0 && checks.length === 0) {
    throw new Error(`${where} has no checks (invocations is empty and there are no httpChecks); `
      + 'give at least one check, leave invocations out for the default one, or set enablePostTrafficHook: false');
  }
  if (options.baseUrl !== undefined && options.baseUrlParameterName !== undefined) {
    throw new Error(`${where}: give either baseUrl ('${options.baseUrl}') or baseUrlParameterName ('${options.baseUrlParameterName}'), not both`);
  }
  if (options.baseUrl !== undefined && !Token.isUnresolved(options.baseUrl) && !/^https?:\/\/[^/\s]+/.test(options.baseUrl)) {
    throw new Error(`${where}.baseUrl must be an http:// or https:// URL, got '${options.baseUrl}'`);
  }
  const parameter = options.baseUrlParameterName;
  if (parameter !== undefined) {
    if (Token.isUnresolved(parameter)) {
      throw new Error(`${where}.baseUrlParameterName must be a literal parameter name, not a token: a reference to a parameter `
        + 'of the same stack makes a dependency cycle (parameter → API → alias → hook); give the name the parameter is created with');
    }
    if (!PARAMETER_NAME.test(parameter)) {
      throw new Error(`${where}.baseUrlParameterName must be an SSM parameter name (letters, digits, '_', '.', '-', '/'), got '${parameter}'`);
    }
  }
  const hasBase = options.baseUrl !== undefined || parameter !== undefined;
  checks.forEach((check, i) => {
    const field = `${where}.httpChecks[${i}]`;
    validateStatusCode(check.expectedStatusCode, `${field}.expectedStatusCode`);
    validateExpectedTexts(check.expectedBodyContains, `${field}.expectedBodyContains`);
    if (Token.isUnresolved(check.path)) return;
    const absolute = /^https?:\/\/[^/\s]+/.test(check.path);
    if (!absolute && !check.path.startsWith('/')) {
      throw new Error(`${field}.path must start with '/' (below the base URL) or be an http(s):// URL, got '${check.path}'`);
    }
    if (!absolute && !hasBase) {
      throw new Error(`${field}.path '${check.path}' is relative but there is no base URL; `
        + 'set postTrafficHook.baseUrlParameterName (an SSM parameter the stack writes the API URL into) or baseUrl');
    }
  });
}

/**
 * How cdk-nag names a resource of a policy statement in a finding id (its
 * `flattenCfnReference`): `<ApiF70053CD.Arn>:*` for a function of the stack,
 * `arn:aws:lambda:…:function:api:*` for an imported one.
 */
function nagResource(scope: IConstruct, arn: string): string {
  const flatten = (node: any): string => {
    if (node === undefined) return '';
    if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
    if (node['Fn::Join']) return node['Fn::Join'][1].map(flatten).join(node['Fn::Join'][0]);
    if (node['Fn::Sub']) return flatten(node['Fn::Sub']);
    if (node['Fn::GetAtt']) return `<${flatten(node['Fn::GetAtt'][0])}.${flatten(node['Fn::GetAtt'][1])}>`;
    if (node['Fn::ImportValue']) return flatten(node['Fn::ImportValue']);
    if (node.Ref) return `<${flatten(node.Ref)}>`;
    return JSON.stringify(node);
  };
  return flatten(Stack.of(scope).resolve(arn));
}
