/**
 * What the fabric reports per packet per resource (millions on a large run: about 10 M on
 * dc1_llm), and the one place a trace sink counts them.
 *
 * The fabric calls `PacketReporter.add` on an object the sink hands it, never a sink method:
 * a sink call per packet made the fabric's hot path too big to inline. A timeline sink hands
 * it a PacketCounters, which adds the packet straight into the counter windows (bytes, busy and
 * queued time per resource) and into the queueing tally of the packet's job's chiplet (which
 * names the resource a load waited on). The sink reads the tally when a load is reported, and
 * reads or moves the windows only while handling its queued calls, after `invalidate()`; the
 * packets counted before then only touch windows at or after the watermark those calls compute,
 * which are not read yet. So each series gets the same additions in the same order as with a
 * packet() call per packet: the same sums, to the bit (tests compare the bytes).
 */
import { WindowSums } from './windows';

export interface PacketReporter {
  /** A packet reached `resource` at arrivePs, waited until startPs and held it until endPs. */
  add(resource: number, job: number, arrivePs: number, startPs: number, endPs: number, bytes: number): void;
}

export class PacketCounters implements PacketReporter {
  private sums: WindowSums | null = null;
  private jobChiplet: Int32Array = new Int32Array(0);
  private nRes = 0;
  /** Queued ps per chiplet and resource (row chiplet * nRes) since the chiplet's last load ended. */
  private queuedPs = new Float64Array(0);
  /** Per chiplet, the resources it queued on, in the order they first queued: the first touchedN[c] of its row. */
  private touched = new Int32Array(0);
  private touchedN = new Int32Array(0);
  // The window [lo, hi) the last packet fell in, at `row` of `rows` (hi < 0: none cached).
  // Consecutive packets mostly fall in one window; while they do, add() skips the division and
  // the checks of WindowSums.addPacket.
  private lo = 0;
  private hi = -1;
  private row = 0;
  private rows: Float64Array = new Float64Array(0);
  /** The queueing of the resource takeWorst() returned, ps. */
  worstPs = 0;

  /** onError: a packet could not be counted (e.g. it reaches back into a window already written). */
  constructor(private readonly onError: (e: unknown) => void) {}

  /** Starts counting into `sums` (series 3r, 3r + 1, 3r + 2 of resource r: bytes, busy ps, queued ps). */
  bind(sums: WindowSums, jobChiplet: Int32Array, nChiplets: number, nRes: number): void {
    this.sums = sums;
    this.jobChiplet = jobChiplet;
    this.nRes = nRes;
    this.queuedPs = new Float64Array(nChiplets * nRes);
    this.touched = new Int32Array(nChiplets * nRes);
    this.touchedN = new Int32Array(nChiplets);
    this.hi = -1;
  }

  /** Forgets the cached window: the sink may be about to read, move or grow the windows. */
  invalidate(): void {
    this.hi = -1;
  }

  /** Stops counting (the sink failed). */
  stop(): void {
    this.sums = null;
    this.hi = -1;
  }

  add(r: number, job: number, arrivePs: number, startPs: number, endPs: number, bytes: number): void {
    if (arrivePs >= this.lo && endPs <= this.hi) {
      const k = this.row + 3 * r;
      const d = this.rows;
      d[k] += bytes;
      d[k + 1] += endPs - startPs;
      d[k + 2] += startPs - arrivePs;
    } else if (!this.spread(r, arrivePs, startPs, endPs, bytes)) return;
    // job < 0: raw traffic (mcmsim traffic), which no chiplet's job is waiting for.
    if (startPs > arrivePs && job >= 0) {
      const c = this.jobChiplet[job];
      const q = c * this.nRes + r;
      if (this.queuedPs[q] === 0) this.touched[c * this.nRes + this.touchedN[c]++] = r;
      this.queuedPs[q] += startPs - arrivePs;
    }
  }

  /**
   * The resource chiplet c's packets queued on longest since the last call (-1 if none; its
   * ps in worstPs), ties to the one that queued first; clears the chiplet's tally.
   */
  takeWorst(c: number): number {
    const base = c * this.nRes;
    let top = -1;
    let topPs = 0;
    for (let i = 0; i < this.touchedN[c]; i++) {
      const q = base + this.touched[base + i];
      if (this.queuedPs[q] > topPs) {
        topPs = this.queuedPs[q];
        top = this.touched[base + i];
      }
      this.queuedPs[q] = 0;
    }
    this.touchedN[c] = 0;
    this.worstPs = topPs;
    return top;
  }

  /** The general case (WindowSums.addPacket); caches the packet's window for the next. False once stopped. */
  private spread(r: number, arrivePs: number, startPs: number, endPs: number, bytes: number): boolean {
    const sums = this.sums;
    if (sums === null) return false;
    try {
      sums.addPacket(3 * r, arrivePs, startPs, endPs, bytes);
    } catch (e) {
      this.stop();
      this.onError(e);
      return false;
    }
    const w = sums.widthPs;
    const b = Math.floor(arrivePs / w);
    this.lo = b * w;
    this.hi = sums.holds(b) ? this.lo + w : -1;
    this.row = sums.rowOf(b);
    this.rows = sums.rows;
    return true;
  }
}
