/**
 * Shipped user functions, the worker's side: a self-contained function travels as its source
 * text and is rebuilt here. Whether a function may travel (no free variables) is checked where
 * it is submitted (scheduler-local's portable.ts); both sides read a source through
 * `expressionSource`, so they agree on what the text means.
 */

/** Wraps a function's source so it parses as an expression (method shorthand included). */
export function expressionSource(source: string): string {
  const s = source.trim();
  if (/^(async\s+)?(function\b|\(|[A-Za-z_$][\w$]*\s*=>)/.test(s) || s.startsWith('class')) return `(${s})`;
  // Method shorthand: `name(args) { ... }`, `async name(...)`, `*gen(...)`, `get x()`.
  return `({ ${s} })[Object.keys({ ${s} })[0]]`;
}

/** Compiles a function from its source (in a worker). */
export function compileFunction(source: string): (...args: unknown[]) => unknown {
  return new Function(`"use strict"; return ${expressionSource(source)};`)() as (...args: unknown[]) => unknown;
}
