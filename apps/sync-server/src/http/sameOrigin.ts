import type { IncomingMessage } from 'node:http';
import net from 'node:net';
import type { TLSSocket } from 'node:tls';
import { normalizeOrigin, type Config } from '../config.js';

/** Which names and origins count as this server's own; built once from the config. */
export interface SiteRules {
  /** PUBLIC_URL's origin, e.g. `https://docs.example.com`. */
  readonly publicOrigin: string;
  /** PUBLIC_URL's host name, lower case. */
  readonly publicHost: string;
  /** ALLOWED_ORIGINS, normalised; may hold `*`. */
  readonly allowedOrigins: readonly string[];
  /** ALLOWED_HOSTS, lower case; `.example.com` covers subdomains; may hold `*`. */
  readonly allowedHosts: readonly string[];
}

/** A refusal: an error code and the sentence the requester is told. */
export interface Refusal {
  code: 'HOST_NOT_ALLOWED' | 'CROSS_SITE_REQUEST';
  message: string;
}

/** The rules for `config`. */
export function siteRules(config: Pick<Config, 'publicUrl' | 'allowedOrigins' | 'allowedHosts'>): SiteRules {
  const url = new URL(config.publicUrl);
  return {
    publicOrigin: url.origin,
    publicHost: bareHostname(url.hostname),
    allowedOrigins: config.allowedOrigins,
    allowedHosts: config.allowedHosts,
  };
}

/** A URL hostname without IPv6 brackets or a trailing dot (`docs.example.com.` names the same host). */
function bareHostname(hostname: string): string {
  return hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
}

/** The host name in a Host header (lower case, no port), or null when it is not a valid host. */
function hostnameOf(hostHeader: string): string | null {
  try {
    const url = new URL(`http://${hostHeader}`);
    // Anything beyond host[:port] (a path, credentials) means the header is not a Host value.
    if (url.href !== `http://${url.host}/`) return null;
    return bareHostname(url.hostname);
  } catch {
    return null;
  }
}

/**
 * Whether a name may be used to reach this server. DNS rebinding needs a domain name the
 * attacker controls, so IP literals and `localhost` (which browsers resolve themselves)
 * are always fine, as Vite's dev server also decides.
 */
function hostAllowed(hostname: string, rules: SiteRules): boolean {
  if (net.isIP(hostname) !== 0) return true;
  if (hostname === 'localhost' || hostname.endsWith('.localhost')) return true;
  if (hostname === rules.publicHost) return true;
  return rules.allowedHosts.some(
    (allowed) =>
      allowed === '*' ||
      allowed === hostname ||
      (allowed.startsWith('.') && (hostname === allowed.slice(1) || hostname.endsWith(allowed))),
  );
}

/** Why a request's Host is refused, or null when it is allowed (or absent: only browsers rebind, and they always send it). */
export function hostRefusal(req: IncomingMessage, rules: SiteRules): Refusal | null {
  const header = req.headers.host;
  if (header === undefined) return null;
  const hostname = hostnameOf(header);
  if (hostname !== null && hostAllowed(hostname, rules)) return null;
  const shown = (hostname ?? header).slice(0, 100);
  return {
    code: 'HOST_NOT_ALLOWED',
    message:
      `This server does not answer to the name "${shown}". If people reach it by that name, ` +
      'add it to ALLOWED_HOSTS (or set PUBLIC_URL to that address) and restart it.',
  };
}

/** The origins this request's own pages have: PUBLIC_URL's, and the one the browser used (Host, with the connection's scheme). */
function ownOrigins(req: IncomingMessage, rules: SiteRules): string[] {
  const own = [rules.publicOrigin];
  const host = req.headers.host;
  if (host !== undefined) {
    const scheme = (req.socket as Partial<TLSSocket>).encrypted === true ? 'https' : 'http';
    const origin = normalizeOrigin(`${scheme}://${host}`);
    if (origin !== null) own.push(origin);
  }
  return own;
}

/** Whether an Origin header names this server or an allow-listed origin (scheme, host and port all compared). */
function originAllowed(origin: string, req: IncomingMessage, rules: SiteRules): boolean {
  if (rules.allowedOrigins.includes('*')) return true;
  // "null" (sandboxed frames, file: pages) normalises to nothing and is never ours.
  const normalized = normalizeOrigin(origin);
  if (normalized === null) return false;
  return rules.allowedOrigins.includes(normalized) || ownOrigins(req, rules).includes(normalized);
}

/** Whether a method can change something (everything but GET, HEAD and OPTIONS). */
export function isStateChanging(method: string | undefined): boolean {
  return method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS';
}

/**
 * Why a state-changing HTTP request is refused as coming from another site, or null.
 * Open mode has no credentials to steal, so a page elsewhere could otherwise change
 * documents with a "simple" request (a form, or `fetch` with `no-cors`), which browsers
 * send without asking. Browsers say where a request comes from: `Origin` on every
 * state-changing request, `Sec-Fetch-Site` in current ones. Clients without either
 * (Node, curl, the CLI) are not browsers and are let through.
 */
export function crossSiteRefusal(req: IncomingMessage, rules: SiteRules): Refusal | null {
  const origin = req.headers.origin;
  const site = req.headers['sec-fetch-site'];
  const from = origin === undefined ? 'another site' : `another site (${origin.slice(0, 100)})`;
  if (site === 'cross-site')
    return {
      code: 'CROSS_SITE_REQUEST',
      message: `This change came from ${from}, so it was refused: only Tandem's own pages may change documents.`,
    };
  if (origin !== undefined) {
    if (originAllowed(origin, req, rules)) return null;
    return {
      code: 'CROSS_SITE_REQUEST',
      message:
        `This change came from ${from}, so it was refused: only Tandem's own pages may change documents. ` +
        'If that origin is yours (a development server, say), add it to ALLOWED_ORIGINS.',
    };
  }
  // A browser that says "same-site" but sends no Origin leaves nothing to check it against.
  if (site === 'same-site')
    return {
      code: 'CROSS_SITE_REQUEST',
      message: `This change came from ${from} without saying which, so it was refused.`,
    };
  return null;
}

/**
 * Why a Socket.IO handshake is refused, or null: the Host must be one of ours, and a
 * browser's Origin ours or allow-listed. WebSockets are not covered by CORS, so without
 * this any page could open a socket and edit as its visitor.
 */
export function socketRefusal(req: IncomingMessage, rules: SiteRules): Refusal | null {
  const host = hostRefusal(req, rules);
  if (host) return host;
  const origin = req.headers.origin;
  if (origin === undefined || originAllowed(origin, req, rules)) return null;
  return {
    code: 'CROSS_SITE_REQUEST',
    message: `Connections from ${origin.slice(0, 100)} are not allowed; add it to ALLOWED_ORIGINS if it is yours.`,
  };
}

/** Why an HTTP request is refused before any route sees it (wrong Host, or a change from another site), or null. */
export function requestRefusal(req: IncomingMessage, rules: SiteRules): Refusal | null {
  return hostRefusal(req, rules) ?? (isStateChanging(req.method) ? crossSiteRefusal(req, rules) : null);
}
