// The live page: mcp-live/client in the browser, talking to the example server over MCP 2026-07-28
// (?transport=stateless), a Streamable HTTP session (?transport=streamable-http) or HTTP+SSE
// (?transport=sse). Bundled by the server with esbuild (../bundle.ts) and served as /app.js.
import { isHTTPError, McpClient } from '../../../src/client/index.ts';
import { detailOf, setupBanner, showProblem } from './banner.ts';
import { hearChat, loadChat, setupChat } from './chat-view.ts';
import { hearDocument, loadDocument, setDocumentConnection, setupDocument } from './document-view.ts';
import { $, setCurrentClient } from './dom.ts';
import { countNotification, type State, setupHeader, showConnection, showState } from './header.ts';
import { setupKeptText } from './kept-text.ts';
import { askForUpdates } from './live-updates.ts';
import { hearMetrics, loadMetrics, setOffline, setupMetrics } from './metrics-view.ts';
import { setupStream } from './stream-view.ts';
import { watchClient } from './watch.ts';
import { chosenWire, wireEndpoint } from './wire.ts';

const wire = chosenWire(location.search);
let retries = 0;
let retryTimer: ReturnType<typeof setTimeout> | undefined;
/** Each start() counts one; an older attempt that finishes late steps aside. */
let attempts = 0;
/** Drops the client in use without a word (before "Retry now" connects anew). */
let dropCurrent: (() => void) | undefined;

/** The token from `#token=…` (then kept for this tab and taken out of the address bar), or the one kept. */
function readToken(): string | null {
  const match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (match !== null) {
    sessionStorage.setItem('mcp-live-token', decodeURIComponent(match[1]!));
    history.replaceState(null, '', location.pathname + location.search);
  }
  return sessionStorage.getItem('mcp-live-token');
}

function setState(state: State): void {
  showState(state);
  // Chat and stream_data need the server; the document takes typing offline too (it is sent later).
  const usable = state === 'connected' || state === 'reconnecting';
  for (const id of ['chat-controls', 'stream-controls']) $<HTMLFieldSetElement>(id).disabled = !usable;
  if (state === 'disconnected') {
    setDocumentConnection('offline');
    setOffline(true);
  }
}

function retryLater(message: string, detail: string): void {
  const delay = Math.min(30_000, 1_000 * 2 ** retries++);
  clearTimeout(retryTimer);
  retryTimer = setTimeout(() => void start(), delay);
  showProblem({ message, detail, retryAt: Date.now() + delay, retry: () => void start() });
}

function refused(tokenSent: boolean, detail: string): void {
  setState('unauthorized');
  setDocumentConnection('refused');
  $('token-form').hidden = false;
  $('token-problem').textContent = tokenSent
    ? 'The server refused this token. Check MCP_LIVE_TOKEN and enter it again.'
    : 'This server needs its token (MCP_LIVE_TOKEN).';
  showProblem({
    message: tokenSent
      ? 'The server refused the token: nothing can be loaded or sent until you enter the right one above.'
      : 'This server needs a token: enter MCP_LIVE_TOKEN above.',
    detail,
  });
}

async function start(): Promise<void> {
  clearTimeout(retryTimer);
  dropCurrent?.();
  const attempt = ++attempts;
  setState('connecting');
  const token = readToken();
  const { url, options } = wireEndpoint(wire, location.href);
  const client = new McpClient({
    url,
    ...options,
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
    clientInfo: { name: 'mcp-live-page', version: '1.0.0' },
  });
  try {
    await client.connect();
  } catch (error) {
    void client.close();
    if (attempt !== attempts) return;
    if (isHTTPError(error) && error.status === 401) return refused(token !== null, detailOf(error));
    setState('disconnected');
    retryLater("Can't reach the server.", detailOf(error));
    return;
  }
  if (attempt !== attempts) return void client.close();
  setCurrentClient(client);
  $('token-form').hidden = true;
  showProblem(undefined);
  setState('connected');
  showConnection(client);
  let ended = false;
  /** Ends this client once; false when it had already ended. */
  const drop = () => {
    if (ended) return false;
    ended = true;
    watch.stop();
    setCurrentClient(undefined);
    void client.close();
    return true;
  };
  dropCurrent = drop;
  const watch = watchClient(client, {
    lost: (message, detail) => {
      if (!drop()) return;
      setState('disconnected');
      retryLater(message, detail);
    },
    reconnecting: ({ attempt, delay, error }) => {
      setState('reconnecting');
      showProblem({
        message: 'The connection to the server dropped.',
        detail: `Resuming the event stream, attempt ${attempt}: ${error.message}`,
        retryAt: Date.now() + delay,
        retry: () => void start(),
      });
    },
    reconnected: () => {
      setState('connected');
      showProblem(undefined);
    },
  });
  client.on('notification', countNotification);
  try {
    hearMetrics(client);
    hearChat(client);
    hearDocument(client);
    const listen = await askForUpdates(client);
    if (listen !== undefined) watch.follow(listen);
    await Promise.all([loadMetrics(client), loadChat(client), loadDocument(client)]);
    retries = 0;
  } catch (error) {
    if (!drop()) return;
    setState('disconnected');
    retryLater('The page could not load what the server shares.', detailOf(error));
  }
}

setupHeader(wire);
setupBanner();
setupMetrics();
setupChat();
setupDocument();
setupKeptText();
setupStream();
$('token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  sessionStorage.setItem('mcp-live-token', $<HTMLInputElement>('token').value);
  void start();
});

void start();
