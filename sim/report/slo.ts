/**
 * Each model's completion time (the end of its last job), analytical and simulated, against its
 * latency SLO (`latencySloMs` in the scenario), for the reports.
 */
import { Program } from '../cost/program';
import { JobTiming } from '../cost/estimate';
import { table } from './format';

export interface ModelCompletion {
  model: string;
  analyticalMs: number;
  simulatedMs: number;
  latencySloMs?: number;
  /** Simulated completion within the SLO (absent when the model has none). */
  met?: boolean;
}

export function modelCompletions(prog: Program, analytical: readonly JobTiming[], simulated: readonly JobTiming[]): ModelCompletion[] {
  return prog.scenario.models.map((m) => {
    let ana = 0;
    let sim = 0;
    prog.jobs.forEach((j, i) => {
      if (j.model !== m.name) return;
      ana = Math.max(ana, analytical[i].endPs);
      sim = Math.max(sim, simulated[i].endPs);
    });
    const row: ModelCompletion = { model: m.name, analyticalMs: ana / 1e9, simulatedMs: sim / 1e9 };
    if (m.latencySloMs) {
      row.latencySloMs = m.latencySloMs;
      row.met = row.simulatedMs <= m.latencySloMs;
    }
    return row;
  });
}

export function completionsText(rows: readonly ModelCompletion[]): string {
  return table(
    ['model', 'done at, list schedule (ms)', 'done at, simulation (ms)', 'SLO (ms)', 'SLO met'],
    rows.map((r) => [r.model, r.analyticalMs.toFixed(3), r.simulatedMs.toFixed(3), r.latencySloMs ?? '-', r.met === undefined ? '-' : r.met ? 'yes' : 'NO']),
  );
}
