import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { z } from 'zod';
import { ProtocolError } from '../../src/protocol/protocol-error.ts';
import type { CallToolResult } from '../../src/protocol/tools.ts';
import { s } from '../../src/schema/index.ts';
import { McpServer } from '../../src/server/mcp-server.ts';
import {
  audio,
  embeddedResource,
  image,
  json,
  resourceLink,
  text,
  textBlock,
  textResource,
  toolError,
} from '../../src/server/results.ts';
import { connectTestClient } from '../../src/testing/test-client.ts';
import { firstText, rejectsWithCode } from './helpers.ts';

interface ListedTool {
  name: string;
  title?: string;
  description?: string;
  inputSchema: { type: string; properties?: Record<string, Record<string, unknown>>; required?: string[] };
  outputSchema?: Record<string, unknown>;
  annotations?: Record<string, unknown>;
}

async function listTools(server: McpServer): Promise<ListedTool[]> {
  const client = await connectTestClient(server);
  const { tools } = (await client.request('tools/list')) as { tools: ListedTool[] };
  await client.close();
  return tools;
}

describe('tools/list', () => {
  test('shows each tool with its name, title, description, annotations and schemas', async () => {
    const server = new McpServer({ name: 'catalog', version: '1' });
    server.tool(
      'fetch_page',
      {
        title: 'Fetch a page',
        description: 'Downloads a URL',
        annotations: { readOnlyHint: true, openWorldHint: true },
        input: { url: s.string().required().describe('The page to fetch') },
        output: { status: s.integer().required() },
        _meta: { team: 'web' },
      },
      () => json({ status: 200 }),
    );
    server.tool('ping_me', {}, () => 'pong');
    const [fetchPage, pingMe] = await listTools(server);
    assert.equal(fetchPage?.name, 'fetch_page');
    assert.equal(fetchPage?.title, 'Fetch a page');
    assert.equal(fetchPage?.description, 'Downloads a URL');
    assert.deepEqual(fetchPage?.annotations, { readOnlyHint: true, openWorldHint: true });
    assert.equal(fetchPage?.inputSchema.type, 'object');
    assert.equal(fetchPage?.inputSchema.properties?.url?.type, 'string');
    assert.equal(fetchPage?.inputSchema.properties?.url?.description, 'The page to fetch');
    assert.deepEqual(fetchPage?.inputSchema.required, ['url']);
    assert.equal((fetchPage?.outputSchema as { type?: string } | undefined)?.type, 'object');
    assert.deepEqual((fetchPage as unknown as { _meta: unknown })._meta, { team: 'web' });
    // A tool without input still advertises an object schema, as the spec requires.
    assert.deepEqual(pingMe, { name: 'ping_me', inputSchema: { type: 'object', properties: {} } });
  });

  test('a builder schema lists required fields and defaults', async () => {
    const server = new McpServer({ name: 'builder', version: '1' });
    server.tool(
      'search',
      {
        input: {
          query: s.string().required().minLength(1),
          limit: s.integer().default(10).min(1).max(100),
          mode: s.string().enum(['fast', 'deep']),
        },
      },
      () => '',
    );
    const [search] = await listTools(server);
    const schema = search!.inputSchema;
    assert.deepEqual(Object.keys(schema.properties ?? {}).sort(), ['limit', 'mode', 'query']);
    assert.deepEqual(schema.required, ['query']);
    assert.equal(schema.properties?.limit?.default, 10);
    assert.equal(schema.properties?.limit?.type, 'integer');
    assert.deepEqual(schema.properties?.mode?.enum, ['fast', 'deep']);
  });
});

