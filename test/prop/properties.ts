/**
 * The properties every generated case must satisfy (issue #22 item 1), shared by the jest suite
 * (test/prop/properties.test.ts, a few hundred cases) and the long run (scripts/robust.ts).
 * A violated property throws an Error naming it; the simulator's own invariants
 * (sim/engine/check.ts) run too (check: true).
 */
import * as fs from 'fs';
import * as path from 'path';
import { evaluate, loadInputs, loadScheduleWithInputs, makeSchedule, Strategy, Inputs } from '../../sim/pipeline';
import { scheduleToJson } from '../../sim/input/schedule';
import { InputError } from '../../sim/input/errors';
import { Schedule } from '../../sim/input/types';
import { SearchLimitError } from '../../sim/sched/scar/scar';
import { lowerSchedule, Program } from '../../sim/cost/program';
import { estimateProgram, psPerCycle } from '../../sim/cost/estimate';
import { planEnergyPj } from '../../sim/cost/energy';
import { closedForm } from '../../sim/cost/closedform';
import { simulate, SimResult } from '../../sim/hw/replay';
import { explain } from '../../sim/report/explain';
import { GenCase, randomSchedule } from './gen';

export class PropertyError extends Error {
  constructor(readonly property: string, detail: string) {
    super(`property "${property}" failed: ${detail}`);
  }
}

function must(ok: boolean, property: string, detail: () => string): void {
  if (!ok) throw new PropertyError(property, detail());
}

/** Equal up to floating-point summation order (relative 1e-9, absolute 1e-6). */
function near(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-6 + 1e-9 * Math.max(Math.abs(a), Math.abs(b));
}

/** Writes the case's files into dir; returns the scenario and package paths. */
export function writeCase(c: GenCase, dir: string): { scenario: string; package: string } {
  fs.mkdirSync(dir, { recursive: true });
  c.workloads.forEach((w, i) => fs.writeFileSync(path.join(dir, `w${i}.json`), JSON.stringify(w)));
  fs.writeFileSync(path.join(dir, 'scenario.json'), JSON.stringify(c.scenario));
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(c.pkg));
  return { scenario: path.join(dir, 'scenario.json'), package: path.join(dir, 'package.json') };
}

export interface CaseStats {
  schedules: number;
  /** Strategies that found no schedule (a layer fits no chiplet, a search limit). */
  skipped: number;
  /** Why, by message (numbers replaced by N). */
  refusals: Record<string, number>;
}

export interface CaseOptions {
  strategies: readonly Strategy[];
  /** Also a random valid schedule (placements, splits, orders, windows). */
  random: boolean;
  /** Also write each schedule, read it back and compare fingerprints. */
  roundTrip: boolean;
}

/** Runs every property on one generated case (files written into dir). */
export async function checkCase(c: GenCase, dir: string, opts: CaseOptions, stats: CaseStats = { schedules: 0, skipped: 0, refusals: {} }): Promise<CaseStats> {
  const files = writeCase(c, dir);
  // Generated inputs are valid: loading them must not fail (shape chaining included).
  const inputs = loadInputs(files.scenario, files.package);
  const seed = String(c.seed);
  const small = { windows: 2, topK: 2, maxMicroBatches: 2, population: 6, generations: 2, maxEvaluations: 3000 };
  for (const strategy of opts.strategies) {
    let sched: Schedule;
    try {
      sched = makeSchedule(inputs, { strategy, seed, scar: small });
    } catch (e) {
      // A deliberate refusal (a layer fits no chiplet, more models than chiplets for standalone
      // or in one SCAR window, a search limit): a clear error the CLI reports with exit 2.
      if (e instanceof InputError || e instanceof SearchLimitError) {
        stats.skipped++;
        const why = e.message.replace(/^.*?: /, '').replace(/\d+/g, 'N');
        stats.refusals[why] = (stats.refusals[why] ?? 0) + 1;
        continue;
      }
      throw e;
    }
    await checkSchedule(sched, inputs, files, dir, opts.roundTrip);
    stats.schedules++;
    if (strategy === 'scar') {
      // The same seed gives the same schedule.
      const again = makeSchedule(inputs, { strategy, seed, scar: small });
      must(JSON.stringify(again.jobs) === JSON.stringify(sched.jobs), 'same seed, same schedule', () => `scar with seed ${seed} gave two different schedules`);
    }
  }
  if (opts.random) {
    const jobs = randomSchedule(inputs.scenario, inputs.pkg, c.seed);
    if (jobs) {
      await checkSchedule({ file: path.join(dir, 'random.json'), strategy: 'random', scenarioPath: files.scenario, packagePath: files.package, jobs }, inputs, files, dir, opts.roundTrip);
      stats.schedules++;
    } else stats.skipped++;
  }
  return stats;
}

