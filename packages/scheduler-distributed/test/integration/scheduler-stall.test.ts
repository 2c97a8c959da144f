/**
 * A scheduler whose own event loop stalls (here: SIGSTOP / SIGCONT of its process; in life a long
 * graph ingestion, a GC pause, a paused VM) for longer than its heartbeat timeout must not take
 * that silence for its workers': their heartbeats wait in its sockets, unread. Found while adding
 * scheduler pauses to the chaos faults (chaos/faults.ts): before the fix, the first heartbeat sweep
 * after the stall ran before the sockets were read and removed every worker at once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, expect, it } from 'vitest';
import { Client } from '../../src/client/client.js';
import { generateToken } from '../../src/comm/token.js';
import { binPath } from './netns-hosts.js';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) {
    c.kill('SIGCONT');
    c.kill('SIGKILL');
  }
});

/** Starts node `args` on 127.0.0.1; resolves with the child and the first stdout match of `re`; `log` collects its stderr. */
function start(args: string[], token: string, re: RegExp, log: string[]): Promise<{ child: ChildProcess; m: RegExpExecArray }> {
  const child = spawn(process.execPath, args, { env: { ...process.env, TSDASK_TOKEN: token }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  child.stderr!.on('data', (d: Buffer) => log.push(d.toString()));
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = re.exec(out);
      if (m) resolve({ child, m });
    });
    child.once('exit', (code) => reject(new Error(`${args[0]} exited (${code}) before '${re}': ${log.join('')}`)));
  });
}

it('a scheduler stopped for 3x its heartbeat timeout keeps its workers once it runs again', async () => {
  const token = generateToken();
  const log: string[] = [];
  const { child: scheduler, m } = await start(
    [binPath('scheduler'), '--port', '0', '--no-dashboard', '--heartbeat-timeout', '1s'],
    token,
    /listening at (tcp:\/\/\S+)/,
    log,
  );
  const address = m[1]!;
  // No nanny: a worker the scheduler drops exits (code 1), which this test sees.
  const { child: worker } = await start([binPath('worker'), address, '--no-nanny', '--name', 'w0'], token, /listening at/, log);
  const client = new Client(address, { token });
  try {
    await client.ready();
    const held = client.submit((x: number) => x * 7, 6);
    expect(await held.result()).toBe(42);
    scheduler.kill('SIGSTOP');
    await new Promise((r) => setTimeout(r, 3000));
    scheduler.kill('SIGCONT');
    // Past several sweeps after the stall, and past the worker's exit if it had been dropped.
    await new Promise((r) => setTimeout(r, 1500));
    expect(worker.exitCode).toBe(null);
    expect(log.join('')).not.toMatch(/heartbeat timeout/);
    // The result held on the worker from before the stall is still there, and new work runs.
    expect(await client.gather(held)).toBe(42);
    expect(await client.submit((x: number) => x + 1, 41).result()).toBe(42);
  } finally {
    await client.close();
  }
});
