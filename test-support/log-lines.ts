/**
 * The JSON log lines the functions write through Powertools' Logger, which writes to
 * process.stdout and process.stderr itself (not through console). While captured, each such
 * line is kept (parsed) instead of printed; any other output passes through unchanged.
 */
export interface CapturedLogLines {
  /** The lines written so far, in order, with the stream each went to. */
  readonly lines: Array<{ readonly stream: 'stdout' | 'stderr'; readonly line: any }>;
  /** Puts both streams back as they were. */
  restore(): void;
}

/** Starts capturing (into `lines`, when given); call `restore()` when the test ends. */
export function captureLogLines(lines: Array<{ stream: 'stdout' | 'stderr'; line: any }> = []): CapturedLogLines {
  const spies = (['stdout', 'stderr'] as const).map((stream) => {
    const original = process[stream].write.bind(process[stream]);
    return jest.spyOn(process[stream], 'write').mockImplementation(((chunk: any, ...rest: any[]) => {
      const text = String(chunk);
      if (!text.startsWith('{"level":')) return (original as any)(chunk, ...rest);
      for (const line of text.split('\n').filter((l) => l.trim() !== '')) lines.push({ stream, line: JSON.parse(line) });
      return true;
    }) as any);
  });
  return { lines, restore: () => spies.forEach((spy) => spy.mockRestore()) };
}

/**
 * For a describe block: captures the log lines of each of its tests into the returned array,
 * emptied before each test.
 */
export function logLinesOfEachTest(): CapturedLogLines['lines'] {
  const lines: Array<{ stream: 'stdout' | 'stderr'; line: any }> = [];
  let captured: CapturedLogLines | undefined;
  beforeEach(() => {
    lines.length = 0;
    captured = captureLogLines(lines);
  });
  afterEach(() => captured?.restore());
  return lines;
}
