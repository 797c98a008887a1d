/**
 * The HTML report of `mcmsim sweep merge`: for each swept package parameter, the simulated EDP
 * against it, one line per package (and strategy, objective, seed and other swept values when they vary),
 * one panel per scenario. Takes the merged result lines (sim/report/sweep.ts's SweepLine; only
 * the fields below are read, so this file does not depend on the sweep code).
 */
import { HtmlReport, ReportMeta, Section, Column } from './page';
import { groupedBars, sweepLines } from './charts';

export interface SweepRow {
  sweep: string;
  unit: number;
  scenario: string;
  package: string;
  strategy: string;
  /** What the strategy minimised (absent: edp, results from before the field). */
  objective?: string;
  seed: string;
  /** Package overrides of the unit (sim/input/overrides.ts): numbers, arrays such as [rows, cols], or a mapping name. */
  overrides: object;
  analytical?: { latencyPs: number; energyPj: number; edpJs: number };
  simulated?: { latencyPs: number; energyPj: number; edpJs: number };
  error?: string;
}

/** Axis titles (with units) of the override keys sim/input/overrides.ts defines. */
export const PARAMETER_TITLES: Record<string, string> = {
  nopBandwidthGBps: 'NoP link bandwidth (GB/s)',
  dramChannels: 'DRAM channels',
  bufferBytes: 'buffer per chiplet (bytes)',
  peArray: 'PE array (rows x cols)',
  mapping: 'mapping (search or MAESTRO templates)',
  maestroNocElemsPerCycle: 'MAESTRO NoC bandwidth (elements/cycle)',
  maestroHopLatencyCycles: 'MAESTRO NoC hop latency (cycles)',
};

/** Numbers, arrays such as [rows, cols], or names (the mapping). */
type OverrideValue = number | string | readonly number[] | undefined;
const valueLabel = (v: OverrideValue) => (v === undefined ? '' : Array.isArray(v) ? v.join('x') : String(v));
const objectiveOf = (r: SweepRow) => r.objective ?? 'edp';
const override = (r: SweepRow, key: string) => (r.overrides as Record<string, OverrideValue> | undefined)?.[key];

/** The override keys that take more than one value among the rows, in first-seen order. */
export function sweptParameters(rows: readonly SweepRow[]): string[] {
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r.overrides ?? {})))];
  return keys.filter((k) => new Set(rows.map((r) => valueLabel(override(r, k)))).size > 1);
}

/**
 * The plotted points for parameter `key`: x its value (a label for arrays such as the PE
 * array), the series everything else that varies apart from the scenario (its panel).
 */
export function sweepPoints(rows: readonly SweepRow[], key: string) {
  const swept = sweptParameters(rows).filter((k) => k !== key);
  const varies = (f: (r: SweepRow) => string) => new Set(rows.map(f)).size > 1;
  const parts: ((r: SweepRow) => string)[] = [(r) => r.package];
  if (varies((r) => r.strategy)) parts.push((r) => r.strategy);
  if (varies(objectiveOf)) parts.push((r) => `min ${objectiveOf(r)}`);
  if (varies((r) => r.seed)) parts.push((r) => `seed ${r.seed}`);
  for (const k of swept) parts.push((r) => `${k}=${valueLabel(override(r, k))}`);
  return rows.filter((r) => r.simulated && override(r, key) !== undefined).map((r) => {
    const v = override(r, key)!;
    return {
      scenario: r.scenario, series: parts.map((p) => p(r)).join(', '), x: Array.isArray(v) ? v.join('x') : (v as number | string),
      // Names (a mapping) keep their first-seen order: every one sorts as 0.
      xSize: Array.isArray(v) ? v.reduce((a: number, b: number) => a * b, 1) : typeof v === 'string' ? 0 : (v as number), edpJs: r.simulated!.edpJs, latencyMs: r.simulated!.latencyPs / 1e9, energyMj: r.simulated!.energyPj / 1e9,
    };
  });
}

