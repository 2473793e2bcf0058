/** Bodies up to this size are read to their end; past it, the rest is cancelled. */
const DRAIN_LIMIT = 64 * 1024;

/**
 * Reads the body of a response the client has no use for (the 202 to a POSTed message) to its end and
 * drops it. Cancelling it instead would end the request early: browsers then show every such POST as
 * failed (`net::ERR_ABORTED` in DevTools). A body larger than the limit is cancelled past it.
 */
export async function drainBody(response: Response): Promise<void> {
  const reader = response.body?.getReader();
  if (reader === undefined) return;
  let read = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      read += value.byteLength;
      if (read > DRAIN_LIMIT) return void (await reader.cancel());
    }
  } catch {
    // The message was accepted; a body that breaks off afterwards changes nothing.
  } finally {
    reader.releaseLock();
  }
}
