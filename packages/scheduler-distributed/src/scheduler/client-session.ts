/**
 * One client's connection at the scheduler: client-welcome on connect, then update-graph (checked
 * by wire-graph.ts; refused as a whole with graph-refused and a typed error, or submitted and
 * answered graph-accepted; a big graph comes in `update-graph-part`s first, and every graph is
 * taken in over event-loop turns by graph-intake.ts while this client's later messages wait; an
 * `update-graph-layer` is expanded in steps of at most READ_SLICE_MS per turn the same way),
 * release-keys, who-has, scheduler-stats and scatter (whose value arrives as the body frame
 * right after it). Every message is shape-checked; a bad one closes this connection only.
 * A client that disconnects releases every key it wanted.
 */
import { serializeError, type Key } from '@tsdask/core-graph';
import type { Connection } from '../comm/connection.js';
import { MessageShapeError } from '../comm/errors.js';
import type { Frame } from '../comm/frames.js';
import { checkFromClient } from '../protocol/check.js';
import type {
  ClientToScheduler,
  ScatterMsg,
  SchedulerToClient,
  UpdateGraphLayerMsg,
  UpdateGraphMsg,
  UpdateGraphPartMsg,
  WireError,
} from '../protocol/messages.js';
import type { SchedulerCore } from './core.js';
import { ERRED, MEMORY } from './state/task-states.js';
import { adaptiveTarget } from './adaptive.js';
import { collectGarbage } from './stats.js';
import { GraphAssembly } from './wire-graph.js';
import { LAYER_STEP_BLOCKS, LayerExpansion } from './layer-intake.js';
import { READ_SLICE_MS } from '../comm/connection.js';

const wire = (err: unknown): WireError => serializeError(err) as unknown as WireError;

export class ClientSession {
  readonly conn: Connection;
  readonly id: string;
  /** Keys this client wants (outputs of its graphs, its scattered keys), until it releases them. */
  readonly wants = new Set<Key>();
  #server: SchedulerCore;
  /** A scatter whose body frame is the next frame. */
  #scatter: ScatterMsg | undefined;
  /** Big graphs whose parts are arriving, by id (an Error: a part was bad, the graph will be refused). */
  readonly #assemblies = new Map<number, GraphAssembly | Error>();
  /** Frames that came while this client's graph is taken in (undefined: none is). */
  #held: Frame[] | undefined;

  constructor(server: SchedulerCore, conn: Connection, id: string) {
    this.#server = server;
    this.conn = conn;
    this.id = id;
    this.send({ type: 'client-welcome', clientId: id, workers: server.workers.size });
    conn.onFrame((f) => this.#frame(f));
    void conn.closed.then(() => server.clientLeft(this));
  }

  /** Sends a control message (`lazy`: it may wait for company, see comm/connection.ts) unless the connection is closed. */
  send(msg: SchedulerToClient, lazy = false): void {
    if (!this.conn.isClosed) this.conn.send(msg, lazy);
  }

  #frame(f: Frame): void {
    const s = this.#server;
    if (this.conn.isClosed) return;
    if (this.#held !== undefined) {
      this.#held.push(f);
      return;
    }
    if (this.#scatter !== undefined) {
      const m = this.#scatter;
      this.#scatter = undefined;
      if (f.kind !== 'body')
        return s.reject(this.conn, new MessageShapeError('message', `A scatter of '${m.key}' must be followed by its value as a body frame.`));
      return s.scatters.add(this, m, f.bytes);
    }
    let m: ClientToScheduler;
    try {
      if (f.kind !== 'control') throw new MessageShapeError('message', 'A body frame from a client must follow a scatter message.');
      m = checkFromClient(f.message);
    } catch (err) {
      return s.reject(this.conn, err as Error);
    }
    try {
      switch (m.type) {
        case 'update-graph':
          this.#updateGraph(m);
          break;
        case 'update-graph-part':
        case 'update-graph-layer':
          this.#graphPart(m);
          break;
        case 'release-keys':
          s.unwant(this, m.keys);
          break;
        case 'who-has': {
          const whoHas: Record<string, string[]> = {};
          for (const k of m.keys) whoHas[k] = s.whoHas(k);
          this.send({ type: 'who-has-reply', id: m.id, whoHas });
          break;
        }
        case 'scatter':
          this.#scatter = m;
          break;
        case 'reclaim-keys':
          s.recovered.reclaim(this, m.id, m.keys);
          break;
        case 'dump-state':
          s.dumps.request(this, m.id);
          break;
        case 'adaptive-target': {
          const workers = [...s.workers.values()].map((w) => ({ name: w.name, memoryLimit: w.info.memoryLimit }));
          const { target, close } = adaptiveTarget(s.state, workers, s.durations, m.targetDuration);
          this.send({ type: 'adaptive-target-reply', id: m.id, target, close });
          break;
        }
        case 'retire-workers':
          s.retiring.request(this, m.id, m.workers);
          break;
        case 'scheduler-stats':
          if (m.gc) collectGarbage();
          this.send({ type: 'scheduler-stats-reply', id: m.id, stats: { ...s.stats() } });
          if (m.reset) s.loop.reset();
          break;
      }
    } catch (err) {
      s.log(`tsdask-scheduler: internal error on a '${m.type}' message from ${this.id}: ${(err as Error).stack ?? String(err)}`);
    }
  }

