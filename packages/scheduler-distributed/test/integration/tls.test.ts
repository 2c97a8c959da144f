/**
 * A cluster whose every connection is TLS (scheduler port, workers' data ports, client): the
 * same graphs run, inputs moving worker to worker; a client that dials without TLS, or trusts
 * another certificate authority, is refused. Certificates are made by the test with openssl
 * (self-signed, for 127.0.0.1); skipped with a message where openssl is missing.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { delayed } from '@tsdask/core-graph';
import { LocalCluster } from '../../src/cluster/local-cluster.js';
import { Client } from '../../src/client/client.js';
import { ConnectionError } from '../../src/comm/errors.js';

let dir: string;
let skip: string | undefined;
let cluster: LocalCluster | undefined;

/** A self-signed certificate for 127.0.0.1 and its key, as files in `dir`. */
function makeCert(name: string): { cert: string; key: string } {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
    ].concat(['-addext', 'subjectAltName=IP:127.0.0.1']),
    { stdio: 'pipe' },
  );
  return { cert, key };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tsdask-tls-'));
  try {
    makeCert('cluster');
    makeCert('other');
  } catch (err) {
    skip = `openssl could not make a test certificate: ${(err as Error).message.split('\n')[0]}`;
    console.warn(`SKIPPED TLS test: ${skip}`);
  }
});
afterAll(async () => {
  await cluster?.close();
  rmSync(dir, { recursive: true, force: true });
});

it('runs a graph over TLS end to end, and refuses a client without TLS or with another CA', async (ctx) => {
  if (skip !== undefined) return ctx.skip();
  const files = { cert: join(dir, 'cluster.crt'), key: join(dir, 'cluster.key'), ca: join(dir, 'cluster.crt') };
  cluster = await LocalCluster.start({ nWorkers: 2, tls: files });
  const client = cluster.client();
  try {
    await client.ready();
    const part = delayed((i: number) => Float64Array.from({ length: 100 }, (_, j) => i * 100 + j));
    const sum = delayed((...xs: Float64Array[]) => xs.reduce((s, x) => s + x.reduce((t, v) => t + v, 0), 0));
    const total = await sum(...Array.from({ length: 20 }, (_, i) => part(i))).compute({ scheduler: client });
    expect(total).toBe((2000 * 1999) / 2);
  } finally {
    await client.close();
  }
  const plain = new Client(cluster.address, { token: cluster.token });
  await expect(plain.ready()).rejects.toBeInstanceOf(ConnectionError);
  await plain.close();
  const stranger = new Client(cluster.address, { token: cluster.token, tls: { ca: readFileSync(join(dir, 'other.crt'), 'utf8') } });
  await expect(stranger.ready()).rejects.toMatchObject({ code: 'TSDASK_CONN_FAILED' });
  await stranger.close();
});
