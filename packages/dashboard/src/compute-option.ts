/**
 * `compute(x, { dashboard: true })`: core-graph's compute-option registry calls this handler
 * (`import 'tsdask'` announces the option and this package loads on its first use, so
 * core-graph never names the dashboard). The first
 * such compute starts one dashboard for the process (port 8787 unless told otherwise) and
 * prints its URL; later computes reuse it. Its server does not keep the process alive: a
 * script exits when its work is done, a REPL or notebook keeps the page live. Call
 * `startDashboard()` instead for a server that stays up until `close()`.
 */
import { registerComputeOption, type Callbacks } from '@tsdask/core-graph';
import { DashboardOptionsError } from './errors.js';
import { startDashboard, validateOptions, type DashboardHandle, type DashboardOptions } from './start.js';

let current: Promise<DashboardHandle> | undefined;

/** The dashboard started by `compute({ dashboard })`, if any. */
export function currentDashboard(): Promise<DashboardHandle> | undefined {
  return current;
}

/** Closes the dashboard started by `compute({ dashboard })`, if any. */
export async function closeCurrentDashboard(): Promise<void> {
  const c = current;
  current = undefined;
  if (c) await (await c).close();
}

/** The handler of the `dashboard` compute option: true, or startDashboard's options. */
export async function dashboardOption(value: unknown): Promise<Callbacks[]> {
  if (value === false || value === undefined || value === null) return [];
  let opts: DashboardOptions;
  if (value === true) opts = {};
  else if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) opts = { ...(value as DashboardOptions) };
  else throw new DashboardOptionsError('dashboard', `must be true or an options object { port, host, token }, got ${typeof value}.`);
  validateOptions(opts);
  if (current === undefined) {
    const started = startDashboard({ unref: true, ...opts });
    current = started;
    started.catch(() => {
      if (current === started) current = undefined;
    });
  }
  const handle = await current;
  // The hub already listens to every compute; handing its subscriber here too is harmless
  // (subscribers are deduplicated) and keeps working if it was started with global: false.
  return [handle.hub.callbacks];
}

registerComputeOption('dashboard', dashboardOption);
