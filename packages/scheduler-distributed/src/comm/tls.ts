/**
 * TLS settings of a process, in PEM text: its certificate and key (to serve: the scheduler's
 * port, a worker's data port) and the certificate authority that signed its peers' (to verify
 * what it dials). A cluster with TLS gives every process all three (Dask's --tls-cert,
 * --tls-key, --tls-ca-file); the token handshake then runs inside the encrypted channel.
 */
import { readFileSync } from 'node:fs';
import { ConnectionError } from './errors.js';

/** PEM text of a certificate, its key, and the CA that peers' certificates must chain to. */
export interface TlsOptions {
  cert?: string;
  key?: string;
  ca?: string;
}

/** File paths of TlsOptions, as the bins' --tls-cert, --tls-key, --tls-ca take them. */
export interface TlsFiles {
  cert?: string;
  key?: string;
  ca?: string;
}

/** Reads the PEM files named; undefined when none is named. A file that cannot be read is a ConnectionError naming it. */
export function readTlsFiles(files: TlsFiles): TlsOptions | undefined {
  const out: TlsOptions = {};
  for (const field of ['cert', 'key', 'ca'] as const) {
    const path = files[field];
    if (path === undefined) continue;
    try {
      out[field] = readFileSync(path, 'utf8');
    } catch (err) {
      throw new ConnectionError('TSDASK_CONN_FAILED', `Cannot read the TLS ${field} file '${path}': ${(err as Error).message}.`, { remote: path, cause: err });
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Throws unless `tls` has what a server needs (a certificate and its key). */
export function checkServerTls(tls: TlsOptions, where: string): { cert: string; key: string; ca?: string } {
  if (tls.cert === undefined || tls.key === undefined)
    throw new ConnectionError('TSDASK_CONN_FAILED', `TLS on ${where} needs both a certificate and its key (--tls-cert and --tls-key).`, { remote: where });
  return { cert: tls.cert, key: tls.key, ...(tls.ca !== undefined ? { ca: tls.ca } : {}) };
}
