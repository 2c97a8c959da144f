/**
 * The one place the cluster code reaches the Client: LocalCluster.client() opens a Client on
 * the cluster's scheduler with the cluster's token.
 */
import { Client } from '../client/client.js';
import { readTlsFiles, type TlsFiles } from '../comm/tls.js';

export type { Client };

/** A Client connected to the scheduler at `address` with `token` (and TLS, when the cluster uses it). */
export function openClient(address: string, token: string, tls?: TlsFiles, reconnectTimeoutMs?: number): Client {
  const pem = tls === undefined ? undefined : readTlsFiles(tls);
  return new Client(address, { token, ...(pem !== undefined ? { tls: pem } : {}), ...(reconnectTimeoutMs !== undefined ? { reconnectTimeoutMs } : {}) });
}
