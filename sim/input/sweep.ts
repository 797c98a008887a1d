/**
 * Loads a sweep specification (`mcmsim/sweep@1`): the grid scenarios x packages x strategies x
 * objectives x seeds x override values, unrolled into units in a fixed order (scenarios
 * outermost, then packages, strategies, objectives, seeds, and the overrides in the order of
 * OVERRIDE_KEYS). Paths are
 * relative to the spec file. Every override value is applied to every package and checked by
 * the package's own parser here, before anything runs; a bad one is reported against the spec.
 */
import * as path from 'path';
import { InputError } from './errors';
import { checkSchema, Node, ObjNode, readJsonFile } from './json';
import { loadScenario } from './scenario';
import { loadPackage } from './package';
import { loadPackageWith, OVERRIDE_KEYS, PackageOverrides } from './overrides';
import { ScarOptions } from '../sched/scar/scar';

// The strategies of sim/pipeline.ts (kept here: inputs do not import the pipeline; a test checks they agree).
export const STRATEGY_NAMES = ['scar', 'greedy', 'exhaustive', 'standalone'] as const;
// What a strategy minimises: sim/sched/objective.ts's OBJECTIVES (a test checks they agree).
export const OBJECTIVE_NAMES = ['edp', 'latency', 'energy'] as const;
export type SweepObjective = (typeof OBJECTIVE_NAMES)[number];

export interface SweepUnit {
  /** Identity of the unit in results files (resume, merge): everything that determines its result. */
  key: string;
  /** Position in the spec's grid (0-based) and the grid's size. */
  index: number;
  /** Files as written in the spec, and resolved. */
  scenarioRef: string;
  packageRef: string;
  scenario: string;
  package: string;
  strategy: (typeof STRATEGY_NAMES)[number];
  /** What the strategy minimises (the CLI's --objective). */
  objective: SweepObjective;
  seed: string;
  overrides: PackageOverrides;
  scar: Partial<Omit<ScarOptions, 'rng' | 'onProgress'>>;
}

export interface SweepSpec {
  file: string;
  name: string;
  units: SweepUnit[];
}

export function loadSweep(file: string): SweepSpec {
  const top = new Node(file, '', readJsonFile(file)).obj(['schema', 'name', 'scenarios', 'packages'], ['strategies', 'objectives', 'seeds', 'overrides', 'scar', 'note']);
  checkSchema(top, 'sweep');
  const name = top.get('name').str();
  const dir = path.dirname(file);
  const files = (field: string, load: (f: string) => unknown) =>
    top.get(field).arr(1).map((n) => {
      const ref = n.str();
      const resolved = path.resolve(dir, ref);
      try {
        load(resolved);
      } catch (e) {
        if (e instanceof InputError && e.detail === 'file not found') n.fail(`"${ref}" not found (resolved to ${resolved})`);
        throw e;
      }
      return { ref, resolved };
    });
  const scenarios = files('scenarios', loadScenario);
  const packages = files('packages', loadPackage);
  const strategies = top.opt('strategies')?.arr(1).map((n) => n.str(STRATEGY_NAMES) as SweepUnit['strategy']) ?? ['scar'];
  const objectives = top.opt('objectives')?.arr(1).map((n) => n.str(OBJECTIVE_NAMES) as SweepObjective) ?? ['edp'];
  const seeds = top.opt('seeds')?.arr(1).map((n) => (typeof n.value === 'number' ? String(n.num({ int: true, min: 0 })) : n.str())) ?? ['1'];
  const scar = scarOptions(top.opt('scar')?.obj([], ['windows', 'topK', 'search', 'microBatches', 'population', 'generations']));

  const overrideAxes: { key: keyof PackageOverrides; values: unknown[] }[] = [];
  const ov = top.opt('overrides')?.obj([], OVERRIDE_KEYS);
  for (const key of OVERRIDE_KEYS) {
    const axis = ov?.opt(key);
    if (!axis) continue;
    const values = axis.arr(1).map((n) => (key === 'peArray' ? n.pair('kind.peRows', '[rows, cols]') : n.value));
    // Each value through each package's own checks, reported against the spec's field.
    values.forEach((v, j) => {
      const field = `overrides.${key}[${j}]`;
      for (const p of packages) checkOverride(file, field, p.resolved, key, v);
    });
    overrideAxes.push({ key, values });
  }
  const combos = overrideAxes.reduce<PackageOverrides[]>((acc, a) => acc.flatMap((o) => a.values.map((v) => ({ ...o, [a.key]: v }))), [{}]);

  const units: SweepUnit[] = [];
  for (const s of scenarios)
    for (const p of packages)
      for (const strategy of strategies)
        for (const objective of objectives)
          for (const seed of seeds)
            for (const overrides of combos) {
              // The default objective stays out of the key, so results written before there was
              // an objective field (all edp) still match their units on resume and merge.
              const key = JSON.stringify({ scenario: s.ref, package: p.ref, strategy, seed, overrides, scar, ...(objective === 'edp' ? {} : { objective }) });
              units.push({ key, index: units.length, scenarioRef: s.ref, packageRef: p.ref, scenario: s.resolved, package: p.resolved, strategy, objective, seed, overrides, scar });
            }
  const seen = new Set<string>();
  const dup = units.find((u) => seen.size === seen.add(u.key).size);
  if (dup) throw new InputError(file, '', `the grid has the same unit twice (${dup.key}); list each file and value once`);
  return { file, name, units };
}

function checkOverride(specFile: string, field: string, pkgFile: string, key: keyof PackageOverrides, value: unknown): void {
  const fail = (_k: keyof PackageOverrides, detail: string): never => {
    throw new InputError(specFile, field, detail);
  };
  try {
    loadPackageWith(pkgFile, { [key]: value } as PackageOverrides, fail);
  } catch (e) {
    if (e instanceof InputError && e.file === pkgFile) {
      throw new InputError(specFile, field, `${e.detail} (as ${e.jsonPath} of ${path.basename(pkgFile)})`);
    }
    throw e;
  }
}

export function scarOptions(o: ObjNode | undefined): SweepUnit['scar'] {
  if (!o) return {};
  const out: SweepUnit['scar'] = {};
  if (o.has('windows')) out.windows = o.get('windows').pos();
  if (o.has('topK')) out.topK = o.get('topK').pos();
  if (o.has('search')) out.search = o.get('search').str(['auto', 'exhaustive', 'evolutionary']) as ScarOptions['search'];
  if (o.has('microBatches')) out.maxMicroBatches = o.get('microBatches').pos();
  if (o.has('population')) out.population = o.get('population').pos();
  if (o.has('generations')) out.generations = o.get('generations').pos();
  return out;
}
