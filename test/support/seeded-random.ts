/**
 * A seeded random number generator for tests (a 32-bit linear congruential generator): the
 * same seed gives the same inputs on every run, so a failure can be replayed.
 */

/** Uniform numbers in [0, 1), the same sequence for the same seed. */
export function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}
