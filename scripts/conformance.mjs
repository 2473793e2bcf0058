// Runs the official MCP conformance suite (@modelcontextprotocol/conformance, its server scenarios)
// against a Streamable HTTP server, and fails on any scored check that did not pass.
//
//   npm run test:conformance                          # both requirement sets against the fixture
//   npm run test:conformance -- --requirements 2025-11-25 --url http://127.0.0.1:3001/mcp
//   npm run test:conformance -- --requirements 2026-07-28 --also-score http-header-validation
//   npm run test:conformance -- --scenario json-schema-2020-12 --spec-version 2026-07-28
//
// What runs (each flag repeatable; with none of them: --requirements 2025-11-25 --requirements 2026-07-28):
//   --requirements REV  the scenarios a spec revision requires, frozen at its release, at that revision's
//                       wire (2025-11-25: initialize and sessions; 2026-07-28: stateless, per-request _meta).
//                       The suite also runs the set's not-scored scenarios (extensions, pending ones);
//                       they are reported but do not count, unless named with --also-score.
//   --also-score NAME   count this not-scored scenario of a requirement set as scored.
//   --suite NAME        active, pending, draft or all; scenarios of several wires, each at its own unless
//                       --spec-version pins one. Kept for exploring; the requirement sets are the contract.
//   --scenario NAME     one scenario, at --spec-version (default: the scenario's own latest wire).
// Other options: --spec-version REV (for --suite and --scenario), --url (default: start the fixture on a
// free port), --output-dir (keep the suite's checks.json files there; default a temporary folder, kept only
// when something failed), --timeout (ms per run, default 300000), --json (print one JSON summary on stdout
// instead of the report).
//
// The suite runs from node_modules (never npx, so nothing is downloaded) with a preload that gives
// Node 20 the fs.globSync it imports. A WARNING (a SHOULD the server missed) counts as failed, INFO and
// SKIPPED as neither. Exit code: 0 when no scored check failed, 1 otherwise, 2 on bad usage.
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
const SUITES = ['active', 'pending', 'draft', 'all'];
const REVISION = /^\d{4}-\d{2}-\d{2}$/;

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
function runChild(args, timeout) {
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

/** The CLI arguments and a label for one run: a requirement set, a suite or a scenario. */
function describeRun(run, specVersion) {
  const pinned = specVersion === undefined ? [] : ['--spec-version', specVersion];
  if (run.kind === 'requirements') {
    return { label: run.name, args: ['--requirements', run.name] };
  }
  if (run.kind === 'suite') {
    return {
      label: `${run.name} suite${specVersion ? ` at ${specVersion}` : ''}`,
      args: ['--suite', run.name, ...pinned],
    };
  }
  return {
    label: `${run.name}${specVersion ? ` at ${specVersion}` : ''}`,
    args: ['--scenario', run.name, ...pinned],
  };
}

/** The requirement set's not-scored scenarios, from the lines under "Not scored for REV:". */
function readNotScored(output) {
  const notScored = new Map();
  const section = /^Not scored for \S+:.*$([\s\S]*)/m.exec(output)?.[1] ?? '';
  for (const [, name, reason] of section.matchAll(/^ {2}\S (\S+) \(([^)]+)\)$/gm))
    notScored.set(name, reason);
  return notScored;
}

/** One run of the CLI, then every scenario it ran with its checks (or a failure for none). */
async function runOne(bin, url, run, options) {
  const { label, args: selection } = describeRun(run, options.specVersion);
  const dir = join(options.dir, label.replace(/[^\w.-]+/g, '-'));
  mkdirSync(dir, { recursive: true });
  const args = ['--import', PRELOAD, bin, 'server', '--url', url, ...selection, '-o', dir];
  const result = await runChild(args, options.timeout);
  writeFileSync(join(dir, 'output.log'), result.output);
  const announced =
    run.kind === 'scenario'
      ? [run.name]
      : [...result.output.matchAll(/^=== Running scenario: (\S+) ===$/gm)].map((m) => m[1]);
  const expected =
    run.kind === 'scenario'
      ? 1
      : Number(/^Running .+ \((\d+) scenarios\)/m.exec(result.output)?.[1] ?? Number.NaN);
  const notScored = run.kind === 'requirements' ? readNotScored(result.output) : new Map();
  const found = readChecks(dir);
  const scenarios = announced.map((name) => {
    const reason = notScored.get(name);
    const scored = reason === undefined || options.alsoScore.includes(name);
    const checks = found.get(name) ?? [
      {
        id: name,
        name,
        status: 'FAILURE',
        description: 'The scenario ran to completion',
        errorMessage: `no checks.json was written for ${name}; see ${join(dir, 'output.log')}`,
      },
    ];
    return { name, scored, ...(reason === undefined ? {} : { notScoredReason: reason }), checks };
  });
  const problems = [];
  const failedCheck = scenarios.some((s) => s.checks.some((c) => c.status === 'FAILURE'));
  if (result.timedOut)
    problems.push(`the ${label} run did not finish within ${options.timeout} ms and was killed`);
  else if (result.code !== 0 && !failedCheck) {
    problems.push(`the conformance CLI exited with code ${result.code ?? result.signal} (${label})`);
  }
  if (scenarios.length === 0) problems.push(`the ${label} run ran no scenario`);
  else if (scenarios.length !== expected) {
    problems.push(`the ${label} run announced ${expected} scenarios but ran ${scenarios.length}`);
  }
  for (const name of options.alsoScore) {
    if (run.kind === 'requirements' && !announced.includes(name)) {
      problems.push(`--also-score ${name}: the ${label} run has no such scenario`);
    }
  }
  return { run: label, exitCode: result.code, scenarios, problems, log: join(dir, 'output.log') };
}

