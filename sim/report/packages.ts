/**
 * Heterogeneous vs homogeneous packages: every scenario scheduled and simulated on every
 * package; per scenario, the EDP reduction of the best heterogeneous package over the best
 * homogeneous one, (1 - EDP_het / EDP_hom), analytical and simulated, and over each homogeneous
 * package; averaged per scenario kind (datacenter, AR/VR) as the seed paper reports it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { evaluate, makeSchedule, ScheduleOptions } from '../pipeline';
import { loadScenario } from '../input/scenario';
import { Package, Scenario } from '../input/types';
import { loadPackageWith, PackageOverrides } from '../input/overrides';
import { ScarResult, SearchLimitError } from '../sched/scar/scar';

export interface PackageResult {
  package: string;
  heterogeneous: boolean;
  /** The paper's closed form (sim/cost/closedform.ts) of the same schedule. */
  closedForm: { latencyPs: number; energyPj: number; edpJs: number };
  analytical: { latencyPs: number; energyPj: number; edpJs: number };
  simulated: { latencyPs: number; energyPj: number; edpJs: number };
  jobs: number;
  scheduleMs: number;
  simulateMs: number;
  /** SCAR's analytical EDP and the exhaustive reference's, when asked for (optimality gap). */
  gap?: { scarEdpJs: number; exhaustiveEdpJs: number; gap: number; capped: boolean } | { skipped: string };
}

export interface ScenarioComparison {
  scenario: string;
  kind: Scenario['kind'];
  results: PackageResult[];
  bestHeterogeneous: string;
  bestHomogeneous: string;
  /** 1 - EDP(best het) / EDP(best hom). */
  edpReductionAnalytical: number;
  edpReductionSimulated: number;
  /** The same by the closed form's EDPs. */
  edpReductionClosedForm: number;
  /** 1 - EDP(best het) / EDP(this homogeneous package), simulated, per homogeneous package. */
  edpReductionVs: Record<string, number>;
}

export interface PackageComparison {
  strategy: string;
  seed: string;
  /** compare --mapping: the mapping every chiplet kind was given (absent: as the package files say). */
  mapping?: string;
  scenarios: ScenarioComparison[];
  /** Mean EDP reduction per scenario kind. */
  averages: { kind: string; scenarios: number; edpReductionAnalytical: number; edpReductionSimulated: number; edpReductionClosedForm: number; edpReductionVs: Record<string, number> }[];
}

const now = () => Number(process.hrtime.bigint()) / 1e6;

/** One scenario scheduled, estimated and simulated on one package. */
export async function evaluateOnPackage(scenario: Scenario, pkg: Package, opts: ScheduleOptions & { gap?: boolean }): Promise<PackageResult> {
  const inputs = { scenario, pkg };
  const t0 = now();
  const schedule = makeSchedule(inputs, opts);
  const t1 = now();
  const ev = await evaluate(schedule, inputs);
  const c = ev.comparison;
  const r: PackageResult = {
    package: pkg.name,
    heterogeneous: new Set(pkg.chiplets.map((x) => x.kind.dataflow)).size > 1,
    closedForm: { latencyPs: c.closedForm.latencyPs, energyPj: c.closedForm.energy.totalPj, edpJs: c.closedForm.edpJs },
    analytical: { latencyPs: c.analytical.latencyPs, energyPj: c.analytical.energy.totalPj, edpJs: c.analytical.edpJs },
    simulated: { latencyPs: c.simulated.latencyPs, energyPj: c.simulated.energy.totalPj, edpJs: c.simulated.edpJs },
    jobs: c.jobs, scheduleMs: t1 - t0, simulateMs: ev.wallMs,
  };
  if (opts.gap && schedule.scar) {
    try {
      const ex = makeSchedule(inputs, { ...opts, strategy: 'exhaustive' });
      // Both by SCAR's own objective: the sum of the windows' EDPs.
      const edp = (x: ScarResult) => x.windows.reduce((a, w) => a + w.edpJs, 0);
      r.gap = { scarEdpJs: edp(schedule.scar), exhaustiveEdpJs: edp(ex.scar!), gap: edp(schedule.scar) / edp(ex.scar!) - 1, capped: ex.scar!.capped };
    } catch (e) {
      if (!(e instanceof SearchLimitError)) throw e;
      r.gap = { skipped: e.message };
    }
  }
  return r;
}

/**
 * The unit of work of `compare` and `sweep`: one scenario on one package (optionally with
 * overrides), one strategy, one seed. Serialisable (file paths and numbers), so the CLI's worker
 * pool (sim/cli/pool.ts) can run it in another thread; it loads its own inputs.
 */
