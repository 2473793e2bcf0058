import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { McpServer } from '../../src/server/mcp-server.ts';
import { connectTestClient } from '../../src/testing/test-client.ts';
import { firstText, isLiveError, openInitializedRawSession, resultOf, settle } from './helpers.ts';

/** A server whose `wait` tool runs until its signal aborts, reporting what it saw. */
function waitingServer() {
  const server = new McpServer({ name: 'cancel', version: '1' });
  let started!: () => void;
  const running = new Promise<void>((resolve) => {
    started = resolve;
  });
  const aborted: unknown[] = [];
  let sawAbort!: () => void;
  const abortSeen = new Promise<void>((resolve) => {
    sawAbort = resolve;
  });
  server.tool('wait', {}, (_args, ctx) => {
    started();
    return new Promise((_resolve, reject) => {
      ctx.signal.addEventListener('abort', () => {
        aborted.push(ctx.signal.reason);
        sawAbort();
        reject(ctx.signal.reason);
      });
    });
  });
  server.tool('quick', {}, () => 'quick');
  return { server, running, aborted, abortSeen };
}

describe('notifications/cancelled', () => {
  test("aborts the handler's signal with the client's reason, and the request gets no response", async () => {
    const { server, running, aborted } = waitingServer();
    const afterRequest: unknown[] = [];
    server.on('afterRequest', (request) => {
      afterRequest.push(request.id);
    });
    const raw = await openInitializedRawSession(server);
    const handled = raw.handle({
      jsonrpc: '2.0',
      id: 'slow-1',
      method: 'tools/call',
      params: { name: 'wait' },
    });
    await running;
    await raw.handle({
      jsonrpc: '2.0',
      method: 'notifications/cancelled',
      params: { requestId: 'slow-1', reason: 'user pressed stop' },
    });
    await handled;
    assert.deepEqual(aborted, ['user pressed stop']);
    assert.deepEqual(raw.responsesTo('slow-1'), []);
    assert.deepEqual(
      afterRequest.filter((id) => id === 'slow-1'),
      [],
    );
    // The session goes on serving.
    assert.deepEqual(resultOf(await raw.request('tools/call', { name: 'quick' })).content, [
      { type: 'text', text: 'quick' },
    ]);
  });

  test('cancelling one request leaves the others of the session running', async () => {
    const server = new McpServer({ name: 'cancel-one', version: '1' });
    const release: Record<string, () => void> = {};
    const signals: Record<string, AbortSignal> = {};
    const started: Promise<void>[] = [];
    const ready: Record<string, () => void> = {};
    for (const name of ['a', 'b']) {
      started.push(
        new Promise((resolve) => {
          ready[name] = resolve;
        }),
      );
    }
    server.tool('job', {}, (_args, ctx) => {
      const name = ctx.requestId as string;
      signals[name] = ctx.signal;
      ready[name]?.();
      return new Promise((resolve, reject) => {
        release[name] = () => resolve(`job ${name} done`);
        ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason));
      });
    });
    const raw = await openInitializedRawSession(server);
    const a = raw.handle({ jsonrpc: '2.0', id: 'a', method: 'tools/call', params: { name: 'job' } });
    const b = raw.handle({ jsonrpc: '2.0', id: 'b', method: 'tools/call', params: { name: 'job' } });
    await Promise.all(started);
    await raw.handle({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 'a' } });
    release.b?.();
    await Promise.all([a, b]);
    assert.equal(signals.a?.aborted, true);
    assert.equal(signals.b?.aborted, false);
    assert.deepEqual(raw.responsesTo('a'), []);
    assert.deepEqual(resultOf(raw.responsesTo('b')[0]!).content, [{ type: 'text', text: 'job b done' }]);
  });

  test("another session cannot cancel a session's request by naming its id", async () => {
    const { server, running, aborted } = waitingServer();
    const owner = await openInitializedRawSession(server);
    const other = await openInitializedRawSession(server);
    const handled = owner.handle({
      jsonrpc: '2.0',
      id: 'shared-id',
      method: 'tools/call',
      params: { name: 'wait' },
    });
    await running;
    await other.handle({
      jsonrpc: '2.0',
      method: 'notifications/cancelled',
      params: { requestId: 'shared-id' },
    });
    assert.deepEqual(aborted, []);
    assert.equal(owner.session.inFlightCount, 1);
    await owner.handle({
      jsonrpc: '2.0',
      method: 'notifications/cancelled',
      params: { requestId: 'shared-id' },
    });
    await handled;
    assert.equal(aborted.length, 1);
  });

  test('a cancel for an unknown or finished request is ignored', async () => {
    const { server } = waitingServer();
    const raw = await openInitializedRawSession(server);
    await raw.request('tools/call', { name: 'quick' }, 'done-1');
    const before = raw.sent.length;
    await raw.handle({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 'done-1' } });
    await raw.handle({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 'never' } });
    assert.equal(raw.sent.length, before);
  });

  test('aborting a TestClient request cancels the handler on the server', async () => {
    const { server, running, aborted, abortSeen } = waitingServer();
    const client = await connectTestClient(server);
    const controller = new AbortController();
    const call = client.callTool('wait', {}, { signal: controller.signal });
    await running;
    controller.abort('changed my mind');
    await assert.rejects(call, isLiveError('ABORTED'));
    await abortSeen;
    assert.deepEqual(aborted, ['changed my mind']);
    assert.equal(client.session.inFlightCount, 0);
    await client.close();
  });

  test('closing the session aborts its running handlers', async () => {
    const { server, running, aborted } = waitingServer();
    const client = await connectTestClient(server);
    const call = client.callTool('wait');
    await running;
    await client.close('tab closed');
    await assert.rejects(call, isLiveError('SESSION_CLOSED'));
    assert.equal(aborted.length, 1);
    assert.ok(isLiveError('SESSION_CLOSED', /tab closed/)(aborted[0]));
  });
});

