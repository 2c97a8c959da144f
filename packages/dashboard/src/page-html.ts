/**
 * The page's HTML and CSS (one small document; the scripts are served from /app/). Nothing is
 * loaded from outside the server, so the page works offline. Paths are relative, so the plugin
 * can sit under any prefix.
 */
const CSS = `
*{box-sizing:border-box}
body{margin:0;font:13px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;background:#f6f7f9;color:#1d2330}
header{display:flex;gap:24px;align-items:center;padding:10px 16px;background:#1d2330;color:#fff}
header h1{font-size:16px;margin:0;font-weight:600}
header .meta{opacity:.8}
#overall{flex:1;display:flex;align-items:center;gap:10px}
.bar{position:relative;height:12px;background:#dde1e8;border-radius:3px;overflow:hidden;flex:1;min-width:60px}
.bar>span{position:absolute;top:0;bottom:0;left:0;background:#3b82c4}
.bar>span.err{background:#d33}
header .bar{background:#3a4256}
main{display:grid;grid-template-columns:1fr 1fr;gap:12px;padding:12px}
section{background:#fff;border:1px solid #dde1e8;border-radius:6px;padding:10px 12px;min-width:0}
section.wide{grid-column:1/3}
h2{font-size:13px;margin:0 0 8px;font-weight:600;display:flex;justify-content:space-between}
h2 small{font-weight:400;color:#667}
canvas{display:block;width:100%}
table{width:100%;border-collapse:collapse}
td,th{padding:2px 6px;text-align:left;white-space:nowrap}
th{font-weight:500;color:#667;border-bottom:1px solid #eee}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
td.bar-cell{width:40%}
.erred{color:#d33;font-weight:600}
.swatch{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:6px;vertical-align:-1px}
#errors td{white-space:normal;word-break:break-all}
#status.off{color:#f99}
`;

const BODY = `
<header>
  <h1>tsdask</h1>
  <span class="meta" id="compute-meta">no compute yet</span>
  <div id="overall"><div class="bar"><span id="overall-bar"></span></div><b id="overall-text" data-percent="0">0%</b></div>
  <span class="meta"><b id="rate">0</b> tasks/s</span>
  <span class="meta" id="status">connecting</span>
</header>
<main>
  <section class="wide"><h2>Task stream <small id="stream-summary"></small></h2><canvas id="stream" height="220"></canvas></section>
  <section><h2>Progress <small id="progress-summary"></small></h2><table id="progress"><thead><tr><th>group</th><th class="bar-cell"></th><th class="num">done / total</th><th class="num">failed</th></tr></thead><tbody></tbody></table></section>
  <section><h2>Memory per worker <small id="memory-summary"></small></h2><table id="memory"><thead><tr><th>worker</th><th class="bar-cell">held / spilled</th><th class="num">held</th><th class="num">peak</th><th class="num">spilled</th><th class="num">results</th><th class="num">tasks</th></tr></thead><tbody></tbody></table></section>
  <section><h2>Tasks per second <small id="rate-summary"></small></h2><canvas id="rate-chart" height="160"></canvas></section>
  <section><h2>Task graph <small id="graph-summary"></small></h2><canvas id="graph" height="320"></canvas></section>
  <section class="wide" id="workers-section" hidden><h2>Workers <small id="workers-summary"></small></h2><table id="workers"><thead><tr><th>worker</th><th class="num">threads</th><th class="num">processing</th><th class="bar-cell">held / spilled (of limit)</th><th class="num">held</th><th class="num">spilled</th><th class="num">limit</th><th>state</th></tr></thead><tbody></tbody></table></section>
  <section id="transfers-section" hidden><h2>Transfers between workers <small id="transfers-summary"></small></h2><table id="transfers"><thead><tr><th>from → to</th><th class="num">keys</th><th class="num">bytes</th><th class="num">reports</th></tr></thead><tbody></tbody></table></section>
  <section id="restarts-section" hidden><h2>Nanny restarts <small id="restarts-summary"></small></h2><table id="restarts"><thead><tr><th>when</th><th>worker</th><th>why it died</th><th class="num">memory then</th><th class="num">restarts</th></tr></thead><tbody></tbody></table></section>
  <section id="recent-transfers-section" hidden><h2>Latest transfers</h2><table id="recent-transfers"><thead><tr><th>when</th><th>from → to</th><th class="num">keys</th><th class="num">bytes</th><th class="num">time</th></tr></thead><tbody></tbody></table></section>
  <section class="wide"><h2>Errors <small id="errors-summary">none</small></h2><table id="errors"><thead><tr><th>key</th><th>group</th><th>worker</th><th>message</th></tr></thead><tbody></tbody></table></section>
</main>
`;

/** The dashboard's HTML document. */
export function pageHtml(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>tsdask dashboard</title><style>${CSS}</style></head>
<body>${BODY}<script type="module" src="app/page/main.js"></script></body></html>
`;
}
