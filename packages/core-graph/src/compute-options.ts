/**
 * Compute options served by other packages: `compute(x, { dashboard: true })` asks the
 * package registered for `dashboard` for extra subscribers to the event stream. A handler is
 * registered by its package on import; for the names in KNOWN_PACKAGES, compute() imports the
 * package on first use (as the scheduler registry does), so core-graph imports none of them.
 */
import type { Callbacks } from './callbacks.js';
import { ConfigError } from './errors.js';
import type { OptionCheck } from './options/checks.js';
import { registerOption } from './options/registry.js';
import type { ComputeOptions } from './schedulers.js';

/** Turns an option's value into subscribers for one compute. */
export type ComputeOptionHandler = (value: unknown, opts: ComputeOptions) => Callbacks[] | Promise<Callbacks[]>;

const handlers = new Map<string, ComputeOptionHandler>();
/** Options whose package compute() loads on demand. */
const KNOWN_PACKAGES: Readonly<Record<string, string>> = { dashboard: '@tsdask/dashboard' };
// Their names are valid before the package loads; the handler checks the value.
for (const [name, pkg] of Object.entries(KNOWN_PACKAGES)) registerOption(name, { owner: pkg });

/**
 * Makes `compute(x, { [name]: value })` call `handler(value, opts)` before the compute runs
 * (and makes `name` a valid option, its value checked by `check` where given).
 */
export function registerComputeOption(name: string, handler: ComputeOptionHandler, check?: OptionCheck): void {
  handlers.set(name, handler);
  registerOption(name, check !== undefined ? { check } : {});
}

/** The extra subscribers the plugin options of a compute ask for (none when none are set). */
export async function optionCallbacks(opts: ComputeOptions): Promise<Callbacks[]> {
  const out: Callbacks[] = [];
  const names = new Set([...handlers.keys(), ...Object.keys(KNOWN_PACKAGES)]);
  for (const name of names) {
    const value = (opts as Readonly<Record<string, unknown>>)[name];
    if (value === undefined || value === false || value === null) continue;
    let handler = handlers.get(name);
    const pkg = KNOWN_PACKAGES[name];
    if (handler === undefined && pkg !== undefined) {
      try {
        const spec: string = pkg;
        await import(spec);
      } catch (cause) {
        const why = cause instanceof Error ? cause.message : String(cause);
        throw new ConfigError(`compute option '${name}' needs the package ${pkg}, which could not be loaded (${why}): install it (npm install ${pkg}).`);
      }
      handler = handlers.get(name);
    }
    if (handler === undefined) throw new ConfigError(`compute option '${name}': ${pkg} did not register a handler.`);
    out.push(...(await handler(value, opts)));
  }
  return out;
}
