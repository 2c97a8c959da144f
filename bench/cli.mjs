// What the bench scripts share: their command-line flags and the median of their runs.

const argv = process.argv.slice(2);

/** The value after `--name` on the command line, or `dflt`. */
export const arg = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : dflt;
};

/** The median of some numbers (the upper one of an even count). */
export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
