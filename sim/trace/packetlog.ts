/**
 * PacketLog: the per-packet reports of the fabric, appended to one typed array instead of a
 * sink call per packet per resource (millions on a large run). A call per packet made the
 * fabric's hot path too big to inline and cost more than the accounting itself; an append is a
 * few stores. The sink replays the log, in order, at the start of each of its own calls (and
 * when the log is full), so it sees exactly the packet calls it would have seen, at the same
 * points of its state: its output does not change.
 */
export const PACKET_FIELDS = 6; // resource, job, arrive ps, start ps, end ps, bytes

export class PacketLog {
  /** Flat records of PACKET_FIELDS numbers; `n` numbers are in use. */
  readonly data: Float64Array;
  n = 0;

  constructor(
    /** Replays and empties the log (sets n back to 0). */
    readonly flush: () => void,
    packets = 4096,
  ) {
    this.data = new Float64Array(packets * PACKET_FIELDS);
  }

  add(resource: number, job: number, arrivePs: number, startPs: number, endPs: number, bytes: number): void {
    let i = this.n;
    if (i === this.data.length) {
      this.flush();
      i = this.n;
    }
    const d = this.data;
    d[i] = resource;
    d[i + 1] = job;
    d[i + 2] = arrivePs;
    d[i + 3] = startPs;
    d[i + 4] = endPs;
    d[i + 5] = bytes;
    this.n = i + PACKET_FIELDS;
  }
}
