import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MODES, openSession, post, startSSE } from './harness.ts';

for (const mode of MODES) {
  describe(`notifications and server requests over SSE (${mode})`, () => {
    test('server.notify reaches one session; broadcast reaches all, or those its filter picks', async (t) => {
      const h = await startSSE(t, mode);
      const a = await openSession(t, h);
      const b = await openSession(t, h);
      await h.server.notify(a.sessionId, 'custom_event', { to: 'a' });
      assert.deepEqual((await a.stream.message()).params, { to: 'a' });
      assert.equal(await h.server.broadcast('system_metrics', { cpu: 2 }), 2);
      assert.deepEqual((await a.stream.message()).params, { cpu: 2 });
      assert.deepEqual(
        (await b.stream.message()).params,
        { cpu: 2 },
        'b got the broadcast but not a’s event',
      );
      const picked = await h.server.broadcast('custom_event', { only: 'b' }, (s) => s.id === b.sessionId);
      assert.equal(picked, 1);
      assert.deepEqual((await b.stream.message()).params, { only: 'b' });
      await h.server.notify(a.sessionId, 'custom_event', { last: true });
      assert.deepEqual(
        (await a.stream.message()).params,
        { last: true },
        'a never got the filtered broadcast',
      );
    });

    test('the order of messages to one session is kept across handler and server notifications', async (t) => {
      const h = await startSSE(t, mode);
      h.server.tool('sequence', {}, async (_args, ctx) => {
        for (let i = 0; i < 50; i++) {
          if (i % 2 === 0) ctx.notify('custom_event', { i });
          else await h.server.notify(ctx.session.id, 'custom_event', { i });
        }
        return 'ok';
      });
      const { stream, endpoint } = await openSession(t, h);
      await post(endpoint, { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'sequence' } });
      const order: number[] = [];
      for (;;) {
        const message = await stream.message();
        if (message.id === 1) break;
        order.push((message.params as { i: number }).i);
      }
      assert.deepEqual(
        order,
        Array.from({ length: 50 }, (_, i) => i),
      );
    });

    test('a server request to a client without the capability fails in the handler; nothing is sent', async (t) => {
      const h = await startSSE(t, mode);
      h.server.on('error', () => {});
      h.server.tool('ask', {}, async (_args, ctx) => {
        await ctx.sample({ messages: [], maxTokens: 1 });
        return 'answered';
      });
      const { stream, endpoint } = await openSession(t, h);
      await post(endpoint, { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'ask' } });
      const answer = (await stream.message()) as {
        id: number;
        result: { isError: boolean; content: [{ text: string }] };
      };
      assert.equal(answer.id, 1, 'no sampling request went out first');
      assert.equal(answer.result.isError, true);
      assert.match(answer.result.content[0].text, /"sampling" capability/);
    });

    test('a server request times out, the client is told, and a late answer or a stray id is ignored', async (t) => {
      const h = await startSSE(t, mode);
      h.server.on('error', () => {});
      h.server.tool('ask', {}, async (_args, ctx) => {
        try {
          await ctx.sample({ messages: [], maxTokens: 1 }, { timeout: 80 });
          return 'answered';
        } catch (error) {
          return `failed: ${(error as { code?: string }).code}`;
        }
      });
      const { stream, endpoint } = await openSession(t, h, { capabilities: { sampling: {} } });
      await post(endpoint, { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'ask' } });
      const request = await stream.message((m) => m.method === 'sampling/createMessage');
      const cancelled = await stream.message((m) => m.method === 'notifications/cancelled');
      assert.deepEqual(cancelled.params, { requestId: request.id, reason: 'timeout' });
      const answer = (await stream.message((m) => m.id === 1)) as { result: { content: [{ text: string }] } };
      assert.equal(answer.result.content[0].text, 'failed: TIMEOUT');
      const late = {
        jsonrpc: '2.0',
        id: request.id as string,
        result: { role: 'assistant', content: {} },
      } as const;
      assert.equal((await post(endpoint, late)).status, 202);
      assert.equal((await post(endpoint, { jsonrpc: '2.0', id: 'never-sent', result: {} })).status, 202);
      assert.equal((await post(endpoint, { jsonrpc: '2.0', id: 2, method: 'ping' })).status, 202);
      assert.deepEqual(
        await stream.message(),
        { jsonrpc: '2.0', id: 2, result: {} },
        'nothing else was sent',
      );
    });
  });
}
