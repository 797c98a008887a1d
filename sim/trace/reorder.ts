/**
 * A bounded reorder buffer: the simulator reports a slice when it ends, but a streaming reader
 * wants events in time order. Events wait in time buckets, ordered by (ns timestamp, rank,
 * arrival) when written, and leave once the caller knows nothing earlier can still arrive (a watermark: see
 * timeline.ts). Only the events between the watermark and the simulator's clock are held, so
 * memory follows the longest running job, not the length of the run.
 *
 * Rank orders events that share a nanosecond so slices on one track stay balanced and nested
 * after any stable sort by timestamp (trace processor sorts this way):
 *   ends, deepest first  <  zero-length slices  <  counters / instants  <  begins, outermost first
 * A zero-length slice (begin and end in one ns) is one PAIR event; if it sits at the very end
 * of its parent it ranks before the parent's end, otherwise after the parent's begin.
 */

export const enum Ev {
  BEGIN = 1,
  END = 2,
  PAIR = 3,
  INSTANT = 4,
  COUNTER = 5,
}

/** Slices nest at most this deep (job > tile on one PE-array track). */
export const MAX_DEPTH = 2;

export function endRank(depth: number): number {
  return 1 + 2 * (MAX_DEPTH - depth); // depth 2: 1, 1: 3, 0: 5
}
/** A zero-length slice at its parent's end (depth >= 1), or a top-level one (depth 0). */
export function pairRankAtParentEnd(depth: number): number {
  return depth === 0 ? 6 : 2 + 2 * (MAX_DEPTH - depth); // depth 2: 2, 1: 4, 0: 6
}
export const POINT_RANK = 7;
export function beginRank(depth: number): number {
  return 8 + 2 * depth; // 0: 8, 1: 10, 2: 12
}
/** A zero-length slice anywhere else: after its parent's begin, before its siblings' begins. */
export function pairRank(depth: number): number {
  return depth === 0 ? 6 : 7 + 2 * depth; // 1: 9, 2: 11
}

export interface TimedEvent {
  /** ns * 16 + rank. */
  key: number;
  seq: number;
  kind: Ev;
}

/**
 * Events bucketed by time (buckets of `bucketNs`, in arrival order); a bucket is sorted on
 * (key, seq) only when it is written. Pushing is O(1) and each event is sorted once within its
 * small bucket: a binary heap over all held events spent most of a traced run on
 * pointer-chasing comparisons. seq makes the order total (deterministic).
 *
 * The buckets near the watermark form a ring: bucket b lives in slot b & mask, for buckets
 * low .. low + cap - 1 (the ring doubles when an event lands further out, up to MAX_RING
 * slots). Slots keep their arrays: no allocation per bucket. Buckets beyond the ring (a long job
 * holding the watermark while the clock runs far ahead) wait in a map holding only non-empty
 * ones, and move into the ring as the watermark comes near: memory follows the events held, not
 * the time they span.
 */
export class ReorderBuffer<T extends TimedEvent> {
  private slots: T[][] = [];
  /** Events held per slot (its array may be longer: the rest is stale). */
  private counts = new Int32Array(0);
  private mask = -1;
  /** Non-empty buckets at or beyond low + cap when their first event came, in arrival order. */
  private readonly far = new Map<number, T[]>();
  /** Lowest bucket that may hold events. */
  private low = 0;
  private seq = 0;
  private count = 0;
  private limitNs = 0;
  private keys = new Float64Array(256);
  private pos = new Int32Array(256);
  /** A bucket's events while sort() writes them back in order (grows to the largest bucket). */
  private readonly scratch: T[] = [];
  /** Largest number of events held at once (for the memory check in the bench). */
  peak = 0;

  constructor(private bucketNs = 1024) {
    this.resize(64);
  }

  get size(): number {
    return this.count;
  }

  /** Slots in the ring and buckets waiting beyond it (memory check). */
  get buckets(): { ring: number; far: number } {
    return { ring: this.mask + 1, far: this.far.size };
  }

  /** Sets the bucket width (only while empty). */
  setBucketNs(ns: number): void {
    if (this.count > 0) throw new Error('reorder buffer: bucket width changed while holding events');
    this.bucketNs = Math.max(1, ns);
    this.low = 0;
    this.limitNs = 0;
  }

  push(e: T): void {
    e.seq = this.seq++;
    const b = Math.floor(e.key / 16 / this.bucketNs);
    if (b < this.low) throw new Error(`trace: event at ${Math.floor(e.key / 16)} ns arrived after that time was written`);
    if (b - this.low > this.mask) {
      if (b - this.low < MAX_RING) this.grow(b - this.low + 1);
      else {
        const list = this.far.get(b);
        if (list) list.push(e);
        else this.far.set(b, [e]);
        if (++this.count > this.peak) this.peak = this.count;
        return;
      }
    }
    const i = b & this.mask;
    const c = this.counts[i];
    this.slots[i][c] = e;
    this.counts[i] = c + 1;
    if (++this.count > this.peak) this.peak = this.count;
  }

  /** Hands every event with a timestamp below `limitNs` to `out`, in order. */
  drain(limitNs: number, out: (e: T) => void): void {
    if (limitNs <= this.limitNs) return;
    this.limitNs = limitNs;
    // Buckets below `end` can hold events due now; none is held at or beyond low + cap.
    const end = Math.min(Math.ceil(limitNs / this.bucketNs), this.low + this.mask + 1);
    const limitKey = limitNs * 16;
    for (let b = this.low; b < end && this.count > 0; b++) if (this.counts[b & this.mask] > 0) this.visit(b & this.mask, limitKey, out);
    if (this.far.size > 0) this.drainFar(Math.ceil(limitNs / this.bucketNs), limitKey, out);
    // The bucket holding limitNs can still grow.
    this.low = Math.max(this.low, Math.floor(limitNs / this.bucketNs));
    if (this.far.size > 0) this.nearFar();
  }

