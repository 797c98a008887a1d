/** The metrics a golden case pins down (shared by the test and scripts/update-golden.ts). */
import * as fs from 'fs';
import * as path from 'path';
import { evaluate, loadInputs, loadScheduleWithInputs, makeSchedule, Evaluation } from '../../sim/pipeline';

function pick(ev: Evaluation) {
  const c = ev.comparison;
  return {
    jobs: c.jobs,
    analyticalLatencyPs: c.analytical.latencyPs,
    simulatedLatencyPs: c.simulated.latencyPs,
    analyticalEnergyPj: c.analytical.energy.totalPj,
    simulatedEnergyPj: c.simulated.energy.totalPj,
    dynamicEnergyPj: c.simulated.energy.dynamicPj,
    events: c.events,
    fingerprint: c.fingerprint,
    simulatedJobs: ev.program.jobs.map((j, i) => `${j.name}@${ev.program.pkg.chiplets[j.chiplet].id} ${ev.sim.jobs[i].startPs}-${ev.sim.jobs[i].endPs}`),
  };
}

export async function goldenMetrics(dir: string) {
  const inputs = loadInputs(path.join(dir, 'scenario.json'), path.join(dir, 'package.json'));
  const fp = { fingerprint: true };
  const greedy = pick(await evaluate(makeSchedule(inputs, 'greedy'), inputs, undefined, fp));
  const scar = pick(await evaluate(makeSchedule(inputs, { strategy: 'scar', seed: '1' }), inputs, undefined, fp));
  const handFile = path.join(dir, 'schedule.json');
  let hand;
  if (fs.existsSync(handFile)) {
    const { schedule, ...hin } = loadScheduleWithInputs(handFile);
    hand = pick(await evaluate(schedule, hin, undefined, fp));
  }
  return { greedy, scar, hand };
}
