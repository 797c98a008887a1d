/**
 * Loads a workload (one DNN model) from `mcmsim/workload@1` JSON into the canonical
 * loop-nest IR (see LayerShape). Shapes are checked: a kernel larger than its padded input,
 * channels not divisible by groups, or an input naming an unknown/later layer are errors.
 */
import { Layer, LayerOp, LayerShape, Workload } from './types';
import { Node, ObjNode, deepFreeze, readJsonFile, topObject } from './json';
import { InputError } from './errors';
import { rangeViolation } from './ranges';

const OPS: readonly LayerOp[] = ['conv2d', 'depthwise', 'fc', 'matmul', 'pool', 'eltwise'];
const COMMON = ['name', 'op', 'inputs', 'note'];
const SPATIAL = ['inHeight', 'inWidth', 'kernel', 'stride', 'pad'];
const FIELDS: Record<LayerOp, { req: string[]; opt: string[] }> = {
  conv2d: { req: ['inChannels', 'inHeight', 'inWidth', 'outChannels', 'kernel'], opt: ['stride', 'pad', 'groups'] },
  depthwise: { req: ['channels', 'inHeight', 'inWidth', 'kernel'], opt: ['stride', 'pad', 'multiplier'] },
  fc: { req: ['inFeatures', 'outFeatures'], opt: ['tokens'] },
  matmul: { req: ['m', 'k', 'n'], opt: ['heads'] },
  pool: { req: ['channels', 'inHeight', 'inWidth', 'kernel'], opt: ['stride', 'pad'] },
  eltwise: { req: ['elements'], opt: ['operands'] },
};

export function loadWorkload(file: string): Workload {
  return parseWorkload(file, readJsonFile(file));
}

const ALL_FIELDS: ReadonlySet<string> = new Set([...COMMON, ...Object.values(FIELDS).flatMap((f) => [...f.req, ...f.opt])]);
const ALLOWED = Object.fromEntries(OPS.map((op) => [op, new Set([...FIELDS[op].req, ...FIELDS[op].opt, ...COMMON])])) as Record<LayerOp, Set<string>>;

export function parseWorkload(file: string, json: unknown): Workload {
  const top = topObject(file, json, 'workload', ['name', 'layers'], ['source', 'note', 'checkInputSizes']);
  const name = top.get('name').str();
  // true (default): a layer's input must chain with its producers' outputs (checkInputSizes
  // below), else an error. "warn": the same findings are warnings (a layer list that gives each
  // layer's own shapes without chaining them, e.g. a MAESTRO-style description such as
  // XRBench's: no padding, so listed outputs and next inputs disagree). false: not checked.
  const checkNode = top.opt('checkInputSizes');
  if (checkNode && typeof checkNode.value !== 'boolean' && checkNode.value !== 'warn') checkNode.fail(`expected true, false or "warn", got ${JSON.stringify(checkNode.value)}`);
  const checkSizes: SizeCheck = checkNode === undefined || checkNode.value === true ? 'error' : checkNode.value === 'warn' ? 'warn' : 'off';
  const warnings: string[] = [];
  const source = top.opt('source')?.str() ?? '';
  const layersNode = top.get('layers');
  if (!Array.isArray(layersNode.value)) layersNode.fail('expected an array');
  const raw = layersNode.value as unknown[];
  const tooMany = rangeViolation('workload.layers', raw.length);
  if (tooMany) layersNode.fail(`${raw.length} layers: ${tooMany.replace(/, got \d+$/, '')}`);
  // One pass, no per-layer allocation beyond the layer itself: validation stays linear in the file.
  const byName = new Map<string, Layer>();
  const shapes = new Map<string, OutShape | null>();
  const layers: Layer[] = [];
  for (let i = 0; i < raw.length; i++) {
    const layer = parseLayer(new Node(file, `layers[${i}]`, raw[i]), i === 0 ? undefined : layers[i - 1].name, byName, checkSizes, warnings, shapes);
    byName.set(layer.name, layer);
    shapes.set(layer.name, outShape(layer, byName, shapes));
    layers.push(layer);
  }
  if (warnings.length > 0) {
    const more = warnings.length > 1 ? ` (and ${warnings.length - 1} more layer${warnings.length > 2 ? 's' : ''})` : '';
    return deepFreeze({ name, file, source, layers, warnings: [`${warnings[0]}${more}; a layer list that does not chain shapes can say "checkInputSizes": false to silence this`] });
  }
  return deepFreeze({ name, file, source, layers });
}

