/**
 * visualize: a collection's graph as Graphviz DOT (always available) or SVG (rendered by
 * @viz-js/viz, a WebAssembly build of Graphviz, loaded only when asked for). `level: 'tasks'`
 * draws every task of the optimized graph (meant for graphs up to a few thousand tasks);
 * `level: 'layers'` draws the high-level graph, one node per collection operation.
 */
import type { CollectionLike } from './collection-brand.js';
import { graphOf, resolveOptions } from './compute.js';
import { boolean, checkOptionObject, oneOf, plainObject } from './options/checks.js';
import type { TaskGraph } from './graph/task-graph.js';
import { HighLevelGraph } from './layers/high-level-graph.js';
import { notebook } from './notebook/display.js';
import { isTask, keyGroup, keyIndices, type Node } from './spec/index.js';

export interface VisualizeOptions {
  format?: 'dot' | 'svg';
  level?: 'tasks' | 'layers';
  /** Draw the graph after the task-level optimizations (default true, as it will run). */
  optimize?: boolean;
}

function esc(s: string): string {
  return s.replaceAll('\\', '\\\\').replaceAll('"', '\\"');
}

function opLabel(node: Node): string {
  if (!isTask(node)) return 'literal';
  const op = node.op;
  const hash = op.lastIndexOf('#');
  return hash >= 0 ? op.slice(hash + 1) : op.replace(/^fn:/, 'fn ');
}

/** DOT text of a task graph: one box per key, labelled with its group and indices. */
export function taskGraphToDot(g: TaskGraph): string {
  const lines = ['digraph tasks {', '  rankdir=BT;', '  node [shape=box, style=rounded, fontsize=10];'];
  for (let i = 0; i < g.size; i++) {
    const key = g.keys[i] as string;
    const idx = keyIndices(key);
    const label = `${keyGroup(key)}${idx.length > 0 ? ` (${idx.join(', ')})` : ''}\\n${opLabel(g.nodes[i])}`;
    lines.push(`  n${i} [label="${esc(label).replaceAll('\\\\n', '\\n')}", tooltip="${esc(key)}"];`);
  }
  for (let i = 0; i < g.size; i++) {
    for (let e = g.depPtr[i]!; e < g.depPtr[i + 1]!; e++) lines.push(`  n${g.depIdx[e]} -> n${i};`);
  }
  lines.push('}');
  return lines.join('\n');
}

/** DOT text of a high-level graph: one node per layer. */
export function layersToDot(hlg: HighLevelGraph): string {
  const lines = ['digraph layers {', '  rankdir=BT;', '  node [shape=box, fontsize=11];'];
  const ids = new Map<string, number>();
  for (const l of hlg.layers.values()) {
    ids.set(l.name, ids.size);
    const size = l.size !== undefined ? `\\n${l.size} tasks` : '';
    lines.push(`  l${ids.get(l.name)} [label="${esc(keyGroup(l.name))}\\n${esc(l.kind)}${size}", tooltip="${esc(l.name)}"];`);
  }
  hlg.dag.forEachEdge((_e: string, _a: unknown, source: string, target: string) => {
    lines.push(`  l${ids.get(source)} -> l${ids.get(target)};`);
  });
  lines.push('}');
  return lines.join('\n');
}

/** Renders DOT text to SVG with Graphviz compiled to WebAssembly. */
export async function dotToSvg(dot: string): Promise<string> {
  const viz = (await import('@viz-js/viz')) as { instance(): Promise<{ renderString(src: string, o: { format: string }): string }> };
  return (await viz.instance()).renderString(dot, { format: 'svg' });
}

const visualizeOptions = plainObject('an options object { format, level, optimize }', {
  format: oneOf('dot', 'svg'),
  level: oneOf('tasks', 'layers'),
  optimize: boolean,
});

/**
 * The graph of one or more collections as DOT or SVG text. In a notebook (tslab) with no
 * `format` given, the graph is drawn in the cell as SVG (as Dask's visualize() shows an image
 * in Jupyter) and the promise resolves to '' (so the cell does not also print the SVG's text);
 * pass a `format` there to get the text.
 */
export async function visualize(collections: CollectionLike | readonly CollectionLike[], opts: VisualizeOptions = {}): Promise<string> {
  checkOptionObject('visualize()', opts, visualizeOptions);
  const list = Array.isArray(collections) ? (collections as CollectionLike[]) : [collections as CollectionLike];
  let dot: string;
  if (opts.level === 'layers') {
    dot = layersToDot(HighLevelGraph.merge(...list.map((c) => c.graph)));
  } else {
    const o = resolveOptions(opts.optimize === false ? { optimize: { cull: true, inline: false, fuse: false } } : {});
    dot = taskGraphToDot(graphOf(list, o).graph);
  }
  const nb = opts.format === undefined ? notebook() : undefined;
  if (nb !== undefined) {
    try {
      nb.display.svg(await dotToSvg(dot));
      return '';
    } catch {
      // tslab refuses to display outside a running cell: the text, as everywhere else
    }
  }
  return opts.format === 'svg' ? dotToSvg(dot) : dot;
}
