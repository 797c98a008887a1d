/**
 * The run-time invariant checker: each invariant fires with its name, resource and time; the
 * simulator's components report to it; a violation in the CLI is one line and exit code 1.
 */
import { Engine, EventTarget } from '../../sim/engine/engine';
import { Checker, checkingWanted, InvariantChecker, InvariantError, makeChecker, NO_CHECK } from '../../sim/engine/check';
import { Fabric, TransferDone } from '../../sim/hw/fabric';
import { Topology } from '../../sim/cost/topology';
import { lowerSchedule } from '../../sim/cost/program';
import { simulate } from '../../sim/hw/replay';
import { scheduleGreedy } from '../../sim/sched/greedy';
import { testPackage, testScenario, testWorkload } from '../helpers';
import * as path from 'path';
import { cli } from '../cli/incli';

const SCHEDULE = path.resolve(__dirname, '../golden/small/schedule.json');

function violation(f: () => void): InvariantError {
  try {
    f();
  } catch (e) {
    if (e instanceof InvariantError) return e;
    throw e;
  }
  throw new Error('no violation');
}

describe('InvariantChecker', () => {
  const c = () => new InvariantChecker();
  test('time: an event earlier than the previous one', () => {
    const e = violation(() => c().time(5, 7));
    expect([e.invariant, e.resource, e.timePs]).toEqual(['time', 'engine', 5]);
    expect(e.message).toBe('invariant "time" violated on engine at 5 ps: event at 5 ps handled after one at 7 ps');
    expect(() => c().time(7, 7)).not.toThrow();
  });
  test('queue: negative, over its bound, NaN', () => {
    expect(violation(() => c().queue('link a', -1, 10)).message).toBe('invariant "queue" violated on link a at 10 ps: depth -1 is negative');
    expect(violation(() => c().queue('slots', 3, 10, 2)).message).toMatch(/depth 3 exceeds its bound 2/);
    expect(violation(() => c().queue('q', NaN, 0)).invariant).toBe('queue');
    expect(() => c().queue('slots', 2, 10, 2)).not.toThrow();
  });
  test('occupancy: above capacity or negative', () => {
    expect(violation(() => c().occupancy('buf', 1025, 1024, 3)).message).toBe('invariant "occupancy" violated on buf at 3 ps: holds 1025 bytes, capacity 1024');
    expect(violation(() => c().occupancy('buf', -1, 1024, 3)).invariant).toBe('occupancy');
    expect(() => c().occupancy('buf', 1024, 1024, 3)).not.toThrow();
  });
  test('transfer: exactly its bytes, once; drained at the end', () => {
    const k = c();
    k.transferStarted(1, 'a > b', 100, 0);
    k.delivered(1, 60, 5);
    expect(violation(() => k.transferEnded(1, 9)).message).toBe('invariant "transfer" violated on a > b at 9 ps: transfer 1 ended having delivered 60 of 100 bytes');
    const k2 = c();
    k2.transferStarted(1, 'a', 100, 0);
    expect(violation(() => k2.delivered(1, 160, 5)).message).toMatch(/delivered 160 of 100/);
    expect(violation(() => k2.transferStarted(1, 'a', 1, 0)).message).toMatch(/started twice/);
    expect(violation(() => c().transferEnded(4, 0)).message).toMatch(/never started/);
    expect(violation(() => k2.finish(50, 3, 3)).message).toBe('invariant "drained" violated on a at 50 ps: transfer 1 of 100 bytes started and never ended (1 open)');
    expect(violation(() => c().finish(50, 4, 3)).message).toMatch(/4 events scheduled, 3 handled/);
  });
  test('busy: no longer than the run', () => {
    expect(violation(() => c().busy('dram0', 11, 10)).message).toBe('invariant "busy" violated on dram0 at 10 ps: busy 11 ps in a run of 10 ps');
    expect(() => c().busy('dram0', 10, 10)).not.toThrow();
  });
  test('off by default; MCMSIM_CHECK=1 or --check turns it on', () => {
    expect(new Engine().check).toBe(NO_CHECK);
    expect(makeChecker(false)).toBe(NO_CHECK);
    const saved = process.env.MCMSIM_CHECK;
    try {
      process.env.MCMSIM_CHECK = '1';
      expect(checkingWanted()).toBe(true);
      expect(checkingWanted(false)).toBe(false);
      delete process.env.MCMSIM_CHECK;
      expect(checkingWanted()).toBe(false);
      expect(checkingWanted(true)).toBe(true);
    } finally {
      process.env.MCMSIM_CHECK = saved;
    }
  });
});

