import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ResponseHeaders } from './exchange.ts';

/** Input read and thrown away after answering a request whose body was refused, at most. */
export const DISCARD_MAX_BYTES = 128 * 1024 * 1024;
/** How long a client may go on uploading a refused body, at most, before its connection is cut. */
export const DISCARD_MAX_MS = 30_000;

/**
 * Answers a request whose body was not (fully) read, such as a 413, so that the answer reaches a
 * client that is still uploading. Closing at once would reset the connection under the client's
 * writes, and it would see a network failure (`EPIPE`, `ECONNRESET`) instead of the answer. So the
 * answer goes out whole (with its length), the rest of the body is read and thrown away, up to
 * `DISCARD_MAX_BYTES` and `DISCARD_MAX_MS`, and then the connection closes; past either bound it is cut.
 */
export function answerThenDiscard(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  headers: ResponseHeaders | undefined,
  body: string | undefined,
): void {
  const text = body ?? '';
  res.writeHead(status, { ...headers, 'Content-Length': Buffer.byteLength(text), Connection: 'close' });
  if (req.complete || req.destroyed) {
    res.end(text);
    return;
  }
  res.write(text);
  let discarded = 0;
  const cut = () => {
    settle();
    req.socket.destroy();
  };
  const timer = setTimeout(cut, DISCARD_MAX_MS);
  timer.unref();
  const onData = (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > DISCARD_MAX_BYTES) cut();
  };
  const onEnd = () => {
    settle();
    res.end();
  };
  function settle(): void {
    clearTimeout(timer);
    req.off('data', onData);
    req.off('end', onEnd);
    req.off('close', settle);
  }
  req.on('data', onData);
  req.on('end', onEnd);
  req.on('close', settle);
  req.resume();
}
