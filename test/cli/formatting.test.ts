import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { describeArguments, describeType } from '../../src/cli/describe-schema.ts';
import {
  formatResource,
  formatToolError,
  formatToolResult,
  singleBlob,
} from '../../src/cli/format-result.ts';
import { formatTools, unknownToolMessage } from '../../src/cli/format-tools.ts';
import { ProgressReporter, renderProgressBar, renderProgressLine } from '../../src/cli/progress-bar.ts';

describe('describeType', () => {
  test('names types, enums, arrays, unions and anything', () => {
    assert.equal(describeType({ type: 'integer' }), 'integer');
    assert.equal(describeType({ type: 'string', enum: ['a', 'b'] }), '"a" | "b"');
    assert.equal(describeType({ type: 'array', items: { type: 'number' } }), 'number[]');
    assert.equal(describeType({ type: 'array', items: { enum: ['x', 'y'] } }), '("x" | "y")[]');
    assert.equal(describeType({ type: ['string', 'null'] }), 'string | null');
    assert.equal(describeType({ anyOf: [{ type: 'string' }, { type: 'integer' }] }), 'string | integer');
    assert.equal(describeType({}), 'any');
  });

  test('describeArguments keeps declaration order, required, default and description', () => {
    const schema = {
      type: 'object',
      properties: { b: { type: 'number', description: 'B' }, a: { type: 'string', default: 'x' } },
      required: ['b'],
    };
    assert.deepEqual(describeArguments(schema), [
      { name: 'b', type: 'number', required: true, description: 'B' },
      { name: 'a', type: 'string', required: false, default: 'x' },
    ]);
  });
});

describe('formatTools', () => {
  test("aligns each tool's arguments under its name and description", () => {
    const text = formatTools([
      {
        name: 'add',
        description: 'Adds',
        inputSchema: {
          type: 'object',
          properties: { a: { type: 'number', description: 'first' }, bb: { type: 'integer', default: 2 } },
          required: ['a'],
        },
      },
      { name: 'ping', inputSchema: { type: 'object' } },
    ]);
    assert.equal(
      text,
      'add — Adds\n    a   number   required   first\n    bb  integer  default 2\n\nping\n    (no arguments)\n',
    );
    assert.equal(formatTools([]), 'The server has no tools.\n');
  });

  test('an unknown tool lists the available ones', () => {
    const tools = [
      { name: 'a', inputSchema: {} },
      { name: 'b', inputSchema: {} },
    ];
    assert.equal(unknownToolMessage('x', tools), 'Unknown tool "x"; available: a, b');
    assert.equal(unknownToolMessage('x', []), 'Unknown tool "x": the server has no tools');
  });
});

describe('formatToolResult', () => {
  test('prints text as text and JSON text pretty', () => {
    const result = {
      content: [
        { type: 'text' as const, text: 'hello' },
        { type: 'text' as const, text: '{"a":1}' },
      ],
    };
    assert.equal(formatToolResult(result), 'hello\n{\n  "a": 1\n}\n');
  });

  test('prints structuredContent once, leaving out the text block that repeats it', () => {
    const result = {
      content: [
        { type: 'text' as const, text: '{"n":1}' },
        { type: 'text' as const, text: 'note' },
      ],
      structuredContent: { n: 1 },
    };
    assert.equal(formatToolResult(result), 'note\n{\n  "n": 1\n}\n');
  });

  test('summarizes images, links and embedded resources', () => {
    const result = {
      content: [
        { type: 'image' as const, data: 'AAAA', mimeType: 'image/png' },
        { type: 'resource_link' as const, uri: 'file:///a', name: 'a', mimeType: 'text/plain' },
        { type: 'resource' as const, resource: { uri: 'x://y', text: 'inline' } },
      ],
    };
    assert.equal(
      formatToolResult(result),
      '[image image/png, 3 bytes]\n[link: a file:///a (text/plain)]\ninline\n',
    );
  });

  test('an error result reads as its text', () => {
    assert.equal(formatToolError({ content: [{ type: 'text', text: 'no\n' }], isError: true }), 'no');
    assert.equal(
      formatToolError({ content: [], isError: true }),
      'the tool reported an error without a message',
    );
  });
});

describe('formatResource', () => {
  test('prints one text as it is, several under headers, blobs as a summary', () => {
    assert.equal(formatResource({ contents: [{ uri: 'a://1', text: '{"raw":true}' }] }), '{"raw":true}\n');
    assert.equal(
      formatResource({
        contents: [
          { uri: 'a://1', mimeType: 'text/plain', text: 'one' },
          { uri: 'a://2', mimeType: 'image/png', blob: 'AAAA' },
        ],
      }),
      '==> a://1 (text/plain) <==\none\n\n==> a://2 (image/png) <==\n[image/png, 3 bytes: a://2]\n',
    );
  });

  test('pretty-prints JSON resources, as call does, and leaves other text alone', () => {
    assert.equal(
      formatResource({
        contents: [{ uri: 'a://1', mimeType: 'application/json', text: '{"cpu":1,"mem":[2]}' }],
      }),
      '{\n  "cpu": 1,\n  "mem": [\n    2\n  ]\n}\n',
    );
    assert.equal(
      formatResource({ contents: [{ uri: 'a://1', mimeType: 'text/plain', text: '{"raw":true}' }] }),
      '{"raw":true}\n',
    );
  });

  test('singleBlob decodes a resource that is one blob', () => {
    assert.deepEqual(singleBlob({ contents: [{ uri: 'a://1', blob: 'AQID' }] }), Buffer.from([1, 2, 3]));
    assert.equal(singleBlob({ contents: [{ uri: 'a://1', text: 'x' }] }), undefined);
  });
});

describe('progress', () => {
  test('renderProgressBar fills a bar in proportion and fits the terminal', () => {
    assert.equal(
      renderProgressBar({ progress: 5, total: 10, message: 'half' }),
      `[${'█'.repeat(12)}${'░'.repeat(12)}] 50% 5/10 half`,
    );
    assert.equal(renderProgressBar({ progress: 3 }), `[${'░'.repeat(24)}] 3`);
    assert.equal(renderProgressBar({ progress: 20, total: 10 }), `[${'█'.repeat(24)}] 100% 20/10`);
    assert.equal(renderProgressBar({ progress: 1, total: 4, message: 'x'.repeat(100) }, 40).length, 39);
  });

  test('renderProgressLine is one plain line', () => {
    assert.equal(renderProgressLine({ progress: 1, total: 3, message: 'step' }), 'progress 1/3 (33%): step');
    assert.equal(renderProgressLine({ progress: 0.25 }), 'progress 0.25');
  });

  test('ProgressReporter redraws in place on a terminal and clears the line at the end', () => {
    const written: string[] = [];
    const reporter = new ProgressReporter({ write: (text) => written.push(text), isTTY: true, columns: 0 });
    reporter.update({ progress: 1, total: 2 });
    reporter.clear();
    reporter.clear();
    assert.deepEqual(written, [`\r\x1b[2K[${'█'.repeat(12)}${'░'.repeat(12)}] 50% 1/2`, '\r\x1b[2K']);
  });

  test('ProgressReporter writes lines elsewhere and has nothing to clear', () => {
    const written: string[] = [];
    const reporter = new ProgressReporter({ write: (text) => written.push(text) });
    reporter.update({ progress: 2, total: 2, message: 'done' });
    reporter.clear();
    assert.deepEqual(written, ['progress 2/2 (100%): done\n']);
  });
});
