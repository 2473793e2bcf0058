import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { encodeHeaderValue } from '../../../src/protocol/header-values.ts';
import type { McpParamHeader } from '../../../src/server/mcp-header-params.ts';
import {
  decodeHeaderValue,
  HEADER_MISMATCH,
  type HeaderProblem,
  type MirroredRequest,
  validateModernHeaders,
} from '../../../src/transports/http/modern-headers.ts';

const VERSION = '2026-07-28';
const meta = { 'io.modelcontextprotocol/protocolVersion': VERSION };

/** Headers exactly as sent (no trimming, any byte), looked up ignoring case like Node's and Fetch's. */
function raw(headers: Record<string, string>): { get(name: string): string | null } {
  const lower = new Map(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
  return { get: (name) => lower.get(name.toLowerCase()) ?? null };
}

function call(name: string, args: Record<string, unknown> = {}): MirroredRequest {
  return { method: 'tools/call', params: { name, arguments: args, _meta: meta } };
}

const list: MirroredRequest = { method: 'tools/list', params: { _meta: meta } };
const callHeaders = (name: string) => ({
  'MCP-Protocol-Version': VERSION,
  'Mcp-Method': 'tools/call',
  'Mcp-Name': name,
});

function assertProblem(problem: HeaderProblem | undefined, header: string, ...parts: string[]): void {
  assert.ok(problem, `expected a problem with ${header}`);
  assert.equal(problem.status, 400);
  assert.equal(problem.error.code, HEADER_MISMATCH);
  assert.equal(problem.error.code, -32020);
  assert.equal(problem.header, header);
  for (const part of parts)
    assert.ok(problem.error.message.includes(part), `"${problem.error.message}" lacks ${part}`);
}

describe('validateModernHeaders: standard headers', () => {
  test('accepts a request whose headers mirror the body', () => {
    const headers = new Headers({ 'MCP-Protocol-Version': VERSION, 'Mcp-Method': 'tools/list' });
    assert.equal(validateModernHeaders(headers, list), undefined);
    assert.equal(validateModernHeaders(raw(callHeaders('echo')), call('echo')), undefined);
  });

  test('header names match in any case', () => {
    for (const name of ['mcp-method', 'MCP-METHOD', 'Mcp-Method']) {
      const headers = new Headers({ 'mcp-protocol-version': VERSION, [name]: 'tools/list' });
      assert.equal(validateModernHeaders(headers, list), undefined, name);
    }
  });

  test('a missing or different MCP-Protocol-Version is refused, naming both values', () => {
    assertProblem(
      validateModernHeaders(raw({ 'Mcp-Method': 'tools/list' }), list),
      'MCP-Protocol-Version',
      'missing',
    );
    const problem = validateModernHeaders(
      raw({ 'MCP-Protocol-Version': '2025-11-25', 'Mcp-Method': 'tools/list' }),
      list,
    );
    assertProblem(problem, 'MCP-Protocol-Version', '"2025-11-25"', `"${VERSION}"`, 'protocolVersion');
  });

  test('a body without _meta protocolVersion does not match the header', () => {
    const problem = validateModernHeaders(
      raw({ 'MCP-Protocol-Version': VERSION, 'Mcp-Method': 'tools/list' }),
      {
        method: 'tools/list',
      },
    );
    assertProblem(problem, 'MCP-Protocol-Version', 'has no params._meta');
  });

  test('a missing, different or differently cased Mcp-Method is refused', () => {
    assertProblem(
      validateModernHeaders(raw({ 'MCP-Protocol-Version': VERSION }), list),
      'Mcp-Method',
      'missing',
    );
    for (const sent of ['prompts/list', 'TOOLS/LIST']) {
      const problem = validateModernHeaders(
        raw({ 'MCP-Protocol-Version': VERSION, 'Mcp-Method': sent }),
        list,
      );
      assertProblem(problem, 'Mcp-Method', `"${sent}"`, '"tools/list"');
    }
  });

  test('Mcp-Name must equal params.name for tools/call, naming header and body values', () => {
    const problem = validateModernHeaders(raw(callHeaders('wrong_tool_name')), call('echo'));
    assertProblem(
      problem,
      'Mcp-Name',
      'Mcp-Name header value "wrong_tool_name"',
      'body value "echo"',
      'params.name',
    );
  });

  test('a missing Mcp-Name is refused when the body names a tool', () => {
    const problem = validateModernHeaders(
      raw({ 'MCP-Protocol-Version': VERSION, 'Mcp-Method': 'tools/call' }),
      call('echo'),
    );
    assertProblem(problem, 'Mcp-Name', 'missing', '"echo"');
  });

  test('spaces and tabs around a value are not part of it (RFC 9110 §5.5)', () => {
    for (const name of ['  echo  ', '\techo\t', ' echo']) {
      assert.equal(
        validateModernHeaders(raw(callHeaders(name)), call('echo')),
        undefined,
        JSON.stringify(name),
      );
    }
    const inner = validateModernHeaders(raw(callHeaders('ec ho')), call('echo'));
    assertProblem(inner, 'Mcp-Name', '"ec ho"');
  });

  test('Mcp-Name mirrors params.name for prompts/get and params.uri for resources/read', () => {
    const prompt = { method: 'prompts/get', params: { name: 'greet', _meta: meta } };
    const read = { method: 'resources/read', params: { uri: 'file:///a.txt', _meta: meta } };
    const base = { 'MCP-Protocol-Version': VERSION };
    assert.equal(
      validateModernHeaders(raw({ ...base, 'Mcp-Method': 'prompts/get', 'Mcp-Name': 'greet' }), prompt),
      undefined,
    );
    assert.equal(
      validateModernHeaders(
        raw({ ...base, 'Mcp-Method': 'resources/read', 'Mcp-Name': 'file:///a.txt' }),
        read,
      ),
      undefined,
    );
    assertProblem(
      validateModernHeaders(
        raw({ ...base, 'Mcp-Method': 'resources/read', 'Mcp-Name': 'file:///b.txt' }),
        read,
      ),
      'Mcp-Name',
      'params.uri',
    );
  });

  test('a method without a name ignores Mcp-Name', () => {
    const headers = raw({
      'MCP-Protocol-Version': VERSION,
      'Mcp-Method': 'tools/list',
      'Mcp-Name': 'anything',
    });
    assert.equal(validateModernHeaders(headers, list), undefined);
  });

  test('a Base64-encoded Mcp-Name is decoded before comparing', () => {
    const name = 'météo 天気';
    assert.equal(validateModernHeaders(raw(callHeaders(encodeHeaderValue(name))), call(name)), undefined);
  });

  test('a header value with a character outside visible ASCII is refused', () => {
    const problem = validateModernHeaders(raw(callHeaders('m\u00e9t\u00e9o')), call('météo'));
    assertProblem(problem, 'Mcp-Name', 'U+00E9', 'index 1', '=?base64?');
  });

  test('headers are checked in order: version, method, name, parameters', () => {
    const region: McpParamHeader = { name: 'Region', path: ['region'], type: 'string' };
    const request = call('echo', { region: 'eu' });
    const all = { 'Mcp-Param-Region': 'us' };
    const wrong = (overrides: Record<string, string>) =>
      validateModernHeaders(raw({ ...callHeaders('other'), ...all, ...overrides }), request, [region])
        ?.header;
    assert.equal(wrong({ 'MCP-Protocol-Version': 'x', 'Mcp-Method': 'x' }), 'MCP-Protocol-Version');
    assert.equal(wrong({ 'Mcp-Method': 'x' }), 'Mcp-Method');
    assert.equal(wrong({}), 'Mcp-Name');
    assert.equal(wrong({ 'Mcp-Name': 'echo' }), 'Mcp-Param-Region');
  });
});

describe('validateModernHeaders: Mcp-Param headers', () => {
  const region: McpParamHeader = { name: 'Region', path: ['region'], type: 'string' };
  const count: McpParamHeader = { name: 'Count', path: ['count'], type: 'integer' };
  const flag: McpParamHeader = { name: 'Flag', path: ['flag'], type: 'boolean' };
  const check = (value: string | undefined, args: Record<string, unknown>, params = [region]) =>
    validateModernHeaders(
      raw({
        ...callHeaders('sql'),
        ...(value === undefined ? {} : { [`Mcp-Param-${params[0]?.name}`]: value }),
      }),
      call('sql', args),
      params,
    );

  test('a matching plain value is accepted, whatever the header name case', () => {
    assert.equal(check('us-west1', { region: 'us-west1' }), undefined);
    const headers = raw({ ...callHeaders('sql'), 'mcp-param-region': 'us-west1' });
    assert.equal(validateModernHeaders(headers, call('sql', { region: 'us-west1' }), [region]), undefined);
  });

  test('a valid Base64 value is decoded and compared', () => {
    assert.equal(check('=?base64?SGVsbG8=?=', { region: 'Hello' }), undefined);
  });

  test('Base64 without padding or with non-alphabet characters is refused', () => {
    assertProblem(check('=?base64?SGVsbG8?=', { region: 'Hello' }), 'Mcp-Param-Region', 'not valid Base64');
    assertProblem(
      check('=?base64?SGVs!!!bG8=?=', { region: 'Hello' }),
      'Mcp-Param-Region',
      'not valid Base64',
    );
  });

  test('Base64 of bytes that are not UTF-8 is refused', () => {
    assertProblem(check('=?base64?/w==?=', { region: '\u00ff' }), 'Mcp-Param-Region', 'not UTF-8');
  });

  test('a value missing the prefix or the suffix is literal', () => {
    assert.equal(check('SGVsbG8=', { region: 'SGVsbG8=' }), undefined);
    assert.equal(check('=?base64?SGVsbG8=', { region: '=?base64?SGVsbG8=' }), undefined);
    assertProblem(check('SGVsbG8=', { region: 'Hello' }), 'Mcp-Param-Region');
  });

  test('the header is required when the body has the value, naming both', () => {
    const problem = check(undefined, { region: 'test-value' });
    assertProblem(
      problem,
      'Mcp-Param-Region',
      'missing',
      'params.arguments.region',
      '"test-value"',
      'tools/list',
    );
  });

  test('no header is expected when the value is absent or null, and one sent anyway is refused', () => {
    assert.equal(check(undefined, {}), undefined);
    assert.equal(check(undefined, { region: null }), undefined);
    assertProblem(check('us', {}), 'Mcp-Param-Region', '"us"', 'absent');
    assertProblem(check('us', { region: null }), 'Mcp-Param-Region', 'null');
  });

  test('string values are case-sensitive; an empty string matches an empty header', () => {
    assertProblem(check('US-WEST1', { region: 'us-west1' }), 'Mcp-Param-Region', '"US-WEST1"', '"us-west1"');
    assert.equal(check('', { region: '' }), undefined);
    assert.equal(check('  us-west1\t', { region: 'us-west1' }), undefined);
  });

  test('integers compare numerically', () => {
    for (const sent of ['42', '42.0', '4.2e1', '=?base64?NDI=?=']) {
      assert.equal(check(sent, { count: 42 }, [count]), undefined, sent);
    }
    assert.equal(check('0', { count: 0 }, [count]), undefined);
    assert.equal(check('-7', { count: -7 }, [count]), undefined);
    for (const sent of ['43', 'forty-two', '', '0x2A', '+42']) {
      assertProblem(check(sent, { count: 42 }, [count]), 'Mcp-Param-Count', 'body value 42');
    }
  });

  test('booleans are exactly "true" or "false"', () => {
    assert.equal(check('false', { flag: false }, [flag]), undefined);
    assert.equal(check('true', { flag: true }, [flag]), undefined);
    for (const sent of ['False', '0', 'true']) {
      assertProblem(check(sent, { flag: false }, [flag]), 'Mcp-Param-Flag');
    }
  });

  test('a nested parameter is read at its property path', () => {
    const nested: McpParamHeader = { name: 'Zone', path: ['target', 'zone'], type: 'string' };
    assert.equal(check('b', { target: { zone: 'b' } }, [nested]), undefined);
    assertProblem(
      check('a', { target: { zone: 'b' } }, [nested]),
      'Mcp-Param-Zone',
      'params.arguments.target.zone',
    );
    assert.equal(check(undefined, { target: 'b' }, [nested]), undefined);
  });

  test('every declared parameter is checked, and only for tools/call', () => {
    const headers = raw({ ...callHeaders('sql'), 'Mcp-Param-Region': 'eu', 'Mcp-Param-Count': '3' });
    assert.equal(
      validateModernHeaders(headers, call('sql', { region: 'eu', count: 3 }), [region, count]),
      undefined,
    );
    assertProblem(
      validateModernHeaders(headers, call('sql', { region: 'eu', count: 4 }), [region, count]),
      'Mcp-Param-Count',
    );
    const listHeaders = raw({ 'MCP-Protocol-Version': VERSION, 'Mcp-Method': 'tools/list' });
    assert.equal(validateModernHeaders(listHeaders, list, [region]), undefined);
  });
});

describe('decodeHeaderValue and encodeHeaderValue', () => {
  test('encode the spec examples as the spec shows them', () => {
    assert.equal(encodeHeaderValue('us-west1'), 'us-west1');
    assert.equal(encodeHeaderValue('Hello, 世界'), '=?base64?SGVsbG8sIOS4lueVjA==?=');
    assert.equal(encodeHeaderValue(' padded '), '=?base64?IHBhZGRlZCA=?=');
    assert.equal(encodeHeaderValue('line1\nline2'), '=?base64?bGluZTEKbGluZTI=?=');
    assert.equal(encodeHeaderValue('=?base64?literal?='), '=?base64?PT9iYXNlNjQ/bGl0ZXJhbD89?=');
    assert.equal(encodeHeaderValue('a\tb'), '=?base64?YQli?=');
    assert.equal(encodeHeaderValue('two words'), 'two words');
    assert.equal(encodeHeaderValue(''), '');
  });

  test('decode reverses encode', () => {
    for (const value of [
      'us-west1',
      'Hello, 世界',
      ' padded ',
      'line1\nline2',
      '=?base64?literal?=',
      '',
      '😀',
    ]) {
      assert.equal(decodeHeaderValue(encodeHeaderValue(value)), value);
    }
  });

  test('the markers are case-sensitive and need room for both', () => {
    assert.equal(decodeHeaderValue('=?BASE64?SGVsbG8=?='), '=?BASE64?SGVsbG8=?=');
    assert.equal(decodeHeaderValue('=?base64?='), '=?base64?=');
    assert.equal(decodeHeaderValue('=?base64??='), '');
  });

  test('an invalid value decodes to undefined', () => {
    assert.equal(decodeHeaderValue('=?base64?SGVsbG8?='), undefined);
    assert.equal(decodeHeaderValue('caf\u00e9'), undefined);
    assert.equal(decodeHeaderValue('a\nb'), undefined);
  });
});