  /** Far buckets below `end` (all beyond the ring's buckets), in order. */
  private drainFar(end: number, limitKey: number, out: (e: T) => void): void {
    const due = [...this.far.keys()].filter((b) => b < end).sort((x, y) => x - y);
    for (const b of due) {
      const list = this.far.get(b)!;
      const left = this.emitDue(list, list.length, limitKey, out);
      if (left === 0) this.far.delete(b);
      else list.length = left;
    }
  }

  /** Far buckets now within the ring's reach move into it (their slots are empty: every bucket below low is drained). */
  private nearFar(): void {
    for (const [b, list] of [...this.far]) {
      if (b - this.low > this.mask) continue;
      const i = b & this.mask;
      const slot = this.slots[i];
      for (let k = 0; k < list.length; k++) slot[k] = list[k];
      this.counts[i] = list.length;
      this.far.delete(b);
    }
  }

  private visit(i: number, limitKey: number, out: (e: T) => void): void {
    this.counts[i] = this.emitDue(this.slots[i], this.counts[i], limitKey, out);
  }

  /**
   * Hands out, in order, the events of a bucket's first `len` that are due (key below
   * limitKey); what is left keeps its order at the front (later arrivals go behind it).
   * Returns how many are left.
   */
  private emitDue(list: T[], len: number, limitKey: number, out: (e: T) => void): number {
    this.sort(list, len);
    let n = 0;
    while (n < len && list[n].key < limitKey) n++;
    for (let k = 0; k < n; k++) out(list[k]);
    for (let k = n; k < len; k++) list[k - n] = list[k];
    this.count -= n;
    return len - n;
  }

  /**
   * The first `n` events of a bucket in (key, arrival) order; arrival order within a bucket is
   * position. Small buckets (most) are insertion-sorted (stable) on their keys with the
   * positions alongside. Larger ones sort key * 2^15 + position, a unique number whose plain
   * numeric order is that order, with the typed array's sort, as long as it stays an exact
   * integer; otherwise a comparator sort on (key, seq).
   */
  private sort(list: T[], n: number): void {
    if (n < 2) return;
    if (this.keys.length < n) {
      this.keys = new Float64Array(Math.max(n, 2 * this.keys.length));
      this.pos = new Int32Array(this.keys.length);
    }
    const keys = this.keys;
    const pos = this.pos;
    if (n <= INSERTION_MAX) {
      for (let i = 0; i < n; i++) {
        const k = list[i].key;
        let j = i - 1;
        while (j >= 0 && keys[j] > k) {
          keys[j + 1] = keys[j];
          pos[j + 1] = pos[j];
          j--;
        }
        keys[j + 1] = k;
        pos[j + 1] = i;
      }
    } else {
      let maxKey = 0;
      for (let i = 0; i < n; i++) if (list[i].key > maxKey) maxKey = list[i].key;
      if (n > POS_LIMIT || maxKey * POS_LIMIT + POS_LIMIT > Number.MAX_SAFE_INTEGER) {
        const sorted = list.slice(0, n).sort(byKeySeq);
        for (let i = 0; i < n; i++) list[i] = sorted[i];
        return;
      }
      for (let i = 0; i < n; i++) keys[i] = list[i].key * POS_LIMIT + i;
      keys.subarray(0, n).sort();
      for (let i = 0; i < n; i++) pos[i] = keys[i] % POS_LIMIT;
    }
    // Written back in place (through a reused copy): no array allocated per bucket.
    const copy = this.scratch;
    for (let i = 0; i < n; i++) copy[i] = list[i];
    for (let j = 0; j < n; j++) list[j] = copy[pos[j]];
  }

  drainAll(out: (e: T) => void): void {
    for (let b = this.low; b < this.low + this.mask + 1 && this.count > 0; b++) {
      const i = b & this.mask;
      if (this.counts[i] > 0) this.counts[i] = this.emitDue(this.slots[i], this.counts[i], Infinity, out);
    }
    if (this.far.size > 0) this.drainFar(Infinity, Infinity, out);
  }

  /** Room for buckets low .. low + need - 1 (the ring size a power of two, at most MAX_RING). */
  private grow(need: number): void {
    let cap = this.mask + 1;
    while (cap < need) cap *= 2;
    const old = this.slots;
    const oldCounts = this.counts;
    const oldMask = this.mask;
    this.resize(cap);
    for (let b = this.low; b <= this.low + oldMask; b++) {
      const j = b & oldMask;
      const i = b & this.mask;
      [this.slots[i], old[j]] = [old[j], this.slots[i]];
      this.counts[i] = oldCounts[j];
    }
    // Far buckets the larger ring now reaches move in before any later event can land there.
    if (this.far.size > 0) this.nearFar();
  }

  private resize(cap: number): void {
    this.slots = Array.from({ length: cap }, () => [] as T[]);
    this.counts = new Int32Array(cap);
    this.mask = cap - 1;
  }
}

/** The ring's largest size, buckets (beyond it, far buckets wait in a map). */
const MAX_RING = 1 << 12;
/** Buckets up to this size are insertion-sorted (a typed-array sort call costs more for a few events). */
const INSERTION_MAX = 32;

/** Positions within a bucket that the numeric sort can encode. */
const POS_LIMIT = 32768;

function byKeySeq(a: TimedEvent, b: TimedEvent): number {
  return a.key - b.key || a.seq - b.seq;
}
