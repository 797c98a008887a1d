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
  /** Windows held: a power of two, so a window's slot is `index & mask`. */
  private cap = 64;
  private mask = 63;
  /** Window-major: the amounts of window b are data[(b & mask) * nSeries + series] (one array, adjacent series). */
  private data: Float64Array;

  constructor(
    readonly nSeries: number,
    readonly widthPs: number,
  ) {
    if (!(widthPs > 0)) throw new Error('window width must be positive');
    this.data = new Float64Array(this.cap * nSeries);
  }

  add(series: number, startPs: number, endPs: number, amount: number): void {
    if (amount === 0) return;
    const w = this.widthPs;
    this.ensure(startPs, endPs);
    const d = this.data;
    const m = this.mask;
    const n = this.nSeries;
    if (endPs <= startPs) {
      d[(Math.floor(startPs / w) & m) * n + series] += amount;
      return;
    }
    const b0 = Math.floor(startPs / w);
    const b1 = Math.ceil(endPs / w) - 1;
    if (b0 === b1) {
      d[(b0 & m) * n + series] += amount;
      return;
    }
    const rate = amount / (endPs - startPs);
    d[(b0 & m) * n + series] += rate * ((b0 + 1) * w - startPs);
    for (let b = b0 + 1; b < b1; b++) d[(b & m) * n + series] += rate * w;
    d[(b1 & m) * n + series] += rate * (endPs - b1 * w);
  }

  /** Three amounts over the same interval into series s, s + 1, s + 2. */
  add3(s: number, startPs: number, endPs: number, a0: number, a1: number, a2: number): void {
    const w = this.widthPs;
    const b0 = Math.floor(startPs / w);
    if (endPs <= (b0 + 1) * w && b0 >= this.base && b0 - this.base < this.cap) {
      const i = (b0 & this.mask) * this.nSeries + s;
      const d = this.data;
      d[i] += a0;
      d[i + 1] += a1;
      d[i + 2] += a2;
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
      const i = (b0 & this.mask) * this.nSeries + s;
      const d = this.data;
      d[i] += bytes;
      d[i + 1] += endPs - startPs;
      d[i + 2] += startPs - arrivePs;
      return;
    }
    this.add(s, startPs, endPs, bytes);
    this.add(s + 1, startPs, endPs, endPs - startPs);
    if (startPs > arrivePs) this.add(s + 2, arrivePs, startPs, startPs - arrivePs);
  }

  /** Windows held now (the ring's size; it only grows). */
  get capacity(): number {
    return this.cap;
  }

  /** The window-major array (replaced when the ring grows): window b's series s is rows[rowOf(b) + s]. */
  get rows(): Float64Array {
    return this.data;
  }

  rowOf(b: number): number {
    return (b & this.mask) * this.nSeries;
  }

  /** Window b is not read yet and has its slot (b - base < cap; the ring only grows). */
  holds(b: number): boolean {
    return b >= this.base && b - this.base < this.cap;
  }

  /** Amount of `series` in window `base` (call for each series, then next()). */
  get(series: number): number {
    return this.data[(this.base & this.mask) * this.nSeries + series];
  }

  /** Forgets window `base` and moves on to the next. */
  next(): void {
    const i = (this.base & this.mask) * this.nSeries;
    this.data.fill(0, i, i + this.nSeries);
    this.base++;
  }

  private ensure(startPs: number, endPs: number): void {
    const first = Math.floor(startPs / this.widthPs);
    if (first < this.base) throw new Error(`trace: counter window ${first} was already written (now at ${this.base})`);
    const last = Math.max(first, Math.ceil(endPs / this.widthPs) - 1);
    if (last - this.base >= this.cap) this.grow(last - this.base + 1);
  }

  private grow(need: number): void {
    let cap = this.cap;
    while (cap < need) cap *= 2;
    const n = this.nSeries;
    const old = this.data;
    const oldMask = this.mask;
    const data = new Float64Array(cap * n);
    for (let k = this.base; k < this.base + this.cap; k++) data.set(old.subarray((k & oldMask) * n, (k & oldMask) * n + n), (k & (cap - 1)) * n);
    this.data = data;
    this.cap = cap;
    this.mask = cap - 1;
  }
}
