/**
 * Analytical vs simulated, per job (layer) and for the whole scenario. Dynamic energy is the
 * same in both by construction (same counts); they differ in time, and so in static energy,
 * by what the analytical model cannot see: contention on NoP links and DRAM channels.
 */
import { Program } from '../cost/program';
import { Estimate } from '../cost/estimate';
import { SimResult } from '../hw/replay';
import { Energy, edpJs } from '../cost/energy';

export interface JobRow {
  job: string;
  chiplet: string;
  dataflow: string;
  tiles: number;
  utilization: number;
  analyticalPs: number;
  simulatedPs: number;
  /** (simulated - analytical) / analytical. */
  error: number;
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
  analytical: Totals;
  simulated: Totals;
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

export function compare(prog: Program, est: Estimate, sim: SimResult): Comparison {
  const rows: JobRow[] = prog.jobs.map((j, i) => {
    const a = est.jobs[i].endPs - est.jobs[i].startPs;
    const s = sim.jobs[i].endPs - sim.jobs[i].startPs;
    return {
      job: j.name, chiplet: prog.pkg.chiplets[j.chiplet].id, dataflow: j.plan.kind.dataflow, tiles: j.plan.tiles,
      utilization: j.plan.utilization, analyticalPs: a, simulatedPs: s, error: rel(s, a),
    };
  });
  const errs = rows.map((r) => Math.abs(r.error)).filter(Number.isFinite);
  const totals = (latencyPs: number, energy: Energy): Totals => ({ latencyPs, energy, edpJs: edpJs(energy.totalPj, latencyPs) });
  const analytical = totals(est.makespanPs, est.energy);
  const simulated = totals(sim.makespanPs, sim.energy);
  return {
    scenario: prog.scenario.name, package: prog.pkg.name, jobs: prog.jobs.length, analytical, simulated,
    latencyError: rel(simulated.latencyPs, analytical.latencyPs),
    energyError: rel(simulated.energy.totalPj, analytical.energy.totalPj),
    edpError: rel(simulated.edpJs, analytical.edpJs),
    jobErrorMean: errs.length ? errs.reduce((a, b) => a + b, 0) / errs.length : 0,
    jobErrorMax: errs.length ? Math.max(...errs) : 0,
    rows, events: sim.events, fingerprint: sim.fingerprint,
  };
}
