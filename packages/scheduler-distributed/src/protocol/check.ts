/**
 * The shape check every control message passes before it is used: a table per direction
 * (which message types that side may send, each field's type), so a peer that sends an
 * unknown type, a missing field or a wrong type gets a MessageShapeError naming the field,
 * and its connection is closed, before any state changes. Arrays are checked element by
 * element; a type ending in '?' is an optional field. The scheduler's hot messages
 * (task-finished, compute-task) stay a few field tests.
 */
import { MessageShapeError } from '../comm/errors.js';
import type {
  ClientToScheduler,
  NannyToScheduler,
  PeerToWorker,
  SchedulerToNanny,
  SchedulerToClient,
  SchedulerToWorker,
  ShuffleReply,
  WorkerToPeer,
  WorkerToScheduler,
} from './messages.js';

type FieldType =
  | 'string'
  | 'string?'
  | 'number'
  | 'number?'
  | 'count'
  | 'boolean'
  | 'reason'
  | 'object'
  | 'string[]'
  | 'number[]'
  | 'node'
  | 'node[]'
  | 'pairs'
  | 'inputs'
  | 'found'
  | 'who-has'
  | 'transfer-rows'
  | 'held?';
type Shapes = Record<string, Record<string, FieldType>>;

const CLIENT_TO_SCHEDULER: Shapes = {
  'update-graph': {
    id: 'number',
    keys: 'string[]',
    nodes: 'node[]',
    depPtr: 'number[]',
    depIdx: 'number[]',
    outputs: 'string[]',
    priorities: 'number[]',
    held: 'string[]',
    sources: 'pairs',
    parts: 'number?',
  },
  'update-graph-part': { id: 'number', keys: 'string[]', nodes: 'node[]', depPtr: 'number[]', depIdx: 'number[]', priorities: 'number[]' },
  'update-graph-layer': { id: 'number', template: 'string', from: 'number', to: 'number', priorities: 'number[]' },
  'release-keys': { keys: 'string[]' },
  'scheduler-stats': { id: 'number', gc: 'boolean', reset: 'boolean' },
  'who-has': { id: 'number', keys: 'string[]' },
  scatter: { id: 'number', key: 'string', nbytes: 'number' },
  'reclaim-keys': { id: 'number', keys: 'string[]' },
  'dump-state': { id: 'number' },
  'adaptive-target': { id: 'number', targetDuration: 'number' },
  'retire-workers': { id: 'number', workers: 'string[]' },
};
const SCHEDULER_TO_CLIENT: Shapes = {
  'client-welcome': { clientId: 'string', workers: 'number' },
  'graph-accepted': { id: 'number' },
  'graph-refused': { id: 'number', error: 'object' },
  'task-done': { key: 'string', nbytes: 'number' },
  'task-erred': { key: 'string', error: 'object' },
  'who-has-reply': { id: 'number', whoHas: 'who-has' },
  scattered: { id: 'number', key: 'string', worker: 'string' },
  reclaimed: { id: 'number', missing: 'string[]' },
  'cluster-state': { id: 'number', state: 'string' },
  'adaptive-target-reply': { id: 'number', target: 'number', close: 'string[]' },
  'workers-retired': { id: 'number', retired: 'string[]', kept: 'pairs' },
  'scheduler-stats-reply': { id: 'number', stats: 'object' },
};
const WORKER_TO_SCHEDULER: Shapes = {
  'register-worker': { name: 'string', address: 'string', nthreads: 'number', memoryLimit: 'number', pid: 'number', nanny: 'string?', held: 'held?' },
  'task-finished': { key: 'string', nbytes: 'number', duration: 'number?', run: 'number?' },
  'task-erred': { key: 'string', error: 'object', run: 'number?' },
  'missing-data': { key: 'string', tried: 'string[]' },
  heartbeat: { memory: 'number', spilled: 'number?', executing: 'number', ready: 'number' },
  'steal-response': { key: 'string', released: 'boolean' },
  slots: { slots: 'number' },
  transfers: { rows: 'transfer-rows' },
  'state-dump': { id: 'number', state: 'string' },
  'replicas-added': { keys: 'held?' },
};
const SCHEDULER_TO_WORKER: Shapes = {
  'worker-welcome': { heartbeatMs: 'number' },
  'define-ops': { sources: 'pairs' },
  'compute-task': { key: 'string', node: 'node', priority: 'number', inputs: 'inputs' },
  'free-keys': { keys: 'string[]' },
  'receive-data': { key: 'string', nbytes: 'number' },
  'close-worker': { reason: 'string' },
  'steal-request': { key: 'string' },
  'dump-state': { id: 'number' },
  'acquire-replicas': { inputs: 'inputs' },
};
const NANNY_TO_SCHEDULER: Shapes = {
  'register-nanny': { id: 'string', name: 'string', pid: 'number' },
  'worker-died': {
    address: 'string',
    name: 'string',
    pid: 'number',
    code: 'number?',
    signal: 'string?',
    rss: 'number',
    memoryLimit: 'number',
    reason: 'reason',
    lastLines: 'string[]',
  },
};
const SCHEDULER_TO_NANNY: Shapes = { 'nanny-welcome': {} };
const PEER_TO_WORKER: Shapes = {
  'get-data': { id: 'number', keys: 'string[]' },
  'shuffle-ask': { id: 'number', bytes: 'count' },
  'shuffle-shards': { id: 'number', shuffle: 'string', run: 'number', input: 'number', parts: 'number[]' },
};
const SHUFFLE_REPLY: Shapes = { 'shuffle-grant': { id: 'number' }, 'shuffle-ack': { id: 'number', error: 'string?' } };
const WORKER_TO_PEER: Shapes = { data: { id: 'number', found: 'found', missing: 'string[]' } };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
const isNum = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);
const isStr = (v: unknown): boolean => typeof v === 'string';
const isCount = (v: unknown): boolean => isNum(v) && (v as number) >= 0;
const every = (v: unknown, f: (x: unknown) => boolean): boolean => Array.isArray(v) && v.every(f);