/** What checkInputSizes finds is an error, a warning (kept on the Workload), or not looked for. */
type SizeCheck = 'error' | 'warn' | 'off';

function parseLayer(n: Node, previous: string | undefined, byName: Map<string, Layer>, checkSizes: SizeCheck, warnings: string[], shapes: ReadonlyMap<string, OutShape | null>): Layer {
  const v = n.value;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) n.fail('expected an object');
  const rec = v as Record<string, unknown>;
  if (!('op' in rec)) throw new InputError(n.file, `${n.path}.op`, 'missing required field');
  const op = new Node(n.file, `${n.path}.op`, rec.op).str(OPS) as LayerOp;
  const allowed = ALLOWED[op];
  for (const k in rec) {
    if (!allowed.has(k)) {
      const why = ALL_FIELDS.has(k) ? `not a field of op "${op}"` : 'unknown field';
      throw new InputError(n.file, `${n.path}.${k}`, `${why} (allowed: ${[...allowed].join(', ')})`);
    }
  }
  for (const k of FIELDS[op].req) if (!(k in rec)) throw new InputError(n.file, `${n.path}.${k}`, 'missing required field');
  if (!('name' in rec)) throw new InputError(n.file, `${n.path}.name`, 'missing required field');
  const o = new ObjNode(n.file, n.path, rec);
  const name = o.get('name').str();
  if (name.includes('/')) o.get('name').fail('must not contain "/" (layers are addressed as model/layer)');
  if (byName.has(name)) o.get('name').fail(`duplicate layer name "${name}"`);
  let inputs: string[];
  if (o.has('inputs')) {
    inputs = o.get('inputs').arr().map((x) => x.str());
    inputs.forEach((inp, j) => {
      if (!byName.has(inp)) o.get('inputs').fail(`[${j}] "${inp}" is not an earlier layer of this model`);
    });
  } else {
    inputs = previous === undefined ? [] : [previous];
  }
  const shape = parseShape(op, o, inputs.length);
  const ops = shape.macsPerSample + shape.vectorOpsPerSample;
  const opsWhy = rangeViolation('layer.opsPerSample', ops);
  if (opsWhy) n.fail(`${ops.toExponential(2)} operations per sample: ${opsWhy.replace(/, got .*$/, '')}`);
  for (const [what, elems] of [['input', shape.inputElemsPerSample], ['output', shape.outputElemsPerSample], ['weight', shape.weightElems]] as const) {
    const why = rangeViolation('layer.tensorElems', elems);
    if (why) n.fail(`${what} of ${elems.toExponential(2)} elements: ${why.replace(/, got .*$/, '')}`);
  }
  if (checkSizes !== 'off') {
    const why = checkInputSizes(o, op, shape, inputs.map((x) => byName.get(x)!), shapes);
    if (why && checkSizes === 'error') o.fail(why);
    if (why) warnings.push(`${n.file}: ${n.path}: ${why}`);
  }
  return { name, op, inputs, shape };
}

