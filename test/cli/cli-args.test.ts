import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseCommandLine } from '../../src/cli/cli-args.ts';
import { isCLIError } from '../../src/cli/cli-error.ts';
import { explainError } from '../../src/cli/explain-error.ts';
import { McpLiveError } from '../../src/protocol/mcp-live-error.ts';
import { ProtocolError } from '../../src/protocol/protocol-error.ts';

const defaults = {
  headers: [],
  protocol: undefined,
  transport: 'auto',
  timeout: 60,
  json: false,
  quiet: false,
};

describe('parseCommandLine', () => {
  test('reads each command with options anywhere on the line', () => {
    assert.deepEqual(parseCommandLine(['tools', 'http://h/mcp']), {
      name: 'tools',
      url: 'http://h/mcp',
      options: defaults,
    });
    assert.deepEqual(
      parseCommandLine([
        'call',
        '-H',
        'Authorization: Bearer a:b',
        'http://h/mcp',
        'add',
        'a=1',
        '--json',
        'b:=2',
        '-t',
        'sse',
        '--timeout',
        '0.5',
      ]),
      {
        name: 'call',
        url: 'http://h/mcp',
        tool: 'add',
        args: ['a=1', 'b:=2'],
        options: {
          ...defaults,
          headers: [['Authorization', 'Bearer a:b']],
          transport: 'sse',
          json: true,
          timeout: 0.5,
        },
      },
    );
    assert.deepEqual(
      parseCommandLine(['listen', 'http://h/mcp', '--subscribe', 'a://1', '--subscribe', 'a://2', '-q']),
      {
        name: 'listen',
        url: 'http://h/mcp',
        subscribe: ['a://1', 'a://2'],
        events: [],
        options: { ...defaults, quiet: true },
      },
    );
    assert.deepEqual(
      parseCommandLine(['listen', 'http://h/mcp', '-p', '2026', '--event', 'chat_message']).valueOf(),
      {
        name: 'listen',
        url: 'http://h/mcp',
        subscribe: [],
        events: ['chat_message'],
        options: { ...defaults, protocol: '2026-07-28' },
      },
    );
    assert.deepEqual(parseCommandLine(['read', 'https://h/sse', 'note://x']), {
      name: 'read',
      url: 'https://h/sse',
      uri: 'note://x',
      options: defaults,
    });
  });

  test('help and version win over everything else', () => {
    assert.deepEqual(parseCommandLine(['call', 'http://h', '--help']), { name: 'help', topic: 'call' });
    assert.deepEqual(parseCommandLine(['help', 'listen']), { name: 'help', topic: 'listen' });
    assert.deepEqual(parseCommandLine(['-h']), { name: 'help' });
    assert.deepEqual(parseCommandLine(['tools', '--version']), { name: 'version' });
  });

  test('a wrong line is a USAGE error (exit 2) that says what is wrong', () => {
    const cases: Array<[string[], RegExp]> = [
      [['call', 'http://h'], /^mcp-live call needs the name of the tool to call\n/],
      [['tools', 'http://h', '--subscribe', 'a://b'], /^--subscribe only applies to mcp-live listen\n/],
      [['tools', 'http://h', '--event', 'x'], /^--event only applies to mcp-live listen\n/],
      [['tools', 'http://h', '--protocol', '2024'], /^--protocol must be one of 2026, 2025, sse or auto/],
      [
        ['tools', 'http://h', '-p', '2026', '-t', 'sse'],
        /^Give --protocol or the older --transport, not both\n/,
      ],
      [['tools', 'http://h', '--timeout=-1'], /^--timeout takes a number of seconds/],
      [['tools', 'ftp://h'], /^"ftp:\/\/h" is not an http\(s\) URL; write it as http:\/\/h\n/],
      [['tools', 'http://h', '--header', ': x'], /^--header ": x" is not "Name: value"/],
    ];
    for (const [argv, pattern] of cases) {
      assert.throws(
        () => parseCommandLine(argv),
        (error: unknown) => isCLIError(error, 'USAGE') && error.exitCode === 2 && pattern.test(error.message),
        argv.join(' '),
      );
    }
  });
});

describe('explainError', () => {
  const context = { url: 'http://h/mcp', timeout: 60, headers: false };

  test('a refused connection found in the cause chain reads as "connection refused"', () => {
    const socket = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    const error = new McpLiveError('TRANSPORT', 'POST failed', {
      cause: new TypeError('fetch failed', { cause: socket }),
    });
    assert.deepEqual(explainError(error, context), {
      message: 'Cannot reach http://h/mcp: connection refused. Is the server running?',
      exitCode: 1,
    });
  });

  test('a host not found, and a port fetch refuses, are named', () => {
    const dns = Object.assign(new Error('getaddrinfo ENOTFOUND h'), { code: 'ENOTFOUND' });
    const error = new McpLiveError('TRANSPORT', 'x', {
      cause: new TypeError('fetch failed', { cause: dns }),
    });
    assert.equal(
      explainError(error, context).message,
      'Cannot reach http://h/mcp: host "h" not found. Check the URL.',
    );
    const bad = new McpLiveError('TRANSPORT', 'x', {
      cause: new TypeError('fetch failed', { cause: new Error('bad port') }),
    });
    assert.match(
      explainError(bad, { ...context, url: 'http://h:1/mcp' }).message,
      /fetch refuses to connect to port 1/,
    );
  });

  test('401 suggests --header, or checking it when one was given', () => {
    const data = { method: 'POST', url: 'http://h/mcp', status: 401, statusText: 'Unauthorized', body: 'no' };
    const error = new McpLiveError('TRANSPORT', 'x', { data });
    assert.equal(
      explainError(error, context).message,
      "http://h/mcp answered 401 Unauthorized (no). Pass credentials with --header, e.g. --header 'Authorization: Bearer <token>'",
    );
    assert.match(
      explainError(error, { ...context, headers: true }).message,
      /Check the credentials passed with --header\.$/,
    );
  });

  test('a body that repeats the status text is not said twice', () => {
    const data = {
      method: 'POST',
      url: 'http://h/message',
      status: 400,
      statusText: 'Bad Request',
      body: 'Bad Request: missing sessionId query parameter',
    };
    assert.equal(
      explainError(new McpLiveError('TRANSPORT', 'x', { data }), context).message,
      'http://h/message answered 400 Bad Request (missing sessionId query parameter)',
    );
  });

  test('timeouts point at --timeout; JSON-RPC errors carry their code; usage errors exit 2', () => {
    assert.equal(
      explainError(new McpLiveError('TIMEOUT', 'x'), context).message,
      'http://h/mcp sent no answer within 60 s; raise --timeout (in seconds; 0 waits forever)',
    );
    assert.deepEqual(explainError(new ProtocolError(-32602, 'bad "a"'), context), {
      message: 'http://h/mcp refused the request: bad "a" (error -32602)',
      exitCode: 1,
    });
    assert.throws(
      () => parseCommandLine([]),
      (error: unknown) => explainError(error, context).exitCode === 2,
    );
  });
});
