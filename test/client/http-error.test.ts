import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { HTTPError, isHTTPError } from '../../src/client/http-error.ts';
import { httpError, statusOf } from '../../src/client/transport-error.ts';
import { isMcpLiveError, McpLiveError } from '../../src/protocol/mcp-live-error.ts';

const url = new URL('http://127.0.0.1:9/mcp');

describe('HTTPError', () => {
  test('a 503 reads as HTTP_STATUS with its status, headers and a JSON-RPC body as its message', async () => {
    const body = JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32000, message: 'draining' } });
    const response = new Response(body, {
      status: 503,
      statusText: 'Service Unavailable',
      headers: { 'retry-after': '3' },
    });
    const error = await httpError('POST', url, response);
    assert.ok(error instanceof HTTPError && error instanceof McpLiveError);
    assert.equal(error.code, 'HTTP_STATUS');
    assert.equal(error.name, 'HTTPError');
    assert.equal(error.status, 503);
    assert.equal(statusOf(error), 503);
    assert.equal(error.response.headers.get('retry-after'), '3');
    assert.equal(error.response.body, 'draining');
    assert.equal(error.message, 'POST http://127.0.0.1:9/mcp answered 503 Service Unavailable: draining');
  });

  test('a plain-text body that repeats the status text says it once, and keeps the body whole', async () => {
    const response = new Response('Bad Request: missing sessionId query parameter', {
      status: 400,
      statusText: 'Bad Request',
    });
    const error = await httpError('POST', url, response);
    assert.match(
      error.message,
      /^POST http:\/\/127\.0\.0\.1:9\/mcp answered 400 Bad Request: missing sessionId query parameter/,
    );
    assert.equal(error.response.body, 'Bad Request: missing sessionId query parameter');
  });

  test('a 404 to a request of a session is SESSION_NOT_FOUND, still with its status', async () => {
    const error = await httpError('GET', url, new Response('', { status: 404 }), { sessionId: 's-1' });
    assert.ok(isMcpLiveError(error, 'SESSION_NOT_FOUND'));
    assert.ok(isHTTPError(error));
    assert.equal(error.status, 404);
    assert.match(error.message, /session s-1 is unknown to the server .*connect again/);
  });

  test('isHTTPError knows an HTTPError of another copy of the package, and nothing else', () => {
    const foreign = Object.assign(new Error('x'), {
      [Symbol.for('mcp-live.McpLiveError')]: true,
      [Symbol.for('mcp-live.HTTPError')]: true,
      code: 'HTTP_STATUS',
      status: 500,
    });
    assert.ok(isHTTPError(foreign));
    assert.equal(statusOf(foreign), 500);
    assert.ok(!isHTTPError(new McpLiveError('TRANSPORT', 'no answer')));
    assert.ok(!isHTTPError(undefined));
    assert.equal(statusOf(new McpLiveError('TRANSPORT', 'no answer')), undefined);
  });
});
