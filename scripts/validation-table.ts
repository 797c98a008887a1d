/**
 * The three estimates of each schedule (the SCAR paper's closed form, the contention-free list
 * schedule, the simulation) on the stress cases and the shipped scenarios, as a markdown table
 * for the README ("Validation"):
 *   npx ts-node --transpile-only scripts/validation-table.ts [--stress-only] [--json]
 * Every schedule is SCAR's (seed 1, default options). Progress goes to stderr, one line per run.
 */
import * as path from 'path';
import { evaluate, loadInputs, makeSchedule } from '../sim/pipeline';
import { shippedScenarios } from '../sim/report/packages';

const root = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const scen = (n: string) => path.join(root, 'models/scenarios', n);
const pkg = (n: string) => path.join(root, 'models/packages', `${n}.json`);

const stress: [string, string][] = [
  ['stress/many_tenants.json', 'het_sides_3x3'],
  ['stress/many_tenants.json', 'stress_shared_dram_3x3'],
  ['stress/many_tenants.json', 'stress_shared_ddr4_3x3'],
  ['default.json', 'stress_shared_dram_3x3'],
  ['default.json', 'stress_shared_ddr4_3x3'],
  ['default.json', 'stress_narrow_nop_3x3'],
  ['stress/pipeline_activations.json', 'stress_narrow_nop_3x3'],
];
const shipped: [string, string][] = args.includes('--stress-only') ? [] : shippedScenarios(root).map((f) => [path.basename(f), 'het_sides_3x3']);

async function main() {
  const rows = [];
  const runs = [...stress, ...shipped];
  for (const [i, [s, p]] of runs.entries()) {
    const t0 = Date.now();
    const inputs = loadInputs(scen(s), pkg(p));
    const ev = await evaluate(makeSchedule(inputs, { strategy: 'scar', seed: '1' }), inputs);
    const c = ev.comparison;
    const top = c.resources[0];
    rows.push({
      scenario: c.scenario, package: c.package, jobs: c.jobs,
      closedFormMs: c.closedForm.latencyPs / 1e9, listMs: c.analytical.latencyPs / 1e9, simulatedMs: c.simulated.latencyPs / 1e9,
      simVsList: c.latencyError, simVsClosedForm: c.closedForm.latencyError,
      jobCostMs: c.decomposition.jobCostPs / 1e9, pipeliningMs: c.decomposition.pipeliningPs / 1e9, contentionMs: c.decomposition.contentionPs / 1e9,
      topResource: top.name, topUtilization: top.utilization, topQueueDelayMs: top.queueDelayPs / 1e9,
    });
    process.stderr.write(`${i + 1}/${runs.length} ${c.scenario} on ${c.package} (${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);
  }
  if (args.includes('--json')) {
    console.log(JSON.stringify(rows, null, 2));
    return;
  }
  const ms = (x: number) => x.toFixed(3);
  const pct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(2)}%`;
  console.log('| scenario | package | closed form (ms) | list schedule (ms) | simulated (ms) | sim vs list | sim vs closed form | closed-form error: per-job cost / pipelining / contention (ms) | busiest queue: resource, utilisation, queueing delay (ms) |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows) {
    console.log(`| ${r.scenario} | ${r.package} | ${ms(r.closedFormMs)} | ${ms(r.listMs)} | ${ms(r.simulatedMs)} | ${pct(r.simVsList)} | ${pct(r.simVsClosedForm)} | ${ms(r.jobCostMs)} / ${ms(r.pipeliningMs)} / ${ms(r.contentionMs)} | ${r.topResource}, ${(r.topUtilization * 100).toFixed(1)}%, ${ms(r.topQueueDelayMs)} |`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
