/**
 * The discrete-event kernel. Knows nothing of chiplets, layers or traces.
 *
 * - Time is an integer count of picoseconds (components convert their own clock cycles), so
 *   results are exact and repeatable.
 * - Events with equal time run in the order they were scheduled (FIFO tie-break by a sequence
 *   number), so a run depends only on its inputs.
 * - Events live in typed arrays (EventHeap): the hot loop allocates nothing once they have grown.
 * - An optional fingerprint (FNV-1a over event times and kinds, as OMNeT++ does) lets tests
 *   catch any change of behaviour; it is off unless asked for.
 */
import { Checker, NO_CHECK } from './check';

/** Receives events; `kind` is a small integer the component defines, `arg` its payload. */
export interface EventTarget {
  onEvent(kind: number, arg: unknown, nowPs: number): void;
}

/**
 * The engine's own event queue: a binary min-heap of slot numbers ordered by (time, seq), with
 * each event's fields in typed arrays and two plain arrays indexed by slot. Nothing else uses
 * this code, so the comparisons stay monomorphic (a generic queue shared with other element
 * types and comparators is not), and the hot loop allocates nothing once the arrays have grown.
 */
class EventHeap {
  heap = new Int32Array(64);
  size = 0;
  t = new Float64Array(64);
  seq = new Float64Array(64);
  kind = new Int32Array(64);
  target: (EventTarget | null)[] = new Array(64).fill(null);
  arg: unknown[] = new Array(64).fill(null);
  private free = new Int32Array(64);
  private nFree = 0;
  private slots = 0;

  /** A free slot for a new event (grows every array when full). */
  alloc(): number {
    if (this.nFree > 0) return this.free[--this.nFree];
    if (this.slots === this.t.length) this.grow();
    return this.slots++;
  }

  release(s: number): void {
    this.target[s] = null;
    this.arg[s] = null;
    this.free[this.nFree++] = s;
  }

  private grow(): void {
    const n = this.t.length * 2;
    const f64 = (a: Float64Array) => {
      const b = new Float64Array(n);
      b.set(a);
      return b;
    };
    const i32 = (a: Int32Array) => {
      const b = new Int32Array(n);
      b.set(a);
      return b;
    };
    this.t = f64(this.t);
    this.seq = f64(this.seq);
    this.kind = i32(this.kind);
    this.heap = i32(this.heap);
    this.free = i32(this.free);
    for (let i = this.target.length; i < n; i++) {
      this.target.push(null);
      this.arg.push(null);
    }
  }

  push(s: number): void {
    const h = this.heap;
    const t = this.t;
    const seq = this.seq;
    const ts = t[s];
    const qs = seq[s];
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = h[parent];
      if (t[p] < ts || (t[p] === ts && seq[p] < qs)) break;
      h[i] = p;
      i = parent;
    }
    h[i] = s;
  }

  /** Removes the root (the caller has read it). */
  pop(): void {
    const h = this.heap;
    const n = --this.size;
    if (n === 0) return;
    const s = h[n];
    const t = this.t;
    const seq = this.seq;
    const ts = t[s];
    const qs = seq[s];
    let i = 0;
    const half = n >> 1;
    while (i < half) {
      let c = 2 * i + 1;
      let cs = h[c];
      const r = c + 1;
      if (r < n) {
        const rs = h[r];
        if (t[rs] < t[cs] || (t[rs] === t[cs] && seq[rs] < seq[cs])) {
          c = r;
          cs = rs;
        }
      }
      if (ts < t[cs] || (ts === t[cs] && qs < seq[cs])) break;
      h[i] = cs;
      i = c;
    }
    h[i] = s;
  }
}

export class Engine {
  private readonly q = new EventHeap();
  private seq = 0;
  private now = 0;
  private processed = 0;
  private fp = 0x811c9dc5;
  private readonly fingerprinting: boolean;
  /** Run-time invariants (sim/engine/check.ts); components on this engine report to it. */
  readonly check: Checker;

  /**
   * `fingerprint`: hash every processed event (for tests; off by default, it costs time).
   * `check`: the run's invariant checker (default: none).
   */
  constructor(opts: { fingerprint?: boolean; check?: Checker } = {}) {
    this.fingerprinting = opts.fingerprint ?? false;
    this.check = opts.check ?? NO_CHECK;
  }

  get nowPs(): number {
    return this.now;
  }

  get eventsProcessed(): number {
    return this.processed;
  }

  /** Events scheduled so far (equals eventsProcessed once a run has drained its queue). */
  get eventsScheduled(): number {
    return this.seq;
  }

  /** FNV-1a hash (hex) of the (time, kind) sequence of processed events. */
  get fingerprint(): string {
    return (this.fp >>> 0).toString(16).padStart(8, '0');
  }

  /**
   * Time of the next queued event (Infinity when none). A component may act on its own up to
   * (not including) that time without an event: nothing else can happen before it.
   */
  get nextEventPs(): number {
    return this.q.size > 0 ? this.q.t[this.q.heap[0]] : Number.POSITIVE_INFINITY;
  }

  /** Schedules an event at absolute time `timePs` (>= now). */
  at(timePs: number, target: EventTarget, kind: number, arg: unknown = null): void {
    if (timePs < this.now || !Number.isInteger(timePs)) {
      throw new Error(`engine: event at ${timePs} ps is in the past or not an integer (now ${this.now} ps)`);
    }
    const q = this.q;
    const s = q.alloc();
    q.t[s] = timePs;
    q.seq[s] = this.seq++;
    q.target[s] = target;
    q.kind[s] = kind;
    q.arg[s] = arg;
    q.push(s);
  }

  /** Schedules an event `delayPs` from now. */
  after(delayPs: number, target: EventTarget, kind: number, arg: unknown = null): void {
    this.at(this.now + delayPs, target, kind, arg);
  }

  /** Runs until the queue is empty (or until `untilPs`); returns the time of the last event. */
  run(untilPs = Number.POSITIVE_INFINITY): number {
    const q = this.q;
    while (q.size > 0) {
      const s = q.heap[0];
      const t = q.t[s];
      if (t > untilPs) break;
      q.pop();
      // The heap's order is the invariant: report only a violation (a comparison per event).
      if (t < this.now && this.check.on) this.check.time(t, this.now);
      this.now = t;
      this.processed++;
      const kind = q.kind[s];
      if (this.fingerprinting) this.mix(t, kind);
      const target = q.target[s]!;
      const arg = q.arg[s];
      q.release(s);
      target.onEvent(kind, arg, t);
    }
    return this.now;
  }

  private mix(t: number, kind: number): void {
    // FNV-1a over the bytes (low first) of the time's low and high 32-bit halves, then the kind.
    let h = mixWord(this.fp, t >>> 0);
    h = mixWord(h, Math.floor(t / 4294967296) >>> 0);
    this.fp = mixWord(h, kind >>> 0);
  }
}

function mixWord(h: number, w: number): number {
  for (let i = 0; i < 4; i++) {
    h ^= (w >>> (i * 8)) & 0xff;
    h = Math.imul(h, 0x01000193);
  }
  return h;
}
