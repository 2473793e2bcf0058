// The package as npm publishes it: `npm pack` (its prepack builds dist/) in a copy of the project,
// the tarball installed into a new project, a sample type-checked there with the oldest TypeScript the
// README promises, then run: it serves a tool on 127.0.0.1:0 and calls it through mcp-live/client.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const TSC_MIN = join(ROOT, 'node_modules/typescript-min/bin/tsc');

interface Manifest {
  version: string;
  scripts?: Record<string, string>;
  exports: Record<string, string | Record<string, string>>;
  devDependencies: Record<string, string>;
}

const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Manifest;

/** Runs a command to its end (bounded) and resolves its stdout; a failure shows its output. */
function run(command: string, args: string[], cwd: string, timeout = 180_000): Promise<string> {
  return new Promise((done, fail) => {
    execFile(command, args, { cwd, timeout, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error)
        fail(
          new Error(`${command} ${args.join(' ')} in ${cwd} failed: ${error.message}\n${stdout}\n${stderr}`),
        );
      else done(stdout);
    });
  });
}

/** The oldest TypeScript we support, as the README states it ("TypeScript 5.4 or newer"). */
function minimumTypeScript(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const stated = /TypeScript (\d+\.\d+) or newer/.exec(readme)?.[1];
  assert.ok(stated, 'README.md states the oldest TypeScript it supports');
  return stated;
}

const SAMPLE = `import { McpHttpServer, McpServer, s, text } from 'mcp-live';
import { connect } from 'mcp-live/client';
import type { RedisStores } from 'mcp-live/redis';
import type { StdioTransportOptions } from 'mcp-live/stdio';
import type { TestClient } from 'mcp-live/testing';
import type { Session } from 'mcp-live/transport';

export type Used = [RedisStores, StdioTransportOptions, TestClient, Session];

const server = new McpServer({ name: 'packed', version: '1.0.0' });
server.tool(
  'add',
  { description: 'Adds two numbers', input: { a: s.number().required(), b: s.number().default(1) } },
  ({ a, b }) => {
    // @ts-expect-error the arguments are inferred as numbers from the schema
    const wrong: string = a;
    void wrong;
    return text(String(a + b));
  },
);
const http = new McpHttpServer(server, { health: true });
const { port } = await http.listen('127.0.0.1:0');
const client = await connect(\`http://127.0.0.1:\${port}/mcp\`);
const result = await client.callTool('add', { a: 2, b: 3 });
const ready = await (await fetch(\`http://127.0.0.1:\${port}/readyz\`)).json();
console.log(JSON.stringify({ transport: client.transport, content: result.content, ready: ready.status }));
await client.close();
await http.close();
await server.close();
`;

test('the packed tarball installs into a new project, type-checks with the oldest TypeScript we support, and runs', {
  timeout: 600_000,
}, async (t) => {
  const work = mkdtempSync(join(tmpdir(), 'mcp-live-pack-'));
  t.after(() => rmSync(work, { recursive: true, force: true }));

  // A copy of what the package is made from, so that prepack's build leaves this checkout's dist/ alone.
  const source = join(work, 'source');
  for (const entry of [
    'package.json',
    'README.md',
    'LICENSE',
    'tsconfig.json',
    'tsconfig.build.json',
    'bin',
    'src',
  ]) {
    cpSync(join(ROOT, entry), join(source, entry), { recursive: true });
  }
  symlinkSync(join(ROOT, 'node_modules'), join(source, 'node_modules'), 'dir');
  const [packed] = JSON.parse(
    await run('npm', ['pack', '--json', '--pack-destination', work], source),
  ) as Array<{
    filename: string;
    files: Array<{ path: string }>;
  }>;
  assert.ok(packed, 'npm pack reported its tarball');
  const files = packed.files.map((f) => f.path).sort();

  for (const path of ['LICENSE', 'README.md', 'package.json', 'bin/mcp-live.mjs', 'dist/cli/main.js']) {
    assert.ok(files.includes(path), `the tarball has ${path}`);
  }
  for (const [subpath, target] of Object.entries(manifest.exports)) {
    for (const file of typeof target === 'string' ? [target] : Object.values(target)) {
      assert.ok(
        files.includes(file.replace(/^\.\//, '')),
        `the tarball has ${file}, which exports["${subpath}"] names`,
      );
    }
  }
  const stray = files.filter(
    (f) => !/^(dist\/|bin\/|LICENSE$|README\.md$|package\.json$)/.test(f) || /\.map$|\.test\./.test(f),
  );
  assert.deepEqual(
    stray,
    [],
    'the tarball holds dist/, bin/, LICENSE, README.md and package.json only, without source maps or tests',
  );
  const lifecycle = Object.keys(manifest.scripts ?? {}).filter((name) =>
    /^(pre|post)?(install|prepare)$/.test(name),
  );
  assert.deepEqual(lifecycle, [], 'installing the package runs no script of ours');

  // A project of a user's: the tarball, and @types/node at the version installed here (from npm's cache).
  const app = join(work, 'app');
  mkdirSync(app);
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'pack-sample', private: true, type: 'module' }),
  );
  const typesNode = JSON.parse(
    readFileSync(join(ROOT, 'node_modules/@types/node/package.json'), 'utf8'),
  ).version;
  const install = ['install', '--prefer-offline', '--no-audit', '--no-fund', join(work, packed.filename)];
  await run('npm', [...install, `@types/node@${typesNode}`], app);

  const minimum = minimumTypeScript();
  const tsc = JSON.parse(
    readFileSync(join(ROOT, 'node_modules/typescript-min/package.json'), 'utf8'),
  ).version;
  assert.ok(tsc.startsWith(`${minimum}.`), `typescript-min is TypeScript ${minimum} (got ${tsc})`);
  writeFileSync(join(app, 'sample.ts'), SAMPLE);
  const compilerOptions = {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    skipLibCheck: false,
    types: ['node'],
    outDir: 'out',
  };
  writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['sample.ts'] }));
  await run(process.execPath, [TSC_MIN, '-p', 'tsconfig.json'], app);

  const output = await run(process.execPath, ['out/sample.js'], app, 30_000);
  assert.deepEqual(JSON.parse(output), {
    transport: 'stateless',
    content: [{ type: 'text', text: '5' }],
    ready: 'ready',
  });
});
