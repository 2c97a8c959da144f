/**
 * A worker's part in P2P shuffles (as distributed's ShuffleWorkerPlugin and ShuffleRun): it runs
 * the three p2p tasks itself (its threads run only the user's split and combine ops) and keeps
 * the buckets it receives on disk until they are unpacked.
 *
 * - transfer i: runs the split on a thread and sends the buckets it owes to their owners, one
 *   message per destination worker (transfer-sends.ts; buckets for itself go straight to its own
 *   files), through the runs the scheduler opens meanwhile (learnt from the compute-task messages
 *   that carry them: `observe`). Its result is the run it finished in, which its task-finished
 *   carries too (`takeRun`; a failure carries the run it failed in, and every other p2p task's
 *   report its task's run): the scheduler drops a report from a run before a restart.
 * - barrier: checks that every transfer's result is its own run (TSDASK_P2P_STALE otherwise).
 * - unpack j: reads output j's file (on the worker that owns j: the scheduler sends it there),
 *   checks it holds exactly one bucket from each input (TSDASK_P2P_SHARDS), and combines them in
 *   input order on a thread, as the task-based shuffle's output task would. The file is removed
 *   once the result is kept (`keeps`): an unpack the scheduler took back during a restart (its
 *   barrier ran again) is sent again and reads the same file.
 *
 * Received buckets go to the shuffle's ShardFiles (shard-files.ts) under a folder of the worker's
 * local directory named as the spill folders are (`tsdask-spill-<pid>-*`), so it is removed when
 * the worker exits and found stale after a SIGKILL. A restart (a worker lost) does not drop them:
 * only the lost worker's partitions move (restart-plan.ts). Buckets for a partition already
 * unpacked here are dropped unless they come in a newer run than its unpack (a restart gave the
 * partition back: its result was lost after its file went), and an unpack keeps its file when a
 * newer run sent the partition buckets while it ran (that run's unpack reads it); a shuffle's files
 * go once every partition it owns here is unpacked and no buckets wait in them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { forEachRef, type Key, type Node, type Task } from '@tsdask/core-graph';
import { failedBatch, type BatchResult } from '@tsdask/runtime';
import { folderPrefix, registerOpen, removeStale, unregisterOpen } from '@tsdask/runtime/spill';
import type { Connection } from '../comm/connection.js';
import type { ShuffleShardsMsg } from '../protocol/messages.js';
import { decodeWireValue } from '../protocol/values.js';
import { ByteBudget } from './byte-budget.js';
import { P2PShuffleError } from './errors.js';
import { owedBy, ownerOf, p2pKindOf, specOf, type P2PRunSpec } from './run-spec.js';
import { ShardFiles, type Shard } from './shard-files.js';
import { ShardSender } from './shard-sender.js';
import { sendBuckets, type TransferContext } from './transfer-sends.js';

/** The value held under a key (undefined when none is). */
export type Held = (key: Key) => { value: unknown } | undefined;

/** What the worker gives its shuffle part. */
export interface WorkerShufflesOptions {
  /** This worker's data address (its id in a run's worker list). */
  address: string;
  /** Folder to make the shuffle folder in (the worker's local directory; default the system temp folder). */
  localDirectory: string | undefined;
  /**
   * The byte bound of each of its two shuffle buffers (byte-budget.ts): received buckets held
   * until written to disk (over all shuffles), and buckets sent and not yet acked; a message
   * carries at most a quarter of it (one bucket more, if a bucket is bigger).
   */
  bufferBytes: number;
  /** Opens a connection to a worker's data port. */
  dial: (address: string) => Promise<Connection>;
  /** Runs a task node on the worker's threads; `held(key)` gives the values its refs name. */
  runThread: (key: Key, node: Node, held: Held) => Promise<BatchResult>;
  log: (line: string) => void;
  /** How long a transfer's sends may keep failing (retried) with no newer run of the scheduler's before it fails (default 30 s). */
  newRunWaitMs?: number;
  /** Whether the worker keeps the result of task `key` now (the scheduler did not take it back); default always. */
  keeps?: (key: Key) => boolean;
}

