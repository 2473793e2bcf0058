// examples/deploy/Dockerfile cannot be built here (no Docker engine runs on this machine or in CI), so
// this checks what can drift without one: what it copies and runs exists, its Node is ours, and its
// steps, replayed in a fresh directory, build the example and start it.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
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

/**
 * What `docker build` and `docker run` would do, without Docker: each COPY into a fresh directory, each
 * RUN there (npm offline, from the cache `npm ci` filled), then CMD with the image's ENV. Catches a
 * file the build needs but does not copy, and a CMD that does not start.
 */
test('the Dockerfile, replayed without Docker, builds and starts the example', {
  timeout: 300_000,
}, async (t) => {
  const work = await mkdtemp(join(tmpdir(), 'mcp-live-image-'));
  t.after(() => rm(work, { recursive: true, force: true }));
  const env: NodeJS.ProcessEnv = { ...process.env, npm_config_offline: 'true', CI: 'true' };
  let cmd: string[] | undefined;
  for (const line of readFileSync(DOCKERFILE, 'utf8').split('\n')) {
    const [instruction, ...rest] = line.trim().split(/\s+/);
    if (instruction === 'COPY') {
      const target = join(work, rest.at(-1)!);
      for (const source of rest.slice(0, -1)) {
        const into = rest.at(-1)!.endsWith('/') ? join(target, basename(source)) : target;
        await cp(join(ROOT, source), into, { recursive: true });
      }
    } else if (instruction === 'RUN') {
      const run = spawnSync('sh', ['-c', rest.join(' ')], { cwd: work, env, encoding: 'utf8' });
      assert.equal(run.status, 0, `RUN ${rest.join(' ')} failed:\n${run.stdout}\n${run.stderr}`);
    } else if (instruction === 'ENV') {
      for (const pair of rest) {
        const [key, value] = pair.split('=');
        env[key!] = value;
      }
    } else if (instruction === 'CMD') cmd = JSON.parse(line.trim().slice(4)) as string[];
  }
  assert.ok(cmd !== undefined, 'the Dockerfile has a CMD');
  assert.equal(env.HOST, '0.0.0.0', 'the image listens on every interface');
  // Every interface needs a token; a free port instead of 8080. Only loopback is spoken to.
  const child = spawn(cmd[0] === 'node' ? process.execPath : cmd[0]!, cmd.slice(1), {
    cwd: work,
    env: { ...env, PORT: '0', MCP_LIVE_TOKEN: 'image-test' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.after(() => child.kill('SIGKILL'));
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const port = await new Promise<number>((resolvePort, reject) => {
    const timer = setTimeout(() => reject(new Error(`the example did not start:\n${output}`)), 60_000);
    const look = () => {
      const found = /ready on [^:\s]+:(\d+)/.exec(output);
      if (found === null) return;
      clearTimeout(timer);
      resolvePort(Number(found[1]));
    };
    child.stdout.on('data', look);
    child.once('exit', (code) => reject(new Error(`the example exited with ${code}:\n${output}`)));
  });
  const live = await fetch(`http://127.0.0.1:${port}/livez`);
  assert.equal(live.status, 200);
  const page = await fetch(`http://127.0.0.1:${port}/`);
  assert.equal(page.status, 200, 'the page (bundled with esbuild at start) is served');
  const refused = await fetch(`http://127.0.0.1:${port}/mcp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
  });
  assert.equal(refused.status, 401, 'MCP needs the token');
  child.kill('SIGTERM');
  const [code] = (await once(child, 'exit')) as [number | null];
  assert.equal(code, 0, `SIGTERM closes the example cleanly:\n${output}`);
});
