// Shared by the live page's browser suites: Debian's chromium driven by playwright-core, one browser per
// suite, one browser context per user, and what a test reads off the page. Screenshots go to test-artifacts/.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, type TestContext } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM_PATH, hasChromium, launchChromium } from '../../examples/live/chromium.ts';
import type { LiveServer } from '../../examples/live/live-server.ts';

export const ARTIFACTS = 'test-artifacts';

const missing = hasChromium()
  ? undefined
  : `chromium is not installed at ${CHROMIUM_PATH} (apt-get install chromium)`;

/** The `describe` options of a browser suite: skipped without chromium, except in CI, where each test then fails. */
export const BROWSER_SUITE = { skip: missing !== undefined && process.env.CI !== 'true' ? missing : false };

/** The page's wires, as its `?transport=` links name them and its header shows them. */
export type PageWire = 'stateless' | 'streamable-http' | 'sse';

/** Where the page is: a live server, or a link to one (`url` ends with `/`). */
export type Reachable = Pick<LiveServer, 'url'>;

export interface OpenOptions {
  hash?: string;
  /** Console errors the test expects (failed requests while a server is down, a 401). */
  allow?: RegExp | undefined;
  /** Failed requests the test expects (`METHOD url net::ERR_…`); without `allow`, any other fails the test. */
  allowFailed?: RegExp;
  /** @default 1280 × 820 */
  viewport?: { width: number; height: number };
}

export interface PageHarness {
  /** Opens the page in a fresh browser context (one user); fails the test on any console error or CSP violation. */
  open(t: TestContext, live: Reachable, query: string, options?: OpenOptions): Promise<Page>;
  /** Opens the page once per wire and waits until each is connected over it. */
  users(t: TestContext, live: Reachable, wires: readonly PageWire[], options?: OpenOptions): Promise<Page[]>;
}

/** Launches chromium for the suite it is called in (before its tests) and closes it after them. */
export function usePages(): PageHarness {
  let browser: Browser | undefined;
  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    if (missing === undefined) browser = await launchChromium();
  });
  after(() => browser?.close());

  async function open(t: TestContext, live: Reachable, query: string, options: OpenOptions = {}) {
    const { hash = '', allow, allowFailed, viewport = { width: 1280, height: 820 } } = options;
    // Only reached without chromium in CI, where the browser tests must run: each of them fails.
    if (browser === undefined) throw new Error(`${missing}; CI must run the browser tests`);
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' && !allow?.test(message.text())) problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    // What DevTools would show in red: while the server is up, no request of the page fails.
    const failed: string[] = [];
    if (allow === undefined) {
      page.on('requestfailed', (request) => {
        const line = `${request.method()} ${request.url()} ${request.failure()?.errorText}`;
        if (!allowFailed?.test(line)) failed.push(line);
      });
    }
    t.after(async () => {
      const shown = [...failed];
      await context.close();
      assert.deepEqual(problems, [], 'the page logged no errors');
      assert.deepEqual(shown, [], 'no request of the page failed');
    });
    await page.goto(`${live.url}${query}${hash}`);
    return page;
  }

  async function users(t: TestContext, live: Reachable, wires: readonly PageWire[], options?: OpenOptions) {
    const pages = await Promise.all(wires.map((wire) => open(t, live, `?transport=${wire}`, options)));
    for (const [i, page] of pages.entries()) {
      await page.waitForSelector('#state[data-state="connected"]');
      assert.equal(await page.textContent('#transport'), wires[i]);
    }
    return pages;
  }

  return { open, users };
}

/** The shared document's text as the page shows it. */
export const docText = (page: Page): Promise<string> => page.inputValue('#doc');

/** Waits until the page's chat shows `text` (from `from`, when given). */
export function waitForChat(page: Page, text: string, from?: string): Promise<unknown> {
  return page.waitForFunction(
    ([text, from]) =>
      [...document.querySelectorAll('#chat-log li')].some(
        (li) =>
          li.querySelector('span')?.textContent === text &&
          (from === null || li.querySelector('b')?.textContent === from),
      ),
    [text, from ?? null] as const,
  );
}

/** Waits until the page's document holds `part`. */
export function waitForDoc(page: Page, part: string): Promise<unknown> {
  return page.waitForFunction(
    (part) => (document.querySelector('#doc') as HTMLTextAreaElement).value.includes(part),
    part,
  );
}

/** How many pixels of the CPU line's blue the chart has. */
export function bluePixels(page: Page): Promise<number> {
  return page.$eval('#chart', (canvas) => {
    const c = canvas as HTMLCanvasElement;
    const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let blue = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i + 2]! > 150 && data[i]! < 80) blue++;
    return blue;
  });
}

/** Presses "Retry now" if the page still shows it: it may have reconnected on its own meanwhile. */
export async function retryNow(page: Page): Promise<void> {
  await page.evaluate(() => {
    const button = document.getElementById('retry-now');
    if (button !== null && button.closest('[hidden]') === null) button.click();
  });
}
