import { logLinesOfEachTest } from '../../../../test-support/log-lines';
import { consoleLog } from '../../lambda/failure-notifier/log';

/** The failure notifier's log lines, as Powertools' Logger writes them. */
describe('the failure notifier\'s log (Powertools Logger)', () => {
  const lines = logLinesOfEachTest();

  test('one JSON line per call, with level, message, service and the fields; warnings on stderr', () => {
    consoleLog('INFO', 'published', { messageId: 'msg-1' });
    consoleLog('WARN', 'could not assume the read-only role', { roleArn: 'arn:aws:iam::333333333333:role/x' });
    expect(lines.map((l) => [l.stream, l.line.level, l.line.message, l.line.service])).toEqual([
      ['stdout', 'INFO', 'published', 'failure-notifier'], ['stderr', 'WARN', 'could not assume the read-only role', 'failure-notifier'],
    ]);
    expect(lines[0].line.messageId).toBe('msg-1');
  });

  test('a field that cannot be read does not throw: the one message still goes out', () => {
    const hostile = { get field(): string { throw new Error('getter throws'); } };
    expect(() => consoleLog('ERROR', 'x', { hostile })).not.toThrow();
  });
});
