/**
 * Lowering of the ONNX operators that do work into mcmsim workload layers (models/README.md,
 * "Workloads"). Layers are per sample: the batch dimension (dim 0 of the model input) is divided
 * out. Each function returns the layer's fields (without name and inputs) and, when the mapping
 * is not exact, a note saying what was approximated.
 */
import { OnnxNode } from './decode';
import { elems, ShapeError, Window, windowOf } from './shapes';

export type Fields = Record<string, unknown>;

export interface Lowered {
  op: 'conv2d' | 'depthwise' | 'fc' | 'matmul' | 'pool' | 'eltwise';
  fields: Fields;
  note?: string;
}

const compact = (a: number, b: number): number | number[] => (a === b ? a : [a, b]);

function perSample(total: number, batch: number, what: string): number {
  if (total % batch !== 0) throw new ShapeError(`${what} (${total}) is not a multiple of the batch ${batch}`);
  return total / batch;
}

/**
 * The workload IR has symmetric padding and no dilation: out = floor((in + 2 pad - k) / s) + 1.
 * This finds in/pad per spatial dim that give ONNX's output size with the undilated kernel (so
 * MACs are exact). Asymmetric or dilated padding is rounded to a symmetric pad when that gives
 * the same output size; otherwise the input is written as the (out - 1) x s + k rows the kernel
 * reads, padding included, and a note says so.
 */
function fitWindow(inH: number, inW: number, win: Window): { fields: Fields; note?: string } {
  const ins = [inH, inW];
  const res = [0, 1].map((i) => {
    const k = win.kernel[i];
    const s = win.strides[i];
    const p = win.out[i];
    const needed = (p - 1) * s + k - ins[i];
    for (const pad of [Math.floor(needed / 2), Math.ceil(needed / 2), 0]) {
      if (pad >= 0 && Math.floor((ins[i] + 2 * pad - k) / s) + 1 === p) return { in: ins[i], pad, exact: win.dilations[i] === 1 && win.pads[i] === pad && win.pads[i + 2] === pad };
    }
    return { in: (p - 1) * s + k, pad: 0, exact: false };
  });
  const fields: Fields = { inHeight: res[0].in, inWidth: res[1].in, kernel: compact(win.kernel[0], win.kernel[1]) };
  if (win.strides[0] !== 1 || win.strides[1] !== 1) fields.stride = compact(win.strides[0], win.strides[1]);
  if (res[0].pad || res[1].pad) fields.pad = compact(res[0].pad, res[1].pad);
  const exact = res.every((r) => r.exact);
  const note = exact ? undefined : `ONNX pads [${win.pads.join(', ')}], dilations [${win.dilations.join(', ')}]: written with symmetric padding and an undilated kernel giving the same ${win.out.join('x')} output (MACs exact)`;
  return { fields, note };
}

/** [N, C, H, W] view of a 1-D or 2-D spatial tensor (1-D: H = 1). */
function as4d(s: readonly number[], what: string): [number, number, number, number] {
  if (s.length === 4) return [s[0], s[1], s[2], s[3]];
  if (s.length === 3) return [s[0], s[1], 1, s[2]];
  throw new ShapeError(`${what} with ${s.length - 2} spatial dims (only 1-D and 2-D are modelled)`);
}

function spatialNode(n: OnnxNode, rank: number): OnnxNode {
  if (rank !== 3) return n;
  // 1-D ops: prepend a unit height to every spatial attribute.
  const attrs = new Map(n.attrs);
  const lift = (name: string, v: number) => {
    const a = n.attrs.get(name);
    if (a?.ints) attrs.set(name, { ...a, ints: name === 'pads' ? [0, a.ints[0], 0, a.ints[1]] : [v, ...a.ints] });
  };
  lift('kernel_shape', 1);
  lift('strides', 1);
  lift('dilations', 1);
  lift('pads', 0);
  return { ...n, attrs };
}

export function lowerConv(n: OnnxNode, x: number[], w: number[], batch: number): Lowered {
  const [N, C, H, W] = as4d(x, 'Conv');
  if (N !== batch) throw new ShapeError(`Conv over ${N} images for a batch of ${batch}`);
  const g = n.attrs.get('group')?.i ?? 1;
  const k = w[0];
  const kernel = x.length === 3 ? [1, w[2]] : [w[2], w[3]];
  const win = windowOf(spatialNode(n, x.length), [H, W], n.attrs.get('kernel_shape')?.ints ? (x.length === 3 ? [1, ...n.attrs.get('kernel_shape')!.ints!] : n.attrs.get('kernel_shape')!.ints!) : kernel);
  const fit = fitWindow(H, W, win);
  if (g === C && g > 1 && k % C === 0) {
    const fields: Fields = { channels: C, ...fit.fields };
    if (k / C !== 1) fields.multiplier = k / C;
    return { op: 'depthwise', fields, note: fit.note };
  }
  const fields: Fields = { inChannels: C, outChannels: k, ...fit.fields };
  if (g !== 1) fields.groups = g;
  return { op: 'conv2d', fields, note: fit.note };
}

