/**
 * tsdask's errors: one base class with a stable `code` and a `cause`, and a serializer that
 * carries any error (ours or the user's) across worker and network boundaries intact: name,
 * message, stack, code, cause and own enumerable fields, rebuilt as the same class where the
 * class is registered here.
 */
import type { Key, OpId } from './spec/index.js';
import { portableAdvice } from './portable-advice.js';

/** Base of every tsdask error. */
export class TsdaskError extends Error {
  /** A stable machine-readable code, for example `'TSDASK_TASK_FAILED'`. */
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** The task graph has a cycle; `keys` lists the keys on it, in order. */
export class GraphCycleError extends TsdaskError {
  readonly keys: Key[];
  constructor(keys: Key[]) {
    const shown = keys.length > 8 ? [...keys.slice(0, 8), '...'] : keys;
    super(
      'TSDASK_GRAPH_CYCLE',
      `The task graph has a cycle through ${keys.length} key(s): ${shown.join(' -> ')} -> ${keys[0]}. ` +
        'A task may not depend on its own result; check how these keys were built.',
    );
    this.keys = keys;
  }
}

/** A task refers to a key that the graph does not hold. */
export class MissingKeyError extends TsdaskError {
  readonly key: Key;
  readonly dependent: Key | undefined;
  constructor(key: Key, dependent?: Key) {
    super(
      'TSDASK_MISSING_KEY',
      dependent === undefined
        ? `Key '${key}' is not in the graph.`
        : `Task '${dependent}' refers to key '${key}', which is not in the graph. ` +
            'Merge the graph of the collection that produces it (compute them together).',
    );
    this.key = key;
    this.dependent = dependent;
  }
}

/** A task threw; `cause` is the original error with its original stack. */
export class TaskError extends TsdaskError {
  readonly key: Key;
  readonly op: OpId;
  constructor(key: Key, op: OpId, cause: unknown) {
    const inner = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    super('TSDASK_TASK_FAILED', `Task '${key}' (op ${op}) failed: ${inner}`, { cause });
    this.key = key;
    this.op = op;
  }
}

/** A worker died while running a task, more often than the allowed retries. */
export class WorkerLostError extends TsdaskError {
  readonly key: Key;
  readonly attempts: number;
  constructor(key: Key, attempts: number, cause?: unknown) {
    super(
      'TSDASK_WORKER_LOST',
      `A worker died ${attempts} time(s) while running task '${key}' (or its batch); giving up. ` +
        'Raise `retries`, or look for a task that exits the process or exceeds resourceLimits.',
      { cause },
    );
    this.key = key;
    this.attempts = attempts;
  }
}

/** A user function cannot be shipped to another thread or process; the advice fits where the code runs (portable-advice.ts). */
export class NotPortableError extends TsdaskError {
  readonly functionName: string;
  readonly variable: string | undefined;
  constructor(functionName: string, reason: string, variable?: string) {
    super('TSDASK_NOT_PORTABLE', `Function '${functionName}' cannot run on worker threads: ${reason}. ${portableAdvice(functionName)}`);
    this.functionName = functionName;
    this.variable = variable;
  }
}

/** A configuration value or option is invalid; `option` names it where one option is at fault. */
export class ConfigError extends TsdaskError {
  readonly option: string | undefined;
  /** The valid option names, where the name itself was wrong. */
  readonly validNames: string[] | undefined;
  constructor(message: string, details: { option?: string; validNames?: string[]; cause?: unknown } = {}) {
    super('TSDASK_CONFIG', message, details.cause !== undefined ? { cause: details.cause } : undefined);
    this.option = details.option;
    this.validNames = details.validNames;
  }
}

/**
 * A compute was cancelled: its AbortSignal aborted, or it ran past its `timeout`. `cause` is
 * the signal's reason (a TimeoutError DOMException for a timeout).
 */
export class CancelledError extends TsdaskError {
  /** The timeout that ran out, in ms, when that was the reason. */
  readonly timeoutMs: number | undefined;
  constructor(reason: unknown, timeoutMs?: number) {
    const why =
      timeoutMs !== undefined
        ? `it ran past its timeout of ${timeoutMs} ms`
        : `its AbortSignal was aborted (${reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason)})`;
    super(
      'TSDASK_CANCELLED',
      `The compute was cancelled: ${why}. Its running tasks were stopped and its results dropped; ` + 'compute again (with a longer timeout) to get them.',
      { cause: reason },
    );
    this.timeoutMs = timeoutMs;
  }
}

/**
 * No scheduler is registered under the requested name (or its package failed to load: `cause`).
 * With none registered at all, the message says to import 'tsdask', which announces the local ones.
 */
export class SchedulerNotFoundError extends TsdaskError {
  readonly scheduler: string;
  constructor(scheduler: string, known: string[], cause?: unknown, suggestion?: string) {
    const why =
      cause !== undefined
        ? `Its package could not be loaded (${cause instanceof Error ? cause.message : String(cause)}): install it, or pick another scheduler.`
        : known.length === 0
          ? "No scheduler is registered in this process: import 'tsdask' (it loads the local 'sync' and 'threads' schedulers on first use), or import '@tsdask/scheduler-local', before computing."
          : "Pick a known name, or import the package that registers this scheduler ('tsdask' brings the local 'sync' and 'threads').";
    super(
      'TSDASK_SCHEDULER_NOT_FOUND',
      `No scheduler named '${scheduler}'${suggestion !== undefined ? ` (did you mean '${suggestion}'?)` : ''}. Known: ${known.join(', ') || '(none)'}. ${why}`,
      { cause },
    );
    this.scheduler = scheduler;
  }
}

/** An operation referred to by OpId cannot be found. */
export class OpNotFoundError extends TsdaskError {
  readonly op: OpId;
  constructor(op: OpId, reason: string, cause?: unknown) {
    super('TSDASK_OP_NOT_FOUND', `Cannot load op '${op}': ${reason}`, { cause });
    this.op = op;
  }
}

/**
 * A graph names a result (a `held(key)` node: a persisted collection, a future) that the
 * scheduler running it does not hold: it was released, or it is held by no scheduler.
 */
export class NotHeldError extends TsdaskError {
  readonly key: Key;
  readonly scheduler: string;
  constructor(key: Key, scheduler: string, cause?: unknown) {
    super(
      'TSDASK_NOT_HELD',
      `Key '${key}' names a kept result (a persisted collection or a future), but scheduler '${scheduler}' does not hold it: ` +
        'it was released (release(), future.release(), or its last handle was dropped). Persist or submit it again before using it.',
      cause !== undefined ? { cause } : undefined,
    );
    this.key = key;
    this.scheduler = scheduler;
  }
}

/** An error as plain structured-clonable data. */
export interface SerializedError {
  name: string;
  message: string;
  stack: string | undefined;
  code: string | undefined;
  cause: SerializedError | undefined;
  fields: Record<string, unknown>;
  thrown: 'error' | 'value';
}

type ErrorClass = new (...args: never[]) => Error;
const registry = new Map<string, ErrorClass>();

/** Registers an error class so that it is rebuilt as itself after crossing a boundary. */
export function registerErrorClass(cls: ErrorClass): void {
  registry.set(cls.name, cls);
}

for (const cls of [
  TsdaskError,
  GraphCycleError,
  MissingKeyError,
  TaskError,
  WorkerLostError,
  NotPortableError,
  ConfigError,
  CancelledError,
  SchedulerNotFoundError,
  OpNotFoundError,
  NotHeldError,
]) {
  registerErrorClass(cls);
}

const builtins: Record<string, ErrorClass> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};

