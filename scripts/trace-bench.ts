/**
 * The cost of tracing (bench.ts's trace section): simulate CPU time of one schedule (SCAR, seed 1)
 * with no trace against a .pftrace, and against a Chrome JSON trace, side by side in a child
 * process (rounds alternate the two so machine noise hits them alike; the fastest round of each
 * counts), the bytes per trace event, and the memory the sinks hold (the reorder buffer's peak,
 * and the heap after each run). Each format gets its own fresh processes, as in a user's run: sharing one
 * process, the two writers' common timeline code sees two classes and V8 compiles it for both,
 * which cost the .pftrace rounds 0.03-0.08 of ratio (dc1_llm). The same measurement runs in
 * several processes (JIT decisions differ between them by a few per cent); the median counts.
 *
 * The sink alone: the calls a sink receives in one run (job starts and ends, tiles, and the
 * packets the fabric reports) are recorded once, then replayed into fresh sinks, so the writer's
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
  /** Processes per format (the warm figures are those of the median process by ratio). */
  processes: number;
  /** Fastest round, CPU ms (user + system) of lowering + estimate + simulate (no trace: in the .pftrace process). */
  noTraceCpuMs: number;
  pftraceCpuMs: number;
  /** No trace in the median Chrome JSON process (its ratio's baseline). */
  chromeNoTraceCpuMs: number;
  chromeCpuMs: number;
  pftraceRatio: number;
  chromeRatio: number;
  /** The ratio of every process, in the order they ran. */
  pftraceRatios: number[];
  chromeRatios: number[];
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

/** What one warm child process measured (see warmChild). */
interface Warm {
  noneMs: number;
  tracedMs: number;
  bytes: number;
  events: number;
  simEvents: number;
  peak: number;
  heapNoneMb: number;
  heapTracedMb: number;
}

function warmRun(scenarioFile: string, packageFile: string, format: 'pftrace' | 'chrome', rounds: number, dir: string): Warm {
  const out = execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', __filename, 'warm', scenarioFile, packageFile, format, String(rounds), dir], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()!) as Warm; // the last line: the child's result
}

/** In a fresh process: `rounds` rounds of no trace then `format`, fastest of each. */
async function warmChild(scenarioFile: string, packageFile: string, format: 'pftrace' | 'chrome', rounds: number, dir: string): Promise<Warm> {
  const inputs = loadInputs(scenarioFile, packageFile);
  const schedule = makeSchedule(inputs, { strategy: 'scar', seed: '1' });
  const w: Warm = { noneMs: Infinity, tracedMs: Infinity, bytes: 0, events: 0, simEvents: 0, peak: 0, heapNoneMb: 0, heapTracedMb: 0 };
  const file = path.join(dir, `warm-${process.pid}.${format === 'pftrace' ? 'pftrace' : 'json'}`);
  for (let r = 0; r < rounds; r++) {
    for (const traced of [false, true]) {
      let sink: TimelineSink | null = null;
      const t0 = cpuMs();
      const ev = await evaluate(schedule, inputs, (ctx) => {
        if (!traced) return null;
        const opts = { run: runInfo(ctx.program, ctx.schedule, '1'), estimate: ctx.estimate };
        sink = format === 'pftrace' ? new PerfettoSink(file, opts) : new ChromeJsonSink(file, opts);
        return sink;
      });
      const ms = cpuMs() - t0;
      const heapMb = process.memoryUsage().heapUsed / 2 ** 20;
      w.simEvents = ev.sim.events;
      if (!traced) {
        w.noneMs = Math.min(w.noneMs, ms);
        w.heapNoneMb = Math.max(w.heapNoneMb, heapMb);
        continue;
      }
      w.tracedMs = Math.min(w.tracedMs, ms);
      w.heapTracedMb = Math.max(w.heapTracedMb, heapMb);
      const s = sink! as TimelineSink;
      w.bytes = fs.statSync(file).size;
      w.events = s.eventsWritten;
      w.peak = Math.max(w.peak, s.peakBufferedEvents);
    }
  }
  fs.rmSync(file, { force: true });
  return w;
}

/** The process whose ratio is the median (the lower middle one for an even count). */
function medianByRatio(ws: Warm[]): Warm {
  const sorted = [...ws].sort((a, b) => a.tracedMs / a.noneMs - b.tracedMs / b.noneMs);
  return sorted[(sorted.length - 1) >> 1];
}

