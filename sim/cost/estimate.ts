/**
 * The analytical (contention-free) evaluation of a Program.
 *
 * Per job, tiles run through a three-stage double-buffered pipeline (two tile slots):
 *   load t  starts when load t-1 has ended and slot (t mod 2) is free (tile t-2 stored)
 *   compute t starts when load t and compute t-1 have ended; takes cyclesPerTile cycles
 *   store t starts when compute t ends (only when outputs go to DRAM)
 * A load is the slowest of its transfers (weights and each input source in parallel, transfers
 * on the same path merged: see forEachTileTransfer); a transfer takes Topology.transferTimePs (no other traffic). Jobs on a chiplet run one after
 * another; a job starts when its chiplet is free, its producers have ended and its window has
 * opened. What this cannot see, and the simulator can: contention on NoP links and DRAM
 * channels, between jobs and between a job's own transfers.
 */
import { Job, Program, Source } from './program';
import { tileLoad, TileLoad } from './plan';
import { addPlanCounts, Counts, Energy, energyOf, newCounts } from './energy';
import { Topology } from './topology';

export interface JobTiming {
  startPs: number;
  endPs: number;
}

export interface Estimate {
  readonly jobs: JobTiming[];
  readonly makespanPs: number;
  readonly counts: Counts;
  readonly energy: Energy;
}

/** Picoseconds per clock cycle (integer: 500 MHz -> 2000 ps). */
export function psPerCycle(clockMHz: number): number {
  return Math.round(1e6 / clockMHz);
}

/** Source i's part of `total` bytes, split by integer weights (parts sum to total exactly). */
export function splitBytes(total: number, sources: readonly Source[], i: number, weightSum: number): number {
  let before = 0;
  for (let j = 0; j < i; j++) before += sources[j].weight;
  return Math.floor((total * (before + sources[i].weight)) / weightSum) - Math.floor((total * before) / weightSum);
}

export function weightSum(sources: readonly Source[]): number {
  let s = 0;
  for (const x of sources) s += x.weight;
  return s;
}

/**
 * The transfers of one tile load: the weight and input bytes split over their sources, with
 * transfers along the same path (e.g. weights and model inputs from the same DRAM channel)
 * merged into one, since they queue behind each other anyway. Local sources move nothing.
 * Calls `emit(path, bytes)` once per distinct path; `scratch` is reused to avoid allocation.
 * The simulator issues exactly these transfers.
 */
export function forEachTileTransfer(job: Job, tl: TileLoad, scratch: TransferScratch, emit: (path: readonly number[], bytes: number) => void): void {
  scratch.n = 0;
  collect(job.weightSources, tl.weightBytes, scratch);
  collect(job.inputSources, tl.inputBytes, scratch);
  for (let i = 0; i < scratch.n; i++) emit(scratch.paths[i], scratch.bytes[i]);
}

export interface TransferScratch {
  n: number;
  paths: (readonly number[])[];
  bytes: number[];
}

export function newTransferScratch(): TransferScratch {
  return { n: 0, paths: [], bytes: [] };
}

function collect(sources: readonly Source[], total: number, s: TransferScratch): void {
  if (total === 0 || sources.length === 0) return;
  const ws = weightSum(sources);
  for (let i = 0; i < sources.length; i++) {
    const path = sources[i].path;
    if (path.length === 0) continue;
    const b = splitBytes(total, sources, i, ws);
    if (b === 0) continue;
    let j = 0;
    while (j < s.n && s.paths[j] !== path) j++;
    if (j === s.n) {
      s.paths[j] = path;
      s.bytes[j] = 0;
      s.n++;
    }
    s.bytes[j] += b;
  }
}

/** Contention-free latency of one job (first load to last store), adding its counts. */
export function jobLatencyPs(job: Job, topo: Topology, counts: Counts | null): number {
  const plan = job.plan;
  const cyclePs = plan.cyclesPerTile * psPerCycle(plan.kind.clockMHz);
  const tl: TileLoad = { weightBytes: 0, inputBytes: 0, outputBytes: 0 };
  const scratch = newTransferScratch();
  let loadEnd = 0;
  let compEnd = 0;
  let end = 0;
  let free0 = 0; // slot free times for tiles t-2 and t-1
  let free1 = 0;
  for (let t = 0; t < plan.tiles; t++) {
    tileLoad(plan, t, tl);
    let loadTime = 0;
    forEachTileTransfer(job, tl, scratch, (path, bytes) => {
      if (counts) countBytes(counts.resourceBytes, topo, path, bytes);
      loadTime = Math.max(loadTime, topo.transferTimePs(path, bytes));
    });
    const loadStart = Math.max(loadEnd, free0);
    loadEnd = loadStart + loadTime;
    compEnd = Math.max(loadEnd, compEnd) + cyclePs;
    let slotFree = compEnd;
    if (job.storePath) {
      if (counts) countBytes(counts.resourceBytes, topo, job.storePath, tl.outputBytes);
      slotFree = compEnd + topo.transferTimePs(job.storePath, tl.outputBytes);
    }
    end = Math.max(end, slotFree);
    free0 = free1;
    free1 = slotFree;
  }
  if (counts) addPlanCounts(counts, job.chiplet, plan);
  return end;
}

export function estimateProgram(prog: Program): Estimate {
  const topo = prog.topology;
  const counts = newCounts(topo);
  const jobs: JobTiming[] = prog.jobs.map(() => ({ startPs: 0, endPs: 0 }));
  const chipletFree = new Float64Array(topo.nChiplets);
  let window = 0;
  let windowStart = 0;
  let endSoFar = 0;
  for (const j of prog.topoOrder) {
    const job = prog.jobs[j];
    if (job.window !== window) {
      window = job.window;
      windowStart = endSoFar;
    }
    let start = Math.max(chipletFree[job.chiplet], windowStart);
    for (const d of job.deps) start = Math.max(start, jobs[d].endPs);
    const end = start + jobLatencyPs(job, topo, counts);
    jobs[j].startPs = start;
    jobs[j].endPs = end;
    chipletFree[job.chiplet] = end;
    endSoFar = Math.max(endSoFar, end);
  }
  return { jobs, makespanPs: endSoFar, counts, energy: energyOf(prog.pkg, topo, counts, endSoFar) };
}

/** Adds `bytes` to every resource the path's bytes cross: its links and DRAM, and with routers its ports. */
function countBytes(resourceBytes: Float64Array, topo: Topology, path: readonly number[], bytes: number): void {
  for (const r of path) resourceBytes[r] += bytes;
  for (const r of topo.portsOf(path)) resourceBytes[r] += bytes;
}
