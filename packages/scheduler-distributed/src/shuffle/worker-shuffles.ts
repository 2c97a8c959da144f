/**
 * A worker's part in P2P shuffles (as distributed's ShuffleWorkerPlugin and ShuffleRun): it runs
 * the three p2p tasks itself (its threads run only the user's split and combine ops) and keeps
 * the buckets it receives on disk until they are unpacked.
 *
 * - transfer i: runs the split on a thread, encodes each bucket once, sends the buckets of each
 *   destination worker as one message (ShardSender; buckets for itself go straight to its own
 *   files) and finishes once every destination has buffered them. Its result is the run it sent
 *   for. When a send fails (the destination died) it waits for the scheduler's next run of the
 *   shuffle (learnt from the compute-task messages that carry it: `observe`) and sends again
 *   there; with none within `newRunWaitMs` it fails with TSDASK_P2P_PEER. Finishing, it sends
 *   again when a newer run appeared meanwhile, so a result never names a dropped run.
 * - barrier: checks that every transfer's result is its own run (TSDASK_P2P_STALE otherwise).
 * - unpack j: reads output j's file (on the worker that owns j: the scheduler sends it there),
 *   checks it holds exactly one bucket from each input (TSDASK_P2P_SHARDS), and combines them in
 *   input order on a thread, as the task-based shuffle's output task would.
 *
 * Received buckets go to the current run's ShardFiles (shard-files.ts) under a folder of the
 * worker's local directory named as the spill folders are (`tsdask-spill-<pid>-*`), so it is
 * removed when the worker exits and found stale after a SIGKILL; buckets of an older run than
 * the newest known are refused, and an older run's files are removed when a newer run appears.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { forEachRef, type Key, type Node, type Task } from '@tsdask/core-graph';
import { failedBatch, type BatchResult } from '@tsdask/runtime';
import { folderPrefix, registerOpen, removeStale, unregisterOpen } from '@tsdask/runtime/spill';
import type { Connection } from '../comm/connection.js';
import type { ShuffleShardsMsg } from '../protocol/messages.js';
import { decodeWireValue, encodeWireValue } from '../protocol/values.js';
import { P2PShuffleError } from './errors.js';
import { ownerOf, p2pKindOf, specOf, type P2PRunSpec } from './run-spec.js';
import { ShardFiles, type Shard } from './shard-files.js';
import { ShardSender } from './shard-sender.js';

/** The value held under a key (undefined when none is). */
export type Held = (key: Key) => { value: unknown } | undefined;

/** What the worker gives its shuffle part. */
export interface WorkerShufflesOptions {
  /** This worker's data address (its id in a run's worker list). */
  address: string;
  /** Folder to make the shuffle folder in (the worker's local directory; default the system temp folder). */
  localDirectory: string | undefined;
  /** Bytes of received buckets buffered in memory per run before they are written to disk. */
  bufferBytes: number;
  /** Opens a connection to a worker's data port. */
  dial: (address: string) => Promise<Connection>;
  /** Runs a task node on the worker's threads; `held(key)` gives the values its refs name. */
  runThread: (key: Key, node: Node, held: Held) => Promise<BatchResult>;
  log: (line: string) => void;
  /** How long a transfer whose send failed waits for the scheduler's next run (default 30 s). */
  newRunWaitMs?: number;
}

/** One run's files here and how many of its partitions owned here are still to unpack (counted at the first unpack). */
interface RunHere {
  files: ShardFiles;
  left: number | undefined;
}

const done = (value: unknown, nbytes: number): BatchResult => {
  const t = performance.timeOrigin + performance.now();
  return { ok: true, value, nbytes, start: t, stop: t, worker: -1 };
};

/** The worker's P2P shuffle runs. */
export class WorkerShuffles {
  readonly #o: WorkerShufflesOptions;
  readonly #sender: ShardSender;
  /** The newest spec seen per shuffle (from compute-task). */
  readonly #latest = new Map<string, P2PRunSpec>();
  /** The newest run number seen per shuffle (specs and received buckets). */
  readonly #latestRun = new Map<string, number>();
  readonly #runs = new Map<string, RunHere>();
  readonly #waiters = new Set<() => void>();
  /** Transfers running here, by key: a second execute of one (the scheduler sent it again after a restart) joins the first, which sends to the newest run. */
  readonly #transfers = new Map<Key, Promise<BatchResult>>();
  #dir: string | undefined;
  readonly #closable = { closeSync: (): void => this.#removeDir() };
  #closed = false;

  constructor(o: WorkerShufflesOptions) {
    this.#o = o;
    this.#sender = new ShardSender(o.dial);
  }

  /** The shuffle folder, once made. */
  get dir(): string | undefined {
    return this.#dir;
  }

