import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalApi, startLocalApi } from '../../src/local/server';

/*
 * The README's curl examples must work as written against the local mode. The test
 * replays each one as curl would send it (curl itself may not be installed where
 * the tests run), with curl's defaults: `-d` makes a POST and, unless a
 * content-type header is given, declares the body a form
 * (application/x-www-form-urlencoded), which the API refuses with a 415.
 */

const README = readFileSync(join(__dirname, '../../README.md'), 'utf8');
/** Where the README's examples send their requests (`--port 3000`). */
const README_ORIGIN = 'http://127.0.0.1:3000';

/** The curl command lines of the README's shell blocks. */
function readmeCurlCommands(): string[] {
  const blocks = [...README.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1]);
  return blocks.flatMap((block) => block.split('\n')).map((line) => line.trim()).filter((line) => line.startsWith('curl '));
}

/** Splits a command line into words: single and double quotes, nothing else of a shell. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  for (const match of line.matchAll(/'([^']*)'|"((?:[^"\\]|\\.)*)"|(\S+)/g)) {
    words.push(match[1] ?? match[2]?.replace(/\\(.)/g, '$1') ?? match[3]);
  }
  return words;
}

interface CurlRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

/** What curl sends for the options the README uses; any other option fails the test. */
function curlRequest(words: readonly string[]): CurlRequest {
  let method: string | undefined;
  let url: string | undefined;
  let body: string | undefined;
  const headers: Record<string, string> = {};
  for (let i = 1; i < words.length; i++) {
    const word = words[i];
    if (word === '-s' || word === '--silent') continue;
    if (word === '-X' || word === '--request') method = words[++i];
    else if (word === '-H' || word === '--header') {
      const [name, ...value] = words[++i].split(':');
      headers[name.trim().toLowerCase()] = value.join(':').trim();
    } else if (word === '-d' || word === '--data' || word === '--data-raw') body = words[++i];
    else if (word.startsWith('-')) throw new Error(`the README uses curl option ${word}, which this test does not replay yet`);
    else url = word;
  }
  if (!url) throw new Error(`no URL in: ${words.join(' ')}`);
  if (body !== undefined) headers['content-type'] ??= 'application/x-www-form-urlencoded';
  return { method: method ?? (body !== undefined ? 'POST' : 'GET'), url, headers, body };
}

describe('curlRequest', () => {
  test("declares -d data a form unless a content-type is given, as curl does", () => {
    const form = curlRequest(shellWords(`curl -s -X POST ${README_ORIGIN}/locations -d '{"name": "Hall"}'`));
    const declared = curlRequest(shellWords(`curl -s ${README_ORIGIN}/locations -H 'content-type: application/json' -d '{"name": "Hall"}'`));

    expect(form).toEqual({ method: 'POST', url: `${README_ORIGIN}/locations`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '{"name": "Hall"}' });
    expect(declared.method).toBe('POST');
    expect(declared.headers).toEqual({ 'content-type': 'application/json' });
  });
});

describe("the README's curl examples", () => {
  let api: LocalApi;

  beforeAll(async () => {
    api = await startLocalApi({ version: '9.9.9', commit: 'c0ffee0', environment: 'local' });
  });
  afterAll(async () => {
    await api?.stop();
  });

  test('include a POST with a body', () => {
    expect(readmeCurlCommands().map(shellWords).map(curlRequest).some((request) => request.body !== undefined)).toBe(true);
  });

  test.each(readmeCurlCommands())('%s answers 2xx', async (command) => {
    // Prepare: the command, sent to this test's server instead of port 3000
    const request = curlRequest(shellWords(command));
    expect(request.url.startsWith(README_ORIGIN)).toBe(true);
    // Act
    const response = await fetch(api.url + request.url.slice(README_ORIGIN.length), {
      method: request.method,
      headers: request.headers,
      body: request.body,
    });
    // Assess (status and body together, so a failure shows the API's message)
    expect(`${response.status} ${await response.text()}`).toMatch(/^2\d\d /);
  });
});