export interface PackageUnit extends Omit<ScheduleOptions, 'onProgress'> {
  scenario: string;
  package: string;
  overrides?: PackageOverrides;
  /** Also run the exhaustive reference (compare --gap). */
  gap?: boolean;
}

export async function runPackageUnit(u: PackageUnit): Promise<PackageResult> {
  const { scenario, package: pkgFile, overrides, ...opts } = u;
  return evaluateOnPackage(loadScenario(scenario), loadPackageWith(pkgFile, overrides), opts);
}

/** Runs the scenario x package units; the CLI passes a worker pool (sim/cli/pool.ts). */
export type PackageUnitRunner = (units: PackageUnit[]) => Promise<PackageResult[]>;

const inThisProcess: PackageUnitRunner = async (units) => {
  const out: PackageResult[] = [];
  for (const u of units) out.push(await runPackageUnit(u));
  return out;
};

export async function comparePackages(
  scenarioFiles: string[],
  packageFiles: string[],
  opts: ScheduleOptions & { gap?: boolean; overrides?: PackageOverrides },
  runUnits: PackageUnitRunner = inThisProcess,
): Promise<PackageComparison> {
  // Inputs are checked here, before any unit runs, so bad input fails fast and names its file
  // (with the overrides applied: a template that does not fit a kind's dataflow is refused here).
  const scenarioList = scenarioFiles.map((f) => loadScenario(f));
  packageFiles.forEach((f) => loadPackageWith(f, opts.overrides));
  const { onProgress: _drop, ...unitOpts } = opts;
  const units: PackageUnit[] = scenarioFiles.flatMap((s) => packageFiles.map((p) => ({ ...unitOpts, scenario: s, package: p })));
  const all = await runUnits(units);
  const scenarios: ScenarioComparison[] = [];
  for (let si = 0; si < scenarioList.length; si++) {
    const scenario = scenarioList[si];
    const results = all.slice(si * packageFiles.length, (si + 1) * packageFiles.length);
    const best = (het: boolean, key: 'closedForm' | 'analytical' | 'simulated') =>
      results.filter((r) => r.heterogeneous === het).sort((a, b) => a[key].edpJs - b[key].edpJs)[0];
    const het = best(true, 'analytical');
    const hom = best(false, 'analytical');
    const hetS = best(true, 'simulated');
    const homS = best(false, 'simulated');
    const hetF = best(true, 'closedForm');
    const homF = best(false, 'closedForm');
    scenarios.push({
      scenario: scenario.name, kind: scenario.kind, results,
      bestHeterogeneous: het?.package ?? '', bestHomogeneous: hom?.package ?? '',
      edpReductionAnalytical: het && hom ? 1 - het.analytical.edpJs / hom.analytical.edpJs : NaN,
      edpReductionSimulated: hetS && homS ? 1 - hetS.simulated.edpJs / homS.simulated.edpJs : NaN,
      edpReductionClosedForm: hetF && homF ? 1 - hetF.closedForm.edpJs / homF.closedForm.edpJs : NaN,
      edpReductionVs: Object.fromEntries(results.filter((r) => !r.heterogeneous).map((r) => [r.package, hetS ? 1 - hetS.simulated.edpJs / r.simulated.edpJs : NaN])),
    });
  }
  const kinds = [...new Set(scenarios.map((s) => s.kind))];
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return {
    strategy: opts.strategy, seed: opts.seed, ...(opts.overrides?.mapping ? { mapping: opts.overrides.mapping } : {}), scenarios,
    averages: kinds.map((k) => {
      const ss = scenarios.filter((s) => s.kind === k);
      const homs = Object.keys(ss[0].edpReductionVs);
      return {
        kind: k, scenarios: ss.length, edpReductionAnalytical: mean(ss.map((s) => s.edpReductionAnalytical)), edpReductionSimulated: mean(ss.map((s) => s.edpReductionSimulated)),
        edpReductionClosedForm: mean(ss.map((s) => s.edpReductionClosedForm)),
        edpReductionVs: Object.fromEntries(homs.map((h) => [h, mean(ss.map((s) => s.edpReductionVs[h]))])),
      };
    }),
  };
}

/** The ten shipped scenarios (models/scenarios except the default and the SCAR reproduction's scar*). */
export function shippedScenarios(root: string): string[] {
  const dir = path.join(root, 'models/scenarios');
  return fs.readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'default.json' && !f.startsWith('scar')).sort().map((f) => path.join(dir, f));
}

