// A fake scheduler for the worker's tests: listens on 127.0.0.1 behind the token handshake,
// welcomes each worker that registers, records every message a worker sends, and lets a test
// send protocol messages by hand. Also a peer helper that asks a worker's data port for keys.
import {
  connect,
  decodeWireValue,
  encodeWireValue,
  listen,
  parseAddress,
  type Connection,
  type DataMsg,
  type Listener,
  type RegisterWorkerMsg,
  type SchedulerToWorker,
  type WorkerToScheduler,
  Worker,
  type WorkerOptions,
} from '@tsdask/scheduler-distributed';

export const TOKEN = 'test-token-'.padEnd(64, 'x');

/** One registered worker as the fake scheduler sees it. */
export class WorkerLink {
  readonly messages: WorkerToScheduler[] = [];
  #waiters: { match: (m: WorkerToScheduler) => boolean; resolve: (m: WorkerToScheduler) => void; reject: (e: Error) => void }[] = [];
  constructor(
    readonly conn: Connection,
    readonly registration: RegisterWorkerMsg,
  ) {
    void conn.closed.then(() => {
      for (const w of this.#waiters.splice(0)) w.reject(new Error(`worker ${registration.address} disconnected before the awaited message`));
    });
  }

  receive(m: WorkerToScheduler): void {
    this.messages.push(m);
    const i = this.#waiters.findIndex((w) => w.match(m));
    if (i >= 0) this.#waiters.splice(i, 1)[0]!.resolve(m);
  }

  /** The first message of `type` (about `key`, when given) not awaited yet, in arrival order. */
  next<T extends WorkerToScheduler['type']>(type: T, key?: string): Promise<Extract<WorkerToScheduler, { type: T }>> {
    const match = (m: WorkerToScheduler): boolean => m.type === type && (key === undefined || (m as { key?: string }).key === key);
    for (let i = 0; i < this.messages.length; i++) {
      if (match(this.messages[i]!)) {
        const m = this.messages[i]!;
        this.messages.splice(i, 1);
        return Promise.resolve(m as Extract<WorkerToScheduler, { type: T }>);
      }
    }
    return new Promise((resolve, reject) => {
      this.#waiters.push({
        match,
        resolve: (m) => {
          this.messages.splice(this.messages.indexOf(m), 1);
          resolve(m as Extract<WorkerToScheduler, { type: T }>);
        },
        reject,
      });
    });
  }

  /** Forgets the messages of `type` received and not awaited yet: the next `next(type)` is one sent after now. */
  dropQueued(type: WorkerToScheduler['type']): void {
    for (let i = this.messages.length - 1; i >= 0; i--) if (this.messages[i]!.type === type) this.messages.splice(i, 1);
  }

  send(m: SchedulerToWorker, body?: Uint8Array): void {
    this.conn.send(m);
    if (body !== undefined) this.conn.sendBody(body);
  }

  /** Sends a trivial root task and waits for its result: every message sent before it has been handled. */
  async barrier(name: string): Promise<void> {
    this.send({ type: 'compute-task', key: name, node: JSON.stringify({ op: '@tsdask/core-graph/ops#identity', args: [0] }), priority: 0, inputs: [] });
    await this.next('task-finished', name);
  }
}

/** The fake scheduler. */
export class FakeScheduler {
  readonly workers: WorkerLink[] = [];
  #arrivals: ((w: WorkerLink) => void)[] = [];
  #listener: Listener | undefined;

  get listener(): Listener {
    return this.#listener!;
  }

  static async start(heartbeatMs = 60_000): Promise<FakeScheduler> {
    const fake = new FakeScheduler();
    fake.#listener = await listen({
      token: TOKEN,
      onConnection: (conn) => {
        let link: WorkerLink | undefined;
        conn.onFrame((f) => {
          if (f.kind !== 'control') return;
          const m = f.message as WorkerToScheduler;
          if (link === undefined && m.type === 'register-worker') {
            link = new WorkerLink(conn, m);
            conn.send({ type: 'worker-welcome', heartbeatMs });
            fake.workers.push(link);
            for (const a of fake.#arrivals.splice(0)) a(link);
          } else link?.receive(m);
        });
      },
    });
    return fake;
  }

  get address(): string {
    return `127.0.0.1:${this.listener.address.port}`;
  }

  /** The link of the worker registered under data address `address`. */
  link(address: string): WorkerLink {
    const l = this.workers.find((w) => w.registration.address === address);
    if (l === undefined) throw new Error(`no worker ${address} registered`);
    return l;
  }

  /** Resolves with the next worker to register (or one registered already and not yet taken). */
  nextWorker(): Promise<WorkerLink> {
    return new Promise((resolve) => this.#arrivals.push(resolve));
  }

  close(): Promise<void> {
    return this.listener.close();
  }
}

/** Asks the data port at `address` for `keys` as a peer; resolves with the reply and the decoded values of the found keys. */
export async function getData(address: string, keys: string[], token = TOKEN): Promise<{ reply: DataMsg; values: Map<string, unknown> }> {
  const { host, port } = parseAddress(address);
  const conn = await connect({ host, port, token, role: 'peer' });
  try {
    return await new Promise((resolve, reject) => {
      let reply: DataMsg | undefined;
      let withBody: string[] = []; // found keys whose value comes as a body frame (the others are inline JSON)
      const values = new Map<string, unknown>();
      void conn.closed.then(() => reject(new Error('the data port closed the connection')));
      conn.onFrame((f) => {
        if (f.kind === 'control') {
          reply = f.message as DataMsg;
          for (const x of reply.found) if (x.json !== undefined) values.set(x.key, JSON.parse(x.json));
          withBody = reply.found.filter((x) => x.json === undefined).map((x) => x.key);
        } else values.set(withBody.shift()!, decodeWireValue(f.bytes));
        if (reply !== undefined && values.size === reply.found.length) resolve({ reply, values });
      });
      conn.send({ type: 'get-data', id: 1, keys });
    });
  } finally {
    conn.close();
  }
}

export { encodeWireValue };

/** A task node as the scheduler sends it: `{ op, args }` as JSON. */
export const task = (op: string, ...args: unknown[]): string => JSON.stringify({ op, args });

/** Starts a fake scheduler and `n` workers joined to it; all are pushed on `open` (close them after the test). */
export async function startCluster(open: { close(): Promise<void> }[], n: number, extra: Partial<WorkerOptions> = {}, heartbeatMs = 60_000) {
  const fake = await FakeScheduler.start(heartbeatMs);
  open.push(fake);
  const workers: Worker[] = [];
  for (let i = 0; i < n; i++) {
    const w = await Worker.start({ scheduler: `tcp://${fake.address}`, token: TOKEN, log: () => {}, ...extra });
    open.push(w);
    workers.push(w);
  }
  return { fake, workers, links: workers.map((w) => fake.link(w.address)) };
}
