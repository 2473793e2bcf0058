// The header: the connection's state, transport, session, protocol revision and notification count,
// the links to the other wires, and (on a phone) the button that folds the details away.
import type { McpClient } from '../../../src/client/index.ts';
import { $ } from './dom.ts';
import type { WireChoice } from './wire.ts';

export type State = 'connecting' | 'connected' | 'reconnecting' | 'disconnected' | 'unauthorized';

export function showState(state: State): void {
  const badge = $('state');
  badge.textContent = state;
  badge.dataset.state = state;
}

export function showConnection(client: McpClient): void {
  $('transport').textContent = client.transport ?? '–';
  $('session-id').textContent = client.sessionId ?? (client.transport === 'stateless' ? 'none' : '–');
  $('protocol').textContent = client.protocolVersion ?? '–';
}

let notifications = 0;

export function countNotification(): void {
  $('notification-count').textContent = String(++notifications);
}

/** Marks the link of the wire in use and wires the details button; once per page. */
export function setupHeader(wire: WireChoice): void {
  for (const link of document.querySelectorAll<HTMLAnchorElement>('#transports a')) {
    if (new URL(link.href).searchParams.get('transport') === wire) link.setAttribute('aria-current', 'page');
  }
  const toggle = $('header-toggle');
  toggle.addEventListener('click', () => {
    const open = toggle.getAttribute('aria-expanded') !== 'true';
    toggle.setAttribute('aria-expanded', String(open));
    $('header-details').dataset.open = String(open);
  });
}
