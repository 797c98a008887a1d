/**
 * `mcmsim explore SPEC`: searches package designs (explore-space.ts) for the spec's weighted
 * scenarios. Every design is scored by its schedule's analytical estimate (SCAR by default, or
 * any strategy and objective); the top K are then simulated to confirm the ranking.
 *
 * Work is a list of units (one design or baseline package, all scenarios), run by runExploreUnit
 * anywhere (the worker pool); the search only decides which units to run, so its output is the
 * same for any number of workers. Small spaces (at most spec.exhaustiveLimit designs before
 * symmetry) are enumerated; larger ones get a seeded (mu + lambda) evolutionary search.
 */
import { makeSchedule, evaluate, Strategy } from '../pipeline';
import { lowerSchedule } from '../cost/program';
import { estimateProgram } from '../cost/estimate';
import { ChipletKind, Package } from '../input/types';
import { parsePackage } from '../input/package';
import { deepFreeze, readJsonFile } from '../input/json';
import { applyOverrides, MappingProfile } from '../input/overrides';
import { ExploreSpec, loadExploreSpec } from '../input/explore-spec';
import { ObjectiveName } from '../sched/objective';
import { InputError } from '../input/errors';
import { SearchLimitError } from '../sched/scar/scar';
import { makeRng, Rng } from '../engine/rng';
import { aggregate, DesignResult, ranked, score, ScenarioFigures } from '../report/explore';
import { canonical, Design, designKey, designPackageJson, enumerate, homogeneous, layoutRows, parseDesignKey, spaceSize, symmetries, totals, withinBudget } from './explore-space';

export interface ExploreOptions {
  strategy: Strategy;
  objective: ObjectiveName;
  seed: string;
  /** Every kind's mapping (as `compare --mapping`); undefined: as the package files say. */
  mapping?: MappingProfile;
}

/** One unit of work: plain data, so it crosses to a worker thread. */
export interface ExploreUnit extends ExploreOptions {
  spec: string;
  /** A design key, or "baseline:<file>" (absolute). */
  target: string;
  simulate: boolean;
}

/** What results were made with: a results file made with other options is not reused. */
export function configKey(spec: ExploreSpec, o: ExploreOptions): string {
  return JSON.stringify({ strategy: o.strategy, objective: o.objective, seed: o.seed, mapping: o.mapping ?? 'as-files', scar: spec.scar });
}

// Per-thread memos (pure: the same inputs give the same objects). A worker keeps the loaded spec
// between its units, and chiplet kinds with equal fields are one object, so the per-layer plan
// cache (sim/cost/plan.ts, keyed by kind and layer shape) serves every design: this is what
// makes a design cost about 1 s instead of 10 (the mapper's search dominates a cold schedule).
const specs = new Map<string, ExploreSpec>();
const kindObjects = new Map<string, ChipletKind>();

export function specOf(file: string): ExploreSpec {
  let s = specs.get(file);
  if (!s) specs.set(file, (s = loadExploreSpec(file)));
  return s;
}

function interned(pkg: Package): Package {
  const kinds = pkg.kinds.map((k) => {
    const id = JSON.stringify(k);
    let v = kindObjects.get(id);
    if (!v) kindObjects.set(id, (v = k));
    return v;
  });
  return deepFreeze({ ...pkg, kinds, chiplets: pkg.chiplets.map((c) => ({ ...c, kind: kinds[pkg.kinds.indexOf(c.kind)] })) });
}

const noFail = (key: string, detail: string): never => {
  throw new Error(`override ${key}: ${detail}`);
};

/** The package a unit scores (mapping applied). */
export function unitPackage(spec: ExploreSpec, target: string, mapping?: MappingProfile): Package {
  const ov = mapping ? { mapping } : {};
  if (target.startsWith('baseline:')) {
    const file = target.slice('baseline:'.length);
    return interned(parsePackage(file, applyOverrides(readJsonFile(file), ov, noFail)));
  }
  const d = parseDesignKey(spec, target);
  if (!d) throw new Error(`not a design of ${spec.name}: ${target}`);
  return interned(parsePackage(`${spec.file} (design ${target})`, applyOverrides(designPackageJson(spec, d), ov, noFail)));
}

