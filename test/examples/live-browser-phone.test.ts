// The live page on a phone (390 CSS pixels wide): nothing scrolls sideways, and the header keeps one row
// in every state the connection goes through, whatever the length of its badge.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { startLive } from './live-harness.ts';
import { ARTIFACTS, BROWSER_SUITE, type OpenOptions, retryNow, usePages } from './live-page.ts';

const PHONE: OpenOptions = {
  viewport: { width: 390, height: 844 },
  allow: /ERR_CONNECTION_REFUSED|404 \(Not Found\)|401 \(Unauthorized\)/,
};

interface Layout {
  state: string;
  scrollWidth: number;
  innerWidth: number;
  /** The header's visible parts share one row: each one's box spans the others' vertical middle. */
  oneRow: boolean;
  header: number;
}

// In the page as source text: tsx would wrap named functions in a helper the page does not have.
const RECORD_LAYOUTS = `(() => {
  const measure = () => {
    const parts = [...document.querySelectorAll('header > *')]
      .map((element) => element.getBoundingClientRect())
      .filter((box) => box.width > 0 && box.height > 0);
    const middles = parts.map((box) => box.top + box.height / 2);
    return {
      state: document.getElementById('state').dataset.state,
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth,
      oneRow: parts.every((box) => middles.every((middle) => middle > box.top && middle < box.bottom)),
      header: document.querySelector('header').getBoundingClientRect().height,
    };
  };
  window.layouts = [measure()];
  new MutationObserver(() => window.layouts.push(measure())).observe(document.getElementById('state'), {
    attributes: true,
    attributeFilter: ['data-state'],
  });
})()`;

/** Records the layout each time the state badge changes, and once now; read them with `layouts()`. */
const recordLayouts = (page: Page) => page.evaluate(RECORD_LAYOUTS);

const layouts = (page: Page) => page.evaluate(() => (window as unknown as { layouts: Layout[] }).layouts);

function assertFits(seen: Layout[]): void {
  for (const layout of seen) {
    assert.ok(
      layout.scrollWidth <= layout.innerWidth,
      `no sideways scroll while ${layout.state}: ${layout.scrollWidth} > ${layout.innerWidth}`,
    );
    assert.ok(layout.oneRow, `the header keeps one row while ${layout.state} (${layout.header} px high)`);
  }
}

describe('the live page on a phone', BROWSER_SUITE, () => {
  const { open } = usePages();

  test('at 390 px nothing scrolls sideways and the header keeps one row through connected, reconnecting, disconnected and back', async (t) => {
    const first = await startLive(t, { metricsInterval: 200 });
    const page = await open(t, first, '?transport=sse', PHONE);
    await page.waitForSelector('#state[data-state="connected"]');
    await page.waitForFunction(() => document.getElementById('load')?.textContent !== '–');
    await recordLayouts(page);
    await page.screenshot({ path: `${ARTIFACTS}/live-phone-connected.png`, fullPage: true });

    await first.close();
    await page.waitForSelector('#state[data-state="reconnecting"]');
    await page.waitForSelector('#state[data-state="disconnected"]', { timeout: 30_000 });
    await page.screenshot({ path: `${ARTIFACTS}/live-phone-disconnected.png` });
    await startLive(t, { port: first.port });
    await retryNow(page);
    await page.waitForSelector('#state[data-state="connected"]', { timeout: 30_000 });
    const seen = await layouts(page);
    const states = seen.map((layout) => layout.state).filter((state, i, all) => state !== all[i - 1]);
    for (const state of ['connected', 'reconnecting', 'disconnected', 'connecting']) {
      assert.ok(states.includes(state), `went through ${state} (${states.join(', ')})`);
    }
    assertFits(seen);

    // The details fold out over the page, not beside it.
    await page.click('#header-toggle');
    await page.waitForSelector('#header-details[data-open="true"]');
    assert.equal(await page.isVisible('#transports'), true);
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth));
    await page.screenshot({ path: `${ARTIFACTS}/live-phone-details.png` });
  });

  test('at 390 px a refused token fits too', async (t) => {
    const live = await startLive(t, { token: 'phone-secret' });
    const page = await open(t, live, '?transport=stateless', { ...PHONE, hash: '#token=wrong' });
    await page.waitForSelector('#state[data-state="unauthorized"]');
    await recordLayouts(page);
    assertFits(await layouts(page));
    await page.screenshot({ path: `${ARTIFACTS}/live-phone-unauthorized.png`, fullPage: true });
  });
});
