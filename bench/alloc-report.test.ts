import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type AllocationNode, formatAllocations, summarizeAllocations } from './alloc-report.ts';

const node = (functionName: string, url: string, selfSize: number, children: AllocationNode[] = []) => ({
  callFrame: { functionName, url, lineNumber: 9 },
  selfSize,
  children,
});

test('allocations are summed per function and per file over the whole tree, per call', () => {
  const profile = {
    head: node('(root)', '', 0, [
      node('parse', 'file:///app/dist/parse.js', 300, [node('', 'file:///app/dist/parse.js', 100)]),
      node('handle', 'file:///app/node_modules/lib/index.js', 200, [
        node('parse', 'file:///app/dist/parse.js', 400),
      ]),
      node('JSON.parse', '', 50),
    ]),
  };
  const summary = summarizeAllocations(profile, '/app');
  assert.equal(summary.bytes, 1050);
  assert.deepEqual(summary.functions, [
    ['parse dist/parse.js:10', 700],
    ['handle node_modules/lib/index.js:10', 200],
    ['(anonymous) dist/parse.js:10', 100],
    ['JSON.parse', 50],
  ]);
  assert.deepEqual(summary.files, [
    ['dist/parse.js', 800],
    ['node_modules/lib/index.js', 200],
    ['(native)', 50],
  ]);
  const text = formatAllocations(summary, 10, 2);
  assert.match(text, /^allocated: 105 B\/call/);
  assert.match(text, /80 B\/call {2}dist\/parse\.js/);
  assert.match(text, /70 B\/call {2}parse dist\/parse\.js:10/);
  // Two of each kind: the third largest function is left out.
  assert.doesNotMatch(text, /\(anonymous\)/);
});