async function checkSchedule(sched: Schedule, inputs: Inputs, files: { scenario: string; package: string }, dir: string, roundTrip: boolean): Promise<void> {
  const prog = lowerSchedule(sched, inputs.scenario, inputs.pkg);
  const est = estimateProgram(prog);
  // Fingerprints (a hash of every event) only where compared: hashing costs as much as the run.
  const sim = await simulate(prog, { check: true, fingerprint: roundTrip });
  const tag = `${sched.strategy} schedule of ${prog.jobs.length} jobs`;
  checkTiming(prog, sim, tag);
  checkBytes(prog, est.counts.resourceBytes, sim, tag);
  checkEnergy(prog, sim, tag);
  checkDecomposition(prog, est, sim, tag);
  // Determinism: the same schedule simulates to the same events, timings and bytes.
  const again = await simulate(lowerSchedule(sched, inputs.scenario, inputs.pkg), { check: true, fingerprint: roundTrip });
  must(again.fingerprint === sim.fingerprint && again.events === sim.events && again.makespanPs === sim.makespanPs, 'deterministic', () => `${tag}: two runs: ${sim.events} and ${again.events} events, fingerprints ${sim.fingerprint} and ${again.fingerprint}`);
  must(sim.jobs.every((j, i) => j.startPs === again.jobs[i].startPs && j.endPs === again.jobs[i].endPs), 'deterministic', () => `${tag}: job timings differ between two runs`);
  must(sameArray(again.counts.resourceBytes, sim.counts.resourceBytes), 'deterministic', () => `${tag}: bytes per resource differ between two runs`);
  if (roundTrip) {
    const file = path.join(dir, `schedule-${sched.strategy}.json`);
    fs.writeFileSync(file, scheduleToJson(sched, files.scenario, files.package, file));
    const back = loadScheduleWithInputs(file);
    const ev = await evaluate(back.schedule, back, undefined, { fingerprint: true, check: true });
    must(ev.sim.fingerprint === sim.fingerprint && ev.sim.makespanPs === sim.makespanPs, 'schedule round trip', () => `${tag}: written and read back, fingerprint ${ev.sim.fingerprint} (makespan ${ev.sim.makespanPs} ps) vs ${sim.fingerprint} (${sim.makespanPs} ps)`);
  }
}

