/**
 * Amounts (busy ps, bytes, pJ, PE-ps ...) per series over consecutive time windows of a fixed
 * width, for counters that are averages over a window. Amounts are added as intervals spread
 * evenly over [startPs, endPs) (all at startPs when the interval is empty); a window is read
 * once the caller knows no later report can touch it, then forgotten. Only windows between
 * the oldest unread one and the furthest interval end are held (a ring that doubles when an
 * interval reaches further), so memory does not grow with the length of the run.
 */
export class WindowSums {
  /** Index of the oldest window not yet read. */
  base = 0;
  private cap = 64;
  private data: Float64Array[];

  constructor(
    readonly nSeries: number,
    readonly widthPs: number,
  ) {
    if (!(widthPs > 0)) throw new Error('window width must be positive');
    this.data = Array.from({ length: nSeries }, () => new Float64Array(this.cap));
  }

  add(series: number, startPs: number, endPs: number, amount: number): void {
    if (amount === 0) return;
    const w = this.widthPs;
    const d = this.ensure(series, startPs, endPs);
    const cap = this.cap;
    if (endPs <= startPs) {
      d[Math.floor(startPs / w) % cap] += amount;
      return;
    }
    const b0 = Math.floor(startPs / w);
    const b1 = Math.ceil(endPs / w) - 1;
    if (b0 === b1) {
      d[b0 % cap] += amount;
      return;
    }
    const rate = amount / (endPs - startPs);
    d[b0 % cap] += rate * ((b0 + 1) * w - startPs);
    for (let b = b0 + 1; b < b1; b++) d[b % cap] += rate * w;
    d[b1 % cap] += rate * (endPs - b1 * w);
  }

  /** Three amounts over the same interval into series s, s + 1, s + 2. */
  add3(s: number, startPs: number, endPs: number, a0: number, a1: number, a2: number): void {
    const w = this.widthPs;
    const b0 = Math.floor(startPs / w);
    if (endPs <= (b0 + 1) * w && b0 >= this.base && b0 - this.base < this.cap) {
      const i = b0 % this.cap;
      this.data[s][i] += a0;
      this.data[s + 1][i] += a1;
      this.data[s + 2][i] += a2;
      return;
    }
    this.add(s, startPs, endPs, a0);
    this.add(s + 1, startPs, endPs, a1);
    this.add(s + 2, startPs, endPs, a2);
  }

  /**
   * One packet at a resource: `bytes` and busy time over [startPs, endPs) into series s and
   * s + 1, queueing time over [arrivePs, startPs) into s + 2. Most packets fit in one window:
   * that case skips the general spreading (it runs once per packet per hop).
   */
  addPacket(s: number, arrivePs: number, startPs: number, endPs: number, bytes: number): void {
    const w = this.widthPs;
    const b0 = Math.floor(arrivePs / w);
    if (endPs <= (b0 + 1) * w && b0 >= this.base && b0 - this.base < this.cap) {
      const i = b0 % this.cap;
      this.data[s][i] += bytes;
      this.data[s + 1][i] += endPs - startPs;
      this.data[s + 2][i] += startPs - arrivePs;
      return;
    }
    this.add(s, startPs, endPs, bytes);
    this.add(s + 1, startPs, endPs, endPs - startPs);
    if (startPs > arrivePs) this.add(s + 2, arrivePs, startPs, startPs - arrivePs);
  }

  /** Amount of `series` in window `base` (call for each series, then next()). */
  get(series: number): number {
    return this.data[series][this.base % this.cap];
  }

  /** Forgets window `base` and moves on to the next. */
  next(): void {
    const i = this.base % this.cap;
    for (const d of this.data) d[i] = 0;
    this.base++;
  }

  private ensure(series: number, startPs: number, endPs: number): Float64Array {
    const first = Math.floor(startPs / this.widthPs);
    if (first < this.base) throw new Error(`trace: counter window ${first} was already written (now at ${this.base})`);
    const last = Math.max(first, Math.ceil(endPs / this.widthPs) - 1);
    if (last - this.base >= this.cap) this.grow(last - this.base + 1);
    return this.data[series];
  }

  private grow(need: number): void {
    let cap = this.cap;
    while (cap < need) cap *= 2;
    const old = this.cap;
    this.data = this.data.map((d) => {
      const n = new Float64Array(cap);
      for (let k = this.base; k < this.base + old; k++) n[k % cap] = d[k % old];
      return n;
    });
    this.cap = cap;
  }
}
