/**
 * The cost of tracing (bench.ts's trace section): simulate CPU time of one schedule with no
 * trace, with a .pftrace and with a Chrome JSON trace, side by side in one process (rounds
 * alternate the three so machine noise hits them alike; the fastest round of each counts),
 * the bytes per trace event, and the memory the sinks hold (the reorder buffer's peak, and the
 * heap after each run).
 *
 * The sink alone: the calls a sink receives in one run (job starts and ends, tiles, and the
 * packets the fabric logs) are recorded once, then replayed into fresh sinks, so the writer's
 * own CPU time is measured without the simulator around it (steadier on a busy machine than a
 * difference of two whole runs).
 *
 * The first run in a fresh process: what a user's one `mcmsim run` pays. Child processes each
 * schedule, then simulate once with no trace or with a .pftrace (alternating, two of each; the
 * faster counts). It includes what the warm rounds above leave out: V8 compiling the trace
 * writer's code as it warms up (on background threads, in the process's CPU time).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { evaluate, Inputs, loadInputs, MadeSchedule, makeSchedule } from '../sim/pipeline';
import { PerfettoSink } from '../sim/trace/perfetto';
import { ChromeJsonSink } from '../sim/trace/chrome';
import { TimelineSink } from '../sim/trace/timeline';
import { Lane, TraceMeta, TraceSink } from '../sim/trace/sink';
import { PacketReporter } from '../sim/trace/packet-counters';
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
  /** The sinks alone, replaying the recorded calls of one run: fastest round, CPU ms, and ns per trace event. */
  sinkOnly: { pftraceCpuMs: number; chromeCpuMs: number; pftraceNsPerEvent: number; chromeNsPerEvent: number; calls: number };
  /** One simulation in a fresh process (see the header): CPU ms of lower + estimate + simulate. */
  firstRun: { noTraceCpuMs: number; pftraceCpuMs: number; pftraceRatio: number };
}

/** Call codes in a recording: 7 numbers per call (code, then up to 6 arguments). */
const PACKET = 0;
const JOB_START = 1;
const JOB_END = 2;
const END = 9;
const LANES: Lane[] = ['load', 'compute', 'store'];
const RECORD = 7;

/**
 * A sink that records every call (packets through its packet reporter, like the real sinks), into a
 * typed array grown by doubling: on dc1_llm a run reports about 10 M packets (traces/README.md),
 * 70 M numbers or 560 MB, which a number[] and its Float64Array copy held twice while replaying.
 */
export class RecordingSink implements TraceSink {
  readonly wantsPackets = true;
  readonly packetReporter: PacketReporter = { add: (r, j, a, s, e, b) => this.put(PACKET, r, j, a, s, e, b) };
  meta: TraceMeta | null = null;
  private buf: Float64Array;
  private n = 0;
  constructor(initialCalls = 4096) {
    this.buf = new Float64Array(RECORD * Math.max(1, initialCalls));
  }
  /** The recorded calls, RECORD numbers each. */
  get calls(): Float64Array {
    return this.buf.subarray(0, this.n);
  }
  private put(code: number, a = 0, b = 0, c = 0, d = 0, e = 0, f = 0): void {
    if (this.n + RECORD > this.buf.length) {
      const grown = new Float64Array(2 * this.buf.length);
      grown.set(this.buf);
      this.buf = grown;
    }
    this.buf.set([code, a, b, c, d, e, f], this.n); // recording is not timed: a small array per call is fine
    this.n += RECORD;
  }
  begin(meta: TraceMeta): void {
    this.meta = meta;
  }
  jobStart(j: number, startPs: number): void {
    this.put(JOB_START, j, startPs);
  }
  job(j: number, startPs: number, endPs: number): void {
    this.put(JOB_END, j, startPs, endPs);
  }
  tile(lane: Lane, j: number, tile: number, startPs: number, endPs: number, bytes: number): void {
    this.put(3 + LANES.indexOf(lane), j, tile, startPs, endPs, bytes);
  }
  packet(): void {
    throw new Error('recording sink: packets come through the packet reporter');
  }
  async end(makespanPs: number): Promise<void> {
    this.put(END, makespanPs);
  }
  abort(): void {}
}

/** Replays a recording into `sink` (packets into its packet reporter, as the fabric would). */
export async function replay(calls: Float64Array, meta: TraceMeta, sink: TimelineSink): Promise<void> {
  sink.begin(meta);
  const packets = sink.packetReporter;
  for (let i = 0; i < calls.length; i += RECORD) {
    const k = calls[i];
    if (k === PACKET) packets.add(calls[i + 1], calls[i + 2], calls[i + 3], calls[i + 4], calls[i + 5], calls[i + 6]);
    else if (k === JOB_START) sink.jobStart(calls[i + 1], calls[i + 2]);
    else if (k === JOB_END) sink.job(calls[i + 1], calls[i + 2], calls[i + 3]);
    else if (k === END) await sink.end(calls[i + 1]);
    else sink.tile(LANES[k - 3], calls[i + 1], calls[i + 2], calls[i + 3], calls[i + 4], calls[i + 5]);
  }
}

function cpuMs(): number {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
}

/** CPU ms of the one evaluation in a child process (this file run as a script). */
function firstRunMs(scenarioFile: string, packageFile: string, mode: 'none' | 'pftrace', dir: string): number {
  const out = execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', __filename, scenarioFile, packageFile, mode, path.join(dir, 'first.pftrace')], { encoding: 'utf8' });
  return Number(out.trim());
}

