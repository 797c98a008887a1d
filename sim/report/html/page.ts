/**
 * Renders a report (sections of one plot and one table each) as ONE self-contained HTML file:
 * Vega, Vega-Lite and vega-embed inlined from node_modules (about 0.8 MB), the plots as
 * Vega-Lite specs with their data inlined, so the file opens offline and can be mailed.
 * Each figure gets data-marks="N" (SVG mark elements drawn) once rendered, or an error box:
 * scripts/html-check.ts and the browser test read them.
 */
import * as fs from 'fs';
import * as path from 'path';

export type Cell = string | number | boolean | null;

export interface Column {
  key: string;
  title: string;
  /** How numbers print: significant digits (default 4), 'pct' (fraction as %), or 'int'. */
  format?: number | 'pct' | 'int';
}

export interface Table {
  columns: Column[];
  rows: Record<string, Cell>[];
}

export interface Section {
  id: string;
  title: string;
  /** What the plot shows, one or two sentences (HTML-escaped). */
  caption: string;
  /** A Vega-Lite spec without data values' $schema; null: table only. */
  spec: Record<string, unknown> | null;
  table: Table;
}

export interface ReportMeta {
  /** The command line that made the report. */
  command: string;
  /** Input files (as given). */
  inputs: string[];
  version: string;
  seed: string;
  /** More key-value lines (strategy, objective, ...). */
  extra?: [string, string][];
}

export interface HtmlReport {
  title: string;
  meta: ReportMeta;
  sections: Section[];
}

/**
 * Okabe & Ito's palette ("Color Universal Design", 2002), distinguishable under the common
 * colour-vision deficiencies; yellow last because it is faint on white paper.
 */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#56B4E9', '#CC79A7', '#000000', '#F0E442'];

/** Shared Vega-Lite config: print-sized fonts, the palette, shapes as a second cue. */
export const VEGA_CONFIG = {
  font: 'Helvetica, Arial, sans-serif',
  axis: { labelFontSize: 11, titleFontSize: 12, gridColor: '#e4e4e4' },
  legend: { labelFontSize: 11, titleFontSize: 12, orient: 'right', labelLimit: 260 },
  header: { labelFontSize: 12, titleFontSize: 12 },
  title: { fontSize: 14 },
  range: { category: PALETTE },
  view: { stroke: '#bbb' },
};

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** JSON safe inside <script>: no "</script>", no "<!--". */
const scriptJson = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');

/** A number as the table prints it. */
export function formatCell(v: Cell, f: Column['format'] = 4): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'boolean') return v ? 'yes' : '';
  if (typeof v === 'string') return v;
  // NaN and infinities (a ratio with no baseline, say): the same 'n/a' the command line prints.
  if (!Number.isFinite(v)) return 'n/a';
  if (f === 'pct') return `${(v * 100).toFixed(1)}%`;
  if (f === 'int') return String(Math.round(v));
  const a = Math.abs(v);
  return a !== 0 && (a >= 1e5 || a < 1e-3) ? v.toExponential(f - 1) : Number(v.toPrecision(f)).toString();
}

/** Tables longer than this open collapsed, with their first rows shown (the plots stay near the top of the page). */
export const TABLE_PREVIEW_ROWS = 20;

