/**
 * The scheduler and two workers each in a network namespace of its own (`ip netns`, veth pairs
 * on a bridge in the test's namespace, which the client uses): workers reach the scheduler and
 * each other only over those links, by the addresses they bind. Needs root (CAP_NET_ADMIN) and
 * iproute2; skipped with a message saying so where namespaces cannot be made.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { delayed } from '@tsdask/core-graph';
import { Client } from '../../src/client/client.js';
import { generateToken } from '../../src/comm/token.js';

const tag = `t${process.pid % 100000}`;
const subnet = `10.213.${process.pid % 200}`;
const bridge = `tsdbr${tag}`.slice(0, 15);
const spaces = ['s', 'a', 'b'].map((r, i) => ({ ns: `tsd-${tag}-${r}`, veth: `tsd${tag}${r}`.slice(0, 13), ip: `${subnet}.${i + 1}` }));
const bin = (name: string): string => fileURLToPath(new URL(`../../dist/bin/${name}.js`, import.meta.url));
const ip = (...args: string[]): void => {
  execFileSync('ip', args, { stdio: 'pipe' });
};

function makeNetwork(): string | undefined {
  try {
    ip('link', 'add', bridge, 'type', 'bridge');
  } catch (err) {
    return `cannot create network namespaces here (need root with CAP_NET_ADMIN and iproute2): ${String((err as { stderr?: Buffer }).stderr ?? err).trim()}`;
  }
  ip('link', 'set', bridge, 'up');
  ip('addr', 'add', `${subnet}.254/24`, 'dev', bridge);
  for (const s of spaces) {
    ip('netns', 'add', s.ns);
    ip('link', 'add', s.veth, 'type', 'veth', 'peer', 'name', `${s.veth}p`);
    ip('link', 'set', `${s.veth}p`, 'netns', s.ns);
    ip('link', 'set', s.veth, 'master', bridge);
    ip('link', 'set', s.veth, 'up');
    ip('-n', s.ns, 'addr', 'add', `${s.ip}/24`, 'dev', `${s.veth}p`);
    ip('-n', s.ns, 'link', 'set', `${s.veth}p`, 'up');
    ip('-n', s.ns, 'link', 'set', 'lo', 'up');
  }
  return undefined;
}

function removeNetwork(): void {
  for (const s of spaces) {
    try {
      ip('netns', 'del', s.ns);
    } catch {
      // not made
    }
  }
  try {
    ip('link', 'del', bridge);
  } catch {
    // not made
  }
}

const children: ChildProcess[] = [];
/** Runs a bin inside namespace `ns` and resolves with the first stdout line matching `re`. */
function startIn(ns: string, args: string[], token: string, re: RegExp): Promise<RegExpExecArray> {
  const child = spawn('ip', ['netns', 'exec', ns, process.execPath, ...args], {
    env: { ...process.env, TSDASK_TOKEN: token },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no '${re}' line from ${args[0]} in ${ns} within 20 s; stderr:\n${err}`)), 20_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = re.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${args[0]} in ${ns} exited (${code ?? signal}) before '${re}'; stderr:\n${err}`));
    });
  });
}

let skip: string | undefined;
beforeAll(() => {
  removeNetwork(); // leftovers of an earlier run of this pid
  skip = makeNetwork();
  if (skip !== undefined) {
    removeNetwork();
    console.warn(`SKIPPED netns test: ${skip}`);
  }
});
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  removeNetwork();
});

it('runs a graph with the scheduler and each worker in its own network namespace, inputs moving worker to worker', async (ctx) => {
  if (skip !== undefined) return ctx.skip();
  const token = generateToken();
  const [s, a, b] = spaces as [(typeof spaces)[0], (typeof spaces)[0], (typeof spaces)[0]];
  await startIn(s.ns, [bin('scheduler'), '--host', s.ip, '--port', '8786'], token, /listening at tcp:\/\/(\S+)/);
  const sched = `tcp://${s.ip}:8786`;
  await Promise.all([
    startIn(a.ns, [bin('worker'), sched, '--host', a.ip, '--name', 'wa'], token, /tsdask-worker wa listening at tcp:\/\/(\S+)/),
    startIn(b.ns, [bin('worker'), sched, '--host', b.ip, '--name', 'wb'], token, /tsdask-worker wb listening at tcp:\/\/(\S+)/),
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
