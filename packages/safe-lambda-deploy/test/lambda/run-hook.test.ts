import {
  CodeDeployClient,
  DeploymentDoesNotExistException,
  PutLifecycleEventHookExecutionStatusCommand,
  ThrottlingException,
} from '@aws-sdk/client-codedeploy';
import { InvokeCommand, InvokeCommandOutput, LambdaClient } from '@aws-sdk/client-lambda';
import { AddressInfo, createServer, Socket } from 'net';
import { mockClient } from 'aws-sdk-client-mock';
import { HookSetup } from '../../lambda/shared/config';
import { MalformedHookEvent } from '../../lambda/shared/hook-event';
import { Log } from '../../lambda/shared/log';
import { ReportFailed } from '../../lambda/shared/report';
import { DEFAULT_DEPENDENCIES, HookDependencies, runHook } from '../../lambda/shared/run-hook';
import { HookConfig, HttpCheckConfig, InvocationCheckConfig } from '../../src/contract/hook-config';
import { LocalServer } from '../../../../test-support/local-server';

const codeDeployMock = mockClient(CodeDeployClient);
const lambdaMock = mockClient(LambdaClient);

const VERSION_ARN = 'arn:aws:lambda:eu-west-1:111111111111:function:checkin-api:7';
const event = { DeploymentId: 'd-A1B2C3D4E', LifecycleEventHookExecutionId: 'exec-1' };

function invocation(overrides: Partial<InvocationCheckConfig> = {}): InvocationCheckConfig {
  return {
    name: 'version',
    event: { httpMethod: 'GET', path: '/version' },
    responseKind: 'API_GATEWAY_PROXY',
    expectedStatusCode: 200,
    expectedBodyContains: [],
    ...overrides,
  };
}

function httpCheck(overrides: Partial<HttpCheckConfig> = {}): HttpCheckConfig {
  return { name: 'GET /version', path: '/version', headers: {}, expectedStatusCode: 200, expectedBodyContains: [], ...overrides };
}

function setup(config: Partial<HookConfig> = {}): HookSetup {
  return {
    ok: true,
    target: VERSION_ARN,
    config: { hook: 'pre-traffic', invocations: [invocation()], httpChecks: [], checkTimeoutMs: 5_000, reportReserveMs: 10_000, ...config },
  };
}

/** A Lambda context whose remaining time runs down with the wall clock. */
function contextWithRemaining(ms: number) {
  const deadline = Date.now() + ms;
  return { getRemainingTimeInMillis: () => deadline - Date.now() };
}

function lambdaAnswer(payload: unknown, functionError?: string): InvokeCommandOutput {
  return {
    StatusCode: 200,
    FunctionError: functionError,
    Payload: new TextEncoder().encode(JSON.stringify(payload)) as InvokeCommandOutput['Payload'],
    $metadata: {},
  };
}

let logged: Array<{ level: string; message: string; fields?: Record<string, unknown> }>;
function deps(overrides: Partial<HookDependencies> = {}): HookDependencies {
  const log: Log = (level, message, fields) => logged.push({ level, message, fields });
  return {
    ...DEFAULT_DEPENDENCIES,
    codeDeploy: new CodeDeployClient({}),
    lambda: new LambdaClient({}),
    sleep: async () => undefined,
    log,
    ...overrides,
  };
}

/** The statuses the hook reported, one per PutLifecycleEventHookExecutionStatus call. */
function reported(): Array<string | undefined> {
  return codeDeployMock.commandCalls(PutLifecycleEventHookExecutionStatusCommand).map((call) => call.args[0].input.status);
}

