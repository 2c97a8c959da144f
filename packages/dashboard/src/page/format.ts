/** Small helpers shared by the views: colours per group, number and byte formats, canvas set-up. */

const PALETTE = ['#3b82c4', '#e08a2e', '#4aa564', '#8e63c5', '#c9514f', '#2ba6a6', '#b8a12d', '#d86fb0', '#6d7f95', '#7bbd3c'];

/** The colour of a group (stable per group index). */
export function groupColor(group: number): string {
  return PALETTE[group % PALETTE.length] as string;
}

/** 1536 -> '1.5 KiB'. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

/** 12345 -> '12,345'. */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** Sizes a canvas to its CSS width at the device's pixel ratio; returns its context and size in CSS px. */
export function prepareCanvas(canvas: HTMLCanvasElement, cssHeight: number): { ctx: CanvasRenderingContext2D; w: number; h: number } {
  const ratio = window.devicePixelRatio || 1;
  const w = Math.max(50, canvas.clientWidth);
  canvas.style.height = `${cssHeight}px`;
  if (canvas.width !== Math.round(w * ratio) || canvas.height !== Math.round(cssHeight * ratio)) {
    canvas.width = Math.round(w * ratio);
    canvas.height = Math.round(cssHeight * ratio);
  }
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, w, cssHeight);
  return { ctx, w, h: cssHeight };
}

/** A table row of cells (text, or a ready element), with optional class names. */
export function row(cells: (string | HTMLElement)[], classes: (string | undefined)[] = []): HTMLTableRowElement {
  const tr = document.createElement('tr');
  cells.forEach((c, i) => {
    const td = document.createElement('td');
    if (typeof c === 'string') td.textContent = c;
    else td.appendChild(c);
    const cls = classes[i];
    if (cls) td.className = cls;
    tr.appendChild(td);
  });
  return tr;
}

/** A horizontal bar: `parts` are (fraction, class) pairs drawn one after another. */
export function barElement(parts: [number, string][]): HTMLElement {
  const bar = document.createElement('div');
  bar.className = 'bar';
  let left = 0;
  for (const [f, cls] of parts) {
    const span = document.createElement('span');
    const width = Math.max(0, Math.min(1, f)) * 100;
    span.style.left = `${left}%`;
    span.style.width = `${width}%`;
    if (cls) span.className = cls;
    bar.appendChild(span);
    left += width;
  }
  return bar;
}
