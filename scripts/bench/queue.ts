/**
 * Event-queue speed: the Engine against a bare typed-array binary heap with the same access
 * pattern (LIVE events pending; each pop schedules one successor a pseudo-random delay later,
 * as components do). The baseline keeps (time, seq) pairs in heap order in two Float64Arrays
 * and does nothing else, so engine / baseline is the engine's overhead: event slots, targets,
 * payloads and dispatch. CPU time (process.cpuUsage) of the better of `repeats` runs.
 */
import { Engine, EventTarget } from '../../sim/engine/engine';

export const LIVE = 64;

/** Deterministic pseudo-random delays (LCG), the same for both runs. */
export function delays(n: number): Int32Array {
  const d = new Int32Array(n);
  let x = 12345;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    d[i] = 1 + (x % 1000);
  }
  return d;
}

const cpuMs = (f: () => void) => {
  const c0 = process.cpuUsage();
  f();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
};

/** The bare typed-array heap: push and pop of (time, seq), smallest first. */
export function heapBaseline(d: Int32Array): number {
  const cap = LIVE + 1;
  const t = new Float64Array(cap);
  const q = new Float64Array(cap);
  let size = 0;
  let seq = 0;
  const push = (time: number, s: number) => {
    let i = size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (t[p] < time || (t[p] === time && q[p] < s)) break;
      t[i] = t[p];
      q[i] = q[p];
      i = p;
    }
    t[i] = time;
    q[i] = s;
  };
  const pop = () => {
    const n = --size;
    const time = t[n];
    const s = q[n];
    let i = 0;
    while (2 * i + 1 < n) {
      let c = 2 * i + 1;
      if (c + 1 < n && (t[c + 1] < t[c] || (t[c + 1] === t[c] && q[c + 1] < q[c]))) c++;
      if (time < t[c] || (time === t[c] && s < q[c])) break;
      t[i] = t[c];
      q[i] = q[c];
      i = c;
    }
    t[i] = time;
    q[i] = s;
  };
  for (let i = 0; i < LIVE; i++) push(d[i], seq++);
  return cpuMs(() => {
    for (let i = 0; i < d.length; i++) {
      const now = t[0];
      pop();
      push(now + d[i], seq++);
    }
  });
}

export function engineRun(d: Int32Array, fingerprint = false): number {
  const engine = new Engine({ fingerprint });
  let i = 0;
  const target: EventTarget = {
    onEvent(kind) {
      if (i < d.length) engine.after(d[i++], target, kind);
    },
  };
  for (let k = 0; k < LIVE; k++) engine.at(d[k], target, k);
  return cpuMs(() => engine.run());
}

export interface QueueBench {
  events: number;
  baselineCpuMs: number;
  engineCpuMs: number;
  engineFingerprintCpuMs: number;
  /** Events/s of the engine over events/s of the baseline (target >= 0.75). */
  engineVsBaseline: number;
  baselineEventsPerSec: number;
  engineEventsPerSec: number;
}

export function queueBench(n: number, repeats = 3): QueueBench {
  heapBaseline(delays(200000)); // warm up the JIT
  engineRun(delays(200000));
  engineRun(delays(200000), true);
  const d = delays(n);
  let base = Infinity;
  let eng = Infinity;
  let engFp = Infinity;
  // Interleaved, best of each: both see the same machine load.
  for (let r = 0; r < repeats; r++) {
    base = Math.min(base, heapBaseline(d));
    eng = Math.min(eng, engineRun(d));
    engFp = Math.min(engFp, engineRun(d, true));
  }
  return {
    events: n, baselineCpuMs: base, engineCpuMs: eng, engineFingerprintCpuMs: engFp, engineVsBaseline: base / eng,
    baselineEventsPerSec: n / (base / 1000), engineEventsPerSec: n / (eng / 1000),
  };
}
