import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as root from '../src/index.ts';
import * as otel from '../src/otel/index.ts';
import * as testing from '../src/testing/index.ts';
import * as transport from '../src/transport.ts';

// Changing the public API is a decision: update these lists on purpose, with the docs.
test('the root entry exports exactly the documented runtime values', () => {
  assert.deepEqual(Object.keys(root).sort(), [
    'ErrorCode',
    'LATEST_MODERN_PROTOCOL_VERSION',
    'LATEST_PROTOCOL_VERSION',
    'LEGACY_PROTOCOL_VERSIONS',
    'MODERN_PROTOCOL_VERSIONS',
    'McpHttpServer',
    'McpLiveError',
    'McpServer',
    'MemoryEventStore',
    'MemoryMessageBus',
    'MemorySessionStore',
    'MetaKey',
    'ModernErrorCode',
    'ProtocolError',
    'RequestContext',
    'SSEServer',
    'SUPPORTED_PROTOCOL_VERSIONS',
    'StreamableHTTPServer',
    'UriTemplate',
    'audio',
    'blobResource',
    'compileSchema',
    'embeddedResource',
    'formatIssues',
    'image',
    'isMcpLiveError',
    'isProtocolError',
    'json',
    'jsonSchema',
    'requestStateKeysFromEnv',
    'resourceLink',
    's',
    'text',
    'textBlock',
    'textResource',
    'toolError',
    'withJSONSchema',
  ]);
});

test('mcp-live/testing exports the in-memory client pair', () => {
  assert.deepEqual(Object.keys(testing).sort(), ['TestClient', 'connectTestClient']);
});

test('mcp-live/transport exports what a transport of your own needs, and nothing a handler does', () => {
  assert.deepEqual(Object.keys(transport).sort(), ['Session', 'asSession', 'transportHost']);
});

test('mcp-live/otel exports instrument() alone', () => {
  assert.deepEqual(Object.keys(otel).sort(), ['instrument']);
});
