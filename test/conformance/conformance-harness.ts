// Runs the official conformance suite (scripts/conformance.mjs) against the fixture, as separate
// processes over 127.0.0.1, and reads its JSON summary: shared by the suites of test/conformance.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** Bounds each child process; one requirement set takes well under a minute. */
export const CHILD_TIMEOUT = 300_000;
/** Bounds each run inside scripts/conformance.mjs, which then names the run that ran out of time. */
export const RUN_TIMEOUT = 240_000;

/** Run with 2025-11-25 but not scored by it; the fixture passes them, so we hold it to them. */
export const ALSO_2025 = ['server-session-lifecycle', 'json-schema-2020-12', 'server-sse-polling'];

/** Pending (not scored) in 2026-07-28, but the fixture and mcp-live are meant to pass them. */
export const PENDING_2026 = [
  'json-schema-2020-12',
  'http-header-validation',
  'http-custom-header-server-validation',
];

export interface Check {
  id: string;
  status: 'SUCCESS' | 'FAILURE' | 'WARNING' | 'SKIPPED' | 'INFO';
  description: string;
  errorMessage?: string;
  details?: { message?: string };
}

export interface Failure {
  run: string;
  scenario: string;
  id: string;
  status: string;
  message: string;
}

export interface Summary {
  version: string;
  passed: number;
  failed: number;
  failures: Failure[];
  notScoredFailures: Failure[];
  runs: Array<{
    run: string;
    scenarios: Array<{ name: string; scored: boolean; notScoredReason?: string; checks: Check[] }>;
  }>;
  outputDir?: string;
}

/** Spawns `node args…` from the repository root; a child still running when the test ends is stopped. */
export function spawnNode(
  t: TestContext,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): ChildProcess {
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGTERM');
    const stubborn = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(stubborn);
  });
  return child;
}

/** Reads a child's stdout and stderr until it exits, killing it after CHILD_TIMEOUT. */
export function finish(
  child: ChildProcess,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => (stdout += chunk));
  child.stderr?.on('data', (chunk) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT);
  return new Promise((done) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    }),
  );
}

/** Starts the fixture as `npm run fixture:conformance` does, on a free port; resolves the URLs it prints. */
export async function startFixture(
  t: TestContext,
  extra: string[] = [],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ url: string; sseUrl: string; child: ChildProcess }> {
  const fixture = ['--import', 'tsx', 'test/fixtures/conformance-server.ts', '--port', '0', ...extra];
  const child = spawnNode(t, fixture, env);
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr += chunk));
  const lines = await new Promise<string[]>((ready, fail) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT);
    child.stdout?.on('data', (chunk) => {
      stdout += chunk;
      const printed = stdout.split('\n');
      if (printed.length < 3) return;
      clearTimeout(timer);
      ready(printed.slice(0, 2));
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`the fixture exited (code ${code}) before printing its URLs; stderr:\n${stderr}`));
    });
  });
  const [url = '', sseUrl = ''] = lines;
  return { url, sseUrl, child };
}

/** Runs scripts/conformance.mjs against `url` with `args` and parses its JSON summary. */
export async function runConformance(t: TestContext, url: string, args: string[]): Promise<Summary> {
  const all = ['--url', url, ...args, '--timeout', String(RUN_TIMEOUT), '--json'];
  const child = spawnNode(t, ['scripts/conformance.mjs', ...all]);
  const { code, stdout, stderr } = await finish(child);
  let summary: Summary;
  try {
    summary = JSON.parse(stdout) as Summary;
  } catch {
    assert.fail(
      `scripts/conformance.mjs exited with ${code} and printed no JSON summary; stderr:\n${stderr}`,
    );
  }
  t.diagnostic(
    `@modelcontextprotocol/conformance ${summary.version}, ${args.join(' ')}: ${summary.passed} scored checks passed`,
  );
  if (summary.outputDir !== undefined) t.diagnostic(`checks.json files kept in ${summary.outputDir}`);
  return summary;
}

export const named = (failures: Failure[]) =>
  failures.map((f) => `[${f.run}] ${f.scenario} › ${f.id} ${f.status}: ${f.message}`);

export const scenarioNames = (summary: Summary, scored: boolean) =>
  summary.runs.flatMap((r) => r.scenarios.filter((s) => s.scored === scored).map((s) => s.name));

/** Every scored scenario must have passed at least one check: one that only reported INFO tested nothing. */
export function scenariosWithoutAPass(summary: Summary): string[] {
  return summary.runs
    .flatMap((r) => r.scenarios)
    .filter((s) => s.scored && !s.checks.some((c) => c.status === 'SUCCESS'))
    .map((s) => s.name);
}
