/**
 * `mcmsim reproduce scar`: the evaluation of SCAR (Odema et al., MICRO 2024), re-run on our cost
 * model and simulator. The work is a list of independent, JSON-serialisable units (scenario,
 * package, strategy), each run by runUnit() alone, so a worker pool can run them anywhere; the
 * report is assembled from their results by pure functions (tables in reproduce-format.ts).
 *
 * Paper's settings (Section IV, V): 5 windows (4 split points), exhaustive placement on 3x3, an
 * evolutionary search with population 10 and 4 generations on 6x6; EDP objective by default.
 * The paper's figures are its analytical model's, so latencyS / energyJ / edpJs and the averages
 * are our analytical estimate of the chosen schedule; the simulated figures are beside them and
 * their difference is the contention the paper leaves as "delta".
 */
import * as path from 'path';
import { evaluate, makeSchedule } from '../pipeline';
import { lowerSchedule } from '../cost/program';
import { estimateProgram } from '../cost/estimate';
import { edpJs } from '../cost/energy';
import { Totals } from './compare';
import { loadScenario } from '../input/scenario';
import { loadPackageWith, PackageOverrides } from '../input/overrides';
import { ObjectiveName } from '../sched/objective';
import { WindowChoice } from '../sched/scar/scar';
import { ModelCompletion, modelCompletions } from './slo';

export const SCAR_STRATEGIES = ['standalone_nvd', 'standalone_shi', 'simba_nvd', 'simba_shi', 'het_cb', 'het_sides'] as const;
export type ScarStrategy = (typeof SCAR_STRATEGIES)[number];
export const SCAR_STRATEGIES_6X6 = ['simba_nvd', 'simba_shi', 'het_cross'] as const;
export type StrategyKey = ScarStrategy | 'het_cross';

/** Table III: scenario id -> file in models/scenarios. 1-5 datacenter, 6-10 AR/VR. */
export const SCAR_SCENARIOS: Record<number, string> = {
  1: 'scar1_dc_lms', 2: 'scar2_dc_lms_image', 3: 'scar3_dc_lms_image32', 4: 'scar4_dc_lms_seg_image', 5: 'scar5_dc_six',
  6: 'scar6_ar_assistant', 7: 'scar7_ar_gaming', 8: 'scar8_outdoors', 9: 'scar9_social', 10: 'scar10_vr_gaming',
};

/** Published figures the report puts next to ours (abstract; Section V-B; Table VI). */
export const PAPER = {
  averages: { datacenter: { mean: 0.276 }, arvr: { mean: 0.296 } },
  grid6: { simbaShiOverHetCross: 2.3, simbaNvdOverHetCross: 1.9 },
  table6: {
    windows: [0.78, 0.21, 1.47, 0.4, 0.9],
    models: [
      { model: 'GPT-L', windows: [0.23, 0.21, 1.02, 0.28, 0.23], busy: 1.97, doneAt: 3.1, layers: 120 },
      { model: 'BERT-L', windows: [0, 0, 1.47, 0.4, 0.9], busy: 2.77, doneAt: 3.76, layers: 60 },
      { model: 'U-Net', windows: [0.21, 0.14, 0.46, 0, 0], busy: 0.8, doneAt: 1.45, layers: 23 },
      { model: 'ResNet-50', windows: [0.78, 0.17, 0.11, 0, 0], busy: 1.1, doneAt: 1.1, layers: 66 },
    ],
    scenarioS: 3.8,
  },
};

export interface ReproOptions {
  grid: '3x3' | '6x6';
  objective: ObjectiveName;
  seed: string;
  /** Het-Sides variant: which dataflow sits on the side columns (the paper's figure only). */
  sides: 'nvd' | 'shi';
  /** Enforce the scenarios' latency SLOs (the paper has none; off by default). */
  slo: boolean;
}

export const DEFAULT_REPRO: ReproOptions = { grid: '3x3', objective: 'edp', seed: '1', sides: 'nvd', slo: false };