/** Schedules every scenario of the spec on the unit's package: estimate, and simulation when asked. */
export async function runExploreUnit(u: ExploreUnit): Promise<DesignResult> {
  const spec = specOf(u.spec);
  const pkg = unitPackage(spec, u.target, u.mapping);
  const figs: ScenarioFigures[] = [];
  let error: string | undefined;
  for (const s of spec.scenarios) {
    const inputs = { scenario: s.scenario, pkg };
    let schedule;
    try {
      schedule = makeSchedule(inputs, { strategy: u.strategy, seed: u.seed, objective: u.objective, scar: spec.scar });
    } catch (e) {
      // A design the scenario cannot run on (a layer fits no chiplet, a search over its limit) is a result, not the end of the search.
      if (!(e instanceof InputError || e instanceof SearchLimitError)) throw e;
      error = `${s.scenario.name}: ${e.message}`;
      break;
    }
    if (u.simulate) {
      const ev = await evaluate(schedule, inputs);
      const a = ev.comparison.analytical;
      const m = ev.comparison.simulated;
      figs.push({ latencyPs: a.latencyPs, energyPj: a.energy.totalPj, simLatencyPs: m.latencyPs, simEnergyPj: m.energy.totalPj });
    } else {
      const est = estimateProgram(lowerSchedule(schedule, inputs.scenario, inputs.pkg));
      figs.push({ latencyPs: est.makespanPs, energyPj: est.energy.totalPj });
    }
  }
  const agg = error ? { latencyS: Infinity, energyJ: Infinity, edpJs: Infinity } : aggregate(figs, spec.scenarios.map((s) => s.weight));
  const baseline = u.target.startsWith('baseline:');
  const kinds = new Set(pkg.chiplets.map((c) => c.kind.name));
  const letter = (name: string) => spec.kinds.find((k) => k.name === name)?.letter ?? name[0].toUpperCase();
  return {
    explore: spec.name,
    config: configKey(spec, u),
    key: baseline ? `baseline:${pkg.name}` : u.target,
    layout: Array.from({ length: pkg.rows }, (_, r) => pkg.chiplets.slice(r * pkg.cols, (r + 1) * pkg.cols).map((c) => letter(c.kind.name)).join('')),
    homogeneous: !baseline && kinds.size === 1,
    pes: pkg.chiplets.reduce((a, c) => a + c.kind.peRows * c.kind.peCols, 0),
    bufferBytes: pkg.chiplets.reduce((a, c) => a + c.kind.bufferBytes, 0),
    scenarios: figs,
    ...agg,
    ...(error ? { error } : {}),
  };
}

/**
 * Runs units (those already known come from the cache: resume) and returns their results in
 * unit order. The CLI passes one that uses the worker pool and appends to the results file.
 */
export type UnitRunner = (units: ExploreUnit[]) => Promise<DesignResult[]>;

export interface Shard {
  index: number;
  count: number;
}

export interface SearchOutcome {
  mode: 'exhaustive' | 'evolutionary';
  spaceSize: number;
  /** Canonical designs within budget (exhaustive only). */
  canonical?: number;
  results: DesignResult[];
}

/**
 * The search. Exhaustive: the baselines and every canonical design, unit i in shard i mod N.
 * Evolutionary: each shard is an island with its own seed (`explore:<seed>:<shard>`), so a job
 * array runs N independent searches whose union the merge ranks (the baselines run in shard 0).
 */
