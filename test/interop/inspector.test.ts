// The MCP Inspector's CLI mode (@modelcontextprotocol/inspector-cli --cli, pinned in package.json) against
// test/fixtures/conformance-server.ts over both HTTP transports: Streamable HTTP at /mcp and HTTP+SSE
// at /sse. The Inspector runs from node_modules as a child process (never npx); all traffic is 127.0.0.1.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, type TestContext, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startConformanceServer } from '../fixtures/conformance-server.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const PACKAGE = join(ROOT, 'node_modules/@modelcontextprotocol/inspector-cli');
/** Bounds each Inspector run; one takes about a second. */
const CHILD_TIMEOUT = 60_000;

/** The Inspector's launcher script, from the bin field of its package.json. */
function inspectorBin(): string {
  const manifest = JSON.parse(readFileSync(join(PACKAGE, 'package.json'), 'utf8')) as {
    bin: Record<string, string>;
  };
  const bin = manifest.bin['mcp-inspector-cli'];
  assert.ok(bin !== undefined, `${PACKAGE}/package.json has no mcp-inspector-cli bin`);
  return join(PACKAGE, bin);
}

/**
 * Runs `mcp-inspector --cli url --transport … args…` and parses the JSON it prints. The launcher starts
 * the CLI as a process of its own, so each run gets its own process group, stopped as a whole.
 */
async function inspect(t: TestContext, url: string, transport: string, args: string[]): Promise<unknown> {
  const child = spawn(process.execPath, [inspectorBin(), '--cli', url, '--transport', transport, ...args], {
    // Installed on its own, the CLI finds its package.json (for its client name) only from this folder:
    // it tests "../package.json" against the working directory and imports it from its module's.
    cwd: join(PACKAGE, 'build'),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stopGroup = () => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // The group has already exited.
    }
  };
  t.after(stopGroup);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const timer = setTimeout(stopGroup, CHILD_TIMEOUT);
  const code = await new Promise<number | null>((done) => child.on('close', done));
  clearTimeout(timer);
  const command = `mcp-inspector --cli ${url} --transport ${transport} ${args.join(' ')}`;
  assert.equal(code, 0, `${command} exited with ${code}; stderr:\n${stderr}`);
  try {
    return JSON.parse(stdout);
  } catch {
    assert.fail(`${command} printed no JSON; stdout:\n${stdout}\nstderr:\n${stderr}`);
  }
}

async function start(t: TestContext) {
  const fixture = await startConformanceServer();
  t.after(() => fixture.close());
  return fixture;
}

const TRANSPORTS = [
  { name: 'Streamable HTTP', transport: 'http', url: (f: { url: string }) => f.url },
  { name: 'HTTP+SSE', transport: 'sse', url: (f: { sseUrl: string }) => f.sseUrl },
] as const;

for (const { name, transport, url } of TRANSPORTS) {
  describe(`Inspector CLI over ${name}`, () => {
    test('tools/list shows every tool with its description and schema as registered', async (t) => {
      const fixture = await start(t);
      const result = (await inspect(t, url(fixture), transport, ['--method', 'tools/list'])) as {
        tools: Array<{ name: string; description: string; inputSchema: Record<string, unknown> }>;
      };
      const names = result.tools.map((tool) => tool.name);
      assert.ok(names.includes('test_simple_text') && names.includes('test_sampling'), names.join(', '));
      assert.equal(names.length, 28);
      const sampling = result.tools.find((tool) => tool.name === 'test_sampling');
      assert.deepEqual(sampling?.inputSchema.required, ['prompt']);
      const schema = result.tools.find((tool) => tool.name === 'json_schema_2020_12_tool')?.inputSchema;
      assert.equal(schema?.$schema, 'https://json-schema.org/draft/2020-12/schema');
      assert.deepEqual(Object.keys((schema?.$defs ?? {}) as object), ['address']);
      assert.equal(schema?.additionalProperties, false);
    });

    test('tools/call passes string and JSON arguments and returns the tool’s content', async (t) => {
      const fixture = await start(t);
      const args = ['--method', 'tools/call', '--tool-name', 'json_schema_2020_12_tool'];
      const result = await inspect(t, url(fixture), transport, [
        ...args,
        '--tool-arg',
        'name=Ada',
        'address={"street":"1 Main St","city":"Paris"}',
        'email=ada@example.com',
      ]);
      assert.deepEqual(result, {
        content: [{ type: 'text', text: 'Contact Ada by email: ada@example.com' }],
      });
    });

    test('tools/call of a failing tool shows isError and its message', async (t) => {
      const fixture = await start(t);
      const args = ['--method', 'tools/call', '--tool-name', 'test_error_handling'];
      const result = await inspect(t, url(fixture), transport, args);
      assert.deepEqual(result, {
        content: [{ type: 'text', text: 'This tool intentionally returns an error for testing' }],
        isError: true,
      });
    });

    test('resources/read returns a static resource and one from a template', async (t) => {
      const fixture = await start(t);
      const read = (uri: string) =>
        inspect(t, url(fixture), transport, ['--method', 'resources/read', '--uri', uri]);
      assert.deepEqual(await read('test://static-text'), {
        contents: [
          {
            uri: 'test://static-text',
            mimeType: 'text/plain',
            text: 'This is the content of the static text resource.',
          },
        ],
      });
      const templated = (await read('test://template/42/data')) as {
        contents: Array<{ uri: string; mimeType: string; text: string }>;
      };
      assert.equal(templated.contents[0]?.uri, 'test://template/42/data');
      assert.deepEqual(JSON.parse(templated.contents[0]?.text ?? ''), {
        id: '42',
        templateTest: true,
        data: 'Data for ID: 42',
      });
    });
  });
}
