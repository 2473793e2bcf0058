// The live page over each of its three wires at once: MCP 2026-07-28 (no session: a listen stream with
// the dev.mcp-live/events extension), a Streamable HTTP 2025 session and HTTP+SSE. Users on different
// wires see each other's chat, document edits and the server's metrics.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { startLive, until } from './live-harness.ts';
import {
  ARTIFACTS,
  BROWSER_SUITE,
  bluePixels,
  docText,
  usePages,
  waitForChat,
  waitForDoc,
} from './live-page.ts';

describe('the live page on every wire', BROWSER_SUITE, () => {
  const { users } = usePages();

  test('users on 2026-07-28, Streamable HTTP and HTTP+SSE see each other’s chat, edits and metrics', async (t) => {
    const live = await startLive(t, { metricsInterval: 200 });
    const pages = await users(t, live, ['stateless', 'streamable-http', 'sse']);
    const [modern, streamable, sse] = pages as [Page, Page, Page];
    assert.equal(await modern.textContent('#protocol'), '2026-07-28');
    assert.equal(await modern.textContent('#session-id'), 'none');
    assert.equal(await sse.textContent('#protocol'), '2025-11-25');
    assert.match((await streamable.textContent('#session-id')) ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(
      await modern.getAttribute('#transports a[aria-current="page"]', 'href'),
      '?transport=stateless',
    );

    const names = ['Nova', 'Stella', 'Sid'];
    for (const [i, page] of pages.entries()) {
      await page.fill('#chat-name', names[i]!);
      await page.fill('#chat-input', `hello from ${names[i]}`);
      await page.press('#chat-input', 'Enter');
      for (const other of pages) await waitForChat(other, `hello from ${names[i]}`, names[i]);
    }
    assert.deepEqual(
      (await live.chat.history('general')).map((m) => m.from),
      names,
    );

    for (const page of pages) await page.waitForSelector('#doc:not([disabled])');
    for (const [i, page] of pages.entries()) {
      await page.click('#doc');
      await page.keyboard.press(i === 0 ? 'Control+Home' : 'Control+End');
      await page.keyboard.type(`[${names[i]}]`);
      for (const other of pages) await waitForDoc(other, `[${names[i]}]`);
    }
    await until(
      async () => (await live.documents.get('welcome')).content.includes('[Sid]'),
      'the server to have every edit',
    );
    const server = (await live.documents.get('welcome')).content;
    for (const page of pages) {
      await page.waitForFunction(
        (text) => (document.querySelector('#doc') as HTMLTextAreaElement).value === text,
        server,
      );
    }
    assert.ok(server.startsWith('[Nova]'), server);
    assert.equal(await docText(modern), server);

    // Metrics: the 2026 page reads metrics://current each time its listen says it changed.
    const counts = await Promise.all(pages.map((page) => page.textContent('#notification-count')));
    for (const [i, page] of pages.entries()) {
      await page.waitForFunction(
        (before) => Number(document.querySelector('#notification-count')?.textContent) >= before + 5,
        Number(counts[i]),
      );
      assert.match((await page.textContent('#cpu')) ?? '', /^\d+(\.\d)? %$/);
      assert.ok((await bluePixels(page)) > 50, `the CPU line is drawn on the ${names[i]} page`);
    }
    assert.match((await modern.textContent('#metrics-how')) ?? '', /subscriptions\/listen/);
    await modern.screenshot({ path: `${ARTIFACTS}/live-2026.png` });
  });

  test('stream_data shows progress and can be cancelled on the 2026-07-28 wire', async (t) => {
    const live = await startLive(t, { streamDelay: 50 });
    // Cancelling a 2026-07-28 call closes its own response stream: the one request meant to end early.
    const [page] = await users(t, live, ['stateless'], { allowFailed: /^POST \S+\/mcp net::ERR_ABORTED$/ });
    await page!.fill('#stream-count', '1000');
    await page!.click('#stream-start');
    await page!.waitForFunction(
      () => (document.querySelector('#stream-progress') as HTMLProgressElement).value >= 3,
    );
    await page!.click('#stream-cancel');
    await page!.waitForSelector('#stream-card[data-status="cancelled"]');
    const run = live.runs.all.at(-1)!;
    await until(() => run.status !== 'running', 'the server to stop the call');
    assert.equal(run.status, 'cancelled');
  });
});
