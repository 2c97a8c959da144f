/**
 * A naive reference evaluator for pass tests, written independently of core-graph's:
 * evaluates a key by recursion over a plain key -> node map, with ops from a small table.
 */
import type { TaskGraph } from '@tsdask/core-graph';

export const OPS: Record<string, (...a: number[]) => number> = {
  'm#inc': (x) => x + 1,
  'm#double': (x) => x * 2,
  'm#add': (...xs) => xs.reduce((a, b) => a + b, 0),
  'm#neg': (x) => -x,
};

export type Dict = Record<string, unknown>;

function evalArg(arg: unknown, dict: Dict, memo: Map<string, unknown>): unknown {
  if (Array.isArray(arg)) return arg.map((a) => evalArg(a, dict, memo));
  if (arg !== null && typeof arg === 'object') {
    const o = arg as { ref?: string; op?: string; args?: unknown[] };
    if (typeof o.ref === 'string') return evalKey(o.ref, dict, memo);
    if (typeof o.op === 'string') {
      if (o.op === '@tsdask/core-graph/ops#quote') return o.args![0];
      const fn = OPS[o.op];
      if (!fn) throw new Error(`no op ${o.op}`);
      return fn(...(o.args!.map((a) => evalArg(a, dict, memo)) as number[]));
    }
  }
  return arg;
}

export function evalKey(key: string, dict: Dict, memo = new Map<string, unknown>()): unknown {
  if (!memo.has(key)) {
    if (!(key in dict)) throw new Error(`missing ${key}`);
    memo.set(key, evalArg(dict[key], dict, memo));
  }
  return memo.get(key);
}

export function toDict(g: TaskGraph): Dict {
  const d: Dict = {};
  for (let i = 0; i < g.size; i++) d[g.keys[i]!] = g.nodes[i];
  return d;
}
