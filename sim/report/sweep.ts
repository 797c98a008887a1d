/**
 * Sweep results: one JSON line per unit (a grid point of a sweep spec, sim/input/sweep.ts), and
 * the table that `sweep merge` makes of the lines of one or more result files (shards).
 */
import * as path from 'path';
import { InputError } from '../input/errors';
import { SearchLimitError } from '../sched/scar/scar';
import { loadPackageWith, PackageOverrides, OVERRIDE_KEYS } from '../input/overrides';
import { SweepUnit } from '../input/sweep';
import { evaluateOnPackage } from './packages';
import { loadScenario } from '../input/scenario';
import { mdTable, pct, sci, table } from './format';

export interface SweepLine {
  /** The unit's identity (sim/input/sweep.ts); resume and merge match on it. */
  key: string;
  sweep: string;
  /** Position in the sweep's grid and the grid's size. */
  unit: number;
  units: number;
  /** Files as the spec names them. */
  scenarioFile: string;
  packageFile: string;
  strategy: string;
  /** What the strategy minimised; absent in lines written before the field existed (edp). */
  objective?: string;
  seed: string;
  overrides: PackageOverrides;
  /** Scenario and package names (from the files), heterogeneous = more than one dataflow. */
  scenario: string;
  package: string;
  heterogeneous?: boolean;
  jobs?: number;
  analytical?: { latencyPs: number; energyPj: number; edpJs: number };
  simulated?: { latencyPs: number; energyPj: number; edpJs: number };
  /** Why this grid point has no result (e.g. a layer fits no buffer of that size). */
  error?: string;
}

export type SweepTask = SweepUnit & { sweep: string; units: number };

const stem = (f: string) => path.basename(f, '.json');

/**
 * Runs one grid point. Input errors that only this point's parameters cause (a layer that no
 * longer fits the buffer, a search too large) are its result, not the sweep's failure.
 */
export async function runSweepUnit(u: SweepTask): Promise<SweepLine> {
  const head = {
    key: u.key, sweep: u.sweep, unit: u.index, units: u.units, scenarioFile: u.scenarioRef, packageFile: u.packageRef,
    strategy: u.strategy, objective: u.objective, seed: u.seed, overrides: u.overrides,
  };
  try {
    const scenario = loadScenario(u.scenario);
    const r = await evaluateOnPackage(scenario, loadPackageWith(u.package, u.overrides), { strategy: u.strategy, objective: u.objective, seed: u.seed, scar: u.scar });
    return { ...head, scenario: scenario.name, package: r.package, heterogeneous: r.heterogeneous, jobs: r.jobs, analytical: r.analytical, simulated: r.simulated };
  } catch (e) {
    if (!(e instanceof InputError || e instanceof SearchLimitError)) throw e;
    return { ...head, scenario: stem(u.scenarioRef), package: stem(u.packageRef), error: e.message };
  }
}

/** Parses a results file's text; a line that is not a sweep result names the file and line. */
export function parseSweepLines(file: string, text: string): SweepLine[] {
  const out: SweepLine[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (e) {
      throw new InputError(file, `line ${i + 1}`, `not JSON (${(e as Error).message})`);
    }
    const l = v as SweepLine;
    if (typeof l !== 'object' || l === null || typeof l.key !== 'string' || typeof l.sweep !== 'string' || !Number.isInteger(l.unit) || !Number.isInteger(l.units)) {
      throw new InputError(file, `line ${i + 1}`, 'not a sweep result line (needs key, sweep, unit, units)');
    }
    out.push(l);
  });
  return out;
}

/** Lines in grid order (sweep, then unit); the first of lines with the same key is kept. */
export function orderLines(lines: SweepLine[]): SweepLine[] {
  const seen = new Set<string>();
  const unique = lines.filter((l) => (seen.has(l.key) ? false : (seen.add(l.key), true)));
  return unique.sort((a, b) => (a.sweep < b.sweep ? -1 : a.sweep > b.sweep ? 1 : a.unit - b.unit));
}

export function serializeLines(lines: SweepLine[]): string {
  return lines.map((l) => JSON.stringify(l) + '\n').join('');
}