describe('a traffic hook', () => {
  beforeEach(() => {
    codeDeployMock.reset();
    lambdaMock.reset();
    codeDeployMock.on(PutLifecycleEventHookExecutionStatusCommand).resolves({});
    logged = [];
  });

  test('reports Succeeded once when the new version answers as expected', async () => {
    // Prepare
    lambdaMock.on(InvokeCommand).resolves(lambdaAnswer({ statusCode: 200, body: '{"version":"1.4.0"}' }));

    // Act
    const outcome = await runHook(event, contextWithRemaining(60_000), setup({
      invocations: [invocation({ expectedBodyContains: ['"version":"1.4.0"'] })],
    }), deps());

    // Assess
    expect(outcome).toMatchObject({ status: 'Succeeded', reason: 'all 1 checks passed' });
    expect(reported()).toEqual(['Succeeded']);
    expect(codeDeployMock.commandCalls(PutLifecycleEventHookExecutionStatusCommand)[0].args[0].input)
      .toEqual({ deploymentId: 'd-A1B2C3D4E', lifecycleEventHookExecutionId: 'exec-1', status: 'Succeeded' });
    const invoke = lambdaMock.commandCalls(InvokeCommand)[0].args[0].input;
    expect(invoke).toMatchObject({ FunctionName: VERSION_ARN, InvocationType: 'RequestResponse' });
    expect(JSON.parse(new TextDecoder().decode(invoke.Payload as Uint8Array))).toEqual({ httpMethod: 'GET', path: '/version' });
  });

  test('counts an answer of a plain function as 200 and checks its payload', async () => {
    lambdaMock.on(InvokeCommand).resolves(lambdaAnswer({ processed: 3 }));

    const outcome = await runHook(event, contextWithRemaining(60_000), setup({
      invocations: [invocation({ responseKind: 'PLAIN', expectedBodyContains: ['"processed":3'] })],
    }), deps());

    expect(outcome.status).toBe('Succeeded');
    expect(reported()).toEqual(['Succeeded']);
  });

  test('reports Failed when the function throws', async () => {
    lambdaMock.on(InvokeCommand).resolves(lambdaAnswer({ errorType: 'TypeError', errorMessage: 'x is undefined' }, 'Unhandled'));

    const outcome = await runHook(event, contextWithRemaining(60_000), setup(), deps());

    expect(outcome.status).toBe('Failed');
    expect(outcome.reason).toMatch(/version: the function failed \(Unhandled\): .*x is undefined/);
    expect(reported()).toEqual(['Failed']);
  });

  test('reports Failed when the answer has the wrong status code', async () => {
    lambdaMock.on(InvokeCommand).resolves(lambdaAnswer({ statusCode: 500, body: '{"message":"Internal server error"}' }));

    const outcome = await runHook(event, contextWithRemaining(60_000), setup(), deps());

    expect(outcome.reason).toBe('version: status 500, expected 200 (body: {"message":"Internal server error"})');
    expect(reported()).toEqual(['Failed']);
  });

  test('reports Failed when the body lacks an expected text', async () => {
    lambdaMock.on(InvokeCommand).resolves(lambdaAnswer({ statusCode: 200, body: '{"version":"1.3.9"}' }));

    const outcome = await runHook(event, contextWithRemaining(60_000), setup({
      invocations: [invocation({ expectedBodyContains: ['"version":"1.4.0"'] })],
    }), deps());

    expect(outcome.reason).toMatch(/body does not contain "\\"version\\":\\"1.4.0\\""/);
    expect(reported()).toEqual(['Failed']);
  });

  test('reports Failed when invoking throws, and still runs the other checks', async () => {
    lambdaMock.on(InvokeCommand)
      .rejectsOnce(Object.assign(new Error('User is not authorized to perform: lambda:InvokeFunction'), { name: 'AccessDeniedException' }))
      .resolves(lambdaAnswer({ statusCode: 200, body: 'ok' }));

    const outcome = await runHook(event, contextWithRemaining(60_000), setup({
      invocations: [invocation({ name: 'first' }), invocation({ name: 'second' })],
    }), deps());

    expect(outcome.checks.map((c) => [c.name, c.passed])).toEqual([['first', false], ['second', true]]);
    expect(outcome.reason).toMatch(/^first: threw AccessDeniedException: User is not authorized/);
    expect(reported()).toEqual(['Failed']);
  });

  test('reports Failed when a check times out, and aborts its request', async () => {
    const signals: AbortSignal[] = [];
    const neverAnswers = {
      send: (_command: unknown, options: { abortSignal: AbortSignal }) => {
        signals.push(options.abortSignal);
        return new Promise(() => undefined);
      },
    } as unknown as LambdaClient;

    const started = Date.now();
    const outcome = await runHook(event, contextWithRemaining(60_000), setup({ checkTimeoutMs: 50 }), deps({ lambda: neverAnswers }));

    expect(outcome.reason).toBe('version: timed out after 50 ms');
    expect(signals.map((signal) => signal.aborted)).toEqual([true]);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(reported()).toEqual(['Failed']);
  });

  test('stops its checks inside the time left by the function\'s timeout, keeping the reserve for the report', async () => {
    lambdaMock.on(InvokeCommand).callsFake(() => new Promise(() => undefined));
    // 10 s reserve + 150 ms: the 5 s check timeout does not fit, the budget cuts the check at ~150 ms.
    const context = contextWithRemaining(10_150);

    const outcome = await runHook(event, context, setup({ invocations: [invocation({ name: 'slow' }), invocation({ name: 'next' })] }), deps());

    expect(outcome.checks[0].problems[0]).toMatch(/^timed out after 1\d\d ms$/);
    expect(outcome.checks[1]).toMatchObject({ name: 'next', passed: false, problems: ['not run: the time budget of the hook ran out'] });
    expect(context.getRemainingTimeInMillis()).toBeGreaterThan(9_000);
    expect(reported()).toEqual(['Failed']);
  });

  test('retries a throttled report and then reports once', async () => {
    lambdaMock.on(InvokeCommand).resolves(lambdaAnswer({ statusCode: 200, body: 'ok' }));
    codeDeployMock.on(PutLifecycleEventHookExecutionStatusCommand)
      .rejectsOnce(new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } }))
      .resolves({});
    const sleeps: number[] = [];

    const outcome = await runHook(event, contextWithRemaining(60_000), setup(), deps({ sleep: async (ms) => { sleeps.push(ms); } }));

    expect(outcome.status).toBe('Succeeded');
    expect(reported()).toEqual(['Succeeded', 'Succeeded']);
    expect(sleeps).toEqual([200]);
  });

  test('throws after the checks when the report cannot be delivered, so that the invocation fails loudly', async () => {
    lambdaMock.on(InvokeCommand).resolves(lambdaAnswer({ statusCode: 200, body: 'ok' }));
    codeDeployMock.on(PutLifecycleEventHookExecutionStatusCommand)
      .rejects(new DeploymentDoesNotExistException({ message: 'no deployment d-A1B2C3D4E', $metadata: { httpStatusCode: 400 } }));

    await expect(runHook(event, contextWithRemaining(60_000), setup(), deps())).rejects.toThrow(ReportFailed);
    expect(reported()).toEqual(['Succeeded']);
  });

  test.each([
    ['no event', undefined],
    ['an empty object', {}],
    ['no execution id', { DeploymentId: 'd-A1B2C3D4E' }],
    ['a blank deployment id', { DeploymentId: ' ', LifecycleEventHookExecutionId: 'exec-1' }],
    ['an API Gateway event', { httpMethod: 'GET', path: '/' }],
    ['ids JSON cannot show (a BigInt)', { DeploymentId: 12n, LifecycleEventHookExecutionId: 'exec-1' }],
  ])('throws on %s, without checking or reporting: there is nothing to report to', async (_what, malformed) => {
    await expect(runHook(malformed, contextWithRemaining(60_000), setup(), deps())).rejects.toThrow(MalformedHookEvent);
    expect(lambdaMock.commandCalls(InvokeCommand)).toHaveLength(0);
    expect(reported()).toEqual([]);
  });

  test('reports Failed when its environment is broken', async () => {
    const outcome = await runHook(event, contextWithRemaining(60_000), { ok: false, problem: 'CROSSWALK_HOOK_TARGET is not set' }, deps());

    expect(outcome.reason).toBe('the checks could not run: the hook is misconfigured: CROSSWALK_HOOK_TARGET is not set');
    expect(reported()).toEqual(['Failed']);
  });

  describe('reading the answer by its response kind', () => {
    // What API Gateway answers callers for each of these: a malformed proxy result is a 502.
    // https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html#api-gateway-simple-proxy-for-lambda-output-format
    test.each([
      ['null', null, /the answer null is not an API Gateway proxy result/],
      ['a bare string', 'Internal Server Error', /the answer "Internal Server Error" is not an API Gateway proxy result/],
      ['an array', [1, 2], /the answer \[1,2\] is not an API Gateway proxy result/],
      ['an object without statusCode', { body: 'ok' }, /has no statusCode/],
      ['a string statusCode', { statusCode: '500' }, /statusCode "500" is not a whole number from 100 to 599/],
      ['a string statusCode that looks right', { statusCode: '200', body: 'ok' }, /statusCode "200" is not a whole number/],
      ['a fractional statusCode', { statusCode: 200.5, body: 'ok' }, /statusCode 200.5 is not a whole number/],
      ['a statusCode out of range', { statusCode: 1200, body: 'ok' }, /statusCode 1200 is not a whole number from 100 to 599/],
      ['a body that is an object', { statusCode: 200, body: { version: '1.4.0' } }, /body is an object, not a string/],
      ['a body that is a number', { statusCode: 200, body: 42 }, /body is a number, not a string/],
    ])('API Gateway proxy: %s fails the check and is reported once as Failed', async (_what, payload, problem) => {
      lambdaMock.on(InvokeCommand).resolves(lambdaAnswer(payload));

      const outcome = await runHook(event, contextWithRemaining(60_000), setup({ invocations: [invocation({ responseKind: 'API_GATEWAY_PROXY' })] }), deps());

      expect(outcome.status).toBe('Failed');
      expect(outcome.reason).toMatch(problem);
      expect(outcome.reason).toMatch(/API Gateway answers callers 502/);
      expect(reported()).toEqual(['Failed']);
    });

    test('API Gateway proxy: a payload that is not JSON fails the check', async () => {
      lambdaMock.on(InvokeCommand).resolves({ StatusCode: 200, Payload: new TextEncoder().encode('Internal Server Error') as InvokeCommandOutput['Payload'], $metadata: {} });

      const outcome = await runHook(event, contextWithRemaining(60_000), setup(), deps());

      expect(outcome.reason).toBe('version: the answer is not JSON, so not an API Gateway proxy result; API Gateway answers callers 502 for it '
        + '(answer: Internal Server Error)');
      expect(reported()).toEqual(['Failed']);
    });

    test.each([
      ['a string body', { statusCode: 200, body: '{"version":"1.4.0"}' }],
      ['a base64 body', { statusCode: 200, body: Buffer.from('{"version":"1.4.0"}').toString('base64'), isBase64Encoded: true }],
    ])('API Gateway proxy: a well-formed result with %s passes', async (_what, payload) => {
      lambdaMock.on(InvokeCommand).resolves(lambdaAnswer(payload));

      const outcome = await runHook(event, contextWithRemaining(60_000), setup({
        invocations: [invocation({ expectedBodyContains: ['1.4.0'] })],
      }), deps());

      expect(outcome.status).toBe('Succeeded');
      expect(reported()).toEqual(['Succeeded']);
    });

    test('API Gateway proxy: a result without a body passes when no body text is expected', async () => {
      lambdaMock.on(InvokeCommand).resolves(lambdaAnswer({ statusCode: 204 }));

      const outcome = await runHook(event, contextWithRemaining(60_000), setup({ invocations: [invocation({ expectedStatusCode: 204 })] }), deps());

      expect(reported()).toEqual(['Succeeded']);
      expect(outcome.status).toBe('Succeeded');
    });

    // Lambda infers a 200 from valid JSON without a statusCode, the JSON being the body:
    // https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html#urls-response-payload
    test.each([
      ['an object without statusCode', { message: 'Hello, world!' }, 'Hello, world!'],
      ['a string', 'Hello, world!', '"Hello, world!"'],
      ['null', null, 'null'],
    ])('function URL: %s counts as 200 with the JSON as body', async (_what, payload, text) => {
      lambdaMock.on(InvokeCommand).resolves(lambdaAnswer(payload));

      const outcome = await runHook(event, contextWithRemaining(60_000), setup({
        invocations: [invocation({ responseKind: 'FUNCTION_URL', expectedBodyContains: [text] })],
      }), deps());

      expect(outcome.status).toBe('Succeeded');
      expect(reported()).toEqual(['Succeeded']);
    });

    test.each([
      ['a string statusCode', { statusCode: '500' }, /statusCode "500" is not a whole number from 100 to 599/],
      ['a null statusCode', { statusCode: null, body: 'ok' }, /statusCode null is not a whole number from 100 to 599/],
      ['a body that is not a string', { statusCode: 200, body: { ok: true } }, /body is an object, not a string/],
    ])('function URL: an answer with a statusCode but %s fails', async (_what, payload, problem) => {
      lambdaMock.on(InvokeCommand).resolves(lambdaAnswer(payload));

      const outcome = await runHook(event, contextWithRemaining(60_000), setup({ invocations: [invocation({ responseKind: 'FUNCTION_URL' })] }), deps());

      expect(outcome.reason).toMatch(problem);
      expect(outcome.reason).toMatch(/not a function URL response/);
      expect(reported()).toEqual(['Failed']);
    });

    test('function URL: a well-formed answer is checked by its own status', async () => {
      lambdaMock.on(InvokeCommand).resolves(lambdaAnswer({ statusCode: 503, body: 'busy' }));

      const outcome = await runHook(event, contextWithRemaining(60_000), setup({ invocations: [invocation({ responseKind: 'FUNCTION_URL' })] }), deps());

      expect(outcome.reason).toBe('version: status 503, expected 200 (body: busy)');
      expect(reported()).toEqual(['Failed']);
    });

    test('plain: any answer that did not error counts as 200, its whole payload the body', async () => {
      lambdaMock.on(InvokeCommand).resolves(lambdaAnswer({ statusCode: '500', processed: 3 }));

      const outcome = await runHook(event, contextWithRemaining(60_000), setup({
        invocations: [invocation({ responseKind: 'PLAIN', expectedBodyContains: ['"processed":3'] })],
      }), deps());

      expect(outcome.status).toBe('Succeeded');
      expect(reported()).toEqual(['Succeeded']);
    });

    test.each(['API_GATEWAY_PROXY', 'FUNCTION_URL', 'PLAIN'] as const)('%s: a function error fails the check', async (responseKind) => {
      lambdaMock.on(InvokeCommand).resolves(lambdaAnswer({ errorType: 'Error', errorMessage: 'boom' }, 'Unhandled'));

      const outcome = await runHook(event, contextWithRemaining(60_000), setup({ invocations: [invocation({ responseKind })] }), deps());

      expect(outcome.reason).toMatch(/the function failed \(Unhandled\)/);
      expect(reported()).toEqual(['Failed']);
    });
  });

  describe('whatever the logging does', () => {
    const throwingLog: Log = () => { throw new TypeError('Do not know how to serialize a BigInt'); };

    test.each([
      ['passes', { statusCode: 200, body: 'ok' }, 'Succeeded'],
      ['fails', { statusCode: 500, body: 'down' }, 'Failed'],
    ])('reports exactly once with the right status when every log call throws and the check %s', async (_what, answer, status) => {
      lambdaMock.on(InvokeCommand).resolves(lambdaAnswer(answer));

      const outcome = await runHook(event, contextWithRemaining(60_000), setup(), deps({ log: throwingLog }));

      expect(outcome.status).toBe(status);
      expect(reported()).toEqual([status]);
    });

    test('still retries a transient report error when the retry\'s log line throws, and reports once', async () => {
      lambdaMock.on(InvokeCommand).resolves(lambdaAnswer({ statusCode: 200, body: 'ok' }));
      codeDeployMock.on(PutLifecycleEventHookExecutionStatusCommand)
        .rejectsOnce(new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } }))
        .resolves({});

      const outcome = await runHook(event, contextWithRemaining(60_000), setup(), deps({ log: throwingLog }));

      expect(outcome.status).toBe('Succeeded');
      expect(reported()).toEqual(['Succeeded', 'Succeeded']);
    });

    test('a check that throws something that cannot be turned into text fails alone, and the other checks still run', async () => {
      const unprintable = Object.create(null) as object; // String(unprintable) throws a TypeError
      let calls = 0;
      const lambda = {
        send: async () => {
          if (++calls === 1) throw unprintable;
          return lambdaAnswer({ statusCode: 200, body: 'ok' });
        },
      } as unknown as LambdaClient;

      const outcome = await runHook(event, contextWithRemaining(60_000), setup({
        invocations: [invocation({ name: 'first' }), invocation({ name: 'second' })],
      }), deps({ lambda }));

      expect(outcome.checks.map((c) => [c.name, c.passed])).toEqual([['first', false], ['second', true]]);
      expect(outcome.reason).toBe('first: threw [object Object]');
      expect(reported()).toEqual(['Failed']);
    });
  });

  describe('with HTTP checks', () => {
    let api: LocalServer;
    beforeEach(async () => {
      api = await LocalServer.start((request) => request.url === '/prod/version'
        ? { status: 200, headers: { 'content-type': 'application/json' }, body: '{"version":"1.4.0"}' }
        : { status: 404, body: '{"message":"Not Found"}' });
    });
    afterEach(async () => api.stop());

    test('reports Succeeded when every URL answers as expected, with the base URL read from the parameter', async () => {
      const names: string[] = [];
      const outcome = await runHook(event, contextWithRemaining(60_000), setup({
        invocations: [],
        baseUrlParameterName: '/crosswalk/api-url',
        httpChecks: [httpCheck({ headers: { 'x-smoke': 'yes' }, expectedBodyContains: ['1.4.0'] })],
      }), deps({ readParameter: async (name) => { names.push(name); return `${api.url}/prod/`; } }));

      expect(outcome).toMatchObject({ status: 'Succeeded' });
      expect(names).toEqual(['/crosswalk/api-url']);
      expect(api.requests.map((r) => [r.method, r.url, r.headers['x-smoke']])).toEqual([['GET', '/prod/version', 'yes']]);
      expect(reported()).toEqual(['Succeeded']);
    });

    test('reports Failed when a URL answers with another status', async () => {
      const outcome = await runHook(event, contextWithRemaining(60_000), setup({
        invocations: [],
        baseUrl: `${api.url}/prod`,
        httpChecks: [httpCheck(), httpCheck({ name: 'GET /missing', path: '/missing' })],
      }), deps());

      expect(outcome.reason).toBe(`GET /missing: ${api.url}/prod/missing: status 404, expected 200 (body: {"message":"Not Found"})`);
      expect(reported()).toEqual(['Failed']);
    });

    test('reports Failed when the base URL parameter cannot be read', async () => {
      const outcome = await runHook(event, contextWithRemaining(60_000), setup({
        invocations: [],
        baseUrlParameterName: '/crosswalk/api-url',
        httpChecks: [httpCheck()],
      }), deps({ readParameter: async () => { throw Object.assign(new Error('Parameter /crosswalk/api-url not found'), { name: 'ParameterNotFound' }); } }));

      expect(outcome.checks.map((c) => c.passed)).toEqual([false, false]);
      expect(outcome.reason).toMatch(/^read the base URL from SSM parameter \/crosswalk\/api-url: threw ParameterNotFound/);
      expect(api.requests).toEqual([]);
      expect(reported()).toEqual(['Failed']);
    });

    describe('reading at most 1 MiB of an answer', () => {
      const MiB = 1024 * 1024;
      const chunk = Buffer.alloc(64 * 1024, 'x');
      let big: LocalServer;
      afterEach(async () => big.stop());

      test('a large answer is read only as far as the check needs, then the connection is closed; the result says so', async () => {
        // 32 MiB in all: read whole (as response.text() does), it would take a multiple of that in memory.
        big = await LocalServer.start(() => ({
          status: 200,
          chunks: function* () {
            yield '{"version":"1.4.0"}';
            for (let i = 0; i < 512; i++) yield chunk;
          },
        }));

        const outcome = await runHook(event, contextWithRemaining(60_000), setup({
          invocations: [],
          httpChecks: [httpCheck({ path: `${big.url}/version`, expectedBodyContains: ['1.4.0'] })],
        }), deps());

        expect(outcome.status).toBe('Succeeded');
        expect(outcome.checks[0].notes).toEqual([`${big.url}/version: the answer is larger than ${MiB} bytes; the check read only its first ${MiB} bytes`]);
        const [stream] = big.streams;
        const end = await stream;
        expect(end.end).toBe('closed by the client');
        expect(end.bytesSent).toBeLessThan(32 * MiB);
        expect(reported()).toEqual(['Succeeded']);
      });

      test('a text expected past the first MiB fails the check, saying that only the first MiB was read', async () => {
        big = await LocalServer.start(() => ({
          status: 200,
          chunks: function* () {
            for (let i = 0; i < 16; i++) yield chunk;
            yield '{"version":"1.4.0"}';
          },
        }));

        const outcome = await runHook(event, contextWithRemaining(60_000), setup({
          invocations: [],
          httpChecks: [httpCheck({ path: `${big.url}/version`, expectedBodyContains: ['1.4.0'] })],
        }), deps());

        expect(outcome.status).toBe('Failed');
        expect(outcome.reason).toMatch(new RegExp(`body does not contain "1.4.0" in its first ${MiB} bytes \\(the answer is larger; the check reads no more\\)`));
        expect(reported()).toEqual(['Failed']);
      });

      test('an answer of exactly 1 MiB is read whole, with no note', async () => {
        big = await LocalServer.start(() => ({
          status: 200,
          chunks: function* () {
            for (let i = 0; i < 15; i++) yield chunk;
            yield Buffer.concat([Buffer.alloc(64 * 1024 - 5, 'x'), Buffer.from('1.4.0')]);
          },
        }));

        const outcome = await runHook(event, contextWithRemaining(60_000), setup({
          invocations: [],
          httpChecks: [httpCheck({ path: `${big.url}/version`, expectedBodyContains: ['1.4.0'] })],
        }), deps());

        expect(outcome.status).toBe('Succeeded');
        expect(outcome.checks[0].notes).toBeUndefined();
        expect((await big.streams[0]).end).toBe('complete');
      });
    });

    test('reports Failed when a URL does not answer in time', async () => {
      // A server that accepts connections and never answers.
      const sockets: Socket[] = [];
      const blackHole = createServer((socket) => { sockets.push(socket); });
      await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
      const port = (blackHole.address() as AddressInfo).port;

      const outcome = await runHook(event, contextWithRemaining(60_000), setup({
        invocations: [],
        checkTimeoutMs: 100,
        httpChecks: [httpCheck({ name: 'slow', path: `http://127.0.0.1:${port}/version` })],
      }), deps());
      sockets.forEach((socket) => socket.destroy());
      blackHole.close();

      expect(outcome.reason).toBe('slow: timed out after 100 ms');
      expect(reported()).toEqual(['Failed']);
    });
  });
});
