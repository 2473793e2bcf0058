// Runs the official MCP conformance suite (@modelcontextprotocol/conformance, its server scenarios)
// against a Streamable HTTP server, and fails on any check that did not pass.
//
//   npm run test:conformance                          # starts test/fixtures/conformance-server.ts itself
//   npm run test:conformance -- --url http://127.0.0.1:3001/mcp --suite active
//
// Options: --url (default: start the fixture on a free port), --suite active|pending|all (repeatable;
// default active and pending), --output-dir (keep the suite's checks.json files there; default a
// temporary folder, kept only when something failed), --timeout (ms per suite, default 120000),
// --json (print one JSON summary on stdout instead of the report).
//
// The suite runs from node_modules (never npx, so nothing is downloaded) with a preload that gives
// Node 20 the fs.globSync it imports. Exit code: 0 when every check passed, 1 otherwise, 2 on bad usage.
import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PACKAGE = join(ROOT, 'node_modules/@modelcontextprotocol/conformance');
const PRELOAD = join(ROOT, 'test/conformance/fs-glob-sync.mjs');
const FIXTURE = join(ROOT, 'test/fixtures/conformance-server.ts');
const SUITES = ['active', 'pending', 'all'];

/** The suite's CLI script, from the bin field of its package.json. */
function conformanceBin() {
  const manifest = join(PACKAGE, 'package.json');
  if (!existsSync(manifest)) {
    throw new Error(`${manifest} is missing: run npm ci (it is a devDependency of mcp-live)`);
  }
  const { bin, version } = JSON.parse(readFileSync(manifest, 'utf8'));
  return { path: join(PACKAGE, typeof bin === 'string' ? bin : bin.conformance), version };
}

/** Children still running, stopped with this script on SIGINT or SIGTERM. */
const children = new Set();
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    for (const child of children) child.kill('SIGKILL');
    process.exit(1);
  });
}

function spawnNode(args) {
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Runs a child to its end, killing it after `timeout` ms; resolves its output and how it ended. */
function run(args, timeout) {
  return new Promise((done) => {
    const child = spawnNode(args);
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeout);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      done({ code, signal, timedOut, output });
    });
  });
}

/** Starts the fixture on a free port of 127.0.0.1; resolves its URL and a way to stop it. */
function startFixture(timeout = 30_000) {
  return new Promise((ready, fail) => {
    const child = spawnNode(['--import', 'tsx', FIXTURE, '--port', '0']);
    let stdout = '';
    let stderr = '';
    const stop = () =>
      new Promise((stopped) => {
        if (child.exitCode !== null || child.signalCode !== null) return stopped();
        const stubborn = setTimeout(() => child.kill('SIGKILL'), 5_000);
        child.once('exit', () => {
          clearTimeout(stubborn);
          stopped();
        });
        child.kill('SIGTERM');
      });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`the conformance fixture printed no URL within ${timeout} ms; stderr:\n${stderr}`));
    }, timeout);
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const url = /^(http:\/\/\S+\/mcp)$/m.exec(stdout)?.[1];
      if (url === undefined) return;
      clearTimeout(timer);
      ready({ url, stop });
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      fail(
        new Error(`the conformance fixture exited (code ${code}) before it was ready; stderr:\n${stderr}`),
      );
    });
  });
}

/** Reads `server-<scenario>-<timestamp>/checks.json` files: scenario name → checks. */
function readChecks(dir) {
  const byScenario = new Map();
  if (!existsSync(dir)) return byScenario;
  for (const entry of readdirSync(dir)) {
    const name = /^server-(.+)-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z$/.exec(entry)?.[1];
    const file = join(dir, entry, 'checks.json');
    if (name !== undefined && existsSync(file)) byScenario.set(name, JSON.parse(readFileSync(file, 'utf8')));
  }
  return byScenario;
}

