/**
 * Shape inference for the ONNX operators mcmsim imports, following the operator definitions in
 * the ONNX specification (https://onnx.ai/onnx/operators/, onnx/defs). Shapes are concrete:
 * symbolic dims are bound before inference (--batch, --seq-len, --input). Small integer tensors
 * (shape vectors, axes, sizes) also carry their values, so the shape arithmetic that exporters
 * emit (Shape -> Gather -> Concat -> Reshape, Range over a sequence length) resolves.
 */
import { MAX_VALUE_ELEMS, OnnxNode } from './decode';

export interface TensorFacts {
  shape: number[];
  /** Element values when known and small (<= MAX_VALUE_ELEMS). */
  value?: number[];
  /** True when the tensor's values are integers (shape arithmetic divides accordingly). */
  int?: boolean;
}

export class ShapeError extends Error {}

export interface InferContext {
  input(i: number): TensorFacts | undefined;
  opset: number;
}

/** Elements of a tensor of shape `s` (1 for a scalar). */
export const elems = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

function attrInt(n: OnnxNode, name: string, dflt: number): number {
  return n.attrs.get(name)?.i ?? dflt;
}
function attrInts(n: OnnxNode, name: string): number[] | undefined {
  return n.attrs.get(name)?.ints;
}
function attrStr(n: OnnxNode, name: string, dflt: string): string {
  return n.attrs.get(name)?.s ?? dflt;
}

function need(ctx: InferContext, i: number, what = `input ${i}`): TensorFacts {
  const t = ctx.input(i);
  if (!t) throw new ShapeError(`${what} is missing or has no known shape`);
  return t;
}

function needValue(ctx: InferContext, i: number, what: string): number[] {
  const t = need(ctx, i, what);
  if (!t.value) throw new ShapeError(`${what} must be a constant the importer can evaluate (it depends on data)`);
  return t.value;
}

const normAxis = (a: number, rank: number) => {
  const r = a < 0 ? a + rank : a;
  if (r < 0 || r >= rank) throw new ShapeError(`axis ${a} out of range for rank ${rank}`);
  return r;
};

export function broadcast(shapes: number[][]): number[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    let d = 1;
    for (const s of shapes) {
      const x = s[s.length - rank + i] ?? 1;
      if (x === 1) continue;
      if (d !== 1 && d !== x) throw new ShapeError(`shapes [${shapes.map((z) => z.join('x')).join('], [')}] do not broadcast`);
      d = x;
    }
    out.push(d);
  }
  return out;
}

/** Broadcast element-wise evaluation on known values. */
function evalBinary(a: TensorFacts, b: TensorFacts, out: number[], f: (x: number, y: number) => number): number[] | undefined {
  if (!a.value || !b.value || elems(out) > MAX_VALUE_ELEMS) return undefined;
  const n = elems(out);
  const pick = (t: TensorFacts, i: number) => {
    // Index into a broadcast operand: walk the output index backwards over its dims.
    let idx = 0;
    let stride = 1;
    let rem = i;
    for (let d = out.length - 1; d >= 0; d--) {
      const coord = rem % out[d];
      rem = Math.floor(rem / out[d]);
      const td = t.shape.length - (out.length - d);
      if (td >= 0) {
        const size = t.shape[td];
        idx += (size === 1 ? 0 : coord) * stride;
        stride *= size;
      }
    }
    return t.value![idx];
  };
  const r: number[] = [];
  for (let i = 0; i < n; i++) r.push(f(pick(a, i), pick(b, i)));
  return r;
}

