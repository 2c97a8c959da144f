/**
 * The built `tsdask-scheduler` bin (dist/bin/scheduler.js): it prints its listening line (and
 * the token it generated), a client can connect with that token, SIGTERM stops it with exit
 * code 0, `--help` prints the usage, and a bad flag exits 2 with a clear message.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { connect, parseAddress } from '@tsdask/scheduler-distributed';

const BIN = fileURLToPath(new URL('../../dist/bin/scheduler.js', import.meta.url));
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

/** Starts the bin; resolves its stdout lines as they come, and its exit. */
function run(args: string[], env: Record<string, string | undefined> = {}) {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, TSDASK_TOKEN: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  const lineWaiters: { re: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];
  child.stdout!.on('data', (c: Buffer) => {
    out += c.toString();
    for (const w of lineWaiters.splice(0)) {
      const m = w.re.exec(out);
      if (m) w.resolve(m);
      else lineWaiters.push(w);
    }
  });
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('exit', (code) => resolve({ code, stdout: out, stderr: err })),
  );
  const line = (re: RegExp): Promise<RegExpMatchArray> =>
    new Promise((resolve, reject) => {
      const m = re.exec(out);
      if (m) return resolve(m);
      lineWaiters.push({ re, resolve });
      void exited.then((e) => reject(new Error(`the scheduler exited (${e.code}) before printing ${re}: ${e.stderr}`)));
    });
  return { child, line, exited };
}

describe('tsdask-scheduler bin', () => {
  it('prints where it listens and the token it generated, admits that token, and exits 0 on SIGTERM', async () => {
    const p = run(['--port', '0']);
    const [, address] = await p.line(/^tsdask-scheduler listening at (tcp:\/\/\S+)$/m);
    const [, token] = await p.line(/^tsdask-scheduler token: ([0-9a-f]{64})$/m);
    const { host, port } = parseAddress(address!);
    expect(host).toBe('127.0.0.1');
    const conn = await connect({ host, port, token: token!, role: 'client' });
    conn.close();
    p.child.kill('SIGTERM');
    expect((await p.exited).code).toBe(0);
  });

  it('takes the token from TSDASK_TOKEN and does not print it; SIGINT exits 0 too', async () => {
    const p = run(['--port', '0', '--heartbeat-timeout', '2s'], { TSDASK_TOKEN: 'from-env' });
    const [, address] = await p.line(/^tsdask-scheduler listening at (tcp:\/\/\S+)$/m);
    const conn = await connect({ ...parseAddress(address!), token: 'from-env', role: 'worker' });
    conn.close();
    p.child.kill('SIGINT');
    const e = await p.exited;
    expect(e.code).toBe(0);
    expect(e.stdout).not.toContain('token');
  });

  it('prints --help, and exits 2 on a bad flag', async () => {
    const [help, bad, badPort] = await Promise.all([run(['--help']).exited, run(['--prot', '1']).exited, run(['--port', 'x']).exited]);
    expect([help.code, help.stdout.includes('--heartbeat-timeout')]).toEqual([0, true]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("Unknown option '--prot'");
    expect([badPort.code, badPort.stderr.includes('--port must be')]).toEqual([2, true]);
  });
});
