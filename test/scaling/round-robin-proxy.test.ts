// The round-robin proxy of examples/scaling against plain node:http upstreams on 127.0.0.1:0: one
// upstream per request, headers kept, streaming both ways, aborts both ways, retries and 502.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import {
  Agent,
  createServer,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { type TestContext, test } from 'node:test';
import { RoundRobinProxy } from '../../examples/scaling/round-robin-proxy.ts';
import { withTimeout } from './cluster-harness.ts';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

interface Upstream {
  readonly name: string;
  readonly origin: string;
  readonly server: Server;
  /** Requests it got, with their raw headers and body. */
  readonly seen: Array<{ method: string; url: string; rawHeaders: string[]; body: string }>;
}

async function upstream(t: TestContext, name: string, handler?: Handler): Promise<Upstream> {
  const seen: Upstream['seen'] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    if (handler !== undefined) return handler(req, res);
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', rawHeaders: req.rawHeaders, body });
      res.writeHead(200, { 'content-type': 'text/plain', 'x-upstream': name });
      res.end(`${name}:${body}`);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => {
    for (const socket of sockets) socket.destroy();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const { port } = server.address() as AddressInfo;
  return { name, origin: `http://127.0.0.1:${port}`, server, seen };
}

/** A port nothing listens on (bound, then released). */
async function deadOrigin(): Promise<string> {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

async function startProxy(t: TestContext, upstreams: string[], errors: string[] = []): Promise<URL> {
  const proxy = new RoundRobinProxy({ upstreams, onUpstreamError: (line) => errors.push(line) });
  const url = await proxy.listen(0);
  t.after(() => proxy.close());
  return url;
}

interface Answer {
  status: number;
  headers: IncomingMessage['headers'];
  rawHeaders: string[];
  body: string;
  localPort: number;
}

function send(
  url: URL,
  options: {
    method?: string;
    path?: string;
    headers?: Record<string, string> | string[];
    body?: string;
    agent?: Agent;
  } = {},
): Promise<Answer> {
  return withTimeout(
    new Promise<Answer>((resolve, reject) => {
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          method: options.method ?? 'GET',
          path: options.path ?? '/',
          headers: options.headers ?? {},
          agent: options.agent ?? false,
        },
        (res) => {
          const localPort = (res.socket as Socket).localPort ?? 0;
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            body += chunk;
          });
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              rawHeaders: res.rawHeaders,
              body,
              localPort,
            }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(options.body);
    }),
    10_000,
    `${options.method ?? 'GET'} ${options.path ?? '/'}`,
  );
}

test('each request, not each connection, goes to the next upstream', async (t) => {
  const ups = await Promise.all(['a', 'b', 'c'].map((name) => upstream(t, name)));
  const url = await startProxy(
    t,
    ups.map((u) => u.origin),
  );
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  t.after(() => agent.destroy());
  const answers: Answer[] = [];
  for (let i = 0; i < 6; i++) answers.push(await send(url, { agent, path: `/r${i}` }));
  assert.deepEqual(
    answers.map((a) => a.headers['x-upstream']),
    ['a', 'b', 'c', 'a', 'b', 'c'],
  );
  assert.equal(new Set(answers.map((a) => a.localPort)).size, 1, 'all six went over one client connection');
  assert.deepEqual(
    ups.map((u) => u.seen.map((s) => s.url)),
    [
      ['/r0', '/r3'],
      ['/r1', '/r4'],
      ['/r2', '/r5'],
    ],
  );
});

test('request headers arrive as sent (Host, Mcp-Session-Id, Last-Event-ID, repeats), hop-by-hop ones do not', async (t) => {
  const up = await upstream(t, 'a', (req, res) => {
    res.writeHead(200, [
      'Mcp-Session-Id',
      'abc',
      'Set-Cookie',
      'x=1',
      'Set-Cookie',
      'y=2',
      'Connection',
      'keep-alive, X-Secret',
      'X-Secret',
      'hop',
    ]);
    res.end(JSON.stringify(req.rawHeaders));
  });
  const url = await startProxy(t, [up.origin]);
  const answer = await send(url, {
    method: 'POST',
    path: '/mcp?x=1',
    headers: [
      'Host',
      'mcp.example.test:443',
      'Mcp-Session-Id',
      'session-1',
      'Last-Event-ID',
      'stream_42',
      'X-Repeat',
      'one',
      'X-Repeat',
      'two',
      'Connection',
      'keep-alive, X-Drop-Me',
      'X-Drop-Me',
      'secret',
      'Keep-Alive',
      'timeout=5',
      'Content-Type',
      'application/json',
    ],
    body: '{}',
  });
  const raw = JSON.parse(answer.body) as string[];
  const pairs = [];
  for (let i = 0; i < raw.length; i += 2) pairs.push(`${raw[i]}: ${raw[i + 1]}`);
  for (const expected of [
    'Host: mcp.example.test:443',
    'Mcp-Session-Id: session-1',
    'Last-Event-ID: stream_42',
    'X-Repeat: one',
    'X-Repeat: two',
    'Content-Type: application/json',
    'X-Forwarded-For: 127.0.0.1',
    'X-Forwarded-Host: mcp.example.test:443',
  ]) {
    assert.ok(pairs.includes(expected), `${expected} in ${JSON.stringify(pairs)}`);
  }
  assert.ok(!pairs.some((p) => /^(x-drop-me|keep-alive):/i.test(p)), JSON.stringify(pairs));
  assert.equal(answer.headers['mcp-session-id'], 'abc');
  assert.deepEqual(answer.headers['set-cookie'], ['x=1', 'y=2']);
  assert.equal(
    answer.headers['x-secret'],
    undefined,
    'a header the upstream named in Connection stays there',
  );
});

