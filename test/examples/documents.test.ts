// The example's document store on its own: operations, versions, rebasing and refusals.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DocumentEditError, DocumentStore, rebase } from '../../examples/live/documents.ts';

function store(text: string): DocumentStore {
  const docs = new DocumentStore();
  docs.apply('d', 'set', { base_version: 0, text }, 'test');
  return docs;
}

test('insert, delete, replace and set each make a new version', () => {
  const docs = store('hello world');
  assert.equal(
    docs.apply('d', 'insert', { base_version: 1, position: 5, text: ',' }, 'a').content,
    'hello, world',
  );
  assert.equal(docs.apply('d', 'delete', { base_version: 2, position: 0, length: 7 }, 'a').content, 'world');
  const replaced = docs.apply('d', 'replace', { base_version: 3, position: 0, length: 1, text: 'W' }, 'a');
  assert.deepEqual([replaced.version, replaced.content], [4, 'World']);
  assert.deepEqual(docs.get('d'), { ...docs.get('d'), version: 4, content: 'World' });
  assert.equal(docs.apply('d', 'set', { base_version: 4, text: 'new' }, 'a').version, 5);
  assert.deepEqual(docs.get('unknown'), { id: 'unknown', version: 0, content: '', updatedAt: undefined });
});

test('a stale edit of other text is rebased over the newer edits', () => {
  const docs = store('abc def ghi');
  docs.apply('d', 'replace', { base_version: 1, position: 0, length: 3, text: 'ABCDE' }, 'a'); // v2
  docs.apply('d', 'delete', { base_version: 2, position: 5, length: 1 }, 'a'); // v3: 'ABCDEdef ghi'
  const edit = docs.apply('d', 'replace', { base_version: 1, position: 8, length: 3, text: 'GHI' }, 'b');
  assert.equal(edit.content, 'ABCDEdef GHI');
  assert.equal(edit.rebasedOver, 2);
  assert.equal(edit.version, 4);
});

test('a stale edit of text someone else changed is refused with what to do', () => {
  const docs = store('abc def');
  docs.apply('d', 'replace', { base_version: 1, position: 4, length: 3, text: 'XYZ' }, 'a');
  assert.throws(
    () => docs.apply('d', 'delete', { base_version: 1, position: 3, length: 2 }, 'b'),
    (error: unknown) =>
      error instanceof DocumentEditError &&
      error.code === 'STALE_EDIT' &&
      /read doc:\/\/d .*base_version/.test(error.message),
  );
  assert.throws(
    () => docs.apply('d', 'set', { base_version: 1, text: 'x' }, 'b'),
    /only taken against the current version/,
  );
  assert.equal(docs.get('d').version, 2, 'a refused edit changes nothing');
});

test('edits that are malformed or out of bounds are refused naming the field', () => {
  const docs = store('abc');
  assert.throws(() => docs.apply('d', 'insert', { base_version: 1, text: 'x' }, 'a'), /needs data\.position/);
  assert.throws(
    () => docs.apply('d', 'replace', { base_version: 1, position: 0, text: 'x' }, 'a'),
    /needs data\.length/,
  );
  assert.throws(
    () => docs.apply('d', 'delete', { base_version: 1, position: 2, length: 5 }, 'a'),
    /past the end/,
  );
  assert.throws(
    () => docs.apply('d', 'insert', { base_version: 9, position: 0, text: 'x' }, 'a'),
    /does not exist yet/,
  );
  const small = new DocumentStore({ maxLength: 4 });
  assert.throws(
    () => small.apply('d', 'set', { base_version: 0, text: 'too long' }, 'a'),
    /over the limit of 4/,
  );
});

test('rebase keeps two inserts at one place in the order they were made', () => {
  assert.deepEqual(rebase({ at: 2, remove: 0, insert: 'b' }, { at: 2, remove: 0, insert: 'aa' }), {
    at: 4,
    remove: 0,
    insert: 'b',
  });
  assert.deepEqual(rebase({ at: 0, remove: 1, insert: '' }, { at: 5, remove: 2, insert: 'x' }), {
    at: 0,
    remove: 1,
    insert: '',
  });
  assert.equal(rebase({ at: 3, remove: 0, insert: 'x' }, { at: 1, remove: 4, insert: '' }), undefined);
});
