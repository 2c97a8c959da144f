/**
 * `import 'tsdask'`: the local schedulers and the dashboard option are announced as lazy
 * loaders (names valid at once, packages imported on first use), the subpaths register too, and
 * with nothing registered a compute says to import 'tsdask'. Each case runs in a fresh Node
 * process, because the test files themselves start with 'tsdask' imported (vitest setupFiles).
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/** Runs an ES module script in a fresh process; returns the JSON it prints last. */
function run(script: string): unknown {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', cwd: process.cwd(), timeout: 60_000 });
  return JSON.parse(out.trim().split('\n').at(-1) as string);
}

// A resolve hook (in Node's loader thread) that appends every bare specifier resolved to a
// file, so the script can tell which packages were imported and when.
const WATCH = `
import { register } from 'node:module';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
const log = join(mkdtempSync(join(tmpdir(), 'tsdask-resolve-')), 'log');
writeFileSync(log, '');
const hooks = 'import { appendFileSync } from "node:fs";' +
  'export async function resolve(s, c, next) { if (!s.startsWith(".") && !s.startsWith("node:") && !s.startsWith("file:")) appendFileSync(' + JSON.stringify(log) + ', s + "\\\\n"); return next(s, c); }';
register('data:text/javascript,' + encodeURIComponent(hooks));
const loaded = (name) => readFileSync(log, 'utf8').split('\\n').some((s) => s === name || s.startsWith(name + '/'));
`;

describe("import 'tsdask'", () => {
  it('announces the local schedulers and the dashboard option without importing them, and loads them on first use', () => {
    const got = run(`${WATCH}
const t = await import('tsdask');
const before = { local: loaded('@tsdask/scheduler-local'), piscina: loaded('piscina'), dashboard: loaded('@tsdask/dashboard'), fastify: loaded('fastify') };
const names = t.schedulerNames();
const optionsBefore = t.validOptionNames();
const value = await t.delayed((x, y) => x * y)(6, 7).compute({ scheduler: 'threads' });
const after = { local: loaded('@tsdask/scheduler-local'), piscina: loaded('piscina'), dashboard: loaded('@tsdask/dashboard') };
const optionsAfter = t.validOptionNames();
const local = await import('@tsdask/scheduler-local');
await local.closePool();
console.log(JSON.stringify({ before, names, value, after, sameOptions: JSON.stringify(optionsBefore) === JSON.stringify(optionsAfter), optionsBefore }));
`) as Record<string, unknown>;
    expect(got['before']).toEqual({ local: false, piscina: false, dashboard: false, fastify: false });
    expect(got['names']).toEqual(['sync', 'threads']);
    expect(got['value']).toBe(42);
    // The first compute on 'threads' imported the local schedulers, and nothing else.
    expect(got['after']).toEqual({ local: true, piscina: true, dashboard: false });
    // The option names announced up front are all the local schedulers register when they load.
    expect(got['sameOptions']).toBe(true);
    expect(got['optionsBefore']).toEqual(expect.arrayContaining(['dashboard', 'memoryLimit', 'spillDir', 'workerResourceLimits']));
  });

  it('checks option names before the packages load, with a suggestion for a typo', () => {
    const got = run(`${WATCH}
const t = await import('tsdask');
let message = '';
try { t.config.set({ memroyLimit: '1GB' }); } catch (e) { message = e.name + ': ' + e.message; }
t.config.set({ memoryLimit: '1GB', dashboard: false });
console.log(JSON.stringify({ message, local: loaded('@tsdask/scheduler-local'), dashboard: loaded('@tsdask/dashboard') }));
`) as Record<string, unknown>;
    expect(got['message']).toMatch(/^ConfigError: Unknown config.set setting 'memroyLimit' \(did you mean 'memoryLimit'\?\)/);
    expect(got['local']).toBe(false);
    expect(got['dashboard']).toBe(false);
  });

  it('tsdask/array and tsdask/dataframe re-export the collections and register the schedulers', () => {
    const got = run(`
const da = await import('tsdask/array');
const dd = await import('tsdask/dataframe');
const sum = await da.arange(10, { chunks: 3 }).sum().compute({ scheduler: 'sync' });
const rows = await dd.fromRecords([{ k: 'a', v: 1 }, { k: 'b', v: 2 }, { k: 'a', v: 4 }], { npartitions: 2 }).groupBy('k').agg({ s: ['v', 'sum'] }).toRecords({ scheduler: 'sync' });
console.log(JSON.stringify({ sum: Number(sum), rows }));
`);
    // 0 + 1 + ... + 9, and the sums per key worked out by hand.
    expect(got).toEqual({
      sum: 45,
      rows: [
        { k: 'a', s: 5 },
        { k: 'b', s: 2 },
      ],
    });
  });

  it('without it, a compute says that no scheduler is registered and to import tsdask', () => {
    const got = run(`
const core = await import('@tsdask/core-graph');
try { await core.delayed((x) => x + 1)(1).compute(); console.log(JSON.stringify({ ran: true })); }
catch (e) { console.log(JSON.stringify({ name: e.name, code: e.code, message: e.message, scheduler: e.scheduler })); }
`) as Record<string, string>;
    expect(got['name']).toBe('SchedulerNotFoundError');
    expect(got['code']).toBe('TSDASK_SCHEDULER_NOT_FOUND');
    expect(got['scheduler']).toBe('threads');
    expect(got['message']).toContain("No scheduler named 'threads'. Known: (none).");
    expect(got['message']).toContain("import 'tsdask'");
    expect(got['message']).toContain("'@tsdask/scheduler-local'");
  });

  it('a loader whose package fails to load gives SchedulerNotFoundError with the failure as cause', () => {
    const got = run(`
const core = await import('@tsdask/core-graph');
core.registerSchedulerLoader(['remote'], () => import('@tsdask/no-such-package'), { owner: '@tsdask/no-such-package' });
try { await core.delayed((x) => x + 1)(1).compute({ scheduler: 'remote' }); console.log(JSON.stringify({ ran: true })); }
catch (e) { console.log(JSON.stringify({ name: e.name, message: e.message, cause: e.cause?.code })); }
`) as Record<string, string>;
    expect(got['name']).toBe('SchedulerNotFoundError');
    expect(got['message']).toContain("No scheduler named 'remote'. Known: remote. Its package could not be loaded");
    expect(got['cause']).toBe('ERR_MODULE_NOT_FOUND');
  });
});
