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
 * a rule at `reference` (e.g. 1 for normalised values). Ratios to a reference that span a
 * decade or more go on a log axis with the bars drawn from the reference (up: more, down:
 * less); a bar from zero cannot be drawn on a log axis, so without a positive reference the
 * axis stays linear.
 */
export function groupedBars(o: { rows: Row[]; group: string; groupTitle: string; series: string; seriesTitle: string; value: string; valueTitle: string; reference?: number; tooltip?: string[] }): Spec {
  const vals = o.rows.map((r) => Number(r[o.value])).filter((v) => Number.isFinite(v));
  const log = o.reference !== undefined && o.reference > 0 && scaleType([...vals, o.reference]) === 'log';
  const bars = {
    mark: { type: 'bar' },
    encoding: {
      x: { field: o.group, type: 'nominal', title: o.groupTitle, sort: order(o.rows, o.group), axis: { labelAngle: -30, labelLimit: 220 } },
      // One bar per group (group = series): no offsets, the bar on its tick.
      ...(o.group === o.series ? {} : { xOffset: { field: o.series, type: 'nominal', sort: order(o.rows, o.series) } }),
      y: { field: o.value, type: 'quantitative', title: o.valueTitle, scale: log ? { type: 'log' } : { type: 'linear', zero: true }, axis: axisFormat(vals) },
      ...(log ? { y2: { datum: o.reference } } : {}),
      color: { field: o.series, type: 'nominal', title: o.seriesTitle, sort: order(o.rows, o.series) },
      tooltip: [o.group, o.series, o.value, ...(o.tooltip ?? [])].map((f) => ({ field: f })),
    },
  };
  const layer: Spec[] = [bars];
  if (o.reference !== undefined) layer.push({ data: { values: [{}] }, mark: { type: 'rule', color: '#333', strokeDash: [4, 3] }, encoding: { y: { datum: o.reference } } });
  // At least 60 px per group, so a plot of a few single bars is not a sliver.
  const step = Math.max(14, Math.ceil(60 / order(o.rows, o.series).length));
  return { width: o.group === o.series ? { step: 60 } : { step, for: 'offset' }, height: 300, data: { values: o.rows }, layer };
}

/**
 * The latency-energy plane, one panel per `group` (scenario), each series a point (colour and
 * shape); the Pareto front (rows with `front` true) joined by a line in latency order.
 */
export function planeFacets(o: { rows: Row[]; group: string; series: string; seriesTitle: string; x: string; xTitle: string; y: string; yTitle: string; columns?: number }): Spec {
  const groups = order(o.rows, o.group);
  const perGroup = (k: string) => groups.map((g) => o.rows.filter((r) => r[o.group] === g).map((r) => Number(r[k])));
  const logX = perGroup(o.x).some((v) => scaleType(v) === 'log');
  const logY = perGroup(o.y).some((v) => scaleType(v) === 'log');
  return {
    data: { values: o.rows },
    facet: { field: o.group, type: 'nominal', title: null, sort: groups, header: { labelLimit: 260 } },
    columns: o.columns ?? Math.min(4, groups.length),
    resolve: { scale: { x: 'independent', y: 'independent' } },
    spec: {
      width: 200,
      height: 170,
      layer: [
        {
          transform: [{ filter: { field: 'front', equal: true } }],
          mark: { type: 'line', color: '#777', strokeDash: [3, 2] },
          encoding: { x: { field: o.x, type: 'quantitative', sort: null }, y: { field: o.y, type: 'quantitative' }, order: { field: o.x, type: 'quantitative' } },
        },
        {
          mark: { type: 'point', filled: true, size: 70, opacity: 0.9 },
          encoding: {
            x: { field: o.x, type: 'quantitative', title: o.xTitle, scale: logX ? { type: 'log' } : { zero: false }, axis: { ...axisFormat(nums(o.rows, o.x)), labelOverlap: 'greedy', labelSeparation: 6 } },
            y: { field: o.y, type: 'quantitative', title: o.yTitle, scale: logY ? { type: 'log' } : { zero: false }, axis: axisFormat(nums(o.rows, o.y)) },
            color: { field: o.series, type: 'nominal', title: o.seriesTitle, scale: { domain: order(o.rows, o.series) } },
            shape: { field: o.series, type: 'nominal', title: o.seriesTitle, scale: { domain: order(o.rows, o.series) } },
            stroke: { condition: { test: 'datum.front', value: '#000' }, value: null },
            tooltip: [{ field: o.group }, { field: o.series }, { field: o.x }, { field: o.y }, { field: 'front', title: 'on Pareto front' }],
          },
        },
      ],
    },
  };
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

/** Horizontal bars, largest first: `value` per `label`, colour = `series`; a linear axis (bars start at zero). */
export function rankedBars(o: { rows: Row[]; label: string; labelTitle: string; value: string; valueTitle: string; series: string; seriesTitle: string }): Spec {
  return {
    width: 520,
    height: { step: 20 },
    data: { values: o.rows },
    mark: { type: 'bar' },
    encoding: {
      y: { field: o.label, type: 'nominal', title: o.labelTitle, sort: { field: o.value, order: 'descending' }, axis: { labelLimit: 260 } },
      x: { field: o.value, type: 'quantitative', title: o.valueTitle, scale: { type: 'linear', zero: true } },
      color: { field: o.series, type: 'nominal', title: o.seriesTitle, sort: order(o.rows, o.series) },
      tooltip: [o.label, o.series, o.value].map((f) => ({ field: f })),
    },
  };
}

/**
 * A swept parameter on x, a result on y, one line per series (colour; a shape channel on a
 * line-with-points mark would split the legend in two), one panel per
 * `facet` value when there are several. `ordinal`: x values are labels (e.g. a PE array 16x16).
 */
export function sweepLines(o: { rows: Row[]; x: string; xTitle: string; ordinal: boolean; y: string; yTitle: string; series: string; seriesTitle: string; facet?: string; xOrder?: string[] }): Spec {
  const xs = o.rows.map((r) => Number(r[o.x]));
  const ys = o.rows.map((r) => Number(r[o.y])).filter((v) => Number.isFinite(v));
  const x = o.ordinal
    ? { field: o.x, type: 'ordinal', title: o.xTitle, sort: o.xOrder ?? null }
    : { field: o.x, type: 'quantitative', title: o.xTitle, scale: { ...axisScale(xs), nice: false, padding: 12 }, axis: axisFormat(xs) };
  const inner = {
    width: 300,
    height: 220,
    mark: { type: 'line', point: { filled: true, size: 50 } },
    encoding: {
      x,
      y: { field: o.y, type: 'quantitative', title: o.yTitle, scale: axisScale(ys), axis: axisFormat(ys) },
      color: { field: o.series, type: 'nominal', title: o.seriesTitle, scale: { domain: order(o.rows, o.series) } },
      tooltip: [o.series, ...(o.facet ? [o.facet] : []), o.x, o.y].map((f) => ({ field: f })),
    },
  };
  const groups = o.facet ? order(o.rows, o.facet) : [];
  if (!o.facet || groups.length < 2) return { data: { values: o.rows }, ...inner };
  const { width, height, ...rest } = inner;
  return {
    data: { values: o.rows },
    facet: { field: o.facet, type: 'nominal', title: null, sort: groups, header: { labelLimit: 260 } },
    columns: Math.min(3, groups.length),
    resolve: { scale: { y: 'independent' } },
    spec: { width, height, ...rest },
  };
}
