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
  // false: the layer list gives each layer's own shapes without chaining them (a MAESTRO-style
  // description such as XRBench's: no padding, so listed outputs and next inputs disagree).
  const checkNode = top.opt('checkInputSizes');
  if (checkNode && typeof checkNode.value !== 'boolean') checkNode.fail(`expected true or false, got ${JSON.stringify(checkNode.value)}`);
  const checkSizes = checkNode?.value !== false;
  const source = top.opt('source')?.str() ?? '';
  const layersNode = top.get('layers');
  if (!Array.isArray(layersNode.value)) layersNode.fail('expected an array');
  const raw = layersNode.value as unknown[];
  const tooMany = rangeViolation('workload.layers', raw.length);
  if (tooMany) layersNode.fail(`${raw.length} layers: ${tooMany.replace(/, got \d+$/, '')}`);
  // One pass, no per-layer allocation beyond the layer itself: validation stays linear in the file.
  const byName = new Map<string, Layer>();
  const layers: Layer[] = [];
  for (let i = 0; i < raw.length; i++) {
    const layer = parseLayer(new Node(file, `layers[${i}]`, raw[i]), i === 0 ? undefined : layers[i - 1].name, byName, checkSizes);
    byName.set(layer.name, layer);
    layers.push(layer);
  }
  return deepFreeze({ name, file, source, layers });
}

function parseLayer(n: Node, previous: string | undefined, byName: Map<string, Layer>, checkSizes: boolean): Layer {
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
  if (checkSizes) checkInputSizes(o, op, shape, inputs.map((x) => byName.get(x)!));
  return { name, op, inputs, shape };
}

/**
 * What feeds a layer must be able to supply what it reads. A layer may read all of its
 * producers' outputs (a concat when there are several) or a part of them (a split or slice);
 * it cannot read more, except that spatial layers (conv2d, depthwise, pool) may read a producer
 * nearest-upsampled by 2 or 4 in each direction (the built-in decoders' free upsampling), and
 * their inHeight x inWidth may include one row and one column of asymmetric zero padding
 * (darknet's size-2 stride-1 max pool is written as a 14x14 input fed by a 13x13 map).
 * Element-wise layers are not checked: their operands may broadcast.
 */
function checkInputSizes(o: ObjNode, op: LayerOp, shape: LayerShape, producers: Layer[]): void {
  if (producers.length === 0 || op === 'eltwise') return;
  const outs = producers.map((p) => p.shape.outputElemsPerSample);
  const names = producers.map((p) => p.name).join(', ');
  if (op === 'matmul') {
    const a = producers[0].shape.outputElemsPerSample;
    const b = producers[producers.length - 1].shape.outputElemsPerSample;
    const needA = shape.inputElemsPerSample;
    const needB = shape.operandBElemsPerSample;
    if (needA > a) o.fail(`operand A is heads x m x k = ${needA} elements, but its producer ${producers[0].name} outputs ${a}`);
    // B may be shared by every head (broadcast): it then holds k x n = needB / heads elements.
    if (needB > b && needB / shape.groups > b) o.fail(`operand B is heads x k x n = ${needB} elements, but its producer ${producers[producers.length - 1].name} outputs ${b}`);
    return;
  }
  const need = shape.inputElemsPerSample;
  const total = outs.reduce((x, y) => x + y, 0);
  if (need <= total) return;
  if (op !== 'fc') {
    if (upsampledSumMatches(need, outs)) return;
    const h = o.rec.inHeight as number;
    const w = o.rec.inWidth as number;
    if (h > 1 && w > 1 && (need / (h * w)) * (h - 1) * (w - 1) <= total) return;
  }
  const what = op === 'fc' ? `tokens x inFeatures = ${need}` : `channels x inHeight x inWidth = ${need}`;
  o.fail(`reads ${what} input elements, but its producer${producers.length > 1 ? 's' : ''} (${names}) output${producers.length > 1 ? '' : 's'} ${total}`);
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