/** One shuffle here: its files (while some partition owned here is still to unpack) and what was unpacked and received. */
interface ShuffleHere {
  files: ShardFiles | undefined;
  /**
   * Partitions unpacked here with their result kept, with the run they were unpacked in: buckets
   * for them from that run or an older one are dropped. A newer run sends them again only when a
   * restart gave the partition back to this worker (its result was lost after its file went).
   */
  readonly unpacked: Map<number, number>;
  /**
   * Per partition, the newest run that sent it buckets here. An unpack of an older run does not
   * remove its file: that newer run's unpack reads it (a bucket it sent while the older unpack
   * ran was a duplicate of one in the file, so it was not taken again).
   */
  readonly newest: Map<number, number>;
  /** Buckets taken, and dropped as duplicates or for a partition already unpacked. */
  received: number;
  dropped: number;
}

/** The inputs whose bucket is missing (`seen[i]` 0), listed up to ten. */
function missingInputs(seen: Uint8Array): string {
  const missing: number[] = [];
  for (let i = 0; i < seen.length; i++) if (seen[i] === 0) missing.push(i);
  return missing.length > 10 ? `${missing.slice(0, 10).join(', ')} and ${missing.length - 10} more` : missing.join(', ');
}

const done = (value: unknown, nbytes: number): BatchResult => {
  const t = performance.timeOrigin + performance.now();
  return { ok: true, value, nbytes, start: t, stop: t, worker: -1 };
};

/** The worker's P2P shuffle runs. */
export class WorkerShuffles {
  readonly #o: WorkerShufflesOptions;
  readonly #sender: ShardSender;
  /** Received buckets in memory until written (shard-files.ts): a sender's ack waits for room. */
  readonly #receiveBudget: ByteBudget;
  /** The newest spec seen per shuffle (from compute-task). */
  readonly #latest = new Map<string, P2PRunSpec>();
  readonly #here = new Map<string, ShuffleHere>();
  readonly #waiters = new Set<() => void>();
  /** Transfers running here, by key: a second execute of one (the scheduler sent it again after a restart) joins the first, which sends to the newest run. */
  readonly #transfers = new Map<Key, Promise<BatchResult>>();
  /** The run of each p2p result not yet reported to the scheduler (`takeRun`). */
  readonly #runs = new Map<Key, number>();
  #dir: string | undefined;
  readonly #closable = { closeSync: (): void => this.#removeDir() };
  #closed = false;

