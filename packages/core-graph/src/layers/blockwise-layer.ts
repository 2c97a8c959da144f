/**
 * BlockwiseLayer: one task per output block, every task the same template applied to blocks of
 * the inputs chosen by index notation, as in Dask's `Blockwise` (`'ij,jk->ik'`).
 *
 * - `outIndex` names the output axes with one letter each (`'ij'`); `numblocks` gives the
 *   number of blocks along each of them.
 * - Each input is `{ name, index, numblocks }`: the key name of a chunked input, the letters of
 *   its axes and its number of blocks along each. A letter of the output picks the block with
 *   the same position (block 0 where the input has one block along it: broadcasting). A letter
 *   that is not in the output is contracted: the task gets the list of all blocks along it
 *   (nested lists for several such letters, in the order they appear).
 * - `template` is a Task whose argument `BlockwiseLayer.arg(i)` stands for input i's block(s).
 *
 * The `fuse-blockwise` pass merges a blockwise layer into the one blockwise layer that reads it
 * by substituting templates; `simplify`, when given, rewrites the fused template (a collection
 * uses it to turn nested element-wise kernels into one pass over memory).
 */
import { keyIndices, keyName, substitute, type Key, type Node, type Ref, type Task } from '../spec/index.js';
import type { Layer } from './layer.js';

/** One chunked input of a blockwise layer. */
export interface BlockwiseInput {
  readonly name: string;
  readonly index: string;
  readonly numblocks: readonly number[];
}

/** Options of a blockwise layer. */
export interface BlockwiseOptions {
  /** Shown by visualize (default 'blockwise'). */
  readonly kind?: string;
  /** Rewrites a template after fusion (for example to merge nested element-wise kernels). */
  readonly simplify?: (template: Task) => Task;
  /** False when this layer must not be fused with its neighbours. */
  readonly fusable?: boolean;
  /** Values kept alive with the layer (see Layer.holds). */
  readonly holds?: readonly unknown[];
}

const PLACEHOLDER = '\u0000blockwise-arg-';

export class BlockwiseLayer implements Layer {
  readonly kind: string;
  readonly dependencies: readonly string[];
  readonly simplify: ((template: Task) => Task) | undefined;
  readonly fusable: boolean;
  readonly holds: readonly unknown[] | undefined;

  constructor(
    readonly name: string,
    readonly outIndex: string,
    readonly numblocks: readonly number[],
    readonly template: Task,
    readonly inputs: readonly BlockwiseInput[],
    opts: BlockwiseOptions = {},
  ) {
    if (outIndex.length !== numblocks.length) {
      throw new RangeError(`BlockwiseLayer '${name}': outIndex '${outIndex}' has ${outIndex.length} letters but numblocks has ${numblocks.length}.`);
    }
    for (const inp of inputs) {
      if (inp.index.length !== inp.numblocks.length) {
        throw new RangeError(`BlockwiseLayer '${name}': input '${inp.name}' index '${inp.index}' does not match numblocks [${inp.numblocks.join(', ')}].`);
      }
    }
    this.kind = opts.kind ?? 'blockwise';
    this.holds = opts.holds;
    this.simplify = opts.simplify;
    this.fusable = opts.fusable !== false;
    this.dependencies = [...new Set(inputs.map((i) => i.name))];
  }

  /** The placeholder that stands for input `i` inside a template. */
  static arg(i: number): Ref {
    return { ref: PLACEHOLDER + i };
  }

  /** The input number of a placeholder key, or -1. */
  static argIndex(key: Key): number {
    return key.startsWith(PLACEHOLDER) ? Number(key.slice(PLACEHOLDER.length)) : -1;
  }

  get size(): number {
    let n = 1;
    for (const b of this.numblocks) n *= b;
    return n;
  }

  has(key: Key): boolean {
    if (keyName(key) !== this.name) return false;
    const idx = keyIndices(key);
    if (idx.length !== this.numblocks.length) return false;
    for (let d = 0; d < idx.length; d++) {
      const i = idx[d] as number;
      if (!Number.isInteger(i) || i < 0 || i >= (this.numblocks[d] as number)) return false;
    }
    return true;
  }

  *outputKeys(): Iterable<Key> {
    const nd = this.numblocks.length;
    const total = this.size;
    const idx = new Array<number>(nd).fill(0);
    for (let n = 0; n < total; n++) {
      yield nd === 0 ? this.name : `${this.name},${idx.join(',')}`;
      for (let d = nd - 1; d >= 0; d--) {
        if (++(idx[d] as number) < (this.numblocks[d] as number)) break;
        idx[d] = 0;
      }
    }
  }

  /** The number of blocks along each contracted letter (letters of inputs not in the output). */
  contractedSizes(): Map<string, number> {
    const m = new Map<string, number>();
    for (const inp of this.inputs) {
      for (let d = 0; d < inp.index.length; d++) {
        const c = inp.index[d] as string;
        if (this.outIndex.includes(c)) continue;
        m.set(c, Math.max(m.get(c) ?? 0, inp.numblocks[d] as number));
      }
    }
    return m;
  }

  /** The task of the output block at `idx`. */
  taskOf(idx: readonly number[]): Node {
    const letters = new Map<string, number>();
    for (let d = 0; d < this.outIndex.length; d++) letters.set(this.outIndex[d] as string, idx[d] as number);
    const contracted = this.contractedSizes();
    const subs = new Map<Key, Node>();
    this.inputs.forEach((inp, i) => {
      const free: string[] = [];
      for (const c of inp.index) if (!letters.has(c) && !free.includes(c)) free.push(c);
      const build = (fixed: Map<string, number>, k: number): Node => {
        if (k === free.length) {
          const parts: number[] = [];
          for (let d = 0; d < inp.index.length; d++) {
            const b = fixed.get(inp.index[d] as string) as number;
            parts.push((inp.numblocks[d] as number) === 1 ? 0 : b);
          }
          return { ref: parts.length === 0 ? inp.name : `${inp.name},${parts.join(',')}` };
        }
        const c = free[k] as string;
        const out: Node[] = [];
        const n = contracted.get(c) as number;
        for (let b = 0; b < n; b++) {
          const next = new Map(fixed);
          next.set(c, b);
          out.push(build(next, k + 1));
        }
        return out;
      };
      subs.set(PLACEHOLDER + i, build(letters, 0));
    });
    return substitute(this.template, subs);
  }

  materialize(keys: ReadonlySet<Key> | undefined, out: Map<Key, Node>): void {
    for (const k of keys ?? this.outputKeys()) {
      if (!out.has(k)) out.set(k, this.taskOf(keyIndices(k)));
    }
  }
}