export async function traceCost(schedule: MadeSchedule, inputs: Inputs, files: { scenario: string; pkg: string }, rounds = 5, processes = 3): Promise<TraceCost> {
  processes = Math.max(1, Math.floor(processes));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcmsim-bench-'));
  const warm = { pftrace: [] as Warm[], chrome: [] as Warm[] };
  const sinkBest = { pftrace: Infinity, chrome: Infinity };
  const first = { none: Infinity, pftrace: Infinity };
  let sinkCalls = 0;
  try {
    // Formats alternate between processes, so a slow spell of the machine hits both.
    for (let p = 0; p < processes; p++) {
      for (const format of ['pftrace', 'chrome'] as const) warm[format].push(warmRun(files.scenario, files.pkg, format, rounds, dir));
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
    for (let r = 0; r < 2; r++) {
      first.none = Math.min(first.none, firstRunMs(files.scenario, files.pkg, 'none', dir));
      first.pftrace = Math.min(first.pftrace, firstRunMs(files.scenario, files.pkg, 'pftrace', dir));
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const pf = medianByRatio(warm.pftrace);
  const ch = medianByRatio(warm.chrome);
  const events = pf.events;
  return {
    scenario: inputs.scenario.name, jobs: schedule.jobs.length, simEvents: pf.simEvents, rounds, processes,
    noTraceCpuMs: pf.noneMs, pftraceCpuMs: pf.tracedMs, chromeNoTraceCpuMs: ch.noneMs, chromeCpuMs: ch.tracedMs,
    pftraceRatio: pf.tracedMs / pf.noneMs, chromeRatio: ch.tracedMs / ch.noneMs,
    pftraceRatios: warm.pftrace.map((w) => w.tracedMs / w.noneMs), chromeRatios: warm.chrome.map((w) => w.tracedMs / w.noneMs),
    pftraceBytes: pf.bytes, chromeBytes: ch.bytes, traceEvents: events,
    pftraceBytesPerEvent: pf.bytes / events, chromeBytesPerEvent: ch.bytes / events,
    peakBufferedEvents: Math.max(pf.peak, ch.peak), heapUsedMb: { none: pf.heapNoneMb, pftrace: pf.heapTracedMb, chrome: ch.heapTracedMb },
    sinkOnly: {
      pftraceCpuMs: sinkBest.pftrace, chromeCpuMs: sinkBest.chrome, calls: sinkCalls,
      pftraceNsPerEvent: (sinkBest.pftrace * 1e6) / events, chromeNsPerEvent: (sinkBest.chrome * 1e6) / events,
    },
    firstRun: { noTraceCpuMs: first.none, pftraceCpuMs: first.pftrace, pftraceRatio: first.pftrace / first.none },
  };
}

export function traceCostText(t: TraceCost): string {
  const f = (x: number) => x.toFixed(0);
  const ratios = (rs: number[]) => rs.map((r) => `${r.toFixed(2)}x`).join(' ');
  return [
    `tracing ${t.scenario} (${t.jobs} jobs, ${t.simEvents} simulator events; CPU ms of lower + estimate + simulate, fastest of ${t.rounds} rounds alternating with no trace, in each of ${t.processes} fresh processes per format; the median process shown)`,
    `  no trace   ${f(t.noTraceCpuMs).padStart(7)} ms`,
    `  .pftrace   ${f(t.pftraceCpuMs).padStart(7)} ms  ${t.pftraceRatio.toFixed(2)}x (processes: ${ratios(t.pftraceRatios)})  ${(t.pftraceBytes / 2 ** 20).toFixed(1)} MiB, ${t.pftraceBytesPerEvent.toFixed(1)} bytes/event`,
    `  Chrome JSON${f(t.chromeCpuMs).padStart(7)} ms  ${t.chromeRatio.toFixed(2)}x (processes: ${ratios(t.chromeRatios)})  ${(t.chromeBytes / 2 ** 20).toFixed(1)} MiB, ${t.chromeBytesPerEvent.toFixed(1)} bytes/event (no trace in that process: ${f(t.chromeNoTraceCpuMs)} ms)`,
    `  the sinks alone (the run's ${t.sinkOnly.calls} sink calls and reported packets replayed): .pftrace ${f(t.sinkOnly.pftraceCpuMs)} ms (${f(t.sinkOnly.pftraceNsPerEvent)} ns per trace event), Chrome JSON ${f(t.sinkOnly.chromeCpuMs)} ms (${f(t.sinkOnly.chromeNsPerEvent)} ns)`,
    `  first run in a fresh process (incl. compiling the writer): no trace ${f(t.firstRun.noTraceCpuMs)} ms, .pftrace ${f(t.firstRun.pftraceCpuMs)} ms  ${t.firstRun.pftraceRatio.toFixed(2)}x`,
    `  ${t.traceEvents} trace events; reorder buffer peak ${t.peakBufferedEvents} events; heap after run (MiB): none ${f(t.heapUsedMb.none)}, pftrace ${f(t.heapUsedMb.pftrace)}, chrome ${f(t.heapUsedMb.chrome)}`,
  ].join('\n');
}

// Child processes: `warm SCENARIO PACKAGE pftrace|chrome ROUNDS DIR` prints warmChild's JSON;
// `SCENARIO PACKAGE none|pftrace OUT` (firstRunMs) prints the CPU ms of one evaluation.
if (require.main === module && process.argv[2] === 'warm') {
  const [scenarioFile, packageFile, format, rounds, dir] = process.argv.slice(3);
  warmChild(scenarioFile, packageFile, format as 'pftrace' | 'chrome', Number(rounds), dir)
    .then((w) => console.log(JSON.stringify(w)))
    .catch((e) => {
      console.error(e);
      process.exitCode = 1;
    });
} else if (require.main === module) {
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
