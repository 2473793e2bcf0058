import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { KINDS, repeatUntil, runCLI, startCLI, startServer } from './cli-harness.ts';

// Each test spawns the CLI; a hang should fail the test, not the run.
const timeout = 30_000;

for (const kind of KINDS) {
  describe(`mcp-live against ${kind === 'sse' ? 'an HTTP+SSE' : 'a Streamable HTTP'} server`, () => {
    test('tools lists every tool with its description and argument types, requirement and default', {
      timeout,
    }, async (t) => {
      const { url } = await startServer(t, kind);
      const { code, stdout, stderr } = await runCLI(t, ['tools', url]);
      assert.equal(stderr, '');
      assert.equal(code, 0);
      assert.match(
        stdout,
        /^add — Adds two numbers\n {4}a {2}number {3}required {3}The first addend\n {4}b {2}integer {2}default 2\n/,
      );
      assert.match(stdout, /\n {4}tags +string\[\] +optional\n/);
      assert.match(stdout, /\n {4}mode +"fast" \| "slow" +default "fast"\n/);
      assert.match(stdout, /\nfail\n {4}\(no arguments\)\n/);
    });

    test('tools --json prints the tools as the server describes them', { timeout }, async (t) => {
      const { url } = await startServer(t, kind);
      const { code, stdout } = await runCLI(t, ['tools', url, '--json']);
      assert.equal(code, 0);
      const tools = JSON.parse(stdout) as Array<{ name: string; inputSchema: unknown }>;
      assert.deepEqual(
        tools.map((tool) => tool.name),
        ['add', 'echo', 'steps', 'fail', 'slow'],
      );
      assert.deepEqual(tools[0]!.inputSchema, {
        type: 'object',
        properties: {
          a: { type: 'number', description: 'The first addend' },
          b: { type: 'integer', default: 2 },
        },
        required: ['a'],
      });
    });

    test('call reads each argument as its schema types it and prints the result', { timeout }, async (t) => {
      const { url } = await startServer(t, kind);
      const add = await runCLI(t, ['call', url, 'add', 'a=1.5', 'b=3']);
      assert.deepEqual(add, { code: 0, stdout: '4.5\n', stderr: '' });
      const echo = await runCLI(t, [
        'call',
        url,
        'echo',
        'text=007',
        'times=3',
        'loud',
        'tags=a,b',
        'tags=c',
        'ids:=[1,2]',
        'meta={"k":"v"}',
      ]);
      assert.equal(echo.stderr, '');
      assert.equal(echo.code, 0);
      // structuredContent, pretty-printed once (the text block repeating it is left out).
      assert.deepEqual(JSON.parse(echo.stdout), {
        text: '007',
        times: 3,
        loud: true,
        tags: ['a', 'b', 'c'],
        ids: [1, 2],
        meta: { k: 'v' },
        mode: 'fast',
      });
      assert.match(echo.stdout, /^\{\n {2}"text": "007",\n/);
    });

    test('call writes one progress line per notification on a stderr that is not a terminal', {
      timeout,
    }, async (t) => {
      const { url } = await startServer(t, kind);
      const { code, stdout, stderr } = await runCLI(t, ['call', url, 'steps', 'count=2']);
      assert.equal(code, 0);
      assert.equal(stdout, 'done\n');
      assert.equal(stderr, 'progress 1/2 (50%): step 1\nprogress 2/2 (100%): step 2\n');
      const quiet = await runCLI(t, ['call', url, 'steps', '--quiet']);
      assert.deepEqual(quiet, { code: 0, stdout: 'done\n', stderr: '' });
    });

    test('call of a tool that reports an error exits 1 with its text on stderr', { timeout }, async (t) => {
      const { url } = await startServer(t, kind);
      const { code, stdout, stderr } = await runCLI(t, ['call', url, 'fail']);
      assert.equal(code, 1);
      assert.equal(stdout, '');
      assert.equal(stderr, 'mcp-live: tool "fail" failed: the disk is full\n');
      const machine = await runCLI(t, ['call', url, 'fail', '--json']);
      assert.equal(machine.code, 1);
      assert.deepEqual(JSON.parse(machine.stdout), {
        content: [{ type: 'text', text: 'the disk is full' }],
        isError: true,
      });
    });

    test('Ctrl-C cancels the call on the server and exits 130', { timeout }, async (t) => {
      const { url, slowStarted, slowAborted } = await startServer(t, kind);
      const cli = startCLI(t, ['call', url, 'slow']);
      await slowStarted;
      cli.child.kill('SIGINT');
      // The reason the CLI put in notifications/cancelled, not a session that closed under the handler.
      assert.equal(await slowAborted, 'interrupted (Ctrl-C)');
      assert.equal(await cli.exited, 130);
      assert.equal(cli.stdout, '');
      assert.equal(cli.stderr, 'mcp-live: cancelled "slow"\n');
    });

    test('read prints the resource text; --json the whole result', { timeout }, async (t) => {
      const { url } = await startServer(t, kind);
      assert.deepEqual(await runCLI(t, ['read', url, 'note://greeting']), {
        code: 0,
        stdout: 'hello, world\n',
        stderr: '',
      });
      const machine = await runCLI(t, ['read', url, 'note://greeting', '--json']);
      assert.deepEqual(JSON.parse(machine.stdout), {
        contents: [{ uri: 'note://greeting', mimeType: 'text/plain', text: 'hello, world' }],
      });
      const missing = await runCLI(t, ['read', url, 'note://missing']);
      assert.equal(missing.code, 1);
      assert.match(
        missing.stderr,
        /^mcp-live: .* refused the request: Resource not found: note:\/\/missing \(error -32002\)\n$/,
      );
    });

    test('listen prints each notification as a JSON line until Ctrl-C, then exits 130', {
      timeout,
    }, async (t) => {
      const { server, url } = await startServer(t, kind);
      const cli = startCLI(t, ['listen', url]);
      await cli.waitFor('stderr', /^Listening to /);
      // Streamable HTTP opens its GET stream after the handshake: send until one arrives.
      await repeatUntil(
        () => cli.stdout.includes('\n'),
        () => server.broadcast('notifications/message', { level: 'info', data: 'hi' }),
      );
      cli.child.kill('SIGINT');
      assert.equal(await cli.exited, 130);
      const first = cli.stdout.split('\n')[0]!;
      assert.deepEqual(JSON.parse(first), {
        jsonrpc: '2.0',
        method: 'notifications/message',
        params: { level: 'info', data: 'hi' },
      });
    });

    test('listen says at once that the server went away, while it retries', { timeout }, async (t) => {
      const { stop, url } = await startServer(t, kind);
      const cli = startCLI(t, ['listen', url]);
      await cli.waitFor('stderr', /^Listening to /);
      const stopped = Date.now();
      await stop();
      await cli.waitFor('stderr', /lost the stream from .*; reconnecting in \d+ ms|ended the session/);
      assert.ok(Date.now() - stopped < 5_000, 'told within seconds, not after every retry');
      cli.child.kill('SIGINT');
      assert.equal(await cli.exited, 130);
    });

    test('listen --subscribe receives updates of that resource', { timeout }, async (t) => {
      const { server, url } = await startServer(t, kind);
      const cli = startCLI(t, ['listen', url, '--subscribe', 'note://greeting']);
      await cli.waitFor('stderr', /^Listening to /);
      await repeatUntil(
        () => cli.stdout.includes('\n'),
        () => server.resourceUpdated('note://greeting'),
      );
      cli.child.kill('SIGINT');
      assert.equal(await cli.exited, 130);
      assert.deepEqual(JSON.parse(cli.stdout.split('\n')[0]!), {
        jsonrpc: '2.0',
        method: 'notifications/resources/updated',
        params: { uri: 'note://greeting' },
      });
    });
  });
}
