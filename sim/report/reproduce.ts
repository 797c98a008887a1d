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

/**
 * Published figures the report puts next to ours: the abstract's averages, Section V-D (6x6),
 * Tables IV and V of the EDP search (Odema et al., MICRO 2024; Table IV in seconds and J*s,
 * Table V relative to Standalone (NVD)), Table VI. Tables IV and V give the abstract's averages
 * back exactly by scarAverages (a test checks it).
 */
export const PAPER = {
  averages: { datacenter: { mean: 0.276 }, arvr: { mean: 0.296 } },
  /** Per scenario 1-10: latency (s, or relative for 6-10) and EDP (J*s, or relative) of each strategy. */
  tables: {
    1: { latency: { standalone_nvd: 0.36, standalone_shi: 1.41, simba_nvd: 0.29, simba_shi: 1.13, het_cb: 0.51, het_sides: 0.36 }, edp: { standalone_nvd: 0.007, standalone_shi: 0.029, simba_nvd: 0.006, simba_shi: 0.024, het_cb: 0.01, het_sides: 0.008 } },
    2: { latency: { standalone_nvd: 0.36, standalone_shi: 1.41, simba_nvd: 0.34, simba_shi: 0.97, het_cb: 0.39, het_sides: 0.38 }, edp: { standalone_nvd: 0.01, standalone_shi: 0.047, simba_nvd: 0.008, simba_shi: 0.024, het_cb: 0.013, het_sides: 0.01 } },
    3: { latency: { standalone_nvd: 4.06, standalone_shi: 2.63, simba_nvd: 1.36, simba_shi: 2.53, het_cb: 1.27, het_sides: 2.0 }, edp: { standalone_nvd: 0.786, standalone_shi: 1.21, simba_nvd: 0.238, simba_shi: 1.097, het_cb: 0.37, het_sides: 0.35 } },
    4: { latency: { standalone_nvd: 7.94, standalone_shi: 14.82, simba_nvd: 8.284, simba_shi: 8.03, het_cb: 5.6, het_sides: 3.8 }, edp: { standalone_nvd: 5.707, standalone_shi: 16.43, simba_nvd: 6.165, simba_shi: 8.706, het_cb: 5.21, het_sides: 3.328 } },
    5: { latency: { standalone_nvd: 7.94, standalone_shi: 14.82, simba_nvd: 8.28, simba_shi: 9.79, het_cb: 7.81, het_sides: 5.19 }, edp: { standalone_nvd: 7.608, standalone_shi: 21.0, simba_nvd: 8.162, simba_shi: 13.75, het_cb: 9.166, het_sides: 6.107 } },
    6: { latency: { standalone_nvd: 1, standalone_shi: 1.7, simba_nvd: 1.01, simba_shi: 1.72, het_cb: 1.01, het_sides: 1.0 }, edp: { standalone_nvd: 1, standalone_shi: 2.32, simba_nvd: 1.01, simba_shi: 2.36, het_cb: 1.09, het_sides: 1.05 } },
    7: { latency: { standalone_nvd: 1, standalone_shi: 1.7, simba_nvd: 1.0, simba_shi: 1.75, het_cb: 1.03, het_sides: 0.99 }, edp: { standalone_nvd: 1, standalone_shi: 2.26, simba_nvd: 1.01, simba_shi: 2.33, het_cb: 1.09, het_sides: 1.03 } },
    8: { latency: { standalone_nvd: 1, standalone_shi: 0.96, simba_nvd: 0.99, simba_shi: 0.97, het_cb: 0.78, het_sides: 0.78 }, edp: { standalone_nvd: 1, standalone_shi: 1.22, simba_nvd: 1.0, simba_shi: 1.24, het_cb: 0.83, het_sides: 0.83 } },
    9: { latency: { standalone_nvd: 1, standalone_shi: 0.36, simba_nvd: 1.07, simba_shi: 0.36, het_cb: 0.4, het_sides: 0.41 }, edp: { standalone_nvd: 1, standalone_shi: 0.45, simba_nvd: 1.08, simba_shi: 0.47, het_cb: 0.43, het_sides: 0.45 } },
    10: { latency: { standalone_nvd: 1, standalone_shi: 1.24, simba_nvd: 1.0, simba_shi: 1.28, het_cb: 0.77, het_sides: 0.75 }, edp: { standalone_nvd: 1, standalone_shi: 1.71, simba_nvd: 1.02, simba_shi: 1.78, het_cb: 0.82, het_sides: 0.79 } },
  } as Record<number, { latency: Record<ScarStrategy, number>; edp: Record<ScarStrategy, number> }>,
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

/**
 * Which per-layer cost model the chiplets use: `templates` (the paper's: MAESTRO's NVDLA-like
 * `kcp_ws` on NVD chiplets, ShiDianNao-like `yxp_os` on Shi chiplets) or `search` (our mapper).
 */
export type MappingProfile = 'templates' | 'search';
export const MAPPING_PROFILES: readonly MappingProfile[] = ['templates', 'search'];

export interface ReproOptions {
  /** Per-layer mapping of every chiplet kind (a package override on every unit). */
  mapping: MappingProfile;
  grid: '3x3' | '6x6';
  objective: ObjectiveName;
  seed: string;
  /** Het-Sides variant: which dataflow sits on the side columns (the paper's figure only). */
  sides: 'nvd' | 'shi';
  /** Enforce the scenarios' latency SLOs (the paper has none; off by default). */
  slo: boolean;
}

export const DEFAULT_REPRO: ReproOptions = { mapping: 'templates', grid: '3x3', objective: 'edp', seed: '1', sides: 'nvd', slo: false };

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
  const base = { objective: o.objective, seed: o.seed, enforceSlo: o.slo, overrides: { mapping: o.mapping } as PackageOverrides };
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

/**
 * Kendall's tau-b of two rankings of the same items (ties in either count as neither concordant
 * nor discordant, and shrink the denominator: Kendall 1945). 1: same order; -1: reversed; NaN
 * when one side is all ties.
 */
export function kendallTauB(x: readonly number[], y: readonly number[]): number {
  let concordant = 0;
  let discordant = 0;
  let tiesX = 0; // tied in x only
  let tiesY = 0;
  for (let i = 0; i < x.length; i++) {
    for (let j = i + 1; j < x.length; j++) {
      const a = Math.sign(x[i] - x[j]);
      const b = Math.sign(y[i] - y[j]);
      if (a === 0 && b === 0) continue;
      if (a === 0) tiesX++;
      else if (b === 0) tiesY++;
      else if (a === b) concordant++;
      else discordant++;
    }
  }
  return (concordant - discordant) / Math.sqrt((concordant + discordant + tiesX) * (concordant + discordant + tiesY));
}

export interface Agreement {
  /** Per scenario: Kendall tau-b of the six strategies ranked by EDP, ours vs the paper's Table IV / V. */
  kendallTau: { id: number; tau: number }[];
  meanKendallTau: number;
  /** Per scenario: does Het-Sides beat Simba (NVD) on EDP, here and in the paper. */
  hetSidesVsSimbaNvd: { id: number; ours: boolean; paper: boolean }[];
  /** Scenarios where the two agree. */
  signMatches: number;
}

/** Rankings and Het-Sides-vs-Simba (NVD) signs against the paper's EDP-search Tables IV and V. */
export function agreementWithPaper(scenarios: readonly Pick<ScenarioReport, 'id' | 'strategies'>[]): Agreement {
  const withPaper = scenarios.filter((s) => PAPER.tables[s.id] && SCAR_STRATEGIES.every((k) => s.strategies[k]));
  const kendallTau = withPaper.map((s) => ({ id: s.id, tau: kendallTauB(SCAR_STRATEGIES.map((k) => s.strategies[k]!.edpJs), SCAR_STRATEGIES.map((k) => PAPER.tables[s.id].edp[k])) }));
  const hetSidesVsSimbaNvd = withPaper.map((s) => ({ id: s.id, ours: s.strategies.het_sides!.edpJs < s.strategies.simba_nvd!.edpJs, paper: PAPER.tables[s.id].edp.het_sides < PAPER.tables[s.id].edp.simba_nvd }));
  return {
    kendallTau, meanKendallTau: kendallTau.reduce((a, t) => a + t.tau, 0) / kendallTau.length,
    hetSidesVsSimbaNvd, signMatches: hetSidesVsSimbaNvd.filter((x) => x.ours === x.paper).length,
  };
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
  /** The mapping profile every chiplet used (ReproOptions.mapping). */
  mapping: MappingProfile;
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
  /** How well the strategy rankings and signs agree with the paper's Tables IV and V (3x3 only). */
  agreement?: Agreement;
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
    mapping: o.mapping, grid: o.grid, objective: o.objective, seed: o.seed, sides: o.sides, slo: o.slo, scenarios,
    averages: o.grid === '3x3' ? scarAverages(edps(false)) : {},
    simulatedAverages: o.grid === '3x3' ? scarAverages(edps(true)) : {},
    slos: results.map((r) => ({ id: r.scenarioId, key: r.key, models: r.models, warnings: r.warnings })),
    cpuSeconds: results.reduce((a, r) => a + r.scheduleCpuMs + r.evaluateCpuMs, 0) / 1000,
  };
  if (o.grid === '3x3') report.agreement = agreementWithPaper(scenarios);
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
