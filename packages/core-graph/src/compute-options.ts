/**
 * Compute options served by other packages: `compute(x, { dashboard: true })` asks the
 * package registered for `dashboard` for extra subscribers to the event stream. A package
 * registers its handler on import (`registerComputeOption`); a package that should load only
 * when the option is first used is announced by `registerOptionLoader` (the name is valid at
 * once, the package is imported by the first compute that sets it). core-graph names none.
 */
import type { Callbacks } from './callbacks.js';
import { ConfigError } from './errors.js';
import type { OptionCheck } from './options/checks.js';
import { registerOption } from './options/registry.js';
import type { ComputeOptions } from './schedulers.js';

/** Turns an option's value into subscribers for one compute. */
export type ComputeOptionHandler = (value: unknown, opts: ComputeOptions) => Callbacks[] | Promise<Callbacks[]>;

const handlers = new Map<string, ComputeOptionHandler>();
/** Options whose package compute() imports on first use, by option name. */
const loaders = new Map<string, { owner: string; load: () => Promise<unknown> }>();

/**
 * Makes `compute(x, { [name]: value })` call `handler(value, opts)` before the compute runs
 * (and makes `name` a valid option, its value checked by `check` where given).
 */
export function registerComputeOption(name: string, handler: ComputeOptionHandler, check?: OptionCheck): void {
  handlers.set(name, handler);
  registerOption(name, check !== undefined ? { check } : {});
}

/**
 * Announces a compute option whose package loads on first use: `name` is valid now, and the
 * first compute that sets it runs `load` (`() => import('pkg')`), whose import must call
 * registerComputeOption(name, ...). `owner` (the package name) is what errors tell to install.
 */
export function registerOptionLoader(name: string, load: () => Promise<unknown>, owner: string): void {
  loaders.set(name, { owner, load });
  registerOption(name, { owner });
}

/** The extra subscribers the plugin options of a compute ask for (none when none are set). */
export async function optionCallbacks(opts: ComputeOptions): Promise<Callbacks[]> {
  const out: Callbacks[] = [];
  const names = new Set([...handlers.keys(), ...loaders.keys()]);
  for (const name of names) {
    const value = (opts as Readonly<Record<string, unknown>>)[name];
    if (value === undefined || value === false || value === null) continue;
    let handler = handlers.get(name);
    const loader = loaders.get(name);
    if (handler === undefined && loader !== undefined) {
      try {
        await loader.load();
      } catch (cause) {
        const why = cause instanceof Error ? cause.message : String(cause);
        throw new ConfigError(
          `compute option '${name}' needs the package ${loader.owner}, which could not be loaded (${why}): install it (npm install ${loader.owner}).`,
          { option: name, cause },
        );
      }
      handler = handlers.get(name);
    }
    if (handler === undefined) {
      throw new ConfigError(`compute option '${name}': ${loader?.owner ?? 'its package'} did not register a handler (registerComputeOption).`, {
        option: name,
      });
    }
    out.push(...(await handler(value, opts)));
  }
  return out;
}
