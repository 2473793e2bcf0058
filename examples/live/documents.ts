// Shared documents with versions, as pure data: every edit names the version it was made against; an edit
// against an older version is rebased over the edits made since, unless one of them touched the same
// text. Where documents are kept is document-store.ts (memory) and redis-storage.ts (several instances).

export const EDIT_OPERATIONS = ['insert', 'delete', 'replace', 'set'] as const;
export type EditOperation = (typeof EDIT_OPERATIONS)[number];

/** The fields of an edit (`edit_document`'s `data`); which ones an operation needs is checked. */
export interface EditData {
  base_version: number;
  position?: number | undefined;
  length?: number | undefined;
  text?: string | undefined;
}

/** An edit as one splice: remove `remove` characters at `at`, then insert `insert` there. */
export interface Splice {
  at: number;
  remove: number;
  insert: string;
}

export interface DocumentSnapshot {
  id: string;
  version: number;
  content: string;
  updatedAt: string | undefined;
}

export interface AppliedEdit extends DocumentSnapshot {
  operation: EditOperation;
  /** The splice as applied to the current text (after rebasing). */
  splice: Splice;
  /** How many newer edits the edit was rebased over (0 when it was made against the current version). */
  rebasedOver: number;
  by: string;
}

/** Why an edit was refused; the message says what to do instead. */
export class DocumentEditError extends Error {
  override readonly name = 'DocumentEditError';
  readonly code: 'STALE_EDIT' | 'BAD_EDIT' | 'TOO_LARGE';

  constructor(code: DocumentEditError['code'], message: string) {
    super(message);
    this.code = code;
  }
}

/** A document as a store keeps it. */
export interface StoredDocument {
  version: number;
  content: string;
  updatedAt: string | undefined;
  /** The last edits, oldest first: `history[i]` made version `version - history.length + i + 1`. */
  history: Splice[];
}

/** The state of a document that was never edited. */
export const EMPTY_DOCUMENT: StoredDocument = { version: 0, content: '', updatedAt: undefined, history: [] };

const HISTORY = 200;

/** What `applyEdit` made: the next state, the splice as applied, and how many edits it was rebased over. */
export interface EditOutcome {
  next: StoredDocument;
  splice: Splice;
  rebasedOver: number;
}

/**
 * Applies one edit to `doc` (left as it is) and returns the next state; throws `DocumentEditError` when
 * the edit is malformed, too old or clashes with a newer one. Character offsets are UTF-16 code units,
 * as JavaScript strings and the browser's textarea count them.
 */
export function applyEdit(
  doc: StoredDocument,
  id: string,
  operation: EditOperation,
  data: EditData,
  maxLength: number,
): EditOutcome {
  const base = data.base_version;
  const reread = `read doc://${id} for its text and version, then send the edit again with that base_version`;
  if (base > doc.version) {
    throw new DocumentEditError(
      'BAD_EDIT',
      `base_version ${base} of document "${id}" does not exist yet (it is at version ${doc.version}); ${reread}`,
    );
  }
  const behind = doc.version - base;
  if (behind > doc.history.length) {
    throw new DocumentEditError(
      'STALE_EDIT',
      `Document "${id}" is at version ${doc.version}; your edit against version ${base} is too old to rebase; ${reread}`,
    );
  }
  if (operation === 'set' && behind > 0) {
    throw new DocumentEditError(
      'STALE_EDIT',
      `Document "${id}" is at version ${doc.version}; "set" replaces the whole text, so it is only taken against the current version (yours is ${base}); ${reread}`,
    );
  }
  const newer = doc.history.slice(doc.history.length - behind);
  const baseLength = newer.reduce((length, s) => length - s.insert.length + s.remove, doc.content.length);
  let splice = toSplice(id, operation, data, baseLength);
  for (const [i, theirs] of newer.entries()) {
    const moved = rebase(splice, theirs);
    if (moved === undefined) {
      throw new DocumentEditError(
        'STALE_EDIT',
        `Document "${id}" changed since version ${base} (it is at version ${doc.version}): ` +
          `the edit that made version ${base + i + 1} touched the same text as yours; ${reread}`,
      );
    }
    splice = moved;
  }
  const content =
    doc.content.slice(0, splice.at) + splice.insert + doc.content.slice(splice.at + splice.remove);
  if (content.length > maxLength) {
    throw new DocumentEditError(
      'TOO_LARGE',
      `Document "${id}" would grow to ${content.length} characters, over the limit of ${maxLength}; remove text or split it into several documents`,
    );
  }
  const history = [...doc.history, splice].slice(-HISTORY);
  const next = { version: doc.version + 1, content, updatedAt: new Date().toISOString(), history };
  return { next, splice, rebasedOver: behind };
}

function need<T>(value: T | undefined, id: string, operation: EditOperation, field: string, what: string): T {
  if (value === undefined) {
    throw new DocumentEditError(
      'BAD_EDIT',
      `edit_document "${operation}" on "${id}" needs data.${field} (${what})`,
    );
  }
  return value;
}

/** Turns an operation into a splice against the base version's text, checking its bounds. */
function toSplice(id: string, operation: EditOperation, data: EditData, length: number): Splice {
  if (operation === 'set')
    return { at: 0, remove: length, insert: need(data.text, id, operation, 'text', 'the new text') };
  const at = need(data.position, id, operation, 'position', 'a character offset');
  const remove =
    operation === 'insert' ? 0 : need(data.length, id, operation, 'length', 'how many characters');
  const insert = operation === 'delete' ? '' : need(data.text, id, operation, 'text', 'the text to put in');
  if (at + remove > length) {
    throw new DocumentEditError(
      'BAD_EDIT',
      `edit_document "${operation}" on "${id}": position ${at}${remove > 0 ? ` + length ${remove}` : ''} is past the end of the text at version ${data.base_version} (${length} characters)`,
    );
  }
  return { at, remove, insert };
}

/** Moves `mine` over `theirs`, made before it; undefined when both touch the same characters. */
export function rebase(mine: Splice, theirs: Splice): Splice | undefined {
  const theirEnd = theirs.at + theirs.remove;
  // Two inserts at one place: the one made first stays first.
  if (mine.remove === 0 && theirs.remove === 0 && mine.at === theirs.at) {
    return { ...mine, at: mine.at + theirs.insert.length };
  }
  if (mine.at + mine.remove <= theirs.at) return mine;
  if (mine.at >= theirEnd) return { ...mine, at: mine.at + theirs.insert.length - theirs.remove };
  return undefined;
}
