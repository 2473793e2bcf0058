// The client's side of MCP 2026-07-28 header mirroring, as pure functions: the spec's encoding examples,
// which arguments x-mcp-header marks, and the headers of each request; the server's own decoder agrees.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { collectParamHeaders, mirroredHeaders, ToolParamHeaders } from '../../src/client/mirrored-headers.ts';
import { encodeHeaderValue } from '../../src/protocol/header-values.ts';
import { decodeHeaderValue } from '../../src/transports/http/modern-headers.ts';

const META = { _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28' } };

describe('2026-07-28 mirrored headers (client)', () => {
  test("encodes the spec's examples: plain ASCII as is, everything else as =?base64?…?=", () => {
    const examples: Array<[string, string]> = [
      ['us-west1', 'us-west1'],
      ['Hello, 世界', '=?base64?SGVsbG8sIOS4lueVjA==?='],
      [' padded ', '=?base64?IHBhZGRlZCA=?='],
      ['line1\nline2', '=?base64?bGluZTEKbGluZTI=?='],
      ['=?base64?literal?=', '=?base64?PT9iYXNlNjQ/bGl0ZXJhbD89?='],
    ];
    for (const [value, header] of examples) {
      assert.equal(encodeHeaderValue(value), header, JSON.stringify(value));
      assert.equal(decodeHeaderValue(header), value, 'the server decodes it back');
    }
  });

  test('finds x-mcp-header arguments through properties, with their paths, and nowhere else', () => {
    const schema = {
      type: 'object',
      properties: {
        region: { type: 'string', 'x-mcp-header': 'Region' },
        target: { type: 'object', properties: { shard: { type: 'integer', 'x-mcp-header': 'Shard' } } },
        list: { type: 'array', items: { type: 'string', 'x-mcp-header': 'Nope' } },
        plain: { type: 'string' },
      },
    };
    assert.deepEqual(collectParamHeaders(schema), [
      { name: 'Region', path: ['region'] },
      { name: 'Shard', path: ['target', 'shard'] },
    ]);
    assert.deepEqual(collectParamHeaders(undefined), []);
  });

  test('a tools/call mirrors its method, name and each marked argument that has a value', () => {
    const tools = new ToolParamHeaders();
    assert.equal(tools.of('query'), undefined, 'unknown before a tools/list');
    tools.learn([
      {
        name: 'query',
        inputSchema: {
          type: 'object',
          properties: {
            region: { type: 'string', 'x-mcp-header': 'Region' },
            limit: { type: 'integer', 'x-mcp-header': 'Limit' },
            dry: { type: 'boolean', 'x-mcp-header': 'Dry-Run' },
            note: { type: ['string', 'null'], 'x-mcp-header': 'Note' },
          },
        },
      },
      { name: 'plain', inputSchema: { type: 'object' } },
    ]);
    assert.deepEqual(tools.of('plain'), []);
    const headers = mirroredHeaders(
      {
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: { ...META, name: 'query', arguments: { region: 'eu', limit: 42, dry: false, note: null } },
      },
      tools.of('query') ?? [],
    );
    assert.deepEqual(Object.fromEntries(headers), {
      'mcp-protocol-version': '2026-07-28',
      'mcp-method': 'tools/call',
      'mcp-name': 'query',
      'mcp-param-region': 'eu',
      'mcp-param-limit': '42',
      'mcp-param-dry-run': 'false',
    });
  });

  test('resources/read mirrors the URI, prompts/get the name (encoded when not plain), others the method only', () => {
    const read = mirroredHeaders(
      { jsonrpc: '2.0', id: 1, method: 'resources/read', params: { ...META, uri: 'file:///Ünïcode.md' } },
      [],
    );
    assert.equal(decodeHeaderValue(read.get('mcp-name') ?? ''), 'file:///Ünïcode.md');
    assert.match(read.get('mcp-name') ?? '', /^=\?base64\?/);
    const prompt = mirroredHeaders(
      { jsonrpc: '2.0', id: 2, method: 'prompts/get', params: { ...META, name: 'greet' } },
      [],
    );
    assert.equal(prompt.get('mcp-name'), 'greet');
    const list = mirroredHeaders({ jsonrpc: '2.0', id: 3, method: 'tools/list', params: { ...META } }, []);
    assert.deepEqual([...list.keys()].sort(), ['mcp-method', 'mcp-protocol-version']);
  });
});
