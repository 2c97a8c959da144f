/**
 * The modules a worker thread loads when it starts, before its first task: a collection
 * package registers its kernel modules here when it is imported (for example
 * `@tsdask/dataframe/kernels`), and a scheduler that starts workers reads the list, so the
 * first task of the first query does not wait while a worker loads and compiles them. Only
 * module specifiers (what an OpId names before its '#'); core-graph never imports them.
 */

const modules = new Set<string>();

/** Asks workers started from now on to load these modules (specifiers) as they start. */
export function registerWorkerModules(...specifiers: string[]): void {
  for (const s of specifiers) {
    if (typeof s !== 'string' || s === '' || s.includes('#')) {
      throw new TypeError(`registerWorkerModules(): a module specifier such as '@tsdask/dataframe/kernels' (no '#export'), got ${JSON.stringify(s)}`);
    }
    modules.add(s);
  }
}

/** The modules workers load as they start, in the order registered. */
export function workerModules(): string[] {
  return [...modules];
}
