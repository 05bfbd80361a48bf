import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';

export interface FixtureOptions {
  /**
   * Run aws-cdk-lib's built-in CloudFormation template validation when the app synthesizes.
   * Only a test that reads every plugin's findings in the validation report needs it
   * (nag.test.ts): without the @aws-cdk/core:validateAgainstDefaultRules flag it only adds
   * warnings there and fails no synthesis, and it costs each test file ~2.5 s (compiling its
   * WebAssembly) and each synthesis ~0.2 s.
   * @default false
   */
  readonly templateValidation?: boolean;
}

const newApp = (options: FixtureOptions): App => new App({ builtinCloudFormationValidation: options.templateValidation ?? false });

/** A stack with a function to deploy, as an app would have it. */
export function stackWithFunction(options: FixtureOptions = {}): { app: App; stack: Stack; fn: lambda.Function } {
  const app = newApp(options);
  const stack = new Stack(app, 'Service', { env: { account: '111111111111', region: 'eu-west-1' } });
  const fn = apiFunction(stack, 'Api');
  return { app, stack, fn };
}

/**
 * A function with its own least-privilege role and log group, on the latest Node.js
 * runtime, so that cdk-nag findings in a test come only from the construct under test.
 */
export function apiFunction(stack: Stack, id: string): lambda.Function {
  const logGroup = new logs.LogGroup(stack, `${id}Logs`, { retention: logs.RetentionDays.ONE_WEEK });
  const role = new iam.Role(stack, `${id}Role`, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  logGroup.grantWrite(role);
  return new lambda.Function(stack, id, {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200, body: "ok" });'),
    role,
    logGroup,
  });
}

/** The ARN of a function another stack (or app) owns, in the account and region of {@link stackWithExistingFunction}. */
export const EXISTING_FUNCTION_ARN = 'arn:aws:lambda:eu-west-1:111111111111:function:checkin-api';

/**
 * A stack that deploys an existing function: the function imported by its ARN, and one of
 * its published versions by the version's ARN.
 */
export function stackWithExistingFunction(versionArn = `${EXISTING_FUNCTION_ARN}:7`, options: FixtureOptions = {}): {
  app: App; stack: Stack; fn: lambda.IFunction; version: lambda.IVersion;
} {
  const app = newApp(options);
  const stack = new Stack(app, 'Service', { env: { account: '111111111111', region: 'eu-west-1' } });
  const fn = lambda.Function.fromFunctionArn(stack, 'Api', EXISTING_FUNCTION_ARN);
  const version = lambda.Version.fromVersionArn(stack, 'ApiVersion', versionArn);
  return { app, stack, fn, version };
}
