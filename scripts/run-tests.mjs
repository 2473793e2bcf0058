// Runs every test file through tsx with node:test and fails when no test ran.
// Node 20's runner finds no .ts files on its own, so the list is built here.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const roots = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['src', 'test', 'bench'];

function collect(path, out) {
  if (statSync(path).isFile()) {
    if (path.endsWith('.test.ts')) out.push(path);
    return out;
  }
  for (const entry of readdirSync(path).sort()) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    collect(join(path, entry), out);
  }
  return out;
}

const files = roots.flatMap((root) => collect(root, []));
if (files.length === 0) {
  console.error(`run-tests: no *.test.ts files under ${roots.join(', ')}`);
  process.exit(1);
}

const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-reporter-destination=stdout', ...files],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
let tail = '';
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  tail = (tail + chunk.toString()).slice(-4096);
});
child.on('close', (code) => {
  const passed = Number(/ℹ pass (\d+)/.exec(tail)?.[1] ?? 0);
  const failed = Number(/ℹ fail (\d+)/.exec(tail)?.[1] ?? 0);
  if (code === 0 && passed === 0) {
    console.error('run-tests: the runner exited 0 but no test passed');
    process.exit(1);
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(code ?? 1);
});
