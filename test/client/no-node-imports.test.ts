import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const entry = resolve(root, 'src/client/index.ts');
const builtins = new Set(builtinModules);

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** Every module the client entry reaches, following relative imports and into its dependencies. */
function walk(): { files: string[]; packages: Set<string>; offenders: string[] } {
  const files: string[] = [];
  const packages = new Set<string>();
  const offenders: string[] = [];
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (files.includes(file)) continue;
    files.push(file);
    const source = readFileSync(file, 'utf8');
    for (const { fileName: specifier } of ts.preProcessFile(source, true, true).importedFiles) {
      const name = relative(root, file);
      if (specifier.startsWith('node:') || builtins.has(packageName(specifier))) {
        offenders.push(`${name} imports ${specifier}`);
      } else if (specifier.startsWith('.')) {
        queue.push(resolve(dirname(file), specifier));
      } else {
        packages.add(packageName(specifier));
        queue.push(fileURLToPath(import.meta.resolve(specifier)));
      }
    }
    if (file.startsWith(resolve(root, 'src')) && /\b(Buffer|process|require|__dirname)\b[.(]/.test(source)) {
      offenders.push(`${relative(root, file)} uses a Node global`);
    }
  }
  return { files, packages, offenders };
}

test('nothing the client entry reaches imports node:* or a Node builtin, nor uses Node globals', () => {
  const { files, packages, offenders } = walk();
  assert.ok(
    files.some((file) => file.endsWith('mcp-client.ts')),
    'the walk reached the client',
  );
  assert.ok(
    files.some((file) => file.includes('/src/protocol/')),
    'the walk reached src/protocol',
  );
  assert.ok(
    files.some((file) => file.includes('/node_modules/eventsource-parser/')),
    'the walk reached the SSE parser',
  );
  assert.deepEqual(offenders, []);
  assert.deepEqual([...packages], ['eventsource-parser'], 'the client depends on the SSE parser only');
});
