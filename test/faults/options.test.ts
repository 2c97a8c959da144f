/**
 * Faults of compute options: unknown or invalid options are ConfigErrors at the call (compute,
 * persist, Collection.compute, config.set, withConfig, delayed, visualize, and the collection
 * methods that forward to compute), never silently ignored.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  closestName,
  compute,
  config,
  ConfigError,
  delayed,
  persist,
  registerComputeOption,
  SchedulerNotFoundError,
  validOptionNames,
  visualize,
  withConfig,
} from '@tsdask/core-graph';
import { closePool } from '@tsdask/scheduler-local';
import { fromArray, toNpy, toZarr } from '@tsdask/array';
import { fromRecords } from '@tsdask/dataframe';

afterAll(async () => {
  await closePool();
});
afterEach(() => {
  config.reset();
});

/** Runs `f` and returns the ConfigError it throws or rejects with. */
async function configError(f: () => unknown): Promise<ConfigError> {
  let err: unknown;
  try {
    await f();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ConfigError);
  const e = err as ConfigError;
  expect(e.name).toBe('ConfigError');
  expect(e.code).toBe('TSDASK_CONFIG');
  return e;
}

let ran = 0;
const counted = delayed(
  (x: number) => {
    ran++;
    return x * 2;
  },
  { name: 'counted' },
);

describe('unknown compute options', () => {
  it('a typo is rejected before anything runs, naming the closest option and listing the valid ones', async () => {
    ran = 0;
    const e = await configError(() => counted(21).compute({ scheduler: 'sync', memroyLimit: '1GB' } as never));
    expect(e.message).toContain("'memroyLimit'");
    expect(e.message).toContain("did you mean 'memoryLimit'?");
    expect(e.option).toBe('memroyLimit');
    for (const name of ['scheduler', 'numWorkers', 'batchSize', 'retries', 'memoryLimit', 'signal', 'timeout', 'dashboard']) {
      expect(e.validNames).toContain(name);
      expect(e.message).toContain(name);
    }
    expect(ran).toBe(0);
  });

  it('compute(), persist() and the methods reject the same way', async () => {
    const x = counted(1);
    await configError(() => compute(x, { schedular: 'sync' } as never));
    await configError(() => persist(x, { schedular: 'sync' } as never));
    await configError(() => x.persist({ numWorker: 2 } as never));
    const e = await configError(() => compute(x, { numworkers: 2 } as never));
    expect(e.message).toContain("did you mean 'numWorkers'?");
  });

  it('even a compute of no collections checks its options', async () => {
    await configError(() => compute(1, 2, { bogus: true } as never));
  });

  it('a name far from every option gets no suggestion, only the list', async () => {
    const e = await configError(() => counted(1).compute({ zzzzqqqq: 1 } as never));
    expect(e.message).not.toContain('did you mean');
    expect(e.message).toContain('Valid names:');
  });

  it('options that are not a plain object are an error, not an item passed through', async () => {
    await configError(() => counted(1).compute(null as never));
    await configError(() => counted(1).compute(7 as never));
    // a null-prototype bag is taken as options (copied), never dropped as an item
    expect(await counted(1).compute(Object.assign(Object.create(null) as object, { scheduler: 'sync' }))).toBe(2);
  });

  it('registerComputeOption makes a name valid and checks its value', async () => {
    const seen: unknown[] = [];
    registerComputeOption(
      'faultsProbe',
      (v) => {
        seen.push(v);
        return [];
      },
      (v) => (v === 'on' ? undefined : `must be 'on', got ${String(v)}`),
    );
    expect(validOptionNames('compute')).toContain('faultsProbe');
    expect(await counted(4).compute({ scheduler: 'sync', faultsProbe: 'on' } as never)).toBe(8);
    expect(seen).toEqual(['on']);
    const e = await configError(() => counted(4).compute({ scheduler: 'sync', faultsProbe: 'off' } as never));
    expect(e.message).toBe("compute() option 'faultsProbe' must be 'on', got off.");
  });

  it('a config-only setting given to compute says where it belongs', async () => {
    const e = await configError(() => counted(1).compute({ 'dataframe.fuseScanAggregate': false } as never));
    expect(e.message).toMatch(/config setting: set it with config\.set\(\) or withConfig\(\)/);
  });
});

