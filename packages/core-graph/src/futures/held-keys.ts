/**
 * HeldKeys: the caller's handle on results a scheduler keeps (what persist() and submit() get
 * back). It owns one reference per key on its scheduler; `release()` drops them, and a handle
 * dropped without release is released by a FinalizationRegistry once it is collected, so a
 * forgotten future or persisted collection does not pin its result for ever.
 *
 * The process-wide table of live handles says which scheduler holds a key (`holderOf`), which
 * is how compute() feeds a result held by one scheduler to a graph run on another.
 */
import type { TaskGraph } from '../graph/task-graph.js';
import { MaterializedLayer } from '../layers/materialized-layer.js';
import type { Scheduler } from '../schedulers.js';
import { HELD_OP, held, type Key, type Node, type Task } from '../spec/index.js';
import { tokenize } from '../tokenize.js';

interface Claim {
  readonly scheduler: Scheduler;
  readonly keys: readonly Key[];
  released: boolean;
}

/**
 * Live handles of one key: the count on its first scheduler inline (the common case: one
 * scheduler, so a future costs no Map of its own), others in `more`.
 */
interface Owners {
  scheduler: Scheduler | undefined;
  n: number;
  more: Map<Scheduler, number> | undefined;
}

/** Live handles per key, per scheduler. */
const owners = new Map<Key, Owners>();

function count(c: Claim, delta: 1 | -1): void {
  const s = c.scheduler;
  for (const k of c.keys) {
    const o = owners.get(k);
    if (o === undefined) {
      if (delta < 0) continue;
      owners.set(k, { scheduler: s, n: 1, more: undefined });
      continue;
    }
    if (o.scheduler === s || (o.scheduler === undefined && delta > 0)) {
      o.scheduler = s;
      o.n += delta;
      if (o.n <= 0) o.scheduler = undefined;
    } else {
      const m = (o.more ??= new Map());
      const n = (m.get(s) ?? 0) + delta;
      if (n > 0) m.set(s, n);
      else m.delete(s);
    }
    if (o.scheduler === undefined && (o.more === undefined || o.more.size === 0)) owners.delete(k);
  }
}

/** The schedulers with a live handle on `key`. */
function* ownersOf(key: Key): Generator<Scheduler> {
  const o = owners.get(key);
  if (o === undefined) return;
  if (o.scheduler !== undefined) yield o.scheduler;
  if (o.more !== undefined) yield* o.more.keys();
}

function drop(c: Claim): void {
  if (c.released) return;
  c.released = true;
  count(c, -1);
  c.scheduler.release(c.keys);
}

const finalizer = new FinalizationRegistry<Claim>(drop);

/** One reference to each of some keys on a scheduler, released once. */
export class HeldKeys {
  readonly #claim: Claim;
  /** Takes over references the caller already owns (from `Scheduler.run` or `scatter`). */
  constructor(scheduler: Scheduler, keys: readonly Key[]) {
    this.#claim = { scheduler, keys: keys.slice(), released: false };
    count(this.#claim, 1);
    finalizer.register(this, this.#claim, this);
  }
  /** The scheduler holding the results. */
  get scheduler(): Scheduler {
    return this.#claim.scheduler;
  }
  /** The keys this handle holds. */
  get keys(): readonly Key[] {
    return this.#claim.keys;
  }
  /** Whether `release()` was called. */
  get released(): boolean {
    return this.#claim.released;
  }
  /** Drops this handle's references (once; later calls do nothing). */
  release(): void {
    finalizer.unregister(this);
    drop(this.#claim);
  }
}

/** @internal What the finalizer does for a collected handle (exposed for tests). */
export const releaseCollected = drop as (claim: unknown) => void;

/** A scheduler other than `except` that holds `key` through a live handle, if any. */
export function holderOf(key: Key, except?: Scheduler): Scheduler | undefined {
  for (const s of ownersOf(key)) if (s !== except) return s;
  return undefined;
}

/** Whether any handle is live in this process (when none is, no graph can name a held key). */
export function anyHeld(): boolean {
  return owners.size > 0;
}

/** The `held(key)` nodes of a graph: key -> task id (a scan of the top-level nodes). */
export function heldKeysIn(g: TaskGraph): Map<Key, number> {
  const out = new Map<Key, number>();
  const nodes = g.nodes;
  for (let i = 0; i < g.size; i++) {
    const n = nodes[i];
    if (typeof n === 'object' && n !== null && (n as Task).op === HELD_OP) out.set(g.keys[i] as Key, i);
  }
  return out;
}

/** A layer naming held keys (what a persisted collection's graph is); it keeps the handle alive. */
export function heldLayer(handle: HeldKeys): MaterializedLayer {
  const keys = handle.keys;
  const tasks = new Map<Key, Node>(keys.map((k) => [k, held(k)] as const));
  return new MaterializedLayer(`persisted-${tokenize(keys)}`, tasks, [], [handle]);
}
