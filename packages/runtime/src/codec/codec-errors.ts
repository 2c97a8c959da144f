/**
 * The spill codec's refusal: a SpillError (TSDASK_SPILL_UNENCODABLE) that says what the value
 * holds that cannot be written and where (`value.columns[2].fn`), the path being found
 * breadth-first from the root only once encoding has failed (the encoder tracks no paths).
 */
import { SpillError } from '../errors.js';

/** What a value that cannot be encoded is, in words. */
function describe(v: unknown): string {
  if (typeof v === 'function') return `a function${v.name ? ` (${v.name})` : ''}`;
  if (typeof v === 'symbol') return `a symbol (${v.toString()})`;
  const proto = Object.getPrototypeOf(v) as { constructor?: { name?: string } } | null;
  const name = proto?.constructor?.name;
  return name ? `an instance of ${name}` : 'an object of an unknown kind';
}

/** The path from the root to `target` (found breadth-first, on the error path only). */
function pathTo(root: unknown, target: unknown): string {
  if (root === target) return 'value';
  const seen = new Set<unknown>([root]);
  let level: [unknown, string][] = [[root, 'value']];
  while (level.length > 0) {
    const next: [unknown, string][] = [];
    for (const [v, path] of level) {
      if (typeof v !== 'object' || v === null || ArrayBuffer.isView(v)) continue;
      const children: [unknown, string][] = [];
      if (v instanceof Map) {
        let i = 0;
        for (const [k, x] of v) {
          children.push([k, `${path}.<key ${i}>`], [x, `${path}.get(${typeof k === 'string' ? JSON.stringify(k) : `<key ${i}>`})`]);
          i++;
        }
      } else if (v instanceof Set) {
        let i = 0;
        for (const x of v) children.push([x, `${path}.<item ${i++}>`]);
      } else if (Array.isArray(v)) v.forEach((x, i) => children.push([x, `${path}[${i}]`]));
      else
        for (const k of Object.keys(v))
          children.push([(v as Record<string, unknown>)[k], /^[A-Za-z_$][\w$]*$/.test(k) ? `${path}.${k}` : `${path}[${JSON.stringify(k)}]`]);
      for (const [x, p] of children) {
        if (x === target) return p;
        if (!seen.has(x)) {
          seen.add(x);
          next.push([x, p]);
        }
      }
    }
    level = next;
  }
  return 'value';
}

/** The error for `v`, found inside `root`. */
export function unencodable(root: unknown, v: unknown): SpillError {
  const path = pathTo(root, v);
  return new SpillError(
    'TSDASK_SPILL_UNENCODABLE',
    `Cannot spill this result to disk: ${path} is ${describe(v)}, which the spill codec cannot write ` +
      '(it writes what structured clone copies: plain objects, arrays, Map, Set, Date, RegExp, typed arrays and buffers). ' +
      'The result stays in memory; return plain data from the task to let it spill.',
    { dir: '', path },
  );
}
