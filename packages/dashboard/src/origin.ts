/**
 * Which requests may reach the dashboard, by their `Host` and `Origin` headers. Without this,
 * any web page the user visits could open the WebSocket (browsers do not apply the same-origin
 * policy to WebSockets) and read task errors, which carry row text and file paths; and a page
 * on a domain that resolves to 127.0.0.1 (DNS rebinding) could read every route.
 *
 * - Host must name this server: a loopback name (localhost, 127.0.0.1, [::1]) or a host the
 *   server was explicitly bound to, with the port the request arrived on. A server bound to
 *   every interface ('0.0.0.0', '::') cannot know its names and takes any Host ('*').
 * - Origin, when present (browsers send it on WebSocket upgrades and cross-site requests), must
 *   be an http(s) origin that would pass the Host rule; under '*' it must be the Host itself.
 *   Absent is let in: a non-browser client (curl, a script) is not a web page.
 */
import { isIP } from 'node:net';

/** The host names every dashboard answers to (lowercase; IPv6 without brackets). */
export const LOOPBACK_NAMES: readonly string[] = ['localhost', '127.0.0.1', '::1'];

/** True for an address or name that only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const h = stripBrackets(host.toLowerCase());
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (h.startsWith('::ffff:')) return isLoopbackHost(h.slice(7));
  return h === '::1' || h === '0:0:0:0:0:0:0:1';
}

/** True for an address that binds every interface. */
export function isWildcardHost(host: string): boolean {
  const h = stripBrackets(host.toLowerCase());
  return h === '0.0.0.0' || h === '::' || h === '0:0:0:0:0:0:0:0';
}

function stripBrackets(h: string): string {
  return h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h;
}

/** Splits `name[:port]` or `[v6][:port]` into a lowercase name and a port (undefined when absent). */
export function parseHostHeader(value: string): { name: string; port: number | undefined } | undefined {
  const v = value.trim().toLowerCase();
  let name: string;
  let rest: string;
  if (v.startsWith('[')) {
    const close = v.indexOf(']');
    if (close < 0) return undefined;
    name = v.slice(1, close);
    rest = v.slice(close + 1);
  } else {
    const colon = v.indexOf(':');
    name = colon < 0 ? v : v.slice(0, colon);
    rest = colon < 0 ? '' : v.slice(colon);
  }
  if (name === '') return undefined;
  if (rest === '') return { name, port: undefined };
  if (!/^:\d{1,5}$/.test(rest)) return undefined;
  return { name, port: Number(rest.slice(1)) };
}

/** The names a request may give, besides the loopback ones: a list, or '*' for any. */
export type HostAllowList = readonly string[] | '*';

/** The Host names allowed for a server bound to `host` (undefined: the default, loopback). */
export function allowedHostsFor(host: string | undefined): HostAllowList {
  if (host === undefined) return [];
  if (isWildcardHost(host)) return '*';
  return [stripBrackets(host.toLowerCase())];
}

function showHost(name: string, port: number | undefined): string {
  const n = name.includes(':') ? `[${name}]` : name;
  return port === undefined ? n : `${n}:${port}`;
}

/**
 * Why a request must be refused (a sentence for the 403 body), or undefined to let it in.
 * `port` is the port the request arrived on (undefined when unknown, as under `inject()`:
 * then only names are checked).
 */
export function requestRefusal(headers: Record<string, string | string[] | undefined>, allowed: HostAllowList, port: number | undefined): string | undefined {
  const names = allowed === '*' ? undefined : new Set([...LOOPBACK_NAMES, ...allowed]);
  const expected = `${names === undefined ? 'any name' : [...names].map((n) => showHost(n, undefined)).join(', ')}${port === undefined ? '' : ` on port ${port}`}`;
  const hostValue = headers['host'];
  const host = typeof hostValue === 'string' ? parseHostHeader(hostValue) : undefined;
  if (host === undefined) {
    return `The request's Host header (${JSON.stringify(hostValue ?? null)}) is missing or malformed: open the URL the dashboard printed.`;
  }
  const hostPortOk = port === undefined || (host.port ?? 80) === port;
  if ((names !== undefined && !names.has(host.name)) || !hostPortOk) {
    return `Host '${showHost(host.name, host.port)}' is not this dashboard's address (it answers to ${expected}); refused to guard against DNS rebinding. Open the URL the dashboard printed, or start it with the host you use (startDashboard({ host })).`;
  }
  const originValue = headers['origin'];
  if (originValue === undefined) return undefined;
  const refuseOrigin = `Origin '${String(originValue)}' is not this dashboard's own page (it answers to ${expected}): a page from another site may not read the dashboard. Open the URL the dashboard printed.`;
  if (typeof originValue !== 'string') return refuseOrigin;
  let url: URL;
  try {
    url = new URL(originValue);
  } catch {
    return refuseOrigin;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return refuseOrigin;
  const oname = stripBrackets(url.hostname.toLowerCase());
  const oport = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  if (names === undefined) {
    // any Host is taken, so the page must come from that same Host
    return oname === host.name && oport === (host.port ?? 80) ? undefined : refuseOrigin;
  }
  if (!names.has(oname) || (port !== undefined && oport !== port)) return refuseOrigin;
  return undefined;
}
