// `npm run screenshot`: regenerates docs/images/live-page.png, the README's picture of the live page,
// from two browser tabs talking to each other through a live server.
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { launchChromium } from './chromium.ts';
import { startLiveServer } from './live-server.ts';

const out = fileURLToPath(new URL('../../docs/images/live-page.png', import.meta.url));
const live = await startLiveServer({ port: 0, metricsInterval: 250, streamDelay: 120, log: () => {} });
const browser = await launchChromium();
try {
  const viewport = { width: 1280, height: 820 };
  const ada = await (await browser.newContext({ viewport })).newPage();
  const grace = await (await browser.newContext({ viewport })).newPage();
  await ada.goto(`${live.url}?transport=streamable-http`);
  await grace.goto(`${live.url}?transport=sse`);
  for (const [page, name] of [
    [ada, 'Ada'],
    [grace, 'Grace'],
  ] as const) {
    await page.waitForSelector('#state[data-state="connected"]');
    await page.fill('#chat-name', name);
  }
  const say = async (page: typeof ada, text: string) => {
    await page.fill('#chat-input', text);
    await page.press('#chat-input', 'Enter');
    await page.waitForFunction((t) => document.querySelector('#chat-log')?.textContent?.includes(t), text);
  };
  await say(ada, 'Hi Grace! Watch the CPU line while I run stream_data.');
  await say(grace, 'Got it over SSE. I am editing the document now.');
  await grace.click('#doc');
  await grace.press('#doc', 'Control+End');
  await grace.keyboard.type('Grace was here (over HTTP+SSE).\n');
  await ada.waitForFunction(() =>
    (document.querySelector('#doc') as HTMLTextAreaElement).value.includes('Grace was here'),
  );
  await ada.waitForFunction(() => Number(document.querySelector('#notification-count')?.textContent) > 40);
  await ada.selectOption('#stream-source', 'metrics');
  await ada.fill('#stream-count', '50');
  await ada.click('#stream-start');
  await ada.waitForFunction(
    () => (document.querySelector('#stream-progress') as HTMLProgressElement).value >= 30,
  );
  await mkdir(fileURLToPath(new URL('../../docs/images/', import.meta.url)), { recursive: true });
  await ada.screenshot({ path: out });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  await live.close();
}
