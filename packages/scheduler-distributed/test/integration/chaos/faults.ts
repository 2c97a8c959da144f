/**
 * Chaos support: a seeded fault injector for a ChaosCluster. In each of its lanes (lanes overlap
 * in time, so two faults can hit at once) one fault at a time, after a random gap, on a random
 * worker, for a random time, then healed:
 * - kill: SIGKILL of the worker process (its nanny starts a new one);
 * - replace: SIGKILL of the nanny and its worker (a host lost), and a new nanny and worker started
 *   on that host after the fault's time;
 * - stop: SIGSTOP, SIGCONT after the fault's time (past the heartbeat timeout the scheduler drops it);
 * - partition: nftables drops all packets between the worker's host and the scheduler (and the
 *   proxy's side, for a proxied worker), or its peers, or everyone (`isolate`);
 * - latency: the worker's DelayProxy holds every chunk for 50-400 ms (proxied workers only);
 * - reset: the worker's DelayProxy resets its connections (proxied workers only);
 * - pause-scheduler: SIGSTOP of the scheduler, SIGCONT after the fault's time (its workers are
 *   not to blame for the silence: scheduler-stall.test.ts).
 * The same seed gives each lane the same faults in the same order (the times they land on depend
 * on the machine). A worker whose nanny is being started again is not replaced at the same time (stopped instead);
 * two partitions of one host at once end together, when the first heals. So that a nanny does not give up (5 restarts a minute), a worker gets at most 3 faults
 * that may end its process (kill, reset, and stop or partition past the heartbeat timeout) a
 * minute; in their place it gets latency.
 */
import type { HostNetwork } from '../netns-hosts.js';
import type { ChaosCluster } from './chaos-cluster.js';
import { cut, heal } from './partition.js';
import { mulberry32 } from '../../../../../test/support/seeded-random.js';

