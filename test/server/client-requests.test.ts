import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isMcpLiveError } from '../../src/protocol/mcp-live-error.ts';
import { McpServer } from '../../src/server/mcp-server.ts';
import type { RequestContext } from '../../src/server/request-context.ts';
import { connectTestClient } from '../../src/testing/test-client.ts';
import { firstText, settle } from './helpers.ts';

/** A server with one tool that runs `body` and reports its answer, or its local error code and message. */
function serverRunning(body: (ctx: RequestContext) => Promise<unknown>) {
  const server = new McpServer({ name: 'asks', version: '1' });
  server.tool('ask', {}, async (_args, ctx) => {
    try {
      return JSON.stringify({ ok: await body(ctx) });
    } catch (error) {
      if (!isMcpLiveError(error)) throw error;
      return JSON.stringify({ code: error.code, message: error.message });
    }
  });
  return server;
}

const ALL = { sampling: {}, elicitation: {}, roots: { listChanged: true } };

describe('sampling/createMessage', () => {
  test("ctx.sample asks the calling session's client and returns its answer", async () => {
    const server = serverRunning((ctx) =>
      ctx.sample({
        messages: [{ role: 'user', content: { type: 'text', text: 'Summarize' } }],
        maxTokens: 50,
      }),
    );
    const client = await connectTestClient(server, { capabilities: ALL });
    const asked: unknown[] = [];
    client.onRequest('sampling/createMessage', (params) => {
      asked.push(params);
      return { role: 'assistant', content: { type: 'text', text: 'A summary' }, model: 'test-model' };
    });
    const answer = JSON.parse(firstText(await client.callTool('ask')));
    assert.deepEqual(answer, {
      ok: { role: 'assistant', content: { type: 'text', text: 'A summary' }, model: 'test-model' },
    });
    assert.deepEqual(asked, [
      { messages: [{ role: 'user', content: { type: 'text', text: 'Summarize' } }], maxTokens: 50 },
    ]);
    await client.close();
  });

  test('a client without the sampling capability gets no request; the handler gets CAPABILITY_MISSING naming it', async () => {
    const server = serverRunning((ctx) => ctx.sample({ messages: [], maxTokens: 1 }));
    const client = await connectTestClient(server, { capabilities: { roots: {} } });
    const answer = JSON.parse(firstText(await client.callTool('ask')));
    assert.equal(answer.code, 'CAPABILITY_MISSING');
    assert.match(answer.message, /sampling\/createMessage/);
    assert.match(answer.message, /"sampling" capability/);
    assert.match(answer.message, new RegExp(client.session.id));
    assert.deepEqual(client.serverRequests, []);
    await client.close();
  });

  test('a client that never answers makes the request time out, and is told to cancel it', async () => {
    const server = serverRunning((ctx) => ctx.sample({ messages: [], maxTokens: 1 }, { timeout: 100 }));
    const client = await connectTestClient(server, { capabilities: ALL });
    client.onRequest('sampling/createMessage', () => new Promise(() => {}));
    const answer = JSON.parse(firstText(await client.callTool('ask')));
    assert.equal(answer.code, 'TIMEOUT');
    assert.match(answer.message, /sampling\/createMessage/);
    assert.match(answer.message, /100 ms/);
    const requestId = client.serverRequests[0]?.id;
    const cancel = await client.waitForNotification('notifications/cancelled');
    assert.deepEqual(cancel.params, { requestId, reason: 'timeout' });
    await client.close();
  });

  test('an error answer from the client rejects with REMOTE_ERROR carrying its code and message', async () => {
    const server = serverRunning((ctx) => ctx.sample({ messages: [], maxTokens: 1 }));
    const client = await connectTestClient(server, { capabilities: ALL });
    client.onRequest('sampling/createMessage', () => {
      throw new Error('user declined sampling');
    });
    const answer = JSON.parse(firstText(await client.callTool('ask')));
    assert.equal(answer.code, 'REMOTE_ERROR');
    assert.match(answer.message, /-32603/);
    assert.match(answer.message, /user declined sampling/);
    await client.close();
  });

  test('cancelling the tool call cancels its pending sampling request at the client', async () => {
    const server = new McpServer({ name: 'nested', version: '1' });
    let asked!: () => void;
    const askedClient = new Promise<void>((resolve) => {
      asked = resolve;
    });
    server.tool('ask', {}, async (_args, ctx) => {
      await ctx.sample({ messages: [], maxTokens: 1 });
      return 'unreachable';
    });
    const client = await connectTestClient(server, { capabilities: ALL });
    client.onRequest('sampling/createMessage', () => {
      asked();
      return new Promise(() => {});
    });
    const controller = new AbortController();
    const call = client.callTool('ask', {}, { signal: controller.signal });
    await askedClient;
    controller.abort('stop');
    await assert.rejects(call);
    const cancel = await client.waitForNotification('notifications/cancelled');
    assert.equal(cancel.params?.requestId, client.serverRequests[0]?.id);
    await client.close();
  });
});

