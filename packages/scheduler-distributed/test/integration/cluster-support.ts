/**
 * Test support for the integration tests: a real LocalCluster (a scheduler and worker processes
 * on 127.0.0.1, spawned from the built bins) and its client, stopped by the caller.
 */
import { LocalCluster } from '../../src/cluster/local-cluster.js';
import type { Client } from '../../src/client/client.js';

export interface Running {
  cluster: LocalCluster;
  client: Client;
  stop(): Promise<void>;
}

/** Starts a cluster of `nWorkers` single-thread workers and connects a client. */
export async function startCluster(opts: { nWorkers?: number; threadsPerWorker?: number; heartbeatTimeoutMs?: number } = {}): Promise<Running> {
  const cluster = await LocalCluster.start({
    nWorkers: opts.nWorkers ?? 2,
    threadsPerWorker: opts.threadsPerWorker ?? 1,
    ...(opts.heartbeatTimeoutMs !== undefined ? { heartbeatTimeoutMs: opts.heartbeatTimeoutMs } : {}),
  });
  const client = cluster.client();
  await client.ready();
  return {
    cluster,
    client,
    async stop() {
      await client.close();
      await cluster.close();
    },
  };
}