const isBad = (check) => check.status === 'FAILURE' || check.status === 'WARNING';

/** Counts the scored checks; a WARNING counts as failed, INFO and SKIPPED checks are neither. */
function summarize(runs) {
  let passed = 0;
  const failures = [];
  const notScoredFailures = [];
  for (const { run, scenarios, problems } of runs) {
    for (const problem of problems) {
      failures.push({ run, scenario: '(run)', id: 'run', status: 'ERROR', message: problem });
    }
    for (const { name, scored, checks } of scenarios) {
      for (const check of checks) {
        if (scored && check.status === 'SUCCESS') passed++;
        if (!isBad(check)) continue;
        const failure = {
          run,
          scenario: name,
          id: check.id,
          status: check.status,
          message: check.errorMessage ?? check.description,
        };
        (scored ? failures : notScoredFailures).push(failure);
      }
    }
  }
  return { passed, failed: failures.filter((f) => f.status !== 'ERROR').length, failures, notScoredFailures };
}

const line = (f) => `✗ [${f.run}] ${f.scenario} › ${f.id} ${f.status}: ${f.message}`;

function report(summary, runs, version, url) {
  console.log(`@modelcontextprotocol/conformance ${version} against ${url}`);
  for (const { run, scenarios } of runs) {
    console.log(`\n${run} (${scenarios.length} scenarios)`);
    for (const { name, scored, notScoredReason, checks } of scenarios) {
      const bad = checks.filter(isBad).length;
      const ok = checks.filter((c) => c.status === 'SUCCESS').length;
      const info = checks.filter((c) => c.status === 'INFO' && (c.specReferences?.length ?? 0) > 0);
      const notes = info.map((c) => `; ${c.id} INFO: ${c.details?.message ?? c.description}`).join('');
      const tag = scored ? '' : ` [not scored: ${notScoredReason}]`;
      console.log(
        `  ${bad === 0 ? '✓' : '✗'} ${name}${tag}: ${ok} passed${bad > 0 ? `, ${bad} failed` : ''}${notes}`,
      );
    }
  }
  if (summary.failures.length > 0) console.log('');
  for (const f of summary.failures) console.log(line(f));
  const unscored = new Set(summary.notScoredFailures.map((f) => `${f.run} ${f.scenario}`)).size;
  if (unscored > 0) console.log(`\n(${unscored} not-scored scenarios had failing checks; they do not count)`);
  console.log(`\nconformance: ${summary.passed} passed, ${summary.failed} failed`);
}

function parseRuns(values) {
  const runs = [
    ...(values.requirements ?? []).map((name) => ({ kind: 'requirements', name })),
    ...(values.suite ?? []).map((name) => ({ kind: 'suite', name })),
    ...(values.scenario ?? []).map((name) => ({ kind: 'scenario', name })),
  ];
  if (runs.length > 0) return runs;
  return [
    { kind: 'requirements', name: '2025-11-25' },
    { kind: 'requirements', name: '2026-07-28' },
  ];
}

/** The first problem with the options, or undefined. */
function usageError(values, runs, timeout) {
  const badRevision = [...(values.requirements ?? []), values['spec-version'] ?? '2025-11-25'].find(
    (r) => !REVISION.test(r),
  );
  if (badRevision !== undefined) {
    return `conformance: a revision is a date such as 2026-07-28; got ${JSON.stringify(badRevision)}`;
  }
  const unknown = (values.suite ?? []).find((s) => !SUITES.includes(s));
  if (unknown !== undefined)
    return `conformance: unknown suite ${JSON.stringify(unknown)}; use ${SUITES.join(', ')}`;
  if (values['also-score'] !== undefined && !runs.some((r) => r.kind === 'requirements')) {
    return 'conformance: --also-score names a not-scored scenario of a --requirements run; add one';
  }
  if (!(timeout > 0)) return `conformance: --timeout must be a positive number of ms; got ${values.timeout}`;
  return undefined;
}

async function main() {
  const { values } = parseArgs({
    options: {
      url: { type: 'string' },
      requirements: { type: 'string', multiple: true },
      'also-score': { type: 'string', multiple: true },
      suite: { type: 'string', multiple: true },
      scenario: { type: 'string', multiple: true },
      'spec-version': { type: 'string' },
      'output-dir': { type: 'string' },
      timeout: { type: 'string', default: '300000' },
      json: { type: 'boolean', default: false },
    },
  });
  const runs = parseRuns(values);
  const timeout = Number(values.timeout);
  const problem = usageError(values, runs, timeout);
  if (problem !== undefined) {
    console.error(problem);
    return 2;
  }
  const bin = conformanceBin();
  const fixture = values.url === undefined ? await startFixture() : undefined;
  const url = values.url ?? fixture.url;
  const dir = values['output-dir'] ?? mkdtempSync(join(tmpdir(), 'mcp-live-conformance-'));
  const options = {
    dir,
    timeout,
    specVersion: values['spec-version'],
    alsoScore: values['also-score'] ?? [],
  };
  const results = [];
  try {
    for (const run of runs) results.push(await runOne(bin.path, url, run, options));
  } finally {
    await fixture?.stop();
  }
  const summary = summarize(results);
  const ok = summary.failures.length === 0;
  if (ok && values['output-dir'] === undefined) rmSync(dir, { recursive: true, force: true });
  if (values.json) {
    const output = ok && values['output-dir'] === undefined ? undefined : dir;
    console.log(JSON.stringify({ version: bin.version, url, outputDir: output, ...summary, runs: results }));
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
