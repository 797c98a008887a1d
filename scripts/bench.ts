/**
 * Benchmark: event-queue speed, scheduling at scale, and wall time per scenario.
 *   npx ts-node --transpile-only scripts/bench.ts [--json] [--events N] [--sizes 3,6,8,12,16]
 *     [--scale-scenarios dc1_llm,arvr3_assistant] [--no-scale] [scenario.json ...]
 * Defaults: 2,000,000 events; every scenario in models/scenarios on models/packages/het_3x3.json,
 * scheduled by SCAR (seed 1).
 * Reports the Engine's CPU time against a bare typed-array heap with the same access pattern
 * (bench/queue.ts), SCAR's CPU time and peak memory on generated n x n packages with the growth
 * exponent and the largest run's simulation CPU time and memory (bench/scale.ts), and per
 * scenario: schedule, analytical and simulation wall time, events, events/s. Then the DRAM
 * models side by side: the default scenario on one shared interface, as a FIFO channel and as
 * a banked DDR4-3200 channel (models/packages/stress_shared_{dram,ddr4}_3x3.json; the banked
 * model costs events).
 * Trace section (scripts/trace-bench.ts): --trace-scenario S (default dc1_llm) simulates one
 * SCAR schedule with no trace against .pftrace, and against Chrome JSON, in fresh processes
 * (CPU ms, ratio, bytes per event, reorder-buffer peak, heap); --trace-only runs just that section.
 * Mapper section (scripts/bench-mapper.ts): the per-layer mapper's CPU time per (layer, chiplet
 * kind) over all shipped workloads.
 */
import * as fs from 'fs';
import * as path from 'path';
import { evaluate, loadInputs, makeSchedule } from '../sim/pipeline';
import { queueBench } from './bench/queue';
import { scaleSeries } from './bench/scale';
import { traceCost, traceCostText } from './trace-bench';
import { benchMapper } from './bench-mapper';

const args = process.argv.slice(2);
const json = args.includes('--json');
const nIdx = args.indexOf('--events');
const N = nIdx >= 0 ? Number(args[nIdx + 1]) : 2_000_000;
const opt = (name: string) => (args.indexOf(name) >= 0 ? args[args.indexOf(name) + 1] : undefined);
const sizes = (opt('--sizes') ?? '3,6,8,12,16').split(',').map(Number);
const scaleScenarios = (opt('--scale-scenarios') ?? 'dc1_llm,arvr3_assistant').split(',');
const traceOnly = args.includes('--trace-only');
const files = args.filter((a, i) => !a.startsWith('--') && !['--events', '--sizes', '--scale-scenarios', '--trace-scenario'].includes(args[i - 1]));
const root = path.resolve(__dirname, '..');
const pkgFile = path.join(root, 'models/packages/het_3x3.json');

const now = () => Number(process.hrtime.bigint()) / 1e6; // ms

async function traceSection() {
  const name = opt('--trace-scenario') ?? 'dc1_llm';
  const file = name.endsWith('.json') ? name : path.join(root, 'models/scenarios', `${name}.json`);
  const inputs = loadInputs(file, pkgFile);
  const schedule = makeSchedule(inputs, { strategy: 'scar', seed: '1' });
  return traceCost(schedule, inputs, { scenario: file, pkg: pkgFile });
}

