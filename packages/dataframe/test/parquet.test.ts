import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { parquetReadObjects, asyncBufferFromFile } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { ColumnNotFoundError, MissingFileError, col, readParquet } from '@tsdask/dataframe';

const path = fileURLToPath(new URL('../../../node_modules/vega-datasets/data/flights-3m.parquet', import.meta.url));

// Reference rows: the first two row groups' worth, read row by row through hyparquet's object API.
async function referenceRows(n: number): Promise<{ delay: number; origin: string; date: number }[]> {
  const file = await asyncBufferFromFile(path);
  const rows = (await parquetReadObjects({ file, columns: ['delay', 'origin', 'date'], rowStart: 0, rowEnd: n, compressors })) as {
    delay: bigint;
    origin: string;
    date: Date;
  }[];
  return rows.map((r) => ({ delay: Number(r.delay), origin: r.origin, date: r.date.getTime() }));
}

describe('readParquet on flights-3m.parquet', () => {
  it('knows the schema and one partition per row group', () => {
    const df = readParquet(path);
    expect(df.dtypes).toEqual({ date: 'timestamp', delay: 'int64', distance: 'int64', origin: 'utf8', destination: 'utf8' });
    expect(df.npartitions).toBe(11);
  });

  for (const scheduler of ['sync', 'threads'] as const) {
    it(`prunes row groups by statistics and filters rows exactly on '${scheduler}'`, async () => {
      const cutoff = Date.UTC(2001, 0, 8);
      const ref = (await referenceRows(300_000)).filter((r) => r.date < cutoff);
      expect(ref.length).toBeGreaterThan(0);
      const df = readParquet(path, { columns: ['delay', 'origin', 'date'] }).filter(col('date').lt(new Date(cutoff)));
      // Pushdown: every row group after the first is ruled out by its minimum date.
      const specs = [...(df.graph.layers.values() as Iterable<{ kind: string; tasks?: Map<string, { args: { args: { pruned: boolean }[] }[] }> }>)]
        .filter((l) => l.kind === 'materialized' && l.tasks !== undefined)
        .flatMap((l) => [...(l.tasks as Map<string, { op: string; args: { args: { pruned: boolean }[] }[] }>).values()])
        .filter((t) => (t as { op: string }).op.endsWith('#readParquetPart'));
      expect(specs.length).toBe(11);
      expect(specs.filter((t) => !(t.args[0]?.args[0] as { pruned: boolean }).pruned).length).toBe(1);
      const got = await df
        .groupBy('origin')
        .agg({ n: ['delay', 'size'], s: ['delay', 'sum'] })
        .toRecords({ scheduler });
      const m = new Map<string, [number, number]>();
      for (const r of ref) {
        const a = m.get(r.origin) ?? [0, 0];
        m.set(r.origin, [a[0] + 1, a[1] + r.delay]);
      }
      const want = [...m.keys()].sort().map((o) => ({ origin: o, n: (m.get(o) as number[])[0], s: (m.get(o) as number[])[1] }));
      expect(got).toEqual(want);
    });
  }

  it('errors: missing file, unknown column', () => {
    expect(() => readParquet('/nonexistent/x.parquet')).toThrow(MissingFileError);
    expect(() => readParquet(path, { columns: ['delya'] })).toThrow(ColumnNotFoundError);
  });
});

describe('readParquet int64 past 2^53', () => {
  it('is an error naming the file, row group and column, never a rounded value; dtypes reads it as text or float64', async () => {
    const { parquetWriteBuffer } = await import('hyparquet-writer');
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'tsdask-pq-int-'));
    const write = (name: string, ids: bigint[]) => {
      const p = join(dir, name);
      const buf = parquetWriteBuffer({
        columnData: [
          { name: 'id', data: ids, type: 'INT64' },
          { name: 'v', data: ids.map((_, i) => BigInt(i)), type: 'INT64' },
        ] as never,
      });
      writeFileSync(p, new Uint8Array(buf));
      return p;
    };
    const ok = write('ok.parquet', [1n, -9007199254740991n, 9007199254740991n]);
    const t = await readParquet(ok).compute({ scheduler: 'sync' });
    expect(Array.from(t.getChild('id')!.toArray() as BigInt64Array)).toEqual([1n, -9007199254740991n, 9007199254740991n]);
    // 2^53 + 1 would come back as 2^53 through a float64.
    const big = write('big.parquet', [1n, 9007199254740993n]);
    await expect(readParquet(big).compute({ scheduler: 'sync' })).rejects.toThrow(
      /big\.parquet \(row group 0\): column 'id' holds 9007199254740993, an integer beyond 2\^53.*dtypes/,
    );
    // With dtypes, the ids come back as text, every digit kept, and still work as keys.
    const ids = [1n, 9007199254740993n, -9223372036854775808n, 9223372036854775807n, 9007199254740993n];
    const text = readParquet(write('ids.parquet', ids), { dtypes: { id: 'utf8' } });
    expect(text.dtypes).toEqual({ id: 'utf8', v: 'int64' });
    expect((await text.toRecords({ scheduler: 'sync' })).map((r) => r['id'])).toEqual(ids.map(String));
    const counts = await text.groupBy('id').size().toRecords({ scheduler: 'sync' });
    expect(counts.find((r) => r['id'] === '9007199254740993')?.['size']).toBe(2);
    // 'float64' is the rounding the caller asked for.
    const rounded = await readParquet(big, { dtypes: { id: 'float64' } }).toRecords({ scheduler: 'sync' });
    expect(rounded.map((r) => r['id'])).toEqual([1, Number(9007199254740993n)]);
    expect(() => readParquet(big, { dtypes: { nope: 'utf8' } })).toThrow(ColumnNotFoundError);
    expect(() => readParquet(big, { dtypes: { id: 'bool' as never } })).toThrow(/dtypes reads numeric columns/);
  });
});