describe('tools/call validation', () => {
  function fetchServer() {
    const server = new McpServer({ name: 'seed', version: '1' });
    const calls: unknown[] = [];
    server.tool(
      'fetch',
      {
        input: {
          source: s.string().required(),
          count: s.number().default(10),
          verbose: s.boolean(),
        },
      },
      (args) => {
        calls.push(args);
        return `${args.source} x${args.count}`;
      },
    );
    return { server, calls };
  }

  test('applies defaults before the handler sees the arguments', async () => {
    const { server, calls } = fetchServer();
    const client = await connectTestClient(server);
    const result = await client.callTool('fetch', { source: 'https://example.com' });
    assert.equal(result.isError, undefined);
    assert.equal(firstText(result), 'https://example.com x10');
    assert.deepEqual(calls, [{ source: 'https://example.com', count: 10 }]);
    await client.close();
  });

  test('invalid arguments give an isError result naming the tool and every bad argument; the handler is not called', async () => {
    const { server, calls } = fetchServer();
    const client = await connectTestClient(server);
    const result = await client.callTool('fetch', { count: 'ten', verbose: 'yes' });
    assert.equal(result.isError, true);
    const message = firstText(result);
    assert.match(message, /tool "fetch"/);
    assert.match(message, /"source"/);
    assert.match(message, /"count"/);
    assert.match(message, /"verbose"/);
    assert.deepEqual(calls, []);
    await client.close();
  });

  test('arguments that are not an object give an isError result', async () => {
    const { server, calls } = fetchServer();
    const client = await connectTestClient(server);
    const result = (await client.request('tools/call', {
      name: 'fetch',
      arguments: ['x'],
    })) as CallToolResult;
    assert.equal(result.isError, true);
    assert.match(firstText(result), /"arguments" must be an object/);
    assert.deepEqual(calls, []);
    await client.close();
  });

  test('an unknown tool is -32602 naming the tool', async () => {
    const { server } = fetchServer();
    const client = await connectTestClient(server);
    await rejectsWithCode(
      client.callTool('fetc', { source: 'x' }),
      -32602,
      /Unknown tool "fetc"/,
      /tools\/list/,
    );
    await client.close();
  });

  test('a zod 4 schema (Standard Schema) validates, applies its defaults and is listed as JSON Schema', async () => {
    const server = new McpServer({ name: 'zod', version: '1' });
    const seen: unknown[] = [];
    server.tool(
      'forecast',
      { input: z.object({ city: z.string().min(2), days: z.number().int().default(3) }) },
      (args) => {
        seen.push(args);
        return `${args.city}:${args.days}`;
      },
    );
    const client = await connectTestClient(server);
    const { tools } = (await client.request('tools/list')) as { tools: ListedTool[] };
    assert.equal(tools[0]?.inputSchema.type, 'object');
    assert.equal(tools[0]?.inputSchema.properties?.city?.type, 'string');
    assert.deepEqual(tools[0]?.inputSchema.required, ['city']);

    assert.equal(firstText(await client.callTool('forecast', { city: 'Oslo' })), 'Oslo:3');
    const bad = await client.callTool('forecast', { city: 'X', days: 1.5 });
    assert.equal(bad.isError, true);
    assert.match(firstText(bad), /city/);
    assert.match(firstText(bad), /days/);
    assert.deepEqual(seen, [{ city: 'Oslo', days: 3 }]);
    await client.close();
  });

  test('a raw JSON Schema is listed as written and validated before the handler', async () => {
    const server = new McpServer({ name: 'raw', version: '1' });
    const schema = {
      type: 'object',
      properties: { id: { type: 'integer', minimum: 1 }, tag: { type: 'string' } },
      required: ['id'],
      additionalProperties: false,
    } as const;
    let calls = 0;
    server.tool('lookup', { input: schema }, (args) => {
      calls++;
      return `found ${(args as { id: number }).id}`;
    });
    const client = await connectTestClient(server);
    const { tools } = (await client.request('tools/list')) as { tools: ListedTool[] };
    assert.deepEqual(tools[0]?.inputSchema, schema);
    assert.equal(firstText(await client.callTool('lookup', { id: 7 })), 'found 7');
    const bad = await client.callTool('lookup', { id: 0, tag: 5 });
    assert.equal(bad.isError, true);
    assert.match(firstText(bad), /id/);
    assert.match(firstText(bad), /tag/);
    assert.equal(calls, 1);
    await client.close();
  });
});

