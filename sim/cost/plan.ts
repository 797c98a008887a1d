/**
 * The LayerPlan: how one layer, for a number of samples, runs on one chiplet kind. It is the
 * single source of per-layer numbers for both the analytical model and the simulator.
 *
 * Model (Timeloop-style: data volume per level, compute bounded by the PE-array mapping):
 *
 * 1. Spatial mapping (per dataflow, rows x cols PEs). N = output rows over all samples (p*B).
 *    - ws (NVDLA-like, weight-stationary):   rows <- C, cols <- K; temporal g, r, s, N, q
 *        cycles = g * ceil(C/rows) * ceil(K/cols) * r * s * N * q
 *    - os (ShiDianNao-like, output-stationary): rows <- N, cols <- q (conv) or K (GEMM, q = 1)
 *        cycles = g * ceil(N/rows) * ceil(q/cols) * K * C * r * s     (conv)
 *        cycles = g * ceil(N/rows) * ceil(K/cols) * C                 (q = 1)
 *    - rs (Eyeriss-like, row-stationary): rows <- r filter rows, replicated floor(rows/r) times
 *        over K; cols <- N output rows; each PE runs a 1-D convolution of length s over q
 *        cycles = g * ceil(r/rows) * ceil(K/rep) * ceil(N/cols) * C * s * q
 *    - vector ops (pool, eltwise) use every PE: cycles = ceil(ops / (rows*cols)).
 *    (C, K are per group.) Sources: Chen et al., "Eyeriss", ISCA 2016 (taxonomy of WS/OS/RS);
 *    Kwon et al., "MAESTRO", MICRO 2019 (NVDLA and ShiDianNao style mappings).
 *
 * 2. Tiling. The global buffer is split in four equal parts (bufferLayout): two tile working
 *    sets (double buffering), produced activations kept until consumers read them, and weights
 *    kept resident across jobs (see program.ts). A layer is cut into tK parts along output channels (or groups) and tN parts
 *    along output rows N; a tile holds its weights, its inputs (with the r - stride halo rows)
 *    and its outputs. ws and rs loop K-parts outermost (weights loaded once, inputs reloaded for
 *    every K-part); os loops N-parts outermost (inputs loaded once, weights reloaded per N-part).
 *    An operand with a single part stays resident across tiles. The (tK, tN) with the fewest
 *    loaded bytes (then fewest tiles) that fits is chosen; if no split fits, the layer cannot
 *    run on that chiplet.
 *
 * 3. Global-buffer accesses (bytes = elements * elementBytes): every loaded byte is written once,
 *    every output byte written once and read once when it leaves. Reads into the PE array per
 *    cycle: an operand that does not vary along a spatial dimension is broadcast along it.
 *    ws: inputs vary along rows (C) -> rowsUsed per cycle; weights stationary (read once);
 *        outputs accumulate at the array edge (read once at the end).
 *    os: outputs stationary; weights are broadcast: 1 per cycle (conv) or colsUsed (q = 1);
 *        inputs shift between neighbouring PEs, rowsUsed new values per cycle.
 *    rs: weight rows stationary per N-fold (weights read ceil(N/cols) times); inputs reach the
 *        array on diagonals, r + colsUsed - 1 per cycle; partial sums accumulate down columns.
 */
import { ChipletKind, LayerShape } from '../input/types';

export interface LayerPlan {
  readonly kind: ChipletKind;
  readonly samples: number;
  readonly macs: number;
  readonly vectorOps: number;
  /** K-parts and N-parts; tiles = kParts * nParts, ordered outer x inner. */
  readonly kParts: number;
  readonly nParts: number;
  readonly tiles: number;
  /** true: K-parts outermost (ws, rs); false: N-parts outermost (os). */
  readonly kOuter: boolean;
  /** True when a K-part also selects the inputs it reads (grouped/depthwise/heads). */
  readonly grouped: boolean;
  /** Weight-operand bytes (stationary weights, or the matmul B operand for these samples). */
  readonly weightBytes: number;
  /** Input bytes including the halo rows that neighbouring N-parts both read. */
  readonly inputBytes: number;
  readonly outputBytes: number;
  readonly cyclesPerTile: number;
  readonly computeCycles: number;
  /** Weight and input bytes loaded over all tiles (reloads included). */
  readonly weightLoadBytes: number;
  readonly inputLoadBytes: number;
  readonly bufferAccessBytes: number;
  /** MACs (or vector ops) / (computeCycles * PEs). */
  readonly utilization: number;
  /** Largest tile working set, bytes. */
  readonly tileBytes: number;
}

export interface TileLoad {
  weightBytes: number;
  inputBytes: number;
  outputBytes: number;
}