describe('invalid values', () => {
  const cases: [string, unknown, RegExp][] = [
    ['numWorkers', 0, /'numWorkers' must be a positive integer .* got 0/],
    ['numWorkers', 2.5, /'numWorkers' must be a positive integer/],
    ['numWorkers', '4', /'numWorkers' must be a positive integer .* got '4'/],
    ['batchSize', 0, /'batchSize' must be a positive integer/],
    ['batchSize', -3, /'batchSize' must be a positive integer/],
    ['retries', -1, /'retries' must be a non-negative integer/],
    ['retries', NaN, /'retries' must be a non-negative integer/],
    ['scheduler', 42, /'scheduler' must be a non-empty string/],
    ['scheduler', '', /'scheduler' must be a non-empty string/],
    ['progress', 'yes', /'progress' must be true or false/],
    ['timeout', 0, /'timeout' must be a number of milliseconds above 0/],
    ['timeout', -5, /'timeout' must be a number of milliseconds/],
    ['timeout', '300', /'timeout' must be a number of milliseconds/],
    // setTimeout fires at once past 2^31-1 ms: a silent wrong answer if it were accepted
    ['timeout', 2 ** 31, /at most 2147483647/],
    ['signal', { aborted: false }, /'signal' must be an AbortSignal/],
    ['callbacks', { start() {} }, /'callbacks' must be an array/],
    ['callbacks', [null], /item 0 is null/],
    ['optimize', { fusee: false }, /unknown field 'fusee' \(did you mean 'fuse'\?\)/],
    ['optimize', { cull: 'no' }, /field 'cull' must be true or false/],
    ['optimize', false, /'optimize' must be an object of optimization switches/],
    ['memoryLimit', '64 parsecs', /unknown unit 'parsecs'/],
    ['memoryLimit', 0, /memoryLimit 0 must be a positive, finite number of bytes/],
    ['memoryLimit', 'lots', /not a size/],
    ['memoryLimit', {}, /memoryLimit must be bytes or a string like '2GB'/],
    ['spillDir', 5, /'spillDir' must be the path of a folder/],
    // before, a missing folder failed the compute mid-way with a bare ENOENT from mkdtemp
    ['spillDir', '/no/such/folder/for/tsdask', /'\/no\/such\/folder\/for\/tsdask' does not exist: create the folder first/],
    ['spillDir', new URL(import.meta.url).pathname, /is not a folder/],
    ['workerResourceLimits', { maxOldGenerationSizeMB: 64 }, /unknown field 'maxOldGenerationSizeMB' \(did you mean 'maxOldGenerationSizeMb'\?\)/],
    ['workerResourceLimits', { maxOldGenerationSizeMb: -1 }, /must be a positive number of MB/],
  ];
  it.each(cases)('compute rejects %s = %o', async (name, value, message) => {
    ran = 0;
    const e = await configError(() => counted(1).compute({ scheduler: 'sync', [name]: value } as never));
    expect(e.message).toMatch(message);
    expect(ran).toBe(0);
  });

  it.each(['sync', 'threads'])('valid values run on %s and give the right answer', async (scheduler) => {
    const inc = delayed((x: number) => x + 1, { name: 'inc' });
    const xs = Array.from({ length: 20 }, (_, i) => inc(i));
    let expected = 0;
    for (let i = 0; i < 20; i++) expected += i + 1;
    const sum = delayed((...v: number[]) => v.reduce((a, b) => a + b, 0), { name: 'sum' })(...xs);
    const opts = { scheduler, numWorkers: 2, batchSize: 1, retries: 0, memoryLimit: '64MB', timeout: 60_000, optimize: { fuse: false }, progress: false };
    expect(await sum.compute(opts)).toBe(expected);
  });

  it('a bad scheduler name suggests the closest one', async () => {
    const err = await counted(1)
      .compute({ scheduler: 'thread' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SchedulerNotFoundError);
    expect((err as Error).message).toContain("did you mean 'threads'?");
    expect((err as Error).message).toContain('sync, threads');
  });
});

describe('config.set and withConfig', () => {
  it('reject unknown names and bad values, and leave the config unchanged', async () => {
    const before = config.all();
    let e = await configError(() => config.set({ numWorker: 2 } as never));
    expect(e.message).toContain("Unknown config.set setting 'numWorker' (did you mean 'numWorkers'?)");
    e = await configError(() => config.set({ batchSize: 0 }));
    expect(e.message).toContain("config.set setting 'batchSize' must be a positive integer");
    await configError(() => config.set({ memoryLimit: '3 parsecs' }));
    await configError(() => config.set({ 'dataframe.fuseScanAgregate': false } as never));
    await configError(() => config.set({ 'dataframe.fuseScanAggregate': 'no' } as never));
    expect(config.all()).toEqual(before);
    let ranBody = false;
    e = await configError(() => withConfig({ timout: 5 } as never, () => (ranBody = true)));
    expect(e.message).toContain("Unknown withConfig setting 'timout' (did you mean 'timeout'?)");
    expect(ranBody).toBe(false);
  });

  it('the environment may not ask for zero workers or empty batches', async () => {
    for (const [name, value] of [
      ['TSDASK_NUM_WORKERS', '0'],
      ['TSDASK_BATCH_SIZE', '0'],
      ['TSDASK_RETRIES', '-1'],
      ['TSDASK_NUM_WORKERS', 'four'],
    ]) {
      const old = process.env[name as string];
      process.env[name as string] = value;
      try {
        const e = await configError(() => config.reset());
        expect(e.message).toContain(`${name}='${value}'`);
      } finally {
        if (old === undefined) delete process.env[name as string];
        else process.env[name as string] = old;
        config.reset();
      }
    }
  });

  it('registered settings and scheduler options are accepted', () => {
    config.set({ 'dataframe.fuseScanAggregate': false, memoryLimit: '1GB', spillDir: tmpdir(), numWorkers: 2 });
    expect(config.get('dataframe.fuseScanAggregate')).toBe(false);
    expect(config.get('memoryLimit')).toBe('1GB');
  });
});

describe('other option bags', () => {
  it('delayed() rejects unknown and mistyped options', async () => {
    let e = await configError(() => delayed((x: number) => x, { pur: true } as never));
    expect(e.message).toContain("unknown field 'pur' (did you mean 'pure'?)");
    e = await configError(() => delayed((x: number) => x, { name: 3 } as never));
    expect(e.message).toContain("field 'name' must be a non-empty string");
    await configError(() => delayed(5, { pure: 'yes' } as never));
  });

  it('visualize() rejects unknown and mistyped options', async () => {
    let e = await configError(() => visualize(counted(1), { formt: 'svg' } as never));
    expect(e.message).toContain("did you mean 'format'?");
    e = await configError(() => visualize(counted(1), { format: 'png' } as never));
    expect(e.message).toContain("must be one of 'dot', 'svg'");
  });

  it('array and dataframe methods check the options they forward', async () => {
    const a = fromArray(Float64Array.from([1, 2, 3, 4]), { chunks: 2 });
    await configError(() => a.compute({ scheduler: 'sync', numWorkers: 0 }));
    const df = fromRecords([{ a: 1 }, { a: 2 }], { npartitions: 1 });
    await configError(() => df.toRecords({ scheduler: 'sync', memroyLimit: 1 } as never));
    await configError(() => df.len({ batchSize: 0 }));
    await configError(() => df.head(1, { timeout: 0 }));
  });

  it('writers take their own options apart from the compute options they forward', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsdask-options-test-'));
    try {
      // toCSV's `sep` is its own (before, it went on to compute with the rest)
      const df = fromRecords([{ a: 1, b: 2 }], { npartitions: 1 });
      const [file] = await df.toCSV(join(dir, 'csv'), { scheduler: 'sync', sep: ';' });
      expect(
        readFileSync(file as string, 'utf8')
          .trim()
          .split('\n'),
      ).toEqual(['a;b', '1;2']);
      // toNpy and toZarr check the options before they touch the disk
      const a = fromArray(Float64Array.from([1, 2, 3, 4]), { chunks: 2 });
      await configError(() => toNpy(a, join(dir, 'x.npy'), { scheduler: 'sync', numWorkers: 0 }));
      expect(existsSync(join(dir, 'x.npy'))).toBe(false);
      await configError(() => toZarr(a, join(dir, 'z'), { scheduler: 'sync', memroyLimit: 1 } as never));
      expect(existsSync(join(dir, 'z'))).toBe(false);
      // toZarr forwards every compute option (it used to keep only four and drop memoryLimit, ...)
      const seen: unknown[] = [];
      registerComputeOption('zarrProbe', (v) => {
        seen.push(v);
        return [];
      });
      const paths = await toZarr(a, join(dir, 'z2'), { scheduler: 'sync', zarrFormat: 2, zarrProbe: 'forwarded', memoryLimit: '1GB' } as never);
      expect(paths).toEqual([join(dir, 'z2')]);
      expect(seen).toEqual(['forwarded']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('closestName', () => {
  it('suggests within a few edits, by case too, and nothing for distant names', () => {
    const names = ['memoryLimit', 'numWorkers', 'batchSize', 'timeout', 'signal'];
    expect(closestName('memroyLimit', names)).toBe('memoryLimit');
    expect(closestName('MEMORYLIMIT', names)).toBe('memoryLimit');
    expect(closestName('timout', names)).toBe('timeout');
    expect(closestName('batchsize', names)).toBe('batchSize');
    expect(closestName('sgnal', names)).toBe('signal');
    expect(closestName('colour', names)).toBeUndefined();
  });
});
