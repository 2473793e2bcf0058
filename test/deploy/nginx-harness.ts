// A real nginx for tests: Debian's binary, not a daemon, in a temporary prefix, on a free loopback
// port, running examples/deploy/nginx.conf with the ports (and any setting a test changes) filled in.
// Where the binary is missing, tests skip with a message, except in CI, where they fail.
import { type ChildProcess, spawn } from 'node:child_process';
import {
  accessSync,
  chmodSync,
  constants,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** The configuration the docs show (docs/deployment.md includes it). */
export const NGINX_CONF = join(ROOT, 'examples/deploy/nginx.conf');
const INSTALL = 'apt-get install -y nginx';

export interface Nginx {
  /** `http://127.0.0.1:PORT` */
  readonly origin: string;
  /** Everything nginx wrote to its error log (stderr), for failure messages. */
  readonly log: () => string;
  /** Stops nginx (SIGTERM, then SIGKILL after 5 s) and removes its prefix. */
  close(): Promise<void>;
}

/** The nginx binary, or why the tests that need it are skipped (thrown in CI, which installs it). */
export function nginxForTests(): { binary: string; skip: false } | { binary: undefined; skip: string } {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/usr/bin'];
  for (const dir of dirs) {
    if (dir === '') continue;
    try {
      accessSync(join(dir, 'nginx'), constants.X_OK);
      return { binary: join(dir, 'nginx'), skip: false };
    } catch {}
  }
  const why = `nginx is not installed (${INSTALL}); the deployment tests need a real one`;
  if (process.env.CI === 'true') throw new Error(`${why}, and CI must run them`);
  return { binary: undefined, skip: why };
}

/**
 * The documented configuration for a test: the upstream and the listen address replaced, and each of
 * `changes` (a directive as the file has it → what the test puts instead) applied. Every line replaced
 * must be in the file exactly once, so that the file cannot drift from what the tests run.
 */
export function templateConfig(
  upstreamPort: number,
  listenPort: number,
  changes: Record<string, string> = {},
): string {
  let text = readFileSync(NGINX_CONF, 'utf8');
  const all = {
    'server 127.0.0.1:8080;': `server 127.0.0.1:${upstreamPort};`,
    'listen 80;': `listen 127.0.0.1:${listenPort};`,
    ...changes,
  };
  for (const [from, to] of Object.entries(all)) {
    const count = text.split(from).length - 1;
    if (count !== 1) throw new Error(`${NGINX_CONF} must have "${from}" once (found ${count})`);
    text = text.replace(from, to);
  }
  return text;
}

/** Starts nginx in front of `127.0.0.1:upstreamPort`; resolves once its worker runs. */
export async function startNginx(
  binary: string,
  upstreamPort: number,
  changes: Record<string, string> = {},
): Promise<Nginx> {
  const prefix = mkdtempSync(join(tmpdir(), 'mcp-live-nginx-'));
  // Run as root, nginx's worker is "nobody": it must reach the temporary paths under the prefix.
  chmodSync(prefix, 0o755);
  mkdirSync(join(prefix, 'tmp'), { mode: 0o777 });
  chmodSync(join(prefix, 'tmp'), 0o777);
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    writeFileSync(join(prefix, 'mcp-live.conf'), templateConfig(upstreamPort, port, changes));
    writeFileSync(join(prefix, 'nginx.conf'), MAIN_CONF);
    try {
      return await launch(binary, prefix, port);
    } catch (error) {
      if (attempt >= 3 || !/Address already in use/.test(String(error))) {
        rmSync(prefix, { recursive: true, force: true });
        throw error;
      }
    }
  }
}

// The main context the docs leave to the system's nginx.conf: one worker, logs to stderr, temporary
// files under the prefix (Debian's defaults are in /var/lib/nginx), and compression of event streams
// and JSON as a site may have it on: gzip holds output back unless nginx flushes every chunk, so the
// tests see whether events are held back.
const MAIN_CONF = `worker_processes 1;
error_log stderr notice;
events { worker_connections 256; }
http {
  access_log off;
  gzip on;
  gzip_types text/event-stream application/json;
  client_body_temp_path tmp/body;
  proxy_temp_path tmp/proxy;
  fastcgi_temp_path tmp/fastcgi;
  uwsgi_temp_path tmp/uwsgi;
  scgi_temp_path tmp/scgi;
  include mcp-live.conf;
}
`;

function launch(binary: string, prefix: string, port: number): Promise<Nginx> {
  const args = ['-e', 'stderr', '-p', prefix, '-c', join(prefix, 'nginx.conf')];
  args.push('-g', `daemon off; pid ${join(prefix, 'nginx.pid')};`);
  const child: ChildProcess = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(kill, 5_000);
      await exited;
      clearTimeout(timer);
    }
    process.off('exit', kill);
    rmSync(prefix, { recursive: true, force: true });
  };
  return new Promise((done, fail) => {
    const timer = setTimeout(() => stop(new Error('it did not start a worker within 10 s')), 10_000);
    const onData = () => {
      if (!/start worker process \d+/.test(output)) return;
      clearTimeout(timer);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
      done({ origin: `http://127.0.0.1:${port}`, log: () => output, close });
    };
    const onExit = (code: number | null) => stop(new Error(`it exited with code ${code}`));
    function stop(error: Error) {
      clearTimeout(timer);
      kill();
      void exited.then(() =>
        fail(new Error(`nginx on port ${port}: ${error.message}\n${output.slice(-2_000)}`)),
      );
    }
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
  });
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => done(port));
    });
  });
}