/** One independent piece of work: plain data (absolute paths), so it can cross a process boundary. */
export interface ReproUnit {
  scenarioId: number;
  scenarioFile: string;
  packageFile: string;
  key: StrategyKey;
  strategy: 'scar' | 'standalone';
  objective: ObjectiveName;
  seed: string;
  enforceSlo: boolean;
  search: 'auto' | 'evolutionary';
  population?: number;
  generations?: number;
  /** A what-if on the package file's constants (the sensitivity runs of the README). */
  overrides?: PackageOverrides;
  /** false: the analytical estimate only (simulated fields are copies of it); default true. */
  simulate?: boolean;
}

export interface UnitResult {
  scenarioId: number;
  scenario: string;
  kind: string;
  key: StrategyKey;
  package: string;
  latencyS: number;
  energyJ: number;
  edpJs: number;
  simulatedLatencyS: number;
  simulatedEnergyJ: number;
  simulatedEdpJs: number;
  models: ModelCompletion[];
  /** The SCAR search's windows (per model latency in each), for Table VI. */
  windows?: WindowBreakdownInput;
  warnings: string[];
  scheduleCpuMs: number;
  evaluateCpuMs: number;
}

function packageOf(key: StrategyKey, scale: 'dc' | 'ar', n: number, sides: 'nvd' | 'shi'): string {
  const layout = key === 'standalone_nvd' ? 'simba_nvd' : key === 'standalone_shi' ? 'simba_shi' : key === 'het_sides' && sides === 'shi' ? 'het_sides_shi' : key;
  return `scar_${scale}_${layout}_${n}x${n}.json`;
}

/** The units of a reproduction, in report order. */
export function scarUnits(root: string, o: ReproOptions): ReproUnit[] {
  const dir = (sub: string, f: string) => path.join(root, 'models', sub, f);
  const base = { objective: o.objective, seed: o.seed, enforceSlo: o.slo };
  if (o.grid === '6x6') {
    return SCAR_STRATEGIES_6X6.map((key) => ({
      ...base, scenarioId: 4, scenarioFile: dir('scenarios', `${SCAR_SCENARIOS[4]}.json`), packageFile: dir('packages', packageOf(key, 'dc', 6, o.sides)),
      key, strategy: 'scar' as const, search: 'evolutionary' as const, population: 10, generations: 4,
    }));
  }
  const units: ReproUnit[] = [];
  for (let id = 1; id <= 10; id++) {
    for (const key of SCAR_STRATEGIES) {
      units.push({
        ...base, scenarioId: id, scenarioFile: dir('scenarios', `${SCAR_SCENARIOS[id]}.json`), packageFile: dir('packages', packageOf(key, id <= 5 ? 'dc' : 'ar', 3, o.sides)),
        key, strategy: key.startsWith('standalone') ? 'standalone' : 'scar', search: 'auto',
      });
    }
  }
  return units;
}

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Schedules, estimates and simulates one unit. */
export async function runUnit(u: ReproUnit): Promise<UnitResult> {
  const inputs = { scenario: loadScenario(u.scenarioFile), pkg: loadPackageWith(u.packageFile, u.overrides) };
  const t0 = cpuMs();
  const schedule = makeSchedule(inputs, {
    strategy: u.strategy, seed: u.seed, objective: u.objective, enforceSlo: u.enforceSlo,
    scar: { search: u.search, ...(u.population ? { population: u.population } : {}), ...(u.generations ? { generations: u.generations } : {}) },
  });
  const t1 = cpuMs();
  let ana: Totals;
  let sim: Totals;
  let done: ModelCompletion[];
  if (u.simulate === false) {
    const program = lowerSchedule(schedule, inputs.scenario, inputs.pkg);
    const est = estimateProgram(program);
    ana = sim = { latencyPs: est.makespanPs, energy: est.energy, edpJs: edpJs(est.energy.totalPj, est.makespanPs) };
    done = modelCompletions(program, est.jobs, est.jobs);
  } else {
    const ev = await evaluate(schedule, inputs);
    ana = ev.comparison.analytical;
    sim = ev.comparison.simulated;
    done = modelCompletions(ev.program, ev.estimate.jobs, ev.sim.jobs);
  }
  const t2 = cpuMs();
  const s = schedule.scar;
  return {
    scenarioId: u.scenarioId, scenario: inputs.scenario.name, kind: inputs.scenario.kind, key: u.key, package: inputs.pkg.name,
    latencyS: ana.latencyPs / 1e12, energyJ: ana.energy.totalPj / 1e12, edpJs: ana.edpJs,
    simulatedLatencyS: sim.latencyPs / 1e12, simulatedEnergyJ: sim.energy.totalPj / 1e12, simulatedEdpJs: sim.edpJs,
    models: done,
    windows: s ? { windows: s.windows, layers: inputs.scenario.models.map((m) => ({ model: m.name, layers: m.workload.layers.length })) } : undefined,
    warnings: schedule.warnings, scheduleCpuMs: t1 - t0, evaluateCpuMs: t2 - t1,
  };
}

