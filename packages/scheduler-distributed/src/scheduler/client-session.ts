/**
 * One client's connection at the scheduler: client-welcome on connect, then update-graph (checked
 * by wireGraph; refused as a whole with graph-refused and a typed error, or submitted and
 * answered graph-accepted), release-keys, who-has and scatter (whose value arrives as the body
 * frame right after it). Every message is shape-checked; a bad one closes this connection only.
 * A client that disconnects releases every key it wanted.
 */
import { serializeError, type Key } from '@tsdask/core-graph';
import type { Connection } from '../comm/connection.js';
import { MessageShapeError } from '../comm/errors.js';
import type { Frame } from '../comm/frames.js';
import { checkFromClient } from '../protocol/check.js';
import type { ClientToScheduler, ScatterMsg, SchedulerToClient, UpdateGraphMsg, WireError } from '../protocol/messages.js';
import type { SchedulerCore } from './core.js';
import { ERRED, MEMORY } from './state/task-states.js';
import { wireGraph } from './wire-graph.js';
import { adaptiveTarget } from './adaptive.js';

const wire = (err: unknown): WireError => serializeError(err) as unknown as WireError;

export class ClientSession {
  readonly conn: Connection;
  readonly id: string;
  /** Keys this client wants (outputs of its graphs, its scattered keys), until it releases them. */
  readonly wants = new Set<Key>();
  #server: SchedulerCore;
  /** A scatter whose body frame is the next frame. */
  #scatter: ScatterMsg | undefined;

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
      }
    } catch (err) {
      s.log(`tsdask-scheduler: internal error on a '${m.type}' message from ${this.id}: ${(err as Error).stack ?? String(err)}`);
    }
  }

  #updateGraph(m: UpdateGraphMsg): void {
    const s = this.#server;
    const state = s.state;
    let graph;
    try {
      graph = wireGraph(
        m,
        (k) => s.holds(k),
        (k) => state.tasks.has(k),
        `tcp://${s.address.host}:${s.address.port}`,
      );
    } catch (err) {
      this.send({ type: 'graph-refused', id: m.id, error: wire(err) });
      return;
    }
    s.defineOps(m.sources);
    // Outputs already finished (for another client, or an earlier graph) are answered to this client alone.
    const known: Key[] = [];
    for (const k of m.outputs) {
      const t = state.tasks.get(k);
      if (t !== undefined && (t.state === MEMORY || t.state === ERRED)) known.push(k);
    }
    for (const k of m.outputs) s.want(this, k);
    const compute = s.events.beginGraph(graph, this.id);
    let out;
    try {
      out = state.handle({
        type: 'graph-submitted',
        graph,
        outputs: m.outputs,
        ...(m.priorities.length === graph.size ? { priorities: Int32Array.from(m.priorities) } : {}),
      });
    } catch (err) {
      s.events.graphRefused(compute, err as Error);
      s.unwant(this, m.outputs);
      this.send({ type: 'graph-refused', id: m.id, error: wire(err) });
      return;
    }
    s.events.graphAccepted(compute, m.outputs);
    this.send({ type: 'graph-accepted', id: m.id });
    if (known.length > 0) {
      const set = new Set(known);
      out = out.filter((i) => !((i.type === 'task-done' || i.type === 'task-erred') && set.has(i.key)));
      for (const k of known) {
        const t = state.tasks.get(k)!;
        if (t.state === MEMORY) this.send({ type: 'task-done', key: k, nbytes: t.nbytes });
        else this.send({ type: 'task-erred', key: k, error: wire(t.error) });
      }
    }
    s.dispatch(out);
  }
}
