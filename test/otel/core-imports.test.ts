// OpenTelemetry is an optional peer: only mcp-live/otel may import it. Every other entry point must
// load, and cost nothing, where @opentelemetry/api is not installed.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The packages the modules reached from `entry` import (type-only imports included), by importing file. */
function packagesReached(entry: string): Map<string, string[]> {
  const seen = new Set<string>();
  const packages = new Map<string, string[]>();
  const queue = [resolve(root, entry)];
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    for (const { fileName: specifier } of ts.preProcessFile(source, true, true).importedFiles) {
      if (specifier.startsWith('.')) queue.push(resolve(dirname(file), specifier));
      else if (!specifier.startsWith('node:')) {
        const name = specifier.startsWith('@')
          ? specifier.split('/').slice(0, 2).join('/')
          : specifier.split('/')[0]!;
        packages.set(name, [...(packages.get(name) ?? []), relative(root, file)]);
      }
    }
  }
  return packages;
}

const ENTRIES = [
  'src/index.ts',
  'src/client/index.ts',
  'src/stdio.ts',
  'src/transport.ts',
  'src/redis.ts',
  'src/testing/index.ts',
];

for (const entry of ENTRIES) {
  test(`${entry} reaches no @opentelemetry package`, () => {
    const reached = [...packagesReached(entry)].filter(([name]) => name.startsWith('@opentelemetry/'));
    assert.deepEqual(reached, []);
  });
}

test('mcp-live/otel reaches @opentelemetry/api and no SDK package', () => {
  const reached = [...packagesReached('src/otel/index.ts').keys()].filter((name) =>
    name.startsWith('@opentelemetry/'),
  );
  assert.deepEqual(reached, ['@opentelemetry/api']);
});
