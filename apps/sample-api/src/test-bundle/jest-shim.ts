/**
 * jest's globals on Node's built-in test runner, for the pipeline's test bundles
 * (`bundle-suites.ts`). esbuild's `inject` replaces every free use of these names in a
 * bundled suite with this module's exports, so a suite stays plain jest code that jest
 * runs locally, and the bundle runs with `node --test` and nothing installed.
 *
 * Provided, with jest's behaviour:
 * - `describe` (and `.skip`, `.each`), `test` / `it` (and `.skip`, `.todo`, `.each`), on
 *   `node:test`'s `describe` / `it`: tests run one after the other, in declaration order;
 * - `beforeAll`, `afterAll`, `beforeEach`, `afterEach` on `node:test`'s `before`, `after`,
 *   `beforeEach`, `afterEach` (at the top of a file they apply to the whole file);
 * - timeouts: the optional last argument of a test or hook, else `jest.setTimeout(ms)`
 *   (read when the test or hook starts, as jest does), else jest's 5 s;
 * - `expect`: jest's own matcher library (the `expect` package), including
 *   `expect.assertions(n)` / `expect.hasAssertions()`, checked after each test;
 * - `.each` tables of rows (arrays, spread into the test's arguments) or of single values,
 *   with jest's titles (`each-title.ts`).
 *
 * Not provided (a bundled suite that uses them fails): the rest of `jest` (mocks, fake
 * timers, module registry), `.only`, `.concurrent`, `done` callbacks, snapshots.
 */
import * as node from 'node:test';
import { expect } from 'expect';
import { eachTitle } from './each-title';

export { expect };

/** jest's default timeout of a test or hook. */
const JEST_DEFAULT_TIMEOUT = 5_000;
let defaultTimeout = JEST_DEFAULT_TIMEOUT;

/** The part of the `jest` object a bundled suite may use (not named `jest` here: jest itself defines that name in every module it loads). */
const jestObject = {
  /** The timeout of the tests and hooks that give none, from now on. */
  setTimeout(ms: number) {
    defaultTimeout = ms;
    return jestObject;
  },
};
export { jestObject as jest };

type Body = () => unknown;
type Each = (table: readonly unknown[]) => (name: string, fn: (...args: any[]) => unknown, timeout?: number) => void;

/** `fn` with jest's timeout (read when it starts), rejecting with jest's message when it runs longer. */
function withTimeout(fn: Body, what: string, timeout: number | undefined): () => Promise<void> {
  if (fn.length > 0) throw new Error(`the test bundle does not support done callbacks (${what}): return a promise instead`);
  return async () => {
    const ms = timeout ?? defaultTimeout;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Exceeded timeout of ${ms} ms for ${what}.`)), ms);
    });
    try {
      await Promise.race([Promise.resolve().then(fn), expired]);
    } finally {
      clearTimeout(timer);
    }
  };
}

/** A test body that also checks `expect.assertions(n)` / `expect.hasAssertions()`, as jest does. */
function testBody(name: string, fn: Body, timeout: number | undefined): () => Promise<void> {
  const run = withTimeout(fn, `a test ('${name}')`, timeout);
  return async () => {
    expect.setState({ assertionCalls: 0, expectedAssertionsNumber: null, isExpectingAssertions: false, currentTestName: name });
    await run();
    const [unmet] = expect.extractExpectedAssertionsErrors();
    if (unmet) throw unmet.error;
  };
}

function eachOf(declare: (name: string, fn: Body, timeout?: number) => void): Each {
  return (table) => (name, fn, timeout) => table.forEach((row, index) => {
    const args = Array.isArray(row) ? row : [row];
    declare(eachTitle(name, row, index), () => fn(...args), timeout);
  });
}

function declareTest(name: string, fn: Body, timeout?: number): void {
  void node.it(name, testBody(name, fn, timeout));
}

/** jest's `test` (and `it`). */
export const test = Object.assign(declareTest, {
  skip: (name: string, _fn?: Body, _timeout?: number) => void node.it(name, { skip: true }),
  todo: (name: string) => void node.it(name, { todo: true }),
  each: eachOf(declareTest),
});
export const it = test;

function declareSuite(name: string, fn: () => void): void {
  void node.describe(name, () => {
    const result: unknown = fn();
    if (result instanceof Promise) throw new Error(`describe('${name}') returned a promise: declare tests synchronously`);
  });
}

/** jest's `describe`. */
export const describe = Object.assign(declareSuite, {
  skip: (name: string, _fn?: () => void) => void node.describe(name, { skip: true }, () => undefined),
  each: eachOf((name, fn) => declareSuite(name, fn as () => void)),
});

export function beforeAll(fn: Body, timeout?: number): void {
  node.before(withTimeout(fn, 'a beforeAll hook', timeout));
}
export function afterAll(fn: Body, timeout?: number): void {
  node.after(withTimeout(fn, 'an afterAll hook', timeout));
}
export function beforeEach(fn: Body, timeout?: number): void {
  node.beforeEach(withTimeout(fn, 'a beforeEach hook', timeout));
}
export function afterEach(fn: Body, timeout?: number): void {
  node.afterEach(withTimeout(fn, 'an afterEach hook', timeout));
}
