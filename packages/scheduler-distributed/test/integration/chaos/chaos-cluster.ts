/**
 * Chaos support: a cluster spread over network-namespace hosts (netns-hosts.ts): the scheduler in
 * the first host, one worker (with its nanny, as `tsdask-worker` runs by default) in each of the
 * others, the client in the test's namespace. Every worker but the first reaches the scheduler
 * through a DelayProxy in the test's namespace, so latency can be put between them. It knows the
 * pids of each nanny and of the worker process under it (which changes when the nanny restarts
 * it), and describes its state for a watchdog's report. It supervises each host's nanny as
 * systemd's Restart=always would: a nanny that ends (it does when its own connection to the
 * scheduler breaks: a reset, a long partition) is started again a second later.
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Client } from '../../../src/client/client.js';
import { generateToken } from '../../../src/comm/token.js';
import { binPath, startIn, type Host, type HostNetwork, type HostProcess } from '../netns-hosts.js';

/** How long a scheduler or worker may take to start: on a 2-core machine shared at load 15-20, a worker once took over 20 s. */
const START_MS = 60_000;
import { DelayProxy } from './delay-proxy.js';

/** One worker of a ChaosCluster. */
export interface ChaosWorker {
  name: string;
  host: Host;
  /** The nanny process (the worker bin run with its default nanny). */
  nanny: HostProcess;
  /** The proxy it reaches the scheduler through, if any. */
  proxy: DelayProxy | undefined;
  /** node's arguments that start it (the worker bin and its flags). */
  args: string[];
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
  /** Nannies started again by the supervisor. */
  supervisorRestarts = 0;
  /** Supervisor restarts that failed, in words. */
  readonly supervisorFailures: string[] = [];
  readonly #children: ChildProcess[];
  readonly #env: Record<string, string>;
  /** Workers whose nanny is being started again (by replaceWorker or the supervisor), by index. */
  readonly #busy = new Set<number>();
  #stopping = false;

  private constructor(client: Client, scheduler: HostProcess, workers: ChaosWorker[], children: ChildProcess[], env: Record<string, string>) {
    this.client = client;
    this.scheduler = scheduler;
    this.workers = workers;
    this.#children = children;
    this.#env = env;
    for (const i of workers.keys()) this.#supervise(i);
  }

  /** Whether worker i's nanny is being started again now. */
  restarting(i: number): boolean {
    return this.#busy.has(i);
  }

  /** Starts worker i's nanny again, a second after it ends by itself. */
  #supervise(i: number): void {
    const w = this.workers[i]!;
    const nanny = w.nanny;
    nanny.child.once('exit', () => {
      if (this.#stopping || w.nanny !== nanny || this.#busy.has(i)) return;
      this.#busy.add(i);
      this.supervisorRestarts += 1;
      setTimeout(() => void this.#startNanny(i).finally(() => this.#busy.delete(i)), 1000);
    });
  }

  /** Starts a new nanny (and worker) on worker i's host and supervises it. */
  async #startNanny(i: number): Promise<void> {
    if (this.#stopping) return;
    const w = this.workers[i]!;
    try {
      w.nanny = await startIn(w.host.ns, w.args, this.#env, new RegExp(`tsdask-worker ${w.name} listening`), this.#children, START_MS);
      this.#supervise(i);
    } catch (err) {
      if (!this.#stopping) this.supervisorFailures.push(`${w.name}: its nanny could not be started again: ${(err as Error).message}`);
    }
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
      const scheduler = await startIn(
        s.ns,
        [...args, '--allowed-failures', String(opts.allowedFailures)],
        env,
        /listening at tcp:\/\/(\S+)/,
        children,
        START_MS,
      );
      const address = `${s.ip}:8786`;
      const workers = await Promise.all(
        others.map(async (host, i): Promise<ChaosWorker> => {
          const name = `w${host.role}`;
          const proxy = i > 0 ? await DelayProxy.start(net.gateway, { host: s.ip, port: 8786 }) : undefined;
          if (proxy !== undefined) proxies.push(proxy);
          const via = proxy?.address ?? address;
          const args = [binPath('worker'), `tcp://${via}`, '--host', host.ip, '--name', name];
          const nanny = await startIn(host.ns, args, env, new RegExp(`tsdask-worker ${name} listening`), children, START_MS);
          return { name, host, nanny, proxy, args };
        }),
      );
      const client = new Client(`tcp://${address}`, { token });
      await client.ready();
      return new ChaosCluster(client, scheduler, workers, children, env);
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

  /** Kills worker i's nanny and worker (SIGKILL: a host lost), waits `downMs`, then starts a new nanny and worker on its host. */
  async replaceWorker(i: number, downMs: number): Promise<void> {
    if (this.#busy.has(i)) return;
    this.#busy.add(i);
    try {
      await this.#replace(i, downMs);
    } finally {
      this.#busy.delete(i);
    }
  }

  async #replace(i: number, downMs: number): Promise<void> {
    const w = this.workers[i]!;
    const old = w.nanny.child;
    const pid = this.workerPid(i);
    const exited = old.exitCode === null && old.signalCode === null ? new Promise((r) => old.once('exit', r)) : undefined;
    old.kill('SIGKILL');
    if (pid !== undefined) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone with its nanny
      }
    }
    await exited;
    await new Promise((r) => setTimeout(r, downMs));
    await this.#startNanny(i);
  }

  /**
   * The cluster dump (scheduler/cluster-dump.ts) through a client of its own (the run's client may
   * be what is stuck), or why there is none: rejects when no answer came within `timeoutMs`.
   */
  async dump(timeoutMs: number): Promise<string> {
    const client = new Client(this.client.address, { token: this.#env.TSDASK_TOKEN! });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no cluster dump within ${timeoutMs} ms`)), timeoutMs)));
    try {
      return await Promise.race([client.ready().then(() => client.asScheduler().dumpState()), late]);
    } finally {
      clearTimeout(timer);
      await client.close().catch(() => {});
    }
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
    this.#stopping = true;
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
