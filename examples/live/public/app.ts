// The live page: mcp-live/client in the browser, talking to the example server over Streamable HTTP or
// HTTP+SSE (?transport=sse). Bundled by the server with esbuild (../bundle.ts) and served as /app.js.
import { connect, isMcpLiveError, type McpClient } from '../../../src/client/index.ts';
import { setupChat, startChat } from './chat-view.ts';
import { setupDocument, startDocument } from './document-view.ts';
import { $, setCurrentClient, showError } from './dom.ts';
import { setupMetrics, startMetrics } from './metrics-view.ts';
import { setupStream } from './stream-view.ts';

type State = 'connecting' | 'connected' | 'reconnecting' | 'disconnected' | 'unauthorized';

const requested = new URLSearchParams(location.search).get('transport');
const kind = requested === 'sse' || requested === 'streamable-http' ? requested : 'auto';
let notifications = 0;
let retries = 0;

/** The token from `#token=…` (then kept for this tab and taken out of the address bar), or the one kept. */
function readToken(): string | null {
  const match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (match !== null) {
    sessionStorage.setItem('mcp-live-token', decodeURIComponent(match[1]!));
    history.replaceState(null, '', location.pathname + location.search);
  }
  return sessionStorage.getItem('mcp-live-token');
}

function setState(state: State, error?: string): void {
  const badge = $('state');
  badge.textContent = state;
  badge.dataset.state = state;
  showError(error);
}

function statusOf(error: unknown): number | undefined {
  const status = isMcpLiveError(error) ? (error.data as { status?: unknown } | undefined)?.status : undefined;
  return typeof status === 'number' ? status : undefined;
}

function reconnectLater(): void {
  setTimeout(() => void start(), Math.min(30_000, 1_000 * 2 ** retries++));
}

async function start(): Promise<void> {
  setState('connecting');
  const token = readToken();
  let client: McpClient;
  try {
    client = await connect(new URL(kind === 'sse' ? '/sse' : '/mcp', location.href), {
      transport: kind,
      sseUrl: new URL('/sse', location.href),
      headers: token === null ? {} : { authorization: `Bearer ${token}` },
      clientInfo: { name: 'mcp-live-page', version: '1.0.0' },
    });
  } catch (error) {
    if (statusOf(error) === 401) {
      setState('unauthorized', 'This server needs a token: enter MCP_LIVE_TOKEN above.');
      $('token-form').hidden = false;
    } else {
      setState('disconnected', `Could not connect: ${(error as Error).message}`);
      reconnectLater();
    }
    return;
  }
  retries = 0;
  setCurrentClient(client);
  $('token-form').hidden = true;
  let heard = Date.now();
  let ended = false;
  const lost = (why: string) => {
    if (ended) return;
    ended = true;
    clearInterval(watchdog);
    setCurrentClient(undefined);
    setState('disconnected', `${why}; reconnecting…`);
    void client.close();
    reconnectLater();
  };
  // Samples arrive every second: a silence means the server is gone or restarted (the client itself
  // keeps retrying a dropped stream for a while before it gives up), so ask it directly.
  const watchdog = setInterval(() => {
    if (Date.now() - heard < 4_000) return;
    client.ping({ timeout: 3_000 }).then(
      () => {
        heard = Date.now();
      },
      (error: unknown) => lost(`The server stopped answering (${(error as Error).message})`),
    );
  }, 2_000);
  client.on('notification', () => {
    heard = Date.now();
    $('notification-count').textContent = String(++notifications);
  });
  client.on('close', (reason) =>
    lost(reason === undefined ? 'Connection closed' : `Connection lost: ${reason.message}`),
  );
  // The client resumes a dropped event stream on its own (with Last-Event-ID, nothing lost): say so.
  client.on('reconnecting', ({ attempt, delay, error }) => {
    if (ended) return;
    const when = delay < 1_000 ? 'now' : `in ${Math.round(delay / 1_000)} s`;
    setState(
      'reconnecting',
      `The event stream dropped (${error.message}); resuming it ${when}, attempt ${attempt}…`,
    );
  });
  client.on('reconnected', () => {
    if (ended) return;
    heard = Date.now();
    setState('connected');
  });
  setState('connected');
  $('transport').textContent = client.transport ?? '–';
  $('session-id').textContent = client.sessionId ?? '–';
  $('protocol').textContent = client.protocolVersion ?? '–';
  try {
    await Promise.all([startMetrics(client), startChat(client), startDocument(client)]);
  } catch (error) {
    showError(`Setting up the page failed: ${(error as Error).message}`);
  }
}

setupMetrics();
setupChat();
setupDocument();
setupStream();
$('token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  sessionStorage.setItem('mcp-live-token', $<HTMLInputElement>('token').value);
  void start();
});

void start();