  constructor(o: WorkerShufflesOptions) {
    this.#o = o;
    this.#sender = new ShardSender(o.dial, new ByteBudget(o.bufferBytes));
    this.#receiveBudget = new ByteBudget(o.bufferBytes, () => {
      for (const h of this.#here.values()) h.files?.flush().catch(() => {}); // a failed write fails the next add or read
    });
  }

  /** The shuffle folder, once made. */
  get dir(): string | undefined {
    return this.#dir;
  }

  /** Bytes of shuffle buckets in memory now: received and not yet written to disk, over all shuffles, plus sent and not yet acked. */
  get bufferedBytes(): number {
    return this.#receiveBudget.used + this.#sender.inFlight;
  }

  /** The most bytes each buffer held at once so far: received (until written) and sent (until acked). */
  get peakBuffered(): { received: number; sent: number } {
    return { received: this.#receiveBudget.peak, sent: this.#sender.peakInFlight };
  }

  /** Buckets received for shuffle `id` here: taken, and dropped (duplicates, or for partitions already unpacked). */
  received(id: string): { taken: number; dropped: number } {
    const h = this.#here.get(id);
    return { taken: h?.received ?? 0, dropped: h?.dropped ?? 0 };
  }

  /** A compute-task's node: a p2p task's spec tells of the shuffle's current run. */
  observe(node: Node): void {
    if (p2pKindOf(node) === undefined) return;
    const spec = specOf(node as Task);
    if (typeof spec.run !== 'number') return;
    const known = this.#latest.get(spec.id);
    if (known !== undefined && known.run >= spec.run) return;
    this.#latest.set(spec.id, spec);
    for (const wake of [...this.#waiters]) wake();
  }

  /**
   * Buckets from a peer (or from this worker's own transfer); resolves once buffered. Buckets of
   * any run are taken: a partition's owner keeps its buckets across restarts.
   */
  async receive(msg: Omit<ShuffleShardsMsg, 'id'>, bodies: readonly Uint8Array[]): Promise<void> {
    if (this.#closed) throw new Error('the worker is closing');
    const here = this.#shuffle(msg.shuffle);
    const shards: Shard[] = [];
    for (let k = 0; k < msg.parts.length; k++) {
      const part = msg.parts[k]!;
      const at = here.unpacked.get(part);
      if (at === undefined || msg.run > at) {
        shards.push({ part, input: msg.input, bytes: bodies[k]! });
        if (msg.run > (here.newest.get(part) ?? 0)) here.newest.set(part, msg.run);
      }
      if (at !== undefined && msg.run > at) here.unpacked.delete(part);
    }
    here.dropped += msg.parts.length - shards.length;
    if (shards.length === 0) return;
    here.files ??= new ShardFiles(this.#folder(), msg.shuffle, msg.run, this.#receiveBudget);
    const taken = await here.files.add(shards);
    here.received += taken;
    here.dropped += shards.length - taken;
  }

  /** Runs p2p task `key` (node `node`); `held(key)` gives the values of its inputs. A failure comes back as data. */
  async execute(key: Key, node: Task, held: Held): Promise<BatchResult> {
    const spec = specOf(node);
    let r: BatchResult;
    try {
      if (spec.failed !== undefined) throw new P2PShuffleError('TSDASK_P2P_RESTARTS', spec.id, spec.run, spec.failed);
      this.observe(node);
      switch (p2pKindOf(node)) {
        case 'transfer': {
          let running = this.#transfers.get(key);
          if (running === undefined) {
            running = this.#transfer(key, node, spec, held).finally(() => this.#transfers.delete(key));
            this.#transfers.set(key, running);
          }
          r = await running;
          break;
        }
        case 'barrier':
          r = this.#barrier(node, spec, held);
          break;
        default:
          r = await this.#unpack(key, node, spec, held);
      }
    } catch (err) {
      r = failedBatch(err, 0, -1);
    }
    // The run its report names: a transfer's is the one it finished in (its value), or failed in.
    const e = r.ok ? undefined : r.error;
    const failedIn = e?.name === 'P2PShuffleError' && e.fields.shuffle === spec.id && typeof e.fields.run === 'number' ? e.fields.run : undefined;
    this.#runs.set(key, r.ok && p2pKindOf(node) === 'transfer' ? (r.value as number) : (failedIn ?? spec.run));
    return r;
  }

  /** Stops sending and removes the shuffle folder. */
  close(): void {
    this.#closed = true;
    this.#sender.close();
    this.#receiveBudget.close(new Error('the worker is closing'));
    for (const wake of [...this.#waiters]) wake();
    this.#removeDir();
  }

  async #transfer(key: Key, node: Task, spec: P2PRunSpec, held: Held): Promise<BatchResult> {
    const input = node.args[1] as number;
    const only = owedBy(node);
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
    const ctx: TransferContext = {
      latest: (id) => this.#latest.get(id),
      newerRun: (s, waitMs) => this.#newerRun(s, waitMs),
      giveUpMs: this.#o.newRunWaitMs ?? 30_000,
      maxMessageBytes: Math.max(1, Math.floor(this.#o.bufferBytes / 4)),
      send: (owner, msg, bodies) => (owner === this.#o.address ? this.receive(msg, bodies) : this.#sender.send(owner, msg, bodies)),
    };
    const out = await sendBuckets(ctx, spec, input, buckets, only);
    this.#o.log(
      `p2p ${spec.id}: input ${input} sent ${out.sent} bucket(s), run ${out.run}${only !== undefined ? ` (owing ${only.length} of ${spec.outputs})` : ''}`,
    );
    return done(out.run, 8);
  }

  /** The run p2p task `key`'s last result names (a transfer's: the run it finished or failed in), once, for its task-finished or task-erred; undefined for other tasks. */
  takeRun(key: Key): number | undefined {
    const run = this.#runs.get(key);
    this.#runs.delete(key);
    return run;
  }

  /** Resolves with a run of `spec`'s shuffle newer than it, once one is known, or undefined after `waitMs`. */
  #newerRun(spec: P2PRunSpec, waitMs: number): Promise<P2PRunSpec | undefined> {
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
      const timer = setTimeout(finish, waitMs);
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
      throw new P2PShuffleError(
        'TSDASK_P2P_NOT_HERE',
        spec.id,
        spec.run,
        `output ${j} is kept by worker ${owner || '(none)'}, but its unpack ran on ${this.#o.address}`,
      );
    const here = this.#here.get(spec.id);
    const shards = spec.inputs === 0 || here?.files === undefined ? [] : await here.files.read(j);
    const seen = new Uint8Array(spec.inputs);
    for (const s of shards) {
      if (s.input >= spec.inputs || seen[s.input] === 1)
        throw new P2PShuffleError('TSDASK_P2P_SHARDS', spec.id, spec.run, `output ${j} got input ${s.input}'s bucket twice or out of range`);
      seen[s.input] = 1;
    }
    if (shards.length !== spec.inputs)
      throw new P2PShuffleError(
        'TSDASK_P2P_SHARDS',
        spec.id,
        spec.run,
        `output ${j} got ${shards.length} of its ${spec.inputs} buckets (one per input) on worker ${this.#o.address}; ` +
          `missing the bucket(s) of input(s) ${missingInputs(seen)}. They were lost: most often an output already unpacked was ` +
          `lost with its worker while no other worker was alive to receive its buckets again, and this worker had removed its file. ` +
          'Compute it again (its inputs are recomputed); to avoid it, keep more than one worker alive during the shuffle ' +
          '(give workers more memory, or split the data into more partitions).',
      );
    shards.sort((a, b) => a.input - b.input);
    const values = new Map<Key, { value: unknown }>();
    const refs: Node[] = shards.map((s, k) => {
      const ref = `\u0000p2p-bucket-${k}`;
      values.set(ref, { value: decodeWireValue(s.bytes) });
      return { ref };
    });
    const combine: Task = { op: head.op, args: [...head.args, ...refs] };
    const r = await this.#o.runThread(key, combine, (k) => values.get(k) ?? held(k));
    if (r.ok && here !== undefined && (this.#o.keeps?.(key) ?? true)) await this.#unpacked(spec, here, j);
    return r;
  }

  /** Output `j`'s result is kept: its file goes, and the shuffle's files once every partition owned here is unpacked. */
  async #unpacked(run: P2PRunSpec, here: ShuffleHere, j: number): Promise<void> {
    const id = run.id;
    if ((here.newest.get(j) ?? 0) > run.run) return; // a newer run sent its buckets: its unpack reads this file
    here.unpacked.set(j, Math.max(run.run, here.unpacked.get(j) ?? 0));
    const files = here.files;
    if (files === undefined) return;
    await files.drop(j);
    if (here.files !== files) return;
    const spec = this.#latest.get(id)!;
    // Files stay while some partition owned here is still to unpack, or buckets wait in them (a
    // newer run's, for a partition moved here before this worker heard of that run).
    let left = files.parts > 0;
    for (let o = 0; o < spec.outputs && !left; o++) left = ownerOf(spec, o) === this.#o.address && !here.unpacked.has(o);
    if (left) return;
    here.files = undefined;
    files.close();
    this.#o.log(`p2p ${id}: every output owned here is unpacked (${here.unpacked.size}); received ${here.received} bucket(s), dropped ${here.dropped}`);
  }

  /** The shuffle's state here, made on first use. */
  #shuffle(id: string): ShuffleHere {
    let here = this.#here.get(id);
    if (here === undefined) this.#here.set(id, (here = { files: undefined, unpacked: new Map(), newest: new Map(), received: 0, dropped: 0 }));
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
    for (const r of this.#here.values()) r.files?.close();
    this.#here.clear();
    if (this.#dir === undefined) return;
    unregisterOpen(this.#closable);
    rmSync(this.#dir, { recursive: true, force: true });
    this.#dir = undefined;
  }
}
