/**
 * The scheduler's side of `update-graph-layer` (protocol/messages.ts): a range of blocks of a
 * layer template expanded into the part it stands for (keys, nodes as the JSON text a part
 * carries, dependencies as task ids of the graph, priorities), which then goes into the same
 * GraphAssembly as the parts (wire-graph.ts). One message expands at most LAYER_MESSAGE_TASKS
 * tasks (the client sends ~5k, as its parts), and the connection yields between messages, so
 * expanding a layer of a million tasks never holds the event loop for long.
 *
 * The nodes are written as text straight from the template's JSON, cut at its placeholders
 * (`JsonPlan`): the same text as JSON.stringify of core-graph's expandTemplate node (the
 * scheduler never parses a node; it forwards the text), without building the node.
 */
import {
  blockIndexAt,
  forEachRef,
  TEMPLATE_REF,
  TEMPLATE_VALUE,
  templateKeyAt,
  templateProblem,
  templateRefKeyAt,
  templateSize,
  templateValueAt,
  type Key,
  type LayerTemplate,
  type TemplateRef,
  type TemplateValue,
} from '@tsdask/core-graph';
import { MessageShapeError } from '../comm/errors.js';
import type { UpdateGraphLayerMsg, UpdateGraphPartMsg } from '../protocol/messages.js';
import { decodePriorityRuns } from '../protocol/priority-runs.js';

/** The most tasks one `update-graph-layer` message may expand. */
export const LAYER_MESSAGE_TASKS = 65_536;

const bad = (field: string, what: string): MessageShapeError =>
  new MessageShapeError(`message.${field}`, `The 'update-graph-layer' message's ${what}; the graph was refused. This is a bug in the client that built it.`);

/** Blocks one LayerExpansion step expands at most (a few ms: the session checks its time between steps). */
export const LAYER_STEP_BLOCKS = 1024;

/** The part a layer message stands for, all at once; `index` gives the ids of the keys of the graph's earlier parts. Throws MessageShapeError. */
export function layerPart(
  m: UpdateGraphLayerMsg,
  index: ReadonlyMap<Key, number>,
): Pick<UpdateGraphPartMsg, 'keys' | 'nodes' | 'depPtr' | 'depIdx' | 'priorities'> {
  const parts: LayerChunk[] = [];
  const e = new LayerExpansion(m, index, (p) => parts.push(p));
  while (!e.step(Infinity));
  return parts[0]!;
}

/** The tasks of some blocks of a layer message, as a part. */
export type LayerChunk = Pick<UpdateGraphPartMsg, 'keys' | 'nodes' | 'depPtr' | 'depIdx' | 'priorities'>;

/**
 * A layer message expanded in steps of a bounded number of blocks (`step`), each step's tasks
 * handed to `take` as a part, which must append them to the graph's key index before the next
 * step (as GraphAssembly.add does): a message of LAYER_MESSAGE_TASKS blocks is not expanded in
 * one go (the client session yields the event loop between steps). The constructor checks the
 * message (template, range, priorities); a step throws MessageShapeError for a reference to a
 * key that no earlier part has.
 */
export class LayerExpansion {
  readonly #t: LayerTemplate;
  readonly #plan: JsonPlan;
  readonly #index: ReadonlyMap<Key, number>;
  readonly #take: (part: LayerChunk) => void;
  readonly #priorities: number[] | undefined;
  readonly #from: number;
  readonly #to: number;
  readonly #quoted: boolean[];
  readonly #laid: LaidOut;
  #at: number;

