/**
 * The validated, frozen intermediate representation (IR) that every module downstream of
 * sim/input works on. Units are in the names: bytes, cycles, ps, pJ, mW, GBps, ns.
 */

export type Dataflow = 'ws' | 'os' | 'rs';
export const DATAFLOWS: readonly Dataflow[] = ['ws', 'os', 'rs'];

/**
 * How a chiplet kind maps a layer: `search` is the per-layer mapper (sim/cost/mapper.ts); a
 * `maestro:*` name is a fixed MAESTRO dataflow template costed by sim/cost/maestro (nvdla:
 * MAESTRO's bundled `kcp_ws`; shidiannao: `yxp_os`; eyeriss: the row-stationary template).
 */
export type Mapping = 'search' | 'maestro:nvdla' | 'maestro:shidiannao' | 'maestro:eyeriss';
export const MAPPINGS: readonly Mapping[] = ['search', 'maestro:nvdla', 'maestro:shidiannao', 'maestro:eyeriss'];
/** The dataflow class each template implements (a kind may only name its own class's template). */
export const TEMPLATE_DATAFLOW: Readonly<Record<Exclude<Mapping, 'search'>, Dataflow>> = { 'maestro:nvdla': 'ws', 'maestro:shidiannao': 'os', 'maestro:eyeriss': 'rs' };
/** The template of each dataflow class (what `--mapping templates` gives a kind). */
export const DATAFLOW_TEMPLATE: Readonly<Record<Dataflow, Exclude<Mapping, 'search'>>> = { ws: 'maestro:nvdla', os: 'maestro:shidiannao', rs: 'maestro:eyeriss' };

/**
 * The hardware constants a MAESTRO template needs that the rest of a kind does not give
 * (MAESTRO's hardware file and flags). Defaults and reasons: models/README.md.
 */
export interface MaestroHardware {
  /** L2 (global buffer) to PE array bandwidth, elements per cycle (MAESTRO noc_bw). */
  readonly nocBandwidthElemsPerCycle: number;
  /** DRAM to L2 bandwidth, elements per cycle (MAESTRO offchip_bw); used by `cost`, not by the LayerPlan. */
  readonly offchipBandwidthElemsPerCycle: number;
  /** Cycles per NoC hop (MAESTRO noc_hop_latency). */
  readonly nocHopLatencyCycles: number;
}

export type LayerOp = 'conv2d' | 'depthwise' | 'fc' | 'matmul' | 'pool' | 'eltwise';

/**
 * A layer in canonical loop-nest form, per sample (batch is applied by the cost model).
 * Output[g][k][p][q] += Input[g][c][p*strideH + r][q*strideW + s] * Weight[g][k][c][r][s]
 * with g < groups, k < kPerGroup, c < cPerGroup, r < r, s < s, p < p, q < q.
 * GEMM-like layers use p = rows (tokens or M), q = 1, r = s = 1.
 */
export interface LayerShape {
  readonly groups: number;
  readonly kPerGroup: number;
  readonly cPerGroup: number;
  readonly r: number;
  readonly s: number;
  readonly p: number;
  readonly q: number;
  readonly strideH: number;
  /** Input rows per sample (with padding) the p rows read. */
  readonly inHeight: number;
  /** Input columns per sample (with padding) and the column stride; set for convs and pools (absent: q x 1 GEMM-like shapes). */
  readonly inWidth?: number;
  readonly strideW?: number;
  /** Multiply-accumulates per sample (0 for vector layers). */
  readonly macsPerSample: number;
  /** Vector-unit operations per sample (pool, eltwise; 0 for MAC layers). */
  readonly vectorOpsPerSample: number;
  /** Elements of stationary weights (shared by all samples; 0 when the op has none). */
  readonly weightElems: number;
  /** Elements of the second activation operand per sample (matmul B operand), else 0. */
  readonly operandBElemsPerSample: number;
  readonly inputElemsPerSample: number;
  readonly outputElemsPerSample: number;
}

export interface Layer {
  /** Name unique in its model. */
  readonly name: string;
  readonly op: LayerOp;
  /** Names of producer layers in the same model; [] means the model input (from DRAM). */
  readonly inputs: readonly string[];
  readonly shape: LayerShape;
}

export interface Workload {
  readonly name: string;
  readonly file: string;
  readonly source: string;
  readonly layers: readonly Layer[];
}

export interface ScenarioModel {
  /** Instance name, unique in the scenario (defaults to the workload name). */
  readonly name: string;
  readonly workload: Workload;
  readonly batch: number;
  readonly priority: number;
  /** Target frame rate (AR/VR); 0 when not given. */
  readonly fps: number;
  /** Latency SLO: the model's whole batch must complete within this many ms of the start; absent = none. */
  readonly latencySloMs?: number;
}

export interface Scenario {
  readonly name: string;
  readonly file: string;
  readonly kind: 'datacenter' | 'arvr' | 'other';
  readonly models: readonly ScenarioModel[];
}

