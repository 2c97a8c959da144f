/**
 * Prometheus metrics in the text exposition format (version 0.0.4): one `# HELP` and one `# TYPE`
 * line per family, then `name{label="value",...} value` per sample. Names and label names are
 * checked against the format's grammar (a bad one is a bug here: it throws); label values and help
 * text are escaped as the format says (backslash, newline, and in label values the double quote).
 * Pure: the scheduler's and the worker's metrics (scheduler/metrics.ts, worker/metrics.ts) are
 * plain data, and metrics/http.ts serves the text.
 */

/** One sample of a family: its labels (none for a plain gauge) and value. */
export interface MetricSample {
  labels?: Readonly<Record<string, string>>;
  value: number;
}

/** A metric family: Prometheus' unit of HELP, TYPE and samples. */
export interface MetricFamily {
  name: string;
  help: string;
  type: 'gauge' | 'counter';
  samples: readonly MetricSample[];
}

/** The content type Prometheus expects for this format. */
export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

const escapeHelp = (s: string): string => s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
const escapeLabel = (s: string): string => s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

/** A sample value as the format writes it: NaN, +Inf, -Inf, or the number. */
function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

/** The exposition text of `families`, in order; throws on a name or label name the format does not allow. */
export function formatExposition(families: readonly MetricFamily[]): string {
  const lines: string[] = [];
  for (const f of families) {
    if (!METRIC_NAME.test(f.name)) throw new Error(`metric name '${f.name}' is not a valid Prometheus name`);
    lines.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`);
    for (const s of f.samples) {
      const labels = Object.entries(s.labels ?? {});
      let text = f.name;
      if (labels.length > 0) {
        for (const [k] of labels) if (!LABEL_NAME.test(k)) throw new Error(`label name '${k}' of metric '${f.name}' is not a valid Prometheus label name`);
        text += `{${labels.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}`;
      }
      lines.push(`${text} ${formatValue(s.value)}`);
    }
  }
  return lines.join('\n') + '\n';
}

/** The process's own families, as Prometheus' client libraries name them: resident memory and CPU seconds. */
export function processMetrics(): MetricFamily[] {
  const cpu = process.cpuUsage();
  return [
    { name: 'process_resident_memory_bytes', help: 'Resident memory size in bytes.', type: 'gauge', samples: [{ value: process.memoryUsage.rss() }] },
    {
      name: 'process_cpu_seconds_total',
      help: 'Total user and system CPU time spent in seconds.',
      type: 'counter',
      samples: [{ value: (cpu.user + cpu.system) / 1e6 }],
    },
  ];
}
