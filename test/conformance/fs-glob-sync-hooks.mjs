// Module resolution hooks registered by ./fs-glob-sync.mjs: `fs` and `node:fs`, imported from inside
// @modelcontextprotocol/conformance, resolve to ./fs-with-glob-sync.mjs. Nothing else changes.
const PACKAGE = '/node_modules/@modelcontextprotocol/conformance/';
const SHIM = new URL('./fs-with-glob-sync.mjs', import.meta.url).href;

export async function resolve(specifier, context, nextResolve) {
  if ((specifier === 'fs' || specifier === 'node:fs') && context.parentURL?.includes(PACKAGE)) {
    return { url: SHIM, shortCircuit: true };
  }
  return nextResolve(specifier, context);
}
