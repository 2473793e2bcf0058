import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { McpServer } from '../../src/server/mcp-server.ts';
import { connectTestClient, type TestClient } from '../../src/testing/test-client.ts';
import { isLiveError, settle } from './helpers.ts';

function fullServer() {
  const server = new McpServer({ name: 'live', version: '1' });
  server.tool('base_tool', {}, () => 'base');
  server.resource('memo://base', { name: 'Base' }, () => 'base');
  server.prompt('base_prompt', {}, () => 'base');
  return server;
}

function count(client: TestClient, method: string): number {
  return client.notifications.filter((n) => n.method === method).length;
}

type Kind = 'tools' | 'resources' | 'prompts';

/** Each run-time change, by what it changes and the list_changed it must send. */
const CHANGES: Array<{ what: string; kind: Kind; change: (server: McpServer) => void }> = [
  { what: 'adding a tool', kind: 'tools', change: (s) => void s.tool('added', {}, () => 'x') },
  { what: 'removing a tool', kind: 'tools', change: (s) => assert.equal(s.removeTool('base_tool'), true) },
  {
    what: 'replacing a tool',
    kind: 'tools',
    change: (s) => void s.tool('base_tool', { description: 'v2' }, () => 'v2', { replace: true }),
  },
  {
    what: 'adding a resource',
    kind: 'resources',
    change: (s) => void s.resource('memo://new', { name: 'N' }, () => ''),
  },
  {
    what: 'removing a resource',
    kind: 'resources',
    change: (s) => assert.equal(s.removeResource('memo://base'), true),
  },
  {
    what: 'replacing a resource',
    kind: 'resources',
    change: (s) => void s.resource('memo://base', { name: 'Base v2' }, () => 'v2', { replace: true }),
  },
  {
    what: 'adding a resource template',
    kind: 'resources',
    change: (s) => void s.resourceTemplate('memo://{id}', { name: 'T' }, () => ''),
  },
  { what: 'adding a prompt', kind: 'prompts', change: (s) => void s.prompt('new_prompt', {}, () => '') },
  {
    what: 'removing a prompt',
    kind: 'prompts',
    change: (s) => assert.equal(s.removePrompt('base_prompt'), true),
  },
  {
    what: 'replacing a prompt',
    kind: 'prompts',
    change: (s) => void s.prompt('base_prompt', { description: 'v2' }, () => 'v2', { replace: true }),
  },
];

describe('list_changed', () => {
  for (const { what, kind, change } of CHANGES) {
    test(`${what} at run time sends notifications/${kind}/list_changed to initialized sessions only`, async () => {
      const server = fullServer();
      const a = await connectTestClient(server);
      const b = await connectTestClient(server);
      const fresh = await connectTestClient(server, { initialize: false });
      change(server);
      const method = `notifications/${kind}/list_changed`;
      await Promise.all([a.waitForNotification(method), b.waitForNotification(method)]);
      await settle();
      assert.equal(count(a, method), 1);
      assert.equal(count(b, method), 1);
      assert.equal(fresh.notifications.length, 0, 'a session that never initialized hears nothing');
      const others = (['tools', 'resources', 'prompts'] as const).filter((k) => k !== kind);
      for (const other of others) assert.equal(count(a, `notifications/${other}/list_changed`), 0);
      await Promise.all([a.close(), b.close(), fresh.close()]);
    });
  }

  test('the new list is what the notified client reads next', async () => {
    const server = fullServer();
    const client = await connectTestClient(server);
    server.tool('base_tool', { description: 'second version' }, () => 'v2', { replace: true });
    await client.waitForNotification('notifications/tools/list_changed');
    const { tools } = (await client.request('tools/list')) as {
      tools: Array<{ name: string; description?: string }>;
    };
    assert.deepEqual(
      tools.map((t) => [t.name, t.description]),
      [['base_tool', 'second version']],
    );
    assert.deepEqual((await client.callTool('base_tool')).content, [{ type: 'text', text: 'v2' }]);
    await client.close();
  });

  test('changes made in one go are announced once', async () => {
    const server = fullServer();
    const client = await connectTestClient(server);
    server.tool('one', {}, () => '1');
    server.tool('two', {}, () => '2');
    server.removeTool('one');
    await client.waitForNotification('notifications/tools/list_changed');
    await settle();
    assert.equal(count(client, 'notifications/tools/list_changed'), 1);
    await client.close();
  });

  test('removing what does not exist changes nothing and announces nothing', async () => {
    const server = fullServer();
    const client = await connectTestClient(server);
    assert.equal(server.removeTool('ghost'), false);
    assert.equal(server.removeResource('memo://ghost'), false);
    assert.equal(server.removeResourceTemplate('ghost://{x}'), false);
    assert.equal(server.removePrompt('ghost'), false);
    await settle();
    assert.equal(client.notifications.length, 0);
    await client.close();
  });

  test('a session whose server declared listChanged: false is not told', async () => {
    const server = new McpServer(
      { name: 'quiet', version: '1' },
      { capabilities: { tools: { listChanged: false } } },
    );
    server.tool('a', {}, () => 'a');
    const client = await connectTestClient(server);
    server.tool('b', {}, () => 'b');
    await settle();
    assert.equal(count(client, 'notifications/tools/list_changed'), 0);
    await client.close();
  });
});

