// edit_document and doc://{doc_id}: shared documents; every session viewing one hears of each change.
import { json, type McpServer, ProtocolError, s, toolError } from '../../src/index.ts';
import type { DocumentStore } from './document-store.ts';
import { type AppliedEdit, DocumentEditError, type DocumentSnapshot, EDIT_OPERATIONS } from './documents.ts';
import { publicHandle } from './identity.ts';
import { NAME_PATTERN, type TopicHub } from './topics.ts';

const docUri = (id: string) => `doc://${id}`;

function describeDocument(doc: DocumentSnapshot) {
  return { doc_id: doc.id, version: doc.version, content: doc.content, updated_at: doc.updatedAt ?? null };
}

export function registerDocumentTools(server: McpServer, hub: TopicHub, docs: DocumentStore): void {
  server.tool(
    'edit_document',
    {
      description:
        'Edit a shared document. Every edit names the version it was made against (data.base_version, ' +
        'from doc://{doc_id}). insert: data.position, data.text. delete: data.position, data.length. ' +
        'replace: data.position, data.length, data.text. set: data.text (the whole text). Positions count ' +
        'UTF-16 code units. An edit against an older version is rebased over newer edits when they touched ' +
        'other text, and refused otherwise. Every session viewing the document gets a document_changed notification.',
      input: {
        doc_id: s
          .string()
          .pattern(NAME_PATTERN)
          .required()
          .describe('Document id: letters, digits, "_", "-"'),
        operation: s.string().enum(EDIT_OPERATIONS).required(),
        data: s
          .object({
            base_version: s.integer().min(0).required().describe('The version the edit was made against'),
            position: s.integer().min(0),
            length: s.integer().min(0),
            text: s.string().maxLength(docs.maxLength),
          })
          .required(),
      },
    },
    async ({ doc_id, operation, data }, ctx) => {
      let edit: AppliedEdit;
      try {
        edit = await docs.apply(doc_id, operation, data, publicHandle(ctx.session));
      } catch (error) {
        if (error instanceof DocumentEditError) return toolError(error.message);
        throw error;
      }
      hub.join(ctx.session, 'documents', doc_id);
      const change = {
        ...describeDocument(edit),
        operation,
        splice: edit.splice,
        rebased_over: edit.rebasedOver,
        by: edit.by,
      };
      await hub.publish('documents', doc_id, change);
      void server.resourceUpdated(docUri(doc_id));
      return json(change);
    },
  );

  server.resourceTemplate(
    'doc://{doc_id}',
    {
      name: 'Shared document',
      description: 'A shared document: its text and version. Reading it makes this session a viewer.',
      mimeType: 'application/json',
      list: async () =>
        (await docs.ids()).map((id) => ({
          uri: docUri(id),
          name: `Document ${id}`,
          mimeType: 'application/json',
        })),
      complete: { doc_id: async (prefix) => (await docs.ids()).filter((id) => id.startsWith(prefix)) },
    },
    async (_uri, { doc_id }, ctx) => {
      const id = String(doc_id);
      if (!NAME_PATTERN.test(id)) {
        throw ProtocolError.invalidParams(`doc://${id}: a document id has 1–64 letters, digits, "_" or "-"`);
      }
      hub.join(ctx.session, 'documents', id);
      return JSON.stringify(describeDocument(await docs.get(id)));
    },
  );
}
