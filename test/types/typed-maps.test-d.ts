// Checked by `tsc --noEmit` (npm test): a user who augments ContextValues and NotificationMap gets
// ctx.values, contextFunc, ctx.notify, server.notify and server.broadcast typed. The names are this
// file's own, so that the augmentation (which is program-wide) changes nothing elsewhere.
import { McpServer, SSEServer } from '../../src/index.ts';

interface TypedMapsTestUser {
  id: string;
  roles: string[];
}

interface TypedMapsTestMetrics {
  cpu: number;
  memory: { used: number; total: number };
}

declare module '../../src/index.ts' {
  interface ContextValues {
    typedMapsTestUser: TypedMapsTestUser;
  }
  interface NotificationMap {
    typed_maps_test_metrics: TypedMapsTestMetrics;
  }
}

const server = new McpServer({ name: 'typed', version: '1' });
const metrics: TypedMapsTestMetrics = { cpu: 1, memory: { used: 1, total: 2 } };

server.tool('whoami', {}, (_args, ctx) => {
  const user = ctx.values.typedMapsTestUser;
  const roles: string[] = user.roles;
  // @ts-expect-error: id is a string
  const id: number = user.id;
  // Keys nobody declared stay unknown.
  const other: unknown = ctx.values.somethingElse;
  ctx.notify('typed_maps_test_metrics', metrics);
  // @ts-expect-error: the map says what typed_maps_test_metrics carries
  ctx.notify('typed_maps_test_metrics', { cpu: 'high' });
  // Methods not in the map take any object.
  ctx.notify('free_form', { anything: true });
  return JSON.stringify({ roles, id, other });
});

void server.broadcast('typed_maps_test_metrics', metrics);
// @ts-expect-error: memory is missing
void server.broadcast('typed_maps_test_metrics', { cpu: 1 });
void server.notify('session-id', 'typed_maps_test_metrics', metrics);
// @ts-expect-error: wrong type for cpu
void server.notify('session-id', 'typed_maps_test_metrics', { cpu: '1', memory: { used: 1, total: 2 } });
const method: string = 'computed';
void server.broadcast(method, { free: 'form' });

new SSEServer(server, { contextFunc: () => ({ typedMapsTestUser: { id: 'u1', roles: [] } }) });
// @ts-expect-error: contextFunc must give typedMapsTestUser its declared shape
new SSEServer(server, { contextFunc: () => ({ typedMapsTestUser: { id: 1 } }) });
