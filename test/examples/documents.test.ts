// The example's document store on its own: operations, versions, rebasing and refusals.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DocumentStore, MemoryDocumentStorage } from '../../examples/live/document-store.ts';
import { DocumentEditError, rebase } from '../../examples/live/documents.ts';

async function store(text: string): Promise<DocumentStore> {
  const docs = new DocumentStore();
  await docs.apply('d', 'set', { base_version: 0, text }, 'test');
  return docs;
}

test('insert, delete, replace and set each make a new version', async () => {
  const docs = await store('hello world');
  assert.equal(
    (await docs.apply('d', 'insert', { base_version: 1, position: 5, text: ',' }, 'a')).content,
    'hello, world',
  );
  assert.equal(
    (await docs.apply('d', 'delete', { base_version: 2, position: 0, length: 7 }, 'a')).content,
    'world',
  );
  const replaced = await docs.apply(
    'd',
    'replace',
    { base_version: 3, position: 0, length: 1, text: 'W' },
    'a',
  );
  assert.deepEqual([replaced.version, replaced.content], [4, 'World']);
  assert.deepEqual(await docs.get('d'), {
    id: 'd',
    version: 4,
    content: 'World',
    updatedAt: replaced.updatedAt,
  });
  assert.equal((await docs.apply('d', 'set', { base_version: 4, text: 'new' }, 'a')).version, 5);
  assert.deepEqual(await docs.get('unknown'), {
    id: 'unknown',
    version: 0,
    content: '',
    updatedAt: undefined,
  });
});

test('a stale edit of other text is rebased over the newer edits', async () => {
  const docs = await store('abc def ghi');
  await docs.apply('d', 'replace', { base_version: 1, position: 0, length: 3, text: 'ABCDE' }, 'a'); // v2
  await docs.apply('d', 'delete', { base_version: 2, position: 5, length: 1 }, 'a'); // v3: 'ABCDEdef ghi'
  const edit = await docs.apply(
    'd',
    'replace',
    { base_version: 1, position: 8, length: 3, text: 'GHI' },
    'b',
  );
  assert.equal(edit.content, 'ABCDEdef GHI');
  assert.equal(edit.rebasedOver, 2);
  assert.equal(edit.version, 4);
});

test('a stale edit of text someone else changed is refused with what to do', async () => {
  const docs = await store('abc def');
  await docs.apply('d', 'replace', { base_version: 1, position: 4, length: 3, text: 'XYZ' }, 'a');
  await assert.rejects(
    () => docs.apply('d', 'delete', { base_version: 1, position: 3, length: 2 }, 'b'),
    (error: unknown) =>
      error instanceof DocumentEditError &&
      error.code === 'STALE_EDIT' &&
      /read doc:\/\/d .*base_version/.test(error.message),
  );
  await assert.rejects(
    () => docs.apply('d', 'set', { base_version: 1, text: 'x' }, 'b'),
    /only taken against the current version/,
  );
  assert.equal((await docs.get('d')).version, 2, 'a refused edit changes nothing');
});

test('edits that are malformed or out of bounds are refused naming the field', async () => {
  const docs = await store('abc');
  await assert.rejects(
    () => docs.apply('d', 'insert', { base_version: 1, text: 'x' }, 'a'),
    /needs data\.position/,
  );
  await assert.rejects(
    () => docs.apply('d', 'replace', { base_version: 1, position: 0, text: 'x' }, 'a'),
    /needs data\.length/,
  );
  await assert.rejects(
    () => docs.apply('d', 'delete', { base_version: 1, position: 2, length: 5 }, 'a'),
    /past the end/,
  );
  await assert.rejects(
    () => docs.apply('d', 'insert', { base_version: 9, position: 0, text: 'x' }, 'a'),
    /does not exist yet/,
  );
  const small = new DocumentStore({ maxLength: 4 });
  await assert.rejects(
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

test('stores sharing one storage (instances sharing Redis) rebase racing edits instead of losing one', async () => {
  const storage = new MemoryDocumentStorage();
  const [a, b] = [new DocumentStore({ storage }), new DocumentStore({ storage })];
  await a.seed('d', 'left right');
  await b.seed('d', 'seeded twice: ignored');
  const edits = await Promise.all([
    a.apply('d', 'insert', { base_version: 1, position: 0, text: '<' }, 'a'),
    b.apply('d', 'insert', { base_version: 1, position: 10, text: '>' }, 'b'),
  ]);
  assert.deepEqual(edits.map((e) => e.version).sort(), [2, 3], 'each edit made its own version');
  assert.deepEqual(await b.get('d'), { ...(await a.get('d')), content: '<left right>', version: 3 });
  assert.deepEqual(await a.ids(), ['d']);
});
