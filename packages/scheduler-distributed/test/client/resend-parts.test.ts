/**
 * A client that reconnects after its scheduler restarted sends its pending graphs again as it sent
 * them first: a graph past GRAPH_PART_TASKS in update-graph-part messages and a last update-graph,
 * never one message a new scheduler would have to take in one step. Against the fake scheduler.
 */
import { afterEach, expect, it } from 'vitest';
import { lowerGraph, type ComputeOptions, type Key, type Node } from '@tsdask/core-graph';
import { Client } from '../../src/client/client.js';
import { GRAPH_PART_TASKS } from '../../src/client/encode-graph.js';
import { GRAPH_LAYERS } from '../../src/client/encode-layers.js';
import type { ClientToScheduler } from '../../src/protocol/messages.js';
import { closeFakes, fakeScheduler, TOKEN } from './fake-cluster.js';

let client: Client | undefined;
afterEach(async () => {
  await client?.close();
  client = undefined;
  await closeFakes();
});

/** The keys a run's messages carry, parts first, and how many messages there were. */
function keysOf(msgs: ClientToScheduler[]): { keys: Key[]; parts: number; finals: number } {
  const keys: Key[] = [];
  let parts = 0;
  let finals = 0;
  for (const m of msgs) {
    if (m.type === 'update-graph-part') parts++;
    else if (m.type === 'update-graph') finals++;
    else continue;
    keys.push(...m.keys);
  }
  return { keys, parts, finals };
}

it('sends a big pending graph again in parts after a reconnection, the same tasks as the first time', async () => {
  const sched = await fakeScheduler();
  client = new Client(sched.address, { token: TOKEN, reconnectTimeoutMs: 10_000 });
  await client.ready();
  const n = 2 * GRAPH_PART_TASKS + 7;
  const entries: [Key, Node][] = Array.from({ length: n }, (_, i) => [`leaf-x,${i}`, { op: '@tsdask/core-graph/ops#sum', args: [i, 1] }] as [Key, Node]);
  // sent task by task the first time too (its leaves are one layer template otherwise, client/encode-layers.ts)
  const handle = client.asScheduler().run(lowerGraph(entries), ['leaf-x,0'], { [GRAPH_LAYERS]: false } as ComputeOptions);
  handle.done.catch(() => {});
  await sched.next('update-graph');
  const first = keysOf(sched.received);
  expect(first).toMatchObject({ parts: 2, finals: 1 });
  expect(first.keys.length).toBe(n);

  sched.received.length = 0;
  sched.conns.at(-1)!.close(); // as a scheduler restart looks to the client
  const reclaim = await sched.next('reclaim-keys');
  sched.send({ type: 'reclaimed', id: reclaim.id, missing: [] });
  await sched.next('update-graph');
  const again = keysOf(sched.received);
  expect(again).toMatchObject({ parts: 2, finals: 1 });
  expect(again.keys).toEqual(first.keys);
});
