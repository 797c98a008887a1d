/**
 * Scheduling at scale: SCAR's CPU time and peak memory for scenarios on generated n x n
 * packages (scripts/gen-packages.ts LAYOUTS, built in memory), each run in a child process so
 * that its peak resident memory is its own. CPU seconds (process.cpuUsage), not wall time, so
 * a busy machine does not distort the figures. The growth exponent is the least-squares slope
 * of log(CPU s) over log(chiplets) on the packages with evolutionary placement (more than 9
 * chiplets; smaller ones are placed exhaustively, a different search).
 * Then the child simulates the schedule (no trace): its CPU time, the memory its result holds
 * (heap + array buffers after a GC, against before the simulation) and the whole run's peak RSS.
 */
import { execFileSync } from 'child_process';
import * as path from 'path';
import { LAYOUTS } from '../gen-packages';
import { parsePackage } from '../../sim/input/package';
import { loadScenario } from '../../sim/input/scenario';
import { makeSchedule } from '../../sim/pipeline';
import { lowerSchedule } from '../../sim/cost/program';
import { simulateCore } from '../../sim/hw/replay';

export interface ScaleRun {
  scenario: string;
  layout: string;
  n: number;
  chiplets: number;
  jobs: number;
  scheduleCpuS: number;
  peakRssMB: number;
  heapUsedMB: number;
  edpJs: number;
  simulateCpuS: number;
  simulateEvents: number;
  /** Heap + array buffers the simulation's result keeps alive (after a GC), MB. */
  simHeldMB: number;
  /** Peak RSS of the whole run (schedule, then simulate), MB. */
  runPeakRssMB: number;
}

const heldMB = () => {
  const m = process.memoryUsage();
  return (m.heapUsed + m.arrayBuffers) / 2 ** 20;
};

export interface ScaleSeries {
  scenario: string;
  runs: ScaleRun[];
  /** d log(CPU s) / d log(chiplets) over the evolutionary sizes. */
  growthExponent: number;
}

const root = path.resolve(__dirname, '../..');

/** One run, in this process (the child's job). */
export function scaleOne(scenario: string, layout: keyof typeof LAYOUTS, n: number): ScaleRun {
  const pkg = parsePackage(`(generated ${layout}_${n}x${n})`, LAYOUTS[layout](n));
  const sc = loadScenario(path.join(root, 'models/scenarios', `${scenario}.json`));
  const c0 = process.cpuUsage();
  const s = makeSchedule({ scenario: sc, pkg }, { strategy: 'scar', seed: '1' });
  const c = process.cpuUsage(c0);
  global.gc?.();
  const peakRssMB = process.resourceUsage().maxRSS / 1024;
  const heapUsedMB = process.memoryUsage().heapUsed / 2 ** 20;
  const prog = lowerSchedule(s, sc, pkg);
  global.gc?.();
  const before = heldMB();
  const c1 = process.cpuUsage();
  const sim = simulateCore(prog, null);
  const cs = process.cpuUsage(c1);
  global.gc?.();
  const simHeldMB = heldMB() - before; // prog is still referenced below, so it is in both figures
  return {
    scenario, layout, n, chiplets: n * n, jobs: prog.jobs.length, scheduleCpuS: (c.user + c.system) / 1e6,
    peakRssMB, heapUsedMB, edpJs: s.scar!.windows.reduce((a, w) => a + w.edpJs, 0),
    simulateCpuS: (cs.user + cs.system) / 1e6, simulateEvents: sim.events, simHeldMB, runPeakRssMB: process.resourceUsage().maxRSS / 1024,
  };
}

export function slope(xs: number[], ys: number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i] - mx) * (ys[i] - my);
    den += (xs[i] - mx) ** 2;
  }
  return den === 0 ? NaN : num / den;
}

export function scaleSeries(scenarios: string[], sizes: number[], layout: keyof typeof LAYOUTS, log: (s: string) => void): ScaleSeries[] {
  return scenarios.map((scenario) => {
    const runs = sizes.map((n) => {
      const out = execFileSync(process.execPath, ['--expose-gc', '-r', 'ts-node/register/transpile-only', path.join(__dirname, 'scale.ts'), scenario, layout, String(n)], { cwd: root, encoding: 'utf8' });
      const r = JSON.parse(out) as ScaleRun;
      log(`${scenario} on ${layout}_${n}x${n}: ${r.scheduleCpuS.toFixed(2)} CPU s, peak ${r.peakRssMB.toFixed(0)} MB`);
      return r;
    });
    const evo = runs.filter((r) => r.chiplets > 9);
    return { scenario, runs, growthExponent: slope(evo.map((r) => Math.log(r.chiplets)), evo.map((r) => Math.log(r.scheduleCpuS))) };
  });
}

if (require.main === module) {
  const [scenario, layout, n] = process.argv.slice(2);
  process.stdout.write(JSON.stringify(scaleOne(scenario, layout as keyof typeof LAYOUTS, Number(n))));
}
