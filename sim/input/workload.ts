/**
 * Loads a workload (one DNN model) from `mcmsim/workload@1` JSON into the canonical
 * loop-nest IR (see LayerShape). Shapes are checked: a kernel larger than its padded input,
 * channels not divisible by groups, or an input naming an unknown/later layer are errors.
 */
import { Layer, LayerOp, LayerShape, Workload } from './types';
import { Node, ObjNode, checkSchema, deepFreeze, readJsonFile } from './json';

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

export function parseWorkload(file: string, json: unknown): Workload {
  const top = new Node(file, '', json).obj(['schema', 'name', 'layers'], ['source', 'note']);
  checkSchema(top, 'workload');
  const name = top.get('name').str();
  const source = top.opt('source')?.str() ?? '';
  const layerNodes = top.get('layers').arr(1);
  const seen = new Set<string>();
  const layers: Layer[] = [];
  layerNodes.forEach((ln, i) => {
    const layer = parseLayer(ln, i === 0 ? undefined : layers[i - 1].name, seen);
    seen.add(layer.name);
    layers.push(layer);
  });
  return deepFreeze({ name, file, source, layers });
}

function parseLayer(n: Node, previous: string | undefined, seen: Set<string>): Layer {
  const pre = n.obj(['name', 'op'], [...COMMON, ...new Set(Object.values(FIELDS).flatMap((f) => [...f.req, ...f.opt]))]);
  const op = pre.get('op').str(OPS) as LayerOp;
  const o = n.obj([...FIELDS[op].req, 'name', 'op'], [...FIELDS[op].opt, ...COMMON]);
  const name = o.get('name').str();
  if (name.includes('/')) o.get('name').fail('must not contain "/" (layers are addressed as model/layer)');
  if (seen.has(name)) o.get('name').fail(`duplicate layer name "${name}"`);
  let inputs: string[];
  if (o.has('inputs')) {
    inputs = o.get('inputs').arr().map((x) => x.str());
    inputs.forEach((inp, j) => {
      if (!seen.has(inp)) o.get('inputs').fail(`[${j}] "${inp}" is not an earlier layer of this model`);
    });
  } else {
    inputs = previous === undefined ? [] : [previous];
  }
  const shape = parseShape(op, o, inputs.length);
  return { name, op, inputs, shape };
}

interface Spatial {
  h: number; w: number; r: number; s: number; sh: number; sw: number; p: number; q: number; paddedH: number;
}

function spatial(o: ObjNode): Spatial {
  const h = o.get('inHeight').pos();
  const w = o.get('inWidth').pos();
  const [r, s] = o.get('kernel').pair(1);
  const [sh, sw] = o.opt('stride')?.pair(1) ?? [1, 1];
  const [ph, pw] = o.opt('pad')?.pair(0) ?? [0, 0];
  const paddedH = h + 2 * ph;
  const paddedW = w + 2 * pw;
  if (r > paddedH || s > paddedW) {
    o.get('kernel').fail(`kernel ${r}x${s} is larger than the padded input ${paddedH}x${paddedW}`);
  }
  // Standard convolution output size: floor((H + 2 pad - R) / stride) + 1.
  const p = Math.floor((paddedH - r) / sh) + 1;
  const q = Math.floor((paddedW - s) / sw) + 1;
  return { h, w, r, s, sh, sw, p, q, paddedH };
}

function parseShape(op: LayerOp, o: ObjNode, nInputs: number): LayerShape {
  switch (op) {
    case 'conv2d': {
      const c = o.get('inChannels').pos();
      const k = o.get('outChannels').pos();
      const g = o.opt('groups')?.pos() ?? 1;
      if (c % g !== 0) o.get('groups').fail(`inChannels ${c} is not divisible by groups ${g}`);
      if (k % g !== 0) o.get('groups').fail(`outChannels ${k} is not divisible by groups ${g}`);
      const sp = spatial(o);
      return conv(g, k / g, c / g, sp, c * sp.h * sp.w);
    }
    case 'depthwise': {
      const c = o.get('channels').pos();
      const m = o.opt('multiplier')?.pos() ?? 1;
      const sp = spatial(o);
      return conv(c, m, 1, sp, c * sp.h * sp.w);
    }
    case 'fc': {
      const cin = o.get('inFeatures').pos();
      const k = o.get('outFeatures').pos();
      const t = o.opt('tokens')?.pos() ?? 1;
      return {
        groups: 1, kPerGroup: k, cPerGroup: cin, r: 1, s: 1, p: t, q: 1, strideH: 1, inHeight: t,
        macsPerSample: t * k * cin, vectorOpsPerSample: 0, weightElems: k * cin,
        operandBElemsPerSample: 0, inputElemsPerSample: t * cin, outputElemsPerSample: t * k,
      };
    }
    case 'matmul': {
      // Activation x activation (attention): A is m x k, B is k x n, per head.
      const m = o.get('m').pos();
      const kk = o.get('k').pos();
      const n = o.get('n').pos();
      const h = o.opt('heads')?.pos() ?? 1;
      return {
        groups: h, kPerGroup: n, cPerGroup: kk, r: 1, s: 1, p: m, q: 1, strideH: 1, inHeight: m,
        macsPerSample: h * m * n * kk, vectorOpsPerSample: 0, weightElems: 0,
        operandBElemsPerSample: h * kk * n, inputElemsPerSample: h * m * kk, outputElemsPerSample: h * m * n,
      };
    }
    case 'pool': {
      const c = o.get('channels').pos();
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
      const e = o.get('elements').pos();
      const ops = o.opt('operands')?.pos() ?? Math.max(1, nInputs);
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
    inHeight: sp.paddedH, macsPerSample: g * kg * cg * sp.r * sp.s * sp.p * sp.q, vectorOpsPerSample: 0,
    weightElems: g * kg * cg * sp.r * sp.s, operandBElemsPerSample: 0, inputElemsPerSample: inputElems,
    outputElemsPerSample: g * kg * sp.p * sp.q,
  };
}
