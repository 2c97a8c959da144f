// The chaos soak: the chaos suite (packages/scheduler-distributed/test/integration/chaos.test.ts)
// run for a long time instead of two seeded runs. Each run starts a scheduler and workers (with
// nannies) in network namespaces, computes a futures map + reduce, a dataframe groupBy + merge and
// an array reduction while seeded faults hit the workers (SIGKILL, SIGSTOP/SIGCONT, nftables
// partitions, latency and connection resets through a userspace proxy), and checks every answer
// against a plain loop under a watchdog. Prints runs, faults injected by kind, wrong answers,
// failed computes, hangs and time, then every problem seen in full. Needs root, iproute2 and
// nftables (scripts/ensure-system-deps.sh installs nftables).
//
//   npm run build && node bench/chaos-soak.mjs [--minutes 12] [--seed 1] [--workers 3] [--rounds 3 (workloads per run: 3 x rounds)] [--lanes 2 (faults at once)]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { arg } from './cli.mjs';

const minutes = Number(arg('minutes', '12'));
const seed = Number(arg('seed', '1'));
const workers = Number(arg('workers', '3'));
const rounds = Number(arg('rounds', '3'));
const lanes = Number(arg('lanes', '2'));
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(join(tmpdir(), 'tsdask-chaos-soak-'));
const reportFile = join(dir, 'report.json');

console.log(
  `chaos soak: ${minutes} min, seeds from ${seed}, ${workers} workers (each run: 3 workloads x ${rounds} rounds under seeded faults, ${lanes} at once at most)`,
);
const t0 = Date.now();
const vitest = spawnSync(
  process.execPath,
  [join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', 'packages/scheduler-distributed/test/integration/chaos.test.ts', '--typecheck.enabled=false'],
  {
    cwd: root,
    stdio: 'inherit',
    env: {
      ...process.env,
      TSDASK_CHAOS_SOAK_S: String(Math.round(minutes * 60)),
      TSDASK_CHAOS_SEED: String(seed),
      TSDASK_CHAOS_WORKERS: String(workers),
      TSDASK_CHAOS_ROUNDS: String(rounds),
      TSDASK_CHAOS_LANES: String(lanes),
      TSDASK_CHAOS_REPORT: reportFile,
    },
  },
);
let figures;
try {
  figures = JSON.parse(readFileSync(reportFile, 'utf8'));
} catch {
  console.error(`chaos soak: the suite wrote no figures (vitest exit ${vitest.status ?? vitest.signal}); it was skipped or could not start, see above.`);
  rmSync(dir, { recursive: true, force: true });
  process.exit(1);
}
rmSync(dir, { recursive: true, force: true });

const line = (name, value) => console.log(`${name.padEnd(26)} ${value}`);
console.log('\n=== chaos soak figures ===');
line('runs', `${figures.runs} (seeds ${figures.seeds[0]}-${figures.seeds[1]}), ${figures.workloads} workloads`);
line('faults injected', figures.faults);
for (const [kind, n] of Object.entries(figures.faultsByKind)) line(`  ${kind}`, n);
line('nannies restarted', `${figures.supervisorRestarts} (by the harness, as systemd would: a nanny ends when its scheduler connection breaks)`);
line('wrong answers', `${figures.wrongAnswers} (must be 0)`);
line('failed computes', `${figures.errors} (must be 0)`);
line('hangs', `${figures.hangs} (must be 0)`);
line('slowest workload', `${(figures.slowest.ms / 1000).toFixed(1)} s (${figures.slowest.what}; the watchdog's bound is ${figures.boundMs / 1000} s)`);
line('time', `${figures.seconds.toFixed(0)} s in the suite, ${((Date.now() - t0) / 1000).toFixed(0)} s in all`);
line('harness errors', `${figures.harnessErrors?.length ?? 0} (runs whose cluster could not start or whose harness threw; not computes)`);
if ((figures.harnessErrors?.length ?? 0) > 0) {
  console.log('\n=== harness errors ===');
  for (const p of figures.harnessErrors) console.log(`${p}\n`);
}
if (figures.problems.length > 0) {
  console.log('\n=== problems ===');
  for (const p of figures.problems) console.log(`${p}\n`);
}
process.exit(figures.problems.length > 0 ? 1 : 0);