/** Part i of `total` split into n near-equal integer parts (earlier parts take the remainder). */
export function share(total: number, n: number, i: number): number {
  return Math.floor((total * (i + 1)) / n) - Math.floor((total * i) / n);
}

const cdiv = (a: number, b: number) => Math.ceil(a / b);

/**
 * How a chiplet's global buffer is used, bytes: two tile slots (double buffering), a region for
 * produced activations that wait for their consumers, and a region for weights kept resident
 * between jobs (inter-chiplet pipelining over micro-batches). A quarter each.
 */
export function bufferLayout(kind: ChipletKind): { tileSlotBytes: number; outputBytes: number; residentWeightBytes: number } {
  const q = Math.floor(kind.bufferBytes / 4);
  return { tileSlotBytes: q, outputBytes: q, residentWeightBytes: q };
}

/** Distinct part counts for splitting n items: every t giving a distinct chunk ceil(n/t). */
function splitCounts(n: number): number[] {
  const out: number[] = [];
  let t = 1;
  while (t <= n) {
    out.push(t);
    const chunk = cdiv(n, t);
    if (chunk === 1) break;
    // The next t that makes the chunk smaller.
    t = cdiv(n, chunk - 1);
  }
  return out;
}

interface TileDims {
  g: number; k: number; c: number; n: number;
}

function mapping(shape: LayerShape, kind: ChipletKind, d: TileDims) {
  const rows = kind.peRows;
  const cols = kind.peCols;
  const { r, s, q } = shape;
  const { g, k, c, n } = d;
  let cycles: number;
  let arrayReads: number; // elements read from the buffer into the array
  switch (kind.dataflow) {
    case 'ws': {
      cycles = g * cdiv(c, rows) * cdiv(k, cols) * r * s * n * q;
      arrayReads = cycles * Math.min(c, rows) + g * k * c * r * s;
      break;
    }
    case 'os': {
      if (q > 1) {
        cycles = g * cdiv(n, rows) * cdiv(q, cols) * k * c * r * s;
        arrayReads = cycles * (1 + Math.min(n, rows));
      } else {
        cycles = g * cdiv(n, rows) * cdiv(k, cols) * c * r * s;
        arrayReads = cycles * (Math.min(k, cols) + Math.min(n, rows));
      }
      break;
    }
    case 'rs': {
      const rep = Math.max(1, Math.floor(rows / r));
      cycles = g * cdiv(r, rows) * cdiv(k, rep) * cdiv(n, cols) * c * s * q;
      arrayReads = cycles * (Math.min(r, rows) + Math.min(n, cols) - 1) + g * k * c * r * s * cdiv(n, cols);
      break;
    }
  }
  return { cycles, arrayReads };
}

const cache = new WeakMap<ChipletKind, WeakMap<LayerShape, Map<string, LayerPlan | string>>>();

/**
 * Plans `shape` for `samples` samples on `kind`. Returns a string (the reason) when no tiling
 * fits the buffer. Memoised by (kind, shape, samples, elementBytes): the scheduler asks often.
 */
export function planLayer(shape: LayerShape, kind: ChipletKind, samples: number, elementBytes: number): LayerPlan | string {
  let byShape = cache.get(kind);
  if (!byShape) cache.set(kind, (byShape = new WeakMap()));
  let bySamples = byShape.get(shape);
  if (!bySamples) byShape.set(shape, (bySamples = new Map()));
  const key = `${samples}|${elementBytes}`;
  let plan = bySamples.get(key);
  if (plan === undefined) {
    plan = computePlan(shape, kind, samples, elementBytes);
    bySamples.set(key, plan);
  }
  return plan;
}

