/**
 * The option registry: every name that compute(), persist() and config.set() accept, with a
 * check of its value. Core options are defined here; a scheduler adds its own when it is
 * registered (`Scheduler.options`), a package adds plugin options with registerComputeOption
 * and settings with registerOption. Names served by packages that load on demand (announced by
 * registerSchedulerLoader and registerOptionLoader, as 'tsdask' does for the local schedulers'
 * memoryLimit and the dashboard) are known before their package loads; their values are
 * checked once it has. An unknown name or a bad value is a ConfigError that names the
 * option, says what is wrong and lists the valid names (with the closest one for a typo).
 */
import { ConfigError } from '../errors.js';
import {
  abortSignal,
  boolean,
  callbackList,
  schedulerChoice,
  nonNegativeInteger,
  optimizeFlags,
  positiveInteger,
  timeoutMs,
  show,
  type OptionCheck,
} from './checks.js';
import { closestName } from './suggest.js';

/** Where an option may be given: to compute()/persist(), to the config, or both. */
export type OptionScope = 'both' | 'compute' | 'config';

interface Entry {
  owner: string;
  scope: OptionScope;
  check: OptionCheck | undefined;
}

const entries = new Map<string, Entry>();

/** Makes `name` a valid option (its value checked by `check`, where given). */
export function registerOption(name: string, spec: { check?: OptionCheck; scope?: OptionScope; owner?: string } = {}): void {
  const old = entries.get(name);
  entries.set(name, {
    owner: spec.owner ?? old?.owner ?? 'user',
    scope: spec.scope ?? old?.scope ?? 'both',
    check: spec.check ?? old?.check,
  });
}

for (const [name, check] of [
  ['scheduler', schedulerChoice],
  ['numWorkers', positiveInteger],
  ['retries', nonNegativeInteger],
  ['batchSize', positiveInteger],
  ['optimize', optimizeFlags],
  ['progress', boolean],
  ['callbacks', callbackList],
  ['signal', abortSignal],
  ['timeout', timeoutMs],
] as const) {
  registerOption(name, { check, owner: 'core' });
}

/** The names valid in `where`, sorted. */
export function validOptionNames(where: OptionScope = 'both'): string[] {
  const out: string[] = [];
  for (const [name, e] of entries) if (where === 'both' || e.scope === 'both' || e.scope === where) out.push(name);
  return out.sort();
}

/** What the options are called in messages. */
export type OptionsSite = 'compute' | 'persist' | 'config' | 'withConfig';

/**
 * Checks an option bag: every name must be registered (and valid there), every value must pass
 * its check. Undefined values are skipped (they mean "not set"). Throws ConfigError.
 */
export function validateOptions(opts: object, site: OptionsSite): void {
  const scope: OptionScope = site === 'config' || site === 'withConfig' ? 'config' : 'compute';
  const label = scope === 'config' ? `${site === 'config' ? 'config.set' : 'withConfig'} setting` : `${site}() option`;
  if (typeof opts !== 'object' || opts === null || Array.isArray(opts)) {
    throw new ConfigError(`${site}() options must be a plain object such as { scheduler: 'sync' }, got ${show(opts)}.`);
  }
  for (const name of Object.keys(opts)) {
    const value = (opts as Readonly<Record<string, unknown>>)[name];
    if (value === undefined) continue;
    const e = entries.get(name);
    if (e === undefined || (e.scope !== 'both' && e.scope !== scope)) {
      const valid = validOptionNames(scope);
      if (e !== undefined) {
        const other = e.scope === 'config' ? 'a config setting: set it with config.set() or withConfig()' : 'an option of compute() and persist() only';
        throw new ConfigError(`${label} '${name}' is not valid here: it is ${other}.`, { option: name, validNames: valid });
      }
      const near = closestName(name, valid);
      throw new ConfigError(
        `Unknown ${label} '${name}'${near !== undefined ? ` (did you mean '${near}'?)` : ''}. ` +
          `Valid names: ${valid.join(', ')}. A package's own options are known once it is imported (registerComputeOption, registerOption).`,
        { option: name, validNames: valid },
      );
    }
    const problem = e.check?.(value);
    if (problem !== undefined) throw new ConfigError(`${label} '${name}' ${problem}.`, { option: name });
  }
}
