/**
 * Replays a Program on the discrete-event engine: builds the fabric (NoP links, DRAM channels)
 * and one ChipletSim per chiplet, starts each job when its chiplet reaches it in the schedule's
 * order, its producers have ended and its window has opened, and collects timing and counts.
 */
import { Engine } from '../engine/engine';
import { Program, Job } from '../cost/program';
import { addPlanCounts, Counts, Energy, energyOf, newCounts } from '../cost/energy';
import { Fabric } from './fabric';
import { ChipletSim, JobHost } from './chiplet';
import { TraceSink } from '../trace/sink';
import { JobTiming } from '../cost/estimate';

export interface SimResult {
  readonly jobs: JobTiming[];
  readonly makespanPs: number;
  readonly counts: Counts;
  readonly energy: Energy;
  readonly events: number;
  readonly fingerprint: string;
  /** Busy time per resource (topology order) and per chiplet PE array, ps. */
  readonly resourceBusyPs: Float64Array;
  readonly chipletBusyPs: Float64Array;
}

export interface SimOptions {
  sink?: TraceSink | null;
  fingerprint?: boolean;
}

export async function simulate(prog: Program, opts: SimOptions = {}): Promise<SimResult> {
  const sink = opts.sink ?? null;
  if (!sink) return simulateCore(prog, null, opts.fingerprint ?? true);
  sink.begin({ pkg: prog.pkg, topology: prog.topology, jobs: prog.jobs });
  let r: SimResult;
  try {
    r = simulateCore(prog, sink, opts.fingerprint ?? true);
  } catch (e) {
    sink.abort(e);
    throw e;
  }
  await sink.end(r.makespanPs);
  return r;
}

/** The synchronous part of simulate (no sink flush). */
export function simulateCore(prog: Program, sink: TraceSink | null, fingerprint = true): SimResult {
  const engine = new Engine({ fingerprint });
  const topo = prog.topology;
  const fabric = new Fabric(engine, topo, sink);
  const jobs: JobTiming[] = prog.jobs.map(() => ({ startPs: -1, endPs: -1 }));
  const counts = newCounts(topo);
  const depsLeft = Int32Array.from(prog.jobs, (j) => j.deps.length);
  const windowLeft = new Int32Array(Math.max(1, prog.windows));
  for (const j of prog.jobs) windowLeft[j.window]++;
  const pos = new Int32Array(topo.nChiplets); // next position in each chiplet's order
  let openWindow = 0;
  let ended = 0;

  const tryStart = (c: number) => {
    const list = prog.chipletJobs[c];
    if (!chiplets[c].idle || pos[c] >= list.length) return;
    const job = prog.jobs[list[pos[c]]];
    if (depsLeft[job.index] > 0 || job.window > openWindow) return;
    pos[c]++;
    jobs[job.index].startPs = engine.nowPs;
    chiplets[c].start(job);
  };

  const host: JobHost = {
    jobEnded(job: Job, startPs: number, endPs: number) {
      jobs[job.index].startPs = startPs;
      jobs[job.index].endPs = endPs;
      addPlanCounts(counts, job.chiplet, job.plan);
      ended++;
      for (const c of job.consumers) depsLeft[c]--;
      if (--windowLeft[job.window] === 0) {
        while (openWindow < windowLeft.length - 1 && windowLeft[openWindow] === 0) openWindow++;
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
  const all: Counts = { ...counts, resourceBytes: fabric.bytes };
  return {
    jobs, makespanPs: end, counts: all, energy: energyOf(prog.pkg, topo, all, end),
    events: engine.eventsProcessed, fingerprint: engine.fingerprint,
    resourceBusyPs: fabric.busyPs, chipletBusyPs: Float64Array.from(chiplets, (c) => c.busyPs),
  };
}
