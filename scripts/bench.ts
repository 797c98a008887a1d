/**
 * Benchmark: raw event-queue speed, engine speed, and wall time per scenario.
 *   npx ts-node --transpile-only scripts/bench.ts [--json] [--events N] [scenario.json ...]
 * Defaults: 2,000,000 events; every scenario in models/scenarios on models/packages/het_3x3.json,
 * scheduled by SCAR (seed 1).
 * Reports events per second of the bare tinyqueue (push + pop) and of the Engine with the same
 * access pattern, their ratio (the engine's overhead), and per scenario: schedule, analytical
 * and simulation wall time, events, events/s; and the per-layer mapper's CPU time per
 * (layer, chiplet kind) over all shipped workloads (scripts/bench-mapper.ts).
 */
import * as fs from 'fs';
import * as path from 'path';
import TinyQueue from 'tinyqueue';
import { Engine, EventTarget } from '../sim/engine/engine';
import { evaluate, loadInputs, makeSchedule } from '../sim/pipeline';
import { benchMapper } from './bench-mapper';

const args = process.argv.slice(2);
const json = args.includes('--json');
const nIdx = args.indexOf('--events');
const N = nIdx >= 0 ? Number(args[nIdx + 1]) : 2_000_000;
const files = args.filter((a, i) => !a.startsWith('--') && !(nIdx >= 0 && i === nIdx + 1));
const root = path.resolve(__dirname, '..');
const pkgFile = path.join(root, 'models/packages/het_3x3.json');

const now = () => Number(process.hrtime.bigint()) / 1e6; // ms

/** Deterministic pseudo-random delays (LCG), the same for both runs. */
function delays(n: number): Int32Array {
  const d = new Int32Array(n);
  let x = 12345;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    d[i] = 1 + (x % 1000);
  }
  return d;
}

// 64 live events at any time: each pop schedules one successor, as components do.
const LIVE = 64;

function rawQueue(d: Int32Array): number {
  interface E { t: number; seq: number; k: number }
  const q = new TinyQueue<E>([], (a, b) => a.t - b.t || a.seq - b.seq);
  let seq = 0;
  for (let i = 0; i < LIVE; i++) q.push({ t: d[i], seq: seq++, k: i });
  const t0 = now();
  for (let i = 0; i < d.length; i++) {
    const e = q.pop()!;
    q.push({ t: e.t + d[i], seq: seq++, k: e.k });
  }
  return now() - t0;
}

function engineRun(d: Int32Array): number {
  const engine = new Engine();
  let i = 0;
  const target: EventTarget = {
    onEvent(kind) {
      if (i < d.length) engine.after(d[i++], target, kind);
    },
  };
  for (let k = 0; k < LIVE; k++) engine.at(d[k], target, k);
  const t0 = now();
  engine.run();
  return now() - t0;
}

async function main() {
  const d = delays(N);
  rawQueue(delays(100000)); // warm up the JIT
  engineRun(delays(100000));
  const rawMs = rawQueue(d);
  const engMs = engineRun(d);
  const queue = { events: N, rawQueueMs: rawMs, rawEventsPerSec: N / (rawMs / 1000), engineMs: engMs, engineEventsPerSec: N / (engMs / 1000), engineVsRaw: rawMs / engMs };
  const scenarioFiles = files.length ? files : fs.readdirSync(path.join(root, 'models/scenarios')).filter((f) => f.endsWith('.json')).sort().map((f) => path.join(root, 'models/scenarios', f));
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
      totalMs: t3 - t0, events: ev.sim.events, eventsPerSec: ev.sim.events / (ev.wallMs / 1000), fingerprint: ev.sim.fingerprint,
    });
  }
  if (json) {
    console.log(JSON.stringify({ node: process.version, queue, mapper, scenarios: rows }, null, 2));
    return;
  }
  const f1 = (x: number) => x.toFixed(1);
  const m = (x: number) => (x / 1e6).toFixed(2);
  console.log(`node ${process.version}; ${N} events, ${LIVE} live`);
  console.log(`tinyqueue push+pop: ${f1(rawMs)} ms, ${m(queue.rawEventsPerSec)} M events/s`);
  console.log(`engine:             ${f1(engMs)} ms, ${m(queue.engineEventsPerSec)} M events/s (${(queue.engineVsRaw * 100).toFixed(0)}% of raw queue speed)`);
  console.log(`mapper:             ${mapper.calls} (layer, kind) searches, CPU mean ${mapper.meanMs.toFixed(3)} ms, worst ${mapper.worstMs.toFixed(2)} ms (${mapper.worst}); memoised hit ${mapper.memoHitMeanUs.toFixed(2)} us`);
  console.log('');
  console.log('scenario (on het_3x3, scar)     jobs  schedule ms  simulate ms  total ms     events  M events/s');
  for (const r of rows) {
    console.log(`${r.scenario.padEnd(30)} ${String(r.jobs).padStart(5)} ${f1(r.scheduleMs).padStart(12)} ${f1(r.simulateMs).padStart(12)} ${f1(r.totalMs).padStart(9)} ${String(r.events).padStart(10)} ${m(r.eventsPerSec).padStart(11)}`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
