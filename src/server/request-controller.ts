import { addListener, callListeners, type Listeners } from './listeners.ts';

/**
 * A request's abort controller that also calls plain listeners, so that the server's own code can
 * hear of an abort without making the request's `AbortSignal`: a signal with a listener costs close
 * to a kilobyte (an `EventTarget` with a shape of its own and a listener map), which a listen stream
 * would hold for as long as it is open. Handlers still get the signal, made when they read it.
 */
export class RequestController extends AbortController {
  #listeners: Listeners;
  #aborted = false;

  override abort(reason?: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    super.abort(reason);
    const listeners = this.#listeners;
    this.#listeners = undefined;
    callListeners(listeners);
  }

  /** Calls `listener` once the request is aborted (at once if it already is). */
  onAbort(listener: () => void): void {
    if (this.#aborted) {
      listener();
      return;
    }
    this.#listeners = addListener(this.#listeners, listener);
  }
}
