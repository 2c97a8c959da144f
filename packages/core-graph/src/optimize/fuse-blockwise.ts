/**
 * fuse-blockwise: a layer-level pass, run on the high-level graph before materialization.
 * A blockwise layer P whose only reader is one blockwise layer C, with the same blocks (no
 * contraction over P, no broadcasting of P's blocks, P not an output), is merged into C: C's
 * template gets P's template in place of P's placeholder, and P's inputs become C's. Repeated to
 * a fixed point, a chain of element-wise operations becomes one layer and so one task per
 * block. The fused template goes through the layer's `simplify`, if any (array kernels merge
 * nested element-wise expressions into one loop there). Pure: the input graph is not changed.
 */
import { BlockwiseLayer, type BlockwiseInput } from '../layers/blockwise-layer.js';
import { HighLevelGraph } from '../layers/high-level-graph.js';
import type { Layer } from '../layers/layer.js';
import { keyName, substitute, type Key, type Node, type Task } from '../spec/index.js';

function readers(layers: ReadonlyMap<string, Layer>): Map<string, Set<string>> {
  const m = new Map<string, Set<string>>();
  for (const l of layers.values()) {
    for (const d of l.dependencies) {
      let s = m.get(d);
      if (s === undefined) m.set(d, (s = new Set()));
      s.add(l.name);
    }
  }
  return m;
}

/** Merges producer `p` (read by `c` through the inputs at `slots`) into `c`; undefined when it may not. */
function fuseInto(c: BlockwiseLayer, p: BlockwiseLayer, slots: number[]): BlockwiseLayer | undefined {
  const index = (c.inputs[slots[0] as number] as BlockwiseInput).index;
  if (slots.some((s) => (c.inputs[s] as BlockwiseInput).index !== index)) return undefined;
  if (index.length !== p.outIndex.length) return undefined;
  if (new Set(index).size !== index.length) return undefined;
  const rename = new Map<string, string>();
  for (let d = 0; d < index.length; d++) {
    const letter = index[d] as string;
    const pos = c.outIndex.indexOf(letter);
    if (pos < 0 || c.numblocks[pos] !== p.numblocks[d]) return undefined;
    rename.set(p.outIndex[d] as string, letter);
  }
  for (const inp of p.inputs) for (const ch of inp.index) if (!rename.has(ch)) return undefined;
  const inputs: BlockwiseInput[] = [];
  const subs = new Map<Key, Node>();
  c.inputs.forEach((inp, i) => {
    if (slots.includes(i)) return;
    subs.set(BlockwiseLayer.arg(i).ref, BlockwiseLayer.arg(inputs.length));
    inputs.push(inp);
  });
  const psubs = new Map<Key, Node>();
  p.inputs.forEach((inp, i) => {
    psubs.set(BlockwiseLayer.arg(i).ref, BlockwiseLayer.arg(inputs.length));
    inputs.push({ name: inp.name, index: [...inp.index].map((ch) => rename.get(ch) as string).join(''), numblocks: inp.numblocks });
  });
  const inner = substitute(p.template, psubs);
  for (const s of slots) subs.set(BlockwiseLayer.arg(s).ref, inner);
  let template = substitute(c.template, subs) as Task;
  const simplify = c.simplify ?? p.simplify;
  if (simplify !== undefined) template = simplify(template);
  return new BlockwiseLayer(c.name, c.outIndex, c.numblocks, template, inputs, {
    kind: c.kind,
    ...(simplify !== undefined ? { simplify } : {}),
  });
}

/** Fuses chains of blockwise layers; `outputs` are the keys the compute asks for. */
export function fuseBlockwise(graph: HighLevelGraph, outputs: readonly Key[]): HighLevelGraph {
  const outNames = new Set(outputs.map(keyName));
  const layers = new Map(graph.layers);
  let changed = false;
  for (let progress = true; progress; ) {
    progress = false;
    const read = readers(layers);
    for (const c of layers.values()) {
      if (!(c instanceof BlockwiseLayer) || !c.fusable) continue;
      for (const dep of c.dependencies) {
        const p = layers.get(dep);
        if (!(p instanceof BlockwiseLayer) || !p.fusable || outNames.has(p.name)) continue;
        const r = read.get(p.name);
        if (r === undefined || r.size !== 1) continue;
        const slots: number[] = [];
        c.inputs.forEach((inp, i) => { if (inp.name === p.name) slots.push(i); });
        const fused = fuseInto(c, p, slots);
        if (fused === undefined) continue;
        layers.delete(p.name);
        layers.set(c.name, fused);
        progress = changed = true;
        break;
      }
      if (progress) break;
    }
  }
  return changed ? new HighLevelGraph(layers.values()) : graph;
}
