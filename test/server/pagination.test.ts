import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { McpServer } from '../../src/server/mcp-server.ts';
import { connectTestClient, type TestClient } from '../../src/testing/test-client.ts';
import { rejectsWithCode } from './helpers.ts';

function bigServer(pageSize?: number) {
  const server = new McpServer({ name: 'big', version: '1' }, pageSize === undefined ? {} : { pageSize });
  for (let i = 0; i < 7; i++) {
    server.tool(`tool_${i}`, {}, () => `${i}`);
    server.resource(`memo://${i}`, { name: `memo ${i}` }, () => `${i}`);
    server.resourceTemplate(`memo://${i}/{part}`, { name: `part of ${i}` }, (uri) => uri);
    server.prompt(`prompt_${i}`, {}, () => `${i}`);
  }
  return server;
}

const LISTS = [
  { method: 'tools/list', key: 'tools', field: 'name', item: (i: number) => `tool_${i}` },
  { method: 'resources/list', key: 'resources', field: 'uri', item: (i: number) => `memo://${i}` },
  {
    method: 'resources/templates/list',
    key: 'resourceTemplates',
    field: 'uriTemplate',
    item: (i: number) => `memo://${i}/{part}`,
  },
  { method: 'prompts/list', key: 'prompts', field: 'name', item: (i: number) => `prompt_${i}` },
] as const;

/** Follows nextCursor to the end; returns each page's ids. */
async function walk(client: TestClient, list: (typeof LISTS)[number]): Promise<unknown[][]> {
  const pages: unknown[][] = [];
  let cursor: string | undefined;
  do {
    const result = await client.request(list.method, cursor === undefined ? {} : { cursor });
    pages.push((result[list.key] as Array<Record<string, unknown>>).map((item) => item[list.field]));
    cursor = result.nextCursor as string | undefined;
    assert.ok(pages.length < 20, `${list.method} never stopped paging`);
  } while (cursor !== undefined);
  return pages;
}

describe('pagination', () => {
  for (const list of LISTS) {
    test(`${list.method} pages by the server's pageSize with opaque cursors, in registration order`, async () => {
      const client = await connectTestClient(bigServer(3));
      const pages = await walk(client, list);
      assert.deepEqual(
        pages.map((p) => p.length),
        [3, 3, 1],
      );
      assert.deepEqual(
        pages.flat(),
        Array.from({ length: 7 }, (_, i) => list.item(i)),
      );
      await client.close();
    });
  }

  test('a list that fits in one page has no nextCursor', async () => {
    const client = await connectTestClient(bigServer());
    for (const list of LISTS) {
      const result = await client.request(list.method);
      assert.equal((result[list.key] as unknown[]).length, 7);
      assert.equal('nextCursor' in result, false, list.method);
    }
    await client.close();
  });

  test('a cursor that the server did not issue is -32602 naming the list', async () => {
    const client = await connectTestClient(bigServer(3));
    for (const list of LISTS) {
      for (const cursor of ['not-a-cursor!', 'eyJ4IjoxfQ', 42]) {
        await rejectsWithCode(
          client.request(list.method, { cursor }),
          -32602,
          new RegExp(`Invalid cursor for ${list.method.replaceAll('/', '\\/')}`),
        );
      }
    }
    await client.close();
  });

  test("one list's cursor is refused by another list", async () => {
    const client = await connectTestClient(bigServer(3));
    const { nextCursor } = await client.request('tools/list');
    assert.equal(typeof nextCursor, 'string');
    await rejectsWithCode(
      client.request('prompts/list', { cursor: nextCursor }),
      -32602,
      /issued for tools\/list/,
    );
    await client.close();
  });

  test('a cursor past the end of a list that shrank is -32602, not an empty page', async () => {
    const server = bigServer(3);
    const client = await connectTestClient(server);
    const first = await client.request('tools/list');
    const second = await client.request('tools/list', { cursor: first.nextCursor });
    for (let i = 0; i < 7; i++) server.removeTool(`tool_${i}`);
    await rejectsWithCode(
      client.request('tools/list', { cursor: second.nextCursor }),
      -32602,
      /past the end/,
    );
    await client.close();
  });
});
