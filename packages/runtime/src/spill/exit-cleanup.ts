/**
 * Spill folders outside a compute's life: removing those still open when the process ends,
 * and those that a killed process left behind.
 *
 * On 'exit' every open store is removed. For SIGINT and SIGTERM a listener is installed only
 * while a store is open, ahead of the others, and it acts only when it is the one listener:
 * then it removes the folders and raises the signal again, so the process ends as it would
 * have without us. When the program has a listener of its own, Node does not exit on the
 * signal (the program decides), so the folders stay for the compute still running, and go on
 * 'exit' if the program exits.
 *
 * A folder is named `tsdask-spill-<pid>-XXXXXX`; when a store is made, the folders in the same
 * parent whose process is gone (a SIGKILL, a crash) are removed. A folder of a live process
 * (ours included) is never touched.
 */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** What the hooks close: an open spill store. */
export interface Closable {
  closeSync(): void;
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
const open = new Set<Closable>();
let exitHooked = false;
let signalsHooked = false;

function closeAll(): void {
  for (const s of [...open]) {
    try {
      s.closeSync();
    } catch {
      // Best effort at exit: a folder that cannot be removed stays for the next run's cleanup.
    }
  }
}

function onSignal(sig: NodeJS.Signals): void {
  // Another listener: the program handles the signal and may let the compute finish.
  if (process.listenerCount(sig) > 1) return;
  closeAll();
  unhookSignals();
  process.kill(process.pid, sig);
}

const listeners = new Map<NodeJS.Signals, () => void>(SIGNALS.map((s) => [s, () => onSignal(s)]));

function unhookSignals(): void {
  if (!signalsHooked) return;
  signalsHooked = false;
  for (const [sig, fn] of listeners) process.removeListener(sig, fn);
}

/** Registers an open store: it is removed at exit, and on a signal nobody else handles. */
export function registerOpen(store: Closable): void {
  open.add(store);
  if (!exitHooked) {
    exitHooked = true;
    process.on('exit', closeAll);
  }
  if (!signalsHooked) {
    signalsHooked = true;
    // First in line, so that the count it sees is every listener the signal will reach.
    for (const [sig, fn] of listeners) process.prependListener(sig, fn);
  }
}

/** Forgets a closed store; the signal listeners go with the last one. */
export function unregisterOpen(store: Closable): void {
  open.delete(store);
  if (open.size === 0) unhookSignals();
}

/** The prefix of a spill folder's name made by this process. */
export function folderPrefix(): string {
  return `tsdask-spill-${process.pid}-`;
}

const FOLDER = /^tsdask-spill-(\d+)-[A-Za-z0-9]{6}$/;

/** Whether a process with this id is running (one of another user counts as running). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes the spill folders in `parent` whose process is gone; returns their names. */
export function removeStale(parent: string): string[] {
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = FOLDER.exec(name);
    if (m === null) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || !(pid > 0) || isAlive(pid)) continue;
    try {
      rmSync(join(parent, name), { recursive: true, force: true });
      removed.push(name);
    } catch {
      // Not ours to insist on: a folder that cannot be removed is left.
    }
  }
  return removed;
}
