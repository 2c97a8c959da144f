/**
 * Runs one batch: its members in order, each evaluated with the core evaluator, reading the
 * batch's inputs and the results of earlier members. A member's result is dropped as soon as
 * its (single, in-batch) dependent has run, so a batch holds few intermediates at once.
 * The same function runs in the calling thread ('sync') and in worker threads.
 */
import { isFunctionOp, serializeError, type Key, type Node, type OpId, type SerializedError } from '@tsdask/core-graph';
import { defineFunctionOp, evaluate, isOpLoaded, loadOps } from './execute.js';
import { flatEvaluator, flatMembers } from './flat-batch.js';

/** What a batch needs to run anywhere. */
export interface BatchPayload {
  /** Members' keys and nodes in execution order; the last is the root. */
  keys: Key[];
  nodes: Node[];
  /**
   * When set, `keys` and `nodes` are empty and this is `JSON.stringify([keys, nodes])`: for
   * plain-data nodes a string crosses threads several times faster than a structured clone
   * of many small objects.
   */
  json?: string;
  /**
   * The same as `json`, as UTF-8 bytes (on a SharedArrayBuffer the sender reuses once the
   * batch has ended): a sender that writes them needs no string on its own heap.
   */
  jsonBytes?: Uint8Array;
  /**
   * When set, `keys` and `nodes` are empty and the members are these codes (flat-batch.ts): flat
   * tasks as int32s, with no key string (on a SharedArrayBuffer the sender reuses once the batch
   * has ended).
   */
  flat?: Int32Array;
  /** With `flat`: the members' literal arguments other than small integers, which the codes index. */
  literals?: unknown[];
  /** For each member, the local index of its dependent in the batch (-1 for the root); absent for a batch of one member. */
  parent?: Int32Array;
  /** External inputs: keys and values. */
  inputKeys: Key[];
  inputs: unknown[];
  /** Ops used by the members. */
  ops: OpId[];
  /** Sources of user functions to compile (worker threads only). */
  sources: [OpId, string][];
  /** The batch's id in its compute, and the compute's tag on the now-running board (threads). */
  batch?: number;
  tag?: number;
}

export type BatchResult =
  | { ok: true; value: unknown; nbytes: number; start: number; stop: number; worker: number }
  | { ok: false; member: number; error: SerializedError; start: number; stop: number; worker: number };

const EMPTY = Symbol('empty');
const decoder = new TextDecoder();

/** The text of UTF-8 bytes; bytes on a SharedArrayBuffer are copied first where the platform's decoder refuses them (browsers). */
function utf8(bytes: Uint8Array): string {
  try {
    return decoder.decode(bytes);
  } catch {
    return decoder.decode(bytes.slice());
  }
}

/** Wall-clock milliseconds with sub-millisecond precision, comparable across threads. */
export function now(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * Bytes held by a value, where cheaply known: buffers and views, an `nbytes` field, strings,
 * and containers of those up to a few levels deep (long arrays of primitives are estimated
 * from their length). Used for memory accounting and spilling.
 */
export function sizeOf(v: unknown, depth = 0): number {
  if (typeof v !== 'object' || v === null) return typeof v === 'string' ? v.length * 2 : 8;
  if (ArrayBuffer.isView(v)) return v.byteLength;
  if (v instanceof ArrayBuffer || v instanceof SharedArrayBuffer) return v.byteLength;
  const nb = (v as { nbytes?: unknown }).nbytes;
  if (typeof nb === 'number') return nb;
  if (depth > 4) return 0;
  let total = 0;
  if (Array.isArray(v)) {
    const n = v.length;
    if (n > 1024 && (typeof v[0] !== 'object' || v[0] === null)) return n * 8;
    for (let i = 0; i < n; i++) total += sizeOf(v[i], depth + 1);
  } else if (v instanceof Map) {
    for (const x of v.values()) total += sizeOf(x, depth + 1);
  } else {
    for (const k in v) total += sizeOf((v as Record<string, unknown>)[k], depth + 1);
  }
  return total;
}

/** Compiles shipped user-function sources and imports module ops not yet loaded here. */
export async function prepareOps(p: BatchPayload, compile: (op: OpId, source: string) => (...a: unknown[]) => unknown): Promise<void> {
  for (const [op, source] of p.sources) if (!isOpLoaded(op)) defineFunctionOp(op, compile(op, source));
  await loadOps(p.ops.filter((o) => !isFunctionOp(o)));
}

/** Runs the members in order; returns the root's value or the first error. `afterTask` runs after each member. */
export async function executeBatch(p: BatchPayload, worker: number, afterTask?: () => void): Promise<BatchResult> {
  const start = now();
  if (p.json !== undefined) [p.keys, p.nodes] = JSON.parse(p.json) as [Key[], Node[]];
  else if (p.jsonBytes !== undefined) [p.keys, p.nodes] = JSON.parse(utf8(p.jsonBytes)) as [Key[], Node[]];
  const flat = p.flat;
  const m = flat === undefined ? p.keys.length : flatMembers(flat);
  const values: unknown[] = new Array(m + p.inputKeys.length).fill(EMPTY);
  for (let i = 0; i < p.inputKeys.length; i++) values[m + i] = p.inputs[i];
  const head = new Int32Array(m).fill(-1);
  const next = new Int32Array(m).fill(-1);
  for (let i = 0; i < m; i++) {
    const par = p.parent === undefined ? -1 : p.parent[i]!;
    if (par >= 0) {
      next[i] = head[par]!;
      head[par] = i;
    }
  }
  const member = flat === undefined ? nodeEvaluator(p, values) : flatEvaluator(flat, p.ops, p.literals ?? [], (slot) => valueAt(values, slot, p));
  let i = 0;
  try {
    for (; i < m; i++) {
      let v = member(i);
      if (v instanceof Promise) v = await v;
      values[i] = v;
      for (let c = head[i]!; c >= 0; c = next[c]!) values[c] = EMPTY;
      afterTask?.();
    }
  } catch (err) {
    return { ok: false, member: i, error: serializeError(err), start, stop: now(), worker };
  }
  const value = values[m - 1];
  return { ok: true, value, nbytes: sizeOf(value), start, stop: now(), worker };
}

/** The value in slot `slot` (member j is slot j, input i slot m + i); a slot already freed, or never filled, is an internal error. */
function valueAt(values: unknown[], slot: number, p: BatchPayload): unknown {
  const v = slot >= 0 && slot < values.length ? values[slot] : EMPTY;
  if (v === EMPTY) {
    const m = values.length - p.inputKeys.length;
    const name = slot >= m && slot < values.length ? `input '${p.inputKeys[slot - m]!}'` : `member ${slot}`;
    throw new Error(`internal: value of ${name} is not available in this batch`);
  }
  return v;
}

/** The evaluator of members given as nodes: refs found by key among the members and inputs. */
function nodeEvaluator(p: BatchPayload, values: unknown[]): (i: number) => unknown {
  const m = p.keys.length;
  const local = new Map<Key, number>();
  for (let i = 0; i < p.inputKeys.length; i++) local.set(p.inputKeys[i] as Key, m + i);
  for (let i = 0; i < m; i++) local.set(p.keys[i] as Key, i);
  const get = (k: Key): unknown => {
    const at = local.get(k);
    const v = at === undefined ? EMPTY : values[at];
    if (v === EMPTY) throw new Error(`internal: value of '${k}' is not available in this batch`);
    return v;
  };
  return (i) => evaluate(p.nodes[i] as Node, get);
}
