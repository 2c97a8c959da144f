/**
 * A graph's cycle check and dependency range check, resumable in steps of bounded work, so the
 * scheduler checks a graph of a million tasks between other events (graph-intake.ts) instead of
 * in one walk. An iterative depth-first search over the dependency CSR (white, on the path,
 * done): an edge to a task on the path closes a cycle, reported as GraphCycleError with the keys
 * along it, as core-graph's `topologicalOrder` does; a dependency id outside the graph is a
 * MessageShapeError naming the edge.
 */
import { GraphCycleError, type Key } from '@tsdask/core-graph';
import { MessageShapeError } from '../comm/errors.js';

const ON_PATH = 1;
const DONE = 2;

export class CycleCheck {
  readonly #keys: readonly Key[];
  readonly #depPtr: Int32Array;
  readonly #depIdx: Int32Array;
  readonly #color: Uint8Array;
  /** The path: task ids and, for each, the next edge to follow. */
  readonly #path: Int32Array;
  readonly #edge: Int32Array;
  #depth = 0;
  /** The next root to start a search from. */
  #root = 0;

  constructor(keys: readonly Key[], depPtr: Int32Array, depIdx: Int32Array) {
    const n = keys.length;
    this.#keys = keys;
    this.#depPtr = depPtr;
    this.#depIdx = depIdx;
    this.#color = new Uint8Array(n);
    this.#path = new Int32Array(n);
    this.#edge = new Int32Array(n);
  }

  /** Follows at most `budget` edges and tasks; returns whether the whole graph is checked. Throws on a cycle or an id out of range. */
  step(budget: number): boolean {
    const n = this.#keys.length;
    const color = this.#color;
    const path = this.#path;
    const edge = this.#edge;
    const depPtr = this.#depPtr;
    const depIdx = this.#depIdx;
    let left = budget;
    while (left-- > 0) {
      if (this.#depth === 0) {
        while (this.#root < n && color[this.#root] !== 0) this.#root++;
        if (this.#root === n) return true;
        const r = this.#root;
        color[r] = ON_PATH;
        path[0] = r;
        edge[0] = depPtr[r]!;
        this.#depth = 1;
        continue;
      }
      const top = this.#depth - 1;
      const i = path[top]!;
      const e = edge[top]!;
      if (e === depPtr[i + 1]) {
        color[i] = DONE;
        this.#depth--;
        continue;
      }
      edge[top] = e + 1;
      const d = depIdx[e]!;
      if (d >= n)
        throw new MessageShapeError(
          'message.depIdx',
          `The 'update-graph' message's depIdx[${e}] = ${d} is not a task id in 0..${n - 1}; the graph was refused. This is a bug in the client that built it.`,
        );
      if (color[d] === DONE) continue;
      if (color[d] === ON_PATH) {
        let at = top;
        while (path[at] !== d) at--;
        // Along the path each task reads the next, and the last reads d: the cycle, as core-graph's findCycle lists it.
        const cycle: Key[] = [];
        for (let k = at; k <= top; k++) cycle.push(this.#keys[path[k]!]!);
        throw new GraphCycleError(cycle);
      }
      color[d] = ON_PATH;
      path[this.#depth] = d;
      edge[this.#depth] = depPtr[d]!;
      this.#depth++;
    }
    return false;
  }
}
