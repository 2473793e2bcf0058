// examples/deploy/Dockerfile cannot be built here (no Docker engine runs on this machine or in CI), so
// this checks what can drift without one: what it copies and runs exists, and its Node is ours.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const DOCKERFILE = join(ROOT, 'examples/deploy/Dockerfile');

test('the Dockerfile copies files that exist, runs the example, on the Node version package.json names', () => {
  const lines = readFileSync(DOCKERFILE, 'utf8').split('\n');
  const copied = lines
    .filter((line) => line.startsWith('COPY '))
    .flatMap((line) => line.split(/\s+/).slice(1, -1));
  assert.ok(copied.includes('package-lock.json') && copied.includes('src'), copied.join(' '));
  for (const path of copied) assert.ok(existsSync(join(ROOT, path)), `COPY ${path}: not in the repository`);

  const cmd = lines.find((line) => line.startsWith('CMD '));
  const script = cmd === undefined ? undefined : (JSON.parse(cmd.slice(4)) as string[]).at(-1);
  assert.equal(script, 'examples/live/main.ts');
  assert.ok(existsSync(join(ROOT, script)));

  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
  const from = /^FROM node:(\d+)-/m.exec(lines.join('\n'))?.[1];
  assert.equal(`>=${from}`, pkg.engines.node, 'the image runs the oldest Node the package supports');
  assert.ok(existsSync(`${DOCKERFILE}.dockerignore`), 'node_modules stays out of the build context');
});
