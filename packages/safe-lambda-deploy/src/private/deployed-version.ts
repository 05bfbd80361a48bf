import { Resource, ResourceEnvironment, Stack, Token } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { IConstruct } from 'constructs';

/**
 * A published version: an alias routes traffic only between those (Lambda's
 * `AdditionalVersionWeights` keys are `[0-9]+`), so CodeDeploy cannot shift to `$LATEST` or
 * an alias name.
 */
const VERSION_NUMBER = /^\d+$/;

/** `arn:<partition>:lambda:<region>:<account>:function:<name>`, split at ':'. */
const UNQUALIFIED_PARTS = 7;

/**
 * The version a `SafeLambdaDeploy` moves its alias to, once the function and the version
 * are known to be deployable from `scope`'s stack. Works for a function of the app (its
 * `currentVersion` by default) and for an imported one (its version must be given).
 * Checks only what is known at synth time; tokens are skipped.
 */
export function deployedVersion(scope: IConstruct, where: string, fn: lambda.IFunction, given: lambda.IVersion | undefined): lambda.IVersion {
  checkIsFunction(where, fn);
  checkEnvironment(scope, where, `lambdaFunction '${describe(fn)}'`, fn.env);
  const publishes = hasCurrentVersion(fn);
  if (!given) {
    // Read only when used: reading currentVersion publishes a version.
    const current = publishes ? (fn as lambda.Function).currentVersion : undefined;
    if (current) return current;
    const arn = Token.isUnresolved(fn.functionArn) ? '' : ` (${fn.functionArn})`;
    throw new Error(`${where}: lambdaFunction '${fn.node.path}'${arn} is imported, so it has no currentVersion to publish: `
      + 'pass version: lambda.Version.fromVersionArn(...) (a version published by the stack that owns the function), '
      + 'or pass the lambda.Function itself if this app defines it');
  }
  checkIsPublishedVersion(where, given);
  checkSameFunction(where, fn, given, publishes);
  checkEnvironment(scope, where, `version '${describe(given)}'`, given.lambda.env);
  return given;
}

/**
 * Whether the function has a `currentVersion` (a `lambda.Function` of this app), unlike an
 * imported function. Duck-typed rather than `instanceof lambda.Function`, so that it also
 * holds for a function of another copy of aws-cdk-lib and for a `SingletonFunction`.
 */
function hasCurrentVersion(fn: lambda.IFunction): boolean {
  return 'currentVersion' in fn;
}

function checkIsFunction(where: string, fn: lambda.IFunction): void {
  // A version or an alias is an IFunction too: it has the function it belongs to.
  if ('lambda' in fn && 'version' in fn) {
    const of = (fn as unknown as lambda.IVersion).lambda;
    throw new Error(`${where}: lambdaFunction '${fn.node.path}' is a version or an alias of ${describe(of)}, not a function: `
      + 'pass the function itself as lambdaFunction and the version to deploy as version');
  }
  const arn = fn.functionArn;
  if (Token.isUnresolved(arn)) return;
  const parts = arn.split(':');
  if (parts.length === UNQUALIFIED_PARTS + 1 && parts[5] === 'function') {
    throw new Error(`${where}: lambdaFunction '${fn.node.path}' was imported with a qualified ARN ('${arn}'): `
      + `import the function by its unqualified ARN ('${parts.slice(0, UNQUALIFIED_PARTS).join(':')}') `
      + `and pass the version to deploy as version`);
  }
  if (parts.length !== UNQUALIFIED_PARTS || parts[0] !== 'arn' || parts[2] !== 'lambda' || parts[5] !== 'function') {
    throw new Error(`${where}: lambdaFunction '${fn.node.path}' has the ARN '${arn}', which is not a Lambda function ARN `
      + '(arn:<partition>:lambda:<region>:<account>:function:<name>)');
  }
}

function checkIsPublishedVersion(where: string, version: lambda.IVersion): void {
  const arn = version.functionArn;
  if (!Token.isUnresolved(arn) && arn.split(':').length !== UNQUALIFIED_PARTS + 1) {
    throw new Error(`${where}: version '${version.node.path}' has the ARN '${arn}', which names no version: `
      + 'give the ARN of a published version (arn:<partition>:lambda:<region>:<account>:function:<name>:<version number>)');
  }
  const number: unknown = version.version;
  if (typeof number === 'string' && Token.isUnresolved(number)) return;
  if (typeof number !== 'string' || !VERSION_NUMBER.test(number)) {
    throw new Error(`${where}: version must be a published version (a number), got '${String(number)}': CodeDeploy shifts `
      + 'the alias between published versions, and an alias routes traffic only to those, never to $LATEST or another alias; '
      + 'publish a version (lambda.Function.currentVersion in the stack that owns the function) and pass that');
  }
}

/**
 * Refuses a version of another function when that is known at synth time: both function
 * ARNs are known and differ, or both functions are defined in this app and are different
 * constructs.
 */
function checkSameFunction(where: string, fn: lambda.IFunction, version: lambda.IVersion, publishes: boolean): void {
  const other = version.lambda;
  if (other === fn) return;
  const fix = publishes
    ? 'omit version to use lambdaFunction.currentVersion'
    : `pass a version of ${describe(fn)}`;
  const [arn, otherArn] = [fn.functionArn, other.functionArn];
  if (!Token.isUnresolved(arn) && !Token.isUnresolved(otherArn) && arn !== otherArn) {
    throw new Error(`${where}: version must be a version of lambdaFunction (${describe(fn)}), got a version of ${describe(other)}; ${fix}`);
  }
  if (Resource.isOwnedResource(fn) && Resource.isOwnedResource(other)) {
    throw new Error(`${where}: version must be a version of lambdaFunction (${fn.node.path}), got a version of ${other.node.path}; ${fix}`);
  }
}

/**
 * The alias and the CodeDeploy deployment group are created in this stack, so they can only
 * be in the function's account and region.
 */
function checkEnvironment(scope: IConstruct, where: string, subject: string, env: ResourceEnvironment): void {
  const stack = Stack.of(scope);
  const known = (value: string) => !Token.isUnresolved(value);
  const accountDiffers = known(env.account) && known(stack.account) && env.account !== stack.account;
  const regionDiffers = known(env.region) && known(stack.region) && env.region !== stack.region;
  if (!accountDiffers && !regionDiffers) return;
  const differences = [
    ...(accountDiffers ? [`account ${env.account} (this stack: ${stack.account})`] : []),
    ...(regionDiffers ? [`region ${env.region} (this stack: ${stack.region})`] : []),
  ];
  const fixEnv = [
    ...(known(env.account) ? [`account: '${env.account}'`] : []),
    ...(known(env.region) ? [`region: '${env.region}'`] : []),
  ];
  throw new Error(`${where}: ${subject} is in ${differences.join(' and ')}: the alias and the CodeDeploy `
    + 'deployment group must be in the function\'s account and region; create the SafeLambdaDeploy in a stack there '
    + `(env: { ${fixEnv.join(', ')} })`);
}

/** The function's (or version's) ARN when it is known at synth time, else its construct path. */
function describe(fn: lambda.IFunction): string {
  return Token.isUnresolved(fn.functionArn) ? fn.node.path : fn.functionArn;
}
