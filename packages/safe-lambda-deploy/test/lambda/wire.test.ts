/**
 * The hook handlers as Lambda runs them (module-scope setup and real AWS SDK clients),
 * with the CodeDeploy and Lambda endpoints overridden to a local HTTP server on 127.0.0.1
 * that records what arrives: the request on the wire, not a mock's view of it.
 */
import { Agent } from 'http';
import { LookupFunction } from 'net';
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { Template } from 'aws-cdk-lib/assertions';
import type { Context } from 'aws-lambda';
import { loadHookSetup } from '../../lambda/shared/config';
import { DEFAULT_DEPENDENCIES, runHook } from '../../lambda/shared/run-hook';
import { SafeLambdaDeploy } from '../../src';
import { CONFIG_ENV, HookConfig, TARGET_ENV } from '../../src/contract/hook-config';
import { stackWithFunction } from '../fixtures';
import { isolateAws } from '../../../../test-support/isolated-aws';
import { CannedResponse, LocalServer, RecordedRequest } from '../../../../test-support/local-server';

const VERSION_ARN = 'arn:aws:lambda:eu-west-1:111111111111:function:checkin-api:7';
const ALIAS_ARN = 'arn:aws:lambda:eu-west-1:111111111111:function:checkin-api:live';
const event = { DeploymentId: 'd-A1B2C3D4E', LifecycleEventHookExecutionId: 'exec-1' };
const PUT_STATUS_TARGET = 'CodeDeploy_20141006.PutLifecycleEventHookExecutionStatus';

type Handler = (event: unknown, context: Context) => Promise<{ status: string; reason: string }>;

function lambdaContext(remainingMs: number): Context {
  const deadline = Date.now() + remainingMs;
  return { getRemainingTimeInMillis: () => deadline - Date.now() } as Context;
}

/** Loads a hook module afresh, as a new Lambda container would, with this environment. */
function loadHook(file: 'pre-traffic-hook' | 'post-traffic-hook', env: Record<string, string>): Handler {
  Object.assign(process.env, env);
  let handler: Handler | undefined;
  jest.isolateModules(() => {
    handler = require(`../../lambda/${file}`).handler;
  });
  return handler!;
}

function config(overrides: Partial<HookConfig>): string {
  return JSON.stringify({
    hook: 'pre-traffic',
    invocations: [{
      name: 'version',
      event: { httpMethod: 'GET', path: '/version' },
      responseKind: 'API_GATEWAY_PROXY',
      expectedStatusCode: 200,
      expectedBodyContains: ['1.4.0'],
    }],
    httpChecks: [],
    checkTimeoutMs: 5_000,
    reportReserveMs: 10_000,
    ...overrides,
  });
}

/** Plays CodeDeploy (JSON 1.1 POST /) and Lambda (REST POST /2015-03-31/functions/...) on one port. */
function awsEndpoints(codeDeploy: (request: RecordedRequest) => CannedResponse, answer: unknown = { statusCode: 200, body: '{"version":"1.4.0"}' }) {
  return (request: RecordedRequest): CannedResponse => {
    if (request.url.startsWith('/2015-03-31/functions/')) {
      return { status: 200, headers: { 'content-type': 'application/json', 'x-amz-executed-version': '7' }, body: JSON.stringify(answer) };
    }
    if (request.headers['x-amz-target'] === PUT_STATUS_TARGET) return codeDeploy(request);
    return { status: 400, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: '{"__type":"UnknownOperationException"}' };
  };
}

const codeDeployAccepts = (): CannedResponse => ({
  status: 200, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: '{"lifecycleEventHookExecutionId":"exec-1"}',
});

/** The pre-traffic hook's environment as the construct writes it with its defaults. */
function defaultPreTrafficConfig(): string {
  const { stack, fn } = stackWithFunction();
  new SafeLambdaDeploy(stack, 'Deploy', { lambdaFunction: fn });
  const hooks = Template.fromStack(stack).findResources('AWS::Lambda::Function', {
    Properties: { Environment: { Variables: { POWERTOOLS_SERVICE_NAME: 'pre-traffic-hook' } } },
  });
  return Object.values(hooks)[0].Properties.Environment.Variables[CONFIG_ENV];
}

/**
 * A name lookup that fails with each of `failures` in turn, then resolves to 127.0.0.1: the
 * error enters at name resolution, everything after it (socket, HTTP request, AWS SDK) is real.
 */
