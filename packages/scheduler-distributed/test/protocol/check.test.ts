import { Packr } from 'msgpackr';
import { expect, it } from 'vitest';
import { MessageShapeError } from '../../src/comm/errors.js';
import { checkFromClient, checkFromDataPort, checkFromPeer, checkFromWorker, checkToWorker } from '../../src/protocol/check.js';

const shapeError = (f: () => unknown): MessageShapeError => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(MessageShapeError);
    return e as MessageShapeError;
  }
  throw new Error('expected a MessageShapeError');
};

const graph = {
  type: 'update-graph',
  id: 1,
  keys: ['a', 'b'],
  nodes: ['1', new Uint8Array([1, 2])],
  depPtr: [0, 0, 1],
  depIdx: [0],
  outputs: ['b'],
  priorities: [0, 1],
  held: [],
  sources: [['fn:x-1', '(a) => a + 1']],
};

it('passes well-formed messages of each direction, also after a msgpack round trip', () => {
  const packr = new Packr({ useRecords: false });
  const again = <T>(m: T): T => packr.unpack(packr.pack(m)) as T;
  const g = checkFromClient(again(graph));
  expect(g.type === 'update-graph' && { ...g, nodes: [g.nodes[0], Array.from(g.nodes[1] as Uint8Array)] }).toEqual({ ...graph, nodes: ['1', [1, 2]] });
  expect(checkFromWorker(again({ type: 'task-finished', key: 'b', nbytes: 8 })).type).toBe('task-finished');
  const task = { type: 'compute-task', key: 'b', node: '{"op":"x","args":[]}', priority: 3, inputs: [{ key: 'a', whoHas: ['127.0.0.1:1'], nbytes: 8 }] };
  expect(checkToWorker(again(task))).toEqual(task);
  expect(checkFromPeer(again({ type: 'get-data', id: 2, keys: ['a'] })).type).toBe('get-data');
  const data = {
    type: 'data',
    id: 2,
    found: [
      { key: 'a', nbytes: 8, json: '1' },
      { key: 'b', nbytes: 64 },
    ],
    missing: [],
  };
  expect(checkFromDataPort(again(data))).toEqual(data);
});

it('names the field that is wrong, and refuses types the sender may not send', () => {
  const cases: [() => unknown, string][] = [
    [() => checkFromClient(null), 'message'],
    [() => checkFromClient(new Uint8Array(3)), 'message'],
    [() => checkFromClient({ type: 'compute-task' }), 'message.type'], // a worker's message, not a client's
    [() => checkFromClient({ type: '__proto__' }), 'message.type'],
    [() => checkFromClient({ ...graph, nodes: ['1', 2] }), 'message.nodes'],
    [() => checkFromClient({ ...graph, depPtr: [0, '1', 1] }), 'message.depPtr'],
    [() => checkFromClient({ ...graph, depIdx: [Number.NaN] }), 'message.depIdx'],
    [() => checkFromClient({ ...graph, sources: [['fn:x-1']] }), 'message.sources'],
    [() => checkFromClient({ ...graph, held: undefined }), 'message.held'],
    [() => checkFromWorker({ type: 'task-finished', key: 'b' }), 'message.nbytes'],
    [() => checkFromWorker({ type: 'register-worker', name: 'w', address: 'h:1', nthreads: '2', memoryLimit: 0, pid: 1 }), 'message.nthreads'],
    [() => checkToWorker({ type: 'compute-task', key: 'b', node: 5, priority: 0, inputs: [] }), 'message.node'],
    [() => checkToWorker({ type: 'compute-task', key: 'b', node: 'x', priority: 0, inputs: [{ key: 'a', whoHas: 'h:1', nbytes: 1 }] }), 'message.inputs'],
    [() => checkFromPeer({ type: 'get-data', id: 1 }), 'message.keys'],
    [() => checkFromDataPort({ type: 'data', id: 1, found: [{ key: 'a', nbytes: 8, json: 1 }], missing: [] }), 'message.found'],
  ];
  for (const [f, path] of cases) expect(shapeError(f).path, String(f)).toBe(path);
});

it("takes a heartbeat with or without the optional 'spilled', and refuses one that is not a number", () => {
  const hb = { type: 'heartbeat', memory: 10, executing: 0, ready: 1 };
  expect(checkFromWorker(hb)).toEqual(hb);
  expect(checkFromWorker({ ...hb, spilled: 4096 })).toEqual({ ...hb, spilled: 4096 });
  expect(shapeError(() => checkFromWorker({ ...hb, spilled: '4096' })).path).toBe('message.spilled');
  expect(shapeError(() => checkFromWorker({ ...hb, spilled: null })).path).toBe('message.spilled');
});
