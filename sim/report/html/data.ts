/**
 * The numbers the HTML report plots, as pure functions of plain rows: normalisation to a
 * baseline, the Pareto front on the latency-energy plane, and whether an axis needs a log scale.
 * Everything here is unit-tested on hand-made numbers (test/report/html-data.test.ts).
 */

/** A value on the latency-energy plane: lower is better on both axes. */
export interface PlanePoint {
  group: string;
  series: string;
  latency: number;
  energy: number;
}

/**
 * The points of each group (scenario) that no other point of the same group dominates: a point
 * is dominated when another is no worse on both axes and better on at least one. Equal points
 * are both on the front. Returns one flag per input point, in input order.
 */
export function paretoFlags(points: readonly PlanePoint[]): boolean[] {
  return points.map((p) =>
    !points.some((q) => q !== p && q.group === p.group && q.latency <= p.latency && q.energy <= p.energy && (q.latency < p.latency || q.energy < p.energy)),
  );
}

/**
 * Each row's value divided by the value of the baseline series in the same group (scenario);
 * NaN when the group has no baseline row or its value is not positive.
 */
export function normalise<T extends { group: string; series: string; value: number }>(rows: readonly T[], baseline: string): (T & { normalised: number })[] {
  const base = new Map<string, number>();
  for (const r of rows) if (r.series === baseline) base.set(r.group, r.value);
  return rows.map((r) => {
    const b = base.get(r.group);
    return { ...r, normalised: b !== undefined && b > 0 ? r.value / b : NaN };
  });
}

/** Values span at least `decades` powers of ten (all positive): plot them on a log axis. */
export function spansDecades(values: readonly number[], decades = 1): boolean {
  const v = values.filter((x) => Number.isFinite(x));
  if (v.length < 2 || v.some((x) => x <= 0)) return false;
  return Math.log10(Math.max(...v) / Math.min(...v)) >= decades;
}

/** Ratio spans use a log axis as soon as they pass 1 decade; below it a linear axis reads better. */
export function scaleType(values: readonly number[]): 'log' | 'linear' {
  return spansDecades(values, 1) ? 'log' : 'linear';
}
