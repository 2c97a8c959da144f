/**
 * The task stream: a row per worker, a bar per task (or per batch of tasks of one group that
 * ran together), coloured by group, on a time axis from the compute's start to now. Draws the
 * bars the model keeps (a bounded window), so the cost does not grow with the graph.
 */
import { BAR_FIELDS } from '../messages.js';
import { formatCount, groupColor, prepareCanvas } from './format.js';
import type { Model } from './model.js';

const ROW = 22;
const LABEL = 90;
const AXIS = 18;

export function drawTaskStream(canvas: HTMLCanvasElement, summary: HTMLElement, m: Model): void {
  const workers = [...m.workers].filter((w) => m.streamTasks.has(w.id) || (m.status.get(w.id)?.done ?? 0) > 0);
  workers.sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
  const rows = new Map(workers.map((w, i) => [w.id, i]));
  const height = Math.max(60, workers.length * ROW + AXIS + 4);
  const { ctx, w, h } = prepareCanvas(canvas, height);
  const span = Math.max(1, m.time);
  const plot = w - LABEL - 8;
  const x = (t: number): number => LABEL + (Math.max(0, t) / span) * plot;

  ctx.font = '11px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  workers.forEach((wk, i) => {
    const y = i * ROW;
    ctx.fillStyle = i % 2 === 0 ? '#f7f8fa' : '#ffffff';
    ctx.fillRect(LABEL, y, plot, ROW);
    ctx.fillStyle = '#334';
    ctx.fillText(wk.name, 4, y + ROW / 2);
  });

  const b = m.bars;
  for (let i = 0; i < b.length; i += BAR_FIELDS) {
    const r = rows.get(b[i] as number);
    if (r === undefined) continue;
    const x0 = x(b[i + 2] as number);
    const x1 = x(b[i + 3] as number);
    ctx.fillStyle = b[i + 5] === 1 ? '#d33' : groupColor(b[i + 1] as number);
    ctx.fillRect(x0, r * ROW + 3, Math.max(1, x1 - x0 - 0.5), ROW - 6);
  }

  // Time axis.
  const axisY = h - AXIS + 2;
  ctx.strokeStyle = '#bbb';
  ctx.beginPath();
  ctx.moveTo(LABEL, axisY);
  ctx.lineTo(LABEL + plot, axisY);
  ctx.stroke();
  ctx.fillStyle = '#667';
  ctx.textBaseline = 'top';
  for (let k = 0; k <= 4; k++) {
    const t = (span * k) / 4;
    const label = span >= 10_000 ? `${(t / 1000).toFixed(0)} s` : `${(t / 1000).toFixed(2)} s`;
    ctx.fillText(label, Math.min(LABEL + plot - 30, x(t)), axisY + 3);
  }

  let total = 0;
  for (const n of m.streamTasks.values()) total += n;
  summary.textContent = `${formatCount(total)} tasks on ${workers.length} worker(s)` + (m.droppedBars > 0 ? `, ${formatCount(m.droppedBars)} bars not drawn` : '');
  summary.dataset['tasks'] = String(total);
  summary.dataset['workers'] = String(workers.length);
}