export const FAULT_KINDS = ['kill', 'replace', 'stop', 'partition-scheduler', 'partition-peers', 'isolate', 'latency', 'reset', 'pause-scheduler'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** One injected fault. */
export interface FaultRecord {
  /** Milliseconds since the injector started. */
  at: number;
  kind: FaultKind;
  worker: string;
  /** How long it lasted (0 for kill and reset). */
  ms: number;
}

export interface InjectorOptions {
  /** Random gap before each fault, in ms: [min, max). */
  gapMs: [number, number];
  /** Random time a stop, partition or latency lasts, in ms: [min, max). */
  durationMs: [number, number];
  /** The scheduler's heartbeat timeout in ms (what makes a stop or partition end the worker). */
  heartbeatTimeoutMs: number;
  /** How many faults may be in progress at once: lanes of faults, each one fault at a time. */
  lanes: number;
}

export class FaultInjector {
  readonly log: FaultRecord[] = [];
  readonly #cluster: ChaosCluster;
  readonly #net: HostNetwork;
  readonly #seed: number;
  readonly #opts: InjectorOptions;
  readonly #ending = new Map<string, number[]>();
  #running = false;
  #loops: Promise<void>[] = [];
  readonly #wakers = new Set<() => void>();
  #t0 = 0;

  constructor(cluster: ChaosCluster, net: HostNetwork, seed: number, opts: InjectorOptions) {
    this.#cluster = cluster;
    this.#net = net;
    this.#seed = seed;
    this.#opts = opts;
  }

  /** Starts injecting faults until stop(). */
  start(): void {
    this.#running = true;
    this.#t0 = Date.now();
    // Each lane is its own seeded sequence of faults; lanes overlap in time.
    this.#loops = Array.from({ length: this.#opts.lanes }, (_, lane) => this.#run(mulberry32(this.#seed * 7919 + lane)));
  }

  /** Ends the fault in progress (healed), injects no more; resolves once every fault is healed. */
  async stop(): Promise<void> {
    this.#running = false;
    for (const wake of this.#wakers) wake();
    await Promise.all(this.#loops);
  }

  /** Faults injected so far, by kind. */
  counts(): Record<FaultKind, number> {
    const out = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;
    for (const f of this.log) out[f.kind] += 1;
    return out;
  }

  /** SIGSTOP `pid` for `ms`, then SIGCONT (also when the wait is cut short). */
  async #pause(pid: number, ms: number): Promise<void> {
    signal(pid, 'SIGSTOP');
    try {
      await this.#sleep(ms);
    } finally {
      signal(pid, 'SIGCONT');
    }
  }

  /** Waits `ms`, or less when stop() is called. */
  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(t);
        this.#wakers.delete(done);
        resolve();
      };
      const t = setTimeout(done, ms);
      this.#wakers.add(done);
    });
  }

  #between(rand: () => number, [lo, hi]: [number, number]): number {
    return Math.floor(lo + rand() * (hi - lo));
  }

  async #run(rand: () => number): Promise<void> {
    while (this.#running) {
      await this.#sleep(this.#between(rand, this.#opts.gapMs));
      if (!this.#running) return;
      const i = Math.floor(rand() * this.#cluster.workers.length);
      const w = this.#cluster.workers[i]!;
      let kind = FAULT_KINDS[Math.floor(rand() * FAULT_KINDS.length)]!;
      const ms = kind === 'kill' || kind === 'reset' ? 0 : this.#between(rand, this.#opts.durationMs);
      if (((kind === 'latency' || kind === 'reset') && w.proxy === undefined) || (kind === 'replace' && this.#cluster.restarting(i))) kind = 'stop';
      const ends =
        kind === 'kill' ||
        kind === 'replace' ||
        kind === 'reset' ||
        ((kind === 'stop' || kind === 'partition-scheduler' || kind === 'isolate') && ms >= this.#opts.heartbeatTimeoutMs);
      const now = Date.now();
      const recent = (this.#ending.get(w.name) ?? []).filter((t) => now - t < 60_000);
      if (ends && recent.length >= 3) kind = w.proxy !== undefined ? 'latency' : 'partition-peers';
      else if (ends) recent.push(now);
      this.#ending.set(w.name, recent);
      await this.#inject(rand, i, kind, ms);
    }
  }

  async #inject(rand: () => number, i: number, kind: FaultKind, ms: number): Promise<void> {
    const w = this.#cluster.workers[i]!;
    const s = this.#net.hosts[0]!;
    const peers = this.#cluster.workers.filter((_, j) => j !== i).map((p) => p.host.ip);
    const toScheduler = w.proxy !== undefined ? [s.ip, this.#net.gateway] : [s.ip];
    this.log.push({ at: Date.now() - this.#t0, kind, worker: kind === 'pause-scheduler' ? 'scheduler' : w.name, ms });
    switch (kind) {
      case 'kill': {
        const pid = this.#cluster.workerPid(i);
        if (pid !== undefined) signal(pid, 'SIGKILL');
        return;
      }
      case 'reset':
        w.proxy!.resetAll();
        return;
      case 'replace':
        try {
          await this.#cluster.replaceWorker(i, ms);
        } finally {
          this.#ending.delete(w.name); // a new nanny, with a new restart budget
        }
        return;
      case 'stop': {
        const pid = this.#cluster.workerPid(i);
        if (pid === undefined) return;
        return this.#pause(pid, ms);
      }
      case 'pause-scheduler':
        return this.#pause(this.#cluster.scheduler.child.pid!, ms);
      case 'latency':
        w.proxy!.delayMs = 50 + Math.floor(rand() * 350);
        try {
          await this.#sleep(ms);
        } finally {
          w.proxy!.delayMs = 0;
        }
        return;
      default: {
        const addresses = kind === 'partition-scheduler' ? toScheduler : kind === 'partition-peers' ? peers : [s.ip, this.#net.gateway, ...peers];
        cut(w.host.ns, addresses);
        try {
          await this.#sleep(ms);
        } finally {
          heal(w.host.ns);
        }
      }
    }
  }
}

/** Sends `sig` to `pid`; a process already gone is fine. */
function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // gone
  }
}
