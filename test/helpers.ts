/** Small inline inputs for tests: packages, workloads, scenarios and schedules built in code. */
import { parsePackage } from '../sim/input/package';
import { parseWorkload } from '../sim/input/workload';
import { Package, Scenario, Schedule, ScheduleJob, Workload } from '../sim/input/types';
import { InputError } from '../sim/input/errors';

/** The InputError `f` throws (anything else is rethrown; no error fails the test). */
export function inputErrorOf(f: () => unknown): InputError {
  try {
    f();
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('no error thrown');
}

export const KIND = {
  dataflow: 'ws', peRows: 8, peCols: 8, bufferBytes: 1 << 20, clockMHz: 500,
  macEnergyPj: 0.5, vectorOpEnergyPj: 0.25, bufferEnergyPjPerByte: 2, staticPowerMw: 10,
  rfEnergyPjPerByte: 0, arrayEnergyPjPerByte: 0,
};

export function testPackage(opts: {
  grid?: string[][];
  kinds?: Record<string, Partial<typeof KIND>>;
  channels?: [number, number][];
  nop?: Partial<{ linkBandwidthGBps: number; hopLatencyNs: number; energyPjPerBit: number; packetBytes: number }>;
  dram?: Partial<{ channelBandwidthGBps: number; latencyNs: number; energyPjPerBit: number }>;
} = {}): Package {
  const grid = opts.grid ?? [['ws']];
  const kinds = opts.kinds ?? { ws: {} };
  return parsePackage('test-package.json', {
    schema: 'mcmsim/package@1',
    name: 'test',
    kinds: Object.fromEntries(Object.entries(kinds).map(([n, k]) => [n, { ...KIND, dataflow: n in { ws: 1, os: 1, rs: 1 } ? n : 'ws', ...k }])),
    grid,
    nop: { linkBandwidthGBps: 100, hopLatencyNs: 35, energyPjPerBit: 2, packetBytes: 2048, ...opts.nop },
    dram: { channelBandwidthGBps: 64, latencyNs: 200, energyPjPerBit: 15, channels: opts.channels ?? [[0, 0]], ...opts.dram },
  });
}

export function testWorkload(name: string, layers: object[]): Workload {
  return parseWorkload(`${name}.json`, { schema: 'mcmsim/workload@1', name, layers });
}

export function testScenario(models: { workload: Workload; batch: number; name?: string; priority?: number; latencySloMs?: number }[]): Scenario {
  return {
    name: 'test', file: 'test-scenario.json', kind: 'other',
    models: models.map((m) => ({ name: m.name ?? m.workload.name, workload: m.workload, batch: m.batch, priority: m.priority ?? 0, fps: 0, ...(m.latencySloMs ? { latencySloMs: m.latencySloMs } : {}) })),
  };
}

export function testSchedule(jobs: (Partial<ScheduleJob> & { layer: string; chiplet: string })[]): Schedule {
  return {
    file: 'test-schedule.json', strategy: 'hand', scenarioPath: '', packagePath: '',
    jobs: jobs.map((j) => ({ samples: [0, Number.POSITIVE_INFINITY] as const, window: 0, ...j })),
  };
}
