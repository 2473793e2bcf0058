import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ReadResourceResult } from '../../src/protocol/resources.ts';
import { McpServer } from '../../src/server/mcp-server.ts';
import { blobResource, textResource } from '../../src/server/results.ts';
import { connectTestClient } from '../../src/testing/test-client.ts';
import { rejectsWithCode, settle } from './helpers.ts';

function libraryServer() {
  const server = new McpServer({ name: 'library', version: '1' });
  server.resource(
    'docs://readme',
    { name: 'README', title: 'Read me', description: 'Start here', mimeType: 'text/markdown', size: 11 },
    () => '# Read me\n',
  );
  server.resource('docs://logo', { name: 'Logo', mimeType: 'image/png' }, (uri) =>
    blobResource(uri, new Uint8Array([1, 2, 3]), 'image/png'),
  );
  server.resourceTemplate(
    'users://{id}/profile',
    {
      name: 'Profile',
      mimeType: 'application/json',
      list: () => [{ uri: 'users://ada/profile', name: 'Ada' }],
    },
    (uri, { id }) => JSON.stringify({ uri, id }),
  );
  return server;
}

describe('resources/list, resources/templates/list and resources/read', () => {
  test('lists static resources with their metadata, then the ones each template lists', async () => {
    const client = await connectTestClient(libraryServer());
    assert.deepEqual(await client.request('resources/list'), {
      resources: [
        {
          uri: 'docs://readme',
          name: 'README',
          title: 'Read me',
          description: 'Start here',
          mimeType: 'text/markdown',
          size: 11,
        },
        { uri: 'docs://logo', name: 'Logo', mimeType: 'image/png' },
        { uri: 'users://ada/profile', name: 'Ada' },
      ],
    });
    await client.close();
  });

  test('lists templates with their RFC 6570 uriTemplate', async () => {
    const client = await connectTestClient(libraryServer());
    assert.deepEqual(await client.request('resources/templates/list'), {
      resourceTemplates: [
        { uriTemplate: 'users://{id}/profile', name: 'Profile', mimeType: 'application/json' },
      ],
    });
    await client.close();
  });

  test('reads a static resource as text in its MIME type, and binary as base64', async () => {
    const client = await connectTestClient(libraryServer());
    assert.deepEqual(await client.request('resources/read', { uri: 'docs://readme' }), {
      contents: [{ uri: 'docs://readme', mimeType: 'text/markdown', text: '# Read me\n' }],
    });
    assert.deepEqual(await client.request('resources/read', { uri: 'docs://logo' }), {
      contents: [{ uri: 'docs://logo', mimeType: 'image/png', blob: 'AQID' }],
    });
    await client.close();
  });

  test('reads through a template, handing the handler the variables the URI matched', async () => {
    const client = await connectTestClient(libraryServer());
    const result = (await client.request('resources/read', {
      uri: 'users://grace/profile',
    })) as ReadResourceResult;
    assert.deepEqual(result.contents, [
      {
        uri: 'users://grace/profile',
        mimeType: 'application/json',
        text: JSON.stringify({ uri: 'users://grace/profile', id: 'grace' }),
      },
    ]);
    await client.close();
  });

  test('a handler may return several contents or a whole result', async () => {
    const server = new McpServer({ name: 'multi', version: '1' });
    server.resource('bundle://all', { name: 'All' }, (uri) => [
      textResource(`${uri}#a`, 'A'),
      textResource(`${uri}#b`, 'B', 'text/plain'),
    ]);
    server.resource('bundle://whole', { name: 'Whole' }, (uri) => ({
      contents: [textResource(uri, 'W')],
      _meta: { cached: true },
    }));
    const client = await connectTestClient(server);
    assert.deepEqual(await client.request('resources/read', { uri: 'bundle://all' }), {
      contents: [
        { uri: 'bundle://all#a', text: 'A' },
        { uri: 'bundle://all#b', mimeType: 'text/plain', text: 'B' },
      ],
    });
    assert.deepEqual(await client.request('resources/read', { uri: 'bundle://whole' }), {
      contents: [{ uri: 'bundle://whole', text: 'W' }],
      _meta: { cached: true },
    });
    await client.close();
  });

  test('an unknown URI is -32002 naming the URI, in data too', async () => {
    const client = await connectTestClient(libraryServer());
    await assert.rejects(client.request('resources/read', { uri: 'docs://missing' }), (error: unknown) => {
      const e = error as { code: number; message: string; data: unknown };
      assert.equal(e.code, -32002);
      assert.match(e.message, /docs:\/\/missing/);
      assert.deepEqual(e.data, { uri: 'docs://missing' });
      return true;
    });
    // Near misses of a template do not match it.
    await rejectsWithCode(client.request('resources/read', { uri: 'users://ada/settings' }), -32002);
    await rejectsWithCode(client.request('resources/read', { uri: 'users://a/b/profile' }), -32002);
    await client.close();
  });

  test('a resource handler that throws answers -32603 with its message and the server keeps serving', async () => {
    const server = new McpServer({ name: 'broken', version: '1' });
    const errors: unknown[] = [];
    server.on('error', (error) => {
      errors.push(error);
    });
    server.resource('broken://now', { name: 'Broken' }, () => {
      throw new Error('disk read failed');
    });
    server.resource('fine://now', { name: 'Fine' }, () => 'ok');
    const client = await connectTestClient(server);
    await rejectsWithCode(
      client.request('resources/read', { uri: 'broken://now' }),
      -32603,
      /resources\/read/,
      /disk read failed/,
    );
    assert.deepEqual(await client.request('resources/read', { uri: 'fine://now' }), {
      contents: [{ uri: 'fine://now', text: 'ok' }],
    });
    assert.equal(errors.length, 1);
    await client.close();
  });
});

