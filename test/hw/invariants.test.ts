import { lowerSchedule, Program } from '../../sim/cost/program';
import { estimateProgram } from '../../sim/cost/estimate';
import { simulate, SimResult } from '../../sim/hw/replay';
import { scheduleGreedy } from '../../sim/sched/greedy';
import { Schedule } from '../../sim/input/types';
import { Lane, TraceSink } from '../../sim/trace/sink';
import { testPackage, testScenario, testWorkload } from '../helpers';

const cnn = testWorkload('cnn', [
  { name: 'c1', op: 'conv2d', inChannels: 3, inHeight: 64, inWidth: 64, outChannels: 32, kernel: 3, pad: 1, stride: 2 },
  { name: 'dw', op: 'depthwise', channels: 32, inHeight: 32, inWidth: 32, kernel: 3, pad: 1 },
  { name: 'pw', op: 'conv2d', inChannels: 32, inHeight: 32, inWidth: 32, outChannels: 64, kernel: 1 },
  { name: 'add', op: 'eltwise', elements: 65536, inputs: ['pw', 'pw'] },
  { name: 'pool', op: 'pool', channels: 64, inHeight: 32, inWidth: 32, kernel: 32 },
  { name: 'fc', op: 'fc', inFeatures: 64, outFeatures: 100 },
]);
const attn = testWorkload('attn', [
  { name: 'q', op: 'fc', inFeatures: 256, outFeatures: 256, tokens: 64, inputs: [] },
  { name: 'k', op: 'fc', inFeatures: 256, outFeatures: 256, tokens: 64, inputs: [] },
  { name: 'v', op: 'fc', inFeatures: 256, outFeatures: 256, tokens: 64, inputs: [] },
  { name: 'qk', op: 'matmul', heads: 4, m: 64, k: 64, n: 64, inputs: ['q', 'k'] },
  { name: 'softmax', op: 'eltwise', elements: 16384 },
  { name: 'av', op: 'matmul', heads: 4, m: 64, k: 64, n: 64, inputs: ['softmax', 'v'] },
  { name: 'proj', op: 'fc', inFeatures: 256, outFeatures: 256, tokens: 64 },
]);
const pkg = testPackage({
  grid: [['ws', 'os'], ['rs', 'ws']],
  kinds: { ws: { bufferBytes: 65536 }, os: { bufferBytes: 65536 }, rs: { bufferBytes: 65536 } },
  channels: [[0, 0], [1, 1]],
});
const scenario = testScenario([{ workload: cnn, batch: 3 }, { workload: attn, batch: 2 }]);

class Tiles implements TraceSink {
  readonly wantsPackets = true;
  compute: { chiplet: number; start: number; end: number }[] = [];
  packets: { r: number; arrive: number; start: number; end: number }[] = [];
  constructor(private readonly prog: Program) {}
  begin(): void {}
  job(): void {}
  tile(lane: Lane, job: number, _t: number, start: number, end: number): void {
    if (lane === 'compute') this.compute.push({ chiplet: this.prog.jobs[job].chiplet, start, end });
  }
  packet(r: number, _j: number, arrive: number, start: number, end: number): void {
    this.packets.push({ r, arrive, start, end });
  }
  async end(): Promise<void> {}
  abort(): void {}
}

function noOverlap(intervals: { start: number; end: number }[]): boolean {
  const s = [...intervals].sort((a, b) => a.start - b.start);
  return s.every((x, i) => i === 0 || x.start >= s[i - 1].end);
}

