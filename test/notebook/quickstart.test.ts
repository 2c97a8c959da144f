/**
 * The must-show of the notebook work: `examples/quickstart.ipynb` runs headless on the tslab
 * kernel (Debian's jupyter-nbconvert, python3-ipykernel and jupyter-client; tslab from npm,
 * installed by tslab-kernel.ts in a folder of its own and registered in a temp JUPYTER_PATH),
 * and every cell's outputs are read and checked: rich summaries, the HTML head, the inline SVG
 * graph, the progress display, the numbers against plain loops, no error output. tslab skips
 * the cells after a failing one, so a failure shows as a missing output of its own cell too.
 * Skips loudly only where apt or the npm registry cannot supply the tools.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareTslab, type TslabKernel } from './tslab-kernel.js';

const run = promisify(execFile);
const ROOT = process.cwd();

interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, string | string[]>;
}
interface Cell {
  cell_type: string;
  source: string | string[];
  outputs?: Output[];
}

const joined = (s: string | string[] | undefined): string => (Array.isArray(s) ? s.join('') : (s ?? ''));

const kernel: TslabKernel = prepareTslab(ROOT);
afterAll(() => kernel.dispose());
let cells: Cell[] = [];
let dir = '';

/** The outputs of the code cell whose source contains `marker` (exactly one such cell). */
function outputsOf(marker: string): Output[] {
  const found = cells.filter((c) => c.cell_type === 'code' && joined(c.source).includes(marker));
  expect(found, `one code cell contains ${marker}`).toHaveLength(1);
  return found[0]!.outputs ?? [];
}
const stdout = (outs: Output[]): string =>
  outs
    .filter((o) => o.name === 'stdout')
    .map((o) => joined(o.text))
    .join('');
const rich = (outs: Output[], mime: string): string[] => outs.filter((o) => o.data?.[mime] !== undefined).map((o) => joined(o.data?.[mime]));

