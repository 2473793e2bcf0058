// The pure pieces of OAuth support, without sockets: challenges, the Authorization header, scope
// hierarchies, option and definition checks, and how an OAuthPrincipal compares and reaches handlers.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readBearerToken } from '../../src/oauth/bearer-token.ts';
import { OAuthPrincipal, OAuthResourceServer } from '../../src/oauth/index.ts';
import { expandScopes } from '../../src/oauth/scope-hierarchy.ts';
import { isMcpLiveError } from '../../src/protocol/mcp-live-error.ts';
import { McpServer } from '../../src/server/mcp-server.ts';
import { principalFingerprint } from '../../src/server/request-state.ts';
import { samePrincipal } from '../../src/server/same-principal.ts';
import { connectTestClient } from '../../src/testing/index.ts';
import { formatBearerChallenge } from '../../src/transports/http/bearer-challenge.ts';
import type { HTTPRequestInfo } from '../../src/transports/http/exchange.ts';
import { resourceMetadataLocation } from '../../src/transports/http/resource-server.ts';

function request(authorization?: string, search = ''): HTTPRequestInfo {
  const headers = new Headers(authorization === undefined ? {} : { authorization });
  return { method: 'POST', path: '/mcp', search, headers, url: new URL(`http://h/mcp${search}`), raw: {} };
}

describe('Bearer challenges', () => {
  test('name the error, the scopes and the metadata, with the description last and quotable', () => {
    assert.equal(
      formatBearerChallenge({
        error: 'insufficient_scope',
        scope: ['mcp', 'files:write'],
        resourceMetadata: 'https://x/.well-known/oauth-protected-resource',
        description: 'tool "w" needs scope=files:write\\ é',
      }),
      `Bearer error="insufficient_scope", scope="mcp files:write", resource_metadata="https://x/.well-known/oauth-protected-resource", error_description="tool 'w' needs scope=files:write' ?"`,
    );
  });

  test('without an error code there is no description, as RFC 6750 §3.1 says', () => {
    assert.equal(formatBearerChallenge({ description: 'no token' }), 'Bearer');
    assert.equal(
      formatBearerChallenge({ resourceMetadata: 'https://x/m' }),
      'Bearer resource_metadata="https://x/m"',
    );
  });

  test('the metadata of a resource with a path is served path-suffixed, and at the root', () => {
    assert.deepEqual(resourceMetadataLocation('https://a.example/api/mcp'), {
      url: 'https://a.example/.well-known/oauth-protected-resource/api/mcp',
      paths: ['/.well-known/oauth-protected-resource/api/mcp', '/.well-known/oauth-protected-resource'],
    });
    assert.deepEqual(resourceMetadataLocation('https://a.example'), {
      url: 'https://a.example/.well-known/oauth-protected-resource',
      paths: ['/.well-known/oauth-protected-resource'],
    });
  });
});

describe('The Authorization header', () => {
  test('takes one Bearer token, whatever the case of the scheme', () => {
    assert.deepEqual(readBearerToken(request('bearer a.b-c_d~')), { ok: true, token: 'a.b-c_d~' });
  });

  test('refuses what is not one bearer token, saying what it saw', () => {
    const cases: Array<[HTTPRequestInfo, number, string | undefined, RegExp]> = [
      [request(), 401, undefined, /carries no access token/],
      [request('Basic YTpi'), 401, undefined, /"Basic" scheme/],
      [request('Bearer'), 400, 'invalid_request', /malformed/],
      [request('Bearer a b'), 400, 'invalid_request', /malformed/],
      [request('Bearer a, Bearer b'), 400, 'invalid_request', /malformed/],
      [request('Bearer a', '?access_token=a'), 400, 'invalid_request', /URL query/],
    ];
    for (const [req, status, error, description] of cases) {
      const read = readBearerToken(req);
      assert.equal(read.ok, false);
      if (read.ok) continue;
      assert.equal(read.refusal.status, status, req.headers.get('authorization') ?? '(none)');
      assert.equal(read.refusal.error, error);
      assert.match(read.refusal.description, description);
    }
  });
});