/** Output size of a sliding window: ONNX conv/pool arithmetic with explicit pads. */
export function windowOut(inSize: number, kernel: number, stride: number, padBegin: number, padEnd: number, dilation: number, ceil: boolean): number {
  const eff = dilation * (kernel - 1) + 1;
  const span = inSize + padBegin + padEnd - eff;
  if (span < 0) throw new ShapeError(`kernel ${kernel} (dilation ${dilation}) is larger than the padded input ${inSize + padBegin + padEnd}`);
  return (ceil ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
}

export interface Window {
  kernel: number[];
  strides: number[];
  dilations: number[];
  /** [begin..., end...] per spatial dim. */
  pads: number[];
  out: number[];
}

/** Kernel, strides, pads (auto_pad resolved) and output sizes of a conv/pool node. */
export function windowOf(n: OnnxNode, spatialIn: number[], kernel: number[], ceil = false): Window {
  const d = spatialIn.length;
  const strides = attrInts(n, 'strides') ?? new Array(d).fill(1);
  const dilations = attrInts(n, 'dilations') ?? new Array(d).fill(1);
  let pads = attrInts(n, 'pads') ?? new Array(2 * d).fill(0);
  if (strides.length !== d || dilations.length !== d || pads.length !== 2 * d) throw new ShapeError(`strides/dilations/pads do not match ${d} spatial dims`);
  if ([...strides, ...dilations, ...kernel].some((x) => !Number.isInteger(x) || x < 1)) throw new ShapeError('kernel, strides and dilations must be positive integers');
  if (pads.some((x) => !Number.isInteger(x) || x < 0)) throw new ShapeError('pads must be non-negative integers');
  const auto = attrStr(n, 'auto_pad', 'NOTSET');
  if (auto === 'SAME_UPPER' || auto === 'SAME_LOWER') {
    pads = new Array(2 * d).fill(0);
    for (let i = 0; i < d; i++) {
      const out = Math.ceil(spatialIn[i] / strides[i]);
      const total = Math.max(0, (out - 1) * strides[i] + dilations[i] * (kernel[i] - 1) + 1 - spatialIn[i]);
      const small = Math.floor(total / 2);
      pads[i] = auto === 'SAME_UPPER' ? small : total - small;
      pads[i + d] = total - pads[i];
    }
  } else if (auto === 'VALID') pads = new Array(2 * d).fill(0);
  const out = spatialIn.map((x, i) => windowOut(x, kernel[i], strides[i], pads[i], pads[i + d], dilations[i], ceil));
  return { kernel, strides, dilations, pads, out };
}

/** Output facts of one node from its inputs' facts. Throws ShapeError on impossible shapes. */
export function inferNode(n: OnnxNode, ctx: InferContext): TensorFacts[] {
  const x = () => need(ctx, 0);
  const same = (): TensorFacts[] => [{ shape: [...x().shape] }];
  switch (n.opType) {
    case 'Identity':
    case 'Dropout': {
      const t = x();
      return [{ ...t, shape: [...t.shape] }, { shape: [...t.shape] }];
    }
    case 'Cast': {
      const t = x();
      const to = attrInt(n, 'to', 1);
      const int = [2, 3, 4, 5, 6, 7, 9, 12, 13].includes(to);
      return [{ shape: [...t.shape], value: t.value && (int ? t.value.map(Math.trunc) : t.value), int }];
    }
    case 'Relu': case 'LeakyRelu': case 'PRelu': case 'Clip': case 'Sigmoid': case 'HardSigmoid': case 'HardSwish':
    case 'Tanh': case 'Erf': case 'Gelu': case 'Elu': case 'Selu': case 'Celu': case 'Softplus': case 'Softsign': case 'Mish':
    case 'Exp': case 'Log': case 'Neg': case 'Abs': case 'Reciprocal': case 'Floor': case 'Ceil': case 'Round': case 'Sign':
    case 'Sin': case 'Cos': case 'Not': case 'ThresholdedRelu': case 'IsNaN': case 'IsInf':
    case 'Softmax': case 'LogSoftmax': case 'Hardmax': case 'BatchNormalization': case 'InstanceNormalization':
    case 'LayerNormalization': case 'GroupNormalization': case 'LpNormalization': case 'MeanVarianceNormalization': case 'LRN':
      return same();
    case 'Sqrt': {
      const t = x();
      return [{ shape: [...t.shape], value: t.value?.map(Math.sqrt) }];
    }
    case 'Add': case 'Sub': case 'Mul': case 'Div': case 'Pow': case 'Max': case 'Min': case 'Mod': case 'Mean': case 'Sum':
    case 'Equal': case 'Less': case 'Greater': case 'LessOrEqual': case 'GreaterOrEqual': case 'And': case 'Or': case 'Xor': case 'BitShift': {
      const ins = n.inputs.map((_, i) => need(ctx, i));
      const out = broadcast(ins.map((t) => t.shape));
      if (ins.length !== 2) return [{ shape: out }];
      const [a, b] = ins;
      const int = !!(a.int && b.int);
      const f: Record<string, (p: number, q: number) => number> = {
        Add: (p, q) => p + q, Sub: (p, q) => p - q, Mul: (p, q) => p * q,
        Div: (p, q) => (int ? Math.trunc(p / q) : p / q), Pow: (p, q) => p ** q, Max: Math.max, Min: Math.min,
        Mod: (p, q) => p % q, Equal: (p, q) => +(p === q), Less: (p, q) => +(p < q), Greater: (p, q) => +(p > q),
        LessOrEqual: (p, q) => +(p <= q), GreaterOrEqual: (p, q) => +(p >= q),
      };
      return [{ shape: out, value: f[n.opType] ? evalBinary(a, b, out, f[n.opType]) : undefined, int }];
    }
    case 'Where': {
      const [c, a, b] = [0, 1, 2].map((i) => need(ctx, i));
      const out = broadcast([c.shape, a.shape, b.shape]);
      let value: number[] | undefined;
      if (c.value && a.value && b.value) {
        const ab = evalBinary(a, b, out, (p) => p);
        const ba = evalBinary(b, a, out, (p) => p);
        const cc = evalBinary(c, c, out, (p) => p);
        if (ab && ba && cc) value = cc.map((v, i) => (v ? ab[i] : ba[i]));
      }
      return [{ shape: out, value, int: a.int && b.int }];
    }
    case 'Constant': {
      const a = n.attrs;
      if (a.get('value')?.t) {
        const t = a.get('value')!.t!;
        return [{ shape: [...t.dims], value: t.values, int: ![1, 10, 11].includes(t.dataType) }];
      }
      if (a.get('value_int')) return [{ shape: [], value: [a.get('value_int')!.i!], int: true }];
      if (a.get('value_ints')) return [{ shape: [a.get('value_ints')!.ints!.length], value: a.get('value_ints')!.ints, int: true }];
      if (a.get('value_float')) return [{ shape: [], value: [a.get('value_float')!.f!] }];
      if (a.get('value_floats')) return [{ shape: [a.get('value_floats')!.floats!.length], value: a.get('value_floats')!.floats }];
      throw new ShapeError('Constant without a value the importer reads (value, value_int(s), value_float(s))');
    }
    case 'Shape': {
      const s = x().shape;
      const start = normClamp(attrInt(n, 'start', 0), s.length);
      const end = normClamp(attrInt(n, 'end', s.length), s.length);
      const v = s.slice(start, Math.max(start, end));
      return [{ shape: [v.length], value: v, int: true }];
    }
    case 'Size':
      return [{ shape: [], value: [elems(x().shape)], int: true }];
    case 'ConstantOfShape': {
      const shape = needValue(ctx, 0, 'the shape input');
      const fill = n.attrs.get('value')?.t?.values?.[0] ?? 0;
      return [{ shape, value: elems(shape) <= MAX_VALUE_ELEMS ? new Array(elems(shape)).fill(fill) : undefined }];
    }
    case 'Range': {
      const [s, l, d] = [0, 1, 2].map((i) => needValue(ctx, i, `Range input ${i}`)[0]);
      if (d === 0) throw new ShapeError('Range with delta 0');
      const len = Math.max(0, Math.ceil((l - s) / d));
      return [{ shape: [len], value: len <= MAX_VALUE_ELEMS ? Array.from({ length: len }, (_, i) => s + i * d) : undefined, int: need(ctx, 0).int }];
    }
    case 'Reshape': {
      const t = x();
      const spec = needValue(ctx, 1, 'the shape input');
      const allowZero = attrInt(n, 'allowzero', 0) === 1;
      const out = spec.map((v, i) => (v === 0 && !allowZero ? t.shape[i] : v));
      const known = elems(out.filter((v) => v !== -1));
      const unknown = out.filter((v) => v === -1).length;
      if (unknown > 1) throw new ShapeError('Reshape with more than one -1');
      if (unknown === 1) {
        if (known === 0 || elems(t.shape) % known !== 0) throw new ShapeError(`cannot reshape [${t.shape.join('x')}] to [${spec.join(', ')}]`);
        out[out.indexOf(-1)] = elems(t.shape) / known;
      }
      if (out.some((v) => v === undefined || v < 0) || elems(out) !== elems(t.shape)) throw new ShapeError(`cannot reshape [${t.shape.join('x')}] (${elems(t.shape)} elements) to [${spec.join(', ')}]`);
      return [{ shape: out, value: t.value, int: t.int }];
    }
    case 'Flatten': {
      const s = x().shape;
      const axis = attrInt(n, 'axis', 1);
      const a = axis < 0 ? axis + s.length : axis;
      return [{ shape: [elems(s.slice(0, a)), elems(s.slice(a))], value: x().value, int: x().int }];
    }
    case 'Transpose': {
      const t = x();
      const perm = attrInts(n, 'perm') ?? t.shape.map((_, i) => t.shape.length - 1 - i);
      if (perm.length !== t.shape.length) throw new ShapeError(`perm of length ${perm.length} for a rank-${t.shape.length} tensor`);
      return [{ shape: perm.map((p) => t.shape[normAxis(p, t.shape.length)]) }];
    }
    case 'Squeeze': {
      const t = x();
      const axes = (ctx.opset >= 13 && n.inputs[1] ? needValue(ctx, 1, 'the axes input') : attrInts(n, 'axes'))?.map((a) => normAxis(a, t.shape.length));
      const shape = t.shape.filter((d, i) => (axes ? !axes.includes(i) : d !== 1));
      return [{ shape, value: t.value, int: t.int }];
    }
    case 'Unsqueeze': {
      const t = x();
      const axes = (ctx.opset >= 13 ? needValue(ctx, 1, 'the axes input') : attrInts(n, 'axes')) ?? [];
      const rank = t.shape.length + axes.length;
      const norm = axes.map((a) => normAxis(a, rank)).sort((p, q) => p - q);
      const shape = [...t.shape];
      for (const a of norm) shape.splice(a, 0, 1);
      return [{ shape, value: t.value, int: t.int }];
    }
    case 'Concat': {
      const ins = n.inputs.map((_, i) => need(ctx, i)).filter((t) => !(t.shape.length === 1 && t.shape[0] === 0));
      if (ins.length === 0) throw new ShapeError('Concat of nothing');
      const rank = ins[0].shape.length;
      const axis = normAxis(attrInt(n, 'axis', 0), rank);
      const shape = [...ins[0].shape];
      shape[axis] = 0;
      for (const t of ins) {
        if (t.shape.length !== rank || t.shape.some((d, i) => i !== axis && d !== ins[0].shape[i])) {
          throw new ShapeError(`Concat of [${ins.map((z) => z.shape.join('x')).join('], [')}] along axis ${axis}`);
        }
        shape[axis] += t.shape[axis];
      }
      const value = rank === 1 && ins.every((t) => t.value) ? ins.flatMap((t) => t.value!) : undefined;
      return [{ shape, value, int: ins.every((t) => t.int) }];
    }
    case 'Split': {
      const t = x();
      const axis = normAxis(attrInt(n, 'axis', 0), t.shape.length);
      let split = ctx.opset >= 13 && n.inputs[1] ? needValue(ctx, 1, 'the split input') : attrInts(n, 'split');
      if (!split) {
        const parts = n.outputs.length;
        const each = Math.ceil(t.shape[axis] / parts);
        split = Array.from({ length: parts }, (_, i) => Math.min(each, t.shape[axis] - i * each));
      }
      if (split.reduce((a, b) => a + b, 0) !== t.shape[axis]) throw new ShapeError(`Split sizes [${split.join(', ')}] do not add up to ${t.shape[axis]}`);
      return split.map((s) => {
        const shape = [...t.shape];
        shape[axis] = s;
        return { shape };
      });
    }
    case 'Slice': {
      const t = x();
      const rank = t.shape.length;
      let starts: number[], ends: number[], axes: number[] | undefined, steps: number[] | undefined;
      if (ctx.opset >= 10) {
        starts = needValue(ctx, 1, 'the starts input');
        ends = needValue(ctx, 2, 'the ends input');
        axes = n.inputs[3] ? needValue(ctx, 3, 'the axes input') : undefined;
        steps = n.inputs[4] ? needValue(ctx, 4, 'the steps input') : undefined;
      } else {
        starts = attrInts(n, 'starts') ?? [];
        ends = attrInts(n, 'ends') ?? [];
        axes = attrInts(n, 'axes');
      }
      const shape = [...t.shape];
      const ranges = t.shape.map((d) => [0, d, 1]);
      (axes ?? starts.map((_, i) => i)).forEach((a0, i) => {
        const a = normAxis(a0, rank);
        const d = t.shape[a];
        const step = steps?.[i] ?? 1;
        if (step === 0) throw new ShapeError('Slice step 0');
        const clampIdx = (v: number, lo: number, hi: number) => Math.min(Math.max(v < 0 ? v + d : v, lo), hi);
        const s = step > 0 ? clampIdx(starts[i], 0, d) : clampIdx(starts[i], -1, d - 1);
        const e = step > 0 ? clampIdx(ends[i], 0, d) : clampIdx(ends[i], -1, d - 1);
        shape[a] = Math.max(0, Math.ceil((e - s) / step));
        ranges[a] = [s, e, step];
      });
      let value: number[] | undefined;
      if (t.value && rank === 1) {
        const [s, , step] = ranges[0];
        value = Array.from({ length: shape[0] }, (_, i) => t.value![s + i * step]);
      }
      return [{ shape, value, int: t.int }];
    }
    case 'Gather': {
      const data = x();
      const idx = need(ctx, 1);
      const axis = normAxis(attrInt(n, 'axis', 0), data.shape.length);
      const shape = [...data.shape.slice(0, axis), ...idx.shape, ...data.shape.slice(axis + 1)];
      let value: number[] | undefined;
      if (data.value && idx.value && data.shape.length === 1) value = idx.value.map((i) => data.value![i < 0 ? i + data.shape[0] : i]);
      return [{ shape, value, int: data.int }];
    }
    case 'Expand': {
      const t = x();
      const shape = broadcast([t.shape, needValue(ctx, 1, 'the shape input')]);
      return [{ shape, value: t.value && elems(shape) === elems(t.shape) ? t.value : undefined, int: t.int }];
    }
    case 'Tile': {
      const t = x();
      const reps = needValue(ctx, 1, 'the repeats input');
      return [{ shape: t.shape.map((d, i) => d * (reps[i] ?? 1)) }];
    }
    case 'Pad': {
      const t = x();
      const pads = ctx.opset >= 11 ? needValue(ctx, 1, 'the pads input') : attrInts(n, 'pads') ?? [];
      const r = t.shape.length;
      if (pads.length !== 2 * r) throw new ShapeError(`pads of length ${pads.length} for a rank-${r} tensor`);
      return [{ shape: t.shape.map((d, i) => d + pads[i] + pads[i + r]) }];
    }
    case 'ReduceMean': case 'ReduceSum': case 'ReduceMax': case 'ReduceMin': case 'ReduceProd': case 'ReduceL2': case 'ReduceL1':
    case 'ReduceSumSquare': case 'ReduceLogSumExp': case 'ArgMax': case 'ArgMin': {
      const t = x();
      const keep = attrInt(n, 'keepdims', 1) === 1;
      let axes: number[] | undefined = attrInts(n, 'axes');
      if (n.opType.startsWith('Arg')) axes = [attrInt(n, 'axis', 0)];
      else if (!axes && n.inputs[1]) axes = needValue(ctx, 1, 'the axes input');
      const r = t.shape.length;
      const norm = (axes && axes.length ? axes : t.shape.map((_, i) => i)).map((a) => normAxis(a, r));
      const shape: number[] = [];
      t.shape.forEach((d, i) => {
        if (!norm.includes(i)) shape.push(d);
        else if (keep) shape.push(1);
      });
      return [{ shape }];
    }
    case 'MatMul': {
      const a = x().shape;
      const b = need(ctx, 1).shape;
      if (a.length === 0 || b.length === 0) throw new ShapeError('MatMul of a scalar');
      const a2 = a.length === 1 ? [1, a[0]] : a;
      const b2 = b.length === 1 ? [b[0], 1] : b;
      if (a2[a2.length - 1] !== b2[b2.length - 2]) throw new ShapeError(`MatMul of [${a.join('x')}] and [${b.join('x')}]: inner dimensions ${a2[a2.length - 1]} and ${b2[b2.length - 2]} differ`);
      const batch = broadcast([a2.slice(0, -2), b2.slice(0, -2)]);
      const shape = [...batch, ...(a.length === 1 ? [] : [a2[a2.length - 2]]), ...(b.length === 1 ? [] : [b2[b2.length - 1]])];
      return [{ shape }];
    }
    case 'Gemm': {
      const a = x().shape;
      const b = need(ctx, 1).shape;
      if (a.length !== 2 || b.length !== 2) throw new ShapeError('Gemm needs 2-D inputs');
      const [m, k] = attrInt(n, 'transA', 0) ? [a[1], a[0]] : a;
      const [k2, nn] = attrInt(n, 'transB', 0) ? [b[1], b[0]] : b;
      if (k !== k2) throw new ShapeError(`Gemm inner dimensions ${k} and ${k2} differ`);
      return [{ shape: [m, nn] }];
    }
    case 'Conv': {
      const s = x().shape;
      const w = need(ctx, 1, 'the weight input').shape;
      if (s.length < 3) throw new ShapeError(`Conv input of rank ${s.length}`);
      const g = attrInt(n, 'group', 1);
      if (w.length !== s.length || s[1] !== w[1] * g) throw new ShapeError(`Conv input [${s.join('x')}] does not match weight [${w.join('x')}] with group ${g}`);
      const kernel = attrInts(n, 'kernel_shape') ?? w.slice(2);
      const win = windowOf(n, s.slice(2), kernel);
      return [{ shape: [s[0], w[0], ...win.out] }];
    }
    case 'ConvTranspose': {
      const s = x().shape;
      const w = need(ctx, 1, 'the weight input').shape;
      const g = attrInt(n, 'group', 1);
      if (w.length !== s.length || s[1] !== w[0]) throw new ShapeError(`ConvTranspose input [${s.join('x')}] does not match weight [${w.join('x')}]`);
      const d = s.length - 2;
      const kernel = attrInts(n, 'kernel_shape') ?? w.slice(2);
      const strides = attrInts(n, 'strides') ?? new Array(d).fill(1);
      const dil = attrInts(n, 'dilations') ?? new Array(d).fill(1);
      const outPad = attrInts(n, 'output_padding') ?? new Array(d).fill(0);
      const pads = attrInts(n, 'pads') ?? new Array(2 * d).fill(0);
      const given = attrInts(n, 'output_shape');
      const out = given ? given.slice(-d) : s.slice(2).map((x0, i) => strides[i] * (x0 - 1) + outPad[i] + dil[i] * (kernel[i] - 1) + 1 - pads[i] - pads[i + d]);
      if (out.some((v) => v < 1)) throw new ShapeError('ConvTranspose output would be empty');
      return [{ shape: [s[0], w[1] * g, ...out] }];
    }
    case 'MaxPool': case 'AveragePool': case 'LpPool': {
      const s = x().shape;
      const kernel = attrInts(n, 'kernel_shape');
      if (!kernel || kernel.length !== s.length - 2) throw new ShapeError('pool without a kernel_shape matching the input');
      const win = windowOf(n, s.slice(2), kernel, attrInt(n, 'ceil_mode', 0) === 1);
      return [{ shape: [s[0], s[1], ...win.out] }, { shape: [s[0], s[1], ...win.out] }];
    }
    case 'GlobalAveragePool': case 'GlobalMaxPool': case 'GlobalLpPool': {
      const s = x().shape;
      return [{ shape: [s[0], s[1], ...s.slice(2).map(() => 1)] }];
    }
    case 'Resize': case 'Upsample': {
      const t = x();
      const scalesIdx = n.opType === 'Upsample' ? 1 : 2;
      const sizes = n.opType === 'Resize' && n.inputs[3] ? ctx.input(3)?.value : undefined;
      if (sizes && sizes.length === t.shape.length) return [{ shape: [...sizes] }];
      const scales = n.inputs[scalesIdx] ? ctx.input(scalesIdx)?.value : attrInts(n, 'scales') ?? n.attrs.get('scales')?.floats;
      if (!scales || scales.length !== t.shape.length) throw new ShapeError('Resize needs constant scales or sizes');
      return [{ shape: t.shape.map((d, i) => Math.floor(d * scales[i])) }];
    }
    case 'DepthToSpace': {
      const s = x().shape;
      const b = attrInt(n, 'blocksize', 1);
      return [{ shape: [s[0], s[1] / (b * b), s[2] * b, s[3] * b] }];
    }
    case 'SpaceToDepth': {
      const s = x().shape;
      const b = attrInt(n, 'blocksize', 1);
      return [{ shape: [s[0], s[1] * b * b, s[2] / b, s[3] / b] }];
    }
    default:
      throw new ShapeError(`no shape rule for ${n.opType}`);
  }
}

function normClamp(a: number, rank: number): number {
  const r = a < 0 ? a + rank : a;
  return Math.min(Math.max(r, 0), rank);
}
