/**
 * Chaos support: a cluster spread over network-namespace hosts (netns-hosts.ts): the scheduler in
 * the first host, one worker (with its nanny, as `tsdask-worker` runs by default) in each of the
 * others, the client in the test's namespace. Workers at odd positions reach the scheduler
 * through a DelayProxy in the test's namespace, so latency can be put between them. It knows the
 * pids of each nanny and of the worker process under it (which changes when the nanny restarts
 * it), and describes its state for a watchdog's report.
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Client } from '../../../src/client/client.js';
import { generateToken } from '../../../src/comm/token.js';
import { binPath, startIn, type Host, type HostNetwork, type HostProcess } from '../netns-hosts.js';
import { DelayProxy } from './delay-proxy.js';

/** One worker of a ChaosCluster. */
export interface ChaosWorker {
  name: string;
  host: Host;
  /** The nanny process (the worker bin run with its default nanny). */
  nanny: HostProcess;
  /** The proxy it reaches the scheduler through, if any. */
  proxy: DelayProxy | undefined;
}

/** The pids of the children of process `pid` (Linux /proc). */
function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** The state letter of process `pid` (R, S, T for stopped, ...), or 'gone'. */
function procState(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0]!;
  } catch {
    return 'gone';
  }
}

export class ChaosCluster {
  readonly client: Client;
  readonly scheduler: HostProcess;
  readonly workers: ChaosWorker[];
  readonly #children: ChildProcess[];

  private constructor(client: Client, scheduler: HostProcess, workers: ChaosWorker[], children: ChildProcess[]) {
    this.client = client;
    this.scheduler = scheduler;
    this.workers = workers;
    this.#children = children;
  }

  /** Starts the scheduler on net.hosts[0] and a worker on each other host; stop() it (also when this rejects, nothing is left running). */
  static async start(net: HostNetwork, opts: { heartbeatTimeout: string; allowedFailures: number }): Promise<ChaosCluster> {
    const token = generateToken();
    const env = { TSDASK_TOKEN: token };
    const children: ChildProcess[] = [];
    const proxies: DelayProxy[] = [];
    const [s, ...others] = net.hosts as [Host, ...Host[]];
    try {
      const args = [binPath('scheduler'), '--host', s.ip, '--port', '8786', '--no-dashboard', '--heartbeat-timeout', opts.heartbeatTimeout];
      const scheduler = await startIn(s.ns, [...args, '--allowed-failures', String(opts.allowedFailures)], env, /listening at tcp:\/\/(\S+)/, children);
      const address = `${s.ip}:8786`;
      const workers = await Promise.all(
        others.map(async (host, i): Promise<ChaosWorker> => {
          const name = `w${host.role}`;
          const proxy = i % 2 === 1 ? await DelayProxy.start(net.gateway, { host: s.ip, port: 8786 }) : undefined;
          if (proxy !== undefined) proxies.push(proxy);
          const via = proxy?.address ?? address;
          const nanny = await startIn(
            host.ns,
            [binPath('worker'), `tcp://${via}`, '--host', host.ip, '--name', name],
            env,
            new RegExp(`tsdask-worker ${name} listening`),
            children,
          );
          return { name, host, nanny, proxy };
        }),
      );
      const client = new Client(`tcp://${address}`, { token });
      await client.ready();
      return new ChaosCluster(client, scheduler, workers, children);
    } catch (err) {
      for (const c of children) c.kill('SIGKILL');
      await Promise.all(proxies.map((p) => p.close()));
      throw err;
    }
  }

  /** The pid of worker i's worker process (the nanny's child), undefined between a death and its restart. */
  workerPid(i: number): number | undefined {
    return childPids(this.workers[i]!.nanny.child.pid!)[0];
  }

  /** Its processes (state letters from /proc), and each one's last output lines: what a watchdog reports. */
  describe(): string {
    const lines = [`scheduler pid ${this.scheduler.child.pid} (${procState(this.scheduler.child.pid!)})`];
    for (const [i, w] of this.workers.entries()) {
      const pid = this.workerPid(i);
      lines.push(
        `${w.name} at ${w.host.ip}: nanny pid ${w.nanny.child.pid} (${procState(w.nanny.child.pid!)}), worker pid ${pid ?? 'none'} (${pid === undefined ? '-' : procState(pid)})` +
          (w.proxy !== undefined
            ? `, via proxy ${w.proxy.address} (delay ${w.proxy.delayMs} ms, ${w.proxy.connections} connections, ${w.proxy.heldBytes} bytes held)`
            : ''),
      );
    }
    lines.push('scheduler output:', ...this.scheduler.tail.slice(-15).map((l) => `  ${l}`));
    for (const w of this.workers) lines.push(`${w.name} output:`, ...w.nanny.tail.slice(-15).map((l) => `  ${l}`));
    return lines.join('\n');
  }

  /** Closes the client, kills every process (SIGCONT first: a stopped one cannot die) and closes the proxies. */
  async stop(): Promise<void> {
    await this.client.close().catch(() => {});
    for (const [i] of this.workers.entries()) {
      const pid = this.workerPid(i);
      if (pid !== undefined) {
        try {
          process.kill(pid, 'SIGCONT');
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
    }
    const exits = this.#children.filter((c) => c.exitCode === null && c.signalCode === null).map((c) => new Promise((r) => c.once('exit', r)));
    for (const c of this.#children) c.kill('SIGKILL');
    await Promise.all(exits);
    await Promise.all(this.workers.map((w) => w.proxy?.close()));
  }
}
