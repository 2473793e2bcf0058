import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isMcpLiveError } from '../../src/protocol/mcp-live-error.ts';
import type { RequestContext } from '../../src/server/request-context.ts';
import { delay, MODES, openSession, post, splitEventId, startSSE, until } from './harness.ts';

const call = (id: number, name: string, args: Record<string, unknown> = {}) =>
  ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } }) as const;

for (const mode of MODES) {
  describe(`SSE session lifecycle (${mode})`, () => {
    test('with reconnectGracePeriod 0, a stream torn down mid-call aborts the handler, removes the session and fires sessionClosed', async (t) => {
      const h = await startSSE(t, mode, { reconnectGracePeriod: 0 });
      let aborted: AbortSignal | undefined;
      let started = () => {};
      const running = new Promise<void>((resolve) => (started = resolve));
      h.server.tool('slow', {}, async (_args, ctx) => {
        aborted = ctx.signal;
        started();
        await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
        ctx.notify('custom_event', { after: 'abort' });
        return 'never sent';
      });
      const closed: string[] = [];
      h.server.on('sessionClosed', (session, reason) => void closed.push(`${session.id}: ${reason}`));
      const { stream, endpoint, sessionId } = await openSession(t, h);
      await post(endpoint, call(1, 'slow'));
      await running;
      stream.close();
      await until(() => aborted?.aborted === true, 1_000, 'the handler signal aborting');
      await until(() => closed.length === 1, 1_000, 'sessionClosed');
      assert.deepEqual(closed, [`${sessionId}: client disconnected`]);
      assert.equal(h.server.getSession(sessionId), undefined);
      assert.equal(h.sse.sessionCount, 0);
      assert.equal((await post(endpoint, call(2, 'slow'))).status, 404);
    });

    test('closing the session on the server ends the stream', async (t) => {
      const h = await startSSE(t, mode);
      const { stream, sessionId } = await openSession(t, h);
      await h.server.closeSession(sessionId, 'kicked');
      await stream.closed();
      assert.equal(h.sse.sessionCount, 0);
    });

    test('ping keep-alive closes a session whose client does not answer, and keeps one that does', async (t) => {
      const h = await startSSE(t, mode, { keepAliveInterval: 30, keepAlive: 'ping', pingTimeout: 60 });
      const silent = await openSession(t, h);
      const polite = await openSession(t, h);
      const answering = (async () => {
        for (;;) {
          const ping = await polite.stream.message((m) => m.method === 'ping').catch(() => undefined);
          if (ping === undefined) return;
          await post(polite.endpoint, { jsonrpc: '2.0', id: ping.id as string, result: {} });
        }
      })();
      const pingSeen = await silent.stream.message((m) => m.method === 'ping');
      assert.equal(typeof pingSeen.id, 'string');
      await silent.stream.closed(2_000);
      assert.equal(h.server.getSession(silent.sessionId), undefined);
      await delay(200);
      assert.ok(h.server.getSession(polite.sessionId), 'the answering session is still open');
      polite.stream.close();
      await answering;
    });

    test('with reconnectGracePeriod 0, a client that stops reading is disconnected past maxBufferedBytes, with a logged reason and its handlers aborted', async (t) => {
      const h = await startSSE(t, mode, { maxBufferedBytes: 64 * 1024, reconnectGracePeriod: 0 });
      const errors: unknown[] = [];
      h.server.on('error', (error) => void errors.push(error));
      let handlerSignal: AbortSignal | undefined;
      h.server.tool('flood', {}, async (_args, ctx: RequestContext) => {
        handlerSignal = ctx.signal;
        const chunk = 'x'.repeat(64 * 1024);
        for (let i = 0; i < 2_000 && !ctx.signal.aborted; i++) {
          ctx.notify('custom_event', { i, chunk });
          await delay(0);
        }
        return 'done';
      });
      const { stream, endpoint, sessionId } = await openSession(t, h);
      stream.pause();
      await post(endpoint, call(1, 'flood'));
      await until(() => errors.length > 0, 10_000, 'an overflow report');
      assert.ok(isMcpLiveError(errors[0], 'OVERLOADED'));
      assert.match((errors[0] as Error).message, new RegExp(`${sessionId}.*maxBufferedBytes`));
      await until(() => handlerSignal?.aborted === true, 2_000, 'the handler aborting');
      assert.equal(h.server.getSession(sessionId), undefined);
    });

    test('a slow but reading client gets every message, in order, with increasing ids of its stream', async (t) => {
      const h = await startSSE(t, mode, { maxBufferedBytes: 16 * 1024 * 1024 });
      h.server.tool('burst', {}, async (_args, ctx) => {
        for (let i = 0; i < 300; i++) {
          ctx.notify('custom_event', { i, pad: 'y'.repeat(20_000) });
          if (i % 10 === 9) await delay(1);
        }
        return 'burst done';
      });
      const { stream, endpoint } = await openSession(t, h);
      await post(endpoint, call(1, 'burst'));
      let reading = true;
      const throttle = (async () => {
        while (reading) {
          stream.pause();
          await delay(20);
          stream.resume();
          await delay(5);
        }
      })();
      const seen: number[] = [];
      const ids: string[] = [];
      for (;;) {
        const event = await stream.next(10_000);
        ids.push(event.id ?? '');
        const message = JSON.parse(event.data) as { id?: number; params?: { i: number } };
        if (message.id === 1) break;
        seen.push(message.params!.i);
      }
      reading = false;
      await throttle;
      assert.deepEqual(
        seen,
        Array.from({ length: 300 }, (_, i) => i),
      );
      const [key] = splitEventId(ids[0]!);
      for (let i = 1; i < ids.length; i++) {
        assert.equal(splitEventId(ids[i]!)[0], key);
        assert.ok(splitEventId(ids[i]!)[1] > splitEventId(ids[i - 1]!)[1], `${ids[i]} after ${ids[i - 1]}`);
      }
    });

    test('handlers see the POST headers in ctx.headers, the stream headers in ctx.session.headers, and contextFunc values', async (t) => {
      const h = await startSSE(t, mode, {
        contextFunc: (req) => ({ from: req.method, tenant: req.headers.get('x-tenant') }),
      });
      h.server.tool('whoami', {}, (_args, ctx) =>
        JSON.stringify({
          post: ctx.headers.get('x-request-id'),
          stream: ctx.session.headers.get('x-request-id'),
          values: ctx.values,
          sessionValues: ctx.session.values,
        }),
      );
      const { stream, endpoint } = await openSession(t, h, {
        headers: { 'X-Request-ID': 'stream-1', 'X-Tenant': 'acme' },
      });
      await post(endpoint, call(7, 'whoami'), { 'X-Request-ID': 'post-7' });
      const answer = (await stream.message((m) => m.id === 7)) as { result: { content: [{ text: string }] } };
      assert.deepEqual(JSON.parse(answer.result.content[0].text), {
        post: 'post-7',
        stream: 'stream-1',
        values: { from: 'POST', tenant: null },
        sessionValues: { from: 'GET', tenant: 'acme' },
      });
    });

    test('a result that cannot be encoded as JSON still answers, with an internal error', async (t) => {
      const h = await startSSE(t, mode);
      h.server.on('error', () => {});
      h.server.tool('bigint', {}, () => ({ content: [], structuredContent: { n: 1n } }) as never);
      const { stream, endpoint } = await openSession(t, h);
      await post(endpoint, call(3, 'bigint'));
      const answer = (await stream.message((m) => m.id === 3)) as {
        error: { code: number; message: string };
      };
      assert.equal(answer.error.code, -32603);
      assert.match(answer.error.message, /JSON/);
    });

    test('close() lets in-flight work finish within the deadline, then ends every stream', async (t) => {
      const h = await startSSE(t, mode);
      h.server.tool('quick', {}, async () => {
        await delay(50);
        return 'finished';
      });
      const { stream, endpoint } = await openSession(t, h);
      await post(endpoint, call(1, 'quick'));
      await h.sse.close({ timeout: 2_000 });
      const answer = (await stream.message((m) => m.id === 1)) as { result: { content: [{ text: string }] } };
      assert.equal(answer.result.content[0].text, 'finished');
      await stream.closed();
      assert.equal((await post(endpoint, call(2, 'quick'))).status, 404);
    });

    test('close() aborts handlers still running at the deadline', async (t) => {
      const h = await startSSE(t, mode);
      let signal: AbortSignal | undefined;
      h.server.tool('forever', {}, (_args, ctx) => {
        signal = ctx.signal;
        return new Promise<string>(() => {});
      });
      const { stream, endpoint } = await openSession(t, h);
      await post(endpoint, call(1, 'forever'));
      await until(() => signal !== undefined);
      const started = Date.now();
      await h.sse.close({ timeout: 100 });
      assert.ok(Date.now() - started < 1_000);
      assert.equal(signal?.aborted, true);
      await stream.closed();
    });
  });
}