/** Turns any thrown value into plain data that keeps its name, message, stack, code and cause. */
export function serializeError(err: unknown, depth = 0): SerializedError {
  if (!(err instanceof Error)) {
    return {
      name: 'Error',
      message: typeof err === 'string' ? err : safeString(err),
      stack: undefined,
      code: undefined,
      cause: undefined,
      fields: { value: cloneable(err) },
      thrown: 'value',
    };
  }
  const fields: Record<string, unknown> = {};
  for (const k of Object.keys(err)) {
    if (k === 'cause' || k === 'code' || k === 'name' || k === 'message' || k === 'stack') continue;
    fields[k] = cloneable((err as unknown as Record<string, unknown>)[k]);
  }
  const e = err as Error & { code?: unknown; cause?: unknown };
  return {
    name: e.name,
    message: e.message,
    stack: e.stack,
    code: typeof e.code === 'string' ? e.code : undefined,
    cause: e.cause !== undefined && depth < 8 ? serializeError(e.cause, depth + 1) : undefined,
    fields,
    thrown: 'error',
  };
}

/** Rebuilds an error serialized by `serializeError`, as its own class where known. */
export function deserializeError(s: SerializedError): Error {
  if (s.thrown === 'value' && 'value' in s.fields) {
    const e = new Error(s.message);
    (e as Error & { value?: unknown }).value = s.fields['value'];
    return e;
  }
  const cls = registry.get(s.name) ?? builtins[s.name] ?? Error;
  const e = Object.create(cls.prototype) as Error & Record<string, unknown>;
  Object.defineProperty(e, 'message', { value: s.message, writable: true, configurable: true });
  Object.defineProperty(e, 'stack', { value: s.stack, writable: true, configurable: true });
  if (s.name !== cls.name) {
    Object.defineProperty(e, 'name', { value: s.name, writable: true, configurable: true });
  } else if (registry.has(s.name)) {
    e.name = s.name;
  }
  if (s.code !== undefined) e['code'] = s.code;
  if (s.cause !== undefined) {
    Object.defineProperty(e, 'cause', {
      value: deserializeError(s.cause),
      writable: true,
      configurable: true,
    });
  }
  for (const [k, v] of Object.entries(s.fields)) e[k] = v;
  return e;
}

function safeString(x: unknown): string {
  try {
    return String(x);
  } catch {
    return Object.prototype.toString.call(x);
  }
}

function cloneable(x: unknown): unknown {
  try {
    structuredClone(x);
    return x;
  } catch {
    return safeString(x);
  }
}
