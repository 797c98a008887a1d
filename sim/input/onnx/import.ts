/**
 * ONNX model -> mcmsim workload (`mcmsim/workload@1` JSON). The graph is walked in dependency
 * order (not file order); every tensor gets a concrete shape (shapes.ts) and is either constant
 * (weights, shape arithmetic: no work) or an activation produced by a set of workload layers.
 *
 * What becomes what (models/README.md, "Importing ONNX models", says the same):
 * - Conv (incl. grouped, depthwise, strided, padded, dilated; 1-D and 2-D), ConvTranspose,
 *   Gemm and MatMul with a constant operand (fc), MatMul of two activations (matmul, batched over
 *   heads), MaxPool/AveragePool/GlobalAveragePool/GlobalMaxPool (pool): MAC or pool layers.
 * - Softmax, LayerNormalization and other normalisations, reductions, linear/cubic Resize, and
 *   element-wise ops (Add, Mul, Sub, Div, ...) that combine the outputs of two or more layers
 *   (residual adds): eltwise layers on the vector unit.
 * - Activations (Relu, Clip, Sigmoid, Erf, ...), BatchNormalization, and element-wise ops whose
 *   activation operands all come from one layer (bias, scale, the pieces of GELU) are fused into
 *   that layer: an epilogue of its output stage, not counted (as the built-in workloads fold
 *   them).
 * - Reshape, Flatten, Transpose, Squeeze, Unsqueeze, Concat, Split, Slice, Gather, Expand, Pad,
 *   nearest Resize/Upsample, Identity, Cast, Dropout: no work; the consumer reads its producers'
 *   data (the transfer does the layout change) and lists them as inputs.
 * - Work on the model input before any layer (embedding lookups and their sums) is not modelled:
 *   the first layers read the model input, as the built-in BERT does.
 */
import { InputError } from '../errors';
import { parseWorkload } from '../workload';
import { Workload } from '../types';
import { DT, OnnxModel, OnnxNode, readOnnxFile } from './decode';
import { elems, inferNode, ShapeError, TensorFacts } from './shapes';
import { Lowered, lowerConv, lowerConvTranspose, lowerLinear, lowerMatmul, lowerPool, lowerVector } from './lower';

export interface ImportOptions {
  /** Workload name (default: the file name without .onnx). */
  name?: string;
  /** Binds a symbolic batch dimension (dim 0 of the model inputs); default 1. */
  batch?: number;
  /** Binds every symbolic non-batch dimension (sequence length). */
  seqLen?: number;
  /** Full shapes of named model inputs. */
  inputs?: Record<string, number[]>;
  /** Drop unsupported operators (with a warning) instead of failing. */
  skipUnsupported?: boolean;
  /** Called with each warning. */
  onWarning?: (message: string) => void;
}

export interface DroppedOp {
  node: string;
  op: string;
  /** Output elements per sample: a lower bound of the work dropped (1 op per element). */
  outputElems: number;
}

export interface ImportResult {
  /** The workload as JSON (what `--out` receives). */
  json: { schema: string; name: string; source: string; note: string; layers: Record<string, unknown>[] };
  /** The same, loaded and checked by the workload loader. */
  workload: Workload;
  batch: number;
  /** Parameters stored in the ONNX file: elements of every floating-point initialiser. */
  params: number;
  macsPerSample: number;
  vectorOpsPerSample: number;
  weightElems: number;
  fusedNodes: number;
  zeroCostNodes: number;
  dropped: DroppedOp[];
}

