/**
 * Replays a Program on the discrete-event engine: builds the fabric (NoP links, DRAM channels)
 * and one ChipletSim per chiplet, starts each job when its chiplet reaches it in the schedule's
 * order, its producers have ended and its window has opened, and collects timing and counts.
 */
import { Engine } from '../engine/engine';
import { checkingWanted, InvariantError, makeChecker } from '../engine/check';
import { Program, Job } from '../cost/program';
import { addPlanCounts, Counts, Energy, energyOf, newCounts } from '../cost/energy';
import { createFabric } from './nop';
import type { Fabric } from './fabric';
import { JobResourceDelays } from './job-resource-delay';
import { ChipletSim, JobHost } from './chiplet';
import { TraceSink } from '../trace/sink';
import { JobTiming } from '../cost/estimate';
import { createDramModel } from './dram';

export interface SimResult {
  readonly jobs: JobTiming[];
  readonly makespanPs: number;
  readonly counts: Counts;
  readonly energy: Energy;
  readonly events: number;
  /** Engine event fingerprint, when asked for (SimOptions.fingerprint). */
  readonly fingerprint?: string;
  /** Busy time per resource (topology order) and per chiplet PE array, ps. */
  readonly resourceBusyPs: Float64Array;
  readonly chipletBusyPs: Float64Array;
  /** Where the time went: queueing per resource and per job, and each job's readiness. */
  readonly contention: Contention;
}

/**
 * Contention accounting, typed arrays indexed by resource (topology order) or job index.
 * A job's time splits into: waiting for its producers / window (readyPs - chipletFreePs when
 * positive), its own run (startPs..endPs) in which it computes (tiles x cycles) and waits in
 * queues behind other transfers (queueDelayPs, by resource), and the store tail after its last
 * compute (endPs - lastComputeEndPs).
 */
export interface Contention {
  readonly resourceQueueDelayPs: Float64Array;
  readonly jobQueueDelayPs: Float64Array;
  /** Per (job, resource) pair that had any (sparse). */
  readonly jobResourceDelayPs: JobResourceDelays;
  /** When all producers had ended and the job's window was open. */
  readonly jobReadyPs: Float64Array;
  /** When the job's chiplet finished its previous job (0 for the first). */
  readonly jobChipletFreePs: Float64Array;
  readonly jobLastComputeEndPs: Float64Array;
  /** Per DRAM model: its own statistics (row hits, activates, refreshes), if any. */
  readonly dram: Record<string, number> | null;
}

export interface SimOptions {
  sink?: TraceSink | null;
  /** Hash every event (tests of behaviour change); costs simulation time. */
  fingerprint?: boolean;
  /** Check the run-time invariants (sim/engine/check.ts); default: MCMSIM_CHECK=1 in the environment. */
  check?: boolean;
}

export async function simulate(prog: Program, opts: SimOptions = {}): Promise<SimResult> {
  const sink = opts.sink ?? null;
  if (!sink) return simulateCore(prog, null, opts.fingerprint ?? false, opts.check);
  sink.begin({ pkg: prog.pkg, topology: prog.topology, jobs: prog.jobs, chipletJobs: prog.chipletJobs });
  let r: SimResult;
  try {
    r = simulateCore(prog, sink, opts.fingerprint ?? false, opts.check);
  } catch (e) {
    sink.abort(e);
    throw e;
  }
  await sink.end(r.makespanPs, r.fingerprint);
  return r;
}