describe('choosing between templates that match the same URI', () => {
  test('the most specific template wins, whatever the registration order', async () => {
    for (const order of [
      ['files:///{+path}', 'files:///docs/{name}'],
      ['files:///docs/{name}', 'files:///{+path}'],
    ]) {
      const server = new McpServer({ name: 'specific', version: '1' });
      for (const template of order) server.resourceTemplate(template, { name: template }, () => template);
      const client = await connectTestClient(server);
      const read = async (uri: string) =>
        ((await client.request('resources/read', { uri })) as { contents: Array<{ text: string }> })
          .contents[0]?.text;
      assert.equal(await read('files:///docs/intro'), 'files:///docs/{name}');
      assert.equal(await read('files:///src/index.ts'), 'files:///{+path}');
      await client.close();
    }
  });

  test('equally specific templates are resolved by registration order', async () => {
    for (const [first, second] of [
      ['items://{a}', 'items://{b}'],
      ['items://{b}', 'items://{a}'],
    ] as const) {
      const server = new McpServer({ name: 'ties', version: '1' });
      server.resourceTemplate(first, { name: 'first' }, () => first);
      server.resourceTemplate(second, { name: 'second' }, () => second);
      const client = await connectTestClient(server);
      const result = (await client.request('resources/read', { uri: 'items://42' })) as {
        contents: Array<{ text: string }>;
      };
      assert.equal(result.contents[0]?.text, first);
      await client.close();
    }
  });
});

describe('subscriptions', () => {
  test('resourceUpdated reaches exactly the sessions subscribed to that URI', async () => {
    const server = libraryServer();
    const a = await connectTestClient(server);
    const b = await connectTestClient(server);
    const c = await connectTestClient(server);
    assert.deepEqual(await a.request('resources/subscribe', { uri: 'docs://readme' }), {});
    await b.request('resources/subscribe', { uri: 'users://ada/profile' });

    assert.equal(await server.resourceUpdated('docs://readme'), 1);
    assert.deepEqual((await a.waitForNotification('notifications/resources/updated')).params, {
      uri: 'docs://readme',
    });
    assert.equal(await server.resourceUpdated('users://ada/profile'), 1);
    await b.waitForNotification('notifications/resources/updated');
    assert.equal(await server.resourceUpdated('docs://logo'), 0);
    await settle();

    const updates = (client: typeof a) =>
      client.notifications
        .filter((n) => n.method === 'notifications/resources/updated')
        .map((n) => n.params?.uri);
    assert.deepEqual(updates(a), ['docs://readme']);
    assert.deepEqual(updates(b), ['users://ada/profile']);
    assert.deepEqual(updates(c), []);
    await Promise.all([a.close(), b.close(), c.close()]);
  });

  test('after unsubscribe a session hears no more updates; other subscribers still do', async () => {
    const server = libraryServer();
    const a = await connectTestClient(server);
    const b = await connectTestClient(server);
    await a.request('resources/subscribe', { uri: 'docs://readme' });
    await b.request('resources/subscribe', { uri: 'docs://readme' });
    assert.deepEqual(await a.request('resources/unsubscribe', { uri: 'docs://readme' }), {});
    assert.equal(await server.resourceUpdated('docs://readme'), 1);
    await b.waitForNotification('notifications/resources/updated');
    await settle();
    assert.equal(a.notifications.filter((n) => n.method === 'notifications/resources/updated').length, 0);
    await Promise.all([a.close(), b.close()]);
  });

  test('subscribing to a URI that no resource or template serves is -32002', async () => {
    const client = await connectTestClient(libraryServer());
    await rejectsWithCode(
      client.request('resources/subscribe', { uri: 'docs://nothing' }),
      -32002,
      /docs:\/\/nothing/,
    );
    await client.close();
  });

  test('a closed session is not counted among the subscribers', async () => {
    const server = libraryServer();
    const a = await connectTestClient(server);
    await a.request('resources/subscribe', { uri: 'docs://readme' });
    await a.close();
    assert.equal(await server.resourceUpdated('docs://readme'), 0);
  });
});
