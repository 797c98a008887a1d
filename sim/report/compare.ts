/**
 * Analytical vs simulated, per job (layer) and for the whole scenario, with the paper's closed
 * form beside them and the contention behind the difference (explain.ts). Dynamic energy is the
 * same in the list schedule and the simulation by construction (same counts); they differ in
 * time, and so in static energy, by what the analytical model cannot see: contention on NoP
 * links and DRAM channels (and, with the banked DRAM model, its timing and energy).
 */
import { Program } from '../cost/program';
import { Estimate } from '../cost/estimate';
import { SimResult } from '../hw/replay';
import { Energy, edpJs } from '../cost/energy';
import { ClosedFormWindow } from '../cost/closedform';
import { Decomposition, explain, JobBreakdown, jobReason, ResourceRow, WindowRow } from './explain';

/** One job: the list schedule vs the simulation, and where its simulated time went (explain.ts). */
export interface JobRow extends Omit<JobBreakdown, 'listPs'> {
  job: string;
  chiplet: string;
  dataflow: string;
  tiles: number;
  utilization: number;
  analyticalPs: number;
  simulatedPs: number;
  /** (simulated - analytical) / analytical. */
  error: number;
  /** Why its simulated time differs from the list schedule's. */
  reason: string;
}

export interface Totals {
  latencyPs: number;
  energy: Energy;
  edpJs: number;
}

export interface Comparison {
  scenario: string;
  package: string;
  jobs: number;
  /** The paper's closed form (explain.ts), the list schedule and the simulation. */
  closedForm: Totals & { latencyError: number; windows: ClosedFormWindow[] };
  analytical: Totals;
  simulated: Totals;
  /** Closed-form latency error split into per-job cost, pipelining and contention. */
  decomposition: Decomposition;
  windows: WindowRow[];
  /** NoP links and DRAM channels by queueing delay imposed, largest first. */
  resources: ResourceRow[];
  /** Banked DRAM model counters (row hits, activates, ...), or null. */
  dram: Record<string, number> | null;
  latencyError: number;
  energyError: number;
  edpError: number;
  /** Mean and max |error| of per-job latency. */
  jobErrorMean: number;
  jobErrorMax: number;
  rows: JobRow[];
  events: number;
  fingerprint?: string;
}

const rel = (sim: number, ana: number) => (ana === 0 ? (sim === 0 ? 0 : Infinity) : (sim - ana) / ana);

const us = (ps: number) => `${(ps / 1e6).toFixed(3)} us`;

export function compare(prog: Program, est: Estimate, sim: SimResult): Comparison {
  const x = explain(prog, est, sim);
  const rows: JobRow[] = prog.jobs.map((j, i) => {
    const a = est.jobs[i].endPs - est.jobs[i].startPs;
    const s = sim.jobs[i].endPs - sim.jobs[i].startPs;
    const { listPs: _list, ...b } = x.jobs[i];
    return {
      job: j.name, chiplet: prog.pkg.chiplets[j.chiplet].id, dataflow: j.plan.kind.dataflow, tiles: j.plan.tiles,
      utilization: j.plan.utilization, analyticalPs: a, simulatedPs: s, error: rel(s, a), ...b,
      reason: jobReason(x.jobs[i], est.jobs[i].startPs, us),
    };
  });
  const errs = rows.map((r) => Math.abs(r.error)).filter(Number.isFinite);
  const totals = (latencyPs: number, energy: Energy): Totals => ({ latencyPs, energy, edpJs: edpJs(energy.totalPj, latencyPs) });
  const analytical = totals(est.makespanPs, est.energy);
  const simulated = totals(sim.makespanPs, sim.energy);
  const closedForm = { ...totals(x.closedForm.latencyPs, x.closedForm.energy), latencyError: rel(sim.makespanPs, x.closedForm.latencyPs), windows: x.closedForm.windows };
  return {
    scenario: prog.scenario.name, package: prog.pkg.name, jobs: prog.jobs.length, closedForm, analytical, simulated,
    decomposition: x.decomposition, windows: x.windows, resources: x.resources, dram: x.dram,
    latencyError: rel(simulated.latencyPs, analytical.latencyPs),
    energyError: rel(simulated.energy.totalPj, analytical.energy.totalPj),
    edpError: rel(simulated.edpJs, analytical.edpJs),
    jobErrorMean: errs.length ? errs.reduce((a, b) => a + b, 0) / errs.length : 0,
    jobErrorMax: errs.length ? Math.max(...errs) : 0,
    rows, events: sim.events, fingerprint: sim.fingerprint,
  };
}
