/**
 * A fake scheduler and fake worker data ports for the client's tests, speaking the protocol by
 * hand over comm `listen()` on 127.0.0.1. The scheduler records every message a client sends
 * and lets the test answer; `autoRun` makes it a tiny in-process cluster: it rebuilds each
 * update-graph into a TaskGraph, runs it on scheduler-local's 'sync' scheduler, puts the output
 * values on one fake worker and answers task-done / task-erred / who-has / scattered.
 */
import { getScheduler, lowerArrays, serializeError, type Key, type Node, type Scheduler } from '@tsdask/core-graph';
import '@tsdask/scheduler-local';
import type { Connection } from '../../src/comm/connection.js';
import { listen, type Listener } from '../../src/comm/tcp.js';
import { checkFromClient, checkFromPeer } from '../../src/protocol/check.js';
import type { ClientToScheduler, SchedulerToClient, UpdateGraphMsg } from '../../src/protocol/messages.js';
import { decodeNode, decodeWireValue, encodeWireValue } from '../../src/protocol/values.js';

export const TOKEN = 'c'.repeat(64);

/** A fake worker's data port: answers get-data from `data`; `asked` records every request. */
export interface FakeWorker {
  readonly address: string;
  readonly data: Map<Key, unknown>;
  readonly asked: Key[][];
  /** Connections accepted so far. */
  readonly connections: () => number;
  close(): Promise<void>;
}

const listeners: Listener[] = [];

/** Closes `l` with the fakes (afterEach), also when the test fails before closing it. */
export function track<L extends Listener>(l: L): L {
  listeners.push(l);
  return l;
}

/** Closes every fake endpoint opened since the last call (afterEach). */
export async function closeFakes(): Promise<void> {
  const all = listeners.splice(0);
  await Promise.all(all.map((l) => l.close()));
}

/** Starts a fake worker data port holding `data`. */
export async function fakeWorker(data: Map<Key, unknown> = new Map()): Promise<FakeWorker> {
  const asked: Key[][] = [];
  let connections = 0;
  const l = await listen({
    token: TOKEN,
    onConnection: (conn) => {
      connections++;
      conn.onFrame((f) => {
        if (f.kind !== 'control') return conn.close();
        const msg = checkFromPeer(f.message);
        if (msg.type !== 'get-data') return conn.close(); // a client asks for data only
        asked.push(msg.keys);
        const found = msg.keys.filter((k) => data.has(k));
        const bodies = found.map((k) => encodeWireValue(data.get(k)));
        conn.send({
          type: 'data',
          id: msg.id,
          found: found.map((k, i) => ({ key: k, nbytes: bodies[i]!.byteLength })),
          missing: msg.keys.filter((k) => !data.has(k)),
        });
        for (const b of bodies) conn.sendBody(b);
      });
    },
  });
  listeners.push(l);
  return { address: `127.0.0.1:${l.address.port}`, data, asked, connections: () => connections, close: () => l.close() };
}

/** A fake scheduler: what clients sent, and a way to answer. */
export interface FakeScheduler {
  readonly address: string;
  /** Every control message received from clients, in order (a scatter's value is in `scattered`). */
  readonly received: ClientToScheduler[];
  /** Scattered values by key (decoded from the body frames). */
  readonly scattered: Map<Key, unknown>;
  /** The client connections. */
  readonly conns: Connection[];
  /** Sends to the last client connected. */
  send(msg: SchedulerToClient): void;
  /** Resolves with the first received message (from now on or already received) that `match` accepts. */
  next<T extends ClientToScheduler['type']>(
    type: T,
    match?: (m: Extract<ClientToScheduler, { type: T }>) => boolean,
  ): Promise<Extract<ClientToScheduler, { type: T }>>;
  close(): Promise<void>;
}

export interface FakeSchedulerOptions {
  /** Answer like a tiny cluster (see the header); `worker` holds the results. */
  autoRun?: { worker: FakeWorker };
}

/** Rebuilds the TaskGraph of an update-graph (keys, decoded nodes; the CSR is derived again from the nodes). */
export function graphOfMessage(m: UpdateGraphMsg) {
  return lowerArrays(
    m.keys.slice(),
    m.nodes.map((n) => decodeNode(n) as Node),
  );
}

/** Starts a fake scheduler on 127.0.0.1, port 0. */
export async function fakeScheduler(opts: FakeSchedulerOptions = {}): Promise<FakeScheduler> {
  const received: ClientToScheduler[] = [];
  const scattered = new Map<Key, unknown>();
  const conns: Connection[] = [];
  const waiters: { pick: (m: ClientToScheduler) => boolean }[] = [];
  const sync: Scheduler | undefined = opts.autoRun !== undefined ? await getScheduler('sync') : undefined;
  const l = await listen({
    token: TOKEN,
    onConnection: (conn, hello) => {
      if (hello.role !== 'client') return conn.close();
      conns.push(conn);
      conn.send({ type: 'client-welcome', clientId: `client-${conns.length}`, workers: 1 });
      let scatterWaiting: { id: number; key: Key } | undefined;
      conn.onFrame((f) => {
        if (f.kind === 'body') {
          const s = scatterWaiting as { id: number; key: Key };
          scatterWaiting = undefined;
          const value = decodeWireValue(f.bytes);
          scattered.set(s.key, value);
          if (opts.autoRun !== undefined) {
            sync!.scatter(new Map([[s.key, value]]));
            opts.autoRun.worker.data.set(s.key, value);
            conn.send({ type: 'scattered', id: s.id, key: s.key, worker: opts.autoRun.worker.address });
          }
          return;
        }
        const msg = checkFromClient(f.message);
        received.push(msg);
        if (msg.type === 'scatter') scatterWaiting = { id: msg.id, key: msg.key };
        for (let i = 0; i < waiters.length; i++) if (waiters[i]!.pick(msg)) waiters.splice(i--, 1);
        if (opts.autoRun !== undefined) autoAnswer(conn, msg, sync!, opts.autoRun.worker);
      });
    },
  });
  listeners.push(l);
  return {
    address: `tcp://127.0.0.1:${l.address.port}`,
    received,
    scattered,
    conns,
    send: (m) => conns[conns.length - 1]!.send(m),
    next(type, match) {
      const ok = (m: ClientToScheduler): boolean => m.type === type && (match === undefined || match(m as never));
      const seen = received.find(ok);
      if (seen !== undefined) return Promise.resolve(seen as never);
      return new Promise((resolve) => waiters.push({ pick: (m) => (ok(m) ? (resolve(m as never), true) : false) }));
    },
    close: () => l.close(),
  };
}

/** The tiny cluster's answers: run graphs on 'sync', keep outputs on `worker`. */
function autoAnswer(conn: Connection, msg: ClientToScheduler, sync: Scheduler, worker: FakeWorker): void {
  if (msg.type === 'who-has') {
    const whoHas: Record<Key, string[]> = {};
    for (const k of msg.keys) whoHas[k] = worker.data.has(k) ? [worker.address] : [];
    conn.send({ type: 'who-has-reply', id: msg.id, whoHas });
  } else if (msg.type === 'update-graph') {
    conn.send({ type: 'graph-accepted', id: msg.id });
    const run = sync.run(graphOfMessage(msg), msg.outputs, {});
    msg.outputs.forEach((k, i) => {
      run.output(i).then(
        async () => {
          const [v] = await sync.gather([k]);
          worker.data.set(k, v);
          conn.send({ type: 'task-done', key: k, nbytes: 8 });
        },
        (err: unknown) => conn.send({ type: 'task-erred', key: k, error: serializeError(err) as unknown as Record<string, unknown> }),
      );
    });
  }
}
