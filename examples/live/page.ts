// Serves the live page: a few small files, each with its content type and a strict Content-Security-Policy.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { bundlePageScript } from './bundle.ts';

/** Scripts, styles and connections from this origin only; nothing inline, no frames, no plugins. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

function asset(body: string | Buffer, type: string): Asset {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  const etag = `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 22)}"`;
  return { body: bytes, type, etag };
}

const publicFile = (name: string) => readFile(new URL(`./public/${name}`, import.meta.url));

// Built once per process: every server started in it (tests start many) serves the same script.
let pageScript: ReturnType<typeof bundlePageScript> | undefined;

function bundleOnce(): ReturnType<typeof bundlePageScript> {
  pageScript ??= bundlePageScript().catch((error: unknown) => {
    pageScript = undefined;
    throw error;
  });
  return pageScript;
}

/** The page's files by path, loaded and bundled once. */
export type PageAssets = ReadonlyMap<string, Asset>;

export async function loadPageAssets(): Promise<PageAssets> {
  const [html, css, icon, script] = await Promise.all([
    publicFile('index.html'),
    publicFile('style.css'),
    publicFile('favicon.svg'),
    bundleOnce(),
  ]);
  const index = asset(html, 'text/html; charset=utf-8');
  return new Map([
    ['/', index],
    ['/index.html', index],
    ['/app.js', asset(script.code, 'text/javascript; charset=utf-8')],
    ['/style.css', asset(css, 'text/css; charset=utf-8')],
    ['/favicon.svg', asset(icon, 'image/svg+xml')],
  ]);
}

/** Answers a request for one of the page's files; returns false for any other path. */
export function servePage(assets: PageAssets, req: IncomingMessage, res: ServerResponse): boolean {
  const path = (req.url ?? '/').split('?')[0]!;
  const file = assets.get(path);
  if (file === undefined) return false;
  const headers: Record<string, string> = {
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-cache',
  };
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { ...headers, allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
    res.end(`${req.method} is not allowed on ${path}; use GET\n`);
    return true;
  }
  if (req.headers['if-none-match'] === file.etag) {
    res.writeHead(304, { ...headers, etag: file.etag });
    res.end();
    return true;
  }
  res.writeHead(200, {
    ...headers,
    'content-type': file.type,
    'content-length': String(file.body.length),
    etag: file.etag,
  });
  res.end(req.method === 'HEAD' ? undefined : file.body);
  return true;
}