// ---------------------------------------------------------------------------------------------
// Assembly (pure)
// ---------------------------------------------------------------------------------------------

export interface Averages {
  vsSimbaNvd: number;
  vsSimbaShi: number;
  mean: number;
}

/**
 * The abstract's averages, per scenario kind: the mean over its scenarios of Het-Sides' EDP
 * reduction 1 - EDP(het_sides) / EDP(simba_x), for x = NVD and Shi, and the mean of those two.
 */
export function scarAverages(scenarios: readonly { kind: string; edp: Partial<Record<StrategyKey, number>> }[]): Record<string, Averages> {
  const out: Record<string, Averages> = {};
  for (const kind of [...new Set(scenarios.map((s) => s.kind))]) {
    const ss = scenarios.filter((s) => s.kind === kind);
    const red = (vs: StrategyKey) => ss.reduce((a, s) => a + (1 - s.edp.het_sides! / s.edp[vs]!), 0) / ss.length;
    const vsSimbaNvd = red('simba_nvd');
    const vsSimbaShi = red('simba_shi');
    out[kind] = { vsSimbaNvd, vsSimbaShi, mean: (vsSimbaNvd + vsSimbaShi) / 2 };
  }
  return out;
}

export interface WindowBreakdownInput {
  windows: readonly Pick<WindowChoice, 'window' | 'models'>[];
  layers: readonly { model: string; layers: number }[];
}

export interface WindowBreakdown {
  /** Window indices that have work (columns). */
  windowIds: number[];
  /** Per window: the slowest model's latency (a barrier), s. */
  windowS: number[];
  models: { model: string; windowS: number[]; busyS: number; doneAtS: number; layers: number }[];
  /** Sum of the windows, s. */
  scenarioS: number;
  layers: number;
}

/**
 * Table VI: each model's latency in each window; a window lasts as long as its slowest model;
 * the scenario is the sum of its windows; a model is done at the start of its last window plus
 * its latency there; busy = the sum of its own window latencies.
 */
export function windowBreakdown(input: WindowBreakdownInput): WindowBreakdown {
  const windowIds = input.windows.map((w) => w.window);
  const windowS = input.windows.map((w) => Math.max(0, ...w.models.map((m) => m.latencyPs)) / 1e12);
  const startS = windowS.map((_, i) => windowS.slice(0, i).reduce((a, b) => a + b, 0));
  const models = input.layers.map(({ model, layers }) => {
    const per = input.windows.map((w) => (w.models.find((m) => m.model === model)?.latencyPs ?? 0) / 1e12);
    const last = per.reduce((acc, x, i) => (x > 0 ? i : acc), -1);
    return { model, windowS: per, busyS: per.reduce((a, b) => a + b, 0), doneAtS: last < 0 ? 0 : startS[last] + per[last], layers };
  });
  return { windowIds, windowS, models, scenarioS: windowS.reduce((a, b) => a + b, 0), layers: models.reduce((a, m) => a + m.layers, 0) };
}

export interface StrategyFigures {
  latencyS: number;
  energyJ: number;
  edpJs: number;
  simulatedLatencyS: number;
  simulatedEdpJs: number;
}

export interface ScenarioReport {
  id: number;
  name: string;
  kind: 'datacenter' | 'arvr';
  strategies: Partial<Record<StrategyKey, StrategyFigures>>;
}

