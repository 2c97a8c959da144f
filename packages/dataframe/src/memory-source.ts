/** A source of partitions already in memory (fromArrow, fromRecords, persisted results). */
import { HighLevelGraph, MaterializedLayer, chunkKey, quote, randomToken, type Key, type Node } from '@tsdask/core-graph';
import { schemaOf, type Partition, type Schema } from './kernels/columns.js';
import type { Lowered, Source } from './plan/node.js';

/** Partitions held in the graph as literals. */
export class MemorySource implements Source {
  readonly acceptsFilters = false;
  readonly schema: Schema;
  private readonly name: string;
  private lowered: Lowered | undefined;
  constructor(private readonly parts: Partition[], schema?: Schema) {
    this.schema = schema ?? schemaOf(parts[0] as Partition);
    this.name = `from-data-${randomToken()}`;
  }
  get npartitions(): number {
    return this.parts.length;
  }
  describe(): string {
    return `FromData (in memory, ${this.parts.length} partition${this.parts.length === 1 ? '' : 's'})`;
  }
  lower(): Lowered {
    if (this.lowered === undefined) {
      const tasks = new Map<Key, Node>();
      this.parts.forEach((p, i) => tasks.set(chunkKey(this.name, i), quote(p)));
      this.lowered = { name: this.name, graph: new HighLevelGraph([new MaterializedLayer(this.name, tasks)]) };
    }
    return this.lowered;
  }
}
