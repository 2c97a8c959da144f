/**
 * `tokenize(...values)`: a deterministic 32-hex-digit hash of values, the same in every
 * process. Plain objects hash independently of key order; typed arrays and ArrayBuffers by
 * content; functions by source (and name); Maps and Sets independently of insertion order;
 * objects with a `tokenize()` method (collections) by what it returns; other class instances
 * by their class name and own fields. Cycles are hashed by back-reference.
 */
import { md5 } from './platform/hash.js';

/** An object that knows its own token (collections, ops). */
export interface Tokenizable {
  tokenize(): string;
}

const fnTokens = new WeakMap<Function, string>();

/** The token of a function: a hash of its name and source, cached per function object. */
export function functionToken(fn: Function): string {
  let t = fnTokens.get(fn);
  if (t === undefined) {
    t = md5(`f${fn.name}\u0000${Function.prototype.toString.call(fn)}`);
    fnTokens.set(fn, t);
  }
  return t;
}

/** A deterministic hash of the given values. */
export function tokenize(...values: unknown[]): string {
  const parts: string[] = [];
  const seen: unknown[] = [];
  for (const v of values) normalize(v, parts, seen);
  return md5(parts.join(''));
}

function normalize(x: unknown, out: string[], seen: unknown[]): void {
  switch (typeof x) {
    case 'string':
      out.push('s', String(x.length), ':', x);
      return;
    case 'number':
      out.push(Object.is(x, -0) ? 'n-0;' : `n${x};`);
      return;
    case 'bigint':
      out.push(`b${x};`);
      return;
    case 'boolean':
      out.push(x ? 'T' : 'F');
      return;
    case 'undefined':
      out.push('U');
      return;
    case 'symbol':
      out.push(`y${x.description ?? ''};`);
      return;
    case 'function':
      out.push('f', functionToken(x));
      return;
  }
  if (x === null) {
    out.push('N');
    return;
  }
  const back = seen.indexOf(x);
  if (back >= 0) {
    out.push(`@${back};`);
    return;
  }
  const o = x as object;
  if (typeof (o as Partial<Tokenizable>).tokenize === 'function') {
    out.push('t', (o as Tokenizable).tokenize(), ';');
    return;
  }
  if (ArrayBuffer.isView(o)) {
    const name = o.constructor.name;
    const len = 'length' in o ? (o as { length: number }).length : o.byteLength;
    out.push('v', name, String(len), ':', md5(o), ';');
    return;
  }
  if (o instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && o instanceof SharedArrayBuffer)) {
    out.push('B', md5(new Uint8Array(o)), ';');
    return;
  }
  if (o instanceof Date) {
    out.push(`d${o.getTime()};`);
    return;
  }
  if (o instanceof RegExp) {
    out.push('r', String(o), ';');
    return;
  }
  seen.push(o);
  if (Array.isArray(o)) {
    out.push('[');
    for (let i = 0; i < o.length; i++) normalize(o[i], out, seen);
    out.push(']');
  } else if (o instanceof Map) {
    const entries = [...o].map(([k, v]) => tokenize(k) + tokenize(v)).sort();
    out.push('M', entries.join(','), ';');
  } else if (o instanceof Set) {
    const items = [...o].map((v) => tokenize(v)).sort();
    out.push('S', items.join(','), ';');
  } else {
    const proto = Object.getPrototypeOf(o) as object | null;
    const cls = proto === null || proto === Object.prototype ? '' : (o.constructor?.name ?? '?');
    out.push('{', cls, '|');
    const keys = Object.keys(o).sort();
    for (const k of keys) {
      out.push('s', String(k.length), ':', k);
      normalize((o as Record<string, unknown>)[k], out, seen);
    }
    out.push('}');
  }
  seen.pop();
}