describe('progress', () => {
  test('ctx.progress reports to the progressToken of the request, in order', async () => {
    const server = new McpServer({ name: 'progress', version: '1' });
    server.tool('steps', {}, async (_args, ctx) => {
      for (let i = 1; i <= 3; i++) {
        ctx.progress(i, 3, `step ${i}`);
        await settle();
      }
      return `token ${String(ctx.progressToken)}`;
    });
    const client = await connectTestClient(server);
    const seen: unknown[] = [];
    const result = await client.callTool('steps', {}, { onProgress: (p) => seen.push(p) });
    const token = firstText(result).slice('token '.length);
    assert.deepEqual(seen, [
      { progressToken: token, progress: 1, total: 3, message: 'step 1' },
      { progressToken: token, progress: 2, total: 3, message: 'step 2' },
      { progressToken: token, progress: 3, total: 3, message: 'step 3' },
    ]);
    await client.close();
  });

  test('progress without total or message sends only what was given', async () => {
    const server = new McpServer({ name: 'progress2', version: '1' });
    server.tool('bare', {}, (_args, ctx) => {
      ctx.progress(0.5);
      return 'ok';
    });
    const raw = await openInitializedRawSession(server);
    await raw.request('tools/call', { name: 'bare', _meta: { progressToken: 99 } });
    const progress = raw.sent.filter((m) => 'method' in m && m.method === 'notifications/progress');
    assert.deepEqual(progress, [
      { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 99, progress: 0.5 } },
    ]);
  });

  test('without a progressToken ctx.progress sends nothing', async () => {
    const server = new McpServer({ name: 'progress3', version: '1' });
    server.tool('steps', {}, (_args, ctx) => {
      ctx.progress(1, 2);
      ctx.progress(2, 2);
      return ctx.progressToken === undefined ? 'no token' : 'token';
    });
    const client = await connectTestClient(server);
    assert.equal(firstText(await client.callTool('steps')), 'no token');
    await settle();
    assert.equal(client.notifications.filter((n) => n.method === 'notifications/progress').length, 0);
    await client.close();
  });

  test('two concurrent calls each get only their own progress', async () => {
    const server = new McpServer({ name: 'progress4', version: '1' });
    server.tool('count', {}, async (_args, ctx) => {
      for (let i = 1; i <= 5; i++) {
        ctx.progress(i, 5);
        await settle();
      }
      return 'done';
    });
    const client = await connectTestClient(server);
    const first: number[] = [];
    const second: number[] = [];
    await Promise.all([
      client.callTool('count', {}, { onProgress: (p) => first.push(p.progress) }),
      client.callTool('count', {}, { onProgress: (p) => second.push(p.progress) }),
    ]);
    assert.deepEqual(first, [1, 2, 3, 4, 5]);
    assert.deepEqual(second, [1, 2, 3, 4, 5]);
    await client.close();
  });

  test('no progress is sent after the request was cancelled', async () => {
    const server = new McpServer({ name: 'progress5', version: '1' });
    let cancelled!: () => void;
    const wasCancelled = new Promise<void>((resolve) => {
      cancelled = resolve;
    });
    let started!: () => void;
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    server.tool('late', {}, async (_args, ctx) => {
      ctx.signal.addEventListener('abort', () => cancelled());
      ctx.progress(1, 2);
      started();
      await wasCancelled;
      ctx.progress(2, 2);
      return 'ignored';
    });
    const raw = await openInitializedRawSession(server);
    const handled = raw.handle({
      jsonrpc: '2.0',
      id: 'late-1',
      method: 'tools/call',
      params: { name: 'late', _meta: { progressToken: 't' } },
    });
    await running;
    await raw.handle({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 'late-1' } });
    await handled;
    const progress = raw.sent.filter((m) => 'method' in m && m.method === 'notifications/progress');
    assert.equal(progress.length, 1);
    assert.deepEqual(raw.responsesTo('late-1'), []);
  });
});