describe.skipIf(!kernel.ok)('examples/quickstart.ipynb on the tslab kernel', () => {
  beforeAll(async () => {
    if (!kernel.ok) return;
    dir = mkdtempSync(join(tmpdir(), 'tsdask-nb-'));
    await run(
      '/usr/bin/jupyter-nbconvert',
      [
        '--to',
        'notebook',
        '--execute',
        '--allow-errors',
        '--ExecutePreprocessor.timeout=120',
        '--ExecutePreprocessor.kernel_name=tslab',
        '--output-dir',
        dir,
        '--output',
        'out.ipynb',
        join(ROOT, 'examples', 'quickstart.ipynb'),
      ],
      { env: { ...process.env, ...kernel.env, JUPYTER_RUNTIME_DIR: join(dir, 'runtime') }, timeout: 170_000 },
    );
    cells = (JSON.parse(readFileSync(join(dir, 'out.ipynb'), 'utf8')) as { cells: Cell[] }).cells;
  }, 180_000);
  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('runs every code cell (none cancelled after a failure) and shows no error output in any', () => {
    const code = cells.filter((c) => c.cell_type === 'code');
    expect(code.length).toBeGreaterThanOrEqual(12);
    // every cell but the imports shows something: a cell tslab skipped has no outputs
    for (const c of code.slice(1)) expect(c.outputs?.length ?? 0, joined(c.source).slice(0, 60)).toBeGreaterThan(0);
    for (const c of cells) {
      for (const o of c.outputs ?? []) {
        expect(o.output_type, joined(c.source)).not.toBe('error');
        if (o.name === 'stderr') expect.fail(`stderr in cell ${joined(c.source).slice(0, 60)}: ${joined(o.text)}`);
      }
    }
  });

  it('summarises an array in HTML (table and chunk grid) and as text', () => {
    const outs = outputsOf('da.arange(1_000_000');
    const [html] = rich(outs, 'text/html');
    expect(html).toContain('tsdask-array');
    expect(html).toContain('<td>(1000000)</td><td>(100000)</td>');
    expect(html).toContain('10 chunks');
    expect(html).toContain('7.63 MiB'); // 1e6 float64 = 8e6 bytes = 7.63 MiB
    expect(html).toContain('<svg');
    expect((html ?? '').match(/<line /g)?.length).toBe(2 + 11); // the strip's top and bottom, 11 chunk boundaries
    expect(stdout(outs)).toContain('tsdask.array<add, shape=(1000000), dtype=float64');
  });

  it('draws progress in the cell and computes the right sum', () => {
    const outs = outputsOf('progress: true');
    const bars = rich(outs, 'text/html');
    expect(bars.length).toBeGreaterThanOrEqual(1);
    expect(bars.at(-1)).toContain('tsdask-progress');
    expect(bars.at(-1)).toMatch(/100% \| (\d+)\/\1 tasks/);
    let sum = 0;
    for (let i = 0; i < 1_000_000; i++) sum += 2 * i + 1;
    expect(stdout(outs)).toContain(`sum of 2x+1 over 0..999999: ${sum}`);
  });

  it('draws the task graph inline as SVG', () => {
    const [svg] = rich(outputsOf('.visualize()'), 'image/svg+xml');
    expect(svg).toContain('<svg');
    expect((svg ?? '').match(/class="node"/g)?.length).toBeGreaterThanOrEqual(11); // 10 chunks and the sum
  });

  it('summarises a dataframe in HTML and shows a computed head as an HTML table', () => {
    const [frame] = rich(outputsOf('fromRecords(records'), 'text/html');
    expect(frame).toContain('tsdask-dataframe');
    expect(frame).toContain('npartitions=4');
    for (const c of ['date', 'delay', 'distance', 'origin', 'destination']) expect(frame).toContain(`<th>${c}</th>`);

    // the reference: a plain loop over the same file
    const records = JSON.parse(readFileSync(join(ROOT, 'node_modules/vega-datasets/data/flights-20k.json'), 'utf8')) as {
      origin: string;
      delay: number | null;
    }[];
    const by = new Map<string, { n: number; sum: number }>();
    for (const r of records) {
      if (r.delay === null || r.delay === undefined) continue;
      const e = by.get(r.origin) ?? { n: 0, sum: 0 };
      e.n++;
      e.sum += r.delay;
      by.set(r.origin, e);
    }
    const ranked = [...by.entries()].sort((a, b) => b[1].n - a[1].n);
    const [top, stats] = ranked[0]!;

    const [head] = rich(outputsOf('await byOrigin.head(8)'), 'text/html');
    expect(head).toContain('<table class="tsdask-table">');
    expect(head?.match(/<tr><th>\d+<\/th>/g)?.length).toBe(8);
    expect(head).toContain('8 rows × 3 columns');
    expect(head).toContain(`<tr><th>0</th><td>${top}</td><td>${Number((stats.sum / stats.n).toPrecision(6))}</td><td>${stats.n}</td></tr>`);

    expect(stdout(outputsOf('busiest origin'))).toContain(`busiest origin: ${top}, ${stats.n} flights, mean delay ${(stats.sum / stats.n).toFixed(3)} min`);
  });

  it('summarises a delayed value and a future, and computes them', () => {
    const [delayedHtml] = rich(outputsOf('delayed((v: number) => v + 1'), 'text/html');
    expect(delayedHtml).toContain('Delayed(');
    expect(delayedHtml).toContain('3 tasks');
    expect(stdout(outputsOf('await answer.compute()')).trim()).toBe(String(1 + 1 + (2 + 1)));

    const [future] = rich(outputsOf("op('./helpers.mjs', 'scale')"), 'text/html');
    expect(future).toContain('Future: scale');
    expect(future).toContain('finished');
    expect(stdout(outputsOf('client.gather(squares)'))).toContain('[ [ 1, 4, 9, 16 ], 42 ]');
  });

  it('starts and stops the dashboard around a compute', () => {
    const out = stdout(outputsOf('startDashboard({ port: 0'));
    expect(out).toMatch(/tsdask dashboard: http:\/\/127\.0\.0\.1:\d+\//);
    expect(out).toContain('mean of 4M uniform numbers: 0.50');
  });
});

describe.skipIf(!kernel.ok)("our declarations under tslab's TypeScript", () => {
  it('compile with TypeScript 5.0 (tslab compiles cells with it, as CommonJS with Node10 resolution)', () => {
    expect(kernel.typescriptVersion).toMatch(/^5\.0\./);
    // ours: the packages' dist/*.d.ts (third-party declarations are tslab's skipLibCheck's business)
    const ours = kernel.checkDeclarations().filter((d) => d.includes('/packages/') || d.includes('cell.ts'));
    expect(ours).toEqual([]);
  });
});
