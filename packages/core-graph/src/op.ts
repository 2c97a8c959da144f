/**
 * `op(module, exportName)`: a reference to a function exported by a module, for work that
 * runs on other threads or processes and needs imports. Workers `import()` the module by its
 * specifier and call the export, so it must be JavaScript reachable from the worker: a
 * `file://` URL such as `import.meta.url`, a package specifier, or a file path (`__filename`,
 * or `'./helpers.mjs'` resolved against the working directory: the form a notebook can use).
 */
import type { OpId } from './spec/index.js';
import { moduleSpecifier } from './platform/module-path.js';

/** A function named by module and export, callable through `delayed`. */
export class OpRef {
  readonly opId: OpId;
  constructor(
    readonly module: string,
    readonly exportName: string,
  ) {
    this.opId = `${module}#${exportName}`;
  }
  /** The export name, used as the task name. */
  get name(): string {
    return this.exportName;
  }
  /** Token for keys: the OpId itself. */
  tokenize(): string {
    return this.opId;
  }
}

/**
 * Names the export `exportName` of a module as an op. `module` is a URL (`import.meta.url`), a
 * package specifier, an absolute path (`__filename`) or a path relative to the working
 * directory (`'./helpers.mjs'`); paths are turned into `file://` URLs now.
 */
export function op(module: string, exportName: string): OpRef {
  if (typeof module !== 'string' || module === '') throw new TypeError(`op(): the module must be a URL, a package name or a file path; got ${String(module)}`);
  if (typeof exportName !== 'string' || exportName === '')
    throw new TypeError(`op('${module}', ...): the export name must be a non-empty string; got ${String(exportName)}`);
  return new OpRef(moduleSpecifier(module), exportName);
}

/** Splits a module OpId into its specifier and export name. */
export function splitOpId(opId: OpId): { module: string; exportName: string } {
  const hash = opId.lastIndexOf('#');
  return { module: opId.slice(0, hash), exportName: opId.slice(hash + 1) };
}
