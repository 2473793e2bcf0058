import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { startLiveServer } from '../../examples/live/live-server.ts';
import { closedPort, KINDS, ROOT, runCLI, startServer } from './cli-harness.ts';

const timeout = 30_000;
const authenticate = (req: { headers: Headers }) =>
  req.headers.get('authorization') === 'Bearer t' ? { user: 'u' } : undefined;

describe('mcp-live errors', () => {
  test('an unreachable server: connection refused, exit 1', { timeout }, async (t) => {
    const url = `http://127.0.0.1:${await closedPort()}/mcp`;
    assert.deepEqual(await runCLI(t, ['tools', url]), {
      code: 1,
      stdout: '',
      stderr: `mcp-live: Cannot reach ${url}: connection refused. Is the server running?\n`,
    });
  });

  test('an unknown tool names the tools there are, exit 2', { timeout }, async (t) => {
    const { url } = await startServer(t, 'streamable-http');
    assert.deepEqual(await runCLI(t, ['call', url, 'nope']), {
      code: 2,
      stdout: '',
      stderr: 'mcp-live: Unknown tool "nope"; available: add, echo, steps, fail, slow\n',
    });
  });

  test('a bad or missing argument names the argument and the type expected, exit 2', {
    timeout,
  }, async (t) => {
    const { url } = await startServer(t, 'streamable-http');
    const bad = await runCLI(t, ['call', url, 'add', 'a=abc']);
    assert.deepEqual(bad, {
      code: 2,
      stdout: '',
      stderr: 'mcp-live: Argument "a" must be a number; got "abc"\n',
    });
    const missing = await runCLI(t, ['call', url, 'add', 'b=1']);
    assert.equal(missing.code, 2);
    assert.equal(missing.stderr, 'mcp-live: Tool "add" needs argument "a": pass a=<number>\n');
    const unknown = await runCLI(t, ['call', url, 'add', 'a=1', 'c=2']);
    assert.equal(unknown.code, 2);
    assert.equal(unknown.stderr, 'mcp-live: Tool "add" has no argument "c"; its arguments are: a, b\n');
  });

  for (const kind of KINDS) {
    test(`a ${kind} server that answers 401 gets a hint to pass --header; with it the call succeeds`, {
      timeout,
    }, async (t) => {
      const { url } = await startServer(t, kind, { authenticate });
      const denied = await runCLI(t, ['tools', url]);
      assert.equal(denied.code, 1);
      assert.equal(denied.stdout, '');
      assert.match(
        denied.stderr,
        /^mcp-live: http:\/\/127\.0\.0\.1:\d+\/(sse|mcp) answered 401 Unauthorized/,
      );
      assert.match(
        denied.stderr,
        /\. Pass credentials with --header, e\.g\. --header 'Authorization: Bearer <token>'\n$/,
      );
      const wrong = await runCLI(t, ['tools', url, '-H', 'Authorization: Bearer nope']);
      assert.equal(wrong.code, 1);
      assert.match(wrong.stderr, /answered 401 .*\. Check the credentials passed with --header\.\n$/);
      const allowed = await runCLI(t, [
        'call',
        url,
        'add',
        'a=1',
        '--header',
        'Authorization: Bearer t',
        '--transport',
        kind,
      ]);
      assert.deepEqual(allowed, { code: 0, stdout: '3\n', stderr: '' });
    });
  }

  test('a URL that is not an MCP endpoint is reported with where endpoints usually are', {
    timeout,
  }, async (t) => {
    const { url } = await startServer(t, 'streamable-http');
    const wrong = url.replace(/\/mcp$/, '/nope');
    const { code, stderr } = await runCLI(t, ['tools', wrong, '--transport', 'streamable-http']);
    assert.equal(code, 1);
    assert.match(
      stderr,
      /answered 404 Not Found .*Streamable HTTP servers usually answer at \/mcp, HTTP\+SSE servers at \/sse\.\n$/,
    );
  });

  test('a web page (the live example page root) is reported once, short, with where endpoints usually are', {
    timeout,
  }, async (t) => {
    const live = await startLiveServer({ port: 0, log: () => {} });
    t.after(() => live.close());
    for (const command of ['tools', 'listen']) {
      const { code, stderr } = await runCLI(t, [command, live.url]);
      assert.equal(code, 1, command);
      assert.match(stderr, /is this a web page\? MCP endpoints are usually at a path such as \/mcp/);
      assert.equal(stderr.split('answered text/html').length, 2, `${command}: the reason is given once`);
      assert.doesNotMatch(stderr, /cannot be resumed/, 'a stream that never opened has nothing to resume');
      assert.equal(stderr.trim().split('\n').length, 1, `${command}: one line`);
    }
  });
});

describe('mcp-live usage', () => {
  test('--help and <command> --help print usage on stdout, exit 0', { timeout }, async (t) => {
    const general = await runCLI(t, ['--help']);
    assert.equal(general.code, 0);
    assert.match(general.stdout, /^Usage: mcp-live <command> <url>/);
    const call = await runCLI(t, ['call', '--help']);
    assert.equal(call.code, 0);
    assert.match(call.stdout, /^Usage: mcp-live call <url> <tool> \[name=value…\]/);
  });

  test('--version prints the package version', { timeout }, async (t) => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    assert.deepEqual(await runCLI(t, ['--version']), {
      code: 0,
      stdout: `mcp-live ${version}\n`,
      stderr: '',
    });
  });

  test('a wrong command line says what is wrong on stderr, exit 2', { timeout }, async (t) => {
    const cases: Array<[string[], RegExp]> = [
      [[], /^mcp-live: mcp-live needs a command: tools, call, read or listen\n/],
      [['frobnicate', 'http://x'], /^mcp-live: Unknown command "frobnicate"/],
      [
        ['tools'],
        /^mcp-live: mcp-live tools needs the server's URL\nRun "mcp-live tools --help" for usage\.\n$/,
      ],
      [['tools', 'localhost:8080/mcp'], /is not an http\(s\) URL; write it as http:\/\/localhost:8080\/mcp/],
      [
        ['tools', 'http://x', '--transport', 'ws'],
        /--transport must be one of auto, streamable-http, sse; got "ws"/,
      ],
      [['tools', 'http://x', '--header', 'Bearer t'], /--header "Bearer t" is not "Name: value"/],
      [['tools', 'http://x', '--bogus'], /Unknown option '--bogus'/],
      [['read', 'http://x', 'a://b', 'c://d'], /unexpected argument "c:\/\/d"/],
    ];
    for (const [args, pattern] of cases) {
      const { code, stdout, stderr } = await runCLI(t, args);
      assert.equal(code, 2, `exit code of ${args.join(' ')}`);
      assert.equal(stdout, '');
      assert.match(stderr, pattern);
    }
  });
});