const FREE: ReadonlySet<string> = new Set(['Identity', 'Dropout', 'Cast', 'Reshape', 'Flatten', 'Transpose', 'Squeeze', 'Unsqueeze', 'Concat', 'Split', 'Slice', 'Gather', 'Expand', 'Tile', 'Pad', 'DepthToSpace', 'SpaceToDepth', 'Constant', 'ConstantOfShape', 'Range', 'Shape', 'Size']);
const UNARY: ReadonlySet<string> = new Set(['Relu', 'LeakyRelu', 'PRelu', 'Clip', 'Sigmoid', 'HardSigmoid', 'HardSwish', 'Tanh', 'Erf', 'Gelu', 'Elu', 'Selu', 'Celu', 'Softplus', 'Softsign', 'Mish', 'Exp', 'Log', 'Neg', 'Abs', 'Reciprocal', 'Floor', 'Ceil', 'Round', 'Sign', 'Sin', 'Cos', 'Not', 'ThresholdedRelu', 'Sqrt', 'BatchNormalization', 'IsNaN', 'IsInf']);
const ELEMENTWISE: ReadonlySet<string> = new Set(['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Max', 'Min', 'Mod', 'Mean', 'Sum', 'Where', 'Equal', 'Less', 'Greater', 'LessOrEqual', 'GreaterOrEqual', 'And', 'Or', 'Xor', 'BitShift']);
const VECTOR: ReadonlySet<string> = new Set(['Softmax', 'LogSoftmax', 'Hardmax', 'LayerNormalization', 'InstanceNormalization', 'GroupNormalization', 'LpNormalization', 'MeanVarianceNormalization', 'LRN', 'ReduceMean', 'ReduceSum', 'ReduceMax', 'ReduceMin', 'ReduceProd', 'ReduceL2', 'ReduceL1', 'ReduceSumSquare', 'ReduceLogSumExp', 'ArgMax', 'ArgMin']);
const MAC: ReadonlySet<string> = new Set(['Conv', 'ConvTranspose', 'Gemm', 'MatMul', 'MaxPool', 'AveragePool', 'LpPool', 'GlobalAveragePool', 'GlobalMaxPool', 'GlobalLpPool', 'Resize', 'Upsample']);

export const SUPPORTED_OPS: readonly string[] = [...FREE, ...UNARY, ...ELEMENTWISE, ...VECTOR, ...MAC].sort();

const FLOAT_TYPES: number[] = [DT.FLOAT, DT.FLOAT16, DT.DOUBLE, 16 /* BFLOAT16 */];
const INT_TYPES: number[] = [DT.INT64, DT.INT32, DT.INT16, DT.INT8, DT.UINT8, DT.UINT16, DT.UINT32, DT.UINT64, DT.BOOL];

/** Which workload layers an activation tensor comes from ([] and model: the model input). */
interface Source {
  layers: string[];
  model: boolean;
}

export function importOnnx(file: string, opts: ImportOptions = {}): ImportResult {
  return importModel(readOnnxFile(file), opts);
}