async function main() {
  if (traceOnly) {
    const t = await traceSection();
    console.log(json ? JSON.stringify({ node: process.version, trace: t }, null, 2) : traceCostText(t));
    return;
  }
  const queue = queueBench(N);
  const log = (m: string) => json || console.error(m);
  const scale = args.includes('--no-scale') ? [] : scaleSeries(scaleScenarios, sizes, 'het_sides', log);
  const scenarioFiles = files.length ? files : fs.readdirSync(path.join(root, 'models/scenarios')).filter((f) => f.endsWith('.json') && !f.startsWith('scar')).sort().map((f) => path.join(root, 'models/scenarios', f));
  const mapper = benchMapper(root, pkgFile);
  const rows = [];
  for (const f of scenarioFiles) {
    const t0 = now();
    const inputs = loadInputs(f, pkgFile);
    const t1 = now();
    const schedule = makeSchedule(inputs, { strategy: 'scar', seed: '1' });
    const t2 = now();
    const ev = await evaluate(schedule, inputs);
    const t3 = now();
    rows.push({
      scenario: inputs.scenario.name, jobs: schedule.jobs.length, loadMs: t1 - t0, scheduleMs: t2 - t1, simulateMs: ev.wallMs,
      totalMs: t3 - t0, events: ev.sim.events, eventsPerSec: ev.sim.events / (ev.wallMs / 1000),
    });
  }
  const dram = [];
  for (const p of ['stress_shared_dram_3x3', 'stress_shared_ddr4_3x3']) {
    const inputs = loadInputs(path.join(root, 'models/scenarios/default.json'), path.join(root, 'models/packages', `${p}.json`));
    const ev = await evaluate(makeSchedule(inputs, { strategy: 'scar', seed: '1' }), inputs);
    dram.push({ package: p, model: inputs.pkg.dram.model, simulateMs: ev.wallMs, events: ev.sim.events, eventsPerSec: ev.sim.events / (ev.wallMs / 1000) });
  }
  const trace = await traceSection();
  if (json) {
    console.log(JSON.stringify({ node: process.version, queue, mapper, scale, scenarios: rows, dram, trace }, null, 2));
    return;
  }
  const f1 = (x: number) => x.toFixed(1);
  const m = (x: number) => (x / 1e6).toFixed(2);
  console.log(`node ${process.version}; ${N} events, 64 live; CPU ms, best of 3`);
  console.log(`typed-array heap:   ${f1(queue.baselineCpuMs)} ms, ${m(queue.baselineEventsPerSec)} M events/s`);
  console.log(`engine:             ${f1(queue.engineCpuMs)} ms, ${m(queue.engineEventsPerSec)} M events/s (${(queue.engineVsBaseline * 100).toFixed(0)}% of the heap's speed)`);
  console.log(`engine+fingerprint: ${f1(queue.engineFingerprintCpuMs)} ms`);
  console.log(`mapper:             ${mapper.calls} (layer, kind) searches, CPU mean ${mapper.meanMs.toFixed(3)} ms, worst ${mapper.worstMs.toFixed(2)} ms (${mapper.worst}); memoised hit ${mapper.memoHitMeanUs.toFixed(2)} us`);
  console.log('');
  if (scale.length) {
    console.log('SCAR scheduling on generated het_sides n x n packages (CPU s, peak RSS MB of the child process)');
    console.log(['scenario'.padEnd(18), ...sizes.map((n) => `${n}x${n}`.padStart(14))].join('') + '  exponent');
    for (const s of scale) {
      console.log([s.scenario.padEnd(18), ...s.runs.map((r) => `${r.scheduleCpuS.toFixed(2)}s ${r.peakRssMB.toFixed(0)}MB`.padStart(14))].join('') + `  ${s.growthExponent.toFixed(2)}`);
    }
    const runs = scale.flatMap((s) => s.runs);
    const big = runs.length ? runs.reduce((a, r) => (r.chiplets * r.jobs > a.chiplets * a.jobs ? r : a)) : null;
    if (big) console.log(`largest run, ${big.scenario} on ${big.n}x${big.n}: simulate ${big.simulateCpuS.toFixed(2)} CPU s for ${(big.simulateEvents / 1e6).toFixed(1)} M events, its result holds ${big.simHeldMB.toFixed(1)} MB, peak RSS of schedule + simulate ${big.runPeakRssMB.toFixed(0)} MB`);
    console.log('');
  }
  console.log('scenario (on het_3x3, scar)     jobs  schedule ms  simulate ms  total ms     events  M events/s');
  for (const r of rows) {
    console.log(`${r.scenario.padEnd(30)} ${String(r.jobs).padStart(5)} ${f1(r.scheduleMs).padStart(12)} ${f1(r.simulateMs).padStart(12)} ${f1(r.totalMs).padStart(9)} ${String(r.events).padStart(10)} ${m(r.eventsPerSec).padStart(11)}`);
  }
  console.log('');
  console.log('DRAM model (default scenario)        simulate ms     events  M events/s');
  for (const d of dram) console.log(`${`${d.model} (${d.package})`.padEnd(36)} ${f1(d.simulateMs).padStart(11)} ${String(d.events).padStart(10)} ${m(d.eventsPerSec).padStart(11)}`);
  console.log('');
  console.log(traceCostText(trace));
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
