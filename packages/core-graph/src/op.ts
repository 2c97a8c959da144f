/**
 * `op(moduleUrl, exportName)`: a reference to a function exported by a module, for work that
 * runs on other threads or processes and needs imports. Workers `import()` the module by its
 * specifier and call the export, so it must be compiled JavaScript reachable from the worker
 * (a `file://` URL such as `import.meta.url`, or a package specifier).
 */
import type { OpId } from './spec/index.js';

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

/** Names the export `exportName` of the module at `moduleUrl` as an op. */
export function op(moduleUrl: string, exportName: string): OpRef {
  return new OpRef(moduleUrl, exportName);
}

/** Splits a module OpId into its specifier and export name. */
export function splitOpId(opId: OpId): { module: string; exportName: string } {
  const hash = opId.lastIndexOf('#');
  return { module: opId.slice(0, hash), exportName: opId.slice(hash + 1) };
}
