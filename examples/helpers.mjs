// A module the quickstart notebook sends to worker threads by path: op('./helpers.mjs', 'scale').
// Functions that use imports or shared constants live in a module like this one; the workers
// import it by its file URL (a relative path is resolved against the working directory).
const FACTOR = 2;

/** v times FACTOR (a free variable: this could not travel as source, but travels as a module export). */
export function scale(v) {
  return v * FACTOR;
}
