/**
 * Addresses as users and the protocol write them: `tcp://host:port` or `host:port` (an IPv6
 * host in brackets, `tcp://[::1]:8786`). Workers are known by their data address, `host:port`.
 */
import { ConnectionError } from '../comm/errors.js';

/** A parsed address. */
export interface Address {
  host: string;
  port: number;
}

/** Parses `tcp://host:port` or `host:port`; throws ConnectionError (TSDASK_CONN_FAILED) saying what is wrong. */
export function parseAddress(text: string): Address {
  const s = text.trim().replace(/^tcp:\/\//, '');
  const m = /^(\[[^\]]+\]|[^:[\]]+):(\d{1,5})$/.exec(s);
  const port = m === null ? NaN : Number(m[2]);
  if (m === null || !(port > 0 && port < 65536)) {
    throw new ConnectionError(
      'TSDASK_CONN_FAILED',
      `'${text}' is not a tsdask address: write tcp://HOST:PORT or HOST:PORT (for example tcp://127.0.0.1:8786).`,
      {
        remote: text,
      },
    );
  }
  const host = m[1]!.startsWith('[') ? m[1]!.slice(1, -1) : m[1]!;
  return { host, port };
}

/** `host:port` (IPv6 hosts in brackets), the form workers are named by. */
export function formatAddress(a: Address): string {
  return a.host.includes(':') ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;
}
