/**
 * The task graph of the current compute (sent only for graphs of at most a few thousand
 * tasks): laid out once per compute in layers by depth (Kahn's order over the CSR
 * dependencies, O(nodes + edges)), then redrawn with each node coloured by its state. Edges
 * are drawn once into an offscreen canvas and reused.
 */
import { NODE_STATE, type GraphInfo } from '../messages.js';
import { groupColor, prepareCanvas } from './format.js';
import type { Model } from './model.js';

interface Layout {
  x: Float32Array;
  y: Float32Array;
  depth: number;
  width: number;
  height: number;
  edges: HTMLCanvasElement | null;
}

/** Layered positions in [0, 1] x [0, 1]. */
export function layoutGraph(g: GraphInfo): { x: Float32Array; y: Float32Array; depth: number } {
  const n = g.keys.length;
  const indeg = new Int32Array(n);
  const outCount = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    indeg[i] = (g.depPtr[i + 1] as number) - (g.depPtr[i] as number);
    for (let e = g.depPtr[i] as number; e < (g.depPtr[i + 1] as number); e++) outCount[(g.depIdx[e] as number) + 1]!++;
  }
  for (let i = 0; i < n; i++) outCount[i + 1]! += outCount[i] as number;
  const outIdx = new Int32Array(outCount[n] as number);
  const fill = outCount.slice(0, n);
  for (let i = 0; i < n; i++) for (let e = g.depPtr[i] as number; e < (g.depPtr[i + 1] as number); e++) outIdx[fill[g.depIdx[e] as number]!++] = i;
  const level = new Int32Array(n);
  const queue: number[] = [];
  for (let i = 0; i < n; i++) if (indeg[i] === 0) queue.push(i);
  let maxLevel = 0;
  for (let q = 0; q < queue.length; q++) {
    const t = queue[q] as number;
    for (let e = outCount[t] as number; e < (outCount[t + 1] as number); e++) {
      const d = outIdx[e] as number;
      if ((level[t] as number) + 1 > (level[d] as number)) level[d] = (level[t] as number) + 1;
      if (--indeg[d]! === 0) queue.push(d);
    }
    if ((level[t] as number) > maxLevel) maxLevel = level[t] as number;
  }
  // Within a layer, order by the mean position of the dependencies (one barycentre sweep).
  const layers: number[][] = Array.from({ length: maxLevel + 1 }, () => []);
  for (const t of queue) (layers[level[t] as number] as number[]).push(t);
  const pos = new Float32Array(n);
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  layers.forEach((layer, li) => {
    if (li > 0) {
      const key = new Map<number, number>();
      for (const t of layer) {
        let s = 0;
        const lo = g.depPtr[t] as number;
        const hi = g.depPtr[t + 1] as number;
        for (let e = lo; e < hi; e++) s += pos[g.depIdx[e] as number] as number;
        key.set(t, hi > lo ? s / (hi - lo) : 0.5);
      }
      layer.sort((a, b) => (key.get(a) as number) - (key.get(b) as number));
    }
    layer.forEach((t, i) => {
      pos[t] = (i + 0.5) / layer.length;
      x[t] = maxLevel === 0 ? 0.5 : li / maxLevel;
      y[t] = pos[t] as number;
    });
  });
  return { x, y, depth: maxLevel + 1 };
}

const STATE_FILL: Record<number, string | null> = {
  [NODE_STATE.waiting]: '#d4d8de',
  [NODE_STATE.running]: '#f2c12e',
  [NODE_STATE.erred]: '#d33',
  [NODE_STATE.memory]: null,
  [NODE_STATE.released]: null,
};

export class GraphView {
  #layout: Layout | null = null;
  #computeVersion = -1;

  constructor(
    readonly canvas: HTMLCanvasElement,
    readonly summary: HTMLElement,
  ) {}

  draw(m: Model): void {
    const g = m.compute?.graph;
    if (!g || !m.compute) {
      const text = m.compute ? `not drawn: ${m.compute.ntasks} tasks (graphs of at most 5000 are sent)` : '';
      if (this.summary.textContent !== text || this.summary.dataset['nodes'] !== '0') {
        prepareCanvas(this.canvas, 320);
        this.summary.textContent = text;
        this.summary.dataset['nodes'] = '0';
      }
      return;
    }
    const { ctx, w, h } = prepareCanvas(this.canvas, 320);
    if (this.#computeVersion !== m.computeVersion || this.#layout?.width !== w) {
      const l = layoutGraph(g);
      this.#layout = { ...l, width: w, height: h, edges: null };
      this.#computeVersion = m.computeVersion;
    }
    const L = this.#layout as Layout;
    const pad = 8;
    const px = (t: number): number => pad + (L.x[t] as number) * (w - 2 * pad);
    const py = (t: number): number => pad + (L.y[t] as number) * (h - 2 * pad);
    if (L.edges === null) {
      const off = document.createElement('canvas');
      const ratio = window.devicePixelRatio || 1;
      off.width = Math.round(w * ratio);
      off.height = Math.round(h * ratio);
      const oc = off.getContext('2d') as CanvasRenderingContext2D;
      oc.setTransform(ratio, 0, 0, ratio, 0, 0);
      oc.strokeStyle = 'rgba(120,130,145,0.35)';
      oc.beginPath();
      for (let t = 0; t < g.keys.length; t++) {
        for (let e = g.depPtr[t] as number; e < (g.depPtr[t + 1] as number); e++) {
          const d = g.depIdx[e] as number;
          oc.moveTo(px(d), py(d));
          oc.lineTo(px(t), py(t));
        }
      }
      oc.stroke();
      L.edges = off;
    }
    ctx.drawImage(L.edges, 0, 0, w, h);
    const n = g.keys.length;
    const size = Math.max(2, Math.min(10, Math.floor((h - 2 * pad) / Math.max(1, n / L.depth)) - 1));
    let done = 0;
    for (let t = 0; t < n; t++) {
      const s = m.nodeState[t] as number;
      const fill = STATE_FILL[s] ?? groupColor(g.group[t] as number);
      if (s === NODE_STATE.memory || s === NODE_STATE.released) done++;
      ctx.globalAlpha = s === NODE_STATE.released ? 0.55 : 1;
      ctx.fillStyle = fill;
      ctx.fillRect(px(t) - size / 2, py(t) - size / 2, size, size);
    }
    ctx.globalAlpha = 1;
    this.summary.textContent = `${n} tasks, ${L.depth} levels, ${done} done`;
    this.summary.dataset['nodes'] = String(n);
    this.summary.dataset['done'] = String(done);
  }
}
