/**
 * fuse-blockwise: a layer-level pass, run on the high-level graph before materialization.
 * A blockwise layer P whose only reader is one blockwise layer C, with the same blocks (no
 * contraction over P, no broadcasting of P's blocks, P not an output), is merged into C: C's
 * template gets P's template in place of P's placeholder, and P's inputs become C's. Repeated to
 * a fixed point, a chain of element-wise operations becomes one layer and so one task per
 * block. The fused template goes through the layer's `simplify`, if any (array kernels merge
 * nested element-wise expressions into one loop there). A fused layer holds at most
 * `MAX_FUSED_LAYERS` layers and its template nests at most `MAX_FUSED_DEPTH` deep (see
 * depth-limit.ts): a chain of 5,000 element-wise operations becomes about 80 layers, not one
 * expression 5,000 deep. Pure: the input graph is not changed.
 */
import { BlockwiseLayer, type BlockwiseInput } from '../layers/blockwise-layer.js';
import { HighLevelGraph } from '../layers/high-level-graph.js';
import type { Layer } from '../layers/layer.js';
import { keyName, nestingDepth, substitute, type Key, type Node, type Task } from '../spec/index.js';
import { MAX_FUSED_DEPTH, MAX_FUSED_LAYERS } from './depth-limit.js';

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
export function fuseBlockwise(graph: HighLevelGraph, outputs: readonly Key[], maxLayers = MAX_FUSED_LAYERS): HighLevelGraph {
  const outNames = new Set(outputs.map(keyName));
  const layers = new Map(graph.layers);
  // how many original layers each fused layer holds (1 when absent)
  const held = new Map<string, number>();
  // readers are kept up to date as layers merge: recomputing them after every merge made a
  // chain of L layers cost O(L^2) (a chain of 5,000 element-wise operations took seconds)
  const read = readers(layers);
  let changed = false;
  for (let progress = true; progress;) {
    progress = false;
    for (const name of [...layers.keys()]) {
      const first = layers.get(name);
      if (!(first instanceof BlockwiseLayer) || !first.fusable) continue;
      let c: BlockwiseLayer = first;
      for (let again = true; again;) {
        again = false;
        for (const dep of c.dependencies) {
          const p = layers.get(dep);
          if (!(p instanceof BlockwiseLayer) || !p.fusable || outNames.has(p.name)) continue;
          const r = read.get(p.name);
          if (r === undefined || r.size !== 1) continue;
          const count = (held.get(c.name) ?? 1) + (held.get(p.name) ?? 1);
          if (count > maxLayers) continue;
          const slots: number[] = [];
          c.inputs.forEach((inp, i) => {
            if (inp.name === p.name) slots.push(i);
          });
          const fused = fuseInto(c, p, slots);
          if (fused === undefined || nestingDepth(fused.template) > MAX_FUSED_DEPTH) continue;
          held.set(c.name, count);
          layers.delete(p.name);
          layers.set(c.name, fused);
          read.delete(p.name);
          for (const d of p.dependencies) {
            const s = read.get(d);
            if (s === undefined) continue;
            s.delete(p.name);
            s.add(c.name);
          }
          c = fused;
          again = progress = changed = true;
          break;
        }
      }
    }
  }
  return changed ? new HighLevelGraph(layers.values()) : graph;
}
