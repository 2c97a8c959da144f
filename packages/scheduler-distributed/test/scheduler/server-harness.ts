/**
 * Test helpers for SchedulerServer: fake workers and clients that speak the protocol by hand
 * over comm `connect()` on 127.0.0.1, a mailbox that collects what they receive (and waits for
 * a message matching a predicate), and a cleanup list closed after each test.
 */
import { task, type Key } from '@tsdask/core-graph';
import {
  connect,
  encodeNode,
  SchedulerServer,
  type Connection,
  type Frame,
  type SchedulerServerOptions,
  type UpdateGraphMsg,
} from '@tsdask/scheduler-distributed';

export const TOKEN = 'b'.repeat(64);

/** One received frame and who received it. */
export interface Got {
  by: string;
  frame: Frame;
  /** The control message (undefined for a body frame). */
  msg: Record<string, unknown> | undefined;
}

/** Collects frames from several connections; `take` removes and returns the first that matches, waiting for it if needed. */
export class Mailbox {
  readonly items: Got[] = [];
  #waiters: { pred: (g: Got) => boolean; resolve: (g: Got) => void }[] = [];

  attach(conn: Connection, by: string): void {
    conn.onFrame((frame) => {
      const g: Got = { by, frame, msg: frame.kind === 'control' ? (frame.message as Record<string, unknown>) : undefined };
      const w = this.#waiters.findIndex((x) => x.pred(g));
      if (w >= 0) this.#waiters.splice(w, 1)[0]!.resolve(g);
      else this.items.push(g);
    });
  }

  /** The first frame matching `pred` (removed from the box). */
  take(pred: (g: Got) => boolean): Promise<Got> {
    const at = this.items.findIndex(pred);
    if (at >= 0) return Promise.resolve(this.items.splice(at, 1)[0]!);
    return new Promise((resolve) => this.#waiters.push({ pred, resolve }));
  }

  /** The first control message of `type` (optionally received by `by`, optionally with `key`). */
  async msg(type: string, opts: { by?: string; key?: string } = {}): Promise<Got & { msg: Record<string, unknown> }> {
    return (await this.take(
      (g) =>
        g.msg !== undefined && g.msg['type'] === type && (opts.by === undefined || g.by === opts.by) && (opts.key === undefined || g.msg['key'] === opts.key),
    )) as Got & { msg: Record<string, unknown> };
  }

  /** Control messages of `type` still in the box (not taken). */
  pending(type: string): Record<string, unknown>[] {
    return this.items.flatMap((g) => (g.msg !== undefined && g.msg['type'] === type ? [g.msg] : []));
  }
}

/** Things to close after a test. */
export class Cleanup {
  readonly #closers: (() => unknown)[] = [];
  add(f: () => unknown): void {
    this.#closers.push(f);
  }
  async run(): Promise<void> {
    for (const f of this.#closers.splice(0).reverse()) await f();
  }
}

/** Starts a server on 127.0.0.1:0 whose log lines are collected. */
export async function startServer(cleanup: Cleanup, opts: Partial<SchedulerServerOptions> = {}): Promise<{ server: SchedulerServer; logs: string[] }> {
  const logs: string[] = [];
  const server = await SchedulerServer.start({ token: TOKEN, log: (l) => logs.push(l), ...opts });
  cleanup.add(() => server.close());
  return { server, logs };
}

/** Connects a fake client (welcome taken). */
export async function fakeClient(server: SchedulerServer, box: Mailbox, name: string, cleanup: Cleanup): Promise<Connection> {
  const conn = await connect({ port: server.address.port, token: TOKEN, role: 'client' });
  cleanup.add(() => conn.close());
  box.attach(conn, name);
  await box.msg('client-welcome', { by: name });
  return conn;
}

/** Connects and registers a fake worker named by its (made-up) data address; resolves once the scheduler counts it. */
export async function fakeWorker(server: SchedulerServer, box: Mailbox, address: string, cleanup: Cleanup, nthreads = 1): Promise<Connection> {
  const conn = await connect({ port: server.address.port, token: TOKEN, role: 'worker' });
  cleanup.add(() => conn.close());
  box.attach(conn, address);
  conn.send({ type: 'register-worker', name: address, address, nthreads, memoryLimit: 0, pid: 1 });
  await box.msg('worker-welcome', { by: address });
  return conn;
}

/** An update-graph message for a DAG drawn as key -> deps; nodes are `test#f(...refs)` on the wire. */
export function graphMsg(id: number, drawn: Record<Key, Key[]>, outputs: Key[], extra: Partial<UpdateGraphMsg> = {}): UpdateGraphMsg {
  const keys = Object.keys(drawn);
  const depPtr = [0];
  const depIdx: number[] = [];
  for (const k of keys) {
    for (const d of drawn[k]!) depIdx.push(keys.indexOf(d));
    depPtr.push(depIdx.length);
  }
  const nodes = keys.map((k) => encodeNode(task('test#f', k, ...drawn[k]!.map((d) => ({ ref: d })))));
  return { type: 'update-graph', id, keys, nodes, depPtr, depIdx, outputs, priorities: keys.map((_, i) => i), held: [], sources: [], ...extra };
}
