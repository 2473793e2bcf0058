/** A store or bus that may tell about failures outside any call (`SessionStore.onError`). */
interface ReportsErrors {
  onError?(listener: (error: Error) => void): () => void;
}

interface Attachment {
  count: number;
  stop: () => void;
}

const attached = new WeakMap<object, Map<object, Attachment>>();

/**
 * Sends the background failures of `store` to `server`'s `error` listeners until the returned function
 * is called. One store attached twice to one server (an event store shared by two transports) reports once.
 */
export function reportStoreErrors(
  server: { reportError(error: unknown): void },
  store: ReportsErrors | undefined,
): () => void {
  if (store?.onError === undefined) return () => {};
  let stores = attached.get(server);
  if (stores === undefined) {
    stores = new Map();
    attached.set(server, stores);
  }
  let attachment = stores.get(store);
  if (attachment === undefined) {
    attachment = { count: 0, stop: store.onError((error) => server.reportError(error)) };
    stores.set(store, attachment);
  }
  attachment.count++;
  const entry = attachment;
  const byServer = stores;
  let stopped = false;
  return () => {
    if (stopped) return;
    stopped = true;
    if (--entry.count > 0) return;
    entry.stop();
    byServer.delete(store);
  };
}
