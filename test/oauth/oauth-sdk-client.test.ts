// The official SDK 1.x client's own OAuth flow against an mcp-live server and a real authorization
// server (oidc-provider), everything on loopback: the client knows only the MCP URL (and, for client
// credentials, its id and secret). It discovers the resource metadata from the 401, then the
// authorization server's metadata, registers itself or uses its credentials, gets a token for the
// resource and retries; a 403 insufficient_scope makes it step up.
import assert from 'node:assert/strict';
import { describe, type TestContext, test } from 'node:test';
import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { ClientCredentialsProvider } from '@modelcontextprotocol/sdk/client/auth-extensions.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js';
import { decodeJwt } from 'jose';
import { MODES } from '../transports/harness.ts';
import { DESK_REDIRECT, startAuthorizationServer } from './authorization-server.ts';
import { type Seen, startOAuthHost } from './oauth-host.ts';

/** Where the authorization server sends the user back; nothing listens there: the test reads the redirect. */
const REDIRECT_URL = DESK_REDIRECT;

/** An interactive client's provider, as an app would write one, keeping everything in memory. */
class MemoryProvider implements OAuthClientProvider {
  #client: OAuthClientInformationMixed | undefined;
  #tokens: OAuthTokens | undefined;
  #verifier = '';
  /** Where the client sent the user, once it did. */
  authorizationURL: URL | undefined;
  readonly registered: OAuthClientInformationMixed[] = [];

  /** `client`: registered by hand; without it the client registers itself (RFC 7591). */
  constructor(client?: OAuthClientInformationMixed) {
    this.#client = client;
  }

  get redirectUrl(): string {
    return REDIRECT_URL;
  }

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: 'mcp-live OAuth test',
      redirect_uris: [REDIRECT_URL],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }

  state(): string {
    return 'state-1';
  }

  clientInformation() {
    return this.#client;
  }

  saveClientInformation(client: OAuthClientInformationMixed): void {
    this.#client = client;
    this.registered.push(client);
  }

  tokens() {
    return this.#tokens;
  }

  saveTokens(tokens: OAuthTokens): void {
    this.#tokens = tokens;
  }

  redirectToAuthorization(url: URL): void {
    this.authorizationURL = url;
  }

  saveCodeVerifier(verifier: string): void {
    this.#verifier = verifier;
  }

  codeVerifier(): string {
    return this.#verifier;
  }
}

/**
 * Plays the user in a browser: opens the authorization URL, signs in as `login` and consents on
 * oidc-provider's development pages, and returns the code from the redirect to `REDIRECT_URL`.
 */
async function signIn(authorizationURL: URL, login: string): Promise<{ code: string; redirect: URL }> {
  const cookies = new Map<string, string>();
  let url = authorizationURL.href;
  let form: URLSearchParams | undefined;
  for (let step = 0; step < 12; step++) {
    const response = await fetch(url, {
      method: form === undefined ? 'GET' : 'POST',
      redirect: 'manual',
      headers: {
        Cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; '),
        ...(form === undefined ? {} : { 'Content-Type': 'application/x-www-form-urlencoded' }),
      },
      ...(form === undefined ? {} : { body: form }),
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const eq = pair!.indexOf('=');
      cookies.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    }
    form = undefined;
    const location = response.headers.get('location');
    if (location !== null) {
      await response.body?.cancel();
      const next = new URL(location, url);
      if (next.href.startsWith(REDIRECT_URL)) {
        const code = next.searchParams.get('code');
        assert.ok(code, `the redirect carries a code: ${next.href}`);
        return { code, redirect: next };
      }
      url = next.href;
      continue;
    }
    const page = await response.text();
    assert.equal(response.status, 200, page.slice(0, 500));
    // The login page, then the consent page: one form each.
    const action = /<form[^>]*action="([^"]+)"/.exec(page)?.[1];
    assert.ok(action, `a form on ${url}: ${page.slice(0, 300)}`);
    form = new URLSearchParams();
    for (const [, name, value] of page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) {
      form.set(name!, value!);
    }
    if (form.get('prompt') === 'login') {
      form.set('login', login);
      form.set('password', 'any');
    }
    url = new URL(action, url).href;
  }
  throw new Error('the authorization server never redirected back');
}

async function close(t: TestContext, client: Client): Promise<void> {
  t.after(() => client.close());
}

