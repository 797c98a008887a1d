/** PacketCounters: per-packet counting with a cached window must give WindowSums.addPacket's sums exactly. */
import { PacketCounters } from '../../sim/trace/packet-counters';
import { WindowSums } from '../../sim/trace/windows';

const N_RES = 4;

describe('PacketCounters', () => {
  test('the same sums, bit for bit, as addPacket per packet, with windows read and the ring grown in between', () => {
    const width = 1000;
    const ref = new WindowSums(3 * N_RES, width);
    const sums = new WindowSums(3 * N_RES, width);
    const errors: unknown[] = [];
    const pc = new PacketCounters((e) => errors.push(e));
    pc.bind(sums, Int32Array.from([0, 1, 0]), 2, N_RES);
    let seed = 12345;
    const rnd = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    let t = 0;
    let read = 0;
    const check = (): void => {
      for (let s = 0; s < 3 * N_RES; s++) expect(sums.get(s)).toBe(ref.get(s)); // toBe: Object.is, so bit-identical
    };
    for (let k = 0; k < 20000; k++) {
      t += rnd() < 0.9 ? rnd() * 40 : rnd() * 3000; // mostly inside one window, sometimes across many
      const arrive = t;
      const start = arrive + (rnd() < 0.5 ? 0 : rnd() * 70);
      const end = start + (rnd() < 0.97 ? 1 + rnd() * 60 : rnd() * 9000); // a few long ones grow the ring
      const r = Math.floor(rnd() * N_RES);
      const bytes = 1 + Math.floor(rnd() * 64);
      ref.addPacket(3 * r, arrive, start, end, bytes);
      pc.add(r, k % 3, arrive, start, end, bytes);
      if (rnd() < 0.001) {
        // A sink call that adds far ahead (a long tile) and so grows the ring: the cached row is stale.
        pc.invalidate();
        const far = t + 10000 * (1 + k / 100);
        sums.add(0, t, far, 5);
        ref.add(0, t, far, 5);
      }
      if (rnd() < 0.02) {
        // What a sink call does: invalidate, then read the windows no later packet can reach.
        pc.invalidate();
        while ((sums.base + 1) * width <= t) {
          check();
          sums.next();
          ref.next();
          read++;
        }
      }
    }
    while (sums.base * width < t + 20000) {
      check();
      sums.next();
      ref.next();
      read++;
    }
    expect(errors).toEqual([]);
    expect(read).toBeGreaterThan(100);
  });

  test('names the resource a chiplet queued on longest, first to queue on a tie, and clears its tally', () => {
    const pc = new PacketCounters(() => undefined);
    // Jobs 0 and 1 run on chiplet 0, job 2 on chiplet 1.
    pc.bind(new WindowSums(3 * N_RES, 1000), Int32Array.from([0, 0, 1]), 2, N_RES);
    pc.add(2, 0, 0, 5, 10, 8); // 5 ps on resource 2
    pc.add(1, 1, 10, 17, 20, 8); // 7 ps on resource 1
    pc.add(2, 0, 20, 23, 30, 8); // 3 more on resource 2: 8 ps
    pc.add(3, 2, 30, 100, 110, 8); // chiplet 1's, not chiplet 0's
    pc.add(0, 0, 40, 40, 50, 8); // no wait: not a candidate
    expect(pc.takeWorst(0)).toBe(2);
    expect(pc.worstPs).toBe(8);
    expect(pc.takeWorst(0)).toBe(-1); // cleared
    expect(pc.worstPs).toBe(0);
    pc.add(1, 0, 50, 54, 60, 8);
    pc.add(3, 0, 60, 64, 70, 8);
    expect(pc.takeWorst(0)).toBe(1); // 4 ps each: the first to queue
    expect(pc.takeWorst(1)).toBe(3);
    expect(pc.worstPs).toBe(70);
  });

  test('a packet reaching into a window already read is an error, reported once; nothing is counted after', () => {
    const errors: unknown[] = [];
    const sums = new WindowSums(3 * N_RES, 1000);
    const pc = new PacketCounters((e) => errors.push(e));
    pc.bind(sums, Int32Array.from([0]), 1, N_RES);
    pc.add(0, 0, 100, 100, 200, 8);
    pc.invalidate();
    sums.next();
    sums.next();
    pc.add(0, 0, 1500, 1500, 1600, 8); // window 1: already read
    pc.add(0, 0, 2500, 2500, 2600, 8);
    expect(errors.length).toBe(1);
    expect(String(errors[0])).toMatch(/already written/);
    expect(sums.get(0)).toBe(0); // window 2 got nothing
  });
});
