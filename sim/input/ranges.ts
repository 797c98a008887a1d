/**
 * The sane range of every numeric input field, checked when a file is loaded (json.ts
 * `Node.ranged`). One line per field: adding a field is adding its line here and a row in
 * models/README.md (a test checks every key is documented there).
 *
 * Why ranges at all: a value far outside what any real design uses (a batch or a channel count
 * of 1e308, a hop latency that overflows picoseconds, a 1e308 x 1e308 PE array) does not fail
 * by itself but makes later arithmetic allocate without bound, overflow to Infinity, or print
 * plausible-looking nonsense. The bounds are wide: 100x to 1000x beyond today's largest
 * designs (the shipped packages use 32x32 PEs, 1 MiB buffers, 500 MHz, 100 GB/s links), and
 * small enough that every product the cost model forms stays an exact double (< 2^53) or at
 * least finite.
 */

export interface Range {
  readonly min: number;
  readonly max: number;
  /** Must be an integer. */
  readonly int?: boolean;
  /** Strictly greater than min (min itself is excluded). */
  readonly gtMin?: boolean;
  /** Unit, for the documentation and the error message. */
  readonly unit: string;
}

const KI = 1024;
const MI = 1 << 20;

export const RANGES = {
  // package
  'package.elementBytes': { min: 1, max: 8, int: true, unit: 'bytes' },
  // 16x16: the default scenario schedules and simulates in 42 CPU s; 32x32 had not finished after 70 CPU s.
  'package.chiplets': { min: 1, max: 256, int: true, unit: 'chiplets (rows x cols)' },
  'kind.peRows': { min: 1, max: 4 * KI, int: true, unit: 'PEs' },
  'kind.peCols': { min: 1, max: 4 * KI, int: true, unit: 'PEs' },
  'kind.bufferBytes': { min: 64, max: 2 ** 36, int: true, unit: 'bytes' },
  'kind.clockMHz': { min: 0, max: 100_000, gtMin: true, unit: 'MHz' },
  'kind.macEnergyPj': { min: 0, max: 1e4, unit: 'pJ' },
  'kind.vectorOpEnergyPj': { min: 0, max: 1e4, unit: 'pJ' },
  'kind.bufferEnergyPjPerByte': { min: 0, max: 1e4, unit: 'pJ/byte' },
  'kind.rfEnergyPjPerByte': { min: 0, max: 1e4, unit: 'pJ/byte' },
  'kind.arrayEnergyPjPerByte': { min: 0, max: 1e4, unit: 'pJ/byte' },
  'kind.staticPowerMw': { min: 0, max: 1e6, unit: 'mW' },
  // MAESTRO template constants (kind.maestro.*)
  'maestro.nocBandwidthElemsPerCycle': { min: 1, max: MI, int: true, unit: 'elements/cycle' },
  'maestro.offchipBandwidthElemsPerCycle': { min: 1, max: MI, int: true, unit: 'elements/cycle' },
  'maestro.nocHopLatencyCycles': { min: 0, max: MI, int: true, unit: 'cycles' },
  'nop.linkBandwidthGBps': { min: 1e-3, max: 1e6, unit: 'GB/s' },
  'nop.hopLatencyNs': { min: 0, max: 1e6, unit: 'ns' },
  'nop.energyPjPerBit': { min: 0, max: 1e4, unit: 'pJ/bit' },
  'nop.packetBytes': { min: 16, max: 64 * MI, int: true, unit: 'bytes' },
  'dram.channelBandwidthGBps': { min: 1e-3, max: 1e6, unit: 'GB/s' },
  'dram.latencyNs': { min: 0, max: 1e6, unit: 'ns' },
  'dram.energyPjPerBit': { min: 0, max: 1e4, unit: 'pJ/bit' },
  'dram.channels': { min: 1, max: 4 * KI, int: true, unit: 'channels' },
  'dram.channelAt': { min: 0, max: 1023, int: true, unit: '(row or column index)' },
  // workload layers (elements per sample)
  'layer.channels': { min: 1, max: MI, int: true, unit: 'channels' },
  'layer.spatial': { min: 1, max: 64 * KI, int: true, unit: 'pixels' },
  'layer.kernel': { min: 1, max: 64 * KI, int: true, unit: 'pixels' },
  'layer.stride': { min: 1, max: 64 * KI, int: true, unit: 'pixels' },
  'layer.pad': { min: 0, max: 64 * KI, int: true, unit: 'pixels' },
  'layer.groups': { min: 1, max: MI, int: true, unit: 'groups' },
  'layer.multiplier': { min: 1, max: KI, int: true, unit: 'filters per channel' },
  'layer.features': { min: 1, max: MI, int: true, unit: 'features' },
  'layer.tokens': { min: 1, max: MI, int: true, unit: 'tokens' },
  'layer.matmulDim': { min: 1, max: MI, int: true, unit: 'elements' },
  'layer.heads': { min: 1, max: 64 * KI, int: true, unit: 'heads' },
  'layer.elements': { min: 1, max: 2 ** 40, int: true, unit: 'elements' },
  'layer.operands': { min: 1, max: KI, int: true, unit: 'operands' },
  /** Derived, checked per layer: MACs + vector ops and each tensor's elements per sample. */
  'layer.opsPerSample': { min: 0, max: 1e15, unit: 'MACs or vector ops per sample' },
  'layer.tensorElems': { min: 0, max: 2 ** 40, unit: 'elements per sample' },
  'workload.layers': { min: 1, max: MI, int: true, unit: 'layers' },
  // scenario
  'model.batch': { min: 1, max: 64 * KI, int: true, unit: 'samples' },
  'model.priority': { min: 0, max: 1000, int: true, unit: '' },
  'model.fps': { min: 0, max: 1e6, unit: 'frames/s' },
  'model.latencySloMs': { min: 0, max: 1e9, gtMin: true, unit: 'ms' },
  'scenario.models': { min: 1, max: 256, int: true, unit: 'models' },
  // schedule
  'job.window': { min: 0, max: MI, int: true, unit: '' },
  'job.sample': { min: 0, max: 64 * KI, int: true, unit: 'samples' },
  'schedule.jobs': { min: 1, max: 16 * MI, int: true, unit: 'jobs' },
  // command-line numbers (scheduler effort: the upper bounds keep a run within hours)
  'cli.windows': { min: 1, max: 64, int: true, unit: 'windows' },
  'cli.top-k': { min: 1, max: 64, int: true, unit: 'segmentations' },
  'cli.micro-batches': { min: 1, max: 1024, int: true, unit: 'micro-batches' },
  'cli.population': { min: 1, max: 10_000, int: true, unit: 'placements' },
  'cli.generations': { min: 1, max: 100_000, int: true, unit: 'generations' },
  'cli.jobs': { min: 1, max: 256, int: true, unit: 'worker threads' },
} as const satisfies Record<string, Range>;

export type RangeKey = keyof typeof RANGES;

/**
 * Input files larger than this are refused before they are read: JSON.parse and the IR hold
 * about 10x the text in memory (a 64 MiB workload is ~500,000 layers, ~0.7 GB and ~4 CPU s to
 * load; the largest shipped workload is 37 kB).
 */
export const MAX_INPUT_FILE_BYTES = 64 * MI;

/** Why `n` is outside `key`'s range, or undefined when it is inside. */
export function rangeViolation(key: RangeKey, n: number): string | undefined {
  const r: Range = RANGES[key];
  if (r.int && !Number.isInteger(n)) return `expected an integer, got ${n}`;
  const unit = r.unit ? ` ${r.unit}` : '';
  if (r.gtMin ? n <= r.min : n < r.min) return `must be ${r.gtMin ? '>' : '>='} ${r.min}${unit}, got ${n}`;
  if (n > r.max) return `must be <= ${r.max}${unit} (the documented sane range), got ${n}`;
  return undefined;
}
