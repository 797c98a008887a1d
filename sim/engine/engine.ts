/**
 * The discrete-event kernel. Knows nothing of chiplets, layers or traces.
 *
 * - Time is an integer count of picoseconds (components convert their own clock cycles), so
 *   results are exact and repeatable.
 * - Events with equal time run in the order they were scheduled (FIFO tie-break by a sequence
 *   number), so a run depends only on its inputs.
 * - Events are pooled: the hot loop allocates nothing once the pool is warm.
 * - An optional fingerprint (FNV-1a over event times and kinds, as OMNeT++ does) lets tests
 *   catch any change of behaviour.
 */
import TinyQueue from 'tinyqueue';

/** Receives events; `kind` is a small integer the component defines, `arg` its payload. */
export interface EventTarget {
  onEvent(kind: number, arg: unknown, nowPs: number): void;
}

interface Ev {
  t: number;
  seq: number;
  target: EventTarget | null;
  kind: number;
  arg: unknown;
}

const byTimeThenSeq = (a: Ev, b: Ev) => a.t - b.t || a.seq - b.seq;

export class Engine {
  private readonly queue = new TinyQueue<Ev>([], byTimeThenSeq);
  private readonly pool: Ev[] = [];
  private seq = 0;
  private now = 0;
  private processed = 0;
  private fp = 0x811c9dc5;
  private readonly fingerprinting: boolean;

  constructor(opts: { fingerprint?: boolean } = {}) {
    this.fingerprinting = opts.fingerprint ?? false;
  }

  get nowPs(): number {
    return this.now;
  }

  get eventsProcessed(): number {
    return this.processed;
  }

  /** FNV-1a hash (hex) of the (time, kind) sequence of processed events. */
  get fingerprint(): string {
    return (this.fp >>> 0).toString(16).padStart(8, '0');
  }

  /** Schedules an event at absolute time `timePs` (>= now). */
  at(timePs: number, target: EventTarget, kind: number, arg: unknown = null): void {
    if (timePs < this.now || !Number.isInteger(timePs)) {
      throw new Error(`engine: event at ${timePs} ps is in the past or not an integer (now ${this.now} ps)`);
    }
    const ev = this.pool.pop() ?? { t: 0, seq: 0, target: null, kind: 0, arg: null };
    ev.t = timePs;
    ev.seq = this.seq++;
    ev.target = target;
    ev.kind = kind;
    ev.arg = arg;
    this.queue.push(ev);
  }

  /** Schedules an event `delayPs` from now. */
  after(delayPs: number, target: EventTarget, kind: number, arg: unknown = null): void {
    this.at(this.now + delayPs, target, kind, arg);
  }

  /** Runs until the queue is empty (or until `untilPs`); returns the time of the last event. */
  run(untilPs = Number.POSITIVE_INFINITY): number {
    const q = this.queue;
    while (q.length > 0) {
      const ev = q.peek()!;
      if (ev.t > untilPs) break;
      q.pop();
      this.now = ev.t;
      this.processed++;
      if (this.fingerprinting) this.mix(ev.t, ev.kind);
      const target = ev.target!;
      const kind = ev.kind;
      const arg = ev.arg;
      ev.target = null;
      ev.arg = null;
      this.pool.push(ev);
      target.onEvent(kind, arg, this.now);
    }
    return this.now;
  }

  private mix(t: number, kind: number): void {
    let h = this.fp;
    // Mix the low and high 32-bit halves of the time, then the kind.
    const words = [t >>> 0, Math.floor(t / 4294967296) >>> 0, kind >>> 0];
    for (const w of words) {
      for (let i = 0; i < 4; i++) {
        h ^= (w >>> (i * 8)) & 0xff;
        h = Math.imul(h, 0x01000193);
      }
    }
    this.fp = h;
  }
}
