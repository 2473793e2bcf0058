import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The README's "A first server" code block, as written there. */
function firstServerBlock(): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## A first server'));
  const block = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(block, 'README.md has a ```ts block under "## A first server"');
  return block;
}

test("the README's first server runs as written and answers the official SDK client", async (t) => {
  const source = firstServerBlock();
  assert.match(source, /await sse\.listen\(8080\);/, 'the README listens on 8080');
  // Run the block unchanged except for where it imports from and which port it takes.
  const runnable = `${source
    .replace("from 'mcp-live'", `from ${JSON.stringify(pathToFileURL(join(root, 'src/index.ts')).href)}`)
    .replace('await sse.listen(8080);', "export const listening = await sse.listen('127.0.0.1:0');")}
export { server, sse };\n`;
  const dir = mkdtempSync(join(root, 'test', '.readme-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'first-server.ts');
  writeFileSync(file, runnable);
  const mod = (await import(pathToFileURL(file).href)) as {
    listening: { port: number };
    sse: { close(): Promise<void> };
  };
  t.after(() => mod.sse.close());

  const client = new Client({ name: 'readme-test', version: '1.0.0' });
  await client.connect(new SSEClientTransport(new URL(`http://127.0.0.1:${mod.listening.port}/mcp/sse`)));
  t.after(() => client.close());

  const result = await client.callTool({ name: 'greet', arguments: { name: 'Ada', times: 2 } });
  assert.deepEqual(result.content, [{ type: 'text', text: 'Hello, Ada!Hello, Ada!' }]);

  const invalid = await client.callTool({ name: 'greet', arguments: {} });
  assert.equal(invalid.isError, true);
  assert.match(JSON.stringify(invalid.content), /"name\\" is required/);

  const about = await client.readResource({ uri: 'hello://about' });
  assert.deepEqual(about.contents, [
    { uri: 'hello://about', mimeType: 'text/plain', text: 'A friendly server.' },
  ]);
});

test('every link and picture in the README works on the npm registry page: absolute, and into this repository only at files it has', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { repository: { url: string } };
  const repository = pkg.repository.url.replace(/^git\+/, '').replace(/\.git$/, '');
  const targets = [...readme.matchAll(/!?\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
  assert.ok(targets.length > 10, 'the README has its links');
  const relative = targets.filter((target) => !/^(https?:|#)/.test(target));
  assert.deepEqual(relative, [], 'relative links break on the npm page');
  const [, owner, name] = /^https:\/\/github\.com\/([^/]+)\/([^/]+)$/.exec(repository) ?? [];
  assert.ok(owner && name, `package.json repository is a GitHub URL (got ${repository})`);
  const ours = new RegExp(
    `^(?:https://github\\.com/${owner}/${name}/(?:blob|tree)/main/|https://raw\\.githubusercontent\\.com/${owner}/${name}/main/)(.+)$`,
  );
  for (const target of targets) {
    const path = ours.exec(target)?.[1];
    if (path !== undefined)
      assert.ok(existsSync(join(root, path)), `${target} names ${path}, which is not in the repository`);
  }
});
