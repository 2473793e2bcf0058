// The Shared document card. The textarea shows the server's text (`base`) plus this tab's unsent
// typing; whenever the server's text changes, the typing is moved over the change with the same
// rebase the server uses (../documents.ts). Typing done while the server is unreachable is kept and
// sent, moved the same way, once the page is connected again; typing that clashes is kept on the page.
import type { McpClient } from '../../../src/client/index.ts';
import { $, currentClient, readJSON, resultJSON } from './dom.ts';
import { keepText } from './kept-text.ts';
import { carryOver, diff, moveCursor } from './text-splice.ts';

const DOC_ID = 'welcome';

interface DocumentState {
  version: number;
  content: string;
}

type Connection = 'online' | 'offline' | 'refused';

const area = $<HTMLTextAreaElement>('doc');
let base: DocumentState = { version: -1, content: '' };
/** The client whose document_changed notifications count: the current one, once it read the text. */
let following: McpClient | undefined;
let connection: Connection = 'offline';
let inFlight = false;
let queued: DocumentState[] = [];
let timer: ReturnType<typeof setTimeout> | undefined;

const CLASHED =
  'Your edit was not saved: someone changed the same text at the same time. The document shows their ' +
  'version; yours is here, so you can copy what you need and type it again.';

/** Takes the server's text `next` (when newer, or `always`), keeping the local typing where it still applies. */
function adopt(next: DocumentState, always = false): void {
  if (!always && next.version <= base.version) return;
  const carried = carryOver(base.content, area.value, next.content);
  if (carried === undefined) keepText(area.value, CLASHED);
  const remote = diff(base.content, next.content);
  const { selectionStart, selectionEnd } = area;
  const focused = document.activeElement === area;
  base = next;
  area.value = carried ?? next.content;
  if (focused) area.setSelectionRange(moveCursor(selectionStart, remote), moveCursor(selectionEnd, remote));
}

function showStatus(note?: string): void {
  const pending = area.value !== base.content || inFlight;
  const state =
    connection === 'refused'
      ? 'locked: the server refused the token'
      : base.version === -1
        ? 'not loaded yet: waiting for the server…'
        : connection === 'offline'
          ? pending
            ? 'offline: your changes are kept here and will be sent when the server is back'
            : 'offline'
          : pending
            ? 'saving…'
            : 'saved';
  const version = base.version === -1 ? '' : `version ${base.version} · `;
  $('doc-status').textContent = `${version}${state}${note ? ` · ${note}` : ''}`;
  $('doc-card').dataset.version = String(base.version);
  $('doc-card').dataset.connection = connection;
}

/** Sends what was typed since `base` as one edit; one edit in flight at a time. */
async function sync(): Promise<void> {
  const client = currentClient();
  if (client === undefined || following !== client || inFlight || area.value === base.content) return;
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
      // Refused (it touched text someone else changed): the server's text, and the user's kept aside.
      keepText(area.value, CLASHED);
      area.value = base.content;
      adopt(await readJSON<DocumentState>(client, `doc://${DOC_ID}`));
    } else {
      // The server's text now holds our edit: what was typed since `sent` is moved onto it.
      base = { version: base.version, content: sent };
      adopt(resultJSON<DocumentState>(result));
    }
  } catch {
    inFlight = false;
    // Kept in the textarea: sent again once the server answers (after a reconnect, moved over what changed).
    if (following === client) note = 'not sent yet, trying again';
  }
  const waiting = queued;
  queued = [];
  for (const change of waiting) adopt(change);
  showStatus(note);
  if (area.value !== base.content) schedule(note === undefined ? 120 : 2_000);
}

function schedule(delay = 120): void {
  clearTimeout(timer);
  timer = setTimeout(() => void sync(), delay);
}

/** Sends typing to the server shortly after it stops; once per page. */
export function setupDocument(): void {
  area.addEventListener('input', () => {
    showStatus();
    schedule();
  });
}

/** Whether the page can reach the server; typing goes on while it cannot, unless the token was refused. */
export function setDocumentConnection(state: Connection): void {
  connection = state;
  if (state !== 'online') following = undefined;
  area.disabled = state === 'refused' || base.version === -1;
  showStatus();
}

/** Takes the changes the server pushes; call before asking for them. */
export function hearDocument(client: McpClient): void {
  client.onNotification('document_changed', (params) => {
    if (following !== client) return;
    const change = params as unknown as DocumentState;
    if (inFlight) queued.push(change);
    else adopt(change);
    showStatus();
  });
}

/** Reads the text; typing the server has not seen yet (made offline) is moved onto it and sent. */
export async function loadDocument(client: McpClient): Promise<void> {
  const doc = await readJSON<DocumentState>(client, `doc://${DOC_ID}`);
  // Always: a restarted server numbers its versions anew; the text, not the number, says what changed.
  adopt(doc, true);
  queued = [];
  following = client;
  connection = 'online';
  area.disabled = false;
  showStatus();
  if (area.value !== base.content) schedule(0);
}