/**
 * ConvTranspose as its scatter form: every input pixel multiplies the whole kernel, i.e. a 1x1
 * conv from C to K x kh x kw channels at the input resolution (exact MACs and weights), whose
 * output is read as the K-channel upsampled map. When windows overlap (stride < kernel) or the
 * output is cropped (pads), the overlapping partial sums are added by a second, element-wise
 * layer (`overlapAdd`).
 */
export function lowerConvTranspose(n: OnnxNode, x: number[], w: number[], batch: number): { conv: Lowered; overlapAdd?: Lowered } {
  const [N, C, H, W] = as4d(x, 'ConvTranspose');
  if (N !== batch) throw new ShapeError(`ConvTranspose over ${N} images for a batch of ${batch}`);
  const g = n.attrs.get('group')?.i ?? 1;
  const kh = x.length === 3 ? 1 : w[2];
  const kw = x.length === 3 ? w[2] : w[3];
  const k = w[1] * g;
  const strides = n.attrs.get('strides')?.ints ?? [1, 1];
  const pads = n.attrs.get('pads')?.ints ?? [];
  const dil = n.attrs.get('dilations')?.ints ?? [];
  const ks = x.length === 3 ? [kw] : [kh, kw];
  const exact = ks.every((kk, i) => strides[i] === kk) && pads.every((p) => p === 0) && dil.every((d) => d === 1);
  const fields: Fields = { inChannels: C, outChannels: k * kh * kw, inHeight: H, inWidth: W, kernel: 1 };
  if (g !== 1) fields.groups = g;
  const conv: Lowered = {
    op: 'conv2d', fields,
    note: `ConvTranspose ${kh}x${kw} stride ${strides.join('x')} as its scatter form: a 1x1 conv to ${k}x${kh}x${kw} channels at the input resolution (same MACs and weights)${exact ? ', read as the upsampled map (windows do not overlap)' : ''}`,
  };
  if (exact) return { conv };
  return { conv, overlapAdd: { op: 'eltwise', fields: { elements: k * kh * kw * H * W }, note: 'overlap-add of the transposed convolution\'s partial outputs (col2im)' } };
}

export function lowerPool(n: OnnxNode, x: number[], batch: number, global: boolean): Lowered {
  const [N, C, H, W] = as4d(x, n.opType);
  if (N !== batch) throw new ShapeError(`${n.opType} over ${N} images for a batch of ${batch}`);
  if (global) return { op: 'pool', fields: { channels: C, inHeight: H, inWidth: W, kernel: compact(H, W) } };
  const nn = spatialNode(n, x.length);
  const kernel = nn.attrs.get('kernel_shape')!.ints!;
  const win = windowOf(nn, [H, W], kernel, (n.attrs.get('ceil_mode')?.i ?? 0) === 1);
  const fit = fitWindow(H, W, win);
  return { op: 'pool', fields: { channels: C, ...fit.fields }, note: fit.note };
}

/** A linear layer: `tokens` rows of `inFeatures` times a constant inFeatures x outFeatures matrix. */
export function lowerLinear(rowsTotal: number, inFeatures: number, outFeatures: number, batch: number): Lowered {
  const tokens = perSample(rowsTotal, batch, 'the rows of a linear layer');
  const fields: Fields = { inFeatures, outFeatures };
  if (tokens !== 1) fields.tokens = tokens;
  return { op: 'fc', fields };
}

/** Activation x activation: per head A (m x k) times B (k x n); heads = broadcast batch dims / batch. */
export function lowerMatmul(a: number[], b: number[], out: number[], batch: number): Lowered {
  const a2 = a.length === 1 ? [1, a[0]] : a;
  const b2 = b.length === 1 ? [b[0], 1] : b;
  const m = a2[a2.length - 2];
  const k = a2[a2.length - 1];
  const n = b2[b2.length - 1];
  const heads = perSample(elems(out) / (m * n), batch, 'the batched matmul count');
  const fields: Fields = { m, k, n };
  if (heads !== 1) fields.heads = heads;
  return { op: 'matmul', fields };
}

/** Element-wise work; the caller sets `operands` when it differs from the number of inputs. */
export function lowerVector(elementsTotal: number, batch: number, note?: string): Lowered {
  return { op: 'eltwise', fields: { elements: perSample(elementsTotal, batch, 'the element count') }, note };
}
