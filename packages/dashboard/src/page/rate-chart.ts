/** Tasks per second over the compute: a line over the model's rate series (bounded). */
import { formatCount, prepareCanvas } from './format.js';
import type { Model } from './model.js';

export function drawRate(canvas: HTMLCanvasElement, summary: HTMLElement, m: Model): void {
  const { ctx, w, h } = prepareCanvas(canvas, 160);
  const pts = m.rate;
  const left = 48;
  const bottom = h - 16;
  let max = 1;
  for (const [, r] of pts) if (r > max) max = r;
  const tmax = Math.max(1, m.time);
  ctx.strokeStyle = '#e3e6ea';
  ctx.fillStyle = '#667';
  ctx.font = '10px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  for (let k = 0; k <= 3; k++) {
    const y = bottom - (bottom - 6) * (k / 3);
    ctx.beginPath();
    ctx.moveTo(left, y);
    ctx.lineTo(w, y);
    ctx.stroke();
    ctx.fillText(formatCount((max * k) / 3), 2, y);
  }
  if (pts.length > 0) {
    ctx.strokeStyle = '#3b82c4';
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    pts.forEach(([t, r], i) => {
      const x = left + (t / tmax) * (w - left - 4);
      const y = bottom - (bottom - 6) * (r / max);
      if (i === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    });
    ctx.stroke();
    ctx.lineWidth = 1;
  }
  summary.textContent = `peak ${formatCount(max)} /s`;
}