describe('Scopes', () => {
  test('implied scopes are followed transitively, and cycles end', () => {
    const implies = { admin: ['write'], write: ['read'], read: ['admin'] };
    assert.deepEqual(expandScopes(['admin'], implies).sort(), ['admin', 'read', 'write']);
    assert.deepEqual(expandScopes(['other'], implies), ['other']);
    assert.deepEqual(expandScopes(['toString'], implies), ['toString']);
  });

  test('a definition with a scope that is not an OAuth scope token is refused, naming it', () => {
    const server = new McpServer({ name: 's', version: '1' });
    assert.throws(
      () => server.tool('t', { scopes: ['files write'] }, () => 'x'),
      (error) =>
        isMcpLiveError(error, 'INVALID_DEFINITION') &&
        /Tool "t" has invalid scopes: "files write"/.test(error.message),
    );
    assert.throws(
      () => server.prompt('p', { scopes: 'admin' as never }, () => 'x'),
      (error) =>
        isMcpLiveError(error, 'INVALID_DEFINITION') && /Prompt "p".*expected an array/.test(error.message),
    );
  });
});

describe('OAuthResourceServer options', () => {
  test('wrong values are refused at construction, naming the option and what is expected', () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [
        { resource: 'mcp.example.com', issuer: 'https://as' },
        /option resource must be an absolute http\(s\) URL/,
      ],
      [{ resource: 'https://m/#f', issuer: 'https://as' }, /resource must not have a query or a fragment/],
      [{ resource: 'https://m', issuer: 'as' }, /option issuer must be an absolute/],
      [{ resource: 'https://m', issuer: 'https://as', algorithms: ['HS256'] }, /asymmetric JWS algorithms/],
      [
        { resource: 'https://m', issuer: 'https://as', jwksCooldown: -1 },
        /jwksCooldown must be a number of ms ≥ 0/,
      ],
      [{ resource: 'https://m', issuer: 'https://as', impliedScopes: { a: 'b' } }, /impliedScopes entry "a"/],
      [
        { resource: 'https://m', issuer: 'https://as', scopes: ['a b'] },
        /option scopes is invalid: "a b" is not an OAuth scope/,
      ],
    ];
    for (const [options, message] of cases) {
      assert.throws(
        () => new OAuthResourceServer(options as never),
        (error) => isMcpLiveError(error, 'INVALID_OPTION') && message.test(error.message),
        JSON.stringify(options),
      );
    }
  });

  test('the resource is canonical: lowercase scheme and host, no trailing slash', () => {
    const rs = new OAuthResourceServer({
      resource: 'HTTPS://MCP.Example.com:443/API/',
      issuer: 'https://as',
    });
    assert.equal(rs.resource, 'https://mcp.example.com/API');
    assert.equal(rs.metadata.resource, 'https://mcp.example.com/API');
  });
});

describe('OAuthPrincipal', () => {
  const claims = {
    iss: 'https://as',
    sub: 'ada',
    scope: 'mcp files:read',
    client_id: 'app',
    exp: 2_000_000_000,
  };

  test('compares by issuer and subject, never by token', () => {
    const a = new OAuthPrincipal({ ...claims, jti: '1' });
    const b = new OAuthPrincipal({ ...claims, jti: '2', scope: 'mcp' });
    assert.ok(samePrincipal(a, b));
    assert.ok(samePrincipal(a, { iss: 'https://as', sub: 'ada' }), 'as a session record holds it');
    assert.ok(!samePrincipal(a, new OAuthPrincipal({ ...claims, sub: 'bob' })));
    assert.ok(!samePrincipal(a, new OAuthPrincipal({ ...claims, iss: 'https://other' })));
    assert.equal(principalFingerprint(a), principalFingerprint(b));
    assert.deepEqual([a.clientId, a.scopes, a.expiresAt?.getTime()], ['app', ['mcp', 'files:read'], 2e12]);
  });

  test('scp arrays count as scopes; hasScope follows what the resource server granted', () => {
    const p = new OAuthPrincipal({ iss: 'i', sub: 's', scp: ['a', 'b'] }, ['a', 'b', 'c']);
    assert.deepEqual(p.scopes, ['a', 'b']);
    assert.ok(p.hasScope('c'));
    assert.throws(
      () => new OAuthPrincipal({ iss: 'i' }),
      (e) => isMcpLiveError(e, 'INVALID_OPTION'),
    );
  });

  test('reaches handlers as ctx.principal through the in-memory test client', async () => {
    const server = new McpServer({ name: 's', version: '1' });
    server.tool('who', {}, (_args, ctx) => (ctx.principal as OAuthPrincipal).subject);
    const client = await connectTestClient(server, { principal: new OAuthPrincipal(claims) });
    const result = await client.callTool('who', {});
    assert.deepEqual(result.content, [{ type: 'text', text: 'ada' }]);
    await client.close();
  });
});