export async function traceCost(schedule: MadeSchedule, inputs: Inputs, rounds = 5, files?: { scenario: string; pkg: string }): Promise<TraceCost> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcmsim-bench-'));
  const best = { none: Infinity, pftrace: Infinity, chrome: Infinity };
  const heap = { none: 0, pftrace: 0, chrome: 0 };
  let events = 0;
  let simEvents = 0;
  let peak = 0;
  let sizes = { pftrace: 0, chrome: 0 };
  const sinkBest = { pftrace: Infinity, chrome: Infinity };
  const first = { none: NaN, pftrace: NaN };
  if (files) first.none = first.pftrace = Infinity;
  let sinkCalls = 0;
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
    // The sinks alone: record the calls of one run, replay them into fresh sinks.
    const rec = new RecordingSink();
    let opts = {};
    await evaluate(schedule, inputs, (ctx) => {
      opts = { run: runInfo(ctx.program, ctx.schedule, '1'), estimate: ctx.estimate };
      return rec;
    });
    const calls = rec.calls;
    for (let r = 0; r < rounds; r++) {
      for (const mode of ['pftrace', 'chrome'] as const) {
        const file = path.join(dir, mode === 'pftrace' ? 's.pftrace' : 's.json');
        const t0 = cpuMs();
        await replay(calls, rec.meta!, mode === 'pftrace' ? new PerfettoSink(file, opts) : new ChromeJsonSink(file, opts));
        sinkBest[mode] = Math.min(sinkBest[mode], cpuMs() - t0);
      }
    }
    sinkCalls = calls.length / RECORD;
    if (files) {
      for (let r = 0; r < 2; r++) {
        first.none = Math.min(first.none, firstRunMs(files.scenario, files.pkg, 'none', dir));
        first.pftrace = Math.min(first.pftrace, firstRunMs(files.scenario, files.pkg, 'pftrace', dir));
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
    sinkOnly: {
      pftraceCpuMs: sinkBest.pftrace, chromeCpuMs: sinkBest.chrome, calls: sinkCalls,
      pftraceNsPerEvent: (sinkBest.pftrace * 1e6) / events, chromeNsPerEvent: (sinkBest.chrome * 1e6) / events,
    },
    firstRun: { noTraceCpuMs: first.none, pftraceCpuMs: first.pftrace, pftraceRatio: first.pftrace / first.none },
  };
}

export function traceCostText(t: TraceCost): string {
  const f = (x: number) => x.toFixed(0);
  return [
    `tracing ${t.scenario} (${t.jobs} jobs, ${t.simEvents} simulator events; fastest of ${t.rounds} rounds, CPU ms of lower + estimate + simulate)`,
    `  no trace   ${f(t.noTraceCpuMs).padStart(7)} ms`,
    `  .pftrace   ${f(t.pftraceCpuMs).padStart(7)} ms  ${t.pftraceRatio.toFixed(2)}x  ${(t.pftraceBytes / 2 ** 20).toFixed(1)} MiB, ${t.pftraceBytesPerEvent.toFixed(1)} bytes/event`,
    `  Chrome JSON${f(t.chromeCpuMs).padStart(7)} ms  ${t.chromeRatio.toFixed(2)}x  ${(t.chromeBytes / 2 ** 20).toFixed(1)} MiB, ${t.chromeBytesPerEvent.toFixed(1)} bytes/event`,
    `  the sinks alone (the run's ${t.sinkOnly.calls} sink calls and logged packets replayed): .pftrace ${f(t.sinkOnly.pftraceCpuMs)} ms (${f(t.sinkOnly.pftraceNsPerEvent)} ns per trace event), Chrome JSON ${f(t.sinkOnly.chromeCpuMs)} ms (${f(t.sinkOnly.chromeNsPerEvent)} ns)`,
    ...(Number.isFinite(t.firstRun.pftraceRatio) ? [`  first run in a fresh process (incl. compiling the writer): no trace ${f(t.firstRun.noTraceCpuMs)} ms, .pftrace ${f(t.firstRun.pftraceCpuMs)} ms  ${t.firstRun.pftraceRatio.toFixed(2)}x`] : []),
    `  ${t.traceEvents} trace events; reorder buffer peak ${t.peakBufferedEvents} events; heap after run (MiB): none ${f(t.heapUsedMb.none)}, pftrace ${f(t.heapUsedMb.pftrace)}, chrome ${f(t.heapUsedMb.chrome)}`,
  ].join('\n');
}

// Child process of firstRunMs: SCENARIO PACKAGE none|pftrace OUT -> prints CPU ms of one evaluation.
if (require.main === module) {
  const [scenarioFile, packageFile, mode, out] = process.argv.slice(2);
  const inputs = loadInputs(scenarioFile, packageFile);
  const schedule = makeSchedule(inputs, { strategy: 'scar', seed: '1' });
  const t0 = cpuMs();
  evaluate(schedule, inputs, (ctx) => (mode === 'none' ? null : new PerfettoSink(out, { run: runInfo(ctx.program, ctx.schedule, '1'), estimate: ctx.estimate })))
    .then(() => console.log((cpuMs() - t0).toFixed(1)))
    .catch((e) => {
      console.error(e);
      process.exitCode = 1;
    });
}
