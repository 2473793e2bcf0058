import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { type TestContext, test } from 'node:test';
import { SSEParser } from '../client/sse-parser.ts';
import { createJSONFloor } from './floor-json.ts';
import { createListenFloor } from './floor-listen.ts';
import { createSSEFloor, type Floor } from './floor-sse.ts';

async function start(t: TestContext, floor: Floor): Promise<string> {
  await new Promise<void>((resolve) => floor.server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    floor.server.closeAllConnections();
    floor.server.close();
  });
  return `http://127.0.0.1:${(floor.server.address() as AddressInfo).port}`;
}

/** A GET or POST whose answer is read as SSE events, whole, across chunks; closed after the test. */
async function events(t: TestContext, url: string, init: RequestInit = {}) {
  const abort = new AbortController();
  t.after(() => abort.abort());
  const response = await fetch(url, { ...init, signal: abort.signal });
  const seen: Array<{ event: string; data: string }> = [];
  let wake: () => void = () => {};
  const parser = new SSEParser((event, data) => {
    seen.push({ event, data });
    wake();
  });
  void (async () => {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>)
        parser.push(decoder.decode(chunk, { stream: true }));
    } catch {
      // aborted at teardown
    }
  })();
  const next = async (): Promise<{ event: string; data: string }> => {
    for (let i = 0; i < 100 && seen.length === 0; i++) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 20);
      });
    }
    const first = seen.shift();
    assert.ok(first, 'an event arrived');
    return first;
  };
  return { response, next };
}

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

const META = { _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28' } };

test('the SSE floor announces the endpoint, answers on the stream, and broadcasts to every session', async (t) => {
  const base = await start(t, createSSEFloor(60_000));
  const stream = await events(t, `${base}/sse`);
  const endpoint = await stream.next();
  assert.equal(endpoint.event, 'endpoint');
  const accepted = await post(`${base}${endpoint.data}`, {
    jsonrpc: '2.0',
    id: 1,
    method: 'tools/call',
    params: { name: 'echo', arguments: { message: 'hi' } },
  });
  assert.equal(accepted.status, 202);
  assert.deepEqual(JSON.parse((await stream.next()).data), {
    jsonrpc: '2.0',
    id: 1,
    result: { content: [{ type: 'text', text: 'hi' }] },
  });
  await post(`${base}${endpoint.data}`, {
    jsonrpc: '2.0',
    id: 2,
    method: 'tools/call',
    params: { name: 'broadcast', arguments: { message: 'all' } },
  });
  const both = [JSON.parse((await stream.next()).data), JSON.parse((await stream.next()).data)];
  assert.deepEqual(both.map((m) => m.method ?? m.result.content[0].text).sort(), [
    'notifications/message',
    'sent 1',
  ]);
  assert.equal((await post(`${base}/message?sessionId=nobody`, {})).status, 404);
});

test('the JSON floor answers in one JSON body: a 2025 session by its id, a 2026 request without one', async (t) => {
  const url = `${await start(t, createJSONFloor())}/mcp`;
  const init = await post(url, {
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion: '2025-06-18' },
  });
  const session = init.headers.get('mcp-session-id');
  assert.ok(session);
  assert.equal(
    ((await init.json()) as { result: { protocolVersion: string } }).result.protocolVersion,
    '2025-06-18',
  );
  const echo = {
    jsonrpc: '2.0',
    id: 2,
    method: 'tools/call',
    params: { name: 'echo', arguments: { message: 'hi' } },
  };
  const answered = await post(url, echo, { 'mcp-session-id': session });
  assert.equal(answered.headers.get('content-type'), 'application/json');
  assert.equal(Number(answered.headers.get('content-length')), (await answered.clone().text()).length);
  assert.deepEqual(await answered.json(), {
    jsonrpc: '2.0',
    id: 2,
    result: { content: [{ type: 'text', text: 'hi' }] },
  });
  assert.equal((await post(url, echo)).status, 404, 'a 2025 request without its session');
  const modern = await post(url, { ...echo, params: { ...echo.params, ...META } });
  const body = (await modern.json()) as { result: { resultType: string; content: unknown } };
  assert.equal(body.result.resultType, 'complete');
  assert.deepEqual(body.result.content, [{ type: 'text', text: 'hi' }]);
});

test('the JSON floor runs an input round: input_required, then the retry with the answer', async (t) => {
  const url = `${await start(t, createJSONFloor())}/mcp`;
  const call = (extra: Record<string, unknown>) =>
    post(url, {
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name: 'confirm', arguments: { message: 'x' }, ...META, ...extra },
    });
  const first = ((await (await call({})).json()) as { result: Record<string, unknown> }).result;
  assert.equal(first.resultType, 'input_required');
  assert.ok((first.inputRequests as Record<string, unknown>).confirm);
  const answer = { inputResponses: { confirm: { action: 'accept', content: { ok: true } } } };
  const done = (
    (await (await call({ ...answer, requestState: first.requestState })).json()) as {
      result: { content: Array<{ text: string }> };
    }
  ).result;
  assert.equal(done.content[0]?.text, 'confirmed x');
  const stale = (
    (await (await call({ ...answer, requestState: 'other' })).json()) as { result: Record<string, unknown> }
  ).result;
  assert.equal(stale.resultType, 'input_required', 'an answer without its state is asked again');
});

test('the listen floor acknowledges a listen and sends resource updates only to the streams that listed the URI', async (t) => {
  const floor = createListenFloor(60_000);
  const url = `${await start(t, floor)}/mcp`;
  const listen = (id: string, uri: string) =>
    events(t, url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id,
        method: 'subscriptions/listen',
        params: { notifications: { resourceSubscriptions: [uri] }, ...META },
      }),
    });
  const a = await listen('a', 'bench://live');
  const b = await listen('b', 'bench://other');
  assert.equal(a.response.headers.get('content-type'), 'text/event-stream');
  assert.equal(JSON.parse((await a.next()).data).method, 'notifications/subscriptions/acknowledged');
  assert.equal(JSON.parse((await b.next()).data).method, 'notifications/subscriptions/acknowledged');
  assert.equal(floor.size, 2);
  const touched = await post(url, {
    jsonrpc: '2.0',
    id: 3,
    method: 'tools/call',
    params: { name: 'touch', arguments: { uri: 'bench://live' }, ...META },
  });
  assert.equal(
    ((await touched.json()) as { result: { content: Array<{ text: string }> } }).result.content[0]?.text,
    'sent 1',
  );
  assert.deepEqual(JSON.parse((await a.next()).data), {
    jsonrpc: '2.0',
    method: 'notifications/resources/updated',
    params: { uri: 'bench://live', _meta: { 'io.modelcontextprotocol/subscriptionId': 'a' } },
  });
});
