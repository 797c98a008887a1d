/**
 * Run-time invariants of the simulator (`--check`; always on under test through MCMSIM_CHECK=1).
 *
 * Components report what they do to a Checker held by the Engine (`engine.check`); the default
 * is NO_CHECK, whose `on` is false, and every call site tests `check.on` first, so a run without
 * checking builds no names and makes no calls. A violated invariant throws InvariantError: the
 * run stops with an internal error that names the invariant, the resource and the simulated
 * time, instead of printing a wrong number.
 *
 * Invariants:
 *   time            events are handled in non-decreasing time order
 *   queue           a queue or in-flight count is never negative (nor above its bound when given)
 *   occupancy       a buffer never holds more bytes than its capacity
 *   transfer        every started transfer ends once and delivers exactly its bytes
 *   busy            a resource is busy no longer than the run (its span)
 *   drained         at the end, every started transfer has ended and every scheduled event was handled
 * and, checked by the replay after a run (sim/hw/replay.ts):
 *   job             every job ran (start >= 0, end >= start)
 *   dependency      a job starts no earlier than its producers end
 *   one job per chiplet   a chiplet's jobs do not overlap
 */

export class InvariantError extends Error {
  constructor(readonly invariant: string, readonly resource: string, readonly timePs: number, detail: string) {
    super(`invariant "${invariant}" violated on ${resource} at ${timePs} ps: ${detail}`);
    this.name = 'InvariantError';
  }
}

export interface Checker {
  /** False for NO_CHECK: call sites skip the call (and building its arguments). */
  readonly on: boolean;
  /** The engine handled an event at nowPs after one at lastPs (it calls this only when nowPs < lastPs). */
  time(nowPs: number, lastPs: number): void;
  /** A queue or counter of `resource` is now `depth` entries; `max` bounds it when it has one. */
  queue(resource: string, depth: number, nowPs: number, max?: number): void;
  /** A buffer of `resource` now holds `bytes` of `capacityBytes`. */
  occupancy(resource: string, bytes: number, capacityBytes: number, nowPs: number): void;
  /** Transfer `id` (unique per run) of `bytes` starts on `resource` (e.g. its path). */
  transferStarted(id: number, resource: string, bytes: number, nowPs: number): void;
  /** Transfer `id` delivered `bytes` more (a packet's worth) at its destination. */
  delivered(id: number, bytes: number, nowPs: number): void;
  /** Transfer `id` ended (told its consumer); it must have delivered exactly its bytes. */
  transferEnded(id: number, nowPs: number): void;
  /** After the run: `resource` was busy busyPs within a run of spanPs. */
  busy(resource: string, busyPs: number, spanPs: number): void;
  /** After the run: the engine scheduled `scheduled` events and handled `handled`. */
  finish(nowPs: number, scheduled: number, handled: number): void;
}

/** The default: checks nothing, costs one boolean test per call site. */
export const NO_CHECK: Checker = {
  on: false,
  time() {},
  queue() {},
  occupancy() {},
  transferStarted() {},
  delivered() {},
  transferEnded() {},
  busy() {},
  finish() {},
};

/** Checks every invariant above; one per run (it remembers the transfers in flight). */
export class InvariantChecker implements Checker {
  readonly on = true;
  // Transfers by id (dense small integers, as the Fabric numbers them): typed arrays, so
  // checking a run with millions of packets allocates nothing per packet.
  private state = new Uint8Array(1024); // 0 never seen, 1 in flight, 2 ended
  private bytes = new Float64Array(1024);
  private got = new Float64Array(1024);
  private where: string[] = [];
  private open = 0;
  private lastResource = 'engine';

  time(nowPs: number, lastPs: number): void {
    if (!(nowPs >= lastPs)) fail('time', 'engine', nowPs, `event at ${nowPs} ps handled after one at ${lastPs} ps`);
  }