/** One suite: the CLI's run, then every scenario it announced with its checks (or a failure for none). */
async function runSuite(bin, url, suite, dir, timeout) {
  mkdirSync(dir, { recursive: true });
  const args = ['--import', PRELOAD, bin, 'server', '--url', url, '--suite', suite, '-o', dir];
  const result = await run(args, timeout);
  writeFileSync(join(dir, 'output.log'), result.output);
  const announced = [...result.output.matchAll(/^=== Running scenario: (\S+) ===$/gm)].map((m) => m[1]);
  const expected = Number(/^Running \S+ suite \((\d+) scenarios\)/m.exec(result.output)?.[1] ?? Number.NaN);
  const found = readChecks(dir);
  const scenarios = announced.map((name) => ({
    name,
    checks: found.get(name) ?? [
      {
        id: name,
        name,
        status: 'FAILURE',
        description: 'The scenario ran to completion',
        errorMessage: `no checks.json was written for ${name}; see ${join(dir, 'output.log')}`,
      },
    ],
  }));
  const problems = [];
  if (result.timedOut) problems.push(`the ${suite} suite did not finish within ${timeout} ms and was killed`);
  else if (result.code !== 0)
    problems.push(`the conformance CLI exited with code ${result.code ?? result.signal}`);
  if (scenarios.length === 0) problems.push(`the ${suite} suite ran no scenario`);
  else if (scenarios.length !== expected) {
    problems.push(`the ${suite} suite announced ${expected} scenarios but ran ${scenarios.length}`);
  }
  return { suite, exitCode: result.code, scenarios, problems, log: join(dir, 'output.log') };
}

/** Counts the checks; a WARNING counts as failed, INFO checks are neither. */
function summarize(suites) {
  let passed = 0;
  const failures = [];
  for (const { suite, scenarios, problems } of suites) {
    for (const problem of problems) {
      failures.push({ suite, scenario: '(suite)', id: 'run', status: 'ERROR', message: problem });
    }
    for (const { name, checks } of scenarios) {
      for (const check of checks) {
        if (check.status === 'SUCCESS') passed++;
        else if (check.status === 'FAILURE' || check.status === 'WARNING') {
          const message = check.errorMessage ?? check.description;
          failures.push({ suite, scenario: name, id: check.id, status: check.status, message });
        }
      }
    }
  }
  return { passed, failed: failures.filter((f) => f.status !== 'ERROR').length, failures };
}

function report(summary, suites, version, url) {
  console.log(`@modelcontextprotocol/conformance ${version} against ${url}`);
  for (const { suite, scenarios } of suites) {
    console.log(`\n${suite} suite (${scenarios.length} scenarios)`);
    for (const { name, checks } of scenarios) {
      const bad = checks.filter((c) => c.status === 'FAILURE' || c.status === 'WARNING').length;
      const ok = checks.filter((c) => c.status === 'SUCCESS').length;
      const info = checks.filter((c) => c.status === 'INFO' && (c.specReferences?.length ?? 0) > 0);
      const notes = info.map((c) => `; ${c.id} INFO: ${c.details?.message ?? c.description}`).join('');
      console.log(
        `  ${bad === 0 ? '✓' : '✗'} ${name}: ${ok} passed${bad > 0 ? `, ${bad} failed` : ''}${notes}`,
      );
    }
  }
  if (summary.failures.length > 0) console.log('');
  for (const f of summary.failures)
    console.log(`✗ [${f.suite}] ${f.scenario} › ${f.id} ${f.status}: ${f.message}`);
  console.log(`\nconformance: ${summary.passed} passed, ${summary.failed} failed`);
}

async function main() {
  const { values } = parseArgs({
    options: {
      url: { type: 'string' },
      suite: { type: 'string', multiple: true },
      'output-dir': { type: 'string' },
      timeout: { type: 'string', default: '120000' },
      json: { type: 'boolean', default: false },
    },
  });
  const suites = values.suite ?? ['active', 'pending'];
  const timeout = Number(values.timeout);
  const unknown = suites.find((s) => !SUITES.includes(s));
  if (unknown !== undefined || !(timeout > 0)) {
    console.error(
      unknown !== undefined
        ? `conformance: unknown suite ${JSON.stringify(unknown)}; use ${SUITES.join(', ')}`
        : `conformance: --timeout must be a positive number of ms; got ${values.timeout}`,
    );
    return 2;
  }
  const bin = conformanceBin();
  const fixture = values.url === undefined ? await startFixture() : undefined;
  const url = values.url ?? fixture.url;
  const dir = values['output-dir'] ?? mkdtempSync(join(tmpdir(), 'mcp-live-conformance-'));
  const results = [];
  try {
    for (const suite of suites) results.push(await runSuite(bin.path, url, suite, join(dir, suite), timeout));
  } finally {
    await fixture?.stop();
  }
  const summary = summarize(results);
  const ok = summary.failures.length === 0;
  if (ok && values['output-dir'] === undefined) rmSync(dir, { recursive: true, force: true });
  if (values.json) {
    const output = ok && values['output-dir'] === undefined ? undefined : dir;
    console.log(
      JSON.stringify({ version: bin.version, url, outputDir: output, ...summary, suites: results }),
    );
  } else {
    report(summary, results, bin.version, url);
    if (!ok) console.log(`The suite's own output and checks.json files are in ${dir}`);
  }
  return ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`conformance: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
