import type { RelayPayload } from '../../server/message-bus.ts';
import type { ResponseHeaders } from './exchange.ts';

/**
 * The pieces of an HTTP exchange relayed from the instance a request landed on (the entry) to the
 * instance that holds its session (the holder), and of the answer coming back. `x` names the exchange
 * (the entry's instance id and a counter), `from` the instance to answer.
 */
export type Packet =
  /** entry → holder: the request, its body read by the entry (`big` when over the body limit). */
  | {
      k: 'open';
      x: string;
      from: string;
      /** The transport that should answer (`sse`, `streamable-http`). */
      t: string;
      method: string;
      url: string;
      path: string;
      search: string;
      headers: Array<[string, string]>;
      body?: string;
      big?: true;
      loopback?: boolean;
    }
  /** entry → holder: the client went away. */
  | { k: 'gone'; x: string }
  /**
   * entry → holder: are these exchanges still served? A holder that stopped has no listener (the bus
   * says so); one that lost some of them answers `lost`.
   */
  | { k: 'ping'; x: string; from?: string; open?: string[] }
  /** holder → entry: exchanges it does not serve (any more), whose answer will never come. */
  | { k: 'lost'; x: string; xs: string[] }
  /** holder → entry: the whole answer. */
  | { k: 'respond'; x: string; status: number; headers?: ResponseHeaders; body?: string }
  /** holder → entry: a streamed answer starts. */
  | { k: 'head'; x: string; status: number; headers: ResponseHeaders }
  | { k: 'data'; x: string; chunk: string }
  /** holder → entry: the streamed answer ends; `drop` drops the connection instead of ending it. */
  | { k: 'end'; x: string; drop?: true };

/** A packet off the bus, or `undefined` for one this version does not know. */
export function readPacket(packet: RelayPayload): Packet | undefined {
  switch (packet.k) {
    case 'open':
      return typeof packet.from === 'string' &&
        typeof packet.url === 'string' &&
        Array.isArray(packet.headers)
        ? (packet as unknown as Packet)
        : undefined;
    case 'respond':
    case 'head':
      return typeof packet.status === 'number' ? (packet as unknown as Packet) : undefined;
    case 'data':
      return typeof packet.chunk === 'string' ? (packet as unknown as Packet) : undefined;
    case 'lost':
      return Array.isArray(packet.xs) ? (packet as unknown as Packet) : undefined;
    case 'ping':
      return packet.open === undefined || Array.isArray(packet.open)
        ? (packet as unknown as Packet)
        : undefined;
    case 'gone':
    case 'end':
      return packet as unknown as Packet;
    default:
      return undefined;
  }
}