export async function search(spec: ExploreSpec, o: ExploreOptions, shard: Shard, run: UnitRunner, onPlan: (units: number, what: string) => void = () => undefined): Promise<SearchOutcome> {
  const unit = (target: string): ExploreUnit => ({ ...o, spec: spec.file, target, simulate: false });
  const baselines = spec.baselines.map((b) => unit(`baseline:${b.file}`));
  const size = spaceSize(spec);
  if (size <= spec.exhaustiveLimit) {
    const designs = enumerate(spec);
    const all = [...baselines, ...designs.map((d) => unit(designKey(spec, d)))];
    const mine = all.filter((_, i) => i % shard.count === shard.index);
    onPlan(mine.length, `exhaustive: ${designs.length} canonical designs of ${size}, ${baselines.length} baselines; shard ${shard.index}/${shard.count} runs ${mine.length} units`);
    return { mode: 'exhaustive', spaceSize: size, canonical: designs.length, results: await run(mine) };
  }
  const rng = makeRng(`explore:${o.seed}:${shard.index}`);
  const results: DesignResult[] = [];
  const P = spec.population;
  onPlan((shard.index === 0 ? baselines.length : 0) + P * (spec.generations + 1), `evolutionary: ${size} designs before symmetry; population ${P}, ${spec.generations} generations, island ${shard.index}/${shard.count}`);
  if (shard.index === 0) results.push(...(await run(baselines)));
  const syms = symmetries(spec);
  const seen = new Map<string, DesignResult>();
  const evalAll = async (ds: Design[]): Promise<DesignResult[]> => {
    const keys = [...new Set(ds.map((d) => designKey(spec, d)))].filter((k) => !seen.has(k));
    const rs = await run(keys.map(unit));
    rs.forEach((r) => {
      seen.set(r.key, r);
      results.push(r);
    });
    return ds.map((d) => seen.get(designKey(spec, d))!);
  };
  const canon = (d: Design) => canonical(spec, syms, d);
  const fresh = (d: Design, taken: Set<string>) => withinBudget(spec, d) && !taken.has(designKey(spec, d));

  // Start: the homogeneous designs, then random ones.
  const taken = new Set<string>();
  const start: Design[] = [];
  for (const d of homogeneous(spec).map(canon)) if (fresh(d, taken)) (taken.add(designKey(spec, d)), start.push(d));
  for (let tries = 0; start.length < P && tries < P * 50; tries++) {
    const d = canon(randomDesign(spec, rng));
    if (fresh(d, taken)) (taken.add(designKey(spec, d)), start.push(d));
  }
  let pop = ranked(await evalAll(start), o.objective).filter((r) => !r.error);
  for (let g = 0; g < spec.generations && pop.length > 0; g++) {
    const kids: Design[] = [];
    const kidKeys = new Set<string>();
    for (let tries = 0; kids.length < P && tries < P * 50; tries++) {
      const a = tournament(pop, o.objective, rng);
      const b = tournament(pop, o.objective, rng);
      const d = canon(mutate(spec, crossover(spec, parseDesignKey(spec, a.key)!, parseDesignKey(spec, b.key)!, rng), rng));
      const k = designKey(spec, d);
      if (withinBudget(spec, d) && !seen.has(k) && !kidKeys.has(k)) (kidKeys.add(k), kids.push(d));
    }
    if (kids.length === 0) break; // the space is used up
    const evaluated = (await evalAll(kids)).filter((r) => !r.error);
    pop = ranked([...pop, ...evaluated], o.objective).slice(0, P);
  }
  return { mode: 'evolutionary', spaceSize: size, results };
}

function randomDesign(spec: ExploreSpec, rng: Rng): Design {
  return {
    cells: Array.from({ length: spec.rows * spec.cols }, () => rng.int(spec.kinds.length)),
    choice: spec.kinds.map((k) => rng.int(k.choices.length)),
    dram: rng.int(spec.dram.length),
  };
}

/** The better of two random members (binary tournament). */
function tournament(pop: readonly DesignResult[], objective: ObjectiveName, rng: Rng): DesignResult {
  const a = pop[rng.int(pop.length)];
  const b = pop[rng.int(pop.length)];
  return score(b, objective) < score(a, objective) ? b : a;
}

/** a with a random rectangle of b (layouts keep their spatial blocks); each alternative from either. */
function crossover(spec: ExploreSpec, a: Design, b: Design, rng: Rng): Design {
  const r0 = rng.int(spec.rows);
  const r1 = r0 + rng.int(spec.rows - r0);
  const c0 = rng.int(spec.cols);
  const c1 = c0 + rng.int(spec.cols - c0);
  const cells = a.cells.map((k, i) => {
    const r = Math.floor(i / spec.cols);
    const c = i % spec.cols;
    return r >= r0 && r <= r1 && c >= c0 && c <= c1 ? b.cells[i] : k;
  });
  return { cells, choice: a.choice.map((x, k) => (rng.next() < 0.5 ? x : b.choice[k])), dram: rng.next() < 0.5 ? a.dram : b.dram };
}

/** Each position takes another kind with probability 1/positions (at least one does); alternatives and channel set with 0.1. */
function mutate(spec: ExploreSpec, d: Design, rng: Rng): Design {
  const n = d.cells.length;
  const K = spec.kinds.length;
  const cells = [...d.cells];
  const other = (k: number) => (k + 1 + rng.int(K - 1)) % K;
  let changed = false;
  if (K > 1) {
    for (let i = 0; i < n; i++) if (rng.next() < 1 / n) (cells[i] = other(cells[i]), (changed = true));
    if (!changed) {
      const i = rng.int(n);
      cells[i] = other(cells[i]);
    }
  }
  const choice = d.choice.map((x, k) => (spec.kinds[k].choices.length > 1 && rng.next() < 0.1 ? rng.int(spec.kinds[k].choices.length) : x));
  const dram = spec.dram.length > 1 && rng.next() < 0.1 ? rng.int(spec.dram.length) : d.dram;
  return { cells, choice, dram };
}

export { layoutRows, totals };
