/**
 * The scheduler and two workers each in a network namespace of its own (`ip netns`, veth pairs
 * on a bridge in the test's namespace, which the client uses): workers reach the scheduler and
 * each other only over those links, by the addresses they bind. Needs root (CAP_NET_ADMIN) and
 * iproute2; skipped with a message saying so where namespaces cannot be made.
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { delayed } from '@tsdask/core-graph';
import { Client } from '../../src/client/client.js';
import { generateToken } from '../../src/comm/token.js';
import { binPath as bin, makeHosts, startIn, type Host, type HostNetwork } from './netns-hosts.js';

const children: ChildProcess[] = [];
let net: HostNetwork | undefined;
let skip: string | undefined;
beforeAll(() => {
  const made = makeHosts(['s', 'a', 'b'], 213);
  if (typeof made === 'string') {
    skip = made;
    console.warn(`SKIPPED netns test: ${skip}`);
  } else net = made;
});
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  net?.remove();
});

it('runs a graph with the scheduler and each worker in its own network namespace, inputs moving worker to worker', async (ctx) => {
  if (skip !== undefined) return ctx.skip();
  const token = generateToken();
  const [s, a, b] = net!.hosts as [Host, Host, Host];
  const env = { TSDASK_TOKEN: token };
  await startIn(s.ns, [bin('scheduler'), '--host', s.ip, '--port', '8786'], env, /listening at tcp:\/\/(\S+)/, children);
  const sched = `tcp://${s.ip}:8786`;
  await Promise.all([
    startIn(a.ns, [bin('worker'), sched, '--host', a.ip, '--name', 'wa'], env, /tsdask-worker wa listening at tcp:\/\/(\S+)/, children),
    startIn(b.ns, [bin('worker'), sched, '--host', b.ip, '--name', 'wb'], env, /tsdask-worker wb listening at tcp:\/\/(\S+)/, children),
  ]);
  const client = new Client(sched, { token });
  try {
    await client.ready();
    // Forty roots spread over both workers, then sums that need inputs from both.
    const part = delayed((i: number) => Float64Array.from({ length: 1000 }, (_, j) => i * 1000 + j));
    const sum = delayed((...xs: Float64Array[]) => xs.reduce((s, x) => s + x.reduce((t, v) => t + v, 0), 0));
    const parts = Array.from({ length: 40 }, (_, i) => part(i));
    const total = await sum(...parts).compute({ scheduler: client });
    let want = 0;
    for (let i = 0; i < 40_000; i++) want += i;
    expect(total).toBe(want);
  } finally {
    await client.close();
  }
});