  /** Bytes of received buckets buffered in memory now, over all runs. */
  get bufferedBytes(): number {
    let n = 0;
    for (const r of this.#runs.values()) n += r.files.buffered;
    return n;
  }

  /** A compute-task's node: a p2p task's spec tells of the shuffle's current run. */
  observe(node: Node): void {
    if (p2pKindOf(node) === undefined) return;
    const spec = specOf(node as Task);
    if (typeof spec.run !== 'number') return;
    const known = this.#latest.get(spec.id);
    if (known !== undefined && known.run >= spec.run) return;
    this.#latest.set(spec.id, spec);
    this.#sawRun(spec.id, spec.run);
    for (const wake of [...this.#waiters]) wake();
  }

  /** Buckets from a peer (or from this worker's own transfer); resolves once buffered. */
  async receive(msg: Omit<ShuffleShardsMsg, 'id'>, bodies: readonly Uint8Array[]): Promise<void> {
    if (this.#closed) throw new Error('the worker is closing');
    const newest = this.#latestRun.get(msg.shuffle) ?? 0;
    if (msg.run < newest) throw new P2PShuffleError('TSDASK_P2P_STALE', msg.shuffle, msg.run, `buckets of run ${msg.run} refused: run ${newest} replaced it`);
    this.#sawRun(msg.shuffle, msg.run);
    const here = this.#here(msg.shuffle, msg.run);
    const shards: Shard[] = msg.parts.map((part, k) => ({ part, input: msg.input, bytes: bodies[k]! }));
    await here.files.add(shards);
  }

  /** Runs p2p task `key` (node `node`); `held(key)` gives the values of its inputs. A failure comes back as data. */
  async execute(key: Key, node: Task, held: Held): Promise<BatchResult> {
    try {
      const spec = specOf(node);
      if (spec.failed !== undefined) throw new P2PShuffleError('TSDASK_P2P_RESTARTS', spec.id, spec.run, spec.failed);
      this.observe(node);
      switch (p2pKindOf(node)) {
        case 'transfer': {
          let running = this.#transfers.get(key);
          if (running === undefined) {
            running = this.#transfer(key, node, spec, held).finally(() => this.#transfers.delete(key));
            this.#transfers.set(key, running);
          }
          return await running;
        }
        case 'barrier':
          return this.#barrier(node, spec, held);
        default:
          return await this.#unpack(key, node, spec, held);
      }
    } catch (err) {
      return failedBatch(err, 0, -1);
    }
  }

  /** Stops sending and removes the shuffle folder. */
  close(): void {
    this.#closed = true;
    this.#sender.close();
    for (const wake of [...this.#waiters]) wake();
    this.#removeDir();
  }

  async #transfer(key: Key, node: Task, spec: P2PRunSpec, held: Held): Promise<BatchResult> {
    const input = node.args[1] as number;
    const r = await this.#o.runThread(key, node.args[2] as Node, held);
    if (!r.ok) return r;
    const buckets = r.value;
    if (!Array.isArray(buckets) || buckets.length !== spec.outputs)
      throw new P2PShuffleError(
        'TSDASK_P2P_SHARDS',
        spec.id,
        spec.run,
        `the split of input ${input} gave ${Array.isArray(buckets) ? `${buckets.length} buckets` : typeof buckets}, not ${spec.outputs} buckets`,
      );
    const encoded = buckets.map((b) => encodeWireValue(b));
    let cur = spec;
    for (;;) {
      try {
        await this.#sendAll(cur, input, encoded);
      } catch (err) {
        const next = await this.#newerRun(cur);
        if (next === undefined)
          throw new P2PShuffleError('TSDASK_P2P_PEER', cur.id, cur.run, `transfer of input ${input} could not deliver its buckets: ${(err as Error).message}`, {
            cause: err,
          });
        this.#o.log(`p2p ${cur.id}: input ${input} sends again in run ${next.run} (${(err as Error).message})`);
        cur = next;
        continue;
      }
      const newest = this.#latest.get(cur.id);
      if (newest === undefined || newest.run <= cur.run) break;
      cur = newest; // a restart happened while sending: the buckets belong to the newer run
    }
    return done(cur.run, 8);
  }

  /** Sends input `input`'s encoded buckets to their owners in run `spec`, one message per worker; resolves once all are buffered. */
  #sendAll(spec: P2PRunSpec, input: number, encoded: Uint8Array[]): Promise<void[]> {
    const byOwner = new Map<string, number[]>();
    for (let j = 0; j < encoded.length; j++) {
      const w = ownerOf(spec, j);
      const parts = byOwner.get(w);
      if (parts === undefined) byOwner.set(w, [j]);
      else parts.push(j);
    }
    return Promise.all(
      [...byOwner].map(([w, parts]) => {
        const msg = { type: 'shuffle-shards' as const, shuffle: spec.id, run: spec.run, input, parts };
        const bodies = parts.map((j) => encoded[j]!);
        return w === this.#o.address ? this.receive(msg, bodies) : this.#sender.send(w, msg, bodies);
      }),
    );
  }

  /** Resolves with a run of `spec`'s shuffle newer than it, once one is known, or undefined after `newRunWaitMs`. */
  #newerRun(spec: P2PRunSpec): Promise<P2PRunSpec | undefined> {
    const newer = (): P2PRunSpec | undefined => {
      const s = this.#latest.get(spec.id);
      return s !== undefined && s.run > spec.run ? s : undefined;
    };
    const now = newer();
    if (now !== undefined || this.#closed) return Promise.resolve(now);
    return new Promise((resolve) => {
      const finish = (): void => {
        clearTimeout(timer);
        this.#waiters.delete(wake);
        resolve(newer());
      };
      const wake = (): void => {
        if (newer() !== undefined || this.#closed) finish();
      };
      const timer = setTimeout(finish, this.#o.newRunWaitMs ?? 30_000);
      this.#waiters.add(wake);
    });
  }

  #barrier(node: Task, spec: P2PRunSpec, held: Held): BatchResult {
    for (const arg of node.args.slice(1)) {
      forEachRef(arg, (k) => {
        const run = held(k)?.value;
        if (run !== spec.run)
          throw new P2PShuffleError('TSDASK_P2P_STALE', spec.id, spec.run, `transfer '${k}' sent its buckets in run ${String(run)}, not this run`);
      });
    }
    return done(spec.run, 8);
  }

  async #unpack(key: Key, node: Task, spec: P2PRunSpec, held: Held): Promise<BatchResult> {
    const j = node.args[1] as number;
    const head = node.args[3] as Task;
    const owner = ownerOf(spec, j);
    if (owner !== this.#o.address)
      throw new P2PShuffleError('TSDASK_P2P_NOT_HERE', spec.id, spec.run, `output ${j} is kept by worker ${owner}, but its unpack ran on ${this.#o.address}`);
    const here = spec.inputs === 0 ? undefined : this.#runs.get(spec.id);
    if (spec.inputs > 0 && (here === undefined || here.files.run !== spec.run))
      throw new P2PShuffleError('TSDASK_P2P_SHARDS', spec.id, spec.run, `worker ${this.#o.address} holds no buckets of this run for output ${j}`);
    const shards = here === undefined ? [] : await here.files.read(j);
    const seen = new Uint8Array(spec.inputs);
    for (const s of shards) {
      if (s.input >= spec.inputs || seen[s.input] === 1)
        throw new P2PShuffleError('TSDASK_P2P_SHARDS', spec.id, spec.run, `output ${j} got input ${s.input}'s bucket twice or out of range`);
      seen[s.input] = 1;
    }
    if (shards.length !== spec.inputs)
      throw new P2PShuffleError('TSDASK_P2P_SHARDS', spec.id, spec.run, `output ${j} got ${shards.length} of its ${spec.inputs} buckets (one per input)`);
    shards.sort((a, b) => a.input - b.input);
    const values = new Map<Key, { value: unknown }>();
    const refs: Node[] = shards.map((s, k) => {
      const ref = `\u0000p2p-bucket-${k}`;
      values.set(ref, { value: decodeWireValue(s.bytes) });
      return { ref };
    });
    const combine: Task = { op: head.op, args: [...head.args, ...refs] };
    const r = await this.#o.runThread(key, combine, (k) => values.get(k) ?? held(k));
    if (here !== undefined) {
      if (here.left === undefined) {
        here.left = 0;
        for (let o = 0; o < spec.outputs; o++) if (ownerOf(spec, o) === this.#o.address) here.left++;
      }
      here.left--;
    }
    if (here !== undefined && here.left === 0 && this.#runs.get(spec.id) === here) {
      // Every output this worker owns in the run is unpacked: its folder goes.
      here.files.close();
      this.#runs.delete(spec.id);
    }
    return r;
  }

  #sawRun(id: string, run: number): void {
    if (run > (this.#latestRun.get(id) ?? 0)) this.#latestRun.set(id, run);
  }

  /** The run's files here, made on first use (an older run's are removed). */
  #here(id: string, run: number): RunHere {
    const cur = this.#runs.get(id);
    if (cur !== undefined && cur.files.run === run) return cur;
    if (cur !== undefined) cur.files.close();
    const here: RunHere = { files: new ShardFiles(this.#folder(), id, run, this.#o.bufferBytes), left: undefined };
    this.#runs.set(id, here);
    return here;
  }

  #folder(): string {
    if (this.#dir !== undefined) return this.#dir;
    const parent = resolve(this.#o.localDirectory ?? tmpdir());
    removeStale(parent);
    try {
      this.#dir = mkdtempSync(join(parent, folderPrefix()));
    } catch (err) {
      throw new P2PShuffleError('TSDASK_P2P_DISK', '-', 0, `cannot make a shuffle folder in ${parent}: ${(err as Error).message}`, { cause: err });
    }
    registerOpen(this.#closable);
    return this.#dir;
  }

  #removeDir(): void {
    for (const r of this.#runs.values()) r.files.close();
    this.#runs.clear();
    if (this.#dir === undefined) return;
    unregisterOpen(this.#closable);
    rmSync(this.#dir, { recursive: true, force: true });
    this.#dir = undefined;
  }
}
