/** The reorder buffer (time order out of end-time-ordered reports) and the counter windows. */
import { beginRank, endRank, Ev, pairRank, pairRankAtParentEnd, POINT_RANK, ReorderBuffer, TimedEvent } from '../../sim/trace/reorder';
import { WindowSums } from '../../sim/trace/windows';

class E implements TimedEvent {
  key = 0;
  seq = 0;
  kind: Ev = Ev.BEGIN;
  constructor(readonly ns: number, rank: number, readonly id: number) {
    this.key = ns * 16 + rank;
  }
}

/** Every event once, in (time, rank, arrival) order. */
function expectInOrder(out: E[]): void {
  for (let i = 1; i < out.length; i++) {
    const a = out[i - 1];
    const b = out[i];
    expect(a.key < b.key || (a.key === b.key && a.seq < b.seq)).toBe(true);
  }
}

describe('ReorderBuffer', () => {
  test('hands out every event once, in (time, rank, arrival) order, never one at or after the limit', () => {
    const buf = new ReorderBuffer<E>(8);
    const out: E[] = [];
    let x = 7;
    let id = 0;
    let floor = 0; // the watermark: nothing pushed below it
    for (let step = 0; step < 200; step++) {
      for (let k = 0; k < 10; k++) {
        x = (Math.imul(x, 1103515245) + 12345) >>> 0;
        buf.push(new E(floor + (x % 50), x % 13, id++));
      }
      floor += 7;
      const before = out.length;
      buf.drain(floor, (e) => out.push(e));
      for (const e of out.slice(before)) expect(e.ns).toBeLessThan(floor);
    }
    buf.drainAll((e) => out.push(e));
    expect(out.length).toBe(id);
    expect(new Set(out.map((e) => e.id)).size).toBe(id);
    expectInOrder(out);
    expect(buf.peak).toBeLessThan(id / 4); // only what is between the watermark and the clock
  });

  test('the ring of buckets grows for events far ahead, and crowded buckets and long jumps keep the order', () => {
    // Bucket width 1 ns: events up to 5000 buckets ahead force the ring (64 buckets) to double
    // repeatedly; 100 events in one ns exceed the insertion-sort size; the watermark then jumps
    // far past the ring's span.
    const buf = new ReorderBuffer<E>(1);
    const out: E[] = [];
    let id = 0;
    let x = 11;
    for (let k = 0; k < 100; k++) buf.push(new E(3, k % 13, id++));
    for (let k = 0; k < 300; k++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      buf.push(new E(x % 5000, x % 13, id++));
    }
    buf.drain(2500, (e) => out.push(e));
    expect(out.every((e) => e.ns < 2500)).toBe(true);
    buf.push(new E(2500, 0, id++));
    buf.push(new E(1e6, 0, id++));
    buf.drain(1e6, (e) => out.push(e));
    expect(out.length).toBe(id - 1);
    buf.drainAll((e) => out.push(e));
    expect(out.length).toBe(id);
    expectInOrder(out);
    expect(out.filter((e) => e.ns === 3).map((e) => e.id).slice(0, 3)).toEqual([0, 13, 26]); // rank 0 first, in arrival order
  });

  test('events far beyond the ring wait in a map of non-empty buckets, and come out in order', () => {
    // Bucket width 1 ns; a long "job" keeps the watermark near 0 while events land up to 10^7
    // buckets ahead: the ring stays at its cap, only the non-empty far buckets are held, and
    // order survives far buckets moving into the ring (as the watermark nears, or the ring grows).
    const buf = new ReorderBuffer<E>(1);
    const out: E[] = [];
    let id = 0;
    let x = 5;
    const pushSome = (from: number, span: number, k: number) => {
      for (let i = 0; i < k; i++) {
        x = (Math.imul(x, 1103515245) + 12345) >>> 0;
        buf.push(new E(from + (x % span), x % 13, id++));
      }
    };
    pushSome(0, 10, 20);
    pushSome(0, 1e7, 300);
    expect(buf.buckets.ring).toBeLessThanOrEqual(4096);
    expect(buf.buckets.far).toBeGreaterThan(250);
    for (let w = 0; w <= 1e7; w += 250_000) {
      buf.drain(w, (e) => out.push(e));
      pushSome(w, 2e6, 20); // more events, near and far, after each step
    }
    buf.drainAll((e) => out.push(e));
    expect(out.length).toBe(id);
    expect(new Set(out.map((e) => e.id)).size).toBe(id);
    expectInOrder(out);
  });

  test('refuses an event for a time already written', () => {
    const buf = new ReorderBuffer<E>(4);
    buf.push(new E(10, 0, 0));
    buf.drain(20, () => undefined);
    expect(() => buf.push(new E(3, 0, 1))).toThrow(/already written|after that time/);
  });

  test('ranks keep slices of one track balanced and nested within one ns', () => {
    // At one ns: a tile (depth 1) and its job (depth 0) end, the next job begins with a tile.
    expect(endRank(1)).toBeLessThan(endRank(0));
    expect(endRank(0)).toBeLessThan(POINT_RANK);
    expect(POINT_RANK).toBeLessThan(beginRank(0));
    expect(beginRank(0)).toBeLessThan(beginRank(1));
    // Zero-length slices: at the parent's end, between the children's ends and the parent's end;
    // elsewhere after the parent's begin and before the siblings' begins.
    expect(endRank(1)).toBeLessThan(pairRankAtParentEnd(1));
    expect(pairRankAtParentEnd(1)).toBeLessThan(endRank(0));
    expect(beginRank(0)).toBeLessThan(pairRank(1));
    expect(pairRank(1)).toBeLessThan(beginRank(1));
    expect(pairRank(0)).toBeLessThan(beginRank(0));
    expect(Math.max(beginRank(2), pairRank(2))).toBeLessThan(16);
  });
});

describe('WindowSums', () => {
  test('spreads an interval over the windows it covers, by hand', () => {
    const w = new WindowSums(1, 1000);
    w.add(0, 500, 2500, 20); // 10 per 1000 ps: 5 + 10 + 5
    w.add(0, 2100, 2100, 3); // empty interval: all at its start
    const got: number[] = [];
    for (let k = 0; k < 3; k++) {
      got.push(w.get(0));
      w.next();
    }
    expect(got).toEqual([5, 10, 8]);
  });

  test('keeps every amount exactly however far intervals reach (the ring grows)', () => {
    const w = new WindowSums(3, 64);
    let total = 0;
    let x = 3;
    for (let i = 0; i < 500; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      const s = i * 10;
      const e = s + (x % 20000);
      w.add(i % 3, s, e, e - s);
      w.addPacket(0, s, s + 5, s + 9, 4);
      total += e - s + 4 + 4 + 5;
    }
    let sum = 0;
    for (let k = 0; k < 20000; k++) {
      for (let s = 0; s < 3; s++) sum += w.get(s);
      w.next();
    }
    expect(sum).toBeCloseTo(total, 6);
    expect(() => w.add(0, 0, 10, 1)).toThrow(/already written/);
  });
});