describe('invariants on a two-model scenario (greedy schedule, 2x2 heterogeneous package)', () => {
  const greedy = scheduleGreedy(scenario, pkg);
  const schedule: Schedule = { file: 't.json', strategy: 'greedy', scenarioPath: '', packagePath: '', jobs: greedy.jobs };
  const prog = lowerSchedule(schedule, scenario, pkg);
  let sim: SimResult;
  let rec: Tiles;
  beforeAll(async () => {
    rec = new Tiles(prog);
    sim = await simulate(prog, { sink: rec });
  });

  test('uses more than one chiplet and every job runs', () => {
    expect(new Set(prog.jobs.map((j) => j.chiplet)).size).toBeGreaterThan(1);
    expect(sim.jobs.every((j) => j.endPs > j.startPs)).toBe(true);
  });
  test('no chiplet runs two jobs or two tiles at once', () => {
    for (let c = 0; c < 4; c++) {
      expect(noOverlap(prog.jobs.filter((j) => j.chiplet === c).map((j) => ({ start: sim.jobs[j.index].startPs, end: sim.jobs[j.index].endPs })))).toBe(true);
      expect(noOverlap(rec.compute.filter((t) => t.chiplet === c))).toBe(true);
    }
  });
  test('no link or DRAM channel serves two packets at once', () => {
    const byRes = new Map<number, { start: number; end: number }[]>();
    for (const p of rec.packets) {
      if (!byRes.has(p.r)) byRes.set(p.r, []);
      byRes.get(p.r)!.push(p);
    }
    expect(byRes.size).toBeGreaterThan(0);
    for (const list of byRes.values()) expect(noOverlap(list)).toBe(true);
  });
  test('a packet is served no earlier than it arrives, and some wait (the case has contention)', () => {
    expect(rec.packets.every((p) => p.arrive <= p.start)).toBe(true);
    expect(rec.packets.some((p) => p.arrive < p.start)).toBe(true);
  });
  test('every job starts after its producers end', () => {
    for (const j of prog.jobs) for (const d of j.deps) expect(sim.jobs[j.index].startPs).toBeGreaterThanOrEqual(sim.jobs[d].endPs);
  });
  test('energy adds up, and dynamic energy equals the analytical model exactly', () => {
    const e = sim.energy;
    expect(e.computePj + e.bufferPj + e.nopPj + e.dramPj).toBe(e.dynamicPj);
    expect(e.dynamicPj + e.staticPj).toBe(e.totalPj);
    const est = estimateProgram(prog);
    expect(sim.energy.dynamicPj).toBe(est.energy.dynamicPj);
    expect(Array.from(sim.counts.resourceBytes)).toEqual(Array.from(est.counts.resourceBytes));
  });
  test('the simulator is never faster than the contention-free analytical model', () => {
    const est = estimateProgram(prog);
    expect(sim.makespanPs).toBeGreaterThanOrEqual(est.makespanPs);
    prog.jobs.forEach((j, i) => expect(sim.jobs[i].endPs - sim.jobs[i].startPs).toBeGreaterThanOrEqual(est.jobs[i].endPs - est.jobs[i].startPs));
  });
  test('windows are barriers', async () => {
    const windowed: Schedule = { ...schedule, jobs: schedule.jobs.map((j) => ({ ...j, window: j.layer.startsWith('attn/') ? 1 : 0 })).sort((a, b) => a.window - b.window) };
    const p2 = lowerSchedule(windowed, scenario, pkg);
    const s2 = await simulate(p2);
    const end0 = Math.max(...p2.jobs.filter((j) => j.window === 0).map((j) => s2.jobs[j.index].endPs));
    const start1 = Math.min(...p2.jobs.filter((j) => j.window === 1).map((j) => s2.jobs[j.index].startPs));
    expect(start1).toBeGreaterThanOrEqual(end0);
  });
  test('determinism: the same program simulates to the same timings and fingerprint', async () => {
    const fp = () => simulate(lowerSchedule(schedule, scenario, pkg), { fingerprint: true });
    const [again, once] = [await fp(), await fp()];
    expect(again.fingerprint).toMatch(/^[0-9a-f]{8}$/);
    expect(sim.fingerprint).toBeUndefined(); // only computed when asked for
    expect(again.fingerprint).toBe(once.fingerprint);
    expect(again.jobs).toEqual(sim.jobs);
    expect(again.events).toBe(sim.events);
  });
});
