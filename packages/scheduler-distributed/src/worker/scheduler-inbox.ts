/**
 * What a worker does with each frame from its scheduler: a control message becomes a stimulus
 * of the worker's state machine (compute-task, free-keys, steal-request, acquire-replicas) or is
 * answered on the spot (define-ops, close-worker, dump-state); the body frame that follows a
 * receive-data is the value announced, put in the store. A frame out of place (a body nobody
 * announced, a control message where a body was due) or a malformed message throws
 * MessageShapeError: the worker then closes the connection. The inbox's own state is the
 * receive-data awaiting its body and the keys being copied for acquire-replicas.
 */
import type { Node, OpId } from '@tsdask/core-graph';
import { MessageShapeError } from '../comm/errors.js';
import type { Frame } from '../comm/frames.js';
import { checkToWorker } from '../protocol/check.js';
import type { SchedulerToWorker, WorkerToScheduler } from '../protocol/messages.js';
import { decodeNode, decodeWireValue } from '../protocol/values.js';
import { p2pKindOfWire } from '../shuffle/run-spec.js';
import type { WorkerShuffles } from '../shuffle/worker-shuffles.js';
import type { DataStore } from './data-store.js';
import type { WorkerStimulus } from './state/messages.js';
import type { WorkerStateMachine } from './state/machine.js';
import { workerSnapshot } from './state-dump.js';

/** What the inbox uses of its worker. */
export interface SchedulerInboxContext {
  readonly name: string;
  readonly address: string;
  readonly nthreads: number;
  readonly memoryLimit: number;
  readonly store: DataStore;
  readonly machine: WorkerStateMachine;
  readonly shuffles: WorkerShuffles;
  /** Sources of the portable functions the scheduler defined (define-ops), filled here. */
  readonly sources: Map<OpId, string>;
  sid(what: string): string;
  handle(stimulus: WorkerStimulus): void;
  send(msg: WorkerToScheduler): void;
  log(line: string): void;
  /** The scheduler asked the worker to close. */
  close(reason: string): void;
}

/** Turns the scheduler's frames into stimuli and answers. */
export class SchedulerInbox {
  /** Keys the scheduler asked this worker to copy (acquire-replicas): reported by replicas-added once here. */
  readonly replicating = new Set<string>();
  /** The receive-data whose body frame is due next. */
  #receiving: { key: string; nbytes: number } | undefined;
  readonly #c: SchedulerInboxContext;

  constructor(c: SchedulerInboxContext) {
    this.#c = c;
  }

  /** Forgets what was in progress with a scheduler that went (a body due, replicas asked). */
  reset(): void {
    this.#receiving = undefined;
    this.replicating.clear();
  }

  /** Handles one frame from the scheduler; throws MessageShapeError for one out of place. */
  onFrame(frame: Frame): void {
    const receiving = this.#receiving;
    if (receiving !== undefined) {
      this.#receiving = undefined;
      if (frame.kind !== 'body')
        throw new MessageShapeError('message', `The scheduler sent a control message where the value of receive-data '${receiving.key}' was due.`);
      this.#c.store.put(receiving.key, decodeWireValue(frame.bytes), receiving.nbytes);
      this.#c.handle({ type: 'receive-data', stimulusId: this.#c.sid('receive-data'), key: receiving.key, nbytes: receiving.nbytes });
      return;
    }
    if (frame.kind === 'body') throw new MessageShapeError('message', 'The scheduler sent a body frame that no receive-data announced.');
    this.#onMessage(checkToWorker(frame.message));
  }

  #onMessage(msg: SchedulerToWorker): void {
    const c = this.#c;
    switch (msg.type) {
      case 'compute-task':
        if (p2pKindOfWire(msg.node) !== undefined) c.shuffles.observe(decodeNode(msg.node) as Node); // a shuffle's run may have changed
        return c.handle({ type: 'compute-task', stimulusId: c.sid(msg.type), key: msg.key, op: msg.node, priority: msg.priority, inputs: msg.inputs });
      case 'free-keys':
        return c.handle({ type: 'free-keys', stimulusId: c.sid(msg.type), keys: msg.keys });
      case 'steal-request':
        return c.handle({ type: 'steal-request', stimulusId: c.sid(msg.type), key: msg.key });
      case 'define-ops':
        for (const [op, source] of msg.sources) c.sources.set(op, source);
        return;
      case 'receive-data':
        this.#receiving = { key: msg.key, nbytes: msg.nbytes };
        return;
      case 'close-worker':
        c.log(`the scheduler asked this worker to close (${msg.reason})`);
        return c.close(msg.reason);
      case 'worker-welcome':
        return; // only the first one means something (register.ts)
      case 'acquire-replicas':
        for (const i of msg.inputs) this.replicating.add(i.key);
        return c.handle({ type: 'acquire-replicas', stimulusId: c.sid(msg.type), keys: msg.inputs });
      case 'dump-state': {
        const s = c.store;
        const state = workerSnapshot({
          name: c.name,
          address: c.address,
          nthreads: c.nthreads,
          memoryLimit: c.memoryLimit,
          machine: c.machine,
          managedBytes: s.bytes,
          spilledBytes: s.spilledBytes,
        });
        return c.send({ type: 'state-dump', id: msg.id, state });
      }
    }
  }
}
