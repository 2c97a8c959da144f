/**
 * The parts of a lowered task graph that templates describe exactly: its keys grouped by name
 * (`"<name>,<i>,<j>"`), one template inferred per group (layer-template.ts), and the runs of
 * consecutive blocks (row-major) whose tasks all match it. Whatever the passes did to a layer
 * (cull dropped some blocks, fusion or inlining rewrote some tasks), a run holds only tasks that
 * its template gives back exactly; the others are left out of every run.
 */
import type { Key } from '../spec/index.js';
import { inferTemplate } from './infer-template.js';
import { matchesTemplate, blockIndexAt, type LayerTemplate } from './layer-template.js';
import type { TaskGraph } from './task-graph.js';

/** Consecutive blocks `from` to `to` (excluded) of a template, and the graph id of each, in order. */
export interface TemplatedRun {
  /** The template every task of the run matches. */
  readonly template: LayerTemplate;
  /** The first block (row-major). */
  readonly from: number;
  /** The block after the last. */
  readonly to: number;
  /** The graph id of each block's task, in block order. */
  readonly ids: Int32Array;
}

/** Options of findTemplatedRuns. */
export interface TemplatedRunOptions {
  /** The fewest tasks in a run (default 64): shorter ones are not worth a template. */
  readonly minRun?: number;
  /** Tasks that may go in a run at all (default: every task). */
  readonly eligible?: (id: number) => boolean;
}

/** A group of keys with one name and the same number of indices. */
interface Group {
  readonly name: string;
  /** Set by the group's first key. */
  dims: number;
  readonly ids: number[];
  /** The indices of each member, `dims` per member. */
  readonly idx: number[];
  valid: boolean;
}

/** The templated runs of `g` (see the header), each at least `minRun` tasks long. */
export function findTemplatedRuns(g: TaskGraph, opts: TemplatedRunOptions = {}): TemplatedRun[] {
  const minRun = Math.max(1, opts.minRun ?? 64);
  const eligible = opts.eligible;
  const groups = new Map<string, Group>();
  let last: Group | undefined; // a layer's keys mostly come one after another: its name is not sliced and looked up again
  for (let id = 0; id < g.size; id++) {
    const key = g.keys[id] as Key;
    const comma = key.indexOf(',');
    if (comma < 0) continue;
    let grp = last !== undefined && comma === last.name.length && key.startsWith(last.name) ? last : undefined;
    if (grp === undefined) {
      const name = key.slice(0, comma);
      grp = groups.get(name);
      if (grp === undefined) groups.set(name, (grp = { name, dims: 0, ids: [], idx: [], valid: true }));
      last = grp;
    }
    let dims = 1;
    for (let i = comma + 1; i < key.length; i++) if (key.charCodeAt(i) === 44) dims++;
    if (grp.dims === 0) grp.dims = dims;
    if (!grp.valid) continue;
    if (grp.dims !== dims) {
      grp.valid = false;
      continue;
    }
    grp.ids.push(id);
    let at = comma + 1;
    for (let d = 0; d < dims; d++) {
      let end = key.indexOf(',', at);
      if (end < 0) end = key.length;
      const v = parseIndex(key, at, end);
      if (v < 0) grp.valid = false;
      grp.idx.push(v);
      at = end + 1;
    }
  }
  const runs: TemplatedRun[] = [];
  for (const grp of groups.values()) if (grp.valid && grp.ids.length >= minRun) runsOf(g, grp, minRun, eligible, runs);
  return runs;
}

/** The non-negative integer written in `s` from `at` to `end` (no sign, no leading zero), or -1. */
function parseIndex(s: string, at: number, end: number): number {
  if (end <= at || end - at > 9 || (s.charCodeAt(at) === 48 && end - at > 1)) return -1;
  let v = 0;
  for (let i = at; i < end; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/** Appends the runs of one group to `out`. */
function runsOf(g: TaskGraph, grp: Group, minRun: number, eligible: ((id: number) => boolean) | undefined, out: TemplatedRun[]): void {
  const { dims, ids, idx } = grp;
  const shape = new Array<number>(dims).fill(0);
  for (let m = 0; m < ids.length; m++) for (let d = 0; d < dims; d++) shape[d] = Math.max(shape[d] as number, (idx[m * dims + d] as number) + 1);
  let total = 1;
  for (const s of shape) total *= s;
  if (total > 4 * ids.length + 1024 || total > 0x7fffffff) return; // too sparse to be a layer's blocks
  const at = new Int32Array(total).fill(-1);
  for (let m = 0; m < ids.length; m++) {
    let p = 0;
    for (let d = 0; d < dims; d++) p = p * (shape[d] as number) + (idx[m * dims + d] as number);
    at[p] = ids[m] as number;
  }
  // the samples: a block in the middle, and one that differs from it along every axis of more than one block
  const middle = ids.length >> 1;
  const ia = idx.slice(middle * dims, middle * dims + dims);
  let other = -1;
  for (let m = 0; m < ids.length && other < 0; m++) {
    let differs = true;
    for (let d = 0; d < dims && differs; d++) differs = (shape[d] as number) === 1 || idx[m * dims + d] !== ia[d];
    if (differs) other = m;
  }
  const a = { idx: ia, node: g.nodes[ids[middle] as number] };
  const b = other < 0 ? undefined : { idx: idx.slice(other * dims, other * dims + dims), node: g.nodes[ids[other] as number] };
  const template = inferTemplate(grp.name, shape, a, b);
  if (template === undefined) return;
  const block = new Array<number>(dims);
  let start = -1;
  for (let p = 0; p <= total; p++) {
    let ok = false;
    if (p < total) {
      const id = at[p] as number;
      ok = id >= 0 && (eligible === undefined || eligible(id)) && matchesTemplate(template, blockIndexAt(shape, p, block), g.nodes[id]);
    }
    if (ok && start < 0) start = p;
    if (!ok && start >= 0) {
      if (p - start >= minRun) out.push({ template, from: start, to: p, ids: at.slice(start, p) });
      start = -1;
    }
  }
}