/** A checker that counts the calls it gets (and checks them). */
function counting(): { checker: Checker; calls: Record<string, number> } {
  const inner = new InvariantChecker();
  const calls: Record<string, number> = {};
  const checker = new Proxy(inner, {
    get(t, k) {
      const v = Reflect.get(t, k);
      if (typeof v !== 'function') return v;
      return (...a: unknown[]) => {
        calls[String(k)] = (calls[String(k)] ?? 0) + 1;
        return (v as (...x: unknown[]) => unknown).apply(t, a);
      };
    },
  });
  return { checker, calls };
}

describe('components report to the checker', () => {
  test('engine and fabric: every event timed, every transfer started, delivered per packet, ended', () => {
    const pkg = testPackage({ grid: [['ws', 'ws']] });
    const topo = new Topology(pkg);
    const { checker, calls } = counting();
    const engine = new Engine({ check: checker });
    const fabric = new Fabric(engine, topo, null);
    const ends: number[] = [];
    const done: TransferDone = { onTransferDone: (t, now) => (ends[t] = now) };
    const path = [topo.resources.find((r) => r.name === 'c0_0->c0_1')!.index];
    const go: EventTarget = { onEvent: (_k, i) => fabric.send(path, 5000, done, i as number, 0) };
    engine.at(0, go, 0, 0);
    engine.at(0, go, 0, 1);
    engine.run();
    engine.check.finish(engine.nowPs, engine.eventsScheduled, engine.eventsProcessed);
    expect(ends.length).toBe(2);
    // 5000 bytes in 2048-byte packets: 3 packets per transfer.
    expect(calls).toMatchObject({ transferStarted: 2, delivered: 6, transferEnded: 2, finish: 1 });
    expect(calls.time).toBeUndefined(); // the engine reports only an event out of time order
  });

  const cnn = testWorkload('cnn', [
    { name: 'c1', op: 'conv2d', inChannels: 3, inHeight: 32, inWidth: 32, outChannels: 16, kernel: 3, pad: 1 },
    { name: 'c2', op: 'conv2d', inChannels: 16, inHeight: 32, inWidth: 32, outChannels: 16, kernel: 3, pad: 1 },
    { name: 'pool', op: 'pool', channels: 16, inHeight: 32, inWidth: 32, kernel: 32 },
    { name: 'fc', op: 'fc', inFeatures: 16, outFeatures: 10 },
  ]);
  const pkg = testPackage({ grid: [['ws', 'os']], kinds: { ws: { bufferBytes: 32768 }, os: { bufferBytes: 32768 } } });
  const scenario = testScenario([{ workload: cnn, batch: 2 }]);
  const schedule = { file: 't.json', strategy: 'greedy', scenarioPath: '', packagePath: '', jobs: scheduleGreedy(scenario, pkg).jobs };

  test('a correct run passes with checking on, and gives the same result as without', async () => {
    const on = await simulate(lowerSchedule(schedule, scenario, pkg), { check: true, fingerprint: true });
    const off = await simulate(lowerSchedule(schedule, scenario, pkg), { check: false, fingerprint: true });
    expect(on.fingerprint).toBe(off.fingerprint);
    expect(on.makespanPs).toBe(off.makespanPs);
  });
  test('a plan whose tiles overflow the buffer is caught as an occupancy violation on its chiplet', async () => {
    const prog = lowerSchedule(schedule, scenario, pkg);
    const j = prog.jobs.find((x) => x.plan.tileBytes > 64)!;
    // Corrupt the plan after lowering: its tiles no longer fit a 256-byte buffer.
    (j as { plan: unknown }).plan = { ...j.plan, kind: { ...j.plan.kind, bufferBytes: 256 } };
    const e = await simulate(prog, { check: true }).then(() => null, (x) => x);
    expect(e).toBeInstanceOf(InvariantError);
    expect(e.invariant).toBe('occupancy');
    expect(e.resource).toMatch(new RegExp(`^chiplet ${j.chiplet} \\(job ${j.index}\\) buffer tile slots$`));
    expect(e.message).toMatch(/capacity 128$/);
    // Unchecked, the same corrupt program runs to a (wrong) number.
    await expect(simulate(prog, { check: false })).resolves.toBeDefined();
  });
});

describe('--check in the CLI', () => {
  test('a violation is one line naming the invariant, resource and time, exit code 1', async () => {
    const spy = jest.spyOn(InvariantChecker.prototype, 'busy').mockImplementation(function (this: InvariantChecker, r: string, b: number) {
      throw new InvariantError('busy', r, 42, `busy ${b} ps (injected by the test)`);
    });
    try {
      const r = await cli('simulate', '--schedule', SCHEDULE, '--check', '--quiet');
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/^mcmsim: internal error: invariant "busy" violated on \S+ at 42 ps: busy \d+ ps \(injected by the test\)\n$/);
      expect(r.out).toBe('');
      const off = await cli('simulate', '--schedule', SCHEDULE, '--no-check', '--quiet', '--json');
      expect(off.code).toBe(0);
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });
});
