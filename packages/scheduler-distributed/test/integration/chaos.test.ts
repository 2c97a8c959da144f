/**
 * Chaos: a scheduler and 2-3 workers (with nannies) in network namespaces on a bridge, computing
 * futures, dataframe and array workloads while seeded faults, two at a time at most, hit the
 * workers (SIGKILL, SIGSTOP/SIGCONT, a host lost and replaced, nftables partitions, latency and
 * connection resets through a userspace proxy) and the scheduler (SIGSTOP/SIGCONT); chaos/faults.ts. Every run must end with the right answer (against plain loops), no failed
 * compute and no hang within the watchdog's bound. In CI: one seeded run, the workloads twice (10-30 s). The soak
 * (bench/chaos-soak.mjs) runs this file with TSDASK_CHAOS_SOAK_S set: runs one after another with
 * seeds counting up from TSDASK_CHAOS_SEED until that many seconds have passed, and writes its
 * figures to TSDASK_CHAOS_REPORT. TSDASK_CHAOS_BOUND_MS and TSDASK_CHAOS_GRACE_MS change the
 * watchdog's bound and the grace after a hang (a tiny bound shows what a hang's report says). Needs root, iproute2 and nftables; skipped with a loud message
 * where namespaces or nftables are not allowed.
 */
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { closePool } from '@tsdask/scheduler-local';
import { makeHosts, type HostNetwork } from './netns-hosts.js';
import { chaosRun, type RunResult } from './chaos/chaos-run.js';
import { FAULT_KINDS } from './chaos/faults.js';
import { nftablesMissing } from './chaos/partition.js';

const soakSeconds = Number(process.env.TSDASK_CHAOS_SOAK_S ?? 0);
const firstSeed = Number(process.env.TSDASK_CHAOS_SEED ?? 1);
const nWorkers = Number(process.env.TSDASK_CHAOS_WORKERS ?? 2);
const report = process.env.TSDASK_CHAOS_REPORT;
/** The workloads are computed this many times a run (a longer-lived cluster collects more state to go wrong). */
const rounds = Number(process.env.TSDASK_CHAOS_ROUNDS ?? 2);
/** How many faults may be in progress at once. */
const lanes = Number(process.env.TSDASK_CHAOS_LANES ?? 2);
const HEARTBEAT_TIMEOUT_MS = 2000;
/**
 * The watchdog's bound on one workload under faults. Each fault lasts at most 5 s and a restart a few,
 * but two lanes of faults leave little calm between them on a loaded 2-core machine: the soak's slowest
 * workload took 37 s. No workload may take longer than this.
 */
const BOUND_MS = Number(process.env.TSDASK_CHAOS_BOUND_MS ?? 120_000);
/** After a hang, with every fault healed, how long the workload gets before it is called stalled (its report then has the cluster dump's summary). */
const GRACE_MS = Number(process.env.TSDASK_CHAOS_GRACE_MS ?? 20_000);

let net: HostNetwork | undefined;
let skip: string | undefined;
beforeAll(() => {
  const made = makeHosts(['s', 'a', 'b', 'c'].slice(0, nWorkers + 1), 214);
  if (typeof made === 'string') skip = made;
  else {
    net = made;
    skip = nftablesMissing(made.hosts[1]!.ns);
  }
  if (skip !== undefined) console.warn(`\n*** SKIPPED chaos tests: ${skip} ***\n`);
});
afterAll(async () => {
  net?.remove();
  await closePool();
});

it(
  'under seeded kills, stops, partitions, latency and resets every compute is right, none fails and none hangs',
  async (ctx) => {
    if (skip !== undefined || net === undefined) return ctx.skip();
    const results: RunResult[] = [];
    /** Soak runs whose cluster could not start or whose harness threw (not a compute's failure: listed apart). */
    const harnessErrors: string[] = [];
    const t0 = Date.now();
    for (let seed = firstSeed; ; seed++) {
      let r: RunResult;
      try {
        r = await chaosRun(net, { seed, boundMs: BOUND_MS, graceMs: GRACE_MS, heartbeatTimeoutMs: HEARTBEAT_TIMEOUT_MS, rounds, lanes });
      } catch (err) {
        if (soakSeconds === 0) throw err;
        harnessErrors.push(`seed ${seed}: the run could not go on: ${(err as Error).message}`);
        console.log(harnessErrors.at(-1));
        if (Date.now() - t0 > soakSeconds * 1000) break;
        continue;
      }
      results.push(r);
      const faults = Object.entries(r.faults)
        .filter(([, n]) => n > 0)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ');
      console.log(
        `chaos seed ${seed}: ${r.ms} ms; faults: ${faults || 'none'}; slowest workload ${r.slowest.ms} ms; wrong ${r.wrong.length}, errors ${r.errors.length}, hangs ${r.hangs.length}`,
      );
      for (const line of [...r.wrong, ...r.errors, ...r.hangs]) console.log(line);
      const done = soakSeconds > 0 ? Date.now() - t0 > soakSeconds * 1000 : true;
      if (done) break;
    }
    const sum = (f: (r: RunResult) => number): number => results.reduce((s, r) => s + f(r), 0);
    const byKind = Object.fromEntries(FAULT_KINDS.map((k) => [k, sum((r) => r.faults[k])]));
    const figures = {
      runs: results.length,
      workloads: sum((r) => r.workloads),
      faults: sum((r) => r.log.length),
      faultsByKind: byKind,
      supervisorRestarts: sum((r) => r.supervisorRestarts),
      wrongAnswers: sum((r) => r.wrong.length),
      errors: sum((r) => r.errors.length),
      hangs: sum((r) => r.hangs.length),
      slowest: results.map((r) => r.slowest).reduce((a, b) => (b.ms > a.ms ? b : a), { ms: 0, what: '-' }),
      boundMs: BOUND_MS,
      seconds: (Date.now() - t0) / 1000,
      seeds: [firstSeed, firstSeed + results.length + harnessErrors.length - 1],
      problems: results.flatMap((r) => [...r.wrong, ...r.errors, ...r.hangs]),
      harnessErrors,
    };
    if (report !== undefined) writeFileSync(report, JSON.stringify(figures, null, 2));
    expect(figures.faults).toBeGreaterThan(0);
    expect(figures.problems).toEqual([]);
  },
  soakSeconds > 0 ? (soakSeconds + 300) * 1000 : 300_000,
);
