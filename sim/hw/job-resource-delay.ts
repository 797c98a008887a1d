/**
 * Queueing delay per (job, resource) pair, stored only for the pairs that had any. A job's
 * transfers cross a few resources of its paths, so almost every cell of a dense
 * jobs x resources array stays zero: dc1_llm on a 16x16 package has 3679 jobs x 992 resources
 * (29 MB of Float64Array) of which 1612 are non-zero. A pair is added once per transfer
 * that lost time (not per packet), so a Map lookup there costs nothing measurable; the delays
 * live in a typed array (updating a number held in a Map would allocate).
 */
export class JobResourceDelays {
  /** job * resources + resource -> slot. */
  private readonly slotOf = new Map<number, number>();
  private slotJob = new Int32Array(64);
  private slotResource = new Int32Array(64);
  private slotDelayPs = new Float64Array(64);
  private used = 0;

  constructor(readonly resources: number) {}

  /** Pairs with a delay. */
  get size(): number {
    return this.used;
  }

  /** Adds ps to the delay resource r imposed on job. */
  add(job: number, r: number, ps: number): void {
    const key = job * this.resources + r;
    let s = this.slotOf.get(key);
    if (s === undefined) {
      s = this.used++;
      if (s === this.slotDelayPs.length) this.grow();
      this.slotJob[s] = job;
      this.slotResource[s] = r;
      this.slotDelayPs[s] = 0;
      this.slotOf.set(key, s);
    }
    this.slotDelayPs[s] += ps;
  }

  /** The delay resource r imposed on job (0 when none), ps. */
  get(job: number, r: number): number {
    const s = this.slotOf.get(job * this.resources + r);
    return s === undefined ? 0 : this.slotDelayPs[s];
  }

  /** Every pair with its delay, by job then resource (the order a dense array's scan gives). */
  forEach(fn: (job: number, r: number, delayPs: number) => void): void {
    const keys = Float64Array.from(this.slotOf.keys()).sort();
    for (const key of keys) {
      const s = this.slotOf.get(key)!;
      fn(this.slotJob[s], this.slotResource[s], this.slotDelayPs[s]);
    }
  }

  private grow(): void {
    const n = this.slotDelayPs.length * 2;
    const job = new Int32Array(n);
    job.set(this.slotJob);
    this.slotJob = job;
    const res = new Int32Array(n);
    res.set(this.slotResource);
    this.slotResource = res;
    const d = new Float64Array(n);
    d.set(this.slotDelayPs);
    this.slotDelayPs = d;
  }
}
