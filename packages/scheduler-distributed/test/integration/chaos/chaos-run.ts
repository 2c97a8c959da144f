/**
 * Chaos support: one chaos run. It starts a ChaosCluster on the given hosts, starts a seeded
 * FaultInjector, computes every workload in turn, each under a watchdog, then heals every fault and
 * stops the cluster. The result counts what went wrong by class: a wrong answer (the cluster
 * answered, wrongly), an error (a compute failed although every fault was transient) and a hang
 * (the watchdog's bound passed; its report holds the faults so far, the cluster's processes and,
 * after every fault is healed and a grace period, whether it was starved or stalled, and for a
 * stall the cluster dump's account of the keys the client waits on).
 */
import type { HostNetwork } from '../netns-hosts.js';
import { ChaosCluster } from './chaos-cluster.js';
import { FaultInjector, type FaultKind, type FaultRecord } from './faults.js';
import { hangSummary, type DumpDoc } from './hang-report.js';
import { WORKLOADS } from './workloads.js';

export interface RunOptions {
  seed: number;
  /** How long one workload may take before the watchdog calls it a hang, in ms. */
  boundMs: number;
  /** After a hang, with every fault healed, how long the workload gets to answer before it is called stalled (default 20 s). */
  graceMs?: number;
  /** The scheduler's --heartbeat-timeout, in ms. */
  heartbeatTimeoutMs: number;
  /** Fault lanes: how many faults may be in progress at once. */
  lanes: number;
  /** How many times the workloads are computed, one after another, on the same cluster. */
  rounds: number;
}

export interface RunResult {
  seed: number;
  ms: number;
  faults: Record<FaultKind, number>;
  log: FaultRecord[];
  /** Workloads computed (a hang ends the run early). */
  workloads: number;
  /** Nannies the harness's supervisor started again after they ended by themselves. */
  supervisorRestarts: number;
  /** The longest a workload took, in ms, and which. */
  slowest: { ms: number; what: string };
  wrong: string[];
  errors: string[];
  hangs: string[];
}

const HANG = Symbol('hang');
/** RunOptions.graceMs's default. */
const GRACE_MS = 20_000;
/** How long the hang's cluster dump may take. */
const DUMP_MS = 20_000;

/**
 * Why a workload hung: heals every fault and gives it `graceMs` more. An answer then means the
 * faults starved it; none means a stall, and the cluster dump's summary of the keys the client
 * waits on and their unfinished dependencies (hang-report.ts) says where it stands.
 */
async function afterHang(cluster: ChaosCluster, injector: FaultInjector, work: Promise<unknown>, graceMs: number): Promise<string> {
  const healing = Date.now();
  await injector.stop();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), graceMs)));
  const answered = await Promise.race([work.then(() => Date.now()), late]);
  clearTimeout(timer);
  if (answered !== undefined) return `Starved, not stalled: it answered ${answered - healing} ms after the faults were stopped and healed.`;
  const head = `Stalled: no answer ${graceMs} ms after every fault was healed.`;
  try {
    const doc = JSON.parse(await cluster.dump(DUMP_MS)) as DumpDoc;
    return [head, ...hangSummary(doc, cluster.client.asScheduler().pendingKeys())].join('\n');
  } catch (err) {
    return `${head}\nNo cluster dump: ${(err as Error).message}\nCluster now:\n${cluster.describe()}`;
  }
}

/** One chaos run on `net` (hosts[0] for the scheduler, a worker on each other host). */
export async function chaosRun(net: HostNetwork, opts: RunOptions): Promise<RunResult> {
  const t0 = Date.now();
  const result: Omit<RunResult, 'faults' | 'ms'> = {
    seed: opts.seed,
    log: [],
    workloads: 0,
    supervisorRestarts: 0,
    slowest: { ms: 0, what: '' },
    wrong: [],
    errors: [],
    hangs: [],
  };
  // The faults, not the tasks, kill workers here: a task on a worker that dies is not suspect, so
  // --allowed-failures (KilledWorkerError after that many deaths under one task) is set out of reach.
  const cluster = await ChaosCluster.start(net, { heartbeatTimeout: `${opts.heartbeatTimeoutMs}ms`, allowedFailures: 1000 });
  const injector = new FaultInjector(cluster, net, opts.seed, {
    gapMs: [100, 1500],
    durationMs: [300, 2.5 * opts.heartbeatTimeoutMs],
    heartbeatTimeoutMs: opts.heartbeatTimeoutMs,
    lanes: opts.lanes,
  });
  try {
    injector.start();
    const plan = Array.from({ length: opts.rounds }, (_, round) => WORKLOADS.map((w, i) => ({ w, dataSeed: opts.seed * 100 + round * 10 + i }))).flat();
    for (const { w, dataSeed } of plan) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const watchdog = new Promise<typeof HANG>((resolve) => (timer = setTimeout(() => resolve(HANG), opts.boundMs)));
      const started = Date.now();
      const work = w.run(cluster.client, dataSeed).then(
        (wrong) => ({ wrong }),
        (error: unknown) => ({ error }),
      );
      const outcome = await Promise.race([work, watchdog]);
      clearTimeout(timer);
      result.workloads += 1;
      const tag = `seed ${opts.seed}, ${w.name} (data seed ${dataSeed})`;
      if (Date.now() - started > result.slowest.ms) result.slowest = { ms: Date.now() - started, what: tag };
      if (outcome === HANG) {
        const faults = injector.log.map((f) => `  +${f.at} ms ${f.kind} ${f.worker}${f.ms > 0 ? ` for ${f.ms} ms` : ''}`).join('\n');
        const processes = cluster.describe();
        const why = await afterHang(cluster, injector, work, opts.graceMs ?? GRACE_MS);
        result.hangs.push(
          `${tag}: no answer within ${opts.boundMs} ms (started +${started - t0} ms). Faults so far:\n${faults}\nCluster:\n${processes}\n${why}`,
        );
        break; // the client may be stuck: the rest of this run is not trusted
      }
      if ('error' in outcome)
        result.errors.push(`${tag}: failed with ${String((outcome.error as Error)?.stack ?? outcome.error)}\nCluster:\n${cluster.describe()}`);
      else if (outcome.wrong !== undefined) result.wrong.push(`${tag}: ${outcome.wrong}`);
    }
  } finally {
    await injector.stop();
    await cluster.stop();
  }
  result.supervisorRestarts = cluster.supervisorRestarts;
  // A host whose nanny could not be started again leaves the run short of a worker: the harness's fault, shown as an error.
  for (const f of cluster.supervisorFailures) result.errors.push(`seed ${opts.seed}, harness: ${f}`);
  result.log = injector.log;
  return { ...result, faults: injector.counts(), ms: Date.now() - t0 };
}