function tableHtml(t: Table, limit = Infinity): string {
  const head = t.columns.map((c, i) => `<th data-col="${i}" title="sort">${esc(c.title)}</th>`).join('');
  const body = t.rows
    .slice(0, limit)
    .map((r) => '<tr>' + t.columns.map((c) => {
      const v = r[c.key];
      const num = typeof v === 'number' && Number.isFinite(v);
      return `<td${num ? ` class="n" data-v="${v}"` : ''}>${esc(formatCell(v, c.format))}</td>`;
    }).join('') + '</tr>')
    .join('\n');
  return `<table class="sortable"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/**
 * A package's built browser bundle as an inline script, preceded by its licence (BSD-3-Clause
 * asks that redistributions carry the copyright notice), found the way Node finds the package.
 */
function bundle(pkg: string, file: string): string {
  for (const dir of require.resolve.paths(pkg) ?? []) {
    const p = path.join(dir, pkg, 'build', file);
    if (!fs.existsSync(p)) continue;
    const js = fs.readFileSync(p, 'utf8').replace(/\/\/# sourceMappingURL=\S+\s*$/, '').replace(/<\/script/gi, '<\\/script');
    const licence = path.join(dir, pkg, 'LICENSE');
    const notice = fs.existsSync(licence) ? fs.readFileSync(licence, 'utf8').replace(/--/g, '- -').trim() : '';
    return `<!-- ${pkg}: ${notice} -->\n<script>${js}</script>`;
  }
  throw new Error(`cannot find ${pkg}/build/${file} (npm install)`);
}

function libraries(): string {
  return [bundle('vega', 'vega.min.js'), bundle('vega-lite', 'vega-lite.min.js'), bundle('vega-embed', 'vega-embed.min.js')].join('\n');
}

const STYLE = `
body { font-family: Helvetica, Arial, sans-serif; margin: 24px auto; max-width: 1200px; color: #222; padding: 0 16px; }
h1 { font-size: 22px; } h2 { font-size: 17px; margin-top: 36px; border-bottom: 1px solid #ccc; }
.meta { font-size: 13px; border-collapse: collapse; } .meta td { padding: 2px 10px 2px 0; vertical-align: top; }
.meta code { white-space: pre-wrap; word-break: break-all; }
.caption { font-size: 13px; color: #444; max-width: 900px; }
.plot-error { color: #b00; font-weight: bold; }
table.sortable { border-collapse: collapse; font-size: 12px; margin: 8px 0 0 0; }
table.sortable th, table.sortable td { border: 1px solid #ccc; padding: 2px 6px; }
table.sortable th { background: #f2f2f2; cursor: pointer; user-select: none; }
table.sortable th.asc::after { content: ' \\25B2'; } table.sortable th.desc::after { content: ' \\25BC'; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
details { margin-top: 8px; } summary { cursor: pointer; font-size: 13px; }
@media print { details > summary { display: none; } h2 { break-after: avoid; } .plot { break-inside: avoid; } }
`;

/**
 * Runs before the libraries: counts errors and warnings (uncaught, rejected, console.error/warn)
 * on <html data-errors data-warnings>, so a headless check can tell a clean render.
 */
const WATCH = `
(function () {
  var d = document.documentElement; d.dataset.errors = '0'; d.dataset.warnings = '0'; d.dataset.messages = '';
  function note(kind, msg) { d.dataset[kind] = String(+d.dataset[kind] + 1); d.dataset.messages += kind + ': ' + String(msg).slice(0, 300) + '\\n'; }
  window.addEventListener('error', function (e) { note('errors', e.message); });
  window.addEventListener('unhandledrejection', function (e) { note('errors', e.reason); });
  var err = console.error, warn = console.warn;
  console.error = function () { note('errors', Array.prototype.join.call(arguments, ' ')); err.apply(console, arguments); };
  console.warn = function () { note('warnings', Array.prototype.join.call(arguments, ' ')); warn.apply(console, arguments); };
})();
`;

/** Sortable tables (click a header; numbers by value) and the plots, each into its figure. */
const SCRIPT = `
document.querySelectorAll('table.sortable th').forEach(function (th) {
  th.addEventListener('click', function () {
    var table = th.closest('table'), col = +th.dataset.col, asc = !th.classList.contains('asc');
    table.querySelectorAll('th').forEach(function (h) { h.classList.remove('asc', 'desc'); });
    th.classList.add(asc ? 'asc' : 'desc');
    var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[col], y = b.cells[col];
      var r = (x.dataset.v !== undefined && y.dataset.v !== undefined) ? (+x.dataset.v - +y.dataset.v) : x.textContent.localeCompare(y.textContent, undefined, { numeric: true });
      return asc ? r : -r;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  });
});
/*
 * What a reader sees, recorded on the plot for headless checks (scripts/html-check.ts): where
 * the plot lies on the page, the axis labels shown, how many pairs of labels on one axis
 * overlap, and the data value the bars grow from (the edge every bar shares).
 */
function measure(el, view) {
  var box = el.getBoundingClientRect();
  el.dataset.top = String(Math.round(box.top + window.scrollY));
  el.dataset.bottom = String(Math.round(box.bottom + window.scrollY));
  var labels = [], overlaps = 0;
  el.querySelectorAll('g.role-axis-label').forEach(function (g) {
    var shown = Array.prototype.filter.call(g.querySelectorAll('text'), function (t) { return t.getAttribute('opacity') !== '0' && t.textContent !== ''; });
    shown.forEach(function (t) { labels.push(t.textContent); });
    // Boxes compared in the first label's own (possibly rotated) frame: rotated labels' page
    // boxes overlap where their glyphs do not.
    for (var i = 0; i < shown.length; i++) for (var j = i + 1; j < shown.length; j++) {
      var m = shown[i].getCTM().inverse().multiply(shown[j].getCTM()), a = shown[i].getBBox(), b = shown[j].getBBox();
      var bx = b.x * m.a + b.y * m.c + m.e, by = b.x * m.b + b.y * m.d + m.f;
      if (a.x < bx + b.width - 0.5 && bx < a.x + a.width - 0.5 && a.y < by + b.height - 0.5 && by < a.y + a.height - 0.5) overlaps++;
    }
  });
  el.dataset.labels = JSON.stringify(labels);
  el.dataset.overlaps = String(overlaps);
  var bars = [];
  (function walk(node) {
    if (!node) return;
    if (node.marktype === 'rect' && node.role === 'mark') bars = bars.concat(node.items);
    (node.items || []).forEach(function (it) { (it.items || []).forEach(walk); });
  })(view.scenegraph().root);
  if (!bars.length) return;
  // An edge every bar shares (y or y + height; x or x + width for horizontal bars), in data units.
  function common(pos, size, scale) {
    var edges = bars.map(function (b) { return [b[pos], b[pos] + b[size]]; });
    var longest = edges.reduce(function (p, e) { return Math.abs(e[1] - e[0]) > Math.abs(p[1] - p[0]) ? e : p; });
    var shared = longest.filter(function (e) { return edges.every(function (x) { return Math.abs(x[0] - e) < 1 || Math.abs(x[1] - e) < 1; }); });
    if (shared.length === 2 && Math.abs(shared[0] - shared[1]) < 1) shared.pop(); // every bar of zero length
    try { return shared.length === 1 ? String(view.scale(scale).invert(shared[0])) : ''; } catch (e) { return ''; }
  }
  el.dataset.barBaseY = common('y', 'height', 'y');
  el.dataset.barBaseX = common('x', 'width', 'x');
}
var specs = JSON.parse(document.getElementById('specs').textContent);
var config = JSON.parse(document.getElementById('config').textContent);
document.documentElement.dataset.pending = String(Object.keys(specs).length);
Object.keys(specs).forEach(function (id) {
  var el = document.getElementById('plot-' + id);
  var spec = Object.assign({ $schema: 'https://vega.github.io/schema/vega-lite/v6.json', config: config }, specs[id]);
  vegaEmbed(el, spec, { renderer: 'svg', actions: false }).then(function (res) {
    el.dataset.marks = String(el.querySelectorAll('svg g.role-mark > *').length);
    measure(el, res.view);
  }).catch(function (e) {
    el.dataset.marks = '0';
    el.innerHTML = '<p class="plot-error">plot failed: ' + String(e && e.message || e).replace(/</g, '&lt;') + '</p>';
    console.error(e);
  }).finally(function () {
    var d = document.documentElement; d.dataset.pending = String(+d.dataset.pending - 1);
  });
});
`;

/**
 * A short table opens in full; a long one shows its first TABLE_PREVIEW_ROWS rows (in the
 * order the section gives, e.g. largest error first) and the whole table collapsed below.
 */
function tablesHtml(t: Table): string {
  const n = t.rows.length;
  if (n <= TABLE_PREVIEW_ROWS) return `<details open><summary>table (${n} rows; click a column to sort)</summary>\n${tableHtml(t)}\n</details>`;
  return `<details open class="preview"><summary>table: first ${TABLE_PREVIEW_ROWS} of ${n} rows</summary>\n${tableHtml(t, TABLE_PREVIEW_ROWS)}\n</details>
<details class="full"><summary>all ${n} rows (click to open; click a column to sort)</summary>\n${tableHtml(t)}\n</details>`;
}

export function renderHtml(r: HtmlReport): string {
  const m = r.meta;
  const metaRows: [string, string][] = [['command', m.command], ['inputs', m.inputs.join('\n')], ['mcmsim', m.version], ['seed', m.seed], ...(m.extra ?? [])];
  const specs: Record<string, unknown> = {};
  const sections = r.sections.map((s) => {
    if (s.spec) specs[s.id] = s.spec;
    return `<section id="${esc(s.id)}">
<h2>${esc(s.title)}</h2>
<p class="caption">${esc(s.caption)}</p>
${s.spec ? `<div class="plot" id="plot-${esc(s.id)}"></div>` : ''}
${tablesHtml(s.table)}
</section>`;
  });
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(r.title)}</title>
<style>${STYLE}</style>
<script>${WATCH}</script>
</head>
<body>
<h1>${esc(r.title)}</h1>
<table class="meta">
${metaRows.map(([k, v]) => `<tr><td>${esc(k)}</td><td><code>${esc(v)}</code></td></tr>`).join('\n')}
</table>
${sections.join('\n')}
<script type="application/json" id="specs">${scriptJson(specs)}</script>
<script type="application/json" id="config">${scriptJson(VEGA_CONFIG)}</script>
${libraries()}
<script>${SCRIPT}</script>
</body>
</html>
`;
}
