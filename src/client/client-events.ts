import type { JSONRPCNotification } from '../protocol/jsonrpc.ts';
import type { NotificationListener } from './client-types.ts';

type Listener = (...args: never[]) => void;

// A throwing listener must not break the stream that is delivering; rethrow it outside (like EventEmitter would).
function call(listener: () => void): void {
  try {
    listener();
  } catch (error) {
    queueMicrotask(() => {
      throw error;
    });
  }
}

/** A minimal typed event emitter (no `node:events` in a browser client). */
export class Emitter<Events extends { [E in keyof Events]: Listener }> {
  #listeners = new Map<keyof Events, Set<Listener>>();

  on<E extends keyof Events>(event: E, listener: Events[E]): () => void {
    const set = this.#listeners.get(event) ?? new Set<Listener>();
    this.#listeners.set(event, set);
    set.add(listener);
    return () => void set.delete(listener);
  }

  emit<E extends keyof Events>(event: E, ...args: Parameters<Events[E]>): void {
    for (const listener of this.#listeners.get(event) ?? []) {
      call(() => (listener as (...values: Parameters<Events[E]>) => void)(...args));
    }
  }
}

/** Routes notifications to the listeners of their method and of `'*'`. */
export class NotificationRouter {
  #byMethod = new Map<string, Set<NotificationListener>>();

  add(method: string, listener: NotificationListener): () => void {
    const set = this.#byMethod.get(method) ?? new Set<NotificationListener>();
    this.#byMethod.set(method, set);
    set.add(listener);
    return () => void set.delete(listener);
  }

  dispatch(notification: JSONRPCNotification): void {
    const params = notification.params ?? {};
    for (const method of [notification.method, '*']) {
      for (const listener of this.#byMethod.get(method) ?? []) call(() => listener(params, notification));
    }
  }
}
