// Where the shared documents live: in this process by default, or in Redis (redis-storage.ts) so that
// every instance behind a load balancer edits the same text. Edits are applied optimistically: read,
// apply, then write only if nobody wrote in between, else read again.
import {
  type AppliedEdit,
  applyEdit,
  DocumentEditError,
  type DocumentSnapshot,
  type EditData,
  type EditOperation,
  EMPTY_DOCUMENT,
  type StoredDocument,
} from './documents.ts';

/** Keeps documents; `write` is a compare-and-set on the version. */
export interface DocumentStorage {
  read(id: string): Promise<StoredDocument | undefined>;
  /** Stores `next` if the document is still at version `expected` (0: never edited); false otherwise. */
  write(id: string, expected: number, next: StoredDocument): Promise<boolean>;
  /** Ids of every document that was edited at least once. */
  ids(): Promise<string[]>;
}

/** Documents in this process. */
export class MemoryDocumentStorage implements DocumentStorage {
  readonly #docs = new Map<string, StoredDocument>();

  async read(id: string): Promise<StoredDocument | undefined> {
    return this.#docs.get(id);
  }

  async write(id: string, expected: number, next: StoredDocument): Promise<boolean> {
    if ((this.#docs.get(id)?.version ?? 0) !== expected) return false;
    this.#docs.set(id, next);
    return true;
  }

  async ids(): Promise<string[]> {
    return [...this.#docs.keys()].sort();
  }
}

/** How often an edit is applied again when other edits keep landing first. */
const ATTEMPTS = 50;

export class DocumentStore {
  readonly maxLength: number;
  readonly #storage: DocumentStorage;

  constructor(options: { maxLength?: number; storage?: DocumentStorage } = {}) {
    this.maxLength = options.maxLength ?? 65_536;
    this.#storage = options.storage ?? new MemoryDocumentStorage();
  }

  /** The document's current state; one never edited is empty at version 0. */
  async get(id: string): Promise<DocumentSnapshot> {
    const doc = (await this.#storage.read(id)) ?? EMPTY_DOCUMENT;
    return { id, version: doc.version, content: doc.content, updatedAt: doc.updatedAt };
  }

  ids(): Promise<string[]> {
    return this.#storage.ids();
  }

  /** Applies an edit (see `applyEdit` for the rules); throws `DocumentEditError` when it is refused. */
  async apply(id: string, operation: EditOperation, data: EditData, by: string): Promise<AppliedEdit> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const doc = (await this.#storage.read(id)) ?? EMPTY_DOCUMENT;
      const { next, splice, rebasedOver } = applyEdit(doc, id, operation, data, this.maxLength);
      if (await this.#storage.write(id, doc.version, next)) {
        const { version, content, updatedAt } = next;
        return { id, version, content, updatedAt, operation, splice, rebasedOver, by };
      }
    }
    throw new DocumentEditError(
      'STALE_EDIT',
      `Document "${id}" is being edited by many at once and your edit lost the race ${ATTEMPTS} times; read doc://${id} and send it again`,
    );
  }

  /** Gives a document its first text, unless it already has one (another instance may have seeded it). */
  async seed(id: string, text: string): Promise<void> {
    const doc = await this.#storage.read(id);
    if (doc !== undefined && doc.version > 0) return;
    const { next } = applyEdit(EMPTY_DOCUMENT, id, 'set', { base_version: 0, text }, this.maxLength);
    await this.#storage.write(id, 0, next);
  }
}
