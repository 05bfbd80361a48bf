/**
 * The HTML report as a person sees it: rendered by Chromium (Debian's package, driven headless
 * by playwright-core; no browser is downloaded) at 1,280 px and at a phone's 390 px. Nothing may
 * need horizontal scrolling: the verdict, the attention list and every change card fit the
 * width, and the longest values wrap. Screenshots are kept in docs/ (`UPDATE_SAMPLES=1`).
 *
 * Where /usr/bin/chromium is missing the test is skipped, loudly, and leaves a marker that
 * .ci/run refuses (CI installs Chromium, so there the check always runs).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { chromium, Browser } from 'playwright-core';
import { AutoApprove, ChangeReview } from '../src';
import { CORPUS } from './corpus';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
const SKIP_MARKER = path.join(__dirname, '..', 'test-reports', 'chromium-skipped');

if (available) rmSync(SKIP_MARKER, { force: true });
if (!available) {
  mkdirSync(path.dirname(SKIP_MARKER), { recursive: true });
  writeFileSync(SKIP_MARKER, `Chromium not found at ${CHROMIUM}: the report layout test was skipped\n`);
  // eslint-disable-next-line no-console
  console.warn(`SKIPPED: the report layout test needs Chromium at ${CHROMIUM} (apt-get install chromium)`);
}

/** A report with long values: the corpus case of a 100 KB property value, and a real release. */
function reportHtml(): string {
  const pick = (id: string) => {
    const found = CORPUS.find((c) => c.id === id);
    if (!found) throw new Error(`no corpus case ${id}`);
    return found.input as { pages: { Changes?: unknown[] }[]; template?: unknown };
  };
  const release = pick('release-code-one-function');
  const long = CORPUS.find((c) => c.class === 'misleading-approver' && JSON.stringify(c.input).length > 50_000)!.input as { pages: { Changes?: unknown[] }[] };
  const changes = [...release.pages[0].Changes ?? [], ...long.pages.flatMap((p) => p.Changes ?? []), ...pick('dynamodb-table-removed').pages.flatMap((p) => p.Changes ?? [])];
  const review = ChangeReview.review({ pages: [{ ...release.pages[0], Changes: changes }], template: release.template });
  return review.html({
    reviewedAt: '2026-12-07T10:00:00.000Z', autoApprove: AutoApprove.LOW_RISK, pipelineName: 'orders-pipeline',
    executionId: '3e1f0c9a-5b2d-4c1e-9f7a-2d8b6c4e1a90', environment: 'Prod', account: '222222222222', region: 'eu-west-1',
    changeSetUrl: 'https://eu-west-1.console.aws.amazon.com/cloudformation/home?region=eu-west-1#/stacks/changesets/changes?stackId=x&changeSetId=y',
  });
}

(available ? describe : describe.skip)('the HTML report in Chromium', () => {
  let browser: Browser;
  let file: string;

  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    file = path.join(mkdtempSync(path.join(tmpdir(), 'report-')), 'report.html');
    writeFileSync(file, reportHtml());
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  test.each([[1280, 900, 'desktop'], [390, 844, 'phone']] as const)('at %i px nothing scrolls sideways: verdict, attention list and change cards fit, long values wrap (%i px high, %s)', async (width, height, name) => {
    const page = await browser.newPage({ viewport: { width, height } });
    await page.goto(`file://${file}`);
    // Run in the page (a string: the test's TypeScript has no DOM types).
    const layout: { [what: string]: number } = await page.evaluate(`(() => {
      const right = (selector) => Math.max(0, ...Array.from(document.querySelectorAll(selector)).map((e) => e.getBoundingClientRect().right));
      return {
        scrollWidth: document.documentElement.scrollWidth,
        verdict: right('.verdict'),
        attention: right('.attention li'),
        cards: right('.change'),
        code: right('code'),
        cardCount: document.querySelectorAll('.change').length,
        attentionCount: document.querySelectorAll('.attention li').length,
      };
    })()`);
    expect(layout.cardCount).toBeGreaterThan(3);
    expect(layout.attentionCount).toBeGreaterThan(0);
    const wider = Object.entries(layout).filter(([what, right]) => !what.endsWith('Count') && right > width);
    expect({ width, wider }).toEqual({ width, wider: [] });
    const shot = await page.screenshot({ fullPage: false });
    const where = process.env.UPDATE_SAMPLES === '1' ? path.join(__dirname, '..', 'docs', `sample-report-${name}.png`) : path.join(path.dirname(file), `${name}.png`);
    writeFileSync(where, shot);
    await page.close();
  }, 60_000);
});
