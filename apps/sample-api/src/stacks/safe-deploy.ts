import { SafeLambdaDeploy, TrafficShift } from '@crosswalk/safe-lambda-deploy';
import { aws_lambda as lambda, aws_logs as logs } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { TrafficShiftName } from '@crosswalk/build-account';
import { API_STAGE_NAME } from './constants';

/** A function's safe deployment: its `live` alias and CodeDeploy deployment group. */
export type ServiceDeployment = SafeLambdaDeploy;

/** What {@link deploySafely} needs for one function. */
export interface DeploySafelyOptions {
  readonly lambdaFunction: lambda.Function;
  readonly trafficShift: TrafficShiftName;
  /** Errors of the new version per minute that roll the deployment back. */
  readonly errorsAlarmThreshold: number;
  /** The request the pre-traffic hook sends to the new version, and the answer it expects. */
  readonly preTrafficCheck: PreTrafficCheck;
  /** The SSM parameter (literal name) holding the API's base URL, read by the post-traffic hook. */
  readonly apiUrlParameterName: string;
  /** Paths the post-traffic hook GETs through the API; each must answer 200. */
  readonly smokeCheckPaths: readonly string[];
  readonly logRetention: logs.RetentionDays;
}

/** The pre-traffic hook's invocation of the new version. */
export interface PreTrafficCheck {
  readonly path: string;
  readonly expectedStatus: number;
  /** Texts the answer's body must contain. */
  readonly expectedBodyContains?: readonly string[];
}

const TRAFFIC_SHIFT_NAME = /^(Linear|Canary)(\d+)Percent(?:Every)?(\d+)Minutes?$/;

/** The `TrafficShift` of a config's traffic shift name (CodeDeploy's names). */
export function trafficShiftOf(name: TrafficShiftName): TrafficShift {
  if (name === 'AllAtOnce') return TrafficShift.ALL_AT_ONCE;
  const match = TRAFFIC_SHIFT_NAME.exec(name);
  if (!match) {
    throw new Error(`unknown traffic shift '${name}'; use one of the names listed in the config's TRAFFIC_SHIFT_NAMES`);
  }
  const [, kind, percentage, minutes] = match;
  return kind === 'Linear'
    ? TrafficShift.linear(Number(percentage), Number(minutes))
    : TrafficShift.canary(Number(percentage), Number(minutes));
}

/** One function through `SafeLambdaDeploy`, with the sample API's hooks. */
export function deploySafely(scope: Construct, id: string, options: DeploySafelyOptions): ServiceDeployment {
  const check = options.preTrafficCheck;
  return new SafeLambdaDeploy(scope, id, {
    lambdaFunction: options.lambdaFunction,
    trafficShift: trafficShiftOf(options.trafficShift),
    errorsAlarmThreshold: options.errorsAlarmThreshold,
    preTrafficHook: {
      logRetention: options.logRetention,
      invocations: [{
        name: `GET ${check.path} on the new version`,
        event: apiGatewayEvent('GET', check.path),
        expectedStatusCode: check.expectedStatus,
        expectedBodyContains: [...(check.expectedBodyContains ?? [])],
      }],
    },
    postTrafficHook: {
      logRetention: options.logRetention,
      baseUrlParameterName: options.apiUrlParameterName,
      httpChecks: options.smokeCheckPaths.map((path) => ({ path, expectedStatusCode: 200 })),
    },
  });
}

/** A REST API (v1) proxy event as API Gateway sends it, for a path without parameters. */
export function apiGatewayEvent(method: string, path: string): { [key: string]: unknown } {
  return {
    resource: path,
    path,
    httpMethod: method,
    headers: { 'Accept': 'application/json', 'User-Agent': 'crosswalk-pre-traffic-hook' },
    multiValueHeaders: { 'Accept': ['application/json'], 'User-Agent': ['crosswalk-pre-traffic-hook'] },
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    requestContext: {
      resourcePath: path,
      httpMethod: method,
      path: `/${API_STAGE_NAME}${path}`,
      stage: API_STAGE_NAME,
      requestId: 'crosswalk-pre-traffic-hook',
      identity: { sourceIp: '127.0.0.1', userAgent: 'crosswalk-pre-traffic-hook' },
    },
    body: null,
    isBase64Encoded: false,
  };
}
