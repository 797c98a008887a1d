import { JobResourceDelays } from '../../sim/hw/job-resource-delay';

describe('JobResourceDelays (sparse per job and resource)', () => {
  test('sums per pair, 0 for a pair never charged, visits pairs by job then resource', () => {
    const d = new JobResourceDelays(10);
    d.add(3, 7, 5);
    d.add(0, 9, 1);
    d.add(3, 2, 4);
    d.add(3, 7, 0.5);
    d.add(1, 0, 2);
    expect(d.size).toBe(4);
    expect(d.get(3, 7)).toBe(5.5);
    expect(d.get(3, 2)).toBe(4);
    expect(d.get(2, 7)).toBe(0);
    expect(d.get(7, 3)).toBe(0); // key job*10+r would be 73, not 37: no aliasing of (3, 7)
    const seen: [number, number, number][] = [];
    d.forEach((j, r, ps) => seen.push([j, r, ps]));
    expect(seen).toEqual([[0, 9, 1], [1, 0, 2], [3, 2, 4], [3, 7, 5.5]]);
  });

  test('grows past its initial capacity and keeps every pair (same as a dense array)', () => {
    const jobs = 300;
    const res = 7;
    const d = new JobResourceDelays(res);
    const dense = new Float64Array(jobs * res);
    for (let k = 0; k < 2000; k++) {
      const j = (k * 37) % jobs;
      const r = (k * 11) % res;
      d.add(j, r, k + 1);
      dense[j * res + r] += k + 1;
    }
    const fromSparse = new Float64Array(jobs * res);
    let last = -1;
    d.forEach((j, r, ps) => {
      expect(j * res + r).toBeGreaterThan(last);
      last = j * res + r;
      fromSparse[j * res + r] = ps;
    });
    expect(Array.from(fromSparse)).toEqual(Array.from(dense));
    expect(d.size).toBe(dense.filter((x) => x > 0).length);
  });
});