function computePlan(shape: LayerShape, kind: ChipletKind, samples: number, eb: number): LayerPlan | string {
  const grouped = shape.groups > 1;
  const kDim = grouped ? shape.groups : shape.kPerGroup;
  const nDim = shape.p * samples;
  const kOuter = kind.dataflow !== 'os';
  const weightBytes = (shape.weightElems + shape.operandBElemsPerSample * samples) * eb;
  const inputBytes0 = shape.inputElemsPerSample * samples * eb;
  const outputBytes = shape.outputElemsPerSample * samples * eb;
  const capacity = bufferLayout(kind).tileSlotBytes;
  const rowsIn = shape.inHeight * samples;

  let best: { load: number; tiles: number; tK: number; tN: number; inputBytes: number; tileBytes: number } | undefined;
  for (const tN of splitCounts(nDim)) {
    // Input rows an N-part reads: (rows out - 1) * stride + r, at most all rows.
    const partRows = (cdiv(nDim, tN) - 1) * shape.strideH + shape.r;
    const inputBytes = tN === 1 ? inputBytes0 : Math.max(inputBytes0, Math.ceil((inputBytes0 * Math.min(rowsIn, tN * partRows)) / rowsIn));
    for (const tK of splitCounts(kDim)) {
      const w = cdiv(weightBytes, tK);
      const i = grouped ? cdiv(cdiv(inputBytes, tN), tK) : cdiv(inputBytes, tN);
      const o = cdiv(outputBytes, tK * tN);
      const tileBytes = w + i + o;
      if (tileBytes > capacity) continue;
      const wLoad = kOuter || tK === 1 ? weightBytes : weightBytes * tN;
      const iLoad = grouped || !kOuter || tN === 1 ? inputBytes : inputBytes * tK;
      const load = wLoad + iLoad;
      const tiles = tK * tN;
      if (!best || load < best.load || (load === best.load && tiles < best.tiles)) {
        best = { load, tiles, tK, tN, inputBytes, tileBytes };
      }
    }
  }
  if (!best) {
    return `needs more than ${capacity} bytes per tile (a quarter of the ${kind.bufferBytes}-byte buffer of kind "${kind.name}") even when split into single output channels and rows`;
  }
  const { tK, tN } = best;
  const d: TileDims = {
    g: grouped ? cdiv(shape.groups, tK) : 1,
    k: grouped ? shape.kPerGroup : cdiv(shape.kPerGroup, tK),
    c: shape.cPerGroup,
    n: cdiv(nDim, tN),
  };
  const tiles = tK * tN;
  const pes = kind.peRows * kind.peCols;
  const macs = shape.macsPerSample * samples;
  const vectorOps = shape.vectorOpsPerSample * samples;
  let cyclesPerTile: number;
  let arrayReadBytes: number;
  if (vectorOps > 0) {
    cyclesPerTile = cdiv(cdiv(vectorOps, tiles), pes);
    arrayReadBytes = inputBytes0; // each operand element is read once by the vector unit
  } else {
    const m = mapping(shape, kind, d);
    cyclesPerTile = m.cycles;
    arrayReadBytes = m.arrayReads * tiles * eb;
  }
  const weightLoadBytes = kOuter || tK === 1 ? weightBytes : weightBytes * tN;
  const inputLoadBytes = grouped || !kOuter || tN === 1 ? best.inputBytes : best.inputBytes * tK;
  const computeCycles = cyclesPerTile * tiles;
  return {
    kind, samples, macs, vectorOps, kParts: tK, nParts: tN, tiles, kOuter, grouped,
    weightBytes, inputBytes: best.inputBytes, outputBytes, cyclesPerTile, computeCycles,
    weightLoadBytes, inputLoadBytes,
    // Fill writes (loads) + output writes + output drain reads + reads into the array.
    bufferAccessBytes: weightLoadBytes + inputLoadBytes + 2 * outputBytes + arrayReadBytes,
    utilization: (macs + vectorOps) / (computeCycles * pes),
    tileBytes: best.tileBytes,
  };
}

/**
 * Bytes tile t loads and stores. Tiles run outer x inner; the operand indexed by the outer
 * loop is loaded when the outer index changes, the one indexed by the inner loop every tile
 * unless it has a single part (then it stays resident). Sums over all tiles equal
 * weightLoadBytes, inputLoadBytes and outputBytes exactly.
 */
export function tileLoad(plan: LayerPlan, t: number, out: TileLoad): TileLoad {
  const inner = plan.kOuter ? plan.nParts : plan.kParts;
  const a = Math.floor(t / inner);
  const b = t - a * inner;
  const k = plan.kOuter ? a : b;
  const n = plan.kOuter ? b : a;
  const { kParts, nParts } = plan;
  // Weights depend on k only.
  if (plan.kOuter) out.weightBytes = b === 0 ? share(plan.weightBytes, kParts, k) : 0;
  else out.weightBytes = kParts === 1 ? (t === 0 ? plan.weightBytes : 0) : share(plan.weightBytes, kParts, k);
  // Inputs depend on n (and on k when grouped).
  if (plan.grouped) out.inputBytes = share(share(plan.inputBytes, nParts, n), kParts, k);
  else if (!plan.kOuter) out.inputBytes = b === 0 ? share(plan.inputBytes, nParts, n) : 0;
  else out.inputBytes = nParts === 1 ? (t === 0 ? plan.inputBytes : 0) : share(plan.inputBytes, nParts, n);
  out.outputBytes = share(share(plan.outputBytes, nParts, n), kParts, k);
  return out;
}