function sameArray(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Dependencies, placement, no overlap per chiplet, busy <= makespan. */
function checkTiming(prog: Program, sim: SimResult, tag: string): void {
  const t = sim.jobs;
  const busy = new Float64Array(prog.pkg.chiplets.length);
  for (const j of prog.jobs) {
    for (const d of j.deps) must(t[j.index].startPs >= t[d].endPs, 'starts after its producers', () => `${tag}: job ${j.name} starts at ${t[j.index].startPs} ps, producer ${prog.jobs[d].name} ends at ${t[d].endPs} ps`);
    busy[j.chiplet] += j.plan.tiles * j.plan.cyclesPerTile * psPerCycle(j.plan.kind.clockMHz);
  }
  // Runs on its chiplet: each PE array was busy exactly for the compute of the jobs placed on it.
  for (let c = 0; c < busy.length; c++) must(sim.chipletBusyPs[c] === busy[c], 'runs on its chiplet', () => `${tag}: chiplet ${c} busy ${sim.chipletBusyPs[c]} ps, its jobs compute ${busy[c]} ps`);
  for (const list of prog.chipletJobs) {
    const iv = list.map((i) => t[i]).sort((a, b) => a.startPs - b.startPs);
    for (let k = 1; k < iv.length; k++) must(iv[k].startPs >= iv[k - 1].endPs, 'no overlap per chiplet', () => `${tag}: a job starts at ${iv[k].startPs} ps before the previous ends at ${iv[k - 1].endPs} ps`);
  }
  const end = sim.makespanPs;
  must(t.every((x) => x.endPs <= end), 'makespan is the last end', () => `${tag}: a job ends after the makespan`);
  sim.resourceBusyPs.forEach((b, r) => must(b <= end, 'busy <= makespan', () => `${tag}: ${prog.topology.resources[r].name} busy ${b} ps > makespan ${end} ps`));
  sim.chipletBusyPs.forEach((b, c) => must(b <= end, 'busy <= makespan', () => `${tag}: chiplet ${c} busy ${b} ps > makespan ${end} ps`));
}

/** Every transfer delivered exactly its bytes: per resource, the simulator moved what the plans say. */
function checkBytes(prog: Program, planned: Float64Array, sim: SimResult, tag: string): void {
  must(sameArray(sim.counts.resourceBytes, planned), 'bytes delivered exactly', () => {
    const r = planned.findIndex((b, i) => b !== sim.counts.resourceBytes[i]);
    return `${tag}: ${prog.topology.resources[r].name} moved ${sim.counts.resourceBytes[r]} bytes, the plans say ${planned[r]}`;
  });
}

/** Energy by component adds up, and each component matches its own count. */
function checkEnergy(prog: Program, sim: SimResult, tag: string): void {
  const e = sim.energy;
  const sum = e.computePj + e.rfPj + e.arrayPj + e.bufferPj + e.nopPj + e.dramPj;
  must(near(sum, e.dynamicPj), 'energy adds up', () => `${tag}: components sum to ${sum} pJ, dynamic ${e.dynamicPj} pJ`);
  must(near(e.dynamicPj + e.staticPj, e.totalPj), 'energy adds up', () => `${tag}: dynamic + static ${e.dynamicPj + e.staticPj} pJ, total ${e.totalPj} pJ`);
  const own = { computePj: 0, rfPj: 0, arrayPj: 0, bufferPj: 0 };
  for (const j of prog.jobs) {
    const p = planEnergyPj(j.plan);
    own.computePj += p.computePj;
    own.rfPj += p.rfPj;
    own.arrayPj += p.arrayPj;
    own.bufferPj += p.bufferPj;
  }
  for (const k of Object.keys(own) as (keyof typeof own)[]) must(near(e[k], own[k]), 'energy matches its count', () => `${tag}: ${k} ${e[k]} pJ, MACs/ops/bytes x pJ give ${own[k]}`);
  let nop = 0;
  let dram = 0;
  for (const r of prog.topology.resources) {
    const pj = sim.counts.resourceBytes[r.index] * 8 * r.energyPjPerBit;
    if (r.kind === 'link') nop += pj;
    else dram += pj;
  }
  must(near(e.nopPj, nop), 'energy matches its count', () => `${tag}: nopPj ${e.nopPj}, link bytes x 8 x pJ/bit give ${nop}`);
  const d = prog.pkg.dram;
  if (d.model === 'banked' || d.model === 'banked-packet') {
    // Commands x their energies, refreshes and background power per channel (both banked models: sim/hw/dram-banked.ts, bankedEnergyPj).
    const s = d.banked!;
    const st = sim.contention.dram!;
    const n = d.channels.length;
    const refi = Math.round(s.tRefiNs * 1000);
    dram = st.activates * s.activatePj + st.readBursts * s.readBurstPj + st.writeBursts * s.writeBurstPj + n * Math.floor(sim.makespanPs / refi) * s.refreshPj + (n * s.backgroundMw * sim.makespanPs) / 1000;
  }
  must(near(e.dramPj, dram), 'energy matches its count', () => `${tag}: dramPj ${e.dramPj}, its count gives ${dram}`);
  const stat = prog.pkg.chiplets.reduce((x, c) => x + (c.kind.staticPowerMw * sim.makespanPs) / 1000, 0);
  must(near(e.staticPj, stat), 'energy matches its count', () => `${tag}: staticPj ${e.staticPj}, power x makespan gives ${stat}`);
}

/** The closed-form decomposition sums exactly; windows sum to the totals. */
function checkDecomposition(prog: Program, est: ReturnType<typeof estimateProgram>, sim: SimResult, tag: string): void {
  const x = explain(prog, est, sim);
  const d = x.decomposition;
  must(d.jobCostPs + d.pipeliningPs + d.contentionPs === d.closedFormErrorPs, 'decomposition sums', () => `${tag}: ${d.jobCostPs} + ${d.pipeliningPs} + ${d.contentionPs} != ${d.closedFormErrorPs}`);
  must(d.closedFormPs - d.simulatedPs === d.closedFormErrorPs, 'decomposition sums', () => `${tag}: closed form ${d.closedFormPs} - simulated ${d.simulatedPs} != ${d.closedFormErrorPs}`);
  const cf = closedForm(prog, est.energy);
  const winSum = cf.windows.reduce((s, w) => s + w.latencyPs, 0);
  must(winSum === cf.latencyPs, 'decomposition sums', () => `${tag}: closed-form windows sum to ${winSum} ps, total ${cf.latencyPs} ps`);
  const simWin = x.windows.reduce((s, w) => s + w.simulatedPs, 0);
  must(simWin === sim.makespanPs, 'decomposition sums', () => `${tag}: simulated window spans sum to ${simWin} ps, makespan ${sim.makespanPs} ps`);
}
