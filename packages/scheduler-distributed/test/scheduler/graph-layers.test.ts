/**
 * A graph sent as layers (client/encode-layers.ts: `update-graph-layer` messages where templates
 * hold, parts for the rest) is taken in by the scheduler as exactly the graph the per-task parts
 * give: the same keys, nodes (as the JSON text a part carries), dependencies, priorities and
 * task groups, only numbered differently; and fewer bytes travel. A layer message that does not
 * fit the graph is refused with a typed error naming the field.
 */
import { describe, expect, it } from 'vitest';
import { BlockwiseLayer, HighLevelGraph, MaterializedLayer, lowerGraph, optimizeGraph, quote, type Key, type Node, type TaskGraph } from '@tsdask/core-graph';
import {
  decodePriorityRuns,
  encodeGraph,
  encodePriorityRuns,
  graphMessages,
  splitUpdateGraph,
  type GraphMessage,
  type UpdateGraphMsg,
} from '@tsdask/scheduler-distributed';
import { pack } from 'msgpackr';
import { LayerExpansion, layerPart, type LayerChunk } from '../../src/scheduler/layer-intake.js';
import { GraphAssembly, type WiredGraph } from '../../src/scheduler/wire-graph.js';

/** A graph of `n` blocks: literal sources, a map, an add of the map and the sources, a pairwise tree sum. */
function layered(n: number): { graph: TaskGraph; outputs: Key[] } {
  const src = new Map<Key, Node>();
  for (let i = 0; i < n; i++) src.set(`src,${i}`, quote({ rows: i }));
  const map = new BlockwiseLayer('map-1', 'i', [n], { op: 'k#inc', args: [BlockwiseLayer.arg(0), 2] }, [{ name: 'src', index: 'i', numblocks: [n] }]);
  const add = new BlockwiseLayer('add-1', 'i', [n], { op: 'k#add', args: [BlockwiseLayer.arg(0), BlockwiseLayer.arg(1)] }, [
    { name: 'map-1', index: 'i', numblocks: [n] },
    { name: 'src', index: 'i', numblocks: [n] },
  ]);
  const tree = new Map<Key, Node>();
  let level = Array.from({ length: n }, (_, i) => `add-1,${i}`);
  for (let depth = 0; level.length > 1; depth++) {
    const next: Key[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const k = `sum-${depth},${i >> 1}`;
      tree.set(k, { op: 'k#sum', args: [level.slice(i, i + 2).map((ref) => ({ ref }))] });
      next.push(k);
    }
    level = next;
  }
  const hlg = new HighLevelGraph([new MaterializedLayer('src', src), map, add, new MaterializedLayer('sum', tree, ['add-1'])]);
  return { graph: lowerGraph(hlg.materialize()), outputs: level };
}

/** Feeds messages to a GraphAssembly as the scheduler's client session does. */
function takeIn(msgs: GraphMessage[]): WiredGraph {
  const a = new GraphAssembly();
  for (const m of msgs.slice(0, -1))
    a.add(m.type === 'update-graph-layer' ? layerPart(m, a.index) : (m as Exclude<GraphMessage, { type: 'update-graph-layer' }>));
  const last = msgs.at(-1) as UpdateGraphMsg;
  const wired = a.complete(
    last,
    () => false,
    () => false,
    'x',
  );
  expect(wired.check.step(Infinity)).toBe(true);
  return wired;
}

/** The graph as key -> [node, dependency keys, priority, group], whatever its numbering. */
function byKey(w: WiredGraph): Map<Key, [unknown, Key[], number, string]> {
  const g = w.graph;
  const out = new Map<Key, [unknown, Key[], number, string]>();
  for (let i = 0; i < g.size; i++) {
    const deps = Array.from(g.depIdx.subarray(g.depPtr[i], g.depPtr[i + 1]), (d) => g.keys[d] as Key);
    out.set(g.keys[i] as Key, [g.nodes[i], deps, w.priorities![i]!, w.groups.names[w.groups.ids[i]!]!]);
  }
  return out;
}

const bytes = (msgs: GraphMessage[]): number => msgs.reduce((s, m) => s + pack(m).byteLength, 0);

