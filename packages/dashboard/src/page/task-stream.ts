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
  const runningOn = new Set<number>();
  for (let i = 0; i < m.running.length; i += 3) runningOn.add(m.running[i] as number);
  const workers = [...m.workers].filter((w) => m.streamTasks.has(w.id) || (m.status.get(w.id)?.done ?? 0) > 0 || runningOn.has(w.id));
  workers.sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
  const rows = new Map(workers.map((w, i) => [w.id, i]));
  const height = Math.max(60, workers.length * ROW + AXIS + 4);
  const { ctx, w, h } = prepareCanvas(canvas, height);
  const span = Math.max(1, m.liveTime);
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

  // What runs now: an open bar from its start to the latest time, paler, outlined.
  for (let i = 0; i < m.running.length; i += 3) {
    const r = rows.get(m.running[i] as number);
    if (r === undefined) continue;
    const x0 = x(m.running[i + 2] as number);
    const x1 = x(span);
    ctx.globalAlpha = 0.45;
    ctx.fillStyle = groupColor(m.running[i + 1] as number);
    ctx.fillRect(x0, r * ROW + 3, Math.max(2, x1 - x0), ROW - 6);
    ctx.globalAlpha = 1;
    ctx.strokeStyle = groupColor(m.running[i + 1] as number);
    ctx.strokeRect(x0 + 0.5, r * ROW + 3.5, Math.max(2, x1 - x0) - 1, ROW - 7);
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
  const nowRunning = m.running.length / 3;
  summary.textContent =
    `${formatCount(total)} tasks on ${workers.length} worker(s)` +
    (nowRunning > 0 ? `, ${nowRunning} batch(es) running` : '') +
    (m.droppedBars > 0 ? `, ${formatCount(m.droppedBars)} bars not drawn` : '');
  summary.dataset['running'] = String(nowRunning);
  summary.dataset['tasks'] = String(total);
  summary.dataset['workers'] = String(workers.length);
}
