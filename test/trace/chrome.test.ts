/**
 * ChromeJsonSink: valid JSON in the Chrome trace event format, matching the simulator's run,
 * that Perfetto's JSON importer takes without dropping a slice or misplacing a flow.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { simulate } from '../../sim/hw/replay';
import { estimateProgram } from '../../sim/cost/estimate';
import { TeeSink } from '../../sim/trace/sink';
import { ChromeJsonSink, usOfNs } from '../../sim/trace/chrome';
import { RecordingSink, tinyProgram } from './fixture';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Ev = any;

/**
 * A JSON number of µs to ns as Perfetto's JSON importer does it: the number is parsed as a
 * double and rounded to the nearest ns, half away from zero (std::llround(value * 1000)),
 * separately for "ts" and "dur"; a complete event ends at ts + dur.
 */
export function perfettoNs(us: number): number {
  return Math.sign(us) * Math.round(Math.abs(us) * 1000);
}

interface Interval {
  start: number;
  end: number;
  name: string;
}

/**
 * Slices per thread after Perfetto's rounding ("X": [ts, ts + dur], "B"/"E" pairs), and every
 * pair that overlaps without nesting: Perfetto's importer drops the later slice of such a pair
 * (stat slice_drop_overlapping_complete_event).
 */
export function overlapsAfterRounding(events: Ev[]): { slices: Map<string, Interval[]>; overlaps: string[] } {
  const slices = new Map<string, Interval[]>();
  const open = new Map<string, { start: number; name: string }[]>();
  const add = (k: string, iv: Interval) => {
    if (!slices.has(k)) slices.set(k, []);
    slices.get(k)!.push(iv);
  };
  for (const e of events) {
    const k = `${e.pid}/${e.tid}`;
    if (e.ph === 'X') {
      const start = perfettoNs(e.ts);
      add(k, { start, end: start + perfettoNs(e.dur), name: e.name });
    } else if (e.ph === 'B') {
      if (!open.has(k)) open.set(k, []);
      open.get(k)!.push({ start: perfettoNs(e.ts), name: e.name });
    } else if (e.ph === 'E') {
      const b = open.get(k)?.pop();
      if (b) add(k, { start: b.start, end: perfettoNs(e.ts), name: b.name });
    }
  }
  const overlaps: string[] = [];
  for (const [k, list] of slices) {
    const sorted = [...list].sort((a, b) => a.start - b.start || b.end - a.end);
    const stack: Interval[] = [];
    for (const iv of sorted) {
      while (stack.length && stack[stack.length - 1].end <= iv.start) stack.pop();
      const top = stack[stack.length - 1];
      if (top && iv.end > top.end) overlaps.push(`${k}: ${iv.name} [${iv.start}, ${iv.end}] overlaps ${top.name} [${top.start}, ${top.end}]`);
      stack.push(iv);
    }
  }
  return { slices, overlaps };
}

describe('Perfetto rounding check', () => {
  test('rounds like the importer: half away from zero, ts and dur separately', () => {
    expect(perfettoNs(1.2345)).toBe(1235); // 1234.5 ns (as a double, just above) -> 1235
    expect(perfettoNs(0.0006)).toBe(1);
    expect(perfettoNs(0.9998)).toBe(1000);
    expect(perfettoNs(42)).toBe(42000);
  });

  test('fails on the overlap exact µs decimals of ps used to cause (a slice 1 ns past the next)', () => {
    // Two back-to-back slices at ps [600, 1000400] and [1000400, 2000000], written as exact µs
    // decimals: the first rounds to [1, 1001] ns, the second starts at 1000 ns.
    const old = [
      { ph: 'X', pid: 1, tid: 1, name: 'a', ts: 0.0006, dur: 0.9998 },
      { ph: 'X', pid: 1, tid: 1, name: 'b', ts: 1.0004, dur: 0.9996 },
    ];
    expect(overlapsAfterRounding(old).overlaps.length).toBe(1);
    // The same slices as whole ns (what the sink writes: floor(ps / 1000)) do not overlap.
    const fixed = [
      { ph: 'X', pid: 1, tid: 1, name: 'a', ts: Number(usOfNs(0)), dur: Number(usOfNs(1000)) },
      { ph: 'X', pid: 1, tid: 1, name: 'b', ts: Number(usOfNs(1000)), dur: Number(usOfNs(1000)) },
    ];
    expect(overlapsAfterRounding(fixed).overlaps).toEqual([]);
  });
});

