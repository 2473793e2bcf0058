// docs/client.md's browser example, as written there, in Debian's chromium: the built client and
// eventsource-parser served from the page's own origin through the import map, no bundler. The page
// connects over 2026-07-28, calls a tool and reports what it got.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { CHROMIUM_PATH, hasChromium, launchChromium } from '../../examples/live/chromium.ts';
import { McpServer, StreamableHTTPServer, s } from '../../src/index.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BUILT = join(ROOT, 'dist/client/index.js');
const missing = !hasChromium()
  ? `chromium is not installed at ${CHROMIUM_PATH} (apt-get install chromium)`
  : !existsSync(BUILT)
    ? 'dist/ is not built (npm run build; npm test builds it)'
    : undefined;

/** The ```html block of docs/client.md's "In a browser" section. */
function documentedPage(): string {
  const doc = readFileSync(join(ROOT, 'docs/client.md'), 'utf8');
  const section = doc.slice(doc.indexOf('### In a browser'));
  const block = /```html\n([\s\S]*?)```/.exec(section)?.[1];
  if (block === undefined) throw new Error('docs/client.md has no html example under "In a browser"');
  return block;
}

/** Where the import map's /vendor/ paths live in this checkout. */
const VENDOR: Record<string, string> = {
  '/vendor/mcp-live/': ROOT,
  '/vendor/eventsource-parser/': join(ROOT, 'node_modules/eventsource-parser/'),
};

describe('docs/client.md: the client in a browser without a bundler', {
  skip: missing !== undefined && process.env.CI !== 'true' ? missing : false,
}, () => {
  let browser: Browser | undefined;
  before(async () => {
    if (missing === undefined) browser = await launchChromium();
  });
  after(() => browser?.close());

  test('the documented import map loads the client, which connects and calls a tool', async (t) => {
    if (browser === undefined) throw new Error(`${missing}; CI must run the browser tests`);
    const server = new McpServer({ name: 'import-map', version: '1.0.0' });
    server.tool('shout', { input: { text: s.string().required() } }, ({ text }) => text.toUpperCase());
    const mcp = new StreamableHTTPServer(server);
    // The documented page, then a check of what its client can do.
    const page = `<!doctype html><title>loading</title><link rel="icon" href="data:,">${documentedPage()}
<script type="module">
  import { connect } from 'mcp-live/client';
  const client = await connect(new URL('/mcp', location.href));
  const result = await client.callTool('shout', { text: 'no bundler' });
  document.title = [client.protocolVersion, result.content[0].text].join(' ');
</script>`;
    const http = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (path === '/') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
        return;
      }
      const prefix = Object.keys(VENDOR).find((p) => path.startsWith(p));
      if (prefix !== undefined) {
        const file = normalize(join(VENDOR[prefix]!, path.slice(prefix.length)));
        if (file.startsWith(VENDOR[prefix]!) && extname(file) === '.js' && existsSync(file)) {
          res.writeHead(200, { 'content-type': 'text/javascript' }).end(readFileSync(file));
          return;
        }
      }
      void mcp.handleNode(req, res, () => res.writeHead(404).end());
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    t.after(async () => {
      await mcp.close();
      await server.close();
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
    });
    const context = await browser.newContext();
    t.after(() => context.close());
    const tab = await context.newPage();
    const problems: string[] = [];
    tab.on('pageerror', (error) => problems.push(error.message));
    tab.on('console', (m) => void (m.type() === 'error' && problems.push(m.text())));
    await tab.goto(`http://127.0.0.1:${(http.address() as AddressInfo).port}/`);
    await tab.waitForFunction(() => document.title !== 'loading', undefined, { timeout: 15_000 });
    assert.deepEqual(problems, []);
    assert.equal(await tab.title(), '2026-07-28 NO BUNDLER');
  });
});