export interface ScarReport {
  grid: '3x3' | '6x6';
  objective: ObjectiveName;
  seed: string;
  sides: 'nvd' | 'shi';
  slo: boolean;
  scenarios: ScenarioReport[];
  /** The abstract's averages (analytical, as the paper computes them), fractions. */
  averages: Record<string, Averages>;
  /** The same from the simulated EDPs. */
  simulatedAverages: Record<string, Averages>;
  /** Scenario 4 on Het-Sides, per window (3x3 only). */
  table6?: WindowBreakdown;
  /** 6x6: EDP of each Simba over Het-Cross (the paper: 2.3x Shi, 1.9x NVD). */
  edpOverHetCross?: { simbaNvd: number; simbaShi: number; simulatedSimbaNvd: number; simulatedSimbaShi: number };
  /** Per scenario and strategy: each model's completion vs its SLO, and scheduler warnings. */
  slos: { id: number; key: StrategyKey; models: ModelCompletion[]; warnings: string[] }[];
  cpuSeconds: number;
}

export function assembleReport(o: ReproOptions, results: readonly UnitResult[]): ScarReport {
  const ids = [...new Set(results.map((r) => r.scenarioId))].sort((a, b) => a - b);
  const scenarios: ScenarioReport[] = ids.map((id) => {
    const rs = results.filter((r) => r.scenarioId === id);
    return {
      id, name: rs[0].scenario, kind: rs[0].kind === 'arvr' ? 'arvr' : 'datacenter',
      strategies: Object.fromEntries(rs.map((r) => [r.key, { latencyS: r.latencyS, energyJ: r.energyJ, edpJs: r.edpJs, simulatedLatencyS: r.simulatedLatencyS, simulatedEdpJs: r.simulatedEdpJs }])),
    };
  });
  const edps = (sim: boolean) => scenarios.map((s) => ({ kind: s.kind, edp: Object.fromEntries(Object.entries(s.strategies).map(([k, f]) => [k, sim ? f!.simulatedEdpJs : f!.edpJs])) }));
  const report: ScarReport = {
    grid: o.grid, objective: o.objective, seed: o.seed, sides: o.sides, slo: o.slo, scenarios,
    averages: o.grid === '3x3' ? scarAverages(edps(false)) : {},
    simulatedAverages: o.grid === '3x3' ? scarAverages(edps(true)) : {},
    slos: results.map((r) => ({ id: r.scenarioId, key: r.key, models: r.models, warnings: r.warnings })),
    cpuSeconds: results.reduce((a, r) => a + r.scheduleCpuMs + r.evaluateCpuMs, 0) / 1000,
  };
  const s4 = results.find((r) => r.scenarioId === 4 && r.key === 'het_sides');
  if (s4?.windows) report.table6 = windowBreakdown(s4.windows);
  if (o.grid === '6x6' && scenarios[0]) {
    const st = scenarios[0].strategies;
    report.edpOverHetCross = {
      simbaNvd: st.simba_nvd!.edpJs / st.het_cross!.edpJs, simbaShi: st.simba_shi!.edpJs / st.het_cross!.edpJs,
      simulatedSimbaNvd: st.simba_nvd!.simulatedEdpJs / st.het_cross!.simulatedEdpJs, simulatedSimbaShi: st.simba_shi!.simulatedEdpJs / st.het_cross!.simulatedEdpJs,
    };
  }
  return report;
}

/** Runs units and returns their results in unit order (the CLI passes a worker pool, sim/cli/pool.ts). */
export type ReproUnitRunner = (units: ReproUnit[], onUnit: (index: number, r: UnitResult) => void) => Promise<UnitResult[]>;

const inThisProcess: ReproUnitRunner = async (units, onUnit) => {
  const results: UnitResult[] = [];
  for (const u of units) {
    results.push(await runUnit(u));
    onUnit(results.length - 1, results[results.length - 1]);
  }
  return results;
};

/** Every unit of the reproduction, then the report; `run` decides where the units run. */
export async function reproduceScar(root: string, o: ReproOptions, onUnit: (index: number, r: UnitResult) => void = () => undefined, run: ReproUnitRunner = inThisProcess): Promise<ScarReport> {
  return assembleReport(o, await run(scarUnits(root, o), onUnit));
}