export interface ChipletKind {
  readonly name: string;
  readonly dataflow: Dataflow;
  readonly peRows: number;
  readonly peCols: number;
  readonly bufferBytes: number;
  readonly clockMHz: number;
  /**
   * Energy of one MAC's arithmetic, pJ. With rfEnergyPjPerByte = arrayEnergyPjPerByte = 0 it
   * stands for the MAC with its register and array traffic (older packages).
   */
  readonly macEnergyPj: number;
  /** Energy of one vector-unit op (pool/eltwise), pJ. */
  readonly vectorOpEnergyPj: number;
  /** Global-buffer (L2) SRAM energy per byte read or written, pJ. */
  readonly bufferEnergyPjPerByte: number;
  /** PE-local register file / scratchpad energy per byte read or written, pJ (default 0). */
  readonly rfEnergyPjPerByte: number;
  /** Array network energy per byte delivered to a PE (edge or neighbour to PE), pJ (default 0). */
  readonly arrayEnergyPjPerByte: number;
  /** Leakage power of the whole chiplet, mW (1 mW for 1 ns = 1 pJ). */
  readonly staticPowerMw: number;
  /** How layers are mapped on this kind (default `search`). */
  readonly mapping: Mapping;
  /** Constants of the MAESTRO templates (read only when `mapping` names one, and by `cost`). */
  readonly maestro: MaestroHardware;
}

export interface Chiplet {
  /** Stable index in row-major grid order. */
  readonly index: number;
  /** Stable id used in schedules, e.g. "c1_2" for row 1, column 2. */
  readonly id: string;
  readonly row: number;
  readonly col: number;
  readonly kind: ChipletKind;
}

export interface NopSpec {
  /** Bandwidth of one directed mesh link, GB/s (1 GB/s = 1 byte/ns). */
  readonly linkBandwidthGBps: number;
  /** Router + wire latency per hop, ns. */
  readonly hopLatencyNs: number;
  readonly energyPjPerBit: number;
  /** Transfers are cut into packets of this size (the last may be shorter). */
  readonly packetBytes: number;
}

export interface DramChannel {
  readonly index: number;
  readonly id: string;
  /** Chiplet whose NoP router the channel's PHY attaches to. */
  readonly chiplet: number;
}

/**
 * A banked DRAM channel (the "banked" model): device organisation, timings in ns and energies,
 * from a preset (sim/input/dram-presets.ts, each number with its JEDEC or datasheet source).
 */
export interface BankedDramSpec {
  readonly preset: string;
  /** Bytes one column burst moves (bus width x burst length). */
  readonly burstBytes: number;
  readonly bankGroups: number;
  readonly banksPerGroup: number;
  /** Bytes of one row across the channel (page size x devices). */
  readonly rowBytes: number;
  /** Data-bus time of one burst, ns (burst length / data rate). */
  readonly tBurstNs: number;
  readonly tRcdNs: number;
  readonly tRpNs: number;
  /** Read latency: column command to first data, ns. */
  readonly tClNs: number;
  /** Write latency: column command to first data, ns. */
  readonly tCwlNs: number;
  /** Column to column, different / same bank group, ns. */
  readonly tCcdSNs: number;
  readonly tCcdLNs: number;
  /** End of write data to a read command, different / same bank group, ns. */
  readonly tWtrSNs: number;
  readonly tWtrLNs: number;
  /** Read command to write command, ns. */
  readonly tRtwNs: number;
  readonly tRfcNs: number;
  readonly tRefiNs: number;
  /** Energy per activate+precharge pair, per read burst, per write burst, per refresh, pJ. */
  readonly activatePj: number;
  readonly readBurstPj: number;
  readonly writeBurstPj: number;
  readonly refreshPj: number;
  /** Background power of the channel (active standby), mW. */
  readonly backgroundMw: number;
}

export interface DramSpec {
  /** Timing model of a channel: "channel" (bandwidth + latency FIFO) or "banked". */
  readonly model: 'channel' | 'banked';
  /** Banked model parameters (null for "channel"). */
  readonly banked: BankedDramSpec | null;
  /** Bandwidth of one channel, GB/s, shared by reads and writes. */
  readonly channelBandwidthGBps: number;
  /** Access latency, ns, paid by every packet (pipelined). */
  readonly latencyNs: number;
  readonly energyPjPerBit: number;
  readonly channels: readonly DramChannel[];
}

export interface Package {
  readonly name: string;
  readonly file: string;
  readonly rows: number;
  readonly cols: number;
  /** Bytes per tensor element (1 = int8). */
  readonly elementBytes: number;
  readonly kinds: readonly ChipletKind[];
  readonly chiplets: readonly Chiplet[];
  readonly nop: NopSpec;
  readonly dram: DramSpec;
}

/** One unit of work in a schedule: a layer for a range of samples on one chiplet. */
export interface ScheduleJob {
  /** "model/layer" with the scenario's model instance name. */
  readonly layer: string;
  readonly chiplet: string;
  /** Samples [from, to) of the model's batch; defaults to the whole batch. */
  readonly samples: readonly [number, number];
  /** Barrier window; every job of window w starts after all jobs of windows < w ended. */
  readonly window: number;
}

export interface Schedule {
  readonly file: string;
  readonly strategy: string;
  /** Paths as written in the file (relative to the schedule file's folder). */
  readonly scenarioPath: string;
  readonly packagePath: string;
  /** Order on each chiplet is the order of appearance. */
  readonly jobs: readonly ScheduleJob[];
}
