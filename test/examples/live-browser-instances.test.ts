// The live page across two instances of the example that share one real redis-server: users on
// different wires, each connected to another instance, see each other's chat and document edits, and
// each sees the metrics of the machine its own instance runs on (metrics stay per instance).
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { redisForTests } from '../stores/redis-server.ts';
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

const redis = await redisForTests();
after(() => redis.server?.close());

describe('the live page on two instances sharing Redis', { skip: BROWSER_SUITE.skip || redis.skip }, () => {
  const { users } = usePages();

  test('a 2026-07-28 user on one instance and an HTTP+SSE user on another see each other', async (t) => {
    const shared = { redisUrl: redis.server!.url, metricsInterval: 250 };
    const one = await startLive(t, { ...shared, instanceId: 'page-one' });
    const two = await startLive(t, { ...shared, instanceId: 'page-two' });
    const [a] = (await users(t, one, ['stateless'])) as [Page];
    const [b] = (await users(t, two, ['sse'])) as [Page];

    await a.fill('#chat-name', 'One');
    await a.fill('#chat-input', 'hello from instance one');
    await a.press('#chat-input', 'Enter');
    await waitForChat(b, 'hello from instance one', 'One');
    await b.fill('#chat-name', 'Two');
    await b.fill('#chat-input', 'hello back from instance two');
    await b.press('#chat-input', 'Enter');
    await waitForChat(a, 'hello back from instance two', 'Two');

    for (const page of [a, b]) await page.waitForSelector('#doc:not([disabled])');
    await a.click('#doc');
    await a.keyboard.press('Control+Home');
    await a.keyboard.type('[one] ');
    await waitForDoc(b, '[one] ');
    await b.click('#doc');
    await b.keyboard.press('Control+End');
    await b.keyboard.type('[two]');
    await waitForDoc(a, '[two]');
    await until(
      async () => (await one.documents.get('welcome')).content.endsWith('[two]'),
      'instance one to have the edit made at instance two',
    );
    const text = (await two.documents.get('welcome')).content;
    assert.ok(text.startsWith('[one] ') && text.endsWith('[two]'), text);
    for (const page of [a, b]) {
      await page.waitForFunction(
        (text) => (document.querySelector('#doc') as HTMLTextAreaElement).value === text,
        text,
      );
    }
    assert.equal(await docText(a), await docText(b));

    for (const page of [a, b]) {
      const before = Number(await page.textContent('#notification-count'));
      await page.waitForFunction(
        (n) => Number(document.querySelector('#notification-count')?.textContent) >= n + 4,
        before,
      );
      assert.match((await page.textContent('#cpu')) ?? '', /^\d+(\.\d)? %$/);
      assert.ok((await bluePixels(page)) > 50, 'the CPU line is drawn');
    }
    await a.screenshot({ path: `${ARTIFACTS}/live-instances-a.png` });
  });
});
