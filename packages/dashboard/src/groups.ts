/**
 * The task groups of the compute shown: each name's id (its place in the compute's `groups`),
 * its progress row, and the groups first named by a task batch since the last flush (a batch may
 * bring groups the compute's start did not list).
 */
import type { GroupStatus } from './messages.js';

export class GroupTable {
  #ids = new Map<string, number>();
  #status: GroupStatus[] = [];
  #added: string[] = [];

  /** Each group's progress, by id. */
  get status(): GroupStatus[] {
    return this.#status;
  }

  /** The groups named since the last `takeAdded()`, in id order after the known ones. */
  get added(): readonly string[] {
    return this.#added;
  }

  /** A new compute with these groups (ids 0..n-1), all at zero. */
  reset(names: readonly string[]): void {
    this.#ids = new Map(names.map((g, i) => [g, i]));
    this.#status = names.map((_, i) => ({ group: i, done: 0, erred: 0, running: 0 }));
    this.#added = [];
  }

  /** The groups added since the last call, which the caller now announces; the list starts over. */
  takeAdded(): string[] {
    const added = this.#added;
    this.#added = [];
    return added;
  }

  /** The id of a group; a group not seen before is added. */
  of(name: string): number {
    let g = this.#ids.get(name);
    if (g === undefined) {
      g = this.#status.length;
      this.#ids.set(name, g);
      this.#status.push({ group: g, done: 0, erred: 0, running: 0 });
      this.#added.push(name);
    }
    return g;
  }
}
