import { afterAll, describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import { WebSocket } from 'ws';
import { compute, delayed } from '@tsdask/core-graph';
import { closePool } from '@tsdask/scheduler-local';
import { DashboardHub, DashboardOptionsError, dashboardPlugin, startDashboard, type ServerMessage } from '@tsdask/dashboard';

/** Opens a real WebSocket to a listening app; resolves once open, rejects on refusal. */
async function openWs(a: Awaited<ReturnType<typeof app>>['a'], onMessage: (d: Buffer) => void = () => {}): Promise<WebSocket> {
  const address = await a.listen({ port: 0, host: '127.0.0.1' });
  const ws = new WebSocket(`${address.replace('http', 'ws')}/ws`);
  ws.on('message', onMessage);
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

async function app(token?: string) {
  const hub = new DashboardHub({ intervalMs: 20 });
  const a = Fastify({ logger: false });
  await a.register(dashboardPlugin, { hub, ...(token !== undefined ? { token } : {}) });
  await a.ready();
  return { a, hub };
}

afterAll(async () => {
  await closePool();
});

describe('dashboard routes (app.inject)', () => {
  it('serves the page, its scripts and the state; unknown scripts are 404', async () => {
    const { a, hub } = await app();
    const page = await a.inject('/');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).toContain('app/page/main.js');
    expect(page.body).not.toMatch(/https?:\/\//);
    const main = await a.inject('/app/page/main.js');
    expect(main.statusCode).toBe(200);
    expect(main.headers['content-type']).toMatch(/javascript/);
    expect(main.body).toContain('WebSocket');
    expect((await a.inject('/app/messages.js')).statusCode).toBe(200);
    expect((await a.inject('/app/../package.json')).statusCode).toBe(404);
    expect((await a.inject('/app/page/nope.js')).statusCode).toBe(404);
    const state = (await a.inject('/api/state')).json() as ServerMessage;
    expect(state).toMatchObject({ type: 'hello', version: 1 });
    hub.close();
    await a.close();
  });

  it('with a token, refuses requests without it and lets in header, query and cookie', async () => {
    const { a, hub } = await app('s3cret');
    expect((await a.inject('/')).statusCode).toBe(401);
    expect((await a.inject('/api/state?token=wrong')).statusCode).toBe(401);
    expect((await a.inject({ url: '/api/state', headers: { authorization: 'Bearer s3cret' } })).statusCode).toBe(200);
    const page = await a.inject('/?token=s3cret');
    expect(page.statusCode).toBe(200);
    const cookie = String(page.headers['set-cookie']).split(';')[0] as string;
    expect((await a.inject({ url: '/app/page/main.js', headers: { cookie } })).statusCode).toBe(200);
    await expect(openWs(a)).rejects.toThrow(/401/);
    hub.close();
    await a.close();
  });

  it('streams a hello, then the compute in batches, over the WebSocket', async () => {
    const { a, hub } = await app();
    const got: ServerMessage[] = [];
    const ws = await openWs(a, (d) => got.push(JSON.parse(d.toString()) as ServerMessage));
    const inc = delayed((x: number) => x + 1, { name: 'inc' });
    const add = delayed((x: number, y: number) => x + y, { name: 'add' });
    const leaves = Array.from({ length: 8 }, (_, i) => inc(i));
    const [total] = await compute(
      add(add(add(leaves[0]!, leaves[1]!), add(leaves[2]!, leaves[3]!)), add(add(leaves[4]!, leaves[5]!), add(leaves[6]!, leaves[7]!))),
      {
        scheduler: 'sync',
        optimize: { fuse: false, inline: false },
      },
    );
    expect(total).toBe(36); // 1 + 2 + ... + 8
    await new Promise((r) => setTimeout(r, 100));
    expect(got[0]?.type).toBe('hello');
    const start = got.find((m) => m.type === 'compute-start');
    expect(start && start.type === 'compute-start' && start.compute.ntasks).toBe(15);
    const batches = got.filter((m) => m.type === 'batch');
    const last = batches[batches.length - 1];
    expect(last && last.type === 'batch' && last.done).toBe(15);
    expect(batches.length).toBeLessThan(15);
    expect(got[got.length - 1]).toMatchObject({ type: 'compute-finish', ok: true });
    ws.terminate();
    hub.close();
    await a.close();
  });

  it('startDashboard binds 127.0.0.1, prints its URL and checks its options', async () => {
    const lines: string[] = [];
    const d = await startDashboard({ port: 0, print: (l) => lines.push(l) });
    expect(d.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(lines).toEqual([`tsdask dashboard: ${d.url}`]);
    const res = await fetch(`${d.url}api/state`);
    expect(res.status).toBe(200);
    await d.close();
    await expect(startDashboard({ port: 70000 })).rejects.toBeInstanceOf(DashboardOptionsError);
    await expect(startDashboard({ token: '' })).rejects.toBeInstanceOf(DashboardOptionsError);
  });

  it('compute(x, { dashboard }) starts one dashboard that follows the compute', async () => {
    const { currentDashboard, closeCurrentDashboard } = await import('@tsdask/dashboard');
    const inc = delayed((x: number) => x + 1, { name: 'inc' });
    const [v] = await compute(inc(1), { scheduler: 'sync', dashboard: { port: 0, print: null } });
    expect(v).toBe(2);
    const d = await currentDashboard()!;
    const state = (await (await fetch(`${d.url}api/state`)).json()) as ServerMessage;
    expect(state.type === 'hello' && state.state?.done).toBe(1);
    await closeCurrentDashboard();
    await expect(compute(inc(1), { scheduler: 'sync', dashboard: 'yes' })).rejects.toBeInstanceOf(DashboardOptionsError);
  });
});
