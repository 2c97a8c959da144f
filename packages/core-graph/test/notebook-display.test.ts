import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { delayed, escapeHtml, humanBytes, setNotebook, type Notebook } from '@tsdask/core-graph';

/** A stand-in for tslab's display module, recording every output by kind. */
function fakeNotebook(): Notebook & { outputs: [string, string][] } {
  const outputs: [string, string][] = [];
  const display = {
    html: (s: string) => void outputs.push(['html', s]),
    svg: (s: string) => void outputs.push(['svg', s]),
    text: (s: string) => void outputs.push(['text', s]),
  };
  return { outputs, display, newDisplay: () => display };
}

afterEach(() => setNotebook(undefined));

describe('notebook display', () => {
  const inc = delayed((x: number) => x + 1, { name: 'inc', pure: true });
  const add = delayed((a: number, b: number) => a + b, { name: 'add', pure: true });
  const total = add(inc(1), inc(2));

  it('outside a notebook, inspect gives the one-line text and shows nothing', () => {
    setNotebook(null);
    expect(inspect(total)).toBe(`Delayed('${total.key}')`);
  });

  it('in a notebook, a collection inspected at the top shows its HTML summary once, and the text', () => {
    const nb = fakeNotebook();
    setNotebook(nb);
    expect(inspect(total)).toBe(`Delayed('${total.key}')`);
    expect(nb.outputs).toHaveLength(1);
    const [kind, html] = nb.outputs[0]!;
    expect(kind).toBe('html');
    expect(html).toContain(escapeHtml(`Delayed('${total.key}')`));
    expect(html).toContain('3 tasks'); // inc, inc, add: counted by hand
  });

  it('nested inside another value, only the text (no display per element)', () => {
    const nb = fakeNotebook();
    setNotebook(nb);
    expect(inspect([total, total])).toContain(`Delayed('${total.key}')`);
    expect(nb.outputs).toHaveLength(0);
  });

  it('a display that throws (outside a running cell) still gives the text', () => {
    setNotebook({
      display: {
        html: () => {
          throw new Error('Not ready');
        },
        svg: () => {},
        text: () => {},
      },
      newDisplay: () => ({ html: () => {}, svg: () => {}, text: () => {} }),
    });
    expect(inspect(total)).toBe(`Delayed('${total.key}')`);
  });

  it('visualize() draws SVG in the cell and resolves to empty text; with a format it returns the text', async () => {
    const nb = fakeNotebook();
    setNotebook(nb);
    expect(await total.visualize()).toBe('');
    expect(nb.outputs.map(([k]) => k)).toEqual(['svg']);
    expect(nb.outputs[0]![1].match(/class="node"/g)?.length).toBe(3);
    const dot = await total.visualize({ format: 'dot' });
    expect(dot.startsWith('digraph tasks {')).toBe(true);
    expect(nb.outputs).toHaveLength(1);
  });

  it('visualize() gives the DOT text when the notebook refuses to display', async () => {
    setNotebook({
      display: {
        html: () => {},
        svg: () => {
          throw new Error('Not ready');
        },
        text: () => {},
      },
      newDisplay: () => ({ html: () => {}, svg: () => {}, text: () => {} }),
    });
    expect((await total.visualize()).startsWith('digraph tasks {')).toBe(true);
  });

  it('escapes HTML and prints bytes as Dask does', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    expect(humanBytes(512)).toBe('512 B');
    expect(humanBytes(8e6)).toBe('7.63 MiB'); // 8e6 / 1024**2 = 7.629...
    expect(humanBytes(Number.NaN)).toBe('unknown');
  });
});
