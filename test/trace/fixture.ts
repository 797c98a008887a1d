/**
 * A tiny program built without the CLI or model files: a 2x2 package (two dataflows, two DRAM
 * channels), two models, one layer split over two chiplets, so the trace has contention,
 * several dependencies per job and tile stores.
 */
import { parsePackage } from '../../sim/input/package';
import { parseWorkload } from '../../sim/input/workload';
import { Scenario, Schedule, ScheduleJob } from '../../sim/input/types';
import { lowerSchedule, Program } from '../../sim/cost/program';
import { Lane, TraceMeta, TraceSink } from '../../sim/trace/sink';

export const PACKAGE_JSON = {
  schema: 'mcmsim/package@1',
  name: 'tiny2x2',
  kinds: {
    big: {
      dataflow: 'ws', peRows: 8, peCols: 8, bufferBytes: 16384, clockMHz: 1000,
      macEnergyPj: 0.5, vectorOpEnergyPj: 0.25, bufferEnergyPjPerByte: 0.125, rfEnergyPjPerByte: 0.0625, arrayEnergyPjPerByte: 0.125, staticPowerMw: 20,
    },
    small: {
      dataflow: 'os', peRows: 4, peCols: 8, bufferBytes: 8192, clockMHz: 800,
      macEnergyPj: 0.75, bufferEnergyPjPerByte: 0.25, staticPowerMw: 10,
    },
  },
  grid: [['big', 'small'], ['small', 'big']],
  nop: { linkBandwidthGBps: 16, hopLatencyNs: 2, energyPjPerBit: 0.5, packetBytes: 256 },
  dram: { channelBandwidthGBps: 8, latencyNs: 40, energyPjPerBit: 4, channels: [[0, 0], [1, 1]] },
};

export const WORKLOAD_JSON = {
  schema: 'mcmsim/workload@1',
  name: 'toy',
  layers: [
    { name: 'conv1', op: 'conv2d', inChannels: 3, inHeight: 16, inWidth: 16, outChannels: 16, kernel: 3, pad: 1 },
    { name: 'conv2', op: 'conv2d', inChannels: 16, inHeight: 16, inWidth: 16, outChannels: 16, kernel: 3, pad: 1, inputs: ['conv1'] },
    { name: 'dw', op: 'depthwise', channels: 16, inHeight: 16, inWidth: 16, kernel: 3, pad: 1, inputs: ['conv1'] },
    { name: 'add', op: 'eltwise', elements: 4096, inputs: ['conv2', 'dw'] },
    { name: 'pool', op: 'pool', channels: 16, inHeight: 16, inWidth: 16, kernel: 2, stride: 2 },
    { name: 'fc', op: 'fc', inFeatures: 1024, outFeatures: 10 },
  ],
};

export function tinyProgram(): Program {
  const pkg = parsePackage('inline-package', PACKAGE_JSON);
  const workload = parseWorkload('inline-workload', WORKLOAD_JSON);
  const scenario: Scenario = {
    name: 'tiny', file: 'inline-scenario', kind: 'other',
    models: [
      { name: 'a', workload, batch: 2, priority: 0, fps: 0 },
      { name: 'b', workload, batch: 1, priority: 0, fps: 0 },
    ],
  };
  const j = (layer: string, chiplet: string, samples: [number, number], window = 0): ScheduleJob => ({ layer, chiplet, samples, window });
  const schedule: Schedule = {
    file: 'inline-schedule', strategy: 'hand', scenarioPath: 'inline-scenario', packagePath: 'inline-package',
    jobs: [
      j('a/conv1', 'c0_0', [0, 1]),
      j('a/conv1', 'c1_1', [1, 2]),
      j('b/conv1', 'c0_1', [0, 1]),
      j('a/conv2', 'c0_0', [0, 2]),
      j('a/dw', 'c1_0', [0, 2]),
      j('b/conv2', 'c1_1', [0, 1]),
      j('b/dw', 'c0_1', [0, 1]),
      j('a/add', 'c0_1', [0, 2]),
      j('b/add', 'c1_0', [0, 1]),
      j('a/pool', 'c1_1', [0, 2]),
      j('b/pool', 'c0_0', [0, 1]),
      j('a/fc', 'c1_1', [0, 2]),
      j('b/fc', 'c0_0', [0, 1]),
    ],
  };
  return lowerSchedule(schedule, scenario, pkg);
}

/** Records every call, to compare a trace with what the simulator reported. */
export class RecordingSink implements TraceSink {
  readonly jobs: { job: number; startPs: number; endPs: number }[] = [];
  readonly tiles: { lane: Lane; job: number; tile: number; startPs: number; endPs: number; bytes: number }[] = [];
  packets = 0;
  meta: TraceMeta | null = null;
  makespanPs = -1;
  constructor(readonly wantsPackets = false) {}
  begin(meta: TraceMeta): void {
    this.meta = meta;
  }
  job(job: number, startPs: number, endPs: number): void {
    this.jobs.push({ job, startPs, endPs });
  }
  tile(lane: Lane, job: number, tile: number, startPs: number, endPs: number, bytes: number): void {
    this.tiles.push({ lane, job, tile, startPs, endPs, bytes });
  }
  packet(): void {
    this.packets++;
  }
  async end(makespanPs: number): Promise<void> {
    this.makespanPs = makespanPs;
  }
  abort(): void {}
}
