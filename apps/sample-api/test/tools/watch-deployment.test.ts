import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LocalApi, startLocalApi } from '../../src/local/server';
import {
  formatLiveLine,
  formatSummary,
  parseWatchArgs,
  stackApiUrl,
  watchDeployment,
  WatchSummary,
} from '../../src/tools/watch-deployment';

/** Collects what the tool writes, as a TTY or as a pipe. */
function output(isTTY: boolean) {
  const chunks: string[] = [];
  return { isTTY, columns: 200, write: (text: string) => chunks.push(text), text: () => chunks.join('') };
}

/**
 * A stand-in API during a deployment: `/version` answers 1.0.0 for the first
 * `switchAfter` requests and 2.0.0 after; `/locations` fails with a 500 every
 * `failEvery`-th request, and never answers when `hang` is set.
 */
async function fakeApi(options: { switchAfter: number; failEvery: number; hang?: boolean }): Promise<{ url: string; close(): Promise<void> }> {
  let versionCalls = 0;
  let dataCalls = 0;
  const server: Server = createServer((req, res) => {
    if (req.url === '/version') {
      versionCalls++;
      const version = versionCalls <= options.switchAfter ? { version: '1.0.0', commit: 'aaaaaaa' } : { version: '2.0.0', commit: 'bbbbbbb' };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ...version, environment: 'prod' }));
    } else if (options.hang) {
      // never answers
    } else {
      dataCalls++;
      const failing = dataCalls % options.failEvery === 0;
      res.writeHead(failing ? 500 : 200, { 'content-type': 'application/json' })
        .end(JSON.stringify(failing ? { message: 'boom' } : { items: [] }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** The real timer, for the waits on real I/O while jest's fake clock runs the watch. */
const realSetTimeout = setTimeout;
const realWait = (ms: number) => new Promise<void>((resolve) => realSetTimeout(resolve, ms));

/**
 * Runs a watch on jest's fake clock (Date and setTimeout): its rounds fire one after the
 * other without the real wait between them, while the requests stay real (the server is
 * local and answers in a few milliseconds; a request's own timeout is a real one). After
 * each move of the clock to the next timer (a round, or an abort `watch` set before it
 * called watchDeployment), the round's requests get `ioMs` of real time, and the first
 * round until `firstAnswered()` (at most 2 s), so that what the watch saw of a round is
 * what it would have seen at the round's time.
 */
async function onFakeClock<T>(watch: () => Promise<T>, firstAnswered: () => boolean = () => true, ioMs = 20): Promise<T> {
  jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'clearImmediate', 'queueMicrotask', 'hrtime', 'performance'] });
  try {
    let done = false;
    const result = watch().finally(() => { done = true; });
    for (let round = 0; !done; round++) {
      if (jest.getTimerCount() > 0) await jest.advanceTimersToNextTimerAsync();
      for (let waited = 0; round === 0 && !firstAnswered() && waited < 2000; waited += 5) await realWait(5);
      await realWait(ioMs);
    }
    return await result;
  } finally {
    jest.useRealTimers();
  }
}

describe('parseWatchArgs', () => {
  test('reads --url and applies the defaults (120 s, a round every 500 ms, 5 s timeout)', () => {
    expect(parseWatchArgs(['--url', 'https://abc.execute-api.eu-west-1.amazonaws.com/prod/'])).toEqual({
      url: 'https://abc.execute-api.eu-west-1.amazonaws.com/prod',
      stack: undefined,
      region: undefined,
      durationMs: 120_000,
      intervalMs: 500,
      timeoutMs: 5000,
      help: false,
    });
  });

  test('reads --stack with --region, and durations with units', () => {
    const args = parseWatchArgs(['--stack', 'SampleApi-prod', '--region=eu-west-1', '--duration', '5m', '--interval', '250']);
    expect(args).toMatchObject({ stack: 'SampleApi-prod', region: 'eu-west-1', durationMs: 300_000, intervalMs: 250 });
    expect(parseWatchArgs(['--url', 'http://127.0.0.1:3000', '--duration', '90']).durationMs).toBe(90_000);
  });

  test.each([
    [[], 'give either --url <api url> or --stack <stack name> (exactly one); see --help'],
    [['--url', 'http://a', '--stack', 'b'], 'give either --url <api url> or --stack <stack name> (exactly one); see --help'],
    [['--url', 'example.com'], "--url needs an absolute URL such as https://abc123.execute-api.eu-west-1.amazonaws.com/prod, got 'example.com'"],
    [['--url', 'ftp://example.com'], "--url must be an http or https URL, got 'ftp://example.com'"],
    [['--url', 'http://a', '--duration', 'forever'], "--duration needs a time such as 90, 90s, 5m or 1h, got 'forever'"],
    [['--url', 'http://a', '--duration', '25h'], "--duration must be more than 0 and at most 24h, got '25h'"],
    [['--url', 'http://a', '--interval', '10'], "--interval needs a whole number of milliseconds from 50 to 60000, got '10'"],
    [['--url', 'http://a', '--region', 'eu-west-1'], '--region only applies with --stack'],
    [['--url'], '--url needs a value; see --help'],
    [['--url', 'http://a', '--verbose'], "unknown argument '--verbose'; see --help"],
  ])('fails for %j, saying what to write', (argv, message) => {
    expect(() => parseWatchArgs(argv)).toThrow(message);
  });
});