function fits(v: unknown, t: FieldType): boolean {
  switch (t) {
    case 'string':
      return isStr(v);
    case 'string?':
      return v === undefined || isStr(v);
    case 'number':
      return isNum(v);
    case 'number?':
      return v === undefined || isNum(v);
    case 'count':
      return isCount(v);
    case 'reason':
      return v === 'memory' || v === 'signal' || v === 'exit';
    case 'boolean':
      return typeof v === 'boolean';
    case 'object':
      return isObject(v);
    case 'string[]':
      return every(v, isStr);
    case 'number[]':
      return every(v, isNum);
    case 'node':
      return isStr(v) || v instanceof Uint8Array;
    case 'node[]':
      return every(v, (x) => isStr(x) || x instanceof Uint8Array);
    case 'pairs':
      return every(v, (p) => Array.isArray(p) && p.length === 2 && isStr(p[0]) && isStr(p[1]));
    case 'inputs':
      return every(v, (x) => isObject(x) && isStr(x['key']) && every(x['whoHas'], isStr) && isNum(x['nbytes']));
    case 'found':
      return every(v, (x) => isObject(x) && isStr(x['key']) && isNum(x['nbytes']) && (x['json'] === undefined || isStr(x['json'])));
    case 'who-has':
      return isObject(v) && Object.values(v).every((x) => every(x, isStr));
    case 'transfer-rows':
      return every(v, (r) => Array.isArray(r) && r.length === 4 && isStr(r[0]) && isCount(r[1]) && isCount(r[2]) && isCount(r[3]));
    case 'held?':
      return v === undefined || every(v, (p) => Array.isArray(p) && p.length === 2 && isStr(p[0]) && isCount(p[1]));
  }
}

const describe = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'an array' : v instanceof Uint8Array ? 'bytes' : typeof v === 'string' ? JSON.stringify(v.slice(0, 40)) : typeof v;

function checker<T>(shapes: Shapes, from: string): (x: unknown) => T {
  return (x: unknown): T => {
    if (!isObject(x)) throw new MessageShapeError('message', `A message from a ${from} must be an object with a 'type', got ${describe(x)}.`);
    const type = x['type'];
    const shape = typeof type === 'string' && Object.prototype.hasOwnProperty.call(shapes, type) ? shapes[type]! : undefined;
    if (shape === undefined)
      throw new MessageShapeError('message.type', `A ${from} may not send message type ${describe(type)} (expected one of ${Object.keys(shapes).join(', ')}).`);
    for (const field in shape) {
      const want = shape[field]!;
      if (!fits(x[field], want))
        throw new MessageShapeError(`message.${field}`, `The '${type as string}' message's field '${field}' must be ${want}, got ${describe(x[field])}.`);
    }
    return x as T;
  };
}

/** Checks a message the scheduler received from a client. */
export const checkFromClient = checker<ClientToScheduler>(CLIENT_TO_SCHEDULER, 'client');
/** Checks a message a client received from the scheduler. */
export const checkToClient = checker<SchedulerToClient>(SCHEDULER_TO_CLIENT, 'scheduler');
/** Checks a message the scheduler received from a worker. */
export const checkFromWorker = checker<WorkerToScheduler>(WORKER_TO_SCHEDULER, 'worker');
/** Checks a message a worker received from the scheduler. */
export const checkToWorker = checker<SchedulerToWorker>(SCHEDULER_TO_WORKER, 'scheduler');
/** Checks a message the scheduler received from a nanny. */
export const checkFromNanny = checker<NannyToScheduler>(NANNY_TO_SCHEDULER, 'nanny');
/** Checks a message a nanny received from the scheduler. */
export const checkToNanny = checker<SchedulerToNanny>(SCHEDULER_TO_NANNY, 'scheduler');
/** Checks a message a worker's data port received. */
export const checkFromPeer = checker<PeerToWorker>(PEER_TO_WORKER, 'peer');
/** Checks an answer from a worker's data port. */
export const checkFromDataPort = checker<WorkerToPeer>(WORKER_TO_PEER, 'worker data port');
/** Checks a grant or an ack on a P2P shuffle connection. */
export const checkShuffleReply = checker<ShuffleReply>(SHUFFLE_REPLY, 'worker data port (shuffle)');
