/**
 * Dashboard security. Before: with no token (the default) any web page could open the
 * WebSocket and read task errors, a page on a rebinding domain could read every route, a
 * server bound to 0.0.0.0 without a token started silently, and a malformed token cookie was a
 * 500. Now a foreign Host or Origin is a 403 (routes and the WebSocket upgrade), binding a
 * non-loopback host without a token needs `allowUnauthenticatedRemote: true`, and a bad
 * cookie is a 401.
 */
import { request } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import { WebSocket } from 'ws';
import { compute, delayed } from '@tsdask/core-graph';
import { closePool } from '@tsdask/scheduler-local';
import { DashboardHub, DashboardOptionsError, dashboardPlugin, startDashboard, type HostAllowList } from '@tsdask/dashboard';

afterAll(async () => {
  await closePool();
});

async function app(opts: { token?: string; allowedHosts?: HostAllowList } = {}) {
  const hub = new DashboardHub({ intervalMs: 20 });
  const a = Fastify({ logger: false });
  await a.register(dashboardPlugin, { hub, ...opts });
  await a.ready();
  return {
    a,
    close: async () => {
      hub.close();
      await a.close();
    },
  };
}

/** A GET with exactly the given headers over a real connection; resolves to the status. */
function get(port: number, path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers, setHost: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Opens a WebSocket to 127.0.0.1; resolves to its first message, rejects on refusal. */
function firstMessage(port: number, headers: { origin?: string; host?: string } = {}): Promise<string> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, {
    ...(headers.origin !== undefined ? { origin: headers.origin } : {}),
    ...(headers.host !== undefined ? { headers: { host: headers.host } } : {}),
  });
  return new Promise((resolve, reject) => {
    ws.once('message', (d: Buffer) => {
      ws.terminate();
      resolve(d.toString());
    });
    ws.once('error', reject);
  });
}

describe('Host and Origin checks (app.inject)', () => {
  it('refuses a foreign Host with 403 on every route, and lets the loopback names in', async () => {
    const { a, close } = await app();
    for (const url of ['/', '/api/state', '/app/page/main.js']) {
      const res = await a.inject({ url, headers: { host: 'evil.example' } });
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ error: 'forbidden' });
      expect(res.json().message).toMatch(/Host 'evil\.example' is not this dashboard's address.*DNS rebinding/);
    }
    expect((await a.inject({ url: '/api/state', headers: { host: '127.0.0.1.evil.example:80' } })).statusCode).toBe(403);
    for (const host of ['localhost', '127.0.0.1:8787', '[::1]:8787', 'LOCALHOST:80']) {
      expect((await a.inject({ url: '/api/state', headers: { host } })).statusCode).toBe(200);
    }
    await close();
  });

  it('refuses an Origin from another site, a null or non-http Origin, and lets its own page in', async () => {
    const { a, close } = await app();
    for (const origin of ['https://evil.example', 'http://localhost.evil.example', 'null', 'file://', 'chrome-extension://abc']) {
      const res = await a.inject({ url: '/api/state', headers: { host: 'localhost', origin } });
      expect(res.statusCode).toBe(403);
      expect(res.json().message).toMatch(/Origin .* is not this dashboard's own page/);
    }
    for (const origin of ['http://localhost', 'http://127.0.0.1:8787', 'https://[::1]:8787']) {
      expect((await a.inject({ url: '/api/state', headers: { host: 'localhost', origin } })).statusCode).toBe(200);
    }
    await close();
  });

  it('takes the explicit bound host, and with "*" any Host whose page is its own', async () => {
    const named = await app({ allowedHosts: ['box.lan'] });
    expect((await named.a.inject({ url: '/api/state', headers: { host: 'box.lan:8787', origin: 'http://box.lan:8787' } })).statusCode).toBe(200);
    expect((await named.a.inject({ url: '/api/state', headers: { host: 'other.lan:8787' } })).statusCode).toBe(403);
    await named.close();
    const any = await app({ allowedHosts: '*' });
    expect((await any.a.inject({ url: '/api/state', headers: { host: '10.1.2.3:8787' } })).statusCode).toBe(200);
    expect((await any.a.inject({ url: '/api/state', headers: { host: '10.1.2.3:8787', origin: 'http://10.1.2.3:8787' } })).statusCode).toBe(200);
    expect((await any.a.inject({ url: '/api/state', headers: { host: '10.1.2.3:8787', origin: 'https://evil.example' } })).statusCode).toBe(403);
    await any.close();
    await expect(app({ allowedHosts: [''] })).rejects.toBeInstanceOf(DashboardOptionsError);
  });

  it('a malformed token cookie is a 401, not a 500', async () => {
    const { a, close } = await app({ token: 's3cret' });
    const res = await a.inject({ url: '/api/state', headers: { host: 'localhost', cookie: 'tsdask_dashboard=%E0%A4%A' } });
    expect(res.statusCode).toBe(401);
    expect((await a.inject({ url: '/api/state', headers: { host: 'localhost', cookie: 'tsdask_dashboard=s3cret' } })).statusCode).toBe(200);
    await close();
  });
});