describe('stackApiUrl', () => {
  test("reads the stack's ApiUrl output with the AWS CLI", async () => {
    const aws = jest.fn(async () => 'https://abc.execute-api.eu-west-1.amazonaws.com/prod/\n');

    await expect(stackApiUrl('SampleApi-prod', 'eu-west-1', aws)).resolves.toBe('https://abc.execute-api.eu-west-1.amazonaws.com/prod');
    expect(aws).toHaveBeenCalledWith([
      'cloudformation', 'describe-stacks', '--stack-name', 'SampleApi-prod', '--region', 'eu-west-1',
      '--query', "Stacks[0].Outputs[?OutputKey=='ApiUrl'].OutputValue | [0]", '--output', 'text',
    ]);
  });

  test('fails for a stack without an ApiUrl output, pointing to --url', async () => {
    await expect(stackApiUrl('Other', undefined, async () => 'None\n'))
      .rejects.toThrow("stack Other has no ApiUrl output; is it the sample API's stack? Pass the URL with --url instead");
  });
});

describe('watchDeployment', () => {
  test('against the local mode: one version answers every round, no errors', async () => {
    // Prepare
    const api: LocalApi = await startLocalApi({ version: '3.1.0', commit: 'feed123' });
    const out = output(false);
    try {
      // Act
      const summary = await onFakeClock(() => watchDeployment({ url: api.url, durationMs: 1500, intervalMs: 100, timeoutMs: 2000, out }), () => out.text() !== '');
      // Assess
      expect(summary.rounds).toBeGreaterThanOrEqual(10);
      expect(summary.rounds).toBeLessThanOrEqual(15);
      expect(summary.requests).toBe(2 * summary.rounds);
      expect(summary.versions).toEqual([
        { label: '3.1.0 (feed123)', count: summary.rounds, firstSeenMs: expect.any(Number), lastSeenMs: expect.any(Number) },
      ]);
      expect(summary.dataOk).toBe(summary.rounds);
      expect(summary.errors).toEqual({});
      expect(summary.elapsedMs).toBeLessThan(4000);
      // plain output for a pipe: whole lines, no escape codes
      expect(out.text()).not.toContain('\x1b');
      expect(out.text()).toMatch(/^\[00:00\/00:01\] 3\.1\.0 \(feed123\) ×1 \(100%\) │ data ok \d+ │ errors 0$/m); // a new version gets a line at once
      expect(out.text()).toMatch(/^\[00:0\d\/00:01\] 3\.1\.0 \(feed123\) ×\d+ \(100%\) │ data ok \d+ │ errors 0\n$/m); // the last line
    } finally {
      await api.stop();
    }
  });

  test('during a deployment: shows both versions in order of appearance and counts the failures', async () => {
    // Prepare
    const api = await fakeApi({ switchAfter: 5, failEvery: 4 });
    const out = output(true);
    try {
      // Act
      const summary = await onFakeClock(() => watchDeployment({ url: api.url, durationMs: 1200, intervalMs: 80, timeoutMs: 2000, out }));
      // Assess
      expect(summary.versions.map((v) => v.label)).toEqual(['1.0.0 (aaaaaaa)', '2.0.0 (bbbbbbb)']);
      expect(summary.versions[0].count).toBe(5);
      expect(summary.versions[1].count).toBe(summary.rounds - 5);
      expect(summary.versions[1].firstSeenMs).toBeGreaterThanOrEqual(summary.versions[0].firstSeenMs);
      const failures = Math.floor(summary.rounds / 4);
      expect(summary.errors).toEqual({ 'GET /locations 500': failures });
      expect(summary.dataOk).toBe(summary.rounds - failures);
      // a TTY gets one line, redrawn in place, in colour
      expect(out.text()).toContain('\r\x1b[2K');
      expect(out.text()).toContain('\x1b[31merrors');
      expect(out.text().endsWith('\n')).toBe(true);
    } finally {
      await api.close();
    }
  });

  test('counts a data endpoint that does not answer as timeouts, and still ends on time', async () => {
    const api = await fakeApi({ switchAfter: 1000, failEvery: 1000, hang: true });
    try {
      const started = Date.now();

      const summary = await onFakeClock(() => watchDeployment({ url: api.url, durationMs: 500, intervalMs: 100, timeoutMs: 300, out: output(false) }));

      expect(summary.errors).toEqual({ 'GET /locations timeout': summary.rounds });
      expect(summary.versions[0].count).toBe(summary.rounds);
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      await api.close();
    }
  });

  test('counts a refused connection as an error', async () => {
    const api = await fakeApi({ switchAfter: 1, failEvery: 1 });
    await api.close();

    const summary = await onFakeClock(() => watchDeployment({ url: api.url, durationMs: 300, intervalMs: 100, timeoutMs: 1000, out: output(false) }));

    expect(summary.versions).toEqual([]);
    expect(summary.errors).toEqual({ 'GET /version ECONNREFUSED': summary.rounds, 'GET /locations ECONNREFUSED': summary.rounds });
  });

  test('stops early when aborted (Ctrl-C) and still returns the summary', async () => {
    const api = await fakeApi({ switchAfter: 1000, failEvery: 1000 });
    const stop = new AbortController();
    try {
      const started = Date.now();

      const summary = await onFakeClock(() => {
        setTimeout(() => stop.abort(), 300);
        return watchDeployment({ url: api.url, durationMs: 60_000, intervalMs: 100, timeoutMs: 1000, out: output(false), signal: stop.signal });
      });

      expect(Date.now() - started).toBeLessThan(2000);
      expect(summary.rounds).toBeGreaterThan(0);
      expect(summary.versions[0].count).toBe(summary.rounds);
    } finally {
      await api.close();
    }
  });
});

