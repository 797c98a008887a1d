/**
 * A bounded reorder buffer: the simulator reports a slice when it ends, but a streaming reader
 * wants events in time order. Events wait in a binary heap keyed by (ns timestamp, rank, arrival)
 * and leave once the caller knows nothing earlier can still arrive (a watermark: see
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
 * Events bucketed by time (buckets of `bucketNs`, a Map from bucket index to its events, in
 * arrival order); a bucket is sorted on (key, seq) only when it is written. Pushing is O(1) and
 * each event is sorted once within its small bucket: a binary heap over all held events spent
 * most of a traced run on pointer-chasing comparisons. seq makes the order total (deterministic).
 */
export class ReorderBuffer<T extends TimedEvent> {
  private readonly buckets = new Map<number, T[]>();
  /** Lowest bucket that may hold events. */
  private low = 0;
  private seq = 0;
  private count = 0;
  private limitNs = 0;
  private keys = new Float64Array(256);
  /** A bucket's events while sort() writes them back in order (grows to the largest bucket). */
  private readonly scratch: T[] = [];
  /** Largest number of events held at once (for the memory check in the bench). */
  peak = 0;

  constructor(private bucketNs = 1024) {}

  get size(): number {
    return this.count;
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
    let list = this.buckets.get(b);
    if (!list) {
      list = [];
      this.buckets.set(b, list);
    }
    list.push(e);
    if (++this.count > this.peak) this.peak = this.count;
  }

  /** Hands every event with a timestamp below `limitNs` to `out`, in order. */
  drain(limitNs: number, out: (e: T) => void): void {
    if (limitNs <= this.limitNs) return;
    this.limitNs = limitNs;
    const end = Math.ceil(limitNs / this.bucketNs); // buckets below `end` can hold events due now
    if (end <= this.low) return;
    const limitKey = limitNs * 16;
    if (end - this.low > 4 * this.buckets.size) {
      for (const b of [...this.buckets.keys()].filter((k) => k < end).sort((x, y) => x - y)) this.visit(b, limitKey, out);
    } else {
      for (let b = this.low; b < end; b++) this.visit(b, limitKey, out);
    }
    this.low = Math.floor(limitNs / this.bucketNs); // the bucket holding limitNs can still grow
  }

  private visit(b: number, limitKey: number, out: (e: T) => void): void {
    const list = this.buckets.get(b);
    if (!list) return;
    const sorted = this.sort(list);
    let n = 0;
    while (n < sorted.length && sorted[n].key < limitKey) n++;
    for (let i = 0; i < n; i++) out(sorted[i]);
    this.count -= n;
    if (n === sorted.length) this.buckets.delete(b);
    else if (n > 0) sorted.splice(0, n);
  }

  /**
   * The bucket in (key, arrival) order. Arrival order within a bucket is its position (what is
   * left of a bucket stays in order at its front, later arrivals go behind), so key * 2^15 +
   * position is a unique number whose plain numeric sort (no comparator) is that order, as long
   * as it stays an exact integer; otherwise a comparator sort on (key, seq).
   */
  private sort(list: T[]): T[] {
    const n = list.length;
    let maxKey = 0;
    for (let i = 0; i < n; i++) if (list[i].key > maxKey) maxKey = list[i].key;
    if (n > POS_LIMIT || maxKey * POS_LIMIT + POS_LIMIT > Number.MAX_SAFE_INTEGER) return list.sort(byKeySeq);
    if (this.keys.length < n) this.keys = new Float64Array(Math.max(n, 2 * this.keys.length));
    const keys = this.keys.subarray(0, n);
    for (let i = 0; i < n; i++) keys[i] = list[i].key * POS_LIMIT + i;
    keys.sort();
    // Sorted in place (through a reused copy): no array allocated per bucket.
    const copy = this.scratch;
    for (let i = 0; i < n; i++) copy[i] = list[i];
    for (let j = 0; j < n; j++) list[j] = copy[keys[j] % POS_LIMIT];
    return list;
  }

  drainAll(out: (e: T) => void): void {
    for (const b of [...this.buckets.keys()].sort((x, y) => x - y)) {
      const list = this.sort(this.buckets.get(b)!);
      for (const e of list) out(e);
    }
    this.buckets.clear();
    this.count = 0;
  }
}

/** Positions within a bucket that the numeric sort can encode. */
const POS_LIMIT = 32768;

function byKeySeq(a: TimedEvent, b: TimedEvent): number {
  return a.key - b.key || a.seq - b.seq;
}
