// The Shared document card. The textarea shows the server's text (`base`) plus this tab's unsent
// typing; whenever the server's text changes, the typing is moved over the change with the same
// rebase the server uses (../documents.ts).
import type { McpClient } from '../../../src/client/index.ts';
import { rebase, type Splice } from '../documents.ts';
import { $, currentClient, readJSON, resultJSON } from './dom.ts';

const DOC_ID = 'welcome';

interface DocumentState {
  version: number;
  content: string;
}

const area = $<HTMLTextAreaElement>('doc');
let base: DocumentState = { version: -1, content: '' };
let inFlight = false;
let queued: DocumentState[] = [];
let timer: ReturnType<typeof setTimeout> | undefined;

/** The one splice that turns `a` into `b` (common prefix and suffix left out). */
function diff(a: string, b: string): Splice {
  let at = 0;
  while (at < a.length && at < b.length && a[at] === b[at]) at++;
  let endA = a.length;
  let endB = b.length;
  while (endA > at && endB > at && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  return { at, remove: endA - at, insert: b.slice(at, endB) };
}

const applySplice = (text: string, s: Splice) => text.slice(0, s.at) + s.insert + text.slice(s.at + s.remove);
const moveCursor = (index: number, s: Splice) =>
  index <= s.at
    ? index
    : index >= s.at + s.remove
      ? index + s.insert.length - s.remove
      : s.at + s.insert.length;

/** Takes a newer server text, keeping the local typing where it still applies. */
function adopt(next: DocumentState): void {
  if (next.version <= base.version) return;
  const local = diff(base.content, area.value);
  const remote = diff(base.content, next.content);
  const moved = local.remove === 0 && local.insert === '' ? undefined : rebase(local, remote);
  const { selectionStart, selectionEnd } = area;
  const focused = document.activeElement === area;
  base = next;
  area.value = moved === undefined ? next.content : applySplice(next.content, moved);
  if (focused) area.setSelectionRange(moveCursor(selectionStart, remote), moveCursor(selectionEnd, remote));
  showStatus();
}

function showStatus(note?: string): void {
  const pending = area.value !== base.content || inFlight;
  $('doc-status').textContent =
    `version ${base.version} · ${pending ? 'saving…' : 'saved'}${note ? ` · ${note}` : ''}`;
  $('doc-card').dataset.version = String(base.version);
}

/** Sends what was typed since `base` as one edit; one edit in flight at a time. */
async function sync(): Promise<void> {
  const client = currentClient();
  if (client === undefined || inFlight || area.value === base.content) return;
  const sent = area.value;
  const edit = diff(base.content, sent);
  const operation = edit.remove === 0 ? 'insert' : edit.insert === '' ? 'delete' : 'replace';
  inFlight = true;
  showStatus();
  let note: string | undefined;
  try {
    const result = await client.callTool('edit_document', {
      doc_id: DOC_ID,
      operation,
      data: { base_version: base.version, position: edit.at, length: edit.remove, text: edit.insert },
    });
    inFlight = false;
    if (result.isError === true) {
      // Refused (it touched text someone else changed): take the server's text.
      note = 'your last edit clashed with another one and was dropped';
      area.value = base.content;
      adopt(await readJSON<DocumentState>(client, `doc://${DOC_ID}`));
    } else {
      // The server's text now holds our edit: what was typed since `sent` is moved onto it.
      base = { version: base.version, content: sent };
      adopt(resultJSON<DocumentState>(result));
    }
  } catch (error) {
    inFlight = false;
    note = `not saved: ${(error as Error).message}`;
  }
  const waiting = queued;
  queued = [];
  for (const change of waiting) adopt(change);
  showStatus(note);
  if (area.value !== base.content) schedule();
}

function schedule(): void {
  clearTimeout(timer);
  timer = setTimeout(() => void sync(), 120);
}

/** Sends typing to the server shortly after it stops; once per page. */
export function setupDocument(): void {
  area.addEventListener('input', () => {
    showStatus();
    schedule();
  });
}

export async function startDocument(client: McpClient): Promise<void> {
  client.onNotification('document_changed', (params) => {
    const change = params as unknown as DocumentState;
    if (inFlight) queued.push(change);
    else adopt(change);
  });
  // On a reconnect too: the server's text wins over typing that never reached it.
  const doc = await readJSON<DocumentState>(client, `doc://${DOC_ID}`);
  base = doc;
  queued = [];
  area.value = doc.content;
  area.disabled = false;
  showStatus();
}