describe('structured output', () => {
  function weatherServer(value: unknown) {
    const server = new McpServer({ name: 'out', version: '1' });
    server.tool(
      'weather',
      { output: { temperature: s.number().required(), unit: s.string().enum(['C', 'F']).required() } },
      () => (value === undefined ? text('no structure') : json(value)),
    );
    return server;
  }

  test('structuredContent that matches the outputSchema is returned with its JSON text', async () => {
    const client = await connectTestClient(weatherServer({ temperature: 21.5, unit: 'C' }));
    const result = await client.callTool('weather');
    assert.deepEqual(result.structuredContent, { temperature: 21.5, unit: 'C' });
    assert.deepEqual(JSON.parse(firstText(result)), { temperature: 21.5, unit: 'C' });
    await client.close();
  });

  test('structuredContent that breaks the outputSchema is an error naming the tool and the field', async () => {
    const client = await connectTestClient(weatherServer({ temperature: 'warm', unit: 'C' }));
    await rejectsWithCode(
      client.callTool('weather'),
      -32603,
      /Tool "weather"/,
      /outputSchema/,
      /temperature/,
    );
    await client.close();
  });

  test('a tool with an outputSchema that returns no structuredContent is an error that says what to return', async () => {
    const client = await connectTestClient(weatherServer(undefined));
    await rejectsWithCode(client.callTool('weather'), -32603, /Tool "weather"/, /no structuredContent/);
    await client.close();
  });
});

describe('result helpers', () => {
  test('every content helper reaches the client as the spec shapes it', async () => {
    const server = new McpServer({ name: 'content', version: '1' });
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);
    server.tool('all', {}, () => ({
      content: [
        textBlock('hello', { audience: ['user'] }),
        image(png, 'image/png'),
        audio('AAAA', 'audio/wav', { priority: 0.5 }),
        resourceLink('file:///report.pdf', 'report', { mimeType: 'application/pdf' }),
        embeddedResource(textResource('memo://1', 'body', 'text/plain')),
      ],
    }));
    server.tool('plain', {}, () => text('just text'));
    server.tool('str', {}, () => 'a bare string');
    server.tool('list', {}, () => json([1, 2, 3]));
    server.tool('failed', {}, () => toolError('the disk is full'));
    const client = await connectTestClient(server);
    const all = await client.callTool('all');
    assert.deepEqual(all.content, [
      { type: 'text', text: 'hello', annotations: { audience: ['user'] } },
      { type: 'image', data: Buffer.from(png).toString('base64'), mimeType: 'image/png' },
      { type: 'audio', data: 'AAAA', mimeType: 'audio/wav', annotations: { priority: 0.5 } },
      { type: 'resource_link', uri: 'file:///report.pdf', name: 'report', mimeType: 'application/pdf' },
      { type: 'resource', resource: { uri: 'memo://1', mimeType: 'text/plain', text: 'body' } },
    ]);
    assert.deepEqual(await client.callTool('plain'), { content: [{ type: 'text', text: 'just text' }] });
    assert.deepEqual(await client.callTool('str'), { content: [{ type: 'text', text: 'a bare string' }] });
    // An array is JSON text but not structuredContent, which must be an object.
    assert.deepEqual(await client.callTool('list'), { content: [{ type: 'text', text: '[1,2,3]' }] });
    assert.deepEqual(await client.callTool('failed'), {
      content: [{ type: 'text', text: 'the disk is full' }],
      isError: true,
    });
    await client.close();
  });
});

