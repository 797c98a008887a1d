/**
 * Spatial unrollings: the legal ways each dataflow class maps a tile's loops onto the PE rows and
 * columns, with compute cycles and data movement per storage level for that tile (elements).
 *
 * Loop nest (sim/input/types.ts): O[g][k][p][q] += I[g][c][p*st + r][q*st + s] * W[g][k][c][r][s];
 * a tile holds g groups, k output channels and c input channels per group, n output rows (over
 * all its samples), the full q, r, s. M = g*k*c*r*s*n*q MACs, O = g*k*n*q outputs,
 * W = g*k*c*r*s weights.
 *
 * Levels counted (each is an element count; the mapper multiplies by elementBytes and by the
 * chiplet kind's per-byte energies):
 *   reads   buffer (L2) -> array, per operand; a value multicast to many PEs is one read.
 *   psum    extra buffer accesses when partial sums leave the array before the reduction ends
 *           (write, and read back for the next pass).
 *   hops    deliveries over the array network: edge -> PE or PE -> PE forwarding, one per PE
 *           reached (Timeloop/Accelergy count multicast per destination the same way).
 *   rf      PE-local register / scratchpad accesses: 2 operand reads per MAC, one write per
 *           delivered value, and a read + write per MAC when the partial sum stays in the PE.
 * (Eyeriss, Chen et al., ISCA 2016, Sec. V: the same four-level accounting RF / array / buffer /
 * DRAM; Kwon et al., MAESTRO, MICRO 2019, Sec. 4: reuse per operand from the unrolling.)
 *
 * Folds: a fold (one placement of the stationary operand) takes max(steps, rowsUsed) cycles. The
 * stationary operand is double-buffered in the PEs, so loading the next fold's weights (WS) or
 * draining the last fold's outputs (OS), rowsUsed cycles down the columns, overlaps this fold's
 * steps (TPU: "one tile of weights plus one for double-buffering, to hide the 256 cycles it takes
 * to shift a tile in", Jouppi et al., ISCA 2017, Sec. 2). A systolic array (WS, OS (P*Q) x K)
 * also pays its pipeline fill and drain, rowsUsed + colsUsed - 2 cycles, once per tile, since
 * consecutive folds stream back to back. SCALE-Sim (Samajdar et al., ISPASS 2020) instead
 * charges 2*rows + cols - 2 per fold (no double buffering); README compares the two.
 * Multicast arrays (ShiDianNao P x Q, Eyeriss) have no skew.
 *
 * Buffer bandwidth: the buffer feeds the array through its edges, at most rows + cols elements
 * per cycle (a systolic array takes one input per row and one weight per column per cycle, as in
 * SCALE-Sim); a mapping that needs more reads is bandwidth-bound:
 *   cycles = max(compute cycles, ceil((weight reads + input reads) / (rows + cols))).
 * This is what makes RS slow on batch-1 FC layers: with no reuse in the scratchpads every MAC
 * needs a weight read.
 */
import { Dataflow, LayerShape } from '../input/types';

export interface TileDims {
  g: number;
  k: number;
  c: number;
  n: number;
}

export interface Unrolling {
  /** Rows x columns, e.g. "R*S*C x K". */
  name: string;
  rowsUsed: number;
  colsUsed: number;
  cycles: number;
  weightReads: number;
  inputReads: number;
  psumAccesses: number;
  hops: number;
  rf: number;
}

/** Ceiling division: folds, parts and chunks of a count (also used by the mapper). */
export const cdiv = (a: number, b: number) => Math.ceil(a / b);

/**
 * The unrollings dataflow `df` allows for tile `t` of `sh` on a rows x cols array (appended to
 * `out`, which is cleared first). What each class may unroll, and why:
 * - ws (NVDLA / TPU-like systolic, weights stationary, inputs flow along rows, partial sums down
 *   columns): rows <- a reduction dimension, cols <- K. Either C (filter taps r, s in time, NVDLA's
 *   direct convolution) or R*S*C (im2col, as SCALE-Sim does; helps layers with few channels,
 *   e.g. ResNet-50 conv1 with C = 3). Groups (depthwise channels, attention heads) whose block
 *   fits are placed block-diagonally, several per fold. Output pixels are never spatial: every
 *   column of a row sees the same input stream, so columns can only differ in their weights.
 * - os (ShiDianNao-like, outputs stationary): rows x cols <- output rows x output columns
 *   (P x Q), one weight broadcast per cycle, inputs shifted between neighbours; and, for 1x1
 *   layers and GEMMs (no sliding window to reuse between neighbours), (P*Q) x K: pixels on rows,
 *   output channels on columns, inputs along rows and weights down columns (SCALE-Sim's OS).
 *   (P*Q) x K with an im2col window on larger filters would be a different array (a systolic OS
 *   with an im2col feeder, like the WS class's R*S*C x K), not the ShiDianNao class.
 * - rs (Eyeriss row-stationary): a PE set of r filter rows x e output rows (e <= cols); each PE
 *   runs a 1-D convolution (s taps over q outputs) with its filter row and input row in its
 *   scratchpad; partial sums accumulate up the set's columns. Sets are replicated over the array
 *   (floor(rows/r) x floor(cols/e)) for different output channels (sharing inputs) or input
 *   channels (accumulated vertically), as the Eyeriss paper folds them (Sec. V-B). On FC/GEMM
 *   layers (r = s = q = 1) each 1-D primitive is a single MAC: nothing is reused in the
 *   scratchpad, every MAC needs a delivered weight and input, so RS costs more energy per MAC
 *   there; with fewer output rows (tokens) than columns its sets also leave columns idle.
 */
