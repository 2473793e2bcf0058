// The official conformance suite against two instances of the fixture that share one real
// redis-server (--redis), behind the example's round-robin proxy: every request goes to the next
// instance, with no sticky routing, and both requirement sets still pass every scored check.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { withSharedRequestStateKeys } from '../../examples/scaling/instances.ts';
import { RoundRobinProxy } from '../../examples/scaling/round-robin-proxy.ts';
import { redisForTests } from '../stores/redis-server.ts';
import {
  ALSO_2025,
  CHILD_TIMEOUT,
  named,
  PENDING_2026,
  runConformance,
  scenariosWithoutAPass,
  startFixture,
} from './conformance-harness.ts';

const redis = await redisForTests();
after(() => redis.server?.close());

test('two fixture instances sharing Redis behind a round-robin proxy pass both requirement sets', {
  skip: redis.skip,
  timeout: 2 * CHILD_TIMEOUT,
}, async (t) => {
  // One set of requestState keys, so that an input round begun on one instance finishes on the other.
  const env = withSharedRequestStateKeys({ ...process.env, MCP_LIVE_REQUEST_STATE_KEYS: '' });
  const extra = (id: string) => ['--redis', redis.server!.url, '--instance-id', id];
  const [one, two] = await Promise.all([
    startFixture(t, extra('c1'), env),
    startFixture(t, extra('c2'), env),
  ]);
  const proxy = new RoundRobinProxy({ upstreams: [new URL(one.url).origin, new URL(two.url).origin] });
  const origin = await proxy.listen(0);
  t.after(() => proxy.close());
  const url = new URL('/mcp', origin).href;
  const runs = [
    ['--requirements', '2025-11-25', ...ALSO_2025.flatMap((name) => ['--also-score', name])],
    ['--requirements', '2026-07-28', ...PENDING_2026.flatMap((name) => ['--also-score', name])],
  ];
  for (const args of runs) {
    const summary = await runConformance(t, url, args);
    assert.deepEqual(named(summary.failures), [], args[1]);
    assert.deepEqual(scenariosWithoutAPass(summary), [], args[1]);
    assert.ok(summary.passed > 60, `${args[1]}: ${summary.passed} scored checks passed`);
  }
  const served = proxy.stats().map((s) => s.requests);
  assert.ok(
    served.every((n) => n > 100),
    `both instances served requests: ${served.join(', ')}`,
  );
});
