// Small JSON-safe values travel inside the `data` answer; the others as body frames. A fetch of
// a mix of both gets every value back unchanged and under the right key, whatever the order.
import { afterEach, expect, it } from 'vitest';
import { connect } from '../../src/comm/tcp.js';
import { parseAddress } from '../../src/protocol/address.js';
import { PeerPool } from '../../src/protocol/peer-pool.js';
import { INLINE_MAX_BYTES, inlineJson } from '../../src/protocol/values.js';
import { serveData } from '../../src/worker/data-server.js';
import { DataStore } from '../../src/worker/data-store.js';
import { sizeOf } from '@tsdask/runtime';
import type { Listener } from '../../src/comm/tcp.js';

const TOKEN = 'inline-data-token-'.padEnd(64, 'x');
let listener: Listener | undefined;
let pool: PeerPool | undefined;
afterEach(async () => {
  pool?.close();
  await listener?.close();
  pool = listener = undefined;
});

it('inlines small values that JSON gives back unchanged, and nothing else', () => {
  expect(inlineJson(42, 8)).toBe('42');
  expect(inlineJson({ a: [1, 'x', null] }, 64)).toBe('{"a":[1,"x",null]}');
  for (const odd of [-0, Number.NaN, undefined, 1n, new Float64Array(2), new Map(), new Date(0), [1, undefined]]) expect(inlineJson(odd, 16)).toBeUndefined();
  expect(inlineJson('y'.repeat(10), INLINE_MAX_BYTES + 1)).toBeUndefined(); // sized above the limit by its holder
});

it('a fetch of inline and body values, interleaved, gets each value under its own key', async () => {
  const store = new DataStore();
  const values: [string, unknown][] = [
    ['n', 7],
    ['arr', Float64Array.of(1.5, -2, Number.NaN)],
    ['s', 'héllo'],
    ['neg0', -0],
    ['obj', { a: 1, b: [true, null] }],
    ['big', Array.from({ length: 2000 }, (_, i) => i)], // 16 KB by its size: a body
    ['bn', 12n],
  ];
  for (const [k, v] of values) store.put(k, v, sizeOf(v));
  listener = await serveData({ host: '127.0.0.1', port: 0, token: TOKEN, tls: undefined, store, log: () => {} });
  const address = `127.0.0.1:${listener.address.port}`;
  pool = new PeerPool(async (a) => connect({ ...parseAddress(a), token: TOKEN, role: 'peer' }));
  const keys = ['bn', 'n', 'missing', ...values.map(([k]) => k).filter((k) => k !== 'bn')];
  const got = await pool.getData(address, keys);
  expect(got.missing).toEqual(['missing']);
  for (const [k, v] of values) expect(got.values.get(k), k).toStrictEqual(v);
  expect(Object.is(got.values.get('neg0'), -0)).toBe(true);
  // Twice on the same connection: answers stay in step.
  const [a, b] = await Promise.all([pool.getData(address, ['arr', 'n']), pool.getData(address, ['s', 'big'])]);
  expect(a.values.get('n')).toBe(7);
  expect(b.values.get('s')).toBe('héllo');
  expect((b.values.get('big') as number[]).length).toBe(2000);
});
