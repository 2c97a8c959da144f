// Trivial ops for bench/task-overhead.mjs, loaded by workers by module URL.
export function inc(x) {
  return x + 1;
}
export function add(a, b) {
  return a + b;
}