test('an SSE response streams through event by event, and a request body streams to the upstream', async (t) => {
  let next!: () => void;
  let bodyStarted!: (chunk: string) => void;
  const firstChunk = new Promise<string>((resolve) => {
    bodyStarted = resolve;
  });
  const up = await upstream(t, 'a', (req, res) => {
    if (req.method === 'POST') {
      let body = '';
      req.setEncoding('utf8');
      req.once('data', (chunk: string) => bodyStarted(chunk));
      req.on('data', (chunk: string) => {
        body += chunk;
      });
      req.on('end', () => res.end(body));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    let n = 0;
    next = () => {
      n++;
      if (n <= 3) res.write(`id: ${n}\ndata: event ${n}\n\n`);
      else res.end();
    };
    next();
  });
  const url = await startProxy(t, [up.origin]);

  const events: string[] = [];
  const done = withTimeout(
    new Promise<void>((resolve, reject) => {
      request({ host: url.hostname, port: url.port, path: '/sse', agent: false }, (res) => {
        assert.equal(res.headers['content-type'], 'text/event-stream');
        res.setEncoding('utf8');
        // The upstream writes an event only once the one before reached this client: a proxy that
        // buffered would never let the second one out.
        res.on('data', (chunk: string) => {
          events.push(chunk);
          next();
        });
        res.on('end', resolve);
        res.on('error', reject);
      })
        .on('error', reject)
        .end();
    }),
    5_000,
    'the stream',
  );
  await done;
  assert.equal(events.join(''), 'id: 1\ndata: event 1\n\nid: 2\ndata: event 2\n\nid: 3\ndata: event 3\n\n');

  const answer = withTimeout(
    new Promise<string>((resolve, reject) => {
      const req = request(
        { host: url.hostname, port: url.port, method: 'POST', path: '/upload', agent: false },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            body += chunk;
          });
          res.on('end', () => resolve(body));
        },
      );
      req.on('error', reject);
      req.write('part one;');
      // The second part goes only after the upstream got the first.
      void firstChunk.then(() => req.end('part two'));
    }),
    5_000,
    'the upload',
  );
  assert.equal(await firstChunk, 'part one;');
  assert.equal(await answer, 'part one;part two');
});

test('a client that goes away aborts its upstream request; an upstream that goes away cuts the client off', async (t) => {
  let upstreamClosed!: () => void;
  const closed = new Promise<void>((resolve) => {
    upstreamClosed = resolve;
  });
  const up = await upstream(t, 'a', (req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('data: hello\n\n');
    if (req.url === '/die') setTimeout(() => res.socket?.destroy(), 50);
    else res.on('close', () => upstreamClosed());
  });
  const url = await startProxy(t, [up.origin]);

  const client = request({ host: url.hostname, port: url.port, path: '/stay', agent: false });
  client.on('error', () => {});
  client.end();
  const [res] = (await once(client, 'response')) as [IncomingMessage];
  await once(res, 'data');
  client.destroy();
  await withTimeout(closed, 5_000, 'the upstream noticing the client left');

  const cut = await withTimeout(
    new Promise<string>((resolve) => {
      const req = request({ host: url.hostname, port: url.port, path: '/die', agent: false }, (r) => {
        r.on('data', () => {});
        r.on('end', () => resolve('clean end'));
        r.on('error', (error) => resolve(`error: ${error.message}`));
        r.on('aborted', () => resolve('aborted'));
      });
      req.on('error', (error) => resolve(`error: ${error.message}`));
      req.end();
    }),
    5_000,
    'the client noticing the upstream left',
  );
  assert.notEqual(cut, 'clean end', 'an answer cut short upstream must not look complete');
});

test('a refused connection moves on to the next upstream, POST body and all', async (t) => {
  const dead = await deadOrigin();
  const live = await upstream(t, 'live');
  const errors: string[] = [];
  const url = await startProxy(t, [dead, live.origin], errors);
  for (let i = 0; i < 4; i++) {
    const answer = await send(url, { method: 'POST', path: '/mcp', body: `call ${i}` });
    assert.equal(answer.status, 200);
    assert.equal(answer.body, `live:call ${i}`);
  }
  assert.equal(live.seen.length, 4, 'each POST ran once');
  assert.equal(errors.length, 2, 'every other request tried the dead upstream first');
  assert.match(errors[0]!, /^POST \/mcp → http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED$/);
});

test('with every upstream down, the answer is 502 naming each failure', async (t) => {
  const url = await startProxy(t, [await deadOrigin(), await deadOrigin()]);
  const answer = await send(url, { path: '/mcp' });
  assert.equal(answer.status, 502);
  assert.match(answer.body, /^Bad gateway: no upstream answered GET \/mcp\n/);
  assert.equal(answer.body.match(/ECONNREFUSED/g)?.length, 2);
});

test('an upstream that dies after taking a request: GET moves on, POST gets 502 (never run twice)', async (t) => {
  const dying = await upstream(t, 'dying', (req) => {
    req.resume();
    req.on('end', () => req.socket.destroy());
  });
  const live = await upstream(t, 'live');
  const url = await startProxy(t, [dying.origin, live.origin]);

  const get = await send(url, { path: '/mcp' });
  assert.equal(get.status, 200);
  assert.equal(get.headers['x-upstream'], 'live');

  const post = await send(url, { method: 'POST', path: '/mcp', body: 'once' });
  assert.equal(post.status, 200, 'round robin: this one went to the live upstream');
  const post2 = await send(url, { method: 'POST', path: '/mcp', body: 'once' });
  assert.equal(post2.status, 502, 'sent to the dying upstream, which may have acted on it');
  assert.match(post2.body, /ECONNRESET|socket hang up/);
  assert.equal(live.seen.filter((s) => s.method === 'POST').length, 1);
});
