import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { describe, type TestContext, test } from 'node:test';
import { createNodeHandler, type ExchangeHandler } from '../../../src/transports/http/entry-points.ts';
import { respondText } from '../../../src/transports/http/respond.ts';

/**
 * Serves `handle` through the node:http entry point on 127.0.0.1:0; `next` stands for Express's. Returns
 * a function that GETs a path and gives its status and body, and the errors the entry point reported.
 */
async function serve(t: TestContext, handle: ExchangeHandler, next?: () => void) {
  const reported: unknown[] = [];
  const entry = createNodeHandler(handle, (error) => reported.push(error));
  const settled: Array<Promise<void>> = [];
  const server: Server = createServer((req, res) => {
    settled.push(entry(req, res, next));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  const { port } = server.address() as { port: number };
  const get = async (path: string) => {
    const response = await fetch(`http://127.0.0.1:${port}${path}`);
    return { status: response.status, body: await response.text() };
  };
  return { get, reported, settled };
}

describe('the node:http entry point', () => {
  test('answers what a wire answers at once, and what it answers after waiting', async (t) => {
    const { get, settled } = await serve(t, (ex) => {
      if (ex.request.path === '/now') {
        respondText(ex, 200, 'now');
        return true;
      }
      return new Promise<boolean>((resolve) =>
        setTimeout(() => {
          respondText(ex, 200, 'later');
          resolve(true);
        }, 5),
      );
    });
    assert.deepEqual(await get('/now'), { status: 200, body: 'now' });
    assert.deepEqual(await get('/later'), { status: 200, body: 'later' });
    // The handler's promise settles in both cases, never rejecting.
    await Promise.all(settled);
  });

  test('a path no wire takes is 404 with the path, or goes to next when there is one', async (t) => {
    const { get } = await serve(t, (ex) => (ex.request.path === '/later' ? Promise.resolve(false) : false));
    assert.deepEqual(await get('/nothing'), { status: 404, body: 'Not Found: /nothing' });
    assert.deepEqual(await get('/later'), { status: 404, body: 'Not Found: /later' });

    let nexts = 0;
    let reached!: () => void;
    const nextCalled = new Promise<void>((resolve) => {
      reached = resolve;
    });
    const routed = await serve(
      t,
      () => false,
      () => {
        nexts++;
        reached();
      },
    );
    // next takes the request over: the entry point does not answer it (nobody does here; the test closes it).
    void routed.get('/elsewhere').catch(() => undefined);
    await nextCalled;
    assert.equal(nexts, 1);
  });

  test('a wire that throws, at once or later, and a next that throws are reported and answered 500', async (t) => {
    const now = new Error('thrown at once');
    const later = new Error('rejected later');
    const { get, reported, settled } = await serve(t, (ex) => {
      if (ex.request.path === '/now') throw now;
      return Promise.reject(later);
    });
    assert.deepEqual(await get('/now'), { status: 500, body: 'Internal Server Error' });
    assert.deepEqual(await get('/later'), { status: 500, body: 'Internal Server Error' });
    assert.deepEqual(reported, [now, later]);
    await Promise.all(settled);

    const inNext = new Error('next failed');
    const routed = await serve(
      t,
      () => false,
      () => {
        throw inNext;
      },
    );
    assert.deepEqual(await routed.get('/x'), { status: 500, body: 'Internal Server Error' });
    assert.deepEqual(routed.reported, [inNext]);
  });
});
