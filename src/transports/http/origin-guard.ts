import { memoizeHeader } from './header-memo.ts';

/** Which requests may reach a transport, judged by their `Host` and `Origin` headers. */
export interface OriginGuardOptions {
  /** `Host` values accepted; an entry without a port accepts any port. */
  allowedHosts?: readonly string[] | undefined;
  /** `Origin` values accepted (`'*'` for any); requests without `Origin` (non-browser clients) pass. */
  allowedOrigins?: readonly string[] | undefined;
  /**
   * `'auto'`: without the lists above, accept only loopback hosts and origins when the server listens
   * on a loopback address. `true`: always so. `false`: no checks at all, lists included.
   */
  dnsRebindingProtection: boolean | 'auto';
}

/** Splits a `Host` value into its lower-cased host name (IPv6 in brackets) and port. */
export function parseHost(value: string): { hostname: string; port: string } {
  const host = value.trim().toLowerCase();
  if (host.startsWith('[')) {
    const close = host.indexOf(']');
    if (close === -1) return { hostname: host, port: '' };
    return { hostname: host.slice(0, close + 1), port: host.slice(close + 2) };
  }
  const colon = host.lastIndexOf(':');
  return colon === -1
    ? { hostname: host, port: '' }
    : { hostname: host.slice(0, colon), port: host.slice(colon + 1) };
}

const IPV4_LOOPBACK = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/** A host name that always means this machine: `localhost` (and `*.localhost`), 127.0.0.0/8, `[::1]`. */
export function isLoopbackHostname(hostname: string): boolean {
  const name = hostname.endsWith('.') ? hostname.slice(0, -1) : hostname;
  return (
    name === 'localhost' ||
    name.endsWith('.localhost') ||
    name === '[::1]' ||
    name === '::1' ||
    IPV4_LOOPBACK.test(name)
  );
}

/** A socket address on the loopback interface (`127.0.0.1`, `::1`, `::ffff:127.0.0.1`, or `localhost`). */
export function isLoopbackAddress(address: string): boolean {
  const a = address.toLowerCase();
  return a === '::1' || a === 'localhost' || IPV4_LOOPBACK.test(a.startsWith('::ffff:') ? a.slice(7) : a);
}

function normalizeOrigin(origin: string): string {
  const o = origin.trim().toLowerCase();
  return o.endsWith('/') ? o.slice(0, -1) : o;
}

function isLoopbackOrigin(origin: string): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // `null` (sandboxed frames, file://) and garbage
  }
  return (url.protocol === 'http:' || url.protocol === 'https:') && isLoopbackHostname(url.hostname);
}

/**
 * Builds the check that refuses DNS-rebinding and cross-site requests. It returns why a request is
 * refused (answer 403), or `undefined` to let it through.
 */
export function createOriginGuard(
  options: OriginGuardOptions,
): (headers: Headers, loopbackBind: boolean | undefined) => string | undefined {
  const { dnsRebindingProtection: mode } = options;
  if (mode === false) return () => undefined;
  const hosts = options.allowedHosts?.map((entry) => parseHost(entry));
  const origins = options.allowedOrigins?.map(normalizeOrigin);
  const anyOrigin = origins?.includes('*') ?? false;
  // Every request of a client carries the same Host: its verdict is remembered.
  const hostAllowed = memoizeHeader((value) => {
    const host = parseHost(value);
    return hosts === undefined
      ? isLoopbackHostname(host.hostname)
      : hosts.some((h) => h.hostname === host.hostname && (h.port === '' || h.port === host.port));
  });

  return (headers, loopbackBind) => {
    const loopback = mode === true || loopbackBind === true;
    if (hosts !== undefined || loopback) {
      const value = headers.get('host');
      if (value === null) return 'the request has no Host header';
      if (!hostAllowed(value)) {
        return hosts === undefined
          ? `Host "${value}" is not a loopback name; this server listens on loopback only (set allowedHosts to accept it)`
          : `Host "${value}" is not in allowedHosts`;
      }
    }
    const origin = headers.get('origin');
    if (origin === null || anyOrigin) return undefined;
    if (origins !== undefined) {
      return origins.includes(normalizeOrigin(origin))
        ? undefined
        : `Origin "${origin}" is not in allowedOrigins`;
    }
    if (loopback && !isLoopbackOrigin(origin)) {
      return `Origin "${origin}" is not a loopback origin; this server listens on loopback only (set allowedOrigins to accept it)`;
    }
    return undefined;
  };
}