export function unrollings(df: Dataflow, sh: LayerShape, rows: number, cols: number, t: TileDims, out: Unrolling[]): Unrolling[] {
  out.length = 0;
  const { r, s, q } = sh;
  const st = sh.strideH;
  const { g, k, c, n } = t;
  const macs = g * k * c * r * s * n * q;
  const outputs = g * k * n * q;
  const weights = g * k * c * r * s;
  const taps = r * s;

  if (df === 'ws') {
    for (let pass = taps > 1 ? 0 : 1; pass < 2; pass++) {
      const unrollTaps = pass === 1;
      const rho = unrollTaps ? c * taps : c;
      const tapSteps = unrollTaps ? 1 : taps;
      const gb = g > 1 && rho <= rows && k <= cols ? Math.min(g, Math.floor(rows / rho), Math.floor(cols / k)) : 1;
      const rowsUsed = gb * Math.min(rho, rows);
      const colsUsed = gb * Math.min(k, cols);
      const redFolds = cdiv(rho, rows);
      const kFolds = cdiv(k, cols);
      const folds = cdiv(g, gb) * redFolds * kFolds * tapSteps;
      const steps = n * q;
      const passes = redFolds * tapSteps; // partial sums each output receives from the array
      out.push({
        name: (unrollTaps && taps > 1 ? 'R*S*C x K' : taps > 1 ? 'C x K (taps in time)' : 'C x K') + (gb > 1 ? `, ${gb} groups block-diagonal` : ''),
        rowsUsed, colsUsed,
        cycles: folds * Math.max(steps, rowsUsed) + rowsUsed + colsUsed - 2,
        weightReads: weights,
        inputReads: g * rho * kFolds * tapSteps * steps,
        psumAccesses: 2 * (passes - 1) * outputs,
        hops: 2 * macs + weights, // inputs across columns, partial sums down rows, weight preload
        rf: 4 * macs + weights,   // weight + input register reads, input + psum register writes
      });
    }
  } else if (df === 'os') {
    {
      const rowsUsed = Math.min(n, rows);
      const colsUsed = Math.min(q, cols);
      const pf = cdiv(n, rows) * cdiv(q, cols);
      const steps = k * c * taps;
      const inRows = (rowsUsed - 1) * st + r;
      const inCols = (colsUsed - 1) * st + s;
      out.push({
        name: 'P x Q', rowsUsed, colsUsed,
        cycles: g * pf * Math.max(steps, rowsUsed),
        weightReads: pf * weights,
        inputReads: g * pf * k * c * inRows * inCols,
        psumAccesses: 0,
        hops: 2 * macs + outputs, // broadcast weight and neighbour-shifted input per MAC; drain
        rf: 6 * macs,             // operand reads, operand writes, psum read + write
      });
    }
    if (taps === 1) {
      const pix = n * q;
      const rowsUsed = Math.min(pix, rows);
      const colsUsed = Math.min(k, cols);
      const pf = cdiv(pix, rows);
      const kf = cdiv(k, cols);
      const steps = c * taps;
      out.push({
        name: '(P*Q) x K', rowsUsed, colsUsed,
        cycles: g * pf * kf * Math.max(steps, rowsUsed) + rowsUsed + colsUsed - 2,
        weightReads: pf * weights,
        inputReads: g * pix * steps * kf,
        psumAccesses: 0,
        hops: 2 * macs + outputs,
        rf: 6 * macs,
      });
    }
  } else {
    const e = Math.min(n, cols);
    const setRows = Math.min(r, rows);
    const rFolds = cdiv(r, rows);
    const setsPerCol = Math.floor(rows / setRows);
    const reps = setsPerCol * Math.floor(cols / e);
    const kg = g * k;
    // Replicas on output channels first (they share inputs), or on input channels first.
    let repK = Math.min(kg, reps);
    let repC = Math.min(c, Math.floor(reps / repK));
    const repC2 = Math.min(c, reps);
    const repK2 = Math.min(kg, Math.floor(reps / repC2));
    if (cdiv(kg, repK2) * cdiv(c, repC2) < cdiv(kg, repK) * cdiv(c, repC)) {
      repK = repK2;
      repC = repC2;
    }
    const sets = repK * repC;
    const inRow = (q - 1) * st + s;
    const prims = g * k * c * r * n; // 1-D primitives (filter row x input row)
    const wDeliv = prims * s;
    const iDeliv = prims * inRow;
    const psumHops = g * k * c * n * q * (r - 1) + outputs * (repC - 1) * cdiv(c, repC);
    out.push({
      name: `R x P sets (${setRows}x${e}, ${repK} on K x ${repC} on C)`,
      rowsUsed: setRows * Math.min(setsPerCol, sets),
      colsUsed: e * Math.min(Math.floor(cols / e), cdiv(sets, setsPerCol)),
      cycles: rFolds * cdiv(n, e) * cdiv(kg, repK) * cdiv(c, repC) * s * q,
      weightReads: cdiv(n, e) * weights, // a filter row is multicast along its set row
      // an input row is multicast along its diagonal and to sets of other output channels
      inputReads: cdiv(n, e) * ((e - 1) * st + r) * inRow * c * Math.max(g, cdiv(kg, repK)),
      psumAccesses: 0,
      hops: wDeliv + iDeliv + psumHops,
      rf: 4 * macs + wDeliv + iDeliv + psumHops,
    });
  }
  const feed = rows + cols;
  for (const u of out) u.cycles = Math.max(u.cycles, cdiv(u.weightReads + u.inputReads, feed));
  return out;
}
