// What other users may see of a session. Session ids are secrets (whoever knows one can speak in that
// session), so chat messages and document changes name their author by a one-way handle instead.
import { createHash } from 'node:crypto';
import type { SessionView } from '../../src/index.ts';

/** A stable, public name for a session, such as `user-3fa1c2d4`. */
export function publicHandle(session: SessionView): string {
  return `user-${createHash('sha256').update(session.id).digest('hex').slice(0, 8)}`;
}
