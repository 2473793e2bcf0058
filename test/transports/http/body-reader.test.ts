import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { test } from 'node:test';
import { BodyReader } from '../../../src/transports/http/body-reader.ts';
import { deadlinesOf } from '../../../src/transports/http/deadline-queue.ts';
import type { BodyResult } from '../../../src/transports/http/exchange.ts';

/** A timeout no other test uses: its deadline queue is this file's alone. */
const TIMEOUT = 1_357;

/** A server that reads each body with a BodyReader and answers what it read; counts deadlines armed. */
async function start(t: { after(fn: () => unknown): void }) {
  const queue = deadlinesOf(TIMEOUT);
  const add = queue.add.bind(queue);
  const armed = { count: 0 };
  queue.add = (entry) => {
    armed.count++;
    add(entry);
  };
  t.after(() => {
    queue.add = add;
  });
  const results: BodyResult[] = [];
  const server = createServer((req, res) => {
    new BodyReader(req, 1 << 20, TIMEOUT, (result) => {
      results.push(result);
      // One exchange per connection: the client reads until the server closes it.
      res.setHeader('Connection', 'close');
      res.end(result.ok ? result.text : result.reason);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;
  return { port, armed, results };
}

function head(body: string): string {
  return `POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`;
}

/** Writes `parts` to a new connection, each waiting for `between` first; resolves with what came back. */
function exchange(port: number, parts: string[], between: () => Promise<void>): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(port, '127.0.0.1');
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      received += chunk;
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(received));
    socket.once('connect', async () => {
      for (const [i, part] of parts.entries()) {
        if (i > 0) await between();
        socket.write(part);
      }
    });
  });
}

test('a body that comes with its headers is read without a deadline; one that comes later is watched', async (t) => {
  const { port, armed, results } = await start(t);
  const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' });

  // Headers and body in one packet: read whole in the same turn, never put on the deadline queue.
  const whole = await exchange(port, [head(body) + body], async () => {});
  assert.match(whole, /^HTTP\/1\.1 200 /);
  assert.ok(whole.endsWith(body), whole);
  assert.equal(armed.count, 0, 'a body that came whole was put on the deadline queue');

  // The body after the headers, a few turns of the event loop later: watched until it is in.
  const late = await exchange(port, [head(body), body], () => new Promise((r) => setTimeout(r, 30)));
  assert.ok(late.endsWith(body), late);
  assert.equal(armed.count, 1, 'a body still on its way was not put on the deadline queue');
  assert.deepEqual(
    results.map((r) => r.ok),
    [true, true],
  );
  assert.equal(deadlinesOf(TIMEOUT).size, 0, 'a body read is off the deadline queue');
});
