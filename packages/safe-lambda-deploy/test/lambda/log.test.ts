import { logLinesOfEachTest } from '../../../../test-support/log-lines';
import { consoleLog } from '../../lambda/shared/log';

/**
 * The hooks' log lines, as Powertools' Logger writes them: one JSON line per call, on stdout
 * (INFO) or stderr (WARN, ERROR).
 */
describe('consoleLog (Powertools Logger)', () => {
  const lines = logLinesOfEachTest();

  test('writes one JSON line per call, with the level, the message, the service and the fields at the top level', () => {
    consoleLog('INFO', 'reported to CodeDeploy', { deploymentId: 'd-ABC', status: 'Succeeded' });

    expect(lines).toEqual([{
      stream: 'stdout',
      line: expect.objectContaining({ level: 'INFO', message: 'reported to CodeDeploy', service: 'safe-lambda-deploy', deploymentId: 'd-ABC', status: 'Succeeded' }),
    }]);
    expect(Date.parse(lines[0].line.timestamp)).not.toBeNaN();
  });

  test('errors go to stderr with their name and message', () => {
    consoleLog('ERROR', 'check failed', { error: new RangeError('out of range') });

    expect(lines).toEqual([{ stream: 'stderr', line: expect.objectContaining({ level: 'ERROR', message: 'check failed' }) }]);
    expect(lines[0].line.error).toMatchObject({ name: 'RangeError', message: 'out of range' });
  });

  test('writes a line for fields JSON.stringify refuses (BigInt, cycles) instead of throwing', () => {
    const loop: Record<string, unknown> = { name: 'loop' };
    loop.self = loop;

    consoleLog('WARN', 'odd fields', { count: 3n, loop });

    expect(lines).toEqual([{ stream: 'stderr', line: expect.objectContaining({ level: 'WARN', message: 'odd fields', count: '3', loop: { name: 'loop' } }) }]);
  });

  test('writes the message alone, saying why, when a field cannot be read at all', () => {
    const hostile = { get field(): string { throw new Error('getter throws'); } };

    consoleLog('INFO', 'reported to CodeDeploy', { hostile });

    expect(lines).toEqual([{
      stream: 'stdout',
      line: expect.objectContaining({ level: 'INFO', message: 'reported to CodeDeploy', logError: 'the fields of this line could not be written: Error: getter throws' }),
    }]);
    expect(lines[0].line.hostile).toBeUndefined();
  });
});