/**
 * A layer's input must chain with what its producers output. Shapes (sim/input/types.ts
 * outShape): conv2d / depthwise / pool output channels x rows x columns, fc and matmul tokens x
 * features (matmul: m x heads*n), eltwise passes on its first producer's shape when it has that
 * many elements. Accepted, with E the producers' total output elements:
 *   - the same number of elements (a reshape, flatten or concat), any dims;
 *   - spatial consumer (conv2d, depthwise, pool) reading channels C at H x W from producers that
 *     each output H x W, or H x W nearest-upsampled by 2 or 4 (the built-in decoders' free
 *     upsampling), or one row and column less (asymmetric zero padding: darknet's size-2
 *     stride-1 max pool reads a 14x14 input from a 13x13 map): C up to the producers' channels
 *     summed (a concat, or a slice of channels); a tokens x features producer counts as
 *     features x (tokens as positions) when tokens = H x W;
 *   - fc reading T tokens x F features from producers with T tokens (or T = rows x columns of a
 *     spatial map): F up to their features (channels) summed;
 *   - a producer without a shape (an eltwise whose size differs from its input's): read no more
 *     than E, or E upsampled, or E with the one-row-and-column padding;
 *   - matmul: operand A (heads x m x k) no more than its first producer outputs, operand B
 *     (heads x k x n, or k x n shared by every head) no more than its last producer outputs;
 *   - eltwise: not checked (operands may broadcast).
 * Anything else returns the reason, naming both shapes.
 */
function checkInputSizes(o: ObjNode, op: LayerOp, shape: LayerShape, producers: Layer[], shapes: ReadonlyMap<string, OutShape | null>): string | null {
  if (producers.length === 0 || op === 'eltwise') return null;
  const names = producers.map((p) => p.name).join(', ');
  if (op === 'matmul') {
    const a = producers[0].shape.outputElemsPerSample;
    const b = producers[producers.length - 1].shape.outputElemsPerSample;
    const needA = shape.inputElemsPerSample;
    const needB = shape.operandBElemsPerSample;
    if (needA > a) return `operand A is heads x m x k = ${needA} elements, but its producer ${producers[0].name} outputs ${a}`;
    // B may be shared by every head (broadcast): it then holds k x n = needB / heads elements.
    if (needB > b && needB / shape.groups > b) return `operand B is heads x k x n = ${needB} elements, but its producer ${producers[producers.length - 1].name} outputs ${b}`;
    return null;
  }
  const need = shape.inputElemsPerSample;
  const total = producers.reduce((x, p) => x + p.shape.outputElemsPerSample, 0);
  if (need === total) return null;
  const outs = producers.map((p) => shapes.get(p.name) ?? null);
  const given = outs.map((s, i) => (s ? dimsText(s) : `${producers[i].shape.outputElemsPerSample} elements`)).join(' + ');
  const from = `its producer${producers.length > 1 ? 's' : ''} (${names}) output${producers.length > 1 ? '' : 's'} ${given}`;
  if (op === 'fc') {
    const t = shape.p;
    const f = shape.cPerGroup;
    const reads = `reads tokens x inFeatures = ${t}x${f}`;
    if (outs.every((s) => s !== null)) {
      const ok = outs.every((s) => (s!.kind === 'tokens' ? s!.a === t : s!.b * s!.c === t));
      const features = outs.reduce((x, s) => x + (s!.kind === 'tokens' ? s!.b : s!.a), 0);
      return ok && f <= features ? null : `${reads}, but ${from}`;
    }
    return need <= total ? null : `${reads} = ${need} input elements, but ${from}`;
  }
  // conv2d, depthwise, pool.
  const h = o.rec.inHeight as number;
  const w = o.rec.inWidth as number;
  const c = need / (h * w);
  const reads = `reads channels x inHeight x inWidth = ${c}x${h}x${w}`;
  if (outs.every((s) => s !== null)) {
    let channels = 0;
    for (const s of outs) {
      if (s!.kind === 'tokens') {
        if (s!.a !== h * w) return `${reads}, but ${from}`;
        channels += s!.b;
      } else {
        if (!spatialChains(s!.b, s!.c, h, w)) return `${reads}, but ${from}`;
        channels += s!.a;
      }
    }
    return c <= channels ? null : `${reads}, but ${from}`;
  }
  if (need <= total || upsampledSumMatches(need, producers.map((p) => p.shape.outputElemsPerSample))) return null;
  if (h > 1 && w > 1 && c * (h - 1) * (w - 1) <= total) return null;
  return `${reads} = ${need} input elements, but ${from}`;
}