describe('a running dashboard on 127.0.0.1', () => {
  it('checks the port in Host, and refuses a foreign WebSocket upgrade with 403', async () => {
    const d = await startDashboard({ port: 0, print: null });
    try {
      expect(await get(d.port, '/api/state', { host: `127.0.0.1:${d.port}` })).toBe(200);
      expect(await get(d.port, '/api/state', { host: `localhost:${d.port}` })).toBe(200);
      expect(await get(d.port, '/api/state', { host: `attacker.example:${d.port}` })).toBe(403);
      expect(await get(d.port, '/api/state', { host: `localhost:${d.port + 1}` })).toBe(403);
      expect(await get(d.port, '/', { host: `127.0.0.1:${d.port}`, origin: 'https://evil.example' })).toBe(403);

      await expect(firstMessage(d.port, { origin: 'https://evil.example' })).rejects.toThrow(/403/);
      await expect(firstMessage(d.port, { host: `rebind.example:${d.port}` })).rejects.toThrow(/403/);
      // its own page, and a client that sends no Origin, get the stream
      expect(JSON.parse(await firstMessage(d.port, { origin: `http://127.0.0.1:${d.port}` }))).toMatchObject({ type: 'hello' });
      expect(JSON.parse(await firstMessage(d.port))).toMatchObject({ type: 'hello' });
    } finally {
      await d.close();
    }
  });
});

describe('binding a non-loopback host', () => {
  it('without a token refuses to start, saying how to set one', async () => {
    for (const host of ['0.0.0.0', '::', '192.168.1.20']) {
      const err = await startDashboard({ host, port: 0, print: null }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(DashboardOptionsError);
      expect(err).toMatchObject({ name: 'DashboardOptionsError', code: 'TSDASK_DASHBOARD_OPTIONS', option: 'host' });
      expect((err as Error).message).toMatch(/without a token.*token: '<a long random string>'.*allowUnauthenticatedRemote: true/);
    }
    const inc = delayed((x: number) => x + 1, { name: 'inc' });
    await expect(compute(inc(1), { scheduler: 'sync', dashboard: { host: '0.0.0.0', port: 0, print: null } })).rejects.toBeInstanceOf(DashboardOptionsError);
    await expect(startDashboard({ host: '0.0.0.0', allowUnauthenticatedRemote: 'yes' as unknown as boolean })).rejects.toBeInstanceOf(DashboardOptionsError);
  });

  it('starts with a token, or with allowUnauthenticatedRemote: true; loopback hosts need neither', async () => {
    const withToken = await startDashboard({ host: '0.0.0.0', port: 0, token: 'tok', print: null });
    expect(await get(withToken.port, '/api/state?token=tok', { host: `10.9.8.7:${withToken.port}` })).toBe(200);
    expect(await get(withToken.port, '/api/state', { host: `10.9.8.7:${withToken.port}` })).toBe(401);
    await withToken.close();
    const open = await startDashboard({ host: '0.0.0.0', port: 0, allowUnauthenticatedRemote: true, print: null });
    expect(await get(open.port, '/api/state', { host: `10.9.8.7:${open.port}` })).toBe(200);
    expect(await get(open.port, '/api/state', { host: `10.9.8.7:${open.port}`, origin: 'https://evil.example' })).toBe(403);
    await open.close();
    const local = await startDashboard({ host: 'localhost', port: 0, print: null });
    expect(await get(local.port, '/api/state', { host: `localhost:${local.port}` })).toBe(200);
    await local.close();
  });
});
