import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { McpServer } from '../../src/server/mcp-server.ts';
import { connectTestClient, type TestClient } from '../../src/testing/test-client.ts';
import { rejectsWithCode } from './helpers.ts';

function loggingServer(options: ConstructorParameters<typeof McpServer>[1] = {}) {
  const server = new McpServer({ name: 'logs', version: '1' }, options);
  server.tool('chatty', {}, (_args, ctx) => {
    ctx.log('debug', 'a debug line');
    ctx.log('info', { step: 'info' }, 'worker');
    ctx.log('warning', 'careful');
    ctx.log('error', 'broken');
    ctx.log('emergency', 'on fire');
    return 'done';
  });
  return server;
}

/** The levels of the log messages a client received (complete once the call that logged has answered). */
function levels(client: TestClient): unknown[] {
  return client.notifications.filter((n) => n.method === 'notifications/message').map((n) => n.params?.level);
}

describe('logging', () => {
  test('logging/setLevel answers {} and ctx.log honours the level', async () => {
    const client = await connectTestClient(loggingServer());
    assert.deepEqual(await client.request('logging/setLevel', { level: 'warning' }), {});
    await client.callTool('chatty');
    assert.deepEqual(levels(client), ['warning', 'error', 'emergency']);
    await client.close();
  });

  test('each session has its own level', async () => {
    const server = loggingServer();
    const verbose = await connectTestClient(server);
    const quiet = await connectTestClient(server);
    await verbose.request('logging/setLevel', { level: 'debug' });
    await quiet.request('logging/setLevel', { level: 'error' });
    await Promise.all([verbose.callTool('chatty'), quiet.callTool('chatty')]);
    assert.deepEqual(levels(verbose), ['debug', 'info', 'warning', 'error', 'emergency']);
    assert.deepEqual(levels(quiet), ['error', 'emergency']);
    await Promise.all([verbose.close(), quiet.close()]);
  });

  test('a log message carries its data and logger as notifications/message', async () => {
    const client = await connectTestClient(loggingServer());
    await client.callTool('chatty');
    const info = client.notifications.find(
      (n) => n.method === 'notifications/message' && n.params?.level === 'info',
    );
    assert.deepEqual(info?.params, { level: 'info', data: { step: 'info' }, logger: 'worker' });
    await client.close();
  });

  test('a session that never set a level gets the server default (info unless configured)', async () => {
    const byDefault = await connectTestClient(loggingServer());
    await byDefault.callTool('chatty');
    assert.deepEqual(levels(byDefault), ['info', 'warning', 'error', 'emergency']);
    await byDefault.close();

    const configured = await connectTestClient(loggingServer({ logLevel: 'error' }));
    await configured.callTool('chatty');
    assert.deepEqual(levels(configured), ['error', 'emergency']);
    await configured.close();
  });

  test('a level that is not a syslog level is -32602 naming the value and the allowed ones', async () => {
    const client = await connectTestClient(loggingServer());
    await rejectsWithCode(
      client.request('logging/setLevel', { level: 'verbose' }),
      -32602,
      /"verbose"/,
      /debug, info/,
    );
    await rejectsWithCode(client.request('logging/setLevel', {}), -32602, /"level"/);
    // The refused request left the level alone.
    await client.callTool('chatty');
    assert.deepEqual(levels(client), ['info', 'warning', 'error', 'emergency']);
    await client.close();
  });
});