  queue(resource: string, depth: number, nowPs: number, max = Number.POSITIVE_INFINITY): void {
    if (!(depth >= 0)) fail('queue', resource, nowPs, `depth ${depth} is negative`);
    if (depth > max) fail('queue', resource, nowPs, `depth ${depth} exceeds its bound ${max}`);
  }

  occupancy(resource: string, bytes: number, capacityBytes: number, nowPs: number): void {
    if (!(bytes >= 0)) fail('occupancy', resource, nowPs, `holds ${bytes} bytes (negative)`);
    if (bytes > capacityBytes) fail('occupancy', resource, nowPs, `holds ${bytes} bytes, capacity ${capacityBytes}`);
  }

  transferStarted(id: number, resource: string, bytes: number, nowPs: number): void {
    if (!Number.isInteger(id) || id < 0) fail('transfer', resource, nowPs, `transfer id ${id} is not a non-negative integer`);
    if (id >= this.state.length) this.grow(id);
    if (this.state[id] !== 0) fail('transfer', resource, nowPs, `transfer ${id} started twice`);
    if (!(bytes >= 0) || !Number.isFinite(bytes)) fail('transfer', resource, nowPs, `transfer ${id} of ${bytes} bytes`);
    this.state[id] = 1;
    this.bytes[id] = bytes;
    this.got[id] = 0;
    this.where[id] = resource;
    this.open++;
    this.lastResource = resource;
  }

  delivered(id: number, bytes: number, nowPs: number): void {
    if (this.state[id] !== 1) fail('transfer', this.where[id] ?? this.lastResource, nowPs, `transfer ${id} delivered bytes but is not in flight`);
    const got = (this.got[id] += bytes);
    if (!(bytes >= 0) || got > this.bytes[id]) fail('transfer', this.where[id], nowPs, `transfer ${id} delivered ${got} of ${this.bytes[id]} bytes`);
  }

  transferEnded(id: number, nowPs: number): void {
    if (this.state[id] !== 1) fail('transfer', this.where[id] ?? this.lastResource, nowPs, `transfer ${id} ended but never started (or ended twice)`);
    if (this.got[id] !== this.bytes[id]) fail('transfer', this.where[id], nowPs, `transfer ${id} ended having delivered ${this.got[id]} of ${this.bytes[id]} bytes`);
    this.state[id] = 2;
    this.open--;
  }

  busy(resource: string, busyPs: number, spanPs: number): void {
    if (!(busyPs >= 0) || busyPs > spanPs) fail('busy', resource, spanPs, `busy ${busyPs} ps in a run of ${spanPs} ps`);
  }

  finish(nowPs: number, scheduled: number, handled: number): void {
    if (this.open > 0) {
      const id = this.state.indexOf(1);
      fail('drained', this.where[id], nowPs, `transfer ${id} of ${this.bytes[id]} bytes started and never ended (${this.open} open)`);
    }
    if (scheduled !== handled) fail('drained', 'engine', nowPs, `${scheduled} events scheduled, ${handled} handled`);
  }

  private grow(id: number): void {
    let n = this.state.length;
    while (n <= id) n *= 2;
    const state = new Uint8Array(n);
    state.set(this.state);
    const bytes = new Float64Array(n);
    bytes.set(this.bytes);
    const got = new Float64Array(n);
    got.set(this.got);
    [this.state, this.bytes, this.got] = [state, bytes, got];
  }
}

function fail(invariant: string, resource: string, timePs: number, detail: string): never {
  throw new InvariantError(invariant, resource, timePs, detail);
}

/** `--check` given, else MCMSIM_CHECK=1 in the environment (the test suites set it). */
export function checkingWanted(flag?: boolean): boolean {
  return flag ?? process.env.MCMSIM_CHECK === '1';
}

/** A fresh checker for one run, or NO_CHECK. */
export function makeChecker(on: boolean): Checker {
  return on ? new InvariantChecker() : NO_CHECK;
}
