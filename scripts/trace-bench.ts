/**
 * The cost of tracing (bench.ts's trace section): simulate CPU time of one schedule with no
 * trace, with a .pftrace and with a Chrome JSON trace, side by side in one process (rounds
 * alternate the three so machine noise hits them alike; the fastest round of each counts),
 * the bytes per trace event, and the memory the sinks hold (the reorder buffer's peak, and the
 * heap after each run).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { evaluate, Inputs, MadeSchedule } from '../sim/pipeline';
import { PerfettoSink } from '../sim/trace/perfetto';
import { ChromeJsonSink } from '../sim/trace/chrome';
import { TimelineSink } from '../sim/trace/timeline';
import { runInfo } from '../sim/trace/runinfo';

export interface TraceCost {
  scenario: string;
  jobs: number;
  simEvents: number;
  rounds: number;
  /** Fastest round, CPU ms (user + system) of lowering + estimate + simulate. */
  noTraceCpuMs: number;
  pftraceCpuMs: number;
  chromeCpuMs: number;
  pftraceRatio: number;
  chromeRatio: number;
  pftraceBytes: number;
  chromeBytes: number;
  traceEvents: number;
  pftraceBytesPerEvent: number;
  chromeBytesPerEvent: number;
  peakBufferedEvents: number;
  heapUsedMb: { none: number; pftrace: number; chrome: number };
}

function cpuMs(): number {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
}

export async function traceCost(schedule: MadeSchedule, inputs: Inputs, rounds = 5): Promise<TraceCost> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcmsim-bench-'));
  const best = { none: Infinity, pftrace: Infinity, chrome: Infinity };
  const heap = { none: 0, pftrace: 0, chrome: 0 };
  let events = 0;
  let simEvents = 0;
  let peak = 0;
  let sizes = { pftrace: 0, chrome: 0 };
  try {
    for (let r = 0; r < rounds; r++) {
      for (const mode of ['none', 'pftrace', 'chrome'] as const) {
        const file = path.join(dir, mode === 'pftrace' ? 't.pftrace' : 't.json');
        let sink: TimelineSink | null = null;
        global.gc?.();
        const t0 = cpuMs();
        const ev = await evaluate(schedule, inputs, (ctx) => {
          if (mode === 'none') return null;
          const opts = { run: runInfo(ctx.program, ctx.schedule, '1'), estimate: ctx.estimate };
          sink = mode === 'pftrace' ? new PerfettoSink(file, opts) : new ChromeJsonSink(file, opts);
          return sink;
        });
        const ms = cpuMs() - t0;
        best[mode] = Math.min(best[mode], ms);
        heap[mode] = Math.max(heap[mode], process.memoryUsage().heapUsed / 2 ** 20);
        simEvents = ev.sim.events;
        if (sink) {
          const s = sink as TimelineSink;
          sizes = { ...sizes, [mode]: fs.statSync(file).size };
          events = s.eventsWritten;
          peak = Math.max(peak, s.peakBufferedEvents);
        }
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return {
    scenario: inputs.scenario.name, jobs: schedule.jobs.length, simEvents, rounds,
    noTraceCpuMs: best.none, pftraceCpuMs: best.pftrace, chromeCpuMs: best.chrome,
    pftraceRatio: best.pftrace / best.none, chromeRatio: best.chrome / best.none,
    pftraceBytes: sizes.pftrace, chromeBytes: sizes.chrome, traceEvents: events,
    pftraceBytesPerEvent: sizes.pftrace / events, chromeBytesPerEvent: sizes.chrome / events,
    peakBufferedEvents: peak, heapUsedMb: heap,
  };
}

export function traceCostText(t: TraceCost): string {
  const f = (x: number) => x.toFixed(0);
  return [
    `tracing ${t.scenario} (${t.jobs} jobs, ${t.simEvents} simulator events; fastest of ${t.rounds} rounds, CPU ms of lower + estimate + simulate)`,
    `  no trace   ${f(t.noTraceCpuMs).padStart(7)} ms`,
    `  .pftrace   ${f(t.pftraceCpuMs).padStart(7)} ms  ${t.pftraceRatio.toFixed(2)}x  ${(t.pftraceBytes / 2 ** 20).toFixed(1)} MiB, ${t.pftraceBytesPerEvent.toFixed(1)} bytes/event`,
    `  Chrome JSON${f(t.chromeCpuMs).padStart(7)} ms  ${t.chromeRatio.toFixed(2)}x  ${(t.chromeBytes / 2 ** 20).toFixed(1)} MiB, ${t.chromeBytesPerEvent.toFixed(1)} bytes/event`,
    `  ${t.traceEvents} trace events; reorder buffer peak ${t.peakBufferedEvents} events; heap after run (MiB): none ${f(t.heapUsedMb.none)}, pftrace ${f(t.heapUsedMb.pftrace)}, chrome ${f(t.heapUsedMb.chrome)}`,
  ].join('\n');
}
