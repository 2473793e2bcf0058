import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as client from '../../src/client/index.ts';

test('mcp-live/client exports exactly this runtime API', () => {
  assert.deepEqual(Object.keys(client).sort(), [
    'ErrorCode',
    'HTTPError',
    'McpClient',
    'McpLiveError',
    'ProtocolError',
    'connect',
    'isHTTPError',
    'isMcpLiveError',
    'isProtocolError',
  ]);
});
