/**
 * No orphans: while a LocalCluster has children, they are killed (SIGKILL, synchronously) when
 * this process exits, and when it gets SIGINT, SIGTERM or SIGHUP that nobody else listens for
 * (then the signal is raised again, so the process still dies of it as it would have). A
 * program that handles such a signal itself is left to close its clusters or exit. The hooks
 * are installed with the first live child and removed with the last, so a process without a
 * cluster is not touched.
 */
import type { ChildProcess } from 'node:child_process';

const FATAL: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const guarded = new Set<ChildProcess>();

function killAll(): void {
  for (const p of guarded) {
    try {
      if (p.pid !== undefined) process.kill(p.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

function onSignal(signal: NodeJS.Signals): void {
  if (process.listenerCount(signal) > 1) return; // the program handles it: it closes or exits (then the exit hook runs)
  killAll();
  unhook();
  process.kill(process.pid, signal); // die of it, as without this listener
}

function hook(): void {
  process.on('exit', killAll);
  for (const s of FATAL) process.on(s, onSignal);
}

function unhook(): void {
  process.removeListener('exit', killAll);
  for (const s of FATAL) process.removeListener(s, onSignal);
}

/** Kills `child` with this process, until unguard(child). */
export function guard(child: ChildProcess): void {
  if (child.pid === undefined || guarded.has(child)) return;
  if (guarded.size === 0) hook();
  guarded.add(child);
}

/** Stops guarding `child` (it has ended). */
export function unguard(child: ChildProcess): void {
  if (guarded.delete(child) && guarded.size === 0) unhook();
}