function failingLookup(failures: string[]): LookupFunction {
  return (hostname, options, callback) => {
    const code = failures.shift();
    if (code) {
      callback(Object.assign(new Error(`getaddrinfo ${code} ${hostname}`), { code, syscall: 'getaddrinfo', hostname }), '', 0);
    } else if (options.all) {
      (callback as unknown as (err: null, addresses: Array<{ address: string; family: number }>) => void)(null, [{ address: '127.0.0.1', family: 4 }]);
    } else {
      callback(null, '127.0.0.1', 4);
    }
  };
}

describe('hook handlers on the wire', () => {
  let server: LocalServer;
  let restoreEnvironment: () => void;

  beforeEach(() => {
    restoreEnvironment = isolateAws({ AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'AKIDLOCALTEST', AWS_SECRET_ACCESS_KEY: 'local-test-secret' });
  });
  afterEach(async () => {
    restoreEnvironment();
    await server?.stop();
  });

  function endpoints(): Record<string, string> {
    return { AWS_ENDPOINT_URL_CODEDEPLOY: server.url, AWS_ENDPOINT_URL_LAMBDA: server.url };
  }

  const codeDeployRequests = () => server.requests.filter((r) => r.headers['x-amz-target'] === PUT_STATUS_TARGET);

  test('the pre-traffic hook invokes the new version and sends one signed PutLifecycleEventHookExecutionStatus', async () => {
    // Prepare
    server = await LocalServer.start(awsEndpoints(codeDeployAccepts));
    const handler = loadHook('pre-traffic-hook', { ...endpoints(), [TARGET_ENV]: VERSION_ARN, [CONFIG_ENV]: config({}) });

    // Act
    const outcome = await handler(event, lambdaContext(60_000));

    // Assess
    expect(outcome.status).toBe('Succeeded');
    const [invoke, report, ...rest] = server.requests;
    expect(rest).toEqual([]);
    expect(invoke.method).toBe('POST');
    expect(decodeURIComponent(invoke.url)).toBe(`/2015-03-31/functions/${VERSION_ARN}/invocations`);
    expect(invoke.headers['x-amz-invocation-type']).toBe('RequestResponse');
    expect(JSON.parse(invoke.body)).toEqual({ httpMethod: 'GET', path: '/version' });

    expect(report.method).toBe('POST');
    expect(report.url).toBe('/');
    expect(report.headers['x-amz-target']).toBe(PUT_STATUS_TARGET);
    expect(report.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(report.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDLOCALTEST\/\d{8}\/eu-west-1\/codedeploy\/aws4_request/);
    expect(JSON.parse(report.body)).toEqual({ deploymentId: 'd-A1B2C3D4E', lifecycleEventHookExecutionId: 'exec-1', status: 'Succeeded' });
  });

  test('the pre-traffic hook reports Failed on the wire when the new version answers wrongly', async () => {
    server = await LocalServer.start(awsEndpoints(codeDeployAccepts, { statusCode: 502, body: 'Bad Gateway' }));
    const handler = loadHook('pre-traffic-hook', { ...endpoints(), [TARGET_ENV]: VERSION_ARN, [CONFIG_ENV]: config({}) });

    const outcome = await handler(event, lambdaContext(60_000));

    expect(outcome.status).toBe('Failed');
    expect(codeDeployRequests().map((r) => JSON.parse(r.body).status)).toEqual(['Failed']);
  });

  test('a 503 from CodeDeploy is retried on the wire with the same request, and the status arrives once', async () => {
    let calls = 0;
    server = await LocalServer.start(awsEndpoints(() => (++calls === 1
      ? { status: 503, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: '{"__type":"ServiceUnavailableException","message":"try later"}' }
      : codeDeployAccepts())));
    const handler = loadHook('pre-traffic-hook', { ...endpoints(), [TARGET_ENV]: VERSION_ARN, [CONFIG_ENV]: config({}) });

    const outcome = await handler(event, lambdaContext(60_000));

    expect(outcome.status).toBe('Succeeded');
    const reports = codeDeployRequests();
    expect(reports).toHaveLength(2);
    expect(reports[1].body).toBe(reports[0].body);
  });

  test('the post-traffic hook invokes the alias, GETs the API below the base URL from SSM, then reports', async () => {
    server = await LocalServer.start((request) => (request.url === '/prod/version'
      ? { status: 200, body: '{"version":"1.4.0"}' }
      : awsEndpoints(codeDeployAccepts)(request)));
    const parameterNames: string[] = [];
    // The SSM client comes from the Lambda runtime's SDK; here a stand-in that serves one parameter.
    jest.doMock('@aws-sdk/client-ssm', () => ({
      SSMClient: class { async send(command: { Name: string }) {
        parameterNames.push(command.Name);
        return { Parameter: { Value: `${server.url}/prod` } };
      } },
      GetParameterCommand: class { public readonly Name: string; constructor(input: { Name: string }) { this.Name = input.Name; } },
    }), { virtual: true });
    const handler = loadHook('post-traffic-hook', {
      ...endpoints(),
      [TARGET_ENV]: ALIAS_ARN,
      [CONFIG_ENV]: config({
        hook: 'post-traffic',
        baseUrlParameterName: '/crosswalk/api-url',
        httpChecks: [{ name: 'GET /version', path: '/version', headers: {}, expectedStatusCode: 200, expectedBodyContains: ['1.4.0'] }],
      }),
    });

    const outcome = await handler(event, lambdaContext(60_000));
    jest.dontMock('@aws-sdk/client-ssm');

    expect(outcome).toMatchObject({ status: 'Succeeded', reason: 'all 3 checks passed' });
    expect(parameterNames).toEqual(['/crosswalk/api-url']);
    expect(server.requests.map((r) => decodeURIComponent(r.url))).toEqual([
      `/2015-03-31/functions/${ALIAS_ARN}/invocations`,
      '/prod/version',
      '/',
    ]);
    expect(JSON.parse(codeDeployRequests()[0].body).status).toBe('Succeeded');
  });

  test('a hook whose environment is broken still reports Failed on the wire', async () => {
    server = await LocalServer.start(awsEndpoints(codeDeployAccepts));
    const handler = loadHook('pre-traffic-hook', { ...endpoints(), [TARGET_ENV]: VERSION_ARN, [CONFIG_ENV]: '{not json' });

    const outcome = await handler(event, lambdaContext(60_000));

    expect(outcome.reason).toMatch(/misconfigured: CROSSWALK_HOOK_CONFIG is not JSON/);
    expect(server.requests.map((r) => r.headers['x-amz-target'])).toEqual([PUT_STATUS_TARGET]);
    expect(JSON.parse(server.requests[0].body).status).toBe('Failed');
  });

  // The construct's default check, synthesized once (a CDK synthesis, which is slow on a
  // busy machine, has no place inside a test's own time limit).
  let defaultConfig: string;
  beforeAll(() => {
    defaultConfig = defaultPreTrafficConfig();
  }, 60_000);

  test.each([
    ['null', null],
    ['a bare string', 'Internal Server Error'],
    ['a string statusCode', { statusCode: '500' }],
    ['a body that is not a string', { statusCode: 200, body: { version: '1.4.0' } }],
  ])('with the construct\'s default check, a new version answering %s (a 502 behind API Gateway) is reported Failed once', async (_what, answer) => {
    server = await LocalServer.start(awsEndpoints(codeDeployAccepts, answer));
    const handler = loadHook('pre-traffic-hook', { ...endpoints(), [TARGET_ENV]: VERSION_ARN, [CONFIG_ENV]: defaultConfig });

    const outcome = await handler(event, lambdaContext(60_000));

    expect(outcome.status).toBe('Failed');
    expect(outcome.reason).toMatch(/API Gateway answers callers 502/);
    expect(codeDeployRequests().map((r) => JSON.parse(r.body).status)).toEqual(['Failed']);
  });

  test('with the construct\'s default check, a well-formed 200 passes on the wire', async () => {
    server = await LocalServer.start(awsEndpoints(codeDeployAccepts, { statusCode: 200, body: 'ok' }));
    const handler = loadHook('pre-traffic-hook', { ...endpoints(), [TARGET_ENV]: VERSION_ARN, [CONFIG_ENV]: defaultConfig });

    const outcome = await handler(event, lambdaContext(60_000));

    expect(outcome.status).toBe('Succeeded');
    expect(codeDeployRequests().map((r) => JSON.parse(r.body).status)).toEqual(['Succeeded']);
  });

  test.each(['ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH'])('a report that fails with %s is retried, and the status arrives once', async (code) => {
    server = await LocalServer.start(awsEndpoints(codeDeployAccepts));
    const failures = [code, code];
    // The hook's own client settings (no SDK retries), pointed at a host name the lookup resolves.
    const codeDeploy = new CodeDeployClient({
      maxAttempts: 1,
      endpoint: `http://codedeploy.hook.test:${server.port}`,
      requestHandler: { httpAgent: new Agent({ lookup: failingLookup(failures) }) },
    });
    const sleeps: number[] = [];

    const outcome = await runHook(event, lambdaContext(60_000), loadHookSetup({ [TARGET_ENV]: VERSION_ARN, [CONFIG_ENV]: config({}) }), {
      ...DEFAULT_DEPENDENCIES,
      codeDeploy,
      lambda: new LambdaClient({ endpoint: server.url }),
      sleep: async (ms) => { sleeps.push(ms); },
      log: () => undefined,
    });

    expect(outcome.status).toBe('Succeeded');
    expect(failures).toEqual([]);
    expect(sleeps).toEqual([200, 400]);
    expect(codeDeployRequests().map((r) => JSON.parse(r.body).status)).toEqual(['Succeeded']);
  });

  test('a 200 from CodeDeploy whose body is cut off is confirmed by a second attempt, which CodeDeploy answers "already completed"', async () => {
    let calls = 0;
    server = await LocalServer.start(awsEndpoints(() => (++calls === 1
      ? { status: 200, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: '{"lifecycleEventHookExe' }
      : { status: 400, headers: { 'content-type': 'application/x-amz-json-1.1' },
        body: '{"__type":"LifecycleEventAlreadyCompletedException","message":"The lifecycle event is already completed."}' })));
    const handler = loadHook('pre-traffic-hook', { ...endpoints(), [TARGET_ENV]: VERSION_ARN, [CONFIG_ENV]: config({}) });

    const outcome = await handler(event, lambdaContext(60_000));

    expect(outcome.status).toBe('Succeeded');
    const reports = codeDeployRequests();
    expect(reports).toHaveLength(2);
    expect(reports[1].body).toBe(reports[0].body);
  });

  test('a post-traffic hook whose SSM client cannot be loaded still reports Failed once, instead of dying at start', async () => {
    server = await LocalServer.start(awsEndpoints(codeDeployAccepts));
    jest.doMock('@aws-sdk/client-ssm', () => { throw new Error("Cannot find module '@aws-sdk/client-ssm'"); }, { virtual: true });
    let handler: Handler | undefined;
    try {
      handler = loadHook('post-traffic-hook', {
        ...endpoints(),
        [TARGET_ENV]: ALIAS_ARN,
        [CONFIG_ENV]: config({
          hook: 'post-traffic',
          invocations: [],
          baseUrlParameterName: '/crosswalk/api-url',
          httpChecks: [{ name: 'GET /version', path: '/version', headers: {}, expectedStatusCode: 200, expectedBodyContains: [] }],
        }),
      });
    } finally {
      jest.dontMock('@aws-sdk/client-ssm');
    }

    const outcome = await handler!(event, lambdaContext(60_000));

    expect(outcome.status).toBe('Failed');
    expect(outcome.reason).toMatch(/read the base URL from SSM parameter \/crosswalk\/api-url: threw Error: the SSM client could not be created: .*Cannot find module/);
    expect(codeDeployRequests().map((r) => JSON.parse(r.body).status)).toEqual(['Failed']);
  });

  test('a hook whose console throws on every line still reports once, with the right status', async () => {
    for (const method of ['log', 'warn', 'error'] as const) {
      jest.spyOn(console, method).mockImplementation(() => { throw new Error('EPIPE: broken pipe, write'); });
    }
    server = await LocalServer.start(awsEndpoints(codeDeployAccepts));
    const handler = loadHook('pre-traffic-hook', { ...endpoints(), [TARGET_ENV]: VERSION_ARN, [CONFIG_ENV]: config({}) });

    const outcome = await handler(event, lambdaContext(60_000));

    expect(outcome.status).toBe('Succeeded');
    expect(codeDeployRequests().map((r) => JSON.parse(r.body).status)).toEqual(['Succeeded']);
  });

  test('a malformed event throws and sends nothing', async () => {
    server = await LocalServer.start(awsEndpoints(codeDeployAccepts));
    const handler = loadHook('pre-traffic-hook', { ...endpoints(), [TARGET_ENV]: VERSION_ARN, [CONFIG_ENV]: config({}) });

    await expect(handler({ DeploymentId: 'd-A1B2C3D4E' }, lambdaContext(60_000))).rejects.toThrow(/nothing to report to/);
    expect(server.requests).toEqual([]);
  });
});