describe('ChromeJsonSink', () => {
  let dir: string;
  let n = 0;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcmsim-chrome-'));
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function run(opts: { chunkBytes?: number } = {}) {
    const prog = tinyProgram();
    const file = path.join(dir, `t${n++}.json`);
    const rec = new RecordingSink();
    const sink = new ChromeJsonSink(file, { ...opts, estimate: estimateProgram(prog), run: ['scenario', 'tiny', 'seed', '7'] });
    const sim = await simulate(prog, { sink: new TeeSink([sink, rec]) });
    const text = fs.readFileSync(file, 'utf8');
    return { prog, sim, rec, file, text, json: JSON.parse(text) };
  }

  let r: Awaited<ReturnType<typeof run>>;
  let evs: Ev[];
  let threadName: Map<string, string>;
  beforeAll(async () => {
    r = await run();
    evs = r.json.traceEvents;
    threadName = new Map(evs.filter((e) => e.ph === 'M' && e.name === 'thread_name').map((e) => [`${e.pid}/${e.tid}`, e.args.name]));
  });
  const thread = (e: Ev) => threadName.get(`${e.pid}/${e.tid}`)!;

  test('whole ns as exact µs decimals', () => {
    expect(usOfNs(0)).toBe('0');
    expect(usOfNs(1000)).toBe('1');
    expect(usOfNs(1234)).toBe('1.234');
    expect(usOfNs(1)).toBe('0.001');
    // Trailing zeros of the fraction go, leading ones stay.
    expect([1200, 1230, 1050, 1005, 1010, 1100, 1500, 2999].map(usOfNs)).toEqual(['1.2', '1.23', '1.05', '1.005', '1.01', '1.1', '1.5', '2.999']);
    for (let ns = 0; ns < 3000; ns++) expect(Number(usOfNs(ns)) * 1000).toBeCloseTo(ns, 6);
    expect(usOfNs(123_456_789_000_001)).toBe('123456789000.001');
    expect(() => usOfNs(1.5)).toThrow();
  });

  test('is one JSON object with traceEvents and the run metadata, written atomically', () => {
    expect(Array.isArray(evs)).toBe(true);
    expect(r.json.metadata).toEqual({ scenario: 'tiny', seed: '7', fingerprint: r.sim.fingerprint });
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(r.text).not.toMatch(/"ts":-|NaN|Infinity/);
    const runEv = evs.find((e) => e.ph === 'i' && e.name === 'run');
    expect(runEv.args.scenario).toBe('tiny');
  });

  test('Perfetto\'s rounding keeps every slice: no overlap on any thread, all times whole ns', () => {
    const timed = evs.filter((e) => e.ts !== undefined);
    for (const e of timed) {
      expect(Math.abs(e.ts * 1000 - perfettoNs(e.ts))).toBeLessThan(1e-6);
      if (e.dur !== undefined) expect(Math.abs(e.dur * 1000 - perfettoNs(e.dur))).toBeLessThan(1e-6);
    }
    const { slices, overlaps } = overlapsAfterRounding(evs);
    expect(overlaps).toEqual([]);
    const total = [...slices.values()].reduce((a, l) => a + l.length, 0);
    expect(total).toBe(evs.filter((e) => e.ph === 'X' || e.ph === 'B').length);
  });

  test('names every process and thread', () => {
    const procs = evs.filter((e) => e.ph === 'M' && e.name === 'process_name').map((e) => e.args.name);
    expect(procs).toEqual(['run', 'c0_0 (ws)', 'c0_1 (os)', 'c1_0 (os)', 'c1_1 (ws)', 'NoP', 'DRAM', 'power & energy']);
    for (const e of evs.filter((x) => x.ph === 'X' || x.ph === 'B')) expect(threadName.has(`${e.pid}/${e.tid}`)).toBe(true);
  });

  test('one job slice per job on "PE array" (nothing else there), at the simulated ns, with the estimate', () => {
    const { slices } = overlapsAfterRounding(evs);
    const pe = evs.filter((e) => (e.ph === 'X' || e.ph === 'B') && thread(e) === 'PE array');
    expect(pe.length).toBe(r.prog.jobs.length);
    for (const j of r.prog.jobs) {
      const b = pe.find((x) => x.name === j.name);
      const t = r.sim.jobs[j.index];
      const iv = slices.get(`${b.pid}/${b.tid}`)!.find((x) => x.name === j.name)!;
      expect([j.name, iv.start, iv.end]).toEqual([j.name, Math.floor(t.startPs / 1000), Math.floor(t.endPs / 1000)]);
      expect(b.pid).toBe(j.chiplet + 2);
      expect(b.args.cycles).toBe(j.plan.computeCycles);
      expect(typeof b.args.est_dur_ns).toBe('number');
    }
    // Arguments known only at the end go on the "E" event (Perfetto and chrome://tracing merge them).
    const ends = evs.filter((e) => e.ph === 'E' && thread(e) === 'PE array');
    expect(ends.length).toBe(r.prog.jobs.length);
    for (const e of ends) expect(typeof e.args.est_err_pct).toBe('number');
  });

  test('tiles, stalls and transfers', () => {
    const xs = evs.filter((e) => e.ph === 'X');
    const detail = xs.filter((e) => thread(e) === 'PE array detail');
    const computeTiles = r.rec.tiles.filter((t) => t.lane === 'compute').length;
    expect(detail.filter((e) => e.name === 'compute').reduce((a, e) => a + e.args.tiles, 0)).toBe(computeTiles);
    for (const lane of ['load', 'store'] as const) {
      const want = r.rec.tiles.filter((t) => t.lane === lane && (t.bytes > 0 || t.endPs > t.startPs));
      const got = xs.filter((e) => thread(e).startsWith(lane));
      expect(got.length).toBe(want.length);
      expect(got.reduce((a, e) => a + e.args.bytes, 0)).toBe(want.reduce((a, t) => a + t.bytes, 0));
    }
  });

  test('flows: one s/f pair per dependency, at producer and consumer job starts on their PE-array threads', () => {
    const s = evs.filter((e) => e.ph === 's');
    const f = evs.filter((e) => e.ph === 'f');
    const edges = r.prog.jobs.reduce((a, j) => a + j.consumers.length, 0);
    expect(s.length).toBe(edges);
    expect(f.length).toBe(edges);
    expect(new Set(s.map((e) => e.id))).toEqual(new Set(f.map((e) => e.id)));
    for (const e of f) expect(e.bp).toBe('e');
    for (const e of [...s, ...f]) expect(thread(e)).toBe('PE array'); // a thread with only job slices
    const jobAt = (e: Ev) => r.prog.jobs.find((j) => j.chiplet + 2 === e.pid && Math.floor(r.sim.jobs[j.index].startPs / 1000) === perfettoNs(e.ts))!;
    const pairs = new Set(s.map((e) => `${jobAt(e).name}->${jobAt(f.find((x) => x.id === e.id)).name}`));
    expect(pairs).toEqual(new Set(r.prog.jobs.flatMap((j) => j.consumers.map((c) => `${j.name}->${r.prog.jobs[c].name}`))));
  });

  test('DRAM bandwidth counters integrate to the bytes each channel served; counter names are unique', () => {
    for (const res of r.prog.topology.resources.filter((x) => x.kind === 'dram')) {
      const cs = evs.filter((e) => e.ph === 'C' && e.name === `${res.name} bandwidth`);
      expect(cs[cs.length - 1].args['GB/s']).toBe(0);
      let bytes = 0;
      for (let i = 0; i + 1 < cs.length; i++) bytes += cs[i].args['GB/s'] * (perfettoNs(cs[i + 1].ts) - perfettoNs(cs[i].ts));
      expect(bytes).toBeCloseTo(r.sim.counts.resourceBytes[res.index], 3);
    }
    expect(evs.filter((e) => e.ph === 'C' && e.name === 'c0_0 power').length).toBeGreaterThan(4);
    // Counters are keyed by process and name: each name belongs to one process.
    const owner = new Map<string, number>();
    for (const e of evs.filter((x) => x.ph === 'C')) {
      expect(owner.get(e.name) ?? e.pid).toBe(e.pid);
      owner.set(e.name, e.pid);
    }
  });

  test('events are in time order', () => {
    let last = -1;
    for (const e of evs.filter((x) => x.ts !== undefined)) {
      expect(perfettoNs(e.ts)).toBeGreaterThanOrEqual(last);
      last = perfettoNs(e.ts);
    }
  });

  test('output does not depend on the write chunk size', async () => {
    const small = await run({ chunkBytes: 64 });
    expect(small.text).toBe(r.text);
  });
});