describe('a failing handler', () => {
  test('a throwing handler becomes an isError result with its message, and the server keeps serving', async () => {
    const server = new McpServer({ name: 'fail', version: '1' });
    const reported: unknown[] = [];
    server.on('error', (error) => {
      reported.push(error);
    });
    server.tool('explode', {}, () => {
      throw new Error('database unreachable');
    });
    server.tool('reject', {}, async () => Promise.reject(new Error('async failure')));
    server.tool('fine', {}, () => 'still here');
    const client = await connectTestClient(server);
    assert.deepEqual(await client.callTool('explode'), {
      content: [{ type: 'text', text: 'database unreachable' }],
      isError: true,
    });
    assert.equal(firstText(await client.callTool('reject')), 'async failure');
    assert.equal(firstText(await client.callTool('fine')), 'still here');
    assert.deepEqual(
      reported.map((e) => (e as Error).message),
      ['database unreachable', 'async failure'],
    );
    await client.close();
  });

  test('a handler that throws a ProtocolError answers with that JSON-RPC error', async () => {
    const server = new McpServer({ name: 'wire', version: '1' });
    server.tool('strict', {}, () => {
      throw new ProtocolError(-32001, 'Quota exceeded for this key', { data: { retryAfter: 60 } });
    });
    const client = await connectTestClient(server);
    await assert.rejects(client.callTool('strict'), (error: unknown) => {
      assert.ok(error instanceof ProtocolError);
      assert.equal(error.code, -32001);
      assert.equal(error.message, 'Quota exceeded for this key');
      assert.deepEqual(error.data, { retryAfter: 60 });
      return true;
    });
    await client.close();
  });

  test('a ProtocolError from another copy of mcp-live is still answered as that JSON-RPC error', async () => {
    const server = new McpServer({ name: 'two-copies', version: '1' });
    // What a ProtocolError class bundled into another package looks like: same brand, different class.
    const foreign = Object.assign(new Error('Rate limited by the upstream API'), {
      [Symbol.for('mcp-live.ProtocolError')]: true,
      code: -32002,
      data: undefined,
      toJSON: () => ({ code: -32002, message: 'Rate limited by the upstream API' }),
    });
    server.tool('upstream', {}, () => {
      throw foreign;
    });
    const client = await connectTestClient(server);
    await rejectsWithCode(client.callTool('upstream'), -32002, /Rate limited/);
    await client.close();
  });
});

describe('middleware', () => {
  test('runs in the order added, outermost first, around the handler, with validated arguments', async () => {
    const server = new McpServer({ name: 'mw', version: '1' });
    const trace: string[] = [];
    server.use(async (call, next) => {
      trace.push(`outer>${call.name}:${JSON.stringify(call.arguments)}`);
      const result = await next();
      trace.push('outer<');
      return { ...result, _meta: { wrapped: true } };
    });
    server.use(async (_call, next) => {
      trace.push('inner>');
      const result = await next();
      trace.push('inner<');
      return result;
    });
    server.tool('work', { input: { n: s.integer().default(2) } }, ({ n }) => {
      trace.push('handler');
      return `${n * 2}`;
    });
    const client = await connectTestClient(server);
    const result = await client.callTool('work');
    assert.equal(firstText(result), '4');
    assert.deepEqual(result._meta, { wrapped: true });
    assert.deepEqual(trace, ['outer>work:{"n":2}', 'inner>', 'handler', 'inner<', 'outer<']);
    await client.close();
  });

  test('a middleware that returns without calling next short-circuits the handler', async () => {
    const server = new McpServer({ name: 'guard', version: '1' });
    let handled = 0;
    server.use(async (call, next) => {
      if (call.ctx.session.principal !== 'admin') return toolError(`Tool "${call.name}" needs an admin`);
      return next();
    });
    server.tool('drop_table', {}, () => {
      handled++;
      return 'dropped';
    });
    const guest = await connectTestClient(server, { principal: 'guest' });
    const admin = await connectTestClient(server, { principal: 'admin' });
    assert.deepEqual(await guest.callTool('drop_table'), {
      content: [{ type: 'text', text: 'Tool "drop_table" needs an admin' }],
      isError: true,
    });
    assert.equal(handled, 0);
    assert.equal(firstText(await admin.callTool('drop_table')), 'dropped');
    assert.equal(handled, 1);
    await Promise.all([guest.close(), admin.close()]);
  });

  test('middleware does not run for arguments that failed validation', async () => {
    const server = new McpServer({ name: 'mw-validate', version: '1' });
    let ran = 0;
    server.use(async (_call, next) => {
      ran++;
      return next();
    });
    server.tool('needs', { input: { x: s.string().required() } }, ({ x }) => x);
    const client = await connectTestClient(server);
    assert.equal((await client.callTool('needs', {})).isError, true);
    assert.equal(ran, 0);
    await client.close();
  });
});
