import assert from 'node:assert/strict';
import { Agent, createServer, type IncomingMessage, request, type Server } from 'node:http';
import { connect } from 'node:net';
import { describe, type TestContext, test } from 'node:test';
import { inspect } from 'node:util';
import { NodeExchange } from '../../../src/transports/http/node-exchange.ts';

/** Serves each request with `handle` on 127.0.0.1:0, closed when the test ends. */
async function serve(t: TestContext, handle: (ex: NodeExchange, req: IncomingMessage) => void) {
  const server: Server = createServer((req, res) => handle(new NodeExchange(req, res), req));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  return (server.address() as { port: number }).port;
}

/** Sends raw request text and resolves with everything the server wrote until it closed or `until` matched. */
function rawExchange(port: number, text: string, until: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    let received = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      received += chunk;
      if (until.test(received)) {
        socket.destroy();
        resolve(received);
      }
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(received));
  });
}

/** A Headers filled the plain way, which the exchange's headers must always agree with. */
function filled(raw: readonly string[]): Headers {
  const headers = new Headers();
  for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!);
  return headers;
}

describe('NodeExchange request headers', () => {
  test('get and has agree with a filled Headers: case, repeats, cookies, whitespace, absent names', async (t) => {
    const seen: Array<{ headers: Headers; reference: Headers }> = [];
    const port = await serve(t, (ex, req) => {
      seen.push({ headers: ex.request.headers, reference: filled(req.rawHeaders) });
      ex.respond(204, undefined);
    });
    const head = [
      'GET / HTTP/1.1',
      'Host: 127.0.0.1',
      'X-Many: one',
      'x-many:  two ',
      'Cookie: a=1',
      'cookie: b=2',
      'Accept: application/json, text/event-stream',
      'X-Empty:',
      'Mcp-Session-Id: abc',
      "X-Odd.Name_1~|'*: odd",
    ];
    await rawExchange(port, `${head.join('\r\n')}\r\n\r\n`, /\r\n\r\n/);
    const { headers, reference } = seen[0]!;
    const names = [
      'host',
      'x-many',
      'cookie',
      'accept',
      'x-empty',
      'mcp-session-id',
      'absent',
      "x-odd.name_1~|'*",
    ];
    const mixed = ['X-Many', 'Cookie', 'Mcp-Session-Id', 'MCP-SESSION-ID', 'Absent', "X-ODD.NAME_1~|'*"];
    for (const name of [...names, ...mixed]) {
      assert.equal(headers.get(name), reference.get(name), name);
      assert.equal(headers.has(name), reference.has(name), name);
    }
    assert.equal(headers.get('x-many'), 'one, two');
    assert.equal(headers.get('cookie'), 'a=1; b=2');
    assert.equal(headers.get('X-Many'), 'one, two', 'names are case-insensitive');
    assert.equal(headers.get("X-Odd.name_1~|'*"), 'odd', 'token symbols are part of the name');
    assert.throws(() => headers.get('bad name'), TypeError, 'an invalid name throws, as Headers does');
    assert.throws(() => headers.get(''), TypeError, 'an empty name throws, as Headers does');
  });

  test('iterating, inspecting and changing them see every header', async (t) => {
    let headers: Headers | undefined;
    const port = await serve(t, (ex) => {
      headers = ex.request.headers;
      ex.respond(204, undefined);
    });
    await new Promise<void>((resolve, reject) => {
      const req = request({ port, host: '127.0.0.1', headers: { 'X-A': '1', 'X-B': '2' } }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end();
    });
    assert.ok(headers instanceof Headers);
    assert.equal(Object.fromEntries(headers)['x-a'], '1');
    assert.deepEqual([...new Headers(headers).keys()].sort(), [...headers.keys()].sort());
    assert.match(inspect(headers), /X-B/);
    headers.set('x-a', 'changed');
    headers.delete('x-b');
    assert.equal(headers.get('x-a'), 'changed');
    assert.equal(headers.has('x-b'), false);
  });
});

describe('NodeExchange.readBody', () => {
  test('a request held open after its body was read keeps nothing of the reading', async (t) => {
    let held!: IncomingMessage;
    let read!: (text: string) => void;
    const body = new Promise<string>((resolve) => {
      read = resolve;
    });
    const port = await serve(t, (ex, req) => {
      held = req;
      void ex.readBody(1024, 1000).then((result) => {
        // A listen stream's request stays open like this, for hours.
        ex.stream(200, { 'Content-Type': 'text/event-stream' }).write(': open\n\n');
        read(result.ok ? result.text : result.reason);
      });
    });
    void rawExchange(port, 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello', /open/);
    assert.equal(await body, 'hello');
    const kept = Object.getOwnPropertySymbols(held)
      .filter((symbol) => symbol.description?.startsWith('mcp-live.'))
      .map((symbol) => (held as unknown as Record<symbol, unknown>)[symbol]);
    assert.ok(kept.length > 0, 'the reader was found on the request while it read');
    assert.deepEqual(
      kept,
      kept.map(() => undefined),
      'and is gone from it once the body is read',
    );
    assert.equal(held.listenerCount('data') + held.listenerCount('end'), 0, 'its listeners are off');
  });
});

describe('NodeExchange.stream', () => {
  test('a stream written and ended in the turn it opened in sends its head, its events and a proper end', async (t) => {
    const port = await serve(t, (ex) => {
      const sink = ex.stream(200, { 'Content-Type': 'text/event-stream' });
      sink.write('data: one\n\n');
      sink.end();
    });
    const text = await rawExchange(port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n', /0\r\n\r\n$/);
    assert.match(text, /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(text, /content-type: text\/event-stream/i);
    assert.match(text, /data: one\n\n/);
  });

  test('a quiet stream still sends its head at once, before any event', async (t) => {
    const port = await serve(t, (ex) => {
      ex.stream(200, { 'Content-Type': 'text/event-stream' });
    });
    const text = await rawExchange(port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n', /\r\n\r\n/);
    assert.match(text, /^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\n$/);
  });

  test('a stream destroyed in the turn it opened in has sent its head first', async (t) => {
    const port = await serve(t, (ex) => {
      ex.stream(200, { 'Content-Type': 'text/event-stream' }).destroy();
    });
    const text = await rawExchange(port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n', /(?!)/);
    assert.match(text, /^HTTP\/1\.1 200 OK\r\n/);
  });
});

describe('NodeExchange.respond', () => {
  test('an answer to a request without a body keeps the connection for the next request', async (t) => {
    const port = await serve(t, (ex) => ex.respond(200, { 'Content-Type': 'text/plain' }, ex.request.path));
    const two = 'GET /one HTTP/1.1\r\nHost: x\r\n\r\nDELETE /two HTTP/1.1\r\nHost: x\r\n\r\n';
    const text = await rawExchange(port, two, /\/two$/);
    assert.equal(text.match(/HTTP\/1\.1 200 OK\r\n/g)?.length, 2, text);
    assert.doesNotMatch(text, /connection: close/i);
  });

  test('an answer with a body is sent with its length, not in chunks', async (t) => {
    const port = await serve(t, (ex) => ex.respond(200, { 'Content-Type': 'application/json' }, '{"é":1}'));
    const text = await rawExchange(port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n', /\}$/);
    assert.match(text, /\r\ncontent-length: 8\r\n/i, '7 characters, 8 bytes');
    assert.doesNotMatch(text, /transfer-encoding/i);
    // The raw bytes, read as latin1: the body is the UTF-8 of the JSON, right after the head.
    assert.ok(text.endsWith(`\r\n\r\n${Buffer.from('{"é":1}').toString('latin1')}`), text);
  });

  test('an answer before a body was read closes the connection once the body is in', async (t) => {
    const port = await serve(t, (ex) => ex.respond(413, { 'Content-Type': 'text/plain' }, 'too large'));
    const text = await rawExchange(
      port,
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello',
      /(?!)/,
    );
    assert.match(text, /^HTTP\/1\.1 413 /);
    assert.match(text, /connection: close/i);
  });

  test('answers of a busy turn each reach their own client once; one that left costs the others nothing', async (t) => {
    const COUNT = 20;
    let waiting: Array<{ ex: NodeExchange; req: IncomingMessage }> = [];
    let round: (batch: typeof waiting) => void = () => {};
    const port = await serve(t, (ex, req) => {
      waiting.push({ ex, req });
      if (waiting.length < COUNT) return;
      const batch = waiting;
      waiting = [];
      round(batch);
    });
    const agent = new Agent({ keepAlive: true, maxSockets: COUNT });
    t.after(() => agent.destroy());
    const get = (path: string) =>
      new Promise<string>((resolve, reject) => {
        request({ agent, port, host: '127.0.0.1', path }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            body += chunk;
          });
          res.on('end', () => resolve(body));
        })
          .on('error', reject)
          .end();
      });
    const answerAll = (batch: typeof waiting, drop?: number) => {
      for (const [i, { ex, req }] of batch.entries()) {
        ex.respond(200, { 'Content-Type': 'text/plain' }, `answer to ${ex.request.path}`);
        ex.respond(500, undefined, 'a second answer is ignored');
        if (i === drop) req.socket.destroy();
      }
    };
    // Twenty answers in one tick: the server counts itself busy, and holds the next turns' answers.
    round = (batch) => answerAll(batch);
    const first = await Promise.all(Array.from({ length: COUNT }, (_, i) => get(`/a${i}`)));
    assert.deepEqual(
      first,
      Array.from({ length: COUNT }, (_, i) => `answer to /a${i}`),
    );
    round = (batch) => answerAll(batch, 0);
    const second = await Promise.allSettled(Array.from({ length: COUNT }, (_, i) => get(`/b${i}`)));
    const dropped = second.filter((s) => s.status === 'rejected');
    assert.equal(dropped.length, 1, 'only the client whose connection was cut went without');
    const answered = second.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const asked = Array.from({ length: COUNT }, (_, i) => `answer to /b${i}`);
    assert.equal(new Set(answered).size, COUNT - 1, 'each answer once');
    assert.ok(
      answered.every((body) => asked.includes(body)),
      'every answer went to its own request',
    );
    // The kept-alive connections carry no stray second answer: the next round reads its own.
    round = (batch) => answerAll(batch);
    const third = await Promise.all(Array.from({ length: COUNT }, (_, i) => get(`/c${i}`)));
    assert.deepEqual(
      third,
      Array.from({ length: COUNT }, (_, i) => `answer to /c${i}`),
    );
  });
});