export function importModel(model: OnnxModel, opts: ImportOptions = {}): ImportResult {
  const file = model.file;
  const fail = (where: string, why: string): never => {
    throw new InputError(file, where, why);
  };
  const facts = new Map<string, TensorFacts>();
  const sources = new Map<string, Source>();
  let params = 0;
  for (const t of model.initializers.values()) {
    facts.set(t.name, { shape: t.dims, value: t.values, int: INT_TYPES.includes(t.dataType) });
    if (FLOAT_TYPES.includes(t.dataType)) params += elems(t.dims);
  }

  // Bind the model inputs' dims.
  const given = { ...(opts.inputs ?? {}) };
  const graphInputs = model.inputs.filter((v) => !model.initializers.has(v.name));
  if (graphInputs.length === 0) fail('graph.input', 'the model has no inputs');
  for (const name of Object.keys(given)) {
    if (!graphInputs.some((v) => v.name === name)) fail('graph.input', `--input names "${name}", but the model's inputs are ${graphInputs.map((v) => `"${v.name}"`).join(', ')}`);
  }
  const symbols = new Map<string, number>();
  let batch = 0;
  for (const v of graphInputs) {
    if (!v.dims) fail(`graph.input "${v.name}"`, `no shape in the file: give --input ${v.name}=DIMxDIM...`);
    const dims = v.dims!;
    const explicit = given[v.name];
    if (explicit && explicit.length !== dims.length) fail(`graph.input "${v.name}"`, `--input gives ${explicit.length} dims, the model's input has ${dims.length}`);
    const shape = dims.map((d, i) => {
      if (explicit) {
        if (typeof d === 'number' && d !== explicit[i]) fail(`graph.input "${v.name}"`, `--input gives dim ${i} = ${explicit[i]}, but the model fixes it at ${d}`);
        if (typeof d === 'string') symbols.set(d, explicit[i]);
        return explicit[i];
      }
      if (typeof d === 'number') return d;
      if (symbols.has(d)) return symbols.get(d)!;
      let value: number | undefined;
      if (i === 0) value = opts.batch ?? 1;
      else if (opts.seqLen !== undefined) value = opts.seqLen;
      if (value === undefined) {
        return fail(`graph.input "${v.name}"`, `dim ${i} is symbolic ("${d.startsWith('?') ? 'unnamed' : d}"): give --seq-len N or --input ${v.name}=${dims.map((x, j) => (typeof x === 'number' ? x : j === 0 ? 1 : 'N')).join('x')}`);
      }
      symbols.set(d, value);
      return value;
    });
    if (batch === 0) {
      batch = shape[0];
      if (opts.batch !== undefined && typeof dims[0] === 'number' && dims[0] !== opts.batch && !explicit) {
        fail(`graph.input "${v.name}"`, `the model fixes the batch at ${dims[0]}; --batch ${opts.batch} cannot rebind it`);
      }
    }
    facts.set(v.name, { shape, int: INT_TYPES.includes(v.elemType) });
    sources.set(v.name, { layers: [], model: true });
  }
  if (!Number.isInteger(batch) || batch < 1) fail('graph.input', `the batch dimension is ${batch}`);

  const order = topoOrder(model);
  const layers: Record<string, unknown>[] = [];
  const layerNames = new Set<string>();
  const layerIndex = new Map<string, number>();
  const unsupported = new Map<string, string[]>();
  const dropped: DroppedOp[] = [];
  let fusedNodes = 0;
  let zeroCostNodes = 0;

  const uniqueName = (n: OnnxNode, suffix = ''): string => {
    const base = (n.name.replace(/[/\s]+/g, '.').replace(/^\.+|\.+$/g, '') || `${n.opType}_${n.index}`) + suffix;
    let name = base;
    for (let i = 2; layerNames.has(name); i++) name = `${base}_${i}`;
    layerNames.add(name);
    return name;
  };
  const union = (srcs: Source[]): Source => {
    const set = new Set<string>();
    for (const s of srcs) for (const l of s.layers) set.add(l);
    return { layers: [...set].sort((a, b) => layerIndex.get(a)! - layerIndex.get(b)!), model: srcs.some((s) => s.model) };
  };
  const addLayer = (n: OnnxNode, low: Lowered, src: Source, suffix = '', operandCount?: number): string => {
    const name = uniqueName(n, suffix);
    const layer: Record<string, unknown> = { name, op: low.op };
    const inputs = src.layers;
    const prev = layers.length ? (layers[layers.length - 1].name as string) : undefined;
    const isDefault = prev === undefined ? inputs.length === 0 : inputs.length === 1 && inputs[0] === prev;
    if (!isDefault) layer.inputs = inputs;
    Object.assign(layer, low.fields);
    if (low.op === 'eltwise') {
      const ops = operandCount ?? 1;
      if (ops !== Math.max(1, inputs.length)) layer.operands = ops;
    }
    const notes = [low.note, src.model && inputs.length > 0 ? 'also reads the model input (not listed in inputs)' : undefined].filter(Boolean);
    if (notes.length) layer.note = notes.join('; ');
    layerIndex.set(name, layers.length);
    layers.push(layer);
    return name;
  };

  for (const n of order) {
    const where = `node "${n.name || n.index}" (${n.opType})`;
    const ins = n.inputs.map((x) => (x === '' ? undefined : x));
    const actIns = ins.filter((x): x is string => x !== undefined && sources.has(x));
    const supported = (n.domain === '' || n.domain === 'ai.onnx') && (FREE.has(n.opType) || UNARY.has(n.opType) || ELEMENTWISE.has(n.opType) || VECTOR.has(n.opType) || MAC.has(n.opType));
    let outFacts: TensorFacts[];
    try {
      outFacts = supported ? inferNode(n, { input: (i) => (ins[i] ? facts.get(ins[i]!) : undefined), opset: model.opset }) : [];
    } catch (e) {
      if (e instanceof ShapeError) return fail(where, e.message);
      throw e;
    }
    // Shape arithmetic and anything computed from constants only: no work.
    if (supported && (actIns.length === 0 || n.opType === 'Shape' || n.opType === 'Size')) {
      n.outputs.forEach((o, i) => outFacts[i] && facts.set(o, outFacts[i]));
      continue;
    }
    const src = union(actIns.map((x) => sources.get(x)!));
    const setOut = (s: Source) => n.outputs.forEach((o, i) => {
      if (!o) return;
      if (outFacts[i]) facts.set(o, { shape: outFacts[i].shape, int: outFacts[i].int });
      sources.set(o, s);
    });
    if (!supported) {
      const key = n.domain && n.domain !== 'ai.onnx' ? `${n.domain}.${n.opType}` : n.opType;
      unsupported.set(key, [...(unsupported.get(key) ?? []), n.name || `#${n.index}`]);
      // Dropped: outputs take value_info's shape when the file has one, else the first input's.
      outFacts = n.outputs.map((o, i) => {
        const vi = model.valueInfo.get(o) ?? model.outputs.find((v) => v.name === o);
        if (vi?.dims && vi.dims.every((d) => typeof d === 'number' || symbols.has(d))) return { shape: vi.dims.map((d) => (typeof d === 'number' ? d : symbols.get(d)!)) };
        const first = actIns[i] ?? actIns[0];
        return { shape: [...(facts.get(first)?.shape ?? [batch])] };
      });
      dropped.push({ node: n.name || `#${n.index}`, op: key, outputElems: Math.round(outFacts.reduce((s, f) => s + elems(f.shape), 0) / batch) });
      setOut(src);
      continue;
    }
    const shapeOf = (i: number) => facts.get(ins[i]!)!.shape;
    const isConst = (i: number) => ins[i] !== undefined && !sources.has(ins[i]!);
    try {
      if (FREE.has(n.opType) || ((n.opType === 'Resize' || n.opType === 'Upsample') && (n.attrs.get('mode')?.s ?? 'nearest') === 'nearest')) {
        zeroCostNodes++;
        setOut(src);
      } else if (UNARY.has(n.opType) || (ELEMENTWISE.has(n.opType) && src.layers.length <= 1)) {
        fusedNodes++;
        setOut(src);
      } else if (ELEMENTWISE.has(n.opType)) {
        const low = lowerVector(elems(outFacts[0].shape), batch);
        setOut({ layers: [addLayer(n, low, src, '', actIns.length)], model: false });
      } else if (VECTOR.has(n.opType) || n.opType === 'Resize' || n.opType === 'Upsample') {
        const low = lowerVector(elems(shapeOf(0)), batch, n.opType === 'Resize' || n.opType === 'Upsample' ? `${n.attrs.get('mode')?.s} resize: one vector op per input element` : undefined);
        setOut({ layers: [addLayer(n, low, src)], model: false });
      } else if (n.opType === 'Conv') {
        setOut({ layers: [addLayer(n, lowerConv(n, shapeOf(0), shapeOf(1), batch), src)], model: false });
      } else if (n.opType === 'ConvTranspose') {
        const low = lowerConvTranspose(n, shapeOf(0), shapeOf(1), batch);
        let name = addLayer(n, low.conv, src);
        if (low.overlapAdd) name = addLayer(n, low.overlapAdd, { layers: [name], model: false }, '.overlap_add');
        setOut({ layers: [name], model: false });
      } else if (n.opType.endsWith('Pool')) {
        setOut({ layers: [addLayer(n, lowerPool(n, shapeOf(0), batch, n.opType.startsWith('Global')), src)], model: false });
      } else if (n.opType === 'Gemm' || n.opType === 'MatMul') {
        let a = shapeOf(0);
        let b = shapeOf(1);
        if (n.opType === 'Gemm') {
          if (n.attrs.get('transA')?.i) a = [a[1], a[0]];
          if (n.attrs.get('transB')?.i) b = [b[1], b[0]];
        }
        let low: Lowered;
        if (isConst(1)) {
          if (b.length > 2 && elems(b.slice(0, -2)) > 1) throw new ShapeError('MatMul with a batched constant operand');
          const k = b.length === 1 ? b[0] : b[b.length - 2];
          const out = b.length === 1 ? 1 : b[b.length - 1];
          low = lowerLinear(elems(a) / k, k, out, batch);
        } else if (isConst(0)) {
          // W x X = (X^T W^T)^T: a linear layer over X's columns.
          if (a.length > 2 && elems(a.slice(0, -2)) > 1) throw new ShapeError('MatMul with a batched constant operand');
          const k = a[a.length - 1];
          const out = a.length === 1 ? 1 : a[a.length - 2];
          low = lowerLinear(elems(b) / k, k, out, batch);
        } else {
          low = lowerMatmul(a, b, outFacts[0].shape, batch);
        }
        // Operand order matters for matmul: A from inputs[0], B from the last input.
        const order2 = low.op === 'matmul' ? orderedSources(sources.get(ins[0]!)!, sources.get(ins[1]!)!, layerIndex) : src;
        setOut({ layers: [addLayer(n, low, order2)], model: false });
      }
    } catch (e) {
      if (e instanceof ShapeError) return fail(where, e.message);
      throw e;
    }
  }

  if (unsupported.size > 0) {
    const list = [...unsupported].map(([op, names]) => `${op} x${names.length} (${names.slice(0, 3).join(', ')}${names.length > 3 ? ', ...' : ''})`).join('; ');
    if (!opts.skipUnsupported) fail('graph', `unsupported operators: ${list}; --skip-unsupported drops them`);
    const lost = dropped.reduce((s, d) => s + d.outputElems, 0);
    opts.onWarning?.(`dropped unsupported operators: ${list}; their work is not modelled (at least ${lost} operations per sample, one per output element)`);
  }
  if (layers.length === 0) fail('graph', 'no layer that does work (convolutions, matrix products, pooling or element-wise work between layers)');

  const name = opts.name ?? defaultName(file);
  const json = {
    schema: 'mcmsim/workload@1',
    name,
    source: `imported from ONNX ${baseName(file)} (${model.producer || 'unknown producer'}, opset ${model.opset})`,
    note: `Per sample (the model's batch was ${batch}). Activations, BatchNorm, biases and single-producer element-wise ops are fused into their layer; reshapes, transposes, concats and nearest upsampling are free (the consumer reads its producers).`,
    layers,
  };
  let workload: Workload;
  try {
    workload = parseWorkload(`${baseName(file)} (imported)`, json);
  } catch (e) {
    if (e instanceof InputError) throw new InputError(file, e.jsonPath, `the imported workload is invalid: ${e.detail}`);
    throw e;
  }
  const sum = (f: (s: Workload['layers'][number]['shape']) => number) => workload.layers.reduce((s, l) => s + f(l.shape), 0);
  return {
    json, workload, batch, params,
    macsPerSample: sum((s) => s.macsPerSample),
    vectorOpsPerSample: sum((s) => s.vectorOpsPerSample),
    weightElems: sum((s) => s.weightElems),
    fusedNodes, zeroCostNodes, dropped,
  };
}

