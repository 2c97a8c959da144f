/** The ops of a collection's optimized task graph, nested (fused) tasks included, for tests that check what a query lowers to. */
import { graphOf, type CollectionLike, type Node } from '@tsdask/core-graph';

export function opsOf(c: CollectionLike): string[] {
  const out: string[] = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n !== null && typeof n === 'object' && 'op' in n && 'args' in n) {
      out.push((n as { op: string }).op);
      walk((n as { args: unknown[] }).args);
    }
  };
  for (const n of graphOf([c]).graph.nodes as Node[]) walk(n);
  return out;
}
