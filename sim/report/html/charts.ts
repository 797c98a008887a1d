/**
 * Vega-Lite specs of the report's plot types, data inlined. Axis titles carry units; a log axis
 * where the values span a decade or more (data.ts); colour and shape both name the series, so
 * the plots read in greyscale print too. Series keep their first-seen order in every plot (an
 * explicit colour domain: the same package has the same colour throughout a report).
 */
import { scaleType } from './data';

type Row = Record<string, string | number | boolean | null>;
type Spec = Record<string, unknown>;

const axisScale = (values: number[], zero = false) => (scaleType(values) === 'log' ? { type: 'log' } : { type: 'linear', zero });

/**
 * Axis label format: exponent notation where plain decimals would be unreadable (EDPs of
 * 1e-6 J*s, latencies of 1e6 us), else Vega's default.
 */
export function axisFormat(values: readonly number[]): { format?: string } {
  const v = values.filter((x) => Number.isFinite(x) && x !== 0).map(Math.abs);
  return v.length && (Math.max(...v) < 1e-2 || Math.max(...v) >= 1e5) ? { format: '.2~e' } : {};
}
const nums = (rows: Row[], key: string) => rows.map((r) => Number(r[key]));

/** Series in first-seen order (the legend's and the colours' order). */
const order = (rows: Row[], key: string) => [...new Set(rows.map((r) => String(r[key])))];

/**
 * Grouped bars: one group per `group` value, one bar per `series` (colour), height `value`;
 * a dashed rule at `reference` (1 for ratios, 0 for reductions). With a reference, every bar is
 * drawn FROM the reference (up: more, down: less) on a linear axis and on a log one alike, so a
 * ratio bar never starts at 0 while the caption says it hangs from 1. Ratios that span a decade
 * or more go on a log axis; a linear axis keeps 0 in view so bar lengths compare honestly.
 */
export function groupedBars(o: { rows: Row[]; group: string; groupTitle: string; series: string; seriesTitle: string; value: string; valueTitle: string; reference?: number; tooltip?: string[]; height?: number }): Spec {
  const vals = o.rows.map((r) => Number(r[o.value])).filter((v) => Number.isFinite(v));
  const log = o.reference !== undefined && o.reference > 0 && scaleType([...vals, o.reference]) === 'log';
  const bars = {
    mark: { type: 'bar' },
    encoding: {
      x: { field: o.group, type: 'nominal', title: o.groupTitle, sort: order(o.rows, o.group), axis: { labelAngle: -30, labelLimit: 220 } },
      // One bar per group (group = series): no offsets, the bar on its tick.
      ...(o.group === o.series ? {} : { xOffset: { field: o.series, type: 'nominal', sort: order(o.rows, o.series) } }),
      y: { field: o.value, type: 'quantitative', title: o.valueTitle, scale: log ? { type: 'log' } : { type: 'linear', zero: true }, axis: axisFormat(vals) },
      ...(o.reference !== undefined ? { y2: { datum: o.reference } } : {}),
      color: { field: o.series, type: 'nominal', title: o.seriesTitle, sort: order(o.rows, o.series) },
      tooltip: [o.group, o.series, o.value, ...(o.tooltip ?? [])].map((f) => ({ field: f })),
    },
  };
  const layer: Spec[] = [bars];
  if (o.reference !== undefined) layer.push({ data: { values: [{}] }, mark: { type: 'rule', color: '#333', strokeDash: [4, 3] }, encoding: { y: { datum: o.reference } } });
  // At least 60 px per group, so a plot of a few single bars is not a sliver.
  const step = Math.max(14, Math.ceil(60 / order(o.rows, o.series).length));
  return { width: o.group === o.series ? { step: 60 } : { step, for: 'offset' }, height: o.height ?? 300, data: { values: o.rows }, layer };
}

/** Differences below this fraction are called out in the panel's header (they look large on a tight axis). */
export const SMALL_DIFFERENCE = 0.01;

