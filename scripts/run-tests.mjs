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
// The totals come once, near the end (failures are listed after them): read them line by line.
let partial = '';
let passed = 0;
let failed = 0;
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  const lines = (partial + chunk.toString()).split('\n');
  partial = lines.pop() ?? '';
  for (const line of lines) {
    const total = /^ℹ (pass|fail) (\d+)$/.exec(line);
    if (total?.[1] === 'pass') passed = Number(total[2]);
    else if (total?.[1] === 'fail') failed = Number(total[2]);
  }
});
child.on('close', (code) => {
  if (code === 0 && passed === 0) {
    console.error('run-tests: the runner exited 0 but no test passed');
    process.exit(1);
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(code ?? 1);
});
