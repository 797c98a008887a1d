/**
 * The kinds of unit the worker pool runs (sim/cli/pool.ts). A task takes one serialisable unit
 * (file paths, strategy, seed, options: no functions, no loaded objects) and returns a
 * serialisable result; it loads its own inputs, so it runs the same in a worker thread or in
 * this process. To add one (e.g. a reproduction's experiment), add its function here.
 */
import { runPackageUnit } from '../report/packages';
import { runSweepUnit } from '../report/sweep';
import { runUnit as runReproUnit } from '../report/reproduce';
import { runExploreUnit } from '../experiments/explore';

export const TASKS = {
  /** Schedule + estimate + simulate one scenario on one package (compare, sweep). */
  package: runPackageUnit,
  /** One grid point of a sweep, as its results line (sweep). */
  sweep: runSweepUnit,
  /** One (scenario, package, strategy) run of a paper reproduction (reproduce). */
  reproduce: runReproUnit,
  /** One design or baseline package of an exploration, on every scenario of its spec (explore). */
  explore: runExploreUnit,
};

export type TaskName = keyof typeof TASKS;
export type UnitOf<T extends TaskName> = Parameters<(typeof TASKS)[T]>[0];
export type ResultOf<T extends TaskName> = Awaited<ReturnType<(typeof TASKS)[T]>>;
