// What the live page does while it cannot reach the server: it says so in words (with the detail folded
// away and a "Retry now" button), keeps what the user types in the shared document and sends it once the
// server is back, and leaves a gap in the chart for the time it heard nothing.
import assert from 'node:assert/strict';
import { describe, type TestContext, test } from 'node:test';
import type { Page } from 'playwright-core';
import { WELCOME_TEXT } from '../../examples/live/live-server.ts';
import { openLink } from './cuttable-link.ts';
import { startLive, until } from './live-harness.ts';
import {
  ARTIFACTS,
  BROWSER_SUITE,
  docText,
  type PageWire,
  retryNow,
  usePages,
  waitForDoc,
} from './live-page.ts';

const DOWN = {
  allow:
    /ERR_CONNECTION_REFUSED|ERR_CONNECTION_RESET|ERR_INCOMPLETE_CHUNKED_ENCODING|ERR_EMPTY_RESPONSE|404 \(Not Found\)/,
};

/** The widest run of chart columns without the CPU line, between columns that have it (CSS pixels). */
function widestGap(page: Page): Promise<number> {
  return page.$eval('#chart', (canvas) => {
    const c = canvas as HTMLCanvasElement;
    const { data, width, height } = c.getContext('2d')!.getImageData(0, 0, c.width, c.height);
    const lined: boolean[] = [];
    for (let x = 0; x < width; x++) {
      lined[x] = false;
      for (let y = 0; y < height && !lined[x]; y++) {
        const i = (y * width + x) * 4;
        if (data[i + 2]! > 150 && data[i]! < 80) lined[x] = true;
      }
    }
    const first = lined.indexOf(true);
    const last = lined.lastIndexOf(true);
    let widest = 0;
    let run = 0;
    for (let x = first; x <= last; x++) {
      run = lined[x] ? 0 : run + 1;
      widest = Math.max(widest, run);
    }
    return widest / (c.width / c.clientWidth);
  });
}