describe('elicitation/create', () => {
  test("ctx.elicit asks the client's user and returns the answer", async () => {
    const server = serverRunning((ctx) =>
      ctx.elicit({
        message: 'Which city?',
        requestedSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      }),
    );
    const client = await connectTestClient(server, { capabilities: ALL });
    client.onRequest('elicitation/create', (params) => {
      assert.equal(params?.message, 'Which city?');
      return { action: 'accept', content: { city: 'Lisbon' } };
    });
    assert.deepEqual(JSON.parse(firstText(await client.callTool('ask'))), {
      ok: { action: 'accept', content: { city: 'Lisbon' } },
    });
    assert.equal(client.serverRequests[0]?.method, 'elicitation/create');
    await client.close();
  });

  test('a client without the elicitation capability gets CAPABILITY_MISSING', async () => {
    const server = serverRunning((ctx) => ctx.elicit({ message: 'x', requestedSchema: { type: 'object' } }));
    const client = await connectTestClient(server, { capabilities: { sampling: {} } });
    const answer = JSON.parse(firstText(await client.callTool('ask')));
    assert.equal(answer.code, 'CAPABILITY_MISSING');
    assert.match(answer.message, /"elicitation" capability/);
    assert.deepEqual(client.serverRequests, []);
    await client.close();
  });

  test('elicitation times out like any server request', async () => {
    const server = serverRunning((ctx) =>
      ctx.elicit({ message: 'x', requestedSchema: { type: 'object' } }, { timeout: 50 }),
    );
    const client = await connectTestClient(server, { capabilities: ALL });
    client.onRequest('elicitation/create', () => new Promise(() => {}));
    assert.equal(JSON.parse(firstText(await client.callTool('ask'))).code, 'TIMEOUT');
    await client.close();
  });
});

describe('answers to server requests', () => {
  test("another session cannot answer a session's pending request, even with the same id", async () => {
    const server = new McpServer({ name: 'isolation', version: '1' });
    let asked!: () => void;
    const askedClient = new Promise<void>((resolve) => {
      asked = resolve;
    });
    server.tool('ask', {}, async (_args, ctx) => {
      const answer = await ctx.sample({ messages: [], maxTokens: 1 });
      return (answer.content as { text: string }).text;
    });
    const victim = await connectTestClient(server, { capabilities: ALL });
    const attacker = await connectTestClient(server, { capabilities: ALL });
    let answer!: (value: unknown) => void;
    victim.onRequest('sampling/createMessage', () => {
      asked();
      return new Promise((resolve) => {
        answer = resolve;
      });
    });
    const call = victim.callTool('ask');
    await askedClient;
    const id = victim.serverRequests[0]!.id;
    attacker.send({
      jsonrpc: '2.0',
      id,
      result: { role: 'assistant', content: { type: 'text', text: 'forged' }, model: 'evil' },
    });
    await settle();
    answer({ role: 'assistant', content: { type: 'text', text: 'genuine' }, model: 'm' });
    assert.equal(firstText(await call), 'genuine');
    await Promise.all([victim.close(), attacker.close()]);
  });
});

describe('roots/list', () => {
  test("ctx.listRoots returns the client's roots", async () => {
    const server = serverRunning((ctx) => ctx.listRoots());
    const client = await connectTestClient(server, { capabilities: ALL });
    client.onRequest('roots/list', (params) => {
      assert.equal(params, undefined);
      return { roots: [{ uri: 'file:///home/ada/project', name: 'project' }] };
    });
    assert.deepEqual(JSON.parse(firstText(await client.callTool('ask'))), {
      ok: { roots: [{ uri: 'file:///home/ada/project', name: 'project' }] },
    });
    await client.close();
  });

  test('a client without the roots capability gets CAPABILITY_MISSING', async () => {
    const server = serverRunning((ctx) => ctx.listRoots());
    const client = await connectTestClient(server);
    const answer = JSON.parse(firstText(await client.callTool('ask')));
    assert.equal(answer.code, 'CAPABILITY_MISSING');
    assert.match(answer.message, /roots\/list/);
    await client.close();
  });

  test('a caller signal aborts a pending request with ABORTED', async () => {
    const controller = new AbortController();
    const server = serverRunning((ctx) => {
      const pending = ctx.listRoots({ signal: controller.signal });
      controller.abort('no longer needed');
      return pending;
    });
    const client = await connectTestClient(server, { capabilities: ALL });
    client.onRequest('roots/list', () => new Promise(() => {}));
    assert.equal(JSON.parse(firstText(await client.callTool('ask'))).code, 'ABORTED');
    const cancel = await client.waitForNotification('notifications/cancelled');
    assert.equal(cancel.params?.reason, 'no longer needed');
    await client.close();
  });

  test('a client notification the core does not handle reaches notification listeners', async () => {
    const server = new McpServer({ name: 'roots-changed', version: '1' });
    const heard = new Promise<[string, string]>((resolve) => {
      server.on('notification', (method, _params, session) => resolve([method, session.id]));
    });
    const client = await connectTestClient(server, { capabilities: ALL });
    client.notify('notifications/roots/list_changed');
    assert.deepEqual(await heard, ['notifications/roots/list_changed', client.session.id]);
    await client.close();
  });
});
