import { consoleLog } from '../../lambda/shared/log';

describe('consoleLog', () => {
  let lines: string[];
  beforeEach(() => {
    lines = [];
    const keep = (...args: unknown[]): void => { lines.push(String(args[0])); };
    for (const method of ['log', 'warn', 'error'] as const) jest.spyOn(console, method).mockImplementation(keep);
  });
  afterEach(() => jest.restoreAllMocks());

  test('writes one JSON line per call, errors as their name and message', () => {
    consoleLog('ERROR', 'check failed', { error: new RangeError('out of range') });

    expect(lines.map((line) => JSON.parse(line))).toEqual([{ level: 'ERROR', message: 'check failed', error: 'RangeError: out of range' }]);
  });

  test('writes a line for fields JSON.stringify refuses (BigInt, cycles) instead of throwing', () => {
    const loop: Record<string, unknown> = { name: 'loop' };
    loop.self = loop;

    consoleLog('WARN', 'odd fields', { count: 3n, loop, list: [loop, loop] });

    expect(lines.map((line) => JSON.parse(line))).toEqual([{
      level: 'WARN',
      message: 'odd fields',
      count: '3',
      loop: { name: 'loop', self: '[Circular]' },
      // The same object twice, side by side, is no cycle.
      list: [{ name: 'loop', self: '[Circular]' }, { name: 'loop', self: '[Circular]' }],
    }]);
  });

  test('writes the message alone when a field cannot be read at all', () => {
    const hostile = { get field(): string { throw new Error('getter throws'); } };

    consoleLog('INFO', 'reported to CodeDeploy', { hostile });

    expect(lines.map((line) => JSON.parse(line))).toEqual([{
      level: 'INFO',
      message: 'reported to CodeDeploy',
      logError: 'the fields of this line could not be written: Error: getter throws',
    }]);
  });
});
