/**
 * The values your transport's `contextFunc` returns, by key: what handlers read in `ctx.values`.
 * Augment it to type them for every handler:
 *
 * @example
 * declare module 'mcp-live' {
 *   interface ContextValues {
 *     user: { id: string; roles: string[] };
 *   }
 * }
 * // ctx.values.user is { id: string; roles: string[] }, and contextFunc must return that shape.
 */
export interface ContextValues {
  [key: string]: unknown;
}

/**
 * Your custom notifications, by method: the params each takes. Augment it, and `ctx.notify`,
 * `server.notify` and `server.broadcast` check the params of those methods (others take any object).
 *
 * @example
 * declare module 'mcp-live' {
 *   interface NotificationMap {
 *     system_metrics: SystemMetrics;
 *   }
 * }
 */
// biome-ignore lint/suspicious/noEmptyInterface: empty until a user augments it.
export interface NotificationMap {}

/** The params of notification `M`: from `NotificationMap` when it lists `M`, else any object. */
export type NotificationParams<M extends string> = M extends keyof NotificationMap
  ? NotificationMap[M]
  : object;
