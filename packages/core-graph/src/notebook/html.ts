/** Small HTML helpers for the notebook summaries: escaping, byte sizes, and Dask's two-column summary table. */

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');
}

/** Bytes as Dask's format_bytes prints them: 1024-based units (`7.63 MiB`), 'unknown' when not finite. */
export function humanBytes(n: number): string {
  if (!Number.isFinite(n)) return 'unknown';
  const units = ['B', 'kiB', 'MiB', 'GiB', 'TiB'];
  let u = 0;
  let v = n;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(2)} ${units[u]}`;
}

/** A titled table of `name: value` rows (values are HTML, already escaped by the caller). */
export function summaryTable(title: string, rows: readonly (readonly [string, string])[], cls = 'tsdask-summary'): string {
  const body = rows.map(([k, v]) => `<tr><th style="text-align:left">${escapeHtml(k)}</th><td style="text-align:left">${v}</td></tr>`).join('');
  return `<table class="${cls}"><thead><tr><th colspan="2" style="text-align:left">${escapeHtml(title)}</th></tr></thead><tbody>${body}</tbody></table>`;
}
