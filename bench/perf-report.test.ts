import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatPerf, formatPerfComparison, summarizePerf } from './perf-report.ts';

// The shape `perf report --stdio --no-children --sort dso,sym -g none` prints (perf 6.x).
const REPORT = `# To display the perf.data header info, please use --header/--header-only options.
#
#
# Total Lost Samples: 0
#
# Samples: 18K of event 'cpu-clock'
# Event count (approx.): 2000000
#
# Overhead  Shared Object        Symbol
# ........  ...................  ......
#
    40.00%  [kernel.kallsyms]    [k] _raw_spin_unlock_irqrestore
    25.00%  node                 [.] Builtins_KeyedLoadIC_Megamorphic
    15.00%  [JIT] tid 4242       [.] JS:*get file:///app/dist/transports/http/node-exchange.js:39:8
     5.00%  [JIT] tid 4243       [.] JS:*get file:///app/dist/transports/http/node-exchange.js:39:8
    10.00%  libc.so.6            [.] malloc
     5.00%  [JIT] tid 4242       [.] RegExp:[^\\t\\x20-\\x7e]


#
# (Tip: use --header to see more)
#
`;

test('perf samples are summed per object file and per symbol, JIT threads as one', () => {
  const summary = summarizePerf(REPORT, '/app');
  assert.equal(summary.nanoseconds, 2_000_000);
  assert.deepEqual(summary.objects, [
    ['[kernel.kallsyms]', 800_000],
    ['node', 500_000],
    ['[JIT]', 500_000],
    ['libc.so.6', 200_000],
  ]);
  assert.deepEqual(summary.symbols.slice(0, 3), [
    ['[kernel.kallsyms] _raw_spin_unlock_irqrestore', 800_000],
    ['node Builtins_KeyedLoadIC_Megamorphic', 500_000],
    ['[JIT] JS:*get dist/transports/http/node-exchange.js:39:8', 400_000],
  ]);
  assert.equal(summary.symbols.length, 5);
});

test('perf figures are printed per call, the largest symbols first', () => {
  const text = formatPerf(summarizePerf(REPORT, '/app'), 100, 3);
  assert.match(text, /^sampled: 20\.00 µs\/call/);
  assert.match(text, / 8\.00 µs\/call {2}\[kernel\.kallsyms\]\n/);
  assert.match(text, / 4\.00 µs\/call {2}\[JIT\] JS:\*get dist\/transports\/http\/node-exchange\.js:39:8/);
  // Three symbols: malloc (the fourth largest) is left out of that list, not of the object files.
  assert.doesNotMatch(text, /libc\.so\.6 malloc/);
  assert.match(text, / 2\.00 µs\/call {2}libc\.so\.6\n/);
});

test('a report without samples is refused with a reason', () => {
  assert.throws(() => summarizePerf('# nothing here\n'), /no event count/);
});

test('two targets are compared per call: object files by how much more, symbols by how different', () => {
  const base = { id: 'floor', calls: 100, summary: summarizePerf(REPORT, '/app') };
  // The same 2 ms of samples over 200 calls, node's share up from 25 % to 45 %, libc's down to none.
  const more = REPORT.replace('25.00%  node', '45.00%  node').replace(
    '10.00%  libc.so.6',
    ' 0.00%  libc.so.6',
  );
  const run = { id: 'server', calls: 200, summary: summarizePerf(more, '/app') };
  const text = formatPerfComparison(base, run, 2);
  const lines = text.split('\n');
  assert.equal(lines[0], 'server against floor: 10.00 against 20.00 µs per call (-10.00)');
  // Object files in order of how much more the server spends: node (5.00 -> 4.50) first, the kernel last.
  assert.equal(lines[3], '     5.00    4.50 -0.50  node');
  assert.equal(lines[6], '     8.00    4.00 -4.00  [kernel.kallsyms]');
  const symbols = lines.slice(lines.indexOf('by symbol, the 2 largest differences') + 1);
  assert.equal(symbols.length, 2);
  assert.match(symbols[0]!, /-4\.00 {2}\[kernel\.kallsyms\] _raw_spin_unlock_irqrestore$/);
});