function tableOf(rows: readonly SweepRow[]): { columns: Column[]; rows: Record<string, string | number | null>[] } {
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r.overrides ?? {})))];
  const obj = rows.some((r) => objectiveOf(r) !== 'edp');
  return {
    columns: [
      { key: 'sweep', title: 'sweep' }, { key: 'unit', title: 'unit', format: 'int' }, { key: 'scenario', title: 'scenario' }, { key: 'package', title: 'package' },
      { key: 'strategy', title: 'strategy' }, ...(obj ? [{ key: 'objective', title: 'objective' }] : []), { key: 'seed', title: 'seed' }, ...keys.map((k) => ({ key: `ov.${k}`, title: PARAMETER_TITLES[k] ?? k })),
      { key: 'latencyMs', title: 'latency sim (ms)' }, { key: 'energyMj', title: 'energy sim (mJ)' }, { key: 'edpJs', title: 'EDP sim (J*s)' }, { key: 'analyticalEdpJs', title: 'EDP ana (J*s)' },
      { key: 'error', title: 'error' },
    ],
    rows: rows.map((r) => ({
      sweep: r.sweep, unit: r.unit, scenario: r.scenario, package: r.package, strategy: r.strategy, ...(obj ? { objective: objectiveOf(r) } : {}), seed: r.seed,
      ...Object.fromEntries(keys.map((k) => {
        const v = override(r, k);
        return [`ov.${k}`, typeof v === 'number' ? v : valueLabel(v)];
      })),
      latencyMs: r.simulated ? r.simulated.latencyPs / 1e9 : null, energyMj: r.simulated ? r.simulated.energyPj / 1e9 : null,
      edpJs: r.simulated?.edpJs ?? null, analyticalEdpJs: r.analytical?.edpJs ?? null, error: r.error ?? null,
    })),
  };
}

export function sweepSections(rows: readonly SweepRow[]): Section[] {
  const table = tableOf(rows);
  const failed = rows.filter((r) => !r.simulated).length;
  const note = failed ? ` ${failed} grid point(s) have no result (see the error column) and are not plotted.` : '';
  const params = sweptParameters(rows);
  if (params.length === 0) {
    const obj = new Set(rows.map(objectiveOf)).size > 1;
    const pts = rows.filter((r) => r.simulated).map((r) => ({ scenario: r.scenario, package: `${r.package}, ${r.strategy}${obj ? `, min ${objectiveOf(r)}` : ''}, seed ${r.seed}`, edpJs: r.simulated!.edpJs }));
    return [{
      id: 'edp', title: 'Simulated EDP per scenario and package', caption: `No package parameter varies in these results: EDP per scenario, one bar per package.${note}`,
      spec: pts.length ? groupedBars({ rows: pts, group: 'scenario', groupTitle: 'scenario', series: 'package', seriesTitle: 'package, strategy, seed', value: 'edpJs', valueTitle: 'EDP (J*s, simulated)' }) : null, table,
    }];
  }
  return params.map((key) => {
    const pts = sweepPoints(rows, key);
    const ordinal = pts.some((p) => typeof p.x === 'string');
    const xOrder = ordinal ? [...new Map(pts.map((p) => [String(p.x), p.xSize])).entries()].sort((a, b) => a[1] - b[1]).map(([k]) => k) : undefined;
    const title = PARAMETER_TITLES[key] ?? key;
    return {
      id: `sweep-${key}`,
      title: `Simulated EDP vs ${title}`,
      caption: `Energy-delay product of each scenario (one panel each) as ${key} varies, one line per package${params.length > 1 ? ' and value of the other swept parameters' : ''}.${note}`,
      spec: pts.length ? sweepLines({ rows: pts, x: 'x', xTitle: title, ordinal, xOrder, y: 'edpJs', yTitle: 'EDP (J*s, simulated)', series: 'series', seriesTitle: 'package', facet: 'scenario' }) : null,
      table,
    };
  });
}

export function sweepReport(rows: readonly SweepRow[], meta: ReportMeta): HtmlReport {
  const sweeps = [...new Set(rows.map((r) => r.sweep))];
  return { title: `mcmsim sweep: ${sweeps.join(', ')}`, meta: { ...meta, extra: [['grid points', String(rows.length)], ...(meta.extra ?? [])] }, sections: sweepSections(rows) };
}