  /**
   * A part of a big graph, or a layer's blocks (layer-intake.ts): checked and kept until its
   * update-graph (a bad one refuses the graph then). A layer message is expanded over event-loop
   * turns, at most about READ_SLICE_MS of steps per turn, while this client's later frames wait.
   */
  #graphPart(m: UpdateGraphPartMsg | UpdateGraphLayerMsg): void {
    let a = this.#assemblies.get(m.id);
    if (a === undefined) this.#assemblies.set(m.id, (a = new GraphAssembly()));
    if (a instanceof Error) return;
    try {
      if (m.type === 'update-graph-part') return a.add(m);
      const assembly = a;
      let last = false;
      const e = new LayerExpansion(m, a.index, (part) => assembly.add(part, last));
      this.#held ??= [];
      const expand = (): void => {
        if (this.conn.isClosed) return;
        const until = performance.now() + READ_SLICE_MS;
        try {
          do {
            last = e.remaining <= LAYER_STEP_BLOCKS;
            if (e.step(LAYER_STEP_BLOCKS)) return this.#release();
          } while (performance.now() < until);
        } catch (err) {
          this.#assemblies.set(m.id, err as Error);
          return this.#release();
        }
        setImmediate(expand);
      };
      setImmediate(expand);
    } catch (err) {
      this.#assemblies.set(m.id, err as Error);
    }
  }

  #updateGraph(m: UpdateGraphMsg): void {
    const s = this.#server;
    const state = s.state;
    const a = this.#assemblies.get(m.id) ?? new GraphAssembly();
    this.#assemblies.delete(m.id);
    let wired;
    try {
      if (a instanceof Error) throw a;
      wired = a.complete(
        m,
        (k) => s.holds(k),
        (k) => state.tasks.has(k),
        `tcp://${s.address.host}:${s.address.port}`,
      );
    } catch (err) {
      this.send({ type: 'graph-refused', id: m.id, error: wire(err) });
      return;
    }
    const { graph, priorities, check, groups } = wired;
    s.defineOps(m.sources);
    // Outputs already finished (for another client, or an earlier graph) are answered to this client alone.
    const known: Key[] = [];
    for (const k of m.outputs) {
      const t = state.tasks.get(k);
      if (t !== undefined && (t.state === MEMORY || t.state === ERRED)) known.push(k);
    }
    for (const k of m.outputs) s.want(this, k);
    const compute = s.events.beginGraph(graph, this.id, groups);
    // Taken in over several event-loop turns (graph-intake.ts); this client's later messages wait for it, in order.
    this.#held ??= [];
    s.intake.submit({
      graph,
      outputs: m.outputs,
      priorities,
      check,
      answered: new Set(known),
      done: (err) => {
        if (this.conn.isClosed) {
          // The client left while its graph went in: what it wanted and no other client wants is released now.
          const orphans = m.outputs.filter((k) => !s.wantedBy.has(k));
          if (err === undefined && orphans.length > 0) s.apply({ type: 'release-keys', keys: orphans });
          this.#held = undefined;
          return;
        }
        if (err !== undefined) {
          s.events.graphRefused(compute, err);
          s.unwant(this, m.outputs);
          this.send({ type: 'graph-refused', id: m.id, error: wire(err) });
        } else {
          s.events.graphAccepted(compute, m.outputs);
          this.send({ type: 'graph-accepted', id: m.id });
          for (const k of known) {
            const t = state.tasks.get(k);
            if (t?.state === MEMORY) this.send({ type: 'task-done', key: k, nbytes: t.nbytes });
            else if (t?.state === ERRED) this.send({ type: 'task-erred', key: k, error: wire(t.error) });
          }
        }
        this.#release();
      },
    });
  }

  /**
   * Handles the frames that came while a graph was being taken in (or a layer expanded), until
   * one starts another such job; after about READ_SLICE_MS the rest waits for the next turn.
   */
  #release(): void {
    const held = this.#held ?? [];
    this.#held = undefined;
    const until = performance.now() + READ_SLICE_MS;
    for (let i = 0; i < held.length; i++) {
      this.#frame(held[i]!);
      const again = this.#held as Frame[] | undefined; // set again when that frame started another job
      if (again !== undefined) {
        this.#held = held.slice(i + 1).concat(again);
        return;
      }
      if (i + 1 < held.length && performance.now() >= until) {
        this.#held = held.slice(i + 1);
        setImmediate(() => {
          if (!this.conn.isClosed) this.#release();
        });
        return;
      }
    }
  }
}
