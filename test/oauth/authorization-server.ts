// A real OAuth 2.1 / OpenID Connect authorization server for the tests: oidc-provider on 127.0.0.1:0,
// issuing JWT access tokens (RFC 9068) for any resource indicator (RFC 8707), with client credentials,
// dynamic client registration, and its development login and consent pages for authorization codes.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import type Provider from 'oidc-provider';

// oidc-provider prints development notices (its in-memory adapter, its dev login pages, Node 20 not
// being its preferred runtime) to the console; in the test output they are noise.
for (const method of ['warn', 'info'] as const) {
  const original = console[method];
  console[method] = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].startsWith('oidc-provider ')) return;
    original(...args);
  };
}

/** Every scope a token for any resource may carry. */
export const RESOURCE_SCOPES = 'mcp files:read files:write notes:read notes:write admin';

/** Pre-registered confidential clients for the client credentials grant; `brief`'s tokens live 1 s. */
export const CLIENTS = {
  alice: 'alice-secret',
  bob: 'bob-secret',
  brief: 'brief-secret',
} as const;

export type ClientName = keyof typeof CLIENTS;

/** Where the pre-registered public client `desk` is sent back after sign-in; nothing listens there. */
export const DESK_REDIRECT = 'http://127.0.0.1:9/callback';

export interface AuthorizationServer {
  /** `http://127.0.0.1:PORT`, the `iss` of its tokens. */
  readonly issuer: string;
  /** A JWT access token from the client credentials grant. */
  token(options: { client?: ClientName; resource: string; scope?: string }): Promise<string>;
  /** Publishes a new signing key, which signs from now on; the old one stays in the JWKS. */
  rotateKeys(): Promise<void>;
  /** How many times its JWKS was fetched. */
  readonly jwksFetches: number;
}

/** Starts an authorization server; it is stopped after the test. */
export async function startAuthorizationServer(t: TestContext): Promise<AuthorizationServer> {
  let keys: JWK[] = [await signingKey('k1')];
  let provider: Provider | undefined;
  let jwksFetches = 0;
  const http = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.url === '/jwks') jwksFetches++;
    provider!.callback()(req, res);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  t.after(async () => {
    http.closeAllConnections();
    await new Promise((resolve) => http.close(resolve));
  });
  const issuer = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  // A provider's keys are fixed when it is made: a rotation makes another one of the same issuer (their
  // clients and grants live in oidc-provider's in-memory store, which every instance in a process shares).
  // Imported here, once the console filter is in place: it warns as it loads.
  const { default: OIDCProvider } = await import('oidc-provider');
  provider = new OIDCProvider(issuer, configuration(keys));
  return {
    issuer,
    async token({ client = 'alice', resource, scope }) {
      const body = new URLSearchParams({ grant_type: 'client_credentials', resource });
      if (scope !== undefined) body.set('scope', scope);
      const response = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          Authorization: `Basic ${Buffer.from(`${client}:${CLIENTS[client]}`).toString('base64')}`,
        },
        body,
      });
      const json = (await response.json()) as { access_token?: string };
      if (json.access_token === undefined) throw new Error(`no token: ${JSON.stringify(json)}`);
      return json.access_token;
    },
    async rotateKeys() {
      keys = [await signingKey(`k${keys.length + 1}`), ...keys];
      provider = new OIDCProvider(issuer, configuration(keys));
    },
    get jwksFetches() {
      return jwksFetches;
    },
  };
}

async function signingKey(kid: string): Promise<JWK> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  return { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' };
}

function configuration(keys: JWK[]): Record<string, unknown> {
  const confidential = (id: ClientName) => ({
    client_id: id,
    client_secret: CLIENTS[id],
    grant_types: ['client_credentials'],
    redirect_uris: [],
    response_types: [],
  });
  return {
    jwks: { keys },
    clients: [
      ...(Object.keys(CLIENTS) as ClientName[]).map(confidential),
      // A public client registered by hand, with no scope of its own: it may ask for any.
      {
        client_id: 'desk',
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code'],
        response_types: ['code'],
        redirect_uris: [DESK_REDIRECT],
      },
    ],
    cookies: { keys: ['mcp-live-test-cookies'] },
    // Scopes a client may register for (dynamic registration checks them) besides OpenID's own.
    scopes: ['openid', 'offline_access', ...RESOURCE_SCOPES.split(' ')],
    findAccount: (_ctx: unknown, id: string) => ({ accountId: id, claims: () => ({ sub: id }) }),
    features: {
      clientCredentials: { enabled: true },
      registration: { enabled: true },
      devInteractions: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => undefined,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: unknown, resource: string, client: { clientId: string }) => ({
          scope: RESOURCE_SCOPES,
          audience: resource,
          accessTokenFormat: 'jwt',
          accessTokenTTL: client.clientId === 'brief' ? 1 : 300,
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
    ttl: {
      AccessToken: (_ctx: unknown, token: { resourceServer?: { accessTokenTTL?: number } }) =>
        token.resourceServer?.accessTokenTTL ?? 300,
      ClientCredentials: (_ctx: unknown, token: { resourceServer?: { accessTokenTTL?: number } }) =>
        token.resourceServer?.accessTokenTTL ?? 300,
      AuthorizationCode: 60,
      Grant: 600,
      Interaction: 600,
      Session: 600,
      IdToken: 600,
    },
  };
}