describe('formatting', () => {
  const summary: WatchSummary = {
    url: 'https://api.example.com/prod',
    elapsedMs: 65_000,
    rounds: 130,
    requests: 260,
    versions: [
      { label: '1.0.0 (aaaaaaa)', count: 100, firstSeenMs: 0, lastSeenMs: 50_000 },
      { label: '2.0.0 (bbbbbbb)', count: 30, firstSeenMs: 40_000, lastSeenMs: 65_000 },
    ],
    dataOk: 127,
    errors: { 'GET /locations 500': 3 },
  };

  test('the live line shows each version with its count and its share of the last answers', () => {
    const recent = [{ label: '1.0.0 (aaaaaaa)' }, { label: '2.0.0 (bbbbbbb)' }, { label: '2.0.0 (bbbbbbb)' }, { label: '2.0.0 (bbbbbbb)' }];

    expect(formatLiveLine(summary, recent, 120_000, false))
      .toBe('[01:05/02:00] 1.0.0 (aaaaaaa) ×100 (25%)  2.0.0 (bbbbbbb) ×30 (75%) │ data ok 127 │ errors 3 (GET /locations 500 ×3)');
  });

  test('the summary lists the versions, when they answered, and the errors', () => {
    expect(formatSummary(summary, false)).toBe([
      'watch-deployment: https://api.example.com/prod for 01:05 (130 rounds, 260 requests)',
      'versions answering GET /version:',
      '  1.0.0 (aaaaaaa): 100 answers, first 00:00, last 00:50',
      '  2.0.0 (bbbbbbb): 30 answers, first 00:40, last 01:05',
      'GET /locations: 127 ok',
      'errors: 3 of 260 requests (1.2%)',
      '  GET /locations 500: 3',
      '',
    ].join('\n'));
  });
});