/** The synchronous part of simulate (no sink flush). */
export function simulateCore(prog: Program, sink: TraceSink | null, fingerprint = false, check?: boolean): SimResult {
  const engine = new Engine({ fingerprint, check: makeChecker(checkingWanted(check)) });
  const topo = prog.topology;
  const nJobs = prog.jobs.length;
  const fabric = createFabric(engine, topo, sink, nJobs);
  const dram = createDramModel(prog.pkg, engine, fabric, topo);
  const jobs: JobTiming[] = prog.jobs.map(() => ({ startPs: -1, endPs: -1 }));
  const depsReadyPs = new Float64Array(nJobs);
  const chipletFreePs = new Float64Array(nJobs);
  const lastComputeEndPs = new Float64Array(nJobs);
  const chipletLastEndPs = new Float64Array(topo.nChiplets);
  const windowOpenPs = new Float64Array(Math.max(1, prog.windows));
  const counts = newCounts(topo);
  const depsLeft = Int32Array.from(prog.jobs, (j) => j.deps.length);
  const windowLeft = new Int32Array(Math.max(1, prog.windows));
  for (const j of prog.jobs) windowLeft[j.window]++;
  const pos = new Int32Array(topo.nChiplets); // next position in each chiplet's order
  let openWindow = 0;
  // Windows no job uses (a schedule may number them 1, 2, ...) are open from the start.
  while (openWindow < windowLeft.length - 1 && windowLeft[openWindow] === 0) openWindow++;
  let ended = 0;

  const tryStart = (c: number) => {
    const list = prog.chipletJobs[c];
    if (!chiplets[c].idle || pos[c] >= list.length) return;
    const job = prog.jobs[list[pos[c]]];
    if (depsLeft[job.index] > 0 || job.window > openWindow) return;
    pos[c]++;
    chipletFreePs[job.index] = chipletLastEndPs[c];
    jobs[job.index].startPs = engine.nowPs;
    if (sink?.jobStart) sink.jobStart(job.index, engine.nowPs);
    chiplets[c].start(job);
  };

  const host: JobHost = {
    jobEnded(job: Job, startPs: number, endPs: number) {
      jobs[job.index].startPs = startPs;
      jobs[job.index].endPs = endPs;
      addPlanCounts(counts, job.chiplet, job.plan);
      ended++;
      chipletLastEndPs[job.chiplet] = endPs;
      lastComputeEndPs[job.index] = chiplets[job.chiplet].lastComputeEndPs;
      for (const c of job.consumers) {
        depsLeft[c]--;
        if (endPs > depsReadyPs[c]) depsReadyPs[c] = endPs;
      }
      if (--windowLeft[job.window] === 0) {
        while (openWindow < windowLeft.length - 1 && windowLeft[openWindow] === 0) {
          openWindow++;
          windowOpenPs[openWindow] = endPs;
        }
        for (let c = 0; c < chiplets.length; c++) tryStart(c);
        return;
      }
      tryStart(job.chiplet);
      for (const c of job.consumers) tryStart(prog.jobs[c].chiplet);
    },
  };
  const chiplets = prog.pkg.chiplets.map((c) => new ChipletSim(c.index, engine, fabric, host, sink));
  for (let c = 0; c < chiplets.length; c++) tryStart(c);
  engine.run();
  if (ended !== prog.jobs.length) {
    // lowerSchedule rejects orders that cannot run, so this is a simulator bug.
    throw new Error(`simulation stalled: ${prog.jobs.length - ended} job(s) never ran`);
  }
  const end = jobs.reduce((m, j) => Math.max(m, j.endPs), 0);
  if (engine.check.on) checkRun(engine, prog, fabric, chiplets, jobs, end);
  const all: Counts = { ...counts, resourceBytes: fabric.bytes };
  let energy = energyOf(prog.pkg, topo, all, end);
  if (dram) energy = dram.energy(energy, end);
  const jobReadyPs = new Float64Array(nJobs);
  for (const j of prog.jobs) jobReadyPs[j.index] = Math.max(depsReadyPs[j.index], windowOpenPs[j.window]);
  return {
    jobs, makespanPs: end, counts: all, energy,
    events: engine.eventsProcessed, fingerprint: fingerprint ? engine.fingerprint : undefined,
    resourceBusyPs: fabric.busyPs, chipletBusyPs: Float64Array.from(chiplets, (c) => c.busyPs),
    contention: {
      resourceQueueDelayPs: fabric.queueDelayPs, jobQueueDelayPs: fabric.jobQueueDelayPs, jobResourceDelayPs: fabric.jobResourceDelayPs,
      jobReadyPs, jobChipletFreePs: chipletFreePs, jobLastComputeEndPs: lastComputeEndPs, dram: dram ? dram.stats() : null,
    },
  };
}

/**
 * After a run (with a checker): the engine drained, every job ran on its chiplet after its
 * producers and no two jobs overlapped there, and no resource was busier than the makespan.
 */
function checkRun(engine: Engine, prog: Program, fabric: Fabric, chiplets: readonly ChipletSim[], jobs: readonly JobTiming[], end: number): void {
  const check = engine.check;
  check.finish(engine.nowPs, engine.eventsScheduled, engine.eventsProcessed);
  for (const c of prog.chipletJobs) {
    let prev = -1;
    for (const i of c) {
      const j = prog.jobs[i];
      const name = `chiplet ${j.chiplet} job ${i} (${j.name})`;
      const t = jobs[i];
      if (!(t.startPs >= 0 && t.endPs >= t.startPs)) throw new InvariantError('job', name, t.startPs, `ran from ${t.startPs} to ${t.endPs} ps`);
      for (const d of j.deps) if (t.startPs < jobs[d].endPs) throw new InvariantError('dependency', name, t.startPs, `started before its producer job ${d} (${prog.jobs[d].name}) ended at ${jobs[d].endPs} ps`);
      // Each chiplet runs its jobs one at a time, in its list's order.
      if (prev >= 0 && t.startPs < jobs[prev].endPs) throw new InvariantError('one job per chiplet', name, t.startPs, `started before job ${prev} (${prog.jobs[prev].name}) ended at ${jobs[prev].endPs} ps`);
      prev = i;
    }
  }
  const res = prog.topology.resources;
  for (let r = 0; r < res.length; r++) check.busy(res[r].name, fabric.busyPs[r], end);
  for (const c of chiplets) check.busy(`chiplet ${c.index} PE array`, c.busyPs, end);
}
