import {
  CodeDeployClient,
  CodeDeployServiceException,
  DeploymentDoesNotExistException,
  LifecycleEventAlreadyCompletedException,
  LifecycleEventStatus,
  PutLifecycleEventHookExecutionStatusCommand,
  ThrottlingException,
} from '@aws-sdk/client-codedeploy';
import { mockClient } from 'aws-sdk-client-mock';
import { Log } from '../../lambda/shared/log';
import { DEFAULT_REPORT_TIMING, isTransient, reportStatus, ReportFailed } from '../../lambda/shared/report';

const codeDeployMock = mockClient(CodeDeployClient);
const ids = { DeploymentId: 'd-A1B2C3D4E', LifecycleEventHookExecutionId: 'exec-1' };

/** Lambda's remaining time, moved forward by the fake sleep. */
function fakeClock(remainingMs: number) {
  let left = remainingMs;
  const sleeps: number[] = [];
  return {
    clock: { getRemainingTimeInMillis: () => left },
    sleep: async (ms: number) => { sleeps.push(ms); left -= ms; },
    sleeps,
  };
}

const silent: Log = () => undefined;
const throttled = () => new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } });
const serverError = () => new CodeDeployServiceException({ name: 'InternalFailure', $fault: 'server', $metadata: { httpStatusCode: 500 }, message: 'internal' });