  constructor(m: UpdateGraphLayerMsg, index: ReadonlyMap<Key, number>, take: (part: LayerChunk) => void) {
    let t: LayerTemplate;
    try {
      t = JSON.parse(m.template) as LayerTemplate;
    } catch (err) {
      throw bad('template', `template is not JSON (${(err as Error).message})`);
    }
    const problem = templateProblem(t);
    if (problem !== undefined) throw bad('template', `template ${problem}`);
    const size = templateSize(t);
    const { from, to } = m;
    if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 0 || to <= from || to > size)
      throw bad('from', `blocks ${from} to ${to} are not a range within the template's ${size} blocks`);
    if (to - from > LAYER_MESSAGE_TASKS) throw bad('to', `range of ${to - from} blocks is over the ${LAYER_MESSAGE_TASKS} one message may hold`);
    const plan = jsonPlan(t);
    if (plan === undefined) throw bad('template', 'template names its placeholders elsewhere than in its refs');
    this.#priorities = m.priorities.length === 0 ? undefined : decodePriorityRuns(m.priorities, to - from);
    this.#t = t;
    this.#plan = plan;
    this.#index = index;
    this.#take = take;
    this.#from = from;
    this.#to = to;
    this.#at = from;
    this.#quoted = t.refs.map((r) => !needsEscape(r.name));
    this.#laid = laidOut(index);
  }

  /** Blocks not expanded yet. */
  get remaining(): number {
    return this.#to - this.#at;
  }

  /** Expands (and hands to `take`) at most `blocks` more blocks; returns whether every block is done. */
  step(blocks: number): boolean {
    const t = this.#t;
    const plan = this.#plan;
    const index = this.#index;
    const laid = this.#laid;
    const quoted = this.#quoted;
    const from = this.#at;
    const n = Math.min(this.#to - from, Math.max(1, blocks));
    if (n <= 0) return true;
    const keys = new Array<Key>(n);
    const nodes = new Array<string>(n);
    const depPtr = new Array<number>(n + 1);
    const depIdx: number[] = [];
    depPtr[0] = 0;
    const idx = new Array<number>(t.shape.length);
    const refKeys = new Array<Key>(t.refs.length);
    const refIds = new Array<number>(t.refs.length);
    const taskDeps: number[] = [];
    for (let i = 0; i < n; i++) {
      blockIndexAt(t.shape, from + i, idx);
      for (let r = 0; r < refKeys.length; r++) {
        const ref = t.refs[r] as TemplateRef;
        const k = templateRefKeyAt(ref, idx);
        refKeys[r] = k;
        const id = laid.idOf(ref, idx) ?? index.get(k);
        if (id === undefined) throw bad('template', `task refers to '${k}', which no earlier part of the graph has`);
        refIds[r] = id;
      }
      keys[i] = templateKeyAt(t.name, idx);
      let text = plan.pieces[0] as string;
      for (let p = 0; p < plan.slots.length; p++) {
        const slot = plan.slots[p] as number;
        const piece =
          slot < 0
            ? String(templateValueAt(t.values![-slot - 1] as TemplateValue, idx))
            : quoted[slot] === true
              ? '"' + (refKeys[slot] as string) + '"'
              : JSON.stringify(refKeys[slot]);
        text += piece + (plan.pieces[p + 1] as string);
      }
      nodes[i] = text;
      taskDeps.length = 0;
      for (const d of plan.deps) {
        let id: number;
        if (typeof d === 'number') id = refIds[d] as number;
        else {
          const fixed = index.get(d);
          if (fixed === undefined) throw bad('template', `task refers to '${d}', which no earlier part of the graph has`);
          id = fixed;
        }
        if (!taskDeps.includes(id)) taskDeps.push(id);
      }
      for (const id of taskDeps) depIdx.push(id);
      depPtr[i + 1] = depIdx.length;
    }
    const p = this.#priorities;
    const priorities = p === undefined ? [] : p.slice(from - this.#from, from - this.#from + n);
    const base = index.size;
    this.#at = from + n;
    this.#take({ keys, nodes, depPtr, depIdx, priorities });
    laid.add(t, from, from + n, base);
    return this.#at === this.#to;
  }
}

/**
 * A template's node as JSON text cut at its placeholders: `pieces[0] slot0 pieces[1] slot1 ...`,
 * a slot `r >= 0` being the JSON string of ref r's key, `-v - 1` the number of value v; and its
 * dependencies in ref order, each once: a ref number or a fixed key. Undefined when the text has
 * placeholders that the node's refs do not (a literal string that looks like one).
 */
interface JsonPlan {
  pieces: string[];
  slots: number[];
  deps: (number | Key)[];
}

/** True when JSON.stringify would escape a character of `s` (a quote, a backslash, a control character, a surrogate). */
function needsEscape(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return true;
  }
  return false;
}