describe('the live page while the server is down', BROWSER_SUITE, () => {
  const { users } = usePages();

  /** A on a link the test cuts (on `wire`), B straight to the server over HTTP+SSE; both showing the document. */
  async function cutOff(t: TestContext, wire: PageWire) {
    const live = await startLive(t);
    const link = await openLink(t, live.port);
    const [a] = (await users(t, link, [wire], DOWN)) as [Page];
    const [b] = (await users(t, live, ['sse'])) as [Page];
    for (const page of [a, b]) await page.waitForSelector('#doc:not([disabled])');
    await link.cut();
    await a.waitForSelector('#state[data-state="disconnected"]', { timeout: 30_000 });
    return { live, link, a, b };
  }

  test('text typed while the server is down is kept, then reaches the server and the other user', async (t) => {
    // A sample a second: the chart spans about a minute, so the old samples stay in sight across the gap.
    const first = await startLive(t);
    const [a, b] = (await users(t, first, ['stateless', 'sse'], DOWN)) as [Page, Page];
    for (const page of [a, b]) await page.waitForSelector('#doc:not([disabled])');
    await a.waitForFunction(() => Number(document.querySelector('#notification-count')?.textContent) >= 3);
    await first.close();
    for (const page of [a, b])
      await page.waitForSelector('#state[data-state="disconnected"]', { timeout: 30_000 });

    // The banner says what happened and what the page does, in words; the raw error is folded away.
    const message = (await a.textContent('#banner-message')) ?? '';
    assert.match(
      message,
      /^(Lost the connection to the server|Can't reach the server)\. Retrying (in \d+ s…|…)$/,
    );
    assert.equal(await a.isVisible('#retry-now'), true);
    assert.equal(await a.isVisible('#banner-detail'), false, 'the detail is folded');
    await a.click('#banner-details summary');
    assert.notEqual((await a.textContent('#banner-detail')) ?? '', '');
    assert.equal(await a.isDisabled('#chat-input'), true, 'chat waits for the server');

    await a.click('#doc');
    await a.keyboard.press('Control+Home');
    await a.keyboard.type('Typed offline. ');
    await a.waitForFunction(() =>
      /offline: your changes are kept/.test(document.querySelector('#doc-status')?.textContent ?? ''),
    );
    await a.screenshot({ path: `${ARTIFACTS}/live-offline-a.png` });

    // Retry now connects at once, long before the next attempt the banner counts down to.
    await a.waitForFunction(() =>
      /Retrying in ([3-9]|\d\d+) s/.test(document.querySelector('#banner-message')?.textContent ?? ''),
    );
    const second = await startLive(t, { port: first.port });
    await a.click('#retry-now');
    await a.waitForSelector('#state[data-state="connected"]', { timeout: 2_000 });
    await retryNow(b);
    await b.waitForSelector('#state[data-state="connected"]', { timeout: 30_000 });
    await until(
      async () => (await second.documents.get('welcome')).content === `Typed offline. ${WELCOME_TEXT}`,
      'the offline text to reach the restarted server',
    );
    await waitForDoc(b, 'Typed offline. ');
    assert.equal(await docText(b), `Typed offline. ${WELCOME_TEXT}`);
    await a.waitForFunction(() => /saved$/.test(document.querySelector('#doc-status')?.textContent ?? ''));
    assert.equal(await a.isVisible('#banner'), false, 'the banner is gone once connected');

    // The chart: old samples, a gap for the time without the server, new samples after it.
    const count = Number(await a.textContent('#notification-count'));
    await a.waitForFunction(
      (n) => Number(document.querySelector('#notification-count')?.textContent) >= n + 3,
      count,
    );
    const gap = await widestGap(a);
    assert.ok(gap > 20, `the chart shows a gap where the page was disconnected (${gap} px)`);
    await a.screenshot({ path: `${ARTIFACTS}/live-back-online-a.png` });
  });

  test('typing done while one user is cut off is moved over what the others typed meanwhile', async (t) => {
    const { live, link, a, b } = await cutOff(t, 'streamable-http');
    await a.click('#doc');
    await a.keyboard.press('Control+Home');
    await a.keyboard.type('A, offline. ');
    await b.click('#doc');
    await b.keyboard.press('Control+End');
    await b.keyboard.type('B, online.');
    await until(
      async () => (await live.documents.get('welcome')).content.endsWith('B, online.'),
      "B's edit on the server",
    );
    assert.equal(await docText(a), `A, offline. ${WELCOME_TEXT}`, "A does not see B's edit while cut off");

    await link.mend();
    await retryNow(a);
    const merged = `A, offline. ${WELCOME_TEXT}B, online.`;
    await until(
      async () => (await live.documents.get('welcome')).content === merged,
      'both edits on the server',
    );
    for (const page of [a, b]) {
      await page.waitForFunction(
        (text) => (document.querySelector('#doc') as HTMLTextAreaElement).value === text,
        merged,
      );
    }
    assert.equal(await a.isHidden('#kept'), true, 'nothing clashed');
  });

  test('typing that clashes with an edit made meanwhile is kept on the page, not dropped', async (t) => {
    const { live, link, a, b } = await cutOff(t, 'stateless');
    for (const [page, word] of [
      [a, 'Hi'],
      [b, 'Hello'],
    ] as const) {
      await page.click('#doc');
      await page.keyboard.press('Control+Home');
      await page.keyboard.press('Control+Shift+ArrowRight');
      await page.keyboard.type(word);
    }
    await until(
      async () => (await live.documents.get('welcome')).content.startsWith('Hello'),
      "B's edit on the server",
    );
    const mine = await docText(a);
    assert.match(mine, /^Hi/);

    await link.mend();
    await retryNow(a);
    await a.waitForSelector('#kept:not([hidden])');
    assert.equal(await a.inputValue('#kept-text'), mine, "A's text is on the page, to copy");
    assert.match((await a.textContent('#kept-why')) ?? '', /not saved: someone changed the same text/);
    const server = (await live.documents.get('welcome')).content;
    assert.match(server, /^Hello/);
    await a.waitForFunction(
      (text) => (document.querySelector('#doc') as HTMLTextAreaElement).value === text,
      server,
    );
    await a.screenshot({ path: `${ARTIFACTS}/live-kept-a.png` });
    await a.click('#kept-dismiss');
    assert.equal(await a.isHidden('#kept'), true);
  });
});