/** A producer's output shape: channels x rows x columns, or tokens x features. */
interface OutShape {
  kind: 'map' | 'tokens';
  a: number;
  b: number;
  c: number;
}

function dimsText(s: OutShape): string {
  return s.kind === 'map' ? `${s.a}x${s.b}x${s.c}` : `${s.a}x${s.b} (tokens x features)`;
}

/** Output shape of a parsed layer (null: an eltwise that does not keep its first input's shape). */
function outShape(l: Layer, byName: ReadonlyMap<string, Layer>, shapes: ReadonlyMap<string, OutShape | null>): OutShape | null {
  const s = l.shape;
  switch (l.op) {
    case 'conv2d':
    case 'depthwise':
      return { kind: 'map', a: s.groups * s.kPerGroup, b: s.p, c: s.q };
    case 'pool':
      return { kind: 'map', a: s.groups, b: s.p, c: s.q };
    case 'fc':
      return { kind: 'tokens', a: s.p, b: s.kPerGroup, c: 1 };
    case 'matmul':
      return { kind: 'tokens', a: s.p, b: s.groups * s.kPerGroup, c: 1 };
    case 'eltwise': {
      const first = l.inputs.length > 0 ? byName.get(l.inputs[0]) : undefined;
      return first && first.shape.outputElemsPerSample === s.outputElemsPerSample ? shapes.get(first.name) ?? null : null;
    }
  }
}

/** Rows x columns H x W read from a p x q map: the same, upsampled by 2 or 4, or one more of each (padding). */
function spatialChains(p: number, q: number, h: number, w: number): boolean {
  return (h === p && w === q) || (h === 2 * p && w === 2 * q) || (h === 4 * p && w === 4 * q) || (h === p + 1 && w === q + 1);
}

/** Whether need = sum of outs[i] x f_i^2 with each f_i in {1, 2, 4} (nearest upsampling). */
function upsampledSumMatches(need: number, outs: number[]): boolean {
  if (outs.length > 6) return need <= 16 * outs.reduce((x, y) => x + y, 0);
  const rec = (i: number, acc: number): boolean => {
    if (acc > need) return false;
    if (i === outs.length) return acc === need;
    return [1, 4, 16].some((f) => rec(i + 1, acc + outs[i] * f));
  };
  return rec(0, 0);
}

interface Spatial {
  h: number; w: number; r: number; s: number; sh: number; sw: number; p: number; q: number; paddedH: number; paddedW: number;
}

function spatial(o: ObjNode): Spatial {
  const h = o.get('inHeight').ranged('layer.spatial');
  const w = o.get('inWidth').ranged('layer.spatial');
  const [r, s] = o.get('kernel').pair('layer.kernel');
  const [sh, sw] = o.opt('stride')?.pair('layer.stride') ?? [1, 1];
  const [ph, pw] = o.opt('pad')?.pair('layer.pad') ?? [0, 0];
  const paddedH = h + 2 * ph;
  const paddedW = w + 2 * pw;
  if (r > paddedH || s > paddedW) {
    o.get('kernel').fail(`kernel ${r}x${s} is larger than the padded input ${paddedH}x${paddedW}`);
  }
  // Standard convolution output size: floor((H + 2 pad - R) / stride) + 1.
  const p = Math.floor((paddedH - r) / sh) + 1;
  const q = Math.floor((paddedW - s) / sw) + 1;
  return { h, w, r, s, sh, sw, p, q, paddedH, paddedW };
}