/**
 * Where the blocks of each layer expanded so far lie among a graph's task ids (blocks from..to
 * of a template got ids base..base + to - from), so a ref to one is a task id by arithmetic,
 * without hashing its key: a graph's layers read each other's blocks, often one per task.
 */
class LaidOut {
  readonly #layers = new Map<string, { shape: readonly number[]; ranges: { from: number; to: number; base: number }[]; last: number }>();

  /** The task id of the block `ref` names at block `idx`, when it was laid out by a layer message. */
  idOf(ref: TemplateRef, idx: readonly number[]): number | undefined {
    const l = this.#layers.get(ref.name);
    if (l === undefined) return undefined;
    const { shape } = l;
    if (ref.coords.length !== shape.length) return undefined;
    let p = 0;
    for (let d = 0; d < shape.length; d++) {
      const c = ref.coords[d] as TemplateRef['coords'][number];
      const v = typeof c === 'number' ? c : (idx[c.axis] as number);
      if (!(v < (shape[d] as number))) return undefined;
      p = p * (shape[d] as number) + v;
    }
    const last = l.ranges[l.last];
    if (last !== undefined && p >= last.from && p < last.to) return last.base + p - last.from;
    for (let i = 0; i < l.ranges.length; i++) {
      const r = l.ranges[i]!;
      if (p >= r.from && p < r.to) {
        l.last = i;
        return r.base + p - r.from;
      }
    }
    return undefined;
  }

  /** Blocks from..to of `t` got task ids from `base` on. */
  add(t: LayerTemplate, from: number, to: number, base: number): void {
    let l = this.#layers.get(t.name);
    if (l === undefined || l.shape.length !== t.shape.length || l.shape.some((s, d) => s !== t.shape[d]))
      this.#layers.set(t.name, (l = { shape: t.shape, ranges: [], last: 0 }));
    l.ranges.push({ from, to, base });
  }
}

const layouts = new WeakMap<object, LaidOut>();

/** The layout of the graph whose key index is `index`. */
function laidOut(index: ReadonlyMap<Key, number>): LaidOut {
  let l = layouts.get(index);
  if (l === undefined) layouts.set(index, (l = new LaidOut()));
  return l;
}

const PLACEHOLDERS = /\{"ref":"\\u0000template-value-(\d+)"\}|"\\u0000template-ref-(\d+)"/g;

function jsonPlan(t: LayerTemplate): JsonPlan | undefined {
  const text = JSON.stringify(t.node) ?? 'null';
  const pieces: string[] = [];
  const slots: number[] = [];
  let at = 0;
  for (const m of text.matchAll(PLACEHOLDERS)) {
    pieces.push(text.slice(at, m.index));
    slots.push(m[1] !== undefined ? -Number(m[1]) - 1 : Number(m[2]));
    at = m.index + m[0].length;
  }
  pieces.push(text.slice(at));
  const deps: (number | Key)[] = [];
  let placeholders = 0;
  forEachRef(t.node, (k) => {
    if (k.startsWith(TEMPLATE_VALUE)) {
      placeholders++;
      return;
    }
    const dep = k.startsWith(TEMPLATE_REF) ? Number(k.slice(TEMPLATE_REF.length)) : k;
    if (typeof dep === 'number') placeholders++;
    if (!deps.includes(dep)) deps.push(dep);
  });
  return placeholders === slots.length ? { pieces, slots, deps } : undefined;
}