/** Per sweep: units present of the grid's size, and the missing unit numbers (shards not yet run). */
export function coverage(lines: SweepLine[]): { sweep: string; present: number; units: number; missing: number[] }[] {
  const sweeps = [...new Set(lines.map((l) => l.sweep))].sort();
  return sweeps.map((s) => {
    const ls = lines.filter((l) => l.sweep === s);
    const units = Math.max(...ls.map((l) => l.units));
    const have = new Set(ls.map((l) => l.unit));
    const missing = Array.from({ length: units }, (_, i) => i).filter((i) => !have.has(i));
    return { sweep: s, present: have.size, units, missing };
  });
}

const objectiveOfLine = (l: { objective?: string }): string => l.objective ?? 'edp';

/**
 * A line written before lines had an objective (it minimised EDP) as a run now writes it: the
 * objective right after the strategy. Resuming such a file then ends with the bytes of a fresh run.
 */
export function withObjective(l: SweepLine): SweepLine {
  if (l.objective !== undefined) return l;
  return Object.fromEntries(Object.entries(l).flatMap(([k, v]) => (k === 'strategy' ? [[k, v], ['objective', 'edp']] : [[k, v]]))) as unknown as SweepLine;
}

/**
 * The merged table: one row per unit, EDP in J*s, latency in ms, energy in mJ. An objective
 * column after the strategy when some unit minimised something other than EDP.
 */
export function sweepTable(lines: SweepLine[], format: 'text' | 'md' | 'csv'): string {
  const keys = OVERRIDE_KEYS.filter((k) => lines.some((l) => l.overrides?.[k] !== undefined));
  const obj = lines.some((l) => objectiveOfLine(l) !== 'edp');
  const objCol = (l: SweepLine) => (obj ? [objectiveOfLine(l)] : []);
  const ov = (l: SweepLine, k: keyof PackageOverrides) => {
    const v = l.overrides?.[k];
    return v === undefined ? '' : Array.isArray(v) ? v.join('x') : String(v);
  };
  if (format === 'csv') {
    const head = ['sweep', 'unit', 'scenario', 'package', 'strategy', ...(obj ? ['objective'] : []), 'seed', ...keys, 'jobs',
      'list_schedule_latency_ps', 'list_schedule_energy_pj', 'list_schedule_edp_js', 'simulated_latency_ps', 'simulated_energy_pj', 'simulated_edp_js', 'error',
      // The list schedule's columns under their old names, for one release (README, "Reading the output").
      'analytical_latency_ps', 'analytical_energy_pj', 'analytical_edp_js'];
    const q = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
    const rows = lines.map((l) => [l.sweep, l.unit, l.scenario, l.package, l.strategy, ...objCol(l), l.seed, ...keys.map((k) => ov(l, k)), l.jobs ?? '',
      l.analytical?.latencyPs ?? '', l.analytical?.energyPj ?? '', l.analytical?.edpJs ?? '', l.simulated?.latencyPs ?? '', l.simulated?.energyPj ?? '', l.simulated?.edpJs ?? '', l.error ?? '',
      l.analytical?.latencyPs ?? '', l.analytical?.energyPj ?? '', l.analytical?.edpJs ?? '']
      .map((c) => q(String(c))).join(','));
    return [head.join(','), ...rows].join('\n') + '\n';
  }
  const head = ['scenario', 'package', 'strategy', ...(obj ? ['objective'] : []), 'seed', ...keys, 'jobs', 'latency (ms)', 'energy (mJ)', 'EDP sim (J*s)', 'EDP list (J*s)', 'sim vs list'];
  const rows = lines.map((l) => {
    const id = [l.scenario, l.package, l.strategy, ...objCol(l), l.seed, ...keys.map((k) => ov(l, k))];
    if (!l.simulated || !l.analytical) return [...id, '', '', '', `error: ${l.error ?? 'no result'}`, '', ''];
    const rel = l.simulated.edpJs / l.analytical.edpJs - 1;
    return [...id, l.jobs ?? '', (l.simulated.latencyPs / 1e9).toFixed(4), (l.simulated.energyPj / 1e9).toFixed(4), sci(l.simulated.edpJs), sci(l.analytical.edpJs), pct(rel)];
  });
  if (format === 'md') return mdTable(head, rows) + '\n';
  return table(head, rows, 4 + (obj ? 1 : 0) + keys.length) + '\n';
}
