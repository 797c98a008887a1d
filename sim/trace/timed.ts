/**
 * A TraceSink that forwards every call and adds up the wall time spent inside them, so `run`
 * can report the simulation and the trace writing apart (they interleave: the sinks encode and
 * write as the simulator reports). Two clock reads per call, about 0.1 us: about 2 % of the
 * sink's own cost on the default run. Packets the fabric hands to a packetReporter
 * (--trace-packets) bypass the sink's methods; their counting stays in the simulation's time.
 */
import { Lane, TraceMeta, TraceSink } from './sink';

export class TimedSink implements TraceSink {
  readonly wantsPackets: boolean;
  /** Wall time spent in the wrapped sink so far, ns. */
  ns = 0;
  constructor(private readonly sink: TraceSink) {
    this.wantsPackets = sink.wantsPackets;
  }
  /** Read when the fabric is built (a sink may make its reporter in begin()). */
  get packetReporter(): TraceSink['packetReporter'] {
    return this.sink.packetReporter;
  }
  private time<T>(f: () => T): T {
    const t0 = process.hrtime.bigint();
    try {
      return f();
    } finally {
      this.ns += Number(process.hrtime.bigint() - t0);
    }
  }
  begin(meta: TraceMeta): void {
    this.time(() => this.sink.begin(meta));
  }
  jobStart(j: number, startPs: number): void {
    if (this.sink.jobStart) this.time(() => this.sink.jobStart!(j, startPs));
  }
  job(j: number, a: number, b: number): void {
    const t0 = process.hrtime.bigint();
    this.sink.job(j, a, b);
    this.ns += Number(process.hrtime.bigint() - t0);
  }
  tile(lane: Lane, j: number, t: number, a: number, b: number, bytes: number): void {
    const t0 = process.hrtime.bigint();
    this.sink.tile(lane, j, t, a, b, bytes);
    this.ns += Number(process.hrtime.bigint() - t0);
  }
  packet(r: number, j: number, arrive: number, a: number, b: number, bytes: number): void {
    const t0 = process.hrtime.bigint();
    this.sink.packet(r, j, arrive, a, b, bytes);
    this.ns += Number(process.hrtime.bigint() - t0);
  }
  async end(makespanPs: number, fingerprint?: string): Promise<void> {
    const t0 = process.hrtime.bigint();
    try {
      await this.sink.end(makespanPs, fingerprint);
    } finally {
      this.ns += Number(process.hrtime.bigint() - t0);
    }
  }
  abort(reason: unknown): void {
    this.sink.abort(reason);
  }
}
