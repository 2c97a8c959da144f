#!/usr/bin/env node
/**
 * `tsdask-dump <scheduler-address> [--output FILE] [--token T] [--tls-ca FILE ...]`: connects to
 * the scheduler as a client, asks for the cluster's state (the scheduler's and every worker's, see
 * scheduler/cluster-dump.ts) and writes it to FILE as JSON (default tsdask-cluster-dump.json);
 * prints `tsdask-dump wrote FILE` and exits 0, or prints why on stderr and exits 1 (2 on bad
 * arguments). The one-command post-mortem, as Dask's `client.dump_cluster_state()`.
 */
import { parseArgs } from 'node:util';
import { Client } from '../client/client.js';
import { readTlsFiles } from '../comm/tls.js';
import { parseAddress } from '../protocol/address.js';

const USAGE = `Usage: tsdask-dump <scheduler-address> [options]

Writes the state of the scheduler at <scheduler-address> (tcp://HOST:PORT or HOST:PORT) and of
every worker to one JSON file, for a post-mortem.

Options:
  --output FILE        where to write (default tsdask-cluster-dump.json)
  --token T            the cluster token (default: the TSDASK_TOKEN environment variable)
  --tls-cert FILE      TLS: this client's certificate (PEM); needs --tls-key
  --tls-key FILE       the certificate's private key (PEM)
  --tls-ca FILE        the CA the scheduler's and workers' certificates chain to (PEM)
  -h, --help           show this help
`;

function usageError(message: string): never {
  process.stderr.write(`tsdask-dump: ${message}\nRun tsdask-dump --help for the options.\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        output: { type: 'string', default: 'tsdask-cluster-dump.json' },
        token: { type: 'string' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        'tls-ca': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    return usageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help === true) {
    process.stdout.write(USAGE);
    return;
  }
  if (positionals.length !== 1) usageError('give the scheduler address, for example tcp://127.0.0.1:8786');
  const address = positionals[0]!;
  try {
    parseAddress(address);
  } catch (err) {
    usageError((err as Error).message);
  }
  const token = values.token ?? process.env['TSDASK_TOKEN'];
  if (token === undefined || token === '') usageError('no token: pass --token T or set TSDASK_TOKEN');
  let tls;
  try {
    tls = readTlsFiles({ cert: values['tls-cert'], key: values['tls-key'], ca: values['tls-ca'] });
  } catch (err) {
    return usageError((err as Error).message);
  }
  const client = new Client(address, { token, ...(tls !== undefined ? { tls } : {}) });
  try {
    const path = await client.dumpClusterState(values.output);
    process.stdout.write(`tsdask-dump wrote ${path}\n`);
  } catch (err) {
    process.stderr.write(`tsdask-dump: ${(err as Error).message}\n`);
    process.exitCode = 1;
  } finally {
    await client.close();
  }
}

void main();