function parseShape(op: LayerOp, o: ObjNode, nInputs: number): LayerShape {
  switch (op) {
    case 'conv2d': {
      const c = o.get('inChannels').ranged('layer.channels');
      const k = o.get('outChannels').ranged('layer.channels');
      const g = o.opt('groups')?.ranged('layer.groups') ?? 1;
      if (c % g !== 0) o.get('groups').fail(`inChannels ${c} is not divisible by groups ${g}`);
      if (k % g !== 0) o.get('groups').fail(`outChannels ${k} is not divisible by groups ${g}`);
      const sp = spatial(o);
      return conv(g, k / g, c / g, sp, c * sp.h * sp.w);
    }
    case 'depthwise': {
      const c = o.get('channels').ranged('layer.channels');
      const m = o.opt('multiplier')?.ranged('layer.multiplier') ?? 1;
      const sp = spatial(o);
      return conv(c, m, 1, sp, c * sp.h * sp.w);
    }
    case 'fc': {
      const cin = o.get('inFeatures').ranged('layer.features');
      const k = o.get('outFeatures').ranged('layer.features');
      const t = o.opt('tokens')?.ranged('layer.tokens') ?? 1;
      return {
        groups: 1, kPerGroup: k, cPerGroup: cin, r: 1, s: 1, p: t, q: 1, strideH: 1, inHeight: t,
        macsPerSample: t * k * cin, vectorOpsPerSample: 0, weightElems: k * cin,
        operandBElemsPerSample: 0, inputElemsPerSample: t * cin, outputElemsPerSample: t * k,
      };
    }
    case 'matmul': {
      // Activation x activation (attention): A is m x k, B is k x n, per head.
      const m = o.get('m').ranged('layer.matmulDim');
      const kk = o.get('k').ranged('layer.matmulDim');
      const n = o.get('n').ranged('layer.matmulDim');
      const h = o.opt('heads')?.ranged('layer.heads') ?? 1;
      return {
        groups: h, kPerGroup: n, cPerGroup: kk, r: 1, s: 1, p: m, q: 1, strideH: 1, inHeight: m,
        macsPerSample: h * m * n * kk, vectorOpsPerSample: 0, weightElems: 0,
        operandBElemsPerSample: h * kk * n, inputElemsPerSample: h * m * kk, outputElemsPerSample: h * m * n,
      };
    }
    case 'pool': {
      const c = o.get('channels').ranged('layer.channels');
      const sp = spatial(o);
      // One vector op per window element per output (compare or add).
      return {
        groups: c, kPerGroup: 1, cPerGroup: 1, r: sp.r, s: sp.s, p: sp.p, q: sp.q, strideH: sp.sh,
        inHeight: sp.paddedH, macsPerSample: 0, vectorOpsPerSample: c * sp.p * sp.q * sp.r * sp.s,
        weightElems: 0, operandBElemsPerSample: 0, inputElemsPerSample: c * sp.h * sp.w,
        outputElemsPerSample: c * sp.p * sp.q,
      };
    }
    case 'eltwise': {
      const e = o.get('elements').ranged('layer.elements');
      const ops = o.opt('operands')?.ranged('layer.operands') ?? Math.max(1, nInputs);
      // Each output element is an independent "group" so tiling splits inputs and outputs alike.
      return {
        groups: e, kPerGroup: 1, cPerGroup: 1, r: 1, s: 1, p: 1, q: 1, strideH: 1, inHeight: 1,
        macsPerSample: 0, vectorOpsPerSample: e * ops, weightElems: 0, operandBElemsPerSample: 0,
        inputElemsPerSample: e * ops, outputElemsPerSample: e,
      };
    }
  }
}

function conv(g: number, kg: number, cg: number, sp: Spatial, inputElems: number): LayerShape {
  return {
    groups: g, kPerGroup: kg, cPerGroup: cg, r: sp.r, s: sp.s, p: sp.p, q: sp.q, strideH: sp.sh,
    inHeight: sp.paddedH, inWidth: sp.paddedW, strideW: sp.sw, macsPerSample: g * kg * cg * sp.r * sp.s * sp.p * sp.q, vectorOpsPerSample: 0,
    weightElems: g * kg * cg * sp.r * sp.s, operandBElemsPerSample: 0, inputElemsPerSample: inputElems,
    outputElemsPerSample: g * kg * sp.p * sp.q,
  };
}