/**
 * The latency-energy plane, one panel per `group` (scenario), each series a point (colour and
 * shape); the Pareto front (rows with `front` true) joined by a line in latency order, drawn
 * above the points so it stays visible where they overlap. Axes are relative to the panel's
 * best point (latency / fastest, energy / most frugal: 1.002 reads as 0.2 %, where 12.40 ms
 * next to 12.43 ms does not), padded so edge points are whole, and logarithmic when a panel
 * spans 2x or more (one outlier package would otherwise squash the rest into a corner). A
 * panel whose packages differ by less than 1 % on both axes says so in its header.
 */
export function planeFacets(o: { rows: Row[]; group: string; series: string; seriesTitle: string; x: string; xTitle: string; y: string; yTitle: string; columns?: number }): Spec {
  const groups = order(o.rows, o.group);
  const min = (g: string, k: string) => Math.min(...o.rows.filter((r) => r[o.group] === g).map((r) => Number(r[k])).filter((v) => Number.isFinite(v) && v > 0));
  const best = new Map(groups.map((g) => [g, { x: min(g, o.x), y: min(g, o.y) }]));
  const panel = new Map(groups.map((g) => {
    const near = new Set(closePairs(o.rows.filter((r) => r[o.group] === g), o.series, o.x, o.y).flat());
    return [g, near.size ? `${g} (${near.size} within 1 %)` : g];
  }));
  const rows = o.rows.map((r) => {
    const b = best.get(String(r[o.group]))!;
    return { ...r, panel: panel.get(String(r[o.group]))!, xRel: Number(r[o.x]) / b.x, yRel: Number(r[o.y]) / b.y };
  });
  const spread = (k: 'xRel' | 'yRel') => Math.max(...rows.map((r) => r[k]).filter(Number.isFinite), 1);
  const scale = (k: 'xRel' | 'yRel') => (spread(k) >= 2 ? { type: 'log', nice: false, padding: 14 } : { zero: false, padding: 14 });
  const relTitle = (t: string, best: string) => `${t} / ${best} package's`;
  return {
    data: { values: rows },
    facet: { field: 'panel', type: 'nominal', title: null, sort: groups.map((g) => panel.get(g)!), header: { labelLimit: 300 } },
    columns: o.columns ?? Math.min(4, groups.length),
    resolve: { scale: { x: 'independent', y: 'independent' } },
    spec: {
      width: 200,
      height: 170,
      layer: [
        {
          mark: { type: 'point', filled: true, size: 70, opacity: 0.8 },
          encoding: {
            x: { field: 'xRel', type: 'quantitative', title: relTitle(o.xTitle, 'fastest'), scale: scale('xRel'), axis: { labelOverlap: 'greedy', labelSeparation: 6, tickCount: 4 } },
            y: { field: 'yRel', type: 'quantitative', title: relTitle(o.yTitle, 'most frugal'), scale: scale('yRel'), axis: { tickCount: 5 } },
            color: { field: o.series, type: 'nominal', title: o.seriesTitle, scale: { domain: order(o.rows, o.series) } },
            shape: { field: o.series, type: 'nominal', title: o.seriesTitle, scale: { domain: order(o.rows, o.series) } },
            stroke: { condition: { test: 'datum.front', value: '#000' }, value: null },
            tooltip: [{ field: o.group }, { field: o.series }, { field: o.x }, { field: o.y }, { field: 'front', title: 'on Pareto front' }],
          },
        },
        {
          transform: [{ filter: { field: 'front', equal: true } }],
          mark: { type: 'line', color: '#333', strokeDash: [3, 2], strokeWidth: 1.5 },
          encoding: { x: { field: 'xRel', type: 'quantitative', sort: null }, y: { field: 'yRel', type: 'quantitative' }, order: { field: 'xRel', type: 'quantitative' } },
        },
      ],
    },
  };
}

