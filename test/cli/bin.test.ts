import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT, startCLI, startServer } from './cli-harness.ts';

/** Why the built CLI cannot be tested, or undefined when dist/cli is there and newer than src/cli. */
function staleBuild(): string | undefined {
  const built = join(ROOT, 'dist/cli/main.js');
  let builtAt: number;
  try {
    builtAt = statSync(built).mtimeMs;
  } catch {
    return 'dist/cli is not built; run npm run build';
  }
  const sources = readdirSync(join(ROOT, 'src/cli'), { recursive: true, encoding: 'utf8' });
  const newest = Math.max(...sources.map((file) => statSync(join(ROOT, 'src/cli', file)).mtimeMs));
  return newest > builtAt ? 'dist/cli is older than src/cli; run npm run build' : undefined;
}

test('bin/mcp-live.mjs is a node script', () => {
  const text = readFileSync(join(ROOT, 'bin/mcp-live.mjs'), 'utf8');
  assert.match(text, /^#!\/usr\/bin\/env node\n/);
  assert.match(text, /^import '\.\.\/dist\/cli\/main\.js';$/m);
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    bin: Record<string, string>;
    files: string[];
  };
  assert.deepEqual(pkg.bin, { 'mcp-live': 'bin/mcp-live.mjs' });
  assert.ok(pkg.files.includes('bin') && pkg.files.includes('dist'));
});

// In CI (`CI=true`) a missing or stale build fails: `npm test` builds first, so that is a broken setup.
const skip = process.env.CI === 'true' ? false : staleBuild();

test('the built bin lists the tools of a live server', { skip, timeout: 30_000 }, async (t) => {
  assert.equal(staleBuild(), undefined, 'CI must test the CLI as built by npm test');
  const { url } = await startServer(t, 'sse');
  const cli = startCLI(t, ['tools', url], ['bin/mcp-live.mjs']);
  assert.equal(await cli.exited, 0);
  assert.equal(cli.stderr, '');
  assert.match(cli.stdout, /^add — Adds two numbers\n/);
});
