/**
 * The function table: user functions (closures passed to `delayed`, `mapBlocks`, ...) get an
 * OpId `"fn:<sourcetoken>-<n>"` so graphs stay plain data. In the calling thread the OpId finds
 * the live function (closures work); on workers it is compiled from its source, which only
 * works for self-contained functions. Entries are held weakly: the collections that use a
 * function keep it alive, and the table forgets it when they are gone.
 */
import type { OpId } from './spec/index.js';
import { functionToken } from './tokenize.js';

const FN_PREFIX = 'fn:';
const byId = new Map<OpId, WeakRef<Function>>();
const ids = new WeakMap<Function, OpId>();
const forget = new FinalizationRegistry<OpId>((id) => {
  const ref = byId.get(id);
  if (ref !== undefined && ref.deref() === undefined) byId.delete(id);
});
let counter = 0;

/** The OpId of a user function, registering it on first use. */
export function registerFunction(fn: Function): OpId {
  let id = ids.get(fn);
  if (id === undefined) {
    id = `${FN_PREFIX}${functionToken(fn).slice(0, 16)}-${(counter++).toString(36)}`;
    ids.set(fn, id);
    byId.set(id, new WeakRef(fn));
    forget.register(fn, id);
  }
  return id;
}

/** True when an OpId names a registered user function rather than a module export. */
export function isFunctionOp(op: OpId): boolean {
  return op.startsWith(FN_PREFIX);
}

/** The live function behind a `fn:` OpId, if it is still alive in this thread. */
export function lookupFunction(op: OpId): Function | undefined {
  return byId.get(op)?.deref();
}

/** The source text of a registered function (what workers compile). */
export function functionSource(op: OpId): string | undefined {
  const fn = lookupFunction(op);
  return fn === undefined ? undefined : Function.prototype.toString.call(fn);
}

/** The name of a registered function as the user wrote it (`const scale = (v) => ...` gives 'scale'); undefined when anonymous. */
export function functionName(op: OpId): string | undefined {
  const name = lookupFunction(op)?.name;
  return name !== undefined && name !== '' && name !== 'anonymous' ? name : undefined;
}
