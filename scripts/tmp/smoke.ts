import { loadSchedule, resolveFromSchedule } from '/work/main/sim/spec/schedule';
import { loadScenario } from '/work/main/sim/spec/scenario';
import { loadPackage } from '/work/main/sim/spec/package';
import { lowerSchedule } from '/work/main/sim/cost/program';
import { estimateProgram } from '/work/main/sim/cost/estimate';
import { simulate } from '/work/main/sim/hw/replay';
(async () => {
const s = loadSchedule('/tmp/smoke/sched.json');
const prog = lowerSchedule(s, loadScenario(resolveFromSchedule(s, s.scenarioPath)), loadPackage(resolveFromSchedule(s, s.packagePath)));
for (const j of prog.jobs) console.log(j.name, j.plan.kind.dataflow, 'tiles', j.plan.kParts, j.plan.nParts, 'cyc', j.plan.computeCycles, 'util', j.plan.utilization.toFixed(3), 'W', j.plan.weightBytes, 'I', j.plan.inputBytes, 'O', j.plan.outputBytes, 'store', !!j.storePath, j.inputSources.map(x=>x.path.length));
const e = estimateProgram(prog);
const r = await simulate(prog);
console.log('est', e.makespanPs, e.jobs, e.energy);
console.log('sim', r.makespanPs, r.jobs, r.energy, r.events, r.fingerprint);
})();