describe('a graph sent as layers', () => {
  it('gives the scheduler the same tasks, dependencies, priorities and groups as the per-task parts', () => {
    const { graph, outputs } = layered(1000);
    const msg = encodeGraph(7, graph, outputs);
    const layers = [...graphMessages(msg, graph, { partTasks: 300, minRun: 16 })];
    const parts = splitUpdateGraph(msg, 300);
    // map-1 and add-1 (1000 blocks each) go as templates, 300 blocks a message; src and the tree as parts
    const layerMsgs = layers.filter((m) => m.type === 'update-graph-layer');
    expect(layerMsgs.map((m) => [JSON.parse(m.template).name, m.from, m.to])).toEqual([
      ['map-1', 0, 300],
      ['map-1', 300, 600],
      ['map-1', 600, 900],
      ['map-1', 900, 1000],
      ['add-1', 0, 300],
      ['add-1', 300, 600],
      ['add-1', 600, 900],
      ['add-1', 900, 1000],
    ]);
    const viaLayers = byKey(takeIn(layers));
    const viaParts = byKey(takeIn(parts));
    expect(viaLayers.size).toBe(graph.size);
    expect(viaLayers).toEqual(viaParts);
    // the per-task path itself against the lowered graph, as a plain loop reads it
    for (let i = 0; i < graph.size; i++) {
      const k = graph.keys[i]!;
      expect(JSON.parse(viaParts.get(k)![0] as string)).toEqual(graph.nodes[i]);
      expect(viaParts.get(k)![2]).toBe(msg.priorities[i]);
    }
    expect(bytes(layers)).toBeLessThan(bytes(parts) * 0.75);
  });

  it('expands one huge layer message in bounded steps, each taken in before the next, into the graph the parts give', () => {
    const { graph, outputs } = layered(3000);
    const msg = encodeGraph(6, graph, outputs);
    // one message per layer run (3000 blocks), expanded 128 blocks a step
    const layers = [...graphMessages(msg, graph, { partTasks: 3000, minRun: 16 })];
    const a = new GraphAssembly();
    let steps = 0;
    for (const m of layers.slice(0, -1)) {
      if (m.type !== 'update-graph-layer') {
        a.add(m as Exclude<GraphMessage, { type: 'update-graph-layer' }>);
        continue;
      }
      expect(m.to - m.from).toBe(3000);
      let left = m.to - m.from;
      const e = new LayerExpansion(m, a.index, (part: LayerChunk) => {
        expect(part.keys.length).toBe(Math.min(128, left)); // no more than the step's budget
        left -= part.keys.length;
        a.add(part, left === 0);
      });
      let before = a.keys.length;
      for (let done = false; !done; steps++) {
        done = e.step(128);
        const grew = a.keys.length - before; // taken in step by step
        expect(grew > 0 && grew <= 128).toBe(true);
        before = a.keys.length;
      }
      expect(left).toBe(0);
    }
    expect(steps).toBe(2 * Math.ceil(3000 / 128)); // map-1 and add-1
    const wired = a.complete(
      layers.at(-1) as UpdateGraphMsg,
      () => false,
      () => false,
      'x',
    );
    expect(wired.check.step(Infinity)).toBe(true);
    expect(byKey(wired)).toEqual(byKey(takeIn(splitUpdateGraph(msg, 3000))));
  });

  it('sends as parts what optimization rewrote, and still gives the same graph', () => {
    const { graph, outputs } = layered(600);
    const optimized = optimizeGraph(graph, outputs);
    const msg = encodeGraph(8, optimized, outputs);
    const viaLayers = byKey(takeIn([...graphMessages(msg, optimized, { partTasks: 100, minRun: 16 })]));
    expect(viaLayers).toEqual(byKey(takeIn(splitUpdateGraph(msg, 100))));
  });

  it('is refused, naming the field, when a layer message does not fit the graph', () => {
    const { graph, outputs } = layered(64);
    const msgs = [...graphMessages(encodeGraph(9, graph, outputs), graph, { partTasks: 1000, minRun: 16 })];
    const layer = msgs.find((m) => m.type === 'update-graph-layer')!;
    const field = (f: () => unknown): string => {
      try {
        f();
      } catch (err) {
        expect((err as Error).name).toBe('MessageShapeError');
        return (err as { path: string }).path;
      }
      return 'accepted';
    };
    // before the parts it reads: its references name no known key
    expect(field(() => layerPart(layer, new Map()))).toBe('message.template');
    const a = new GraphAssembly();
    for (const m of msgs) if (m.type === 'update-graph-part') a.add(m);
    expect(field(() => layerPart({ ...layer, template: '{' }, a.index))).toBe('message.template');
    expect(field(() => layerPart({ ...layer, template: JSON.stringify({ name: 'x', shape: [-1], node: 1, refs: [] }) }, a.index))).toBe('message.template');
    expect(field(() => layerPart({ ...layer, from: 10, to: 5 }, a.index))).toBe('message.from');
    expect(field(() => layerPart({ ...layer, to: 1_000_000 }, a.index))).toBe('message.from');
    expect(field(() => layerPart({ ...layer, priorities: [0, 1, 3] }, a.index))).toBe('message.priorities');
    expect(field(() => layerPart(layer, a.index))).toBe('accepted');
  });

  it('priority runs encode any sequence', () => {
    const seqs = [[], [5], [1, 3, 5, 7], [9, 8, 7, 1, 1, 1, 4], Array.from({ length: 50 }, (_, i) => (i * 7919) % 101)];
    for (const s of seqs) expect(decodePriorityRuns(encodePriorityRuns(s), s.length)).toEqual(s);
    expect(encodePriorityRuns([1, 3, 5, 7, 9])).toEqual([1, 2, 5]);
  });
});
