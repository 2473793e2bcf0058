// npx mcp-live with --protocol: MCP 2026-07-28 (stateless) against a server that speaks both eras,
// auto choosing it, 2025 and sse forcing the older wires, and listen over subscriptions/listen with
// custom events; each run is a spawned CLI against a real server on 127.0.0.1.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { repeatUntil, runCLI, startCLI, startServer } from './cli-harness.ts';

const timeout = 30_000;

describe('mcp-live --protocol', () => {
  test('2026 calls a tool, reads a resource and lists tools statelessly, opening no session', {
    timeout,
  }, async (t) => {
    const { server, url } = await startServer(t, 'streamable-http');
    const call = await runCLI(t, ['call', url, 'add', 'a=1.5', 'b=3', '--protocol', '2026']);
    assert.equal(call.stderr, '');
    assert.equal(call.code, 0);
    assert.equal(call.stdout, '4.5\n');
    const read = await runCLI(t, ['read', url, 'note://greeting', '-p', '2026']);
    assert.equal(read.stdout, 'hello, world\n');
    const tools = await runCLI(t, ['tools', url, '-p', 'auto']);
    assert.match(tools.stdout, /^add — Adds two numbers\n/);
    assert.equal(server.sessionCount, 0, 'no session was opened');
  });

  test('2025 and sse open sessions as before', { timeout }, async (t) => {
    const { url } = await startServer(t, 'streamable-http');
    const streamable = await runCLI(t, ['call', url, 'add', 'a=1', '--protocol', '2025']);
    assert.equal(streamable.stdout, '3\n');
    const sse = await startServer(t, 'sse');
    const old = await runCLI(t, ['call', sse.url, 'add', 'a=2', '--protocol', 'sse']);
    assert.equal(old.stdout, '4\n');
  });

  test('listen on 2026 hears list changes, --subscribe resources and --event custom methods, one JSON line each', {
    timeout,
  }, async (t) => {
    const { server, url } = await startServer(t, 'streamable-http');
    const cli = startCLI(t, [
      'listen',
      url,
      '-p',
      '2026',
      '--subscribe',
      'note://greeting',
      '--event',
      'chat_message',
    ]);
    await cli.waitFor('stderr', /^Listening to .* over MCP 2026-07-28/);
    await repeatUntil(
      () => cli.stdout.includes('chat_message'),
      () => server.broadcast('chat_message', { text: 'hi' }),
    );
    await repeatUntil(
      () => cli.stdout.includes('resources/updated'),
      () => server.resourceUpdated('note://greeting'),
    );
    await server.broadcast('other_method', { ignored: true });
    server.tool('late', {}, () => 'late');
    await repeatUntil(
      () => cli.stdout.includes('tools/list_changed'),
      () => undefined,
    );
    cli.child.kill('SIGINT');
    assert.equal(await cli.exited, 130);
    const lines = cli.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { method: string; params: Record<string, unknown> });
    const methods = new Set(lines.map((line) => line.method));
    assert.ok(methods.has('chat_message'));
    assert.ok(methods.has('notifications/resources/updated'));
    assert.ok(methods.has('notifications/tools/list_changed'));
    assert.ok(!methods.has('other_method'), 'a method not asked for never arrives');
    const chat = lines.find((line) => line.method === 'chat_message')!;
    assert.equal(chat.params.text, 'hi');
  });

  test('--event against a 2025 session is a usage error that says why', { timeout }, async (t) => {
    const { url } = await startServer(t, 'sse');
    const { code, stderr } = await runCLI(t, ['listen', url, '--event', 'chat_message']);
    assert.equal(code, 2);
    assert.match(stderr, /--event needs a 2026-07-28 server/);
  });
});
