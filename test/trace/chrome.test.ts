/** ChromeJsonSink: valid JSON in the Chrome trace event format, matching the simulator's run. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { simulate } from '../../sim/hw/replay';
import { TeeSink } from '../../sim/trace/sink';
import { ChromeJsonSink, us } from '../../sim/trace/chrome';
import { RecordingSink, tinyProgram } from './fixture';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Ev = any;
const ps = (us: number) => Math.round(us * 1e6);

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
    const sim = await simulate(prog, { sink: new TeeSink([new ChromeJsonSink(file, opts), rec]) });
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

  test('exact microsecond decimals', () => {
    expect(us(0)).toBe('0');
    expect(us(1_000_000)).toBe('1');
    expect(us(1_234_567)).toBe('1.234567');
    expect(us(1_000)).toBe('0.001');
    expect(us(123_456_789_000_001)).toBe('123456789.000001');
  });

  test('is one JSON object with traceEvents, written atomically', () => {
    expect(Array.isArray(evs)).toBe(true);
    expect(r.json.displayTimeUnit).toBe('ns');
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(r.text).not.toMatch(/"ts":-|NaN|Infinity/);
  });

  test('names every process and thread', () => {
    const procs = evs.filter((e) => e.ph === 'M' && e.name === 'process_name').map((e) => e.args.name);
    expect(procs).toEqual(['c0_0 (ws)', 'c0_1 (os)', 'c1_0 (os)', 'c1_1 (ws)', 'NoP', 'DRAM']);
    for (const e of evs.filter((x) => x.ph === 'X')) expect(threadName.has(`${e.pid}/${e.tid}`)).toBe(true);
  });

  test('one X event per job and per tile, at the simulated times', () => {
    const xs = evs.filter((e) => e.ph === 'X');
    expect(xs.length).toBe(r.prog.jobs.length + r.rec.tiles.length);
    const jobXs = xs.filter((e) => threadName.get(`${e.pid}/${e.tid}`)!.startsWith('PE array') && !/^tile /.test(e.name));
    expect(jobXs.length).toBe(r.prog.jobs.length);
    for (const j of r.prog.jobs) {
      const e = jobXs.find((x) => x.name === j.name);
      const t = r.sim.jobs[j.index];
      expect([j.name, ps(e.ts), ps(e.ts + e.dur)]).toEqual([j.name, t.startPs, t.endPs]);
      expect(e.pid).toBe(j.chiplet + 1);
      expect(e.args.cycles).toBe(j.plan.computeCycles);
      expect(e.args.macs).toBe(j.plan.macs);
    }
    for (const lane of ['load', 'store'] as const) {
      const want = r.rec.tiles.filter((t) => t.lane === lane);
      const got = xs.filter((e) => threadName.get(`${e.pid}/${e.tid}`)!.startsWith(lane));
      expect(got.length).toBe(want.length);
      expect(got.reduce((a, e) => a + e.args.bytes, 0)).toBe(want.reduce((a, t) => a + t.bytes, 0));
    }
  });

  test('X events on each thread nest (tiles inside their job)', () => {
    const byThread = new Map<string, Ev[]>();
    for (const e of evs.filter((x) => x.ph === 'X')) {
      const k = `${e.pid}/${e.tid}`;
      if (!byThread.has(k)) byThread.set(k, []);
      byThread.get(k)!.push(e);
    }
    let nested = 0;
    for (const [k, list] of byThread) {
      const items = list.map((e) => ({ s: ps(e.ts), e: ps(e.ts + e.dur), name: e.name })).sort((a, b) => a.s - b.s || b.e - a.e);
      const stack: { s: number; e: number; name: string }[] = [];
      for (const it of items) {
        expect(it.e).toBeGreaterThanOrEqual(it.s);
        while (stack.length && stack[stack.length - 1].e <= it.s) stack.pop();
        if (stack.length) {
          expect([k, it.name, it.e <= stack[stack.length - 1].e]).toEqual([k, it.name, true]);
          nested++;
        }
        stack.push(it);
      }
    }
    expect(nested).toBe(r.rec.tiles.filter((t) => t.lane === 'compute').length);
  });

  test('flows: one s/f pair per dependency, from producer to consumer', () => {
    const s = evs.filter((e) => e.ph === 's');
    const f = evs.filter((e) => e.ph === 'f');
    const edges = r.prog.jobs.reduce((a, j) => a + j.consumers.length, 0);
    expect(s.length).toBe(edges);
    expect(f.length).toBe(edges);
    expect(new Set(s.map((e) => e.id))).toEqual(new Set(f.map((e) => e.id)));
    for (const e of f) expect(e.bp).toBe('e');
    const jobAt = (e: Ev) => r.prog.jobs.find((j) => j.chiplet + 1 === e.pid && r.sim.jobs[j.index].startPs === ps(e.ts))!;
    const pairs = new Set(s.map((e) => `${jobAt(e).name}->${jobAt(f.find((x) => x.id === e.id)).name}`));
    expect(pairs).toEqual(new Set(r.prog.jobs.flatMap((j) => j.consumers.map((c) => `${j.name}->${r.prog.jobs[c].name}`))));
  });

  test('DRAM bandwidth counters integrate to the bytes each channel served', () => {
    for (const res of r.prog.topology.resources.filter((x) => x.kind === 'dram')) {
      const cs = evs.filter((e) => e.ph === 'C' && e.name === `${res.name} bandwidth`);
      expect(cs[cs.length - 1].args['GB/s']).toBe(0);
      let bytes = 0;
      for (let i = 0; i + 1 < cs.length; i++) bytes += (cs[i].args['GB/s'] * (ps(cs[i + 1].ts) - ps(cs[i].ts))) / 1000;
      expect(bytes).toBeCloseTo(r.sim.counts.resourceBytes[res.index], 3);
    }
    expect(evs.filter((e) => e.ph === 'C' && e.name === 'power').length).toBeGreaterThan(4);
  });

  test('output does not depend on the write chunk size', async () => {
    const small = await run({ chunkBytes: 64 });
    expect(small.text).toBe(r.text);
  });
});
