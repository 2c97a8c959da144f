/**
 * Seeded random number generators for tests (a 32-bit linear congruential generator, and
 * mulberry32): the same seed gives the same inputs on every run, so a failure can be replayed.
 */

/** Uniform numbers in [0, 1), the same sequence for the same seed. */
export function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

/** mulberry32: uniform numbers in [0, 1), the same sequence for the same seed (better mixed than lcg). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