/**
 * The pairs of series whose `x` and `y` both differ by less than SMALL_DIFFERENCE (relative to
 * the smaller value): differences a tight axis would make look large.
 */
export function closePairs(rows: readonly Row[], series: string, x: string, y: string): [string, string][] {
  const near = (a: number, b: number) => Math.abs(a - b) < SMALL_DIFFERENCE * Math.min(Math.abs(a), Math.abs(b));
  const pairs: [string, string][] = [];
  rows.forEach((r, i) => rows.slice(i + 1).forEach((q) => {
    if (near(Number(r[x]), Number(q[x])) && near(Number(r[y]), Number(q[y]))) pairs.push([String(r[series]), String(q[series])]);
  }));
  return pairs;
}

/** "; packages within 1 % of each other on both axes: s1: a and b; s2: ..." or "" (for a caption). */
export function closeCaption(rows: readonly Row[], group: string, series: string, x: string, y: string): string {
  const parts = order(rows as Row[], group).flatMap((g) => {
    const p = closePairs(rows.filter((r) => r[group] === g), series, x, y);
    return p.length ? [`${g}: ${p.map(([a, b]) => `${a} and ${b}`).join(', ')}`] : [];
  });
  return parts.length ? ` Within 1 % of each other on both axes: ${parts.join('; ')}.` : '';
}

/**
 * Estimate (x) against measurement (y) per item, colour = which estimate; the y = x line. On a
 * log scale, items with a zero value cannot be drawn (they stay in the table).
 */
export function identityScatter(o: { rows: Row[]; x: string; xTitle: string; y: string; yTitle: string; series: string; seriesTitle: string; tooltip?: string[] }): Spec {
  const all = o.rows.flatMap((r) => [Number(r[o.x]), Number(r[o.y])]).filter((v) => Number.isFinite(v) && v > 0);
  const log = scaleType(all) === 'log';
  const lo = all.length ? Math.min(...all) : 0;
  const hi = all.length ? Math.max(...all) : 1;
  const scale = log ? { type: 'log' } : { zero: false };
  return {
    width: 480,
    height: 400,
    layer: [
      {
        data: { values: [{ [o.x]: lo, [o.y]: lo }, { [o.x]: hi, [o.y]: hi }] },
        mark: { type: 'line', color: '#555', strokeDash: [5, 4] },
        encoding: { x: { field: o.x, type: 'quantitative', scale }, y: { field: o.y, type: 'quantitative', scale } },
      },
      {
        data: { values: log ? o.rows.filter((r) => Number(r[o.x]) > 0 && Number(r[o.y]) > 0) : o.rows },
        mark: { type: 'point', filled: true, size: 40, opacity: 0.75 },
        encoding: {
          x: { field: o.x, type: 'quantitative', title: o.xTitle, scale, axis: axisFormat(all) },
          y: { field: o.y, type: 'quantitative', title: o.yTitle, scale, axis: axisFormat(all) },
          color: { field: o.series, type: 'nominal', title: o.seriesTitle, scale: { domain: order(o.rows, o.series) } },
          shape: { field: o.series, type: 'nominal', title: o.seriesTitle, scale: { domain: order(o.rows, o.series) } },
          tooltip: [o.series, ...(o.tooltip ?? []), o.x, o.y].map((f) => ({ field: f })),
        },
      },
    ],
  };
}

/**
 * Horizontal bars, largest first: `value` per `label`, colour = `series`. Values spanning a
 * decade or more go on a log axis (a DRAM channel's delay would flatten every NoP link's on a
 * linear one), with the bars drawn from the axis' low end (labelled so in the axis title);
 * else a linear axis from zero.
 */
