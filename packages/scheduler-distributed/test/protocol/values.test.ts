import { expect, it } from 'vitest';
import { ConnectionError } from '../../src/comm/errors.js';
import { formatAddress, parseAddress } from '../../src/protocol/address.js';
import { decodeNode, decodeWireValue, encodeNode, encodeWireValue } from '../../src/protocol/values.js';

it('a value crosses as one body and comes back equal, typed arrays and Maps included', () => {
  const buf = new ArrayBuffer(64);
  const part = {
    columns: { x: new Float64Array(buf, 8, 4), y: new Int32Array([1, -2, 3]) },
    names: new Map([['a', 1n]]),
    when: new Date(86_400_000),
    missing: undefined,
    zero: -0,
  };
  part.columns.x.set([1.5, 2.5, Number.NaN, -1]);
  const bytes = encodeWireValue(part);
  expect(bytes).toBeInstanceOf(Uint8Array);
  const back = decodeWireValue(bytes) as typeof part;
  expect(Array.from(back.columns.x)).toEqual([1.5, 2.5, Number.NaN, -1]);
  expect(back.columns.y).toEqual(new Int32Array([1, -2, 3]));
  expect(back.names.get('a')).toBe(1n);
  expect(back.when.getTime()).toBe(86_400_000);
  expect('missing' in back && back.missing === undefined).toBe(true);
  expect(Object.is(back.zero, -0)).toBe(true);
});

it('a node is JSON when JSON gives it back unchanged, codec bytes otherwise', () => {
  const plain = { op: '@tsdask/core-graph/ops#getitem', args: [{ ref: 'a-1' }, 2, 'x', null, [true]] };
  const w = encodeNode(plain);
  expect(typeof w).toBe('string');
  expect(decodeNode(w)).toEqual(plain);
  for (const odd of [
    { op: 'o', args: [new Float64Array([1, 2])] },
    { op: 'o', args: [undefined] },
    { op: 'o', args: [-0] },
    { op: 'o', args: [Number.POSITIVE_INFINITY] },
    // eslint-disable-next-line no-sparse-arrays -- a hole, which JSON would turn into null
    { op: 'o', args: [[1, , 3]] },
    { op: 'o', args: [new Map([[1, 2]])] },
  ]) {
    const enc = encodeNode(odd);
    expect(enc, JSON.stringify(odd.args.map(String))).toBeInstanceOf(Uint8Array);
    const back = decodeNode(enc) as { args: unknown[] };
    expect(
      Object.is(back.args[0], odd.args[0]) ||
        JSON.stringify([...(back.args[0] as Iterable<unknown>)]) === JSON.stringify([...(odd.args[0] as Iterable<unknown>)]),
    ).toBe(true);
  }
});

it('parses the address forms users write, and says what is wrong with others', () => {
  expect(parseAddress('tcp://127.0.0.1:8786')).toEqual({ host: '127.0.0.1', port: 8786 });
  expect(parseAddress('localhost:1')).toEqual({ host: 'localhost', port: 1 });
  expect(parseAddress('tcp://[::1]:8786')).toEqual({ host: '::1', port: 8786 });
  expect(formatAddress({ host: '::1', port: 8786 })).toBe('[::1]:8786');
  expect(formatAddress(parseAddress(' tcp://10.0.0.2:9000 '))).toBe('10.0.0.2:9000');
  for (const bad of ['127.0.0.1', 'tcp://h:0', 'h:70000', 'http://h:1', ':8786', 'h:port']) {
    expect(() => parseAddress(bad), bad).toThrow(ConnectionError);
  }
  expect(() => parseAddress('h:port')).toThrow(/tcp:\/\/HOST:PORT/);
});
