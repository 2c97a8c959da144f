/**
 * The text exposition format, against lines worked out by hand from Prometheus' format
 * description: HELP and TYPE per family, labels in order, escaping of backslash, newline and the
 * double quote, NaN and infinities; a name the format does not allow is refused.
 */
import { describe, expect, it } from 'vitest';
import { formatExposition } from '../../src/metrics/exposition.js';

describe('formatExposition', () => {
  it('writes HELP, TYPE and samples, escaped as the format says', () => {
    const text = formatExposition([
      { name: 'a_total', help: 'Line one\nback\\slash', type: 'counter', samples: [{ value: 3 }] },
      {
        name: 'b',
        help: 'B.',
        type: 'gauge',
        samples: [
          { labels: { state: 'memory', path: 'C:\\x "y"\nz' }, value: 1.5 },
          { labels: { state: 'nan' }, value: NaN },
          { labels: { state: 'inf' }, value: Infinity },
          { labels: { state: 'ninf' }, value: -Infinity },
        ],
      },
    ]);
    expect(text).toBe(
      [
        '# HELP a_total Line one\\nback\\\\slash',
        '# TYPE a_total counter',
        'a_total 3',
        '# HELP b B.',
        '# TYPE b gauge',
        'b{state="memory",path="C:\\\\x \\"y\\"\\nz"} 1.5',
        'b{state="nan"} NaN',
        'b{state="inf"} +Inf',
        'b{state="ninf"} -Inf',
        '',
      ].join('\n'),
    );
  });

  it('refuses a metric or label name outside the grammar', () => {
    expect(() => formatExposition([{ name: '9bad', help: '', type: 'gauge', samples: [] }])).toThrow(/'9bad' is not a valid Prometheus name/);
    expect(() => formatExposition([{ name: 'ok', help: '', type: 'gauge', samples: [{ labels: { 'a-b': 'x' }, value: 1 }] }])).toThrow(
      /label name 'a-b' of metric 'ok'/,
    );
  });
});
