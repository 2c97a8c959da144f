import { describe, expect, it } from 'vitest';
import { delayed } from '@tsdask/core-graph';

describe('visualize', () => {
  const inc = delayed((x: number) => x + 1, { name: 'inc', pure: true });
  const add = delayed((a: number, b: number) => a + b, { name: 'add', pure: true });
  const total = add(inc(1), inc(2));

  it('writes DOT with a node per task and an edge per dependency', async () => {
    const dot = await total.visualize({ format: 'dot' });
    expect(dot.startsWith('digraph tasks {')).toBe(true);
    expect(dot.match(/ \[label="inc/g)?.length).toBe(2);
    expect(dot.match(/ \[label="add/g)?.length).toBe(1);
    expect(dot.match(/ -> /g)?.length).toBe(2);
  });

  it('draws the layer graph', async () => {
    const dot = await total.visualize({ level: 'layers' });
    expect(dot).toContain('digraph layers');
    expect(dot).toContain('delayed');
  });

  it('renders SVG with Graphviz', async () => {
    const svg = await total.visualize({ format: 'svg' });
    expect(svg).toContain('<svg');
    expect(svg.match(/class="node"/g)?.length).toBe(3);
  });
});
