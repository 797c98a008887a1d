/**
 * What the simulator reports as it runs. Components call a TraceSink; sinks (Perfetto, Chrome
 * JSON, stats) decide what to keep and how to write it. With no sink the simulator skips every
 * call, so tracing costs nothing when it is off.
 */
import { Package } from '../input/types';
import { Topology } from '../cost/topology';
import { Job } from '../cost/program';
import { PacketReporter } from './packet-counters';

export type Lane = 'load' | 'compute' | 'store';

export interface TraceMeta {
  readonly pkg: Package;
  readonly topology: Topology;
  readonly jobs: readonly Job[];
  /** Job indices per chiplet in execution order (Program.chipletJobs). */
  readonly chipletJobs?: readonly (readonly number[])[];
}

export interface TraceSink {
  /** True if the sink wants one call per packet per resource (costly on big runs). */
  readonly wantsPackets: boolean;
  /**
   * When set (and wantsPackets), the fabric reports each packet here instead of calling
   * packet(): a small object the fabric's hot path can inline (packet-counters.ts).
   */
  readonly packetReporter?: PacketReporter | null;
  begin(meta: TraceMeta): void;
  /** A job starts on its chiplet now (lets a sink bound how far back later reports can reach). */
  jobStart?(jobIndex: number, startPs: number): void;
  /** A job ran on its chiplet from startPs to endPs (called when it ends). */
  job(jobIndex: number, startPs: number, endPs: number): void;
  /** One tile's load, compute or store on a chiplet (called when it ends). */
  tile(lane: Lane, jobIndex: number, tile: number, startPs: number, endPs: number, bytes: number): void;
  /**
   * A packet reached resource `resource` at arrivePs, waited in its FIFO until startPs (queueing
   * delay = startPs - arrivePs) and occupied it until endPs (only when wantsPackets).
   */
  packet(resource: number, jobIndex: number, arrivePs: number, startPs: number, endPs: number, bytes: number): void;
  /** The run ended at makespanPs (with the engine's event fingerprint when it kept one); flush and close. */
  end(makespanPs: number, fingerprint?: string): Promise<void>;
  /** The run failed: drop everything written (no partial output file). */
  abort(reason: unknown): void;
}

/** Fans one stream of calls out to several sinks. */
export class TeeSink implements TraceSink {
  readonly wantsPackets: boolean;
  constructor(private readonly sinks: TraceSink[]) {
    this.wantsPackets = sinks.some((s) => s.wantsPackets);
  }
  begin(meta: TraceMeta): void {
    for (const s of this.sinks) s.begin(meta);
  }
  jobStart(j: number, a: number): void {
    for (const s of this.sinks) s.jobStart?.(j, a);
  }
  job(j: number, a: number, b: number): void {
    for (const s of this.sinks) s.job(j, a, b);
  }
  tile(lane: Lane, j: number, t: number, a: number, b: number, bytes: number): void {
    for (const s of this.sinks) s.tile(lane, j, t, a, b, bytes);
  }
  packet(r: number, j: number, arrive: number, a: number, b: number, bytes: number): void {
    for (const s of this.sinks) if (s.wantsPackets) s.packet(r, j, arrive, a, b, bytes);
  }
  async end(makespanPs: number, fingerprint?: string): Promise<void> {
    // If one sink fails, the others are aborted so no partial file survives.
    for (let i = 0; i < this.sinks.length; i++) {
      try {
        await this.sinks[i].end(makespanPs, fingerprint);
      } catch (e) {
        for (const s of this.sinks.slice(i + 1)) s.abort(e);
        throw e;
      }
    }
  }
  abort(reason: unknown): void {
    for (const s of this.sinks) s.abort(reason);
  }
}