describe('reportStatus', () => {
  beforeEach(() => codeDeployMock.reset());

  test('sends one PutLifecycleEventHookExecutionStatus with the deployment ids and the status', async () => {
    // Prepare
    codeDeployMock.on(PutLifecycleEventHookExecutionStatusCommand).resolves({ lifecycleEventHookExecutionId: 'exec-1' });
    const { clock, sleep } = fakeClock(60_000);

    // Act
    await reportStatus(new CodeDeployClient({}), ids, LifecycleEventStatus.SUCCEEDED, clock, sleep, silent);

    // Assess
    expect(codeDeployMock.commandCalls(PutLifecycleEventHookExecutionStatusCommand).map((c) => c.args[0].input)).toEqual([
      { deploymentId: 'd-A1B2C3D4E', lifecycleEventHookExecutionId: 'exec-1', status: 'Succeeded' },
    ]);
  });

  test('retries throttling and server errors with doubling backoff, then succeeds', async () => {
    codeDeployMock.on(PutLifecycleEventHookExecutionStatusCommand)
      .rejectsOnce(throttled())
      .rejectsOnce(serverError())
      .rejectsOnce(throttled())
      .resolves({});
    const { clock, sleep, sleeps } = fakeClock(60_000);

    await reportStatus(new CodeDeployClient({}), ids, LifecycleEventStatus.FAILED, clock, sleep, silent);

    expect(codeDeployMock.commandCalls(PutLifecycleEventHookExecutionStatusCommand)).toHaveLength(4);
    expect(sleeps).toEqual([200, 400, 800]);
  });

  test('does not retry an error that will not go away, and throws', async () => {
    codeDeployMock.on(PutLifecycleEventHookExecutionStatusCommand)
      .rejects(new DeploymentDoesNotExistException({ message: 'no such deployment', $metadata: { httpStatusCode: 400 } }));
    const { clock, sleep } = fakeClock(60_000);

    await expect(reportStatus(new CodeDeployClient({}), ids, LifecycleEventStatus.SUCCEEDED, clock, sleep, silent))
      .rejects.toThrow(new ReportFailed('could not report Succeeded for d-A1B2C3D4E: DeploymentDoesNotExistException: no such deployment'));
    expect(codeDeployMock.commandCalls(PutLifecycleEventHookExecutionStatusCommand)).toHaveLength(1);
  });

  test('stops without a second report when CodeDeploy already has the status from an attempt whose answer was lost', async () => {
    const warnings: string[] = [];
    codeDeployMock.on(PutLifecycleEventHookExecutionStatusCommand)
      .rejectsOnce(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))
      .rejects(new LifecycleEventAlreadyCompletedException({ message: 'already completed', $metadata: { httpStatusCode: 400 } }));
    const { clock, sleep } = fakeClock(60_000);

    await reportStatus(new CodeDeployClient({}), ids, LifecycleEventStatus.SUCCEEDED, clock, sleep,
      (level, message) => { if (level === 'WARN') warnings.push(message); });

    expect(codeDeployMock.commandCalls(PutLifecycleEventHookExecutionStatusCommand)).toHaveLength(2);
    expect(warnings).toContain('CodeDeploy already has the status of this hook execution; an earlier attempt got through');
  });

  test('gives up before the function\'s timeout when CodeDeploy keeps throttling', async () => {
    codeDeployMock.on(PutLifecycleEventHookExecutionStatusCommand).rejects(throttled());
    const { clock, sleep, sleeps } = fakeClock(2_000);

    await expect(reportStatus(new CodeDeployClient({}), ids, LifecycleEventStatus.FAILED, clock, sleep, silent))
      .rejects.toThrow(/could not report Failed for d-A1B2C3D4E before the hook's timeout, 3 attempts, last error: ThrottlingException: Rate exceeded/);
    // Never sleeps into the final margin: 2000 ms left, 500 ms margin.
    expect(sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(2_000 - DEFAULT_REPORT_TIMING.finalMarginMs);
    expect(sleeps).toEqual([200, 400]);
  });

  test('gives up after the most attempts allowed', async () => {
    codeDeployMock.on(PutLifecycleEventHookExecutionStatusCommand).rejects(serverError());
    const { clock, sleep } = fakeClock(600_000);

    await expect(reportStatus(new CodeDeployClient({}), ids, LifecycleEventStatus.FAILED, clock, sleep, silent))
      .rejects.toThrow(/in 8 attempts, last error: InternalFailure: internal/);
    expect(codeDeployMock.commandCalls(PutLifecycleEventHookExecutionStatusCommand)).toHaveLength(DEFAULT_REPORT_TIMING.maxAttempts);
  });

  test.each(['ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENETDOWN', 'EHOSTDOWN'])(
    'retries a network error %s within the budget (the SDK\'s own retries are off), then reports once', async (code) => {
      codeDeployMock.on(PutLifecycleEventHookExecutionStatusCommand)
        .rejectsOnce(Object.assign(new Error(`getaddrinfo ${code} codedeploy.eu-west-1.amazonaws.com`), { code }))
        .resolves({});
      const { clock, sleep, sleeps } = fakeClock(60_000);

      await reportStatus(new CodeDeployClient({}), ids, LifecycleEventStatus.SUCCEEDED, clock, sleep, silent);

      expect(codeDeployMock.commandCalls(PutLifecycleEventHookExecutionStatusCommand)).toHaveLength(2);
      expect(sleeps).toEqual([200]);
    });

  test('a log line that throws neither stops the retries nor turns a delivered report into a failure', async () => {
    codeDeployMock.on(PutLifecycleEventHookExecutionStatusCommand)
      .rejectsOnce(throttled())
      .resolves({});
    const { clock, sleep } = fakeClock(60_000);
    const throwing: Log = () => { throw new TypeError('Converting circular structure to JSON'); };

    await reportStatus(new CodeDeployClient({}), ids, LifecycleEventStatus.SUCCEEDED, clock, sleep, throwing);

    expect(codeDeployMock.commandCalls(PutLifecycleEventHookExecutionStatusCommand)).toHaveLength(2);
  });

  test('an error that cannot be turned into text still ends in ReportFailed, with a description', async () => {
    const unprintable = Object.create(null) as object;
    const codeDeploy = { send: async () => { throw unprintable; } } as unknown as CodeDeployClient;
    const { clock, sleep } = fakeClock(60_000);

    await expect(reportStatus(codeDeploy, ids, LifecycleEventStatus.FAILED, clock, sleep, silent))
      .rejects.toThrow(new ReportFailed('could not report Failed for d-A1B2C3D4E: [object Object]'));
  });

  test('does not start when no time is left', async () => {
    const { clock, sleep } = fakeClock(600);

    await expect(reportStatus(new CodeDeployClient({}), ids, LifecycleEventStatus.FAILED, clock, sleep, silent))
      .rejects.toThrow(/out of time before attempt 1/);
    expect(codeDeployMock.commandCalls(PutLifecycleEventHookExecutionStatusCommand)).toHaveLength(0);
  });
});

describe('isTransient', () => {
  test.each([
    ['throttling', throttled(), true],
    ['a 5xx', serverError(), true],
    ['HTTP 429', Object.assign(new Error('slow down'), { $metadata: { httpStatusCode: 429 } }), true],
    ['a connection reset', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), true],
    ['an attempt timeout', Object.assign(new Error('aborted'), { name: 'TimeoutError' }), true],
    ['a wrapped network error', Object.assign(new Error('fetch failed'), { cause: Object.assign(new Error('x'), { code: 'ETIMEDOUT' }) }), true],
    ['a name that does not resolve', Object.assign(new Error('getaddrinfo ENOTFOUND codedeploy.eu-west-1.amazonaws.com'), { code: 'ENOTFOUND' }), true],
    ['an unreachable host', Object.assign(new Error('connect EHOSTUNREACH 52.94.0.1:443'), { code: 'EHOSTUNREACH' }), true],
    ['an unreachable network', Object.assign(new Error('connect ENETUNREACH 52.94.0.1:443'), { code: 'ENETUNREACH' }), true],
    ['a connection attempt that timed out', Object.assign(new Error('connection timed out'), { code: 'ERR_SOCKET_CONNECTION_TIMEOUT' }), true],
    ['every address failing (Node\'s happy eyeballs)', Object.assign(new AggregateError([
      Object.assign(new Error('connect ENETUNREACH ::1'), { code: 'ENETUNREACH' }),
      Object.assign(new Error('connect ETIMEDOUT 52.94.0.1:443'), { code: 'ETIMEDOUT' }),
    ], 'all attempts failed'), {}), true],
    ['a clock skew the SDK has just corrected', Object.assign(new Error('Signature expired'),
      { name: 'InvalidSignatureException', $metadata: { httpStatusCode: 403, clockSkewCorrected: true } }), true],
    ['causes that refer to each other, none transient', (() => {
      const a: Error & { cause?: unknown } = new Error('a');
      const b: Error & { cause?: unknown } = new Error('b');
      a.cause = b;
      b.cause = a;
      return a;
    })(), false],
    ['a 200 whose body could not be read', Object.assign(new SyntaxError('Unterminated string in JSON at position 13'),
      { $metadata: { httpStatusCode: 200 } }), true],
    ['something that is not an object', 'socket hang up', false],
    ['nothing', undefined, false],
    ['access denied', Object.assign(new Error('not authorized'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } }), false],
    ['an unknown deployment', new DeploymentDoesNotExistException({ message: 'x', $metadata: { httpStatusCode: 400 } }), false],
  ])('%s: %p', (_what, err, expected) => {
    expect(isTransient(err)).toBe(expected);
  });
});