describe('registration handles and duplicates', () => {
  test('registering a name twice throws DUPLICATE_NAME naming it and how to replace it', () => {
    const server = fullServer();
    server.resourceTemplate('memo://{id}', { name: 'T' }, () => '');
    assert.throws(
      () => server.tool('base_tool', {}, () => ''),
      isLiveError('DUPLICATE_NAME', /tool "base_tool"/, /replace: true/),
    );
    assert.throws(
      () => server.resource('memo://base', { name: 'again' }, () => ''),
      isLiveError('DUPLICATE_NAME', /resource "memo:\/\/base"/),
    );
    assert.throws(
      () => server.resourceTemplate('memo://{id}', { name: 'again' }, () => ''),
      isLiveError('DUPLICATE_NAME', /memo:\/\/\{id\}/),
    );
    assert.throws(
      () => server.prompt('base_prompt', {}, () => ''),
      isLiveError('DUPLICATE_NAME', /prompt "base_prompt"/),
    );
  });

  test("a handle's remove() takes its definition away and tells clients", async () => {
    const server = fullServer();
    const client = await connectTestClient(server);
    const handle = server.tool('temp', {}, () => 't');
    await client.waitForNotification('notifications/tools/list_changed');
    client.notifications.length = 0;
    assert.equal(handle.remove(), true);
    await client.waitForNotification('notifications/tools/list_changed');
    assert.equal(handle.remove(), false);
    const { tools } = (await client.request('tools/list')) as { tools: Array<{ name: string }> };
    assert.deepEqual(
      tools.map((t) => t.name),
      ['base_tool'],
    );
    await client.close();
  });

  test('the handle of a replaced definition does not remove its replacement', () => {
    const server = new McpServer({ name: 'handles', version: '1' });
    const tool = server.tool('t', {}, () => 'v1');
    const resource = server.resource('memo://r', { name: 'r' }, () => 'v1');
    const template = server.resourceTemplate('memo://{id}', { name: 'v1' }, () => 'v1');
    const prompt = server.prompt('p', {}, () => 'v1');
    server.tool('t', {}, () => 'v2', { replace: true });
    server.resource('memo://r', { name: 'r' }, () => 'v2', { replace: true });
    server.resourceTemplate('memo://{id}', { name: 'v2' }, () => 'v2', { replace: true });
    server.prompt('p', {}, () => 'v2', { replace: true });
    assert.equal(tool.remove(), false);
    assert.equal(resource.remove(), false);
    assert.equal(template.remove(), false);
    assert.equal(prompt.remove(), false);
    assert.equal(server.removeTool('t'), true);
    assert.equal(server.removeResource('memo://r'), true);
    assert.equal(server.removeResourceTemplate('memo://{id}'), true);
    assert.equal(server.removePrompt('p'), true);
  });
});

describe('server-initiated notifications', () => {
  test('ctx.notify sends any method to the calling session only', async () => {
    const server = new McpServer({ name: 'notify', version: '1' });
    server.tool('ping_me', {}, (_args, ctx) => {
      ctx.notify('custom_event', { for: ctx.session.id });
      return 'sent';
    });
    const a = await connectTestClient(server);
    const b = await connectTestClient(server);
    await a.callTool('ping_me');
    await settle();
    assert.deepEqual(
      a.notifications.map((n) => [n.method, n.params]),
      [['custom_event', { for: a.session.id }]],
    );
    assert.equal(b.notifications.length, 0);
    await Promise.all([a.close(), b.close()]);
  });

  test('server.notify(sessionId) reaches that session and no other', async () => {
    const server = fullServer();
    const a = await connectTestClient(server);
    const b = await connectTestClient(server);
    await server.notify(b.session.id, 'custom_event', { n: 1 });
    assert.deepEqual((await b.waitForNotification('custom_event')).params, { n: 1 });
    await settle();
    assert.equal(a.notifications.length, 0);
    await Promise.all([a.close(), b.close()]);
  });

  test('server.notify to an unknown or closed session throws SESSION_NOT_FOUND naming it', async () => {
    const server = fullServer();
    const client = await connectTestClient(server);
    await client.close();
    await assert.rejects(
      server.notify('no-such-session', 'x'),
      isLiveError('SESSION_NOT_FOUND', /no-such-session/),
    );
    await assert.rejects(server.notify(client.session.id, 'x'), isLiveError('SESSION_NOT_FOUND'));
  });

  test('server.notify to a session that has not completed initialize throws NOT_INITIALIZED, as broadcast skips it', async () => {
    const server = fullServer();
    const early = await connectTestClient(server, { initialize: false });
    await assert.rejects(
      server.notify(early.session.id, 'custom_event', { n: 1 }),
      isLiveError('NOT_INITIALIZED', /has not completed initialize.*sessionInitialized/),
    );
    await settle();
    assert.deepEqual(early.notifications, [], 'nothing reached the client before initialize');
    await early.close();
  });

  test('server.broadcast reaches every initialized session, or those the filter accepts, and counts them', async () => {
    const server = fullServer();
    const a = await connectTestClient(server, { principal: 'team-a' });
    const b = await connectTestClient(server, { principal: 'team-b' });
    const c = await connectTestClient(server, { principal: 'team-a' });
    const uninitialized = await connectTestClient(server, { initialize: false, principal: 'team-a' });

    assert.equal(await server.broadcast('news', { text: 'all' }), 3);
    assert.equal(await server.broadcast('news', { text: 'team a' }, (s) => s.principal === 'team-a'), 2);
    assert.equal(await server.broadcast('news'), 3);
    await Promise.all([a, b, c].map((client) => client.waitForNotification('news', (p) => p === undefined)));
    await settle();
    const texts = (client: TestClient) =>
      client.notifications.filter((n) => n.method === 'news').map((n) => n.params?.text ?? null);
    assert.deepEqual(texts(a), ['all', 'team a', null]);
    assert.deepEqual(texts(b), ['all', null]);
    assert.deepEqual(texts(c), ['all', 'team a', null]);
    assert.deepEqual(texts(uninitialized), []);
    await Promise.all([a.close(), b.close(), c.close(), uninitialized.close()]);
  });
});