/** A matmul's inputs: A's producers first, then B's (the workload reads B from the last input). */
function orderedSources(a: Source, b: Source, index: Map<string, number>): Source {
  const la = [...a.layers].sort((x, y) => index.get(x)! - index.get(y)!);
  const lb = b.layers.filter((l) => !la.includes(l));
  return { layers: [...la, ...lb], model: a.model || b.model };
}

/** Nodes in dependency order (Kahn's algorithm; ties keep file order). */
function topoOrder(model: OnnxModel): OnnxNode[] {
  const producer = new Map<string, number>();
  for (const n of model.nodes) {
    for (const o of n.outputs) {
      if (!o) continue;
      if (producer.has(o)) throw new InputError(model.file, `node "${n.name || n.index}" (${n.opType})`, `tensor "${o}" is produced twice`);
      producer.set(o, n.index);
    }
  }
  const known = new Set<string>([...model.initializers.keys(), ...model.inputs.map((v) => v.name)]);
  const indeg = model.nodes.map(() => 0);
  const consumers: number[][] = model.nodes.map(() => []);
  for (const n of model.nodes) {
    for (const i of new Set(n.inputs)) {
      if (!i) continue;
      const p = producer.get(i);
      if (p === undefined) {
        if (!known.has(i)) throw new InputError(model.file, `node "${n.name || n.index}" (${n.opType})`, `reads tensor "${i}", which no node, input or initialiser provides`);
        continue;
      }
      indeg[n.index]++;
      consumers[p].push(n.index);
    }
  }
  // A min-heap would keep file order exactly; a sorted ready list is enough at these sizes.
  const ready = model.nodes.filter((n) => indeg[n.index] === 0).map((n) => n.index);
  const out: OnnxNode[] = [];
  let head = 0;
  while (head < ready.length) {
    const i = ready[head++];
    out.push(model.nodes[i]);
    for (const c of consumers[i]) if (--indeg[c] === 0) ready.push(c);
  }
  if (out.length !== model.nodes.length) {
    const stuck = model.nodes.find((n) => indeg[n.index] > 0)!;
    throw new InputError(model.file, `node "${stuck.name || stuck.index}" (${stuck.opType})`, 'the graph has a cycle');
  }
  return out;
}

function baseName(file: string): string {
  return file.split(/[\\/]/).pop() ?? file;
}

function defaultName(file: string): string {
  return baseName(file).replace(/\.onnx$/i, '').replace(/[^A-Za-z0-9_.-]+/g, '_') || 'model';
}
