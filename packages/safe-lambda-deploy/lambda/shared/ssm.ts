import { tracer } from './clients';
import { describeError } from './describe';
import { ParameterReader } from './run-hook';

/**
 * The part of `@aws-sdk/client-ssm` the post-traffic hook uses. The client comes from the
 * AWS SDK v3 of the Lambda Node.js runtime (`@aws-sdk/*` stays external in the bundle), so
 * the package needs no typings for it at build time.
 */
export interface SsmModule {
  readonly SSMClient: new (config: object) => {
    send(command: unknown, options?: { abortSignal?: AbortSignal }): Promise<{ Parameter?: { Value?: string } }>;
  };
  readonly GetParameterCommand: new (input: { Name: string }) => unknown;
}

/**
 * Creates the SSM client (once, at module scope of the hook) and returns a reader of String
 * parameters. A client that cannot be created does not throw at module scope (the hook would
 * then fail to start and never report): the reader throws instead, so that the hook reports
 * Failed with the reason.
 */
export function createParameterReader(loadSdk: () => SsmModule = () => require('@aws-sdk/client-ssm')): ParameterReader {
  let sdk: SsmModule;
  let client: InstanceType<SsmModule['SSMClient']>;
  try {
    sdk = loadSdk();
    client = tracer.captureAWSv3Client(new sdk.SSMClient({}));
  } catch (err) {
    const problem = describeError(err);
    return async () => { throw new Error(`the SSM client could not be created: ${problem}`); };
  }
  return async (name, signal) => {
    const output = await client.send(new sdk.GetParameterCommand({ Name: name }), { abortSignal: signal });
    const value = output.Parameter?.Value;
    if (!value) throw new Error(`SSM parameter ${name} has no value`);
    return value.trim();
  };
}
