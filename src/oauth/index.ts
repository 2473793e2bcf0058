// mcp-live/oauth: an OAuth 2.1 resource server for the HTTP transports (JWT access tokens verified
// with jose), as the MCP authorization spec asks. Give it to a transport's `oauth` option.
export type { ResourceServer, TokenRefusal, TokenVerification } from '../transports/http/resource-server.ts';
export type { OAuthResourceServerOptions } from './oauth-options.ts';
export { isOAuthPrincipal, OAuthPrincipal } from './oauth-principal.ts';
export { OAuthResourceServer } from './oauth-resource-server.ts';
export type { ScopeImplications } from './scope-hierarchy.ts';
