/**
 * Library entry points that chain the modules the way the CLI and scripts use them:
 * load inputs -> schedule -> lower -> estimate and simulate -> compare.
 */
import { loadPackage } from './input/package';
import { loadScenario } from './input/scenario';
import { loadSchedule, resolveFromSchedule } from './input/schedule';
import { Package, Scenario, Schedule, ScheduleJob } from './input/types';
import { InputError } from './input/errors';
import { Topology } from './cost/topology';
import { lowerSchedule, Program } from './cost/program';
import { estimateProgram, Estimate } from './cost/estimate';
import { scheduleGreedy } from './sched/greedy';
import { scheduleStandalone, StandaloneResult } from './sched/standalone';
import { ObjectiveName, objectiveOf } from './sched/objective';
import { DEFAULT_SCAR, ScarOptions, ScarResult, scheduleScar } from './sched/scar/scar';
import { makeRng } from './engine/rng';
import { simulate, SimResult } from './hw/replay';
import { compare, Comparison } from './report/compare';
import { TraceSink } from './trace/sink';
import { TimedSink } from './trace/timed';

export const STRATEGIES = ['scar', 'greedy', 'exhaustive', 'standalone'] as const;
export type Strategy = (typeof STRATEGIES)[number];

export interface ScheduleOptions {
  strategy: Strategy;
  seed: string;
  scar?: Partial<Omit<ScarOptions, 'rng'>>;
  onProgress?: (message: string) => void;
  /** What the strategy minimises (default edp). */
  objective?: ObjectiveName;
  /** Rank schedules by the scenario's latency SLOs first (default true; greedy does not). */
  enforceSlo?: boolean;
}

export interface Inputs {
  scenario: Scenario;
  pkg: Package;
}

export function loadInputs(scenarioFile: string, packageFile: string): Inputs {
  return { scenario: loadScenario(scenarioFile), pkg: loadPackage(packageFile) };
}

export interface MadeSchedule extends Schedule {
  /** The SCAR search's own record (windows, choices, its analytical estimate). */
  scar?: ScarResult;
  standalone?: StandaloneResult;
  /** Scheduler warnings (latency SLOs no schedule meets). */
  warnings: string[];
}

export function makeSchedule(inputs: Inputs, opts: ScheduleOptions | Strategy, file = '(generated)'): MadeSchedule {
  const o: ScheduleOptions = typeof opts === 'string' ? { strategy: opts, seed: '1' } : opts;
  const topo = new Topology(inputs.pkg);
  let jobs: ScheduleJob[];
  let scar: ScarResult | undefined;
  let standalone: StandaloneResult | undefined;
  const objective = objectiveOf(o.objective);
  switch (o.strategy) {
    case 'greedy':
      jobs = scheduleGreedy(inputs.scenario, inputs.pkg, topo, objective).jobs;
      break;
    case 'standalone':
      standalone = scheduleStandalone(inputs.scenario, inputs.pkg, { objective, maxMicroBatches: o.scar?.maxMicroBatches ?? DEFAULT_SCAR.maxMicroBatches, enforceSlo: o.enforceSlo }, topo);
      jobs = standalone.jobs;
      break;
    case 'scar':
    case 'exhaustive':
      scar = scheduleScar(inputs.scenario, inputs.pkg, {
        ...DEFAULT_SCAR,
        ...(o.strategy === 'exhaustive' ? { segmentations: 'all', search: 'exhaustive', maxEvaluations: 2_000_000 } : {}),
        ...o.scar,
        rng: makeRng(o.seed),
        onProgress: o.onProgress,
        objective,
        enforceSlo: o.enforceSlo,
      }, topo);
      jobs = scar.jobs;
      break;
  }
  const warnings = scar?.warnings ?? standalone?.warnings ?? [];
  return { file, strategy: o.strategy, scenarioPath: inputs.scenario.file, packagePath: inputs.pkg.file, jobs, scar, standalone, warnings };
}

/** Loads a schedule file with the scenario and package it names. */
export function loadScheduleWithInputs(file: string): { schedule: Schedule } & Inputs {
  const schedule = loadSchedule(file);
  const load = <T>(p: string, field: string, f: (x: string) => T): T => {
    try {
      return f(resolveFromSchedule(schedule, p));
    } catch (e) {
      if (e instanceof InputError && e.detail === 'file not found') throw new InputError(file, field, `"${p}" not found (resolved to ${e.file})`);
      throw e;
    }
  };
  return {
    schedule,
    scenario: load(schedule.scenarioPath, 'scenario', loadScenario),
    pkg: load(schedule.packagePath, 'package', loadPackage),
  };
}

export interface Evaluation {
  program: Program;
  estimate: Estimate;
  sim: SimResult;
  comparison: Comparison;
  /** Wall time of the simulation, trace writing included. */
  wallMs: number;
  /** Of wallMs, the time spent in the trace sinks (encoding and writing the traces); 0 without. */
  traceMs: number;
}

/** What a trace sink may want to know about the run it records. */
export interface SinkContext {
  program: Program;
  estimate: Estimate;
  schedule: Schedule;
}

/**
 * Lowers, estimates and simulates a schedule. Trace sinks are opened by `openSink` only after
 * the schedule lowered without error, so bad input never leaves a trace file behind.
 * `fingerprint`: also hash the simulator's event sequence (off by default: it costs time).
 * `check`: check the simulator's run-time invariants (default: MCMSIM_CHECK=1 in the environment).
 */
export async function evaluate(schedule: Schedule, inputs: Inputs, openSink: (ctx: SinkContext) => TraceSink | null = () => null, opts: { fingerprint?: boolean; check?: boolean } = {}): Promise<Evaluation> {
  const program = lowerSchedule(schedule, inputs.scenario, inputs.pkg);
  const estimate = estimateProgram(program);
  const opened = openSink({ program, estimate, schedule });
  const sink = opened && new TimedSink(opened);
  const t0 = process.hrtime.bigint();
  const sim = await simulate(program, { sink, fingerprint: opts.fingerprint, check: opts.check });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  return { program, estimate, sim, comparison: compare(program, estimate, sim), wallMs, traceMs: sink ? sink.ns / 1e6 : 0 };
}
