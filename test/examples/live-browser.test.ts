// The live page in a real browser: Debian's chromium driven by playwright-core, two browser contexts as
// two users (A over Streamable HTTP, B over HTTP+SSE). Screenshots go to test-artifacts/.
import assert from 'node:assert/strict';
import { describe, type TestContext, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { LiveServer } from '../../examples/live/live-server.ts';
import { startLive, until } from './live-harness.ts';
import { ARTIFACTS, BROWSER_SUITE, bluePixels, type OpenOptions, usePages } from './live-page.ts';

describe('the live page in chromium', BROWSER_SUITE, () => {
  const { open, users } = usePages();

  async function twoUsers(
    t: TestContext,
    live: LiveServer,
    options: OpenOptions = {},
  ): Promise<[Page, Page]> {
    const [a, b] = await users(t, live, ['streamable-http', 'sse'], options);
    return [a!, b!];
  }

  test("A's chat message appears for B, and B's reply for A", async (t) => {
    const live = await startLive(t);
    const [a, b] = await twoUsers(t, live);
    await a.fill('#chat-name', 'Ada');
    await a.fill('#chat-input', 'Hello from A');
    await a.press('#chat-input', 'Enter');
    await b.waitForFunction(
      ([from, text]) =>
        [...document.querySelectorAll('#chat-log li')].some(
          (li) =>
            li.querySelector('b')?.textContent === from && li.querySelector('span')?.textContent === text,
        ),
      ['Ada', 'Hello from A'],
    );
    await b.fill('#chat-name', 'Grace');
    await b.fill('#chat-input', 'Hi A, B here');
    await b.click('#chat-form button');
    await a.waitForFunction(
      () => document.querySelector('#chat-log')?.textContent?.includes('Hi A, B here') ?? false,
    );
    assert.deepEqual(
      (await live.chat.history('general')).map((m) => [m.from, m.text]),
      [
        ['Ada', 'Hello from A'],
        ['Grace', 'Hi A, B here'],
      ],
    );
    await b.screenshot({ path: `${ARTIFACTS}/live-chat-b.png` });
  });

  test("A's document edit appears for B, and edits typed at once in both converge", async (t) => {
    const live = await startLive(t);
    const [a, b] = await twoUsers(t, live);
    const value = (page: Page) => page.inputValue('#doc');
    await a.waitForSelector('#doc:not([disabled])');
    await b.waitForSelector('#doc:not([disabled])');
    await a.click('#doc');
    await a.keyboard.press('Control+Home');
    await a.keyboard.type('A was here. ');
    await b.waitForFunction(() =>
      (document.querySelector('#doc') as HTMLTextAreaElement).value.startsWith('A was here. '),
    );

    await b.click('#doc');
    await b.keyboard.press('Control+End');
    await Promise.all([a.keyboard.type('[top from A]'), b.keyboard.type('[end from B]')]);
    for (const page of [a, b]) {
      await page.waitForFunction(() => {
        const text = (document.querySelector('#doc') as HTMLTextAreaElement).value;
        return (
          text.includes('[top from A]') &&
          text.includes('[end from B]') &&
          /saved/.test(document.querySelector('#doc-status')?.textContent ?? '')
        );
      });
    }
    await until(
      async () => (await live.documents.get('welcome')).content.includes('[end from B]'),
      'the server to have both',
    );
    const server = (await live.documents.get('welcome')).content;
    await a.waitForFunction(
      (text) => (document.querySelector('#doc') as HTMLTextAreaElement).value === text,
      server,
    );
    await b.waitForFunction(
      (text) => (document.querySelector('#doc') as HTMLTextAreaElement).value === text,
      server,
    );
    assert.equal(await value(a), await value(b));
    assert.ok(server.startsWith('A was here. [top from A]'), server);
    assert.ok(server.trimEnd().endsWith('[end from B]'), server);
    await a.screenshot({ path: `${ARTIFACTS}/live-document-a.png` });
  });

  test('the stream_data progress bar advances and completes', async (t) => {
    const live = await startLive(t, { streamDelay: 50 });
    const [a] = await twoUsers(t, live);
    await a.selectOption('#stream-source', 'sequence');
    await a.fill('#stream-count', '20');
    await a.click('#stream-start');
    await a.waitForFunction(() => {
      const bar = document.querySelector('#stream-progress') as HTMLProgressElement;
      return bar.max === 20 && bar.value > 0 && bar.value < 20;
    });
    await a.waitForSelector('#stream-card[data-status="completed"]');
    assert.equal(await a.$eval('#stream-progress', (bar) => (bar as HTMLProgressElement).value), 20);
    assert.equal(await a.textContent('#stream-status'), 'completed: 20 items');
    assert.match((await a.textContent('#stream-result')) ?? '', /"source": "sequence", "count": 20/);
    assert.equal(live.runs.all.at(-1)?.status, 'completed');
    await a.screenshot({ path: `${ARTIFACTS}/live-progress-a.png` });
  });

  test('cancel stops the stream_data call on the server', async (t) => {
    const live = await startLive(t, { streamDelay: 50 });
    // Cancelling ends the call's own response stream: the one request that is meant to end early.
    const [a] = await twoUsers(t, live, { allowFailed: /^POST \S+\/mcp net::ERR_ABORTED$/ });
    await a.fill('#stream-count', '1000');
    await a.click('#stream-start');
    await a.waitForFunction(
      () => (document.querySelector('#stream-progress') as HTMLProgressElement).value >= 3,
    );
    await a.click('#stream-cancel');
    await a.waitForSelector('#stream-card[data-status="cancelled"]');
    const run = live.runs.all.at(-1)!;
    await until(() => run.status !== 'running', 'the server to stop the call');
    assert.equal(run.status, 'cancelled');
    assert.ok(run.produced >= 3 && run.produced < 1000, `the server produced ${run.produced} items`);
    assert.match((await a.textContent('#stream-status')) ?? '', /^cancelled after \d+\/1000 items$/);
    assert.equal(await a.isEnabled('#stream-start'), true);
    await a.screenshot({ path: `${ARTIFACTS}/live-cancelled-a.png` });
  });

  test('the live chart and figures show the metrics the server pushes', async (t) => {
    const live = await startLive(t, { metricsInterval: 100 });
    const [a] = await twoUsers(t, live);
    await a.waitForFunction(() => Number(document.querySelector('#notification-count')?.textContent) >= 5);
    assert.match((await a.textContent('#cpu')) ?? '', /^\d+(\.\d)? %$/);
    assert.match((await a.textContent('#memory-detail')) ?? '', /GiB of \d+(\.\d)? GiB$/);
    const painted = await bluePixels(a);
    assert.ok(painted > 50, `the CPU line is drawn (${painted} pixels)`);
    await a.screenshot({ path: `${ARTIFACTS}/live-page-a.png` });
  });

  test('the page shows a lost connection and reconnects to a restarted server, over both transports', async (t) => {
    const first = await startLive(t);
    const pages = await twoUsers(t, first, { allow: /ERR_CONNECTION_REFUSED|404 \(Not Found\)/ });
    const before = await Promise.all(pages.map((page) => page.textContent('#session-id')));
    // Every state the badge takes from here on, in order.
    for (const page of pages) {
      await page.evaluate(() => {
        const badge = document.getElementById('state')!;
        const seen: string[] = [];
        (window as unknown as { states: string[] }).states = seen;
        new MutationObserver(() => seen.push(badge.dataset.state ?? '')).observe(badge, {
          attributes: true,
          attributeFilter: ['data-state'],
        });
      });
    }
    await first.close();
    for (const page of pages)
      await page.waitForSelector('#state[data-state="disconnected"]', { timeout: 30_000 });
    for (const page of pages) {
      const seen = await page.evaluate(() => (window as unknown as { states: string[] }).states);
      // Each attempt sets the badge again; what matters is the order of the states it went through.
      const states = seen.filter((state, i) => state !== seen[i - 1]);
      assert.deepEqual(
        states.slice(0, 2),
        ['reconnecting', 'disconnected'],
        'the page says the client is resuming its stream before it gives up on the server',
      );
    }
    const second = await startLive(t, { port: first.port });
    for (const page of pages)
      await page.waitForSelector('#state[data-state="connected"]', { timeout: 30_000 });
    const after = await Promise.all(pages.map((page) => page.textContent('#session-id')));
    assert.deepEqual(
      after.filter((id, i) => id === before[i]),
      [],
      'each page has a new session',
    );
    assert.deepEqual(
      [...second.server.sessions].map((session) => session.id).sort(),
      [...after].sort(),
      'the new sessions are on the new server',
    );
  });

  test('with MCP_LIVE_TOKEN the page asks for the token, or takes it from #token=', async (t) => {
    const live = await startLive(t, { token: 'browser-secret' });
    const unauthorized = /401 \(Unauthorized\)/;
    const asks = await open(t, live, '', { allow: unauthorized });
    await asks.waitForSelector('#state[data-state="unauthorized"]');
    assert.equal(await asks.isVisible('#token-form'), true);
    await asks.fill('#token', 'browser-secret');
    await asks.click('#token-form button');
    await asks.waitForSelector('#state[data-state="connected"]');

    const linked = await open(t, live, '?transport=sse', {
      hash: '#token=browser-secret',
      allow: unauthorized,
    });
    await linked.waitForSelector('#state[data-state="connected"]');
    assert.equal(await linked.evaluate(() => location.hash), '', 'the token leaves the address bar');
  });

  test('a wrong token disables what needs the server and says the token was refused', async (t) => {
    const live = await startLive(t, { token: 'browser-secret' });
    const page = await open(t, live, '?transport=stateless', {
      hash: '#token=not-the-token',
      allow: /401 \(Unauthorized\)/,
    });
    await page.waitForSelector('#state[data-state="unauthorized"]');
    assert.match((await page.textContent('#token-problem')) ?? '', /refused this token/);
    assert.match((await page.textContent('#banner-message')) ?? '', /refused the token/);
    for (const control of ['#chat-input', '#chat-form button', '#stream-start', '#doc']) {
      assert.equal(await page.isDisabled(control), true, `${control} is disabled`);
    }
    assert.match((await page.textContent('#doc-status')) ?? '', /the server refused the token/);
    await page.screenshot({ path: `${ARTIFACTS}/live-refused-token.png` });

    await page.fill('#token', 'browser-secret');
    await page.click('#token-form button');
    await page.waitForSelector('#state[data-state="connected"]');
    await page.waitForSelector('#doc:not([disabled])');
    assert.equal(await page.isEnabled('#chat-input'), true);
    assert.equal(await page.isEnabled('#stream-start'), true);
    assert.equal(await page.isHidden('#banner'), true);
    assert.match((await page.textContent('#doc-status')) ?? '', /saved$/);
  });
});