for (const mode of MODES) {
  describe(`the official SDK client's OAuth flow against mcp-live (${mode})`, () => {
    test('authorization code with PKCE, found from the 401 and registered dynamically', async (t) => {
      const as = await startAuthorizationServer(t);
      const host = await startOAuthHost(t, mode, { issuer: as.issuer, scopes: ['mcp'] });
      const provider = new MemoryProvider();
      const mcpURL = new URL(`${host.origin}/mcp`);

      const transport = new StreamableHTTPClientTransport(mcpURL, { authProvider: provider });
      await assert.rejects(new Client({ name: 'app', version: '1' }).connect(transport), UnauthorizedError);
      const sent = provider.authorizationURL!;
      assert.ok(sent.href.startsWith(`${as.issuer}/auth?`), sent.href);
      assert.equal(sent.searchParams.get('resource'), host.origin, 'the resource from the metadata');
      assert.equal(sent.searchParams.get('scope'), 'mcp', 'the scope the 401 named');
      assert.equal(sent.searchParams.get('code_challenge_method'), 'S256');
      assert.equal(provider.registered.length, 1, 'registered through the registration endpoint');
      assert.equal(sent.searchParams.get('client_id'), provider.registered[0]!.client_id);

      const { code, redirect } = await signIn(sent, 'ada');
      assert.equal(redirect.searchParams.get('state'), 'state-1');
      assert.equal(redirect.searchParams.get('iss'), as.issuer);
      await transport.finishAuth(code);
      const token = provider.tokens()!.access_token;
      assert.deepEqual(
        [decodeJwt(token).aud, decodeJwt(token).sub, decodeJwt(token).scope],
        [host.origin, 'ada', 'mcp'],
      );

      const client = new Client({ name: 'app', version: '1' });
      await client.connect(new StreamableHTTPClientTransport(mcpURL, { authProvider: provider }));
      await close(t, client);
      const result = await client.callTool({ name: 'whoami', arguments: {} });
      const seen = JSON.parse((result.content as Array<{ text: string }>)[0]!.text) as Seen;
      assert.deepEqual(
        [seen.sub, seen.iss, seen.client, seen.scopes],
        ['ada', as.issuer, provider.registered[0]!.client_id, ['mcp']],
      );
    });

    test('step-up: a 403 insufficient_scope sends the user to consent to what the tool needs; the session goes on', async (t) => {
      const as = await startAuthorizationServer(t);
      const host = await startOAuthHost(t, mode, { issuer: as.issuer, scopes: ['mcp'] });
      const provider = new MemoryProvider({ client_id: 'desk' });
      const mcpURL = new URL(`${host.origin}/mcp`);
      const first = new StreamableHTTPClientTransport(mcpURL, { authProvider: provider });
      await assert.rejects(new Client({ name: 'app', version: '1' }).connect(first), UnauthorizedError);
      await first.finishAuth((await signIn(provider.authorizationURL!, 'ada')).code);

      const session = new StreamableHTTPClientTransport(mcpURL, { authProvider: provider });
      const client = new Client({ name: 'app', version: '1' });
      await client.connect(session);
      await close(t, client);
      const sessionId = session.sessionId;
      provider.authorizationURL = undefined;
      await assert.rejects(
        client.callTool({ name: 'write_file', arguments: { path: '/notes' } }),
        UnauthorizedError,
      );
      // The challenge's scopes, all at once: the server-wide one and the tool's.
      assert.equal(provider.authorizationURL!.searchParams.get('scope'), 'mcp files:write');
      await session.finishAuth((await signIn(provider.authorizationURL!, 'ada')).code);
      assert.equal(decodeJwt(provider.tokens()!.access_token).scope, 'mcp files:write');
      const wrote = await client.callTool({ name: 'write_file', arguments: { path: '/notes' } });
      assert.deepEqual(wrote.content, [{ type: 'text', text: 'wrote /notes' }]);
      assert.equal(session.sessionId, sessionId, 'the same session, with the new token of the same subject');
    });

    test('client credentials: discovered from the 401, a token for the resource with the configured scopes', async (t) => {
      const as = await startAuthorizationServer(t);
      const host = await startOAuthHost(t, mode, { issuer: as.issuer, scopes: ['mcp'] });
      const provider = new ClientCredentialsProvider({
        clientId: 'alice',
        clientSecret: 'alice-secret',
        expectedIssuer: as.issuer,
        scope: 'mcp files:write',
      });
      const client = new Client({ name: 'service', version: '1' });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(`${host.origin}/mcp`), { authProvider: provider }),
      );
      await close(t, client);
      const token = decodeJwt(provider.tokens()!.access_token);
      assert.deepEqual([token.aud, token.scope], [host.origin, 'mcp files:write']);
      const wrote = await client.callTool({ name: 'write_file', arguments: { path: '/report' } });
      assert.deepEqual(wrote.content, [{ type: 'text', text: 'wrote /report' }]);
    });

    test('client credentials cannot step up in SDK 1.x: it asks for its configured scope again', async (t) => {
      const as = await startAuthorizationServer(t);
      const host = await startOAuthHost(t, mode, { issuer: as.issuer, scopes: ['mcp'] });
      const provider = new ClientCredentialsProvider({
        clientId: 'alice',
        clientSecret: 'alice-secret',
        expectedIssuer: as.issuer,
        scope: 'mcp',
      });
      const client = new Client({ name: 'service', version: '1' });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(`${host.origin}/mcp`), { authProvider: provider }),
      );
      await close(t, client);
      // The SDK reads the 403's scope, but its token request for this grant sends clientMetadata.scope.
      await assert.rejects(
        client.callTool({ name: 'write_file', arguments: { path: '/report' } }),
        /403 after trying upscoping/,
      );
      assert.equal(decodeJwt(provider.tokens()!.access_token).scope, 'mcp');
    });

    test('client credentials over HTTP+SSE: the stream request gets the 401, the client gets a token', async (t) => {
      const as = await startAuthorizationServer(t);
      const host = await startOAuthHost(t, mode, { issuer: as.issuer, scopes: ['mcp'] });
      const provider = new ClientCredentialsProvider({
        clientId: 'bob',
        clientSecret: 'bob-secret',
        expectedIssuer: as.issuer,
        scope: 'mcp',
      });
      const client = new Client({ name: 'service', version: '1' });
      await client.connect(new SSEClientTransport(new URL(`${host.origin}/sse`), { authProvider: provider }));
      await close(t, client);
      const result = await client.callTool({ name: 'whoami', arguments: {} });
      assert.match((result.content as Array<{ text: string }>)[0]!.text, /"sub":"bob"/);
    });
  });
}