export function rankedBars(o: { rows: Row[]; label: string; labelTitle: string; value: string; valueTitle: string; series: string; seriesTitle: string }): Spec {
  const vals = nums(o.rows, o.value).filter((v) => Number.isFinite(v) && v > 0);
  const log = scaleType(vals) === 'log';
  // The bars' common base on a log axis: a power of ten at or below the smallest value.
  const floor = log ? 10 ** Math.floor(Math.log10(Math.min(...vals))) : 0;
  return {
    width: 520,
    height: { step: 20 },
    data: { values: o.rows },
    mark: { type: 'bar' },
    encoding: {
      y: { field: o.label, type: 'nominal', title: o.labelTitle, sort: { field: o.value, order: 'descending' }, axis: { labelLimit: 260 } },
      x: log
        ? { field: o.value, type: 'quantitative', title: `${o.valueTitle}, log axis`, scale: { type: 'log', domainMin: floor }, axis: axisFormat(vals) }
        : { field: o.value, type: 'quantitative', title: o.valueTitle, scale: { type: 'linear', zero: true } },
      ...(log ? { x2: { datum: floor } } : {}),
      color: { field: o.series, type: 'nominal', title: o.seriesTitle, sort: order(o.rows, o.series) },
      tooltip: [o.label, o.series, o.value].map((f) => ({ field: f })),
    },
  };
}

/**
 * A swept parameter on x, a result on y, one line per series (colour; a shape channel on a
 * line-with-points mark would split the legend in two), one panel per
 * `facet` value when there are several. `ordinal`: x values are labels (e.g. a PE array 16x16).
 * A tick and a label at every swept value and nowhere else (labels are never dropped for
 * overlap: the axis is log when the values grow geometrically, 4x or more end to end, so
 * doublings are evenly spaced). The y axis starts at 0 on a linear scale, so a 3 % change looks
 * like one; a `title` names what a single panel shows (scenario, packages).
 */
export function sweepLines(o: { rows: Row[]; x: string; xTitle: string; ordinal: boolean; y: string; yTitle: string; series: string; seriesTitle: string; facet?: string; xOrder?: string[]; title?: string }): Spec {
  const xs = [...new Set(o.rows.map((r) => Number(r[o.x])))].sort((a, b) => a - b);
  const ys = o.rows.map((r) => Number(r[o.y])).filter((v) => Number.isFinite(v));
  const geometric = xs.length > 1 && xs[0] > 0 && xs[xs.length - 1] / xs[0] >= 4;
  const x = o.ordinal
    ? { field: o.x, type: 'ordinal', title: o.xTitle, sort: o.xOrder ?? null, axis: { labelOverlap: false } }
    : {
      field: o.x, type: 'quantitative', title: o.xTitle, scale: geometric ? { type: 'log', nice: false, padding: 16 } : { type: 'linear', zero: false, nice: false, padding: 16 },
      axis: { ...axisFormat(xs), values: xs, labelOverlap: false, grid: true, ...(xs.length > 6 ? { labelAngle: -40 } : {}) },
    };
  const inner = {
    width: 300,
    height: 220,
    mark: { type: 'line', point: { filled: true, size: 50 } },
    encoding: {
      x,
      y: { field: o.y, type: 'quantitative', title: o.yTitle, scale: axisScale(ys, true), axis: axisFormat(ys) },
      color: { field: o.series, type: 'nominal', title: o.seriesTitle, scale: { domain: order(o.rows, o.series) } },
      tooltip: [o.series, ...(o.facet ? [o.facet] : []), o.x, o.y].map((f) => ({ field: f })),
    },
  };
  const groups = o.facet ? order(o.rows, o.facet) : [];
  if (!o.facet || groups.length < 2) return { data: { values: o.rows }, ...(o.title ? { title: { text: o.title, anchor: 'start', fontSize: 13 } } : {}), ...inner };
  const { width, height, ...rest } = inner;
  return {
    data: { values: o.rows },
    ...(o.title ? { title: { text: o.title, anchor: 'start', fontSize: 13 } } : {}),
    facet: { field: o.facet, type: 'nominal', title: null, sort: groups, header: { labelLimit: 260 } },
    columns: Math.min(3, groups.length),
    resolve: { scale: { y: 'independent' } },
    spec: { width, height, ...rest },
  };
}
