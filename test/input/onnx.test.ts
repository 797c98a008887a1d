import * as fs from 'fs';
import * as path from 'path';
import * as protobuf from 'protobufjs';
import { decodeOnnx, ONNX_SUBSET_PROTO } from '../../sim/input/onnx/decode';
import { importModel, importOnnx, ImportOptions } from '../../sim/input/onnx/import';
import { loadWorkload } from '../../sim/input/workload';
import { InputError } from '../../sim/input/errors';
import { Workload } from '../../sim/input/types';

const ROOT = path.resolve(__dirname, '../..');
const FIX = path.join(ROOT, 'test/fixtures/onnx');

const totals = (w: Workload, keep: (name: string) => boolean = () => true) =>
  w.layers.filter((l) => keep(l.name)).reduce((s, l) => ({ macs: s.macs + l.shape.macsPerSample, weights: s.weights + l.shape.weightElems }), { macs: 0, weights: 0 });

describe('import onnx: real models exported by torch 1.13 (weights stripped)', () => {
  test('ResNet-50: published 4.09 GMACs and 25.6 M parameters; same layers as the built-in workload', () => {
    const r = importOnnx(path.join(FIX, 'resnet50.onnx'));
    // torchvision's figures: 4.09 GFLOPS (multiply-adds), 25,557,032 parameters. The export folds
    // BatchNorm into the convs (2 parameters per channel become 1 bias), hence 0.2 % fewer.
    expect(r.macsPerSample / 4.09e9).toBeCloseTo(1, 2);
    expect(r.params / 25.6e6).toBeCloseTo(1, 1);
    expect(Math.abs(r.params - 25.6e6) / 25.6e6).toBeLessThan(0.005);
    const builtIn = loadWorkload(path.join(ROOT, 'models/workloads/resnet50.json'));
    expect(totals(r.workload)).toEqual(totals(builtIn));
    expect(r.workload.layers.map((l) => l.op)).toEqual(builtIn.layers.map((l) => l.op));
    expect(r.batch).toBe(1);
  });

  test('MobileNetV2: published 300 M MACs and 3.5 M parameters; depthwise layers', () => {
    const r = importOnnx(path.join(FIX, 'mobilenet_v2.onnx'));
    // torchvision: 0.30 GFLOPS, 3,504,872 parameters (BatchNorm folded here: 0.9 % fewer).
    expect(Math.abs(r.macsPerSample - 300.8e6) / 300.8e6).toBeLessThan(0.005);
    expect(Math.abs(r.params - 3.504872e6) / 3.504872e6).toBeLessThan(0.01);
    expect(r.workload.layers.filter((l) => l.op === 'depthwise')).toHaveLength(17);
    expect(r.workload.layers.filter((l) => l.op === 'eltwise')).toHaveLength(10);
  });

  test('U-Net: same MACs and weights as the built-in unet (ConvTranspose 2x2/2 as its sub-pixel 1x1 conv)', () => {
    const r = importOnnx(path.join(FIX, 'unet.onnx'));
    const builtIn = loadWorkload(path.join(ROOT, 'models/workloads/unet.json'));
    expect(totals(r.workload)).toEqual(totals(builtIn));
    // ~31.0 M parameters (U-Net with 64-1024 widths).
    expect(Math.abs(r.params - 31.03e6) / 31.03e6).toBeLessThan(0.01);
  });

  test('BERT-style encoder (BERT-Large widths, 2 layers, 128 tokens): same MACs and weights as 2 layers of the built-in bert_large', () => {
    const r = importOnnx(path.join(FIX, 'bert_encoder.onnx'), { seqLen: 128 });
    const builtIn = loadWorkload(path.join(ROOT, 'models/workloads/bert_large.json'));
    expect(totals(r.workload)).toEqual(totals(builtIn, (n) => /^enc[01]\./.test(n)));
    // Per layer by hand: 4 x 128 x 1024^2 + 2 x 128 x 1024 x 4096 + 2 x 16 x 128 x 128 x 64 MACs.
    expect(r.macsPerSample).toBe(2 * (4 * 128 * 1024 ** 2 + 2 * 128 * 1024 * 4096 + 2 * 16 * 128 * 128 * 64));
    const qk = r.workload.layers.find((l) => l.op === 'matmul')!;
    expect([qk.shape.groups, qk.shape.p, qk.shape.cPerGroup, qk.shape.kPerGroup]).toEqual([16, 128, 64, 128]);
  });

  test('symbolic dims: the sequence length must be bound, --input binds it too', () => {
    expect(() => importOnnx(path.join(FIX, 'bert_encoder.onnx'))).toThrow(
      `${path.join(FIX, 'bert_encoder.onnx')}: graph.input "input_ids": dim 1 is symbolic ("seq"): give --seq-len N or --input input_ids=1xN`,
    );
    const r = importOnnx(path.join(FIX, 'bert_encoder.onnx'), { inputs: { input_ids: [1, 64] } });
    expect(r.workload.layers.find((l) => l.op === 'fc')!.shape.p).toBe(64);
    // The batch is divided out: a batch of 4 gives the same per-sample workload.
    const b4 = importOnnx(path.join(FIX, 'resnet50.onnx'), { batch: 4 });
    expect(b4.batch).toBe(4);
    expect(b4.macsPerSample).toBe(importOnnx(path.join(FIX, 'resnet50.onnx')).macsPerSample);
  });

  test('the fixtures keep no weights: initialisers are external data whose file does not exist', () => {
    for (const f of fs.readdirSync(FIX).filter((x) => x.endsWith('.onnx'))) {
      expect(fs.statSync(path.join(FIX, f)).size).toBeLessThan(100_000);
      expect(fs.existsSync(path.join(FIX, f.replace('.onnx', '.weights.bin')))).toBe(false);
    }
  });
});

// ------------------------------------------------------------------------------------------
// Small models built here with the subset schema: one behaviour per test.
// ------------------------------------------------------------------------------------------

const root = protobuf.parse(fs.readFileSync(ONNX_SUBSET_PROTO, 'utf8'), { keepCase: true }).root;
const ModelProto = root.lookupType('onnx.ModelProto');

type Attr = number | number[] | string;
interface N { op: string; in: string[]; out: string[]; name?: string; attrs?: Record<string, Attr>; domain?: string }

const vi = (name: string, dims: (number | string)[], elem = 1) => ({
  name, type: { tensor_type: { elem_type: elem, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) } } },
});
const attr = (name: string, v: Attr) =>
  typeof v === 'number' ? { name, type: 2, i: v } : typeof v === 'string' ? { name, type: 3, s: Buffer.from(v) } : { name, type: 7, ints: v };

interface Init { name: string; dims: number[]; int64?: number[]; floats?: number[] }
const initProto = (t: Init) => {
  if (t.int64) return { name: t.name, dims: t.dims, data_type: 7, int64_data: t.int64 };
  if (t.floats) return { name: t.name, dims: t.dims, data_type: 1, raw_data: Buffer.from(new Float32Array(t.floats).buffer) };
  return { name: t.name, dims: t.dims, data_type: 1 };
};

function build(nodes: N[], inputs: ReturnType<typeof vi>[], inits: Init[], opset = 13): Buffer {
  const msg = ModelProto.fromObject({
    ir_version: 8,
    producer_name: 'test',
    opset_import: [{ domain: '', version: opset }],
    graph: {
      name: 'g',
      node: nodes.map((n, i) => ({ op_type: n.op, input: n.in, output: n.out, name: n.name ?? `n${i}`, domain: n.domain ?? '', attribute: Object.entries(n.attrs ?? {}).map(([k, v]) => attr(k, v)) })),
      input: inputs,
      output: [vi(nodes[nodes.length - 1].out[0], [])],
      initializer: inits.map(initProto),
    },
  });
  return Buffer.from(ModelProto.encode(msg).finish());
}

// One schema for the whole file (decodeOnnx would load it on every call).
const imp = (buf: Buffer, opts: ImportOptions = {}) => importModel(decodeOnnx('m.onnx', buf, ModelProto), opts);
const layer = (r: ReturnType<typeof imp>, i: number) => r.json.layers[i];
const X = vi('x', ['N', 8, 16, 16]);

describe('import onnx: operators', () => {
  test('conv: dilation and asymmetric pads keep the output size and exact MACs', () => {
    const r = imp(build([
      { op: 'Conv', in: ['x', 'w'], out: ['y'], attrs: { dilations: [2, 2], pads: [2, 2, 2, 2] } },
      { op: 'Conv', in: ['y', 'w2'], out: ['z'], attrs: { strides: [2, 2], pads: [0, 0, 1, 1] } },
    ], [X], [{ name: 'w', dims: [8, 8, 3, 3] }, { name: 'w2', dims: [4, 8, 3, 3] }]));
    // 16x16 out either way; MACs = 8 x 8 x 9 x 16 x 16 for the dilated conv.
    expect(r.workload.layers[0].shape.macsPerSample).toBe(8 * 8 * 9 * 16 * 16);
    expect(r.workload.layers[0].shape.p).toBe(16);
    expect(layer(r, 0).note).toMatch(/dilations \[2, 2\]/);
    // TF-style SAME padding with stride 2: 16 -> 8.
    expect(r.workload.layers[1].shape.p).toBe(8);
    expect(r.workload.layers[1].shape.macsPerSample).toBe(4 * 8 * 9 * 8 * 8);
  });

  test('depthwise with a channel multiplier, grouped conv, and ReLU fused', () => {
    const r = imp(build([
      { op: 'Conv', in: ['x', 'w'], out: ['y'], attrs: { group: 8, pads: [1, 1, 1, 1] } },
      { op: 'Relu', in: ['y'], out: ['y2'] },
      { op: 'Conv', in: ['y2', 'w2'], out: ['z'], attrs: { group: 4 } },
    ], [X], [{ name: 'w', dims: [16, 1, 3, 3] }, { name: 'w2', dims: [8, 4, 1, 1] }]));
    expect(layer(r, 0)).toMatchObject({ op: 'depthwise', channels: 8, multiplier: 2, kernel: 3, pad: 1 });
    expect(layer(r, 1)).toMatchObject({ op: 'conv2d', inChannels: 16, outChannels: 8, groups: 4 });
    expect(r.fusedNodes).toBe(1);
  });

  test('ConvTranspose with overlapping windows adds an overlap-add layer; nearest Resize is free, linear is vector work', () => {
    const r = imp(build([
      { op: 'ConvTranspose', in: ['x', 'w'], out: ['y'], attrs: { strides: [1, 1] } },
      { op: 'Resize', in: ['y', '', 'sc'], out: ['z'], attrs: { mode: 'nearest' } },
      { op: 'Resize', in: ['z', '', 'sc'], out: ['u'], attrs: { mode: 'linear' } },
      { op: 'Conv', in: ['u', 'w2'], out: ['v'] },
    ], [X], [{ name: 'w', dims: [8, 4, 3, 3] }, { name: 'sc', dims: [4], floats: [1, 1, 2, 2] }, { name: 'w2', dims: [4, 4, 1, 1] }]));
    // Scatter form: 8 x (4 x 3 x 3) MACs per input pixel; output 18x18, upsampled to 36x36, then 72x72.
    expect(r.workload.layers[0].shape.macsPerSample).toBe(8 * 4 * 9 * 16 * 16);
    expect(r.json.layers.map((l) => l.op)).toEqual(['conv2d', 'eltwise', 'eltwise', 'conv2d']);
    expect(r.json.layers[2]).toMatchObject({ elements: 4 * 36 * 36 });
    expect(r.json.layers[3]).toMatchObject({ inHeight: 72, inWidth: 72 });
  });

  test('Gemm, batched attention MatMul and a residual Add; dependencies follow the graph, not the node order', () => {
    const r = imp(build([
      { op: 'MatMul', in: ['q', 'kt'], out: ['s'], name: 'scores' },
      { op: 'Add', in: ['s', 'q2'], out: ['sum'], name: 'residual' },
      { op: 'Transpose', in: ['k'], out: ['kt'], attrs: { perm: [0, 1, 3, 2] } },
      { op: 'Reshape', in: ['qf', 'shape'], out: ['q'] },
      { op: 'Reshape', in: ['kf', 'shape'], out: ['k'] },
      { op: 'MatMul', in: ['t', 'wq'], out: ['qf'], name: 'q_proj' },
      { op: 'Gemm', in: ['t2', 'wk'], out: ['kf2'], name: 'k_proj', attrs: { transB: 1 } },
      { op: 'Reshape', in: ['kf2', 'shape3'], out: ['kf'] },
      { op: 'Reshape', in: ['t', 'shape2'], out: ['t2'] },
      { op: 'MatMul', in: ['q', 'eye'], out: ['q2'], name: 'q_again' },
    ], [vi('t', [1, 10, 32])], [
      { name: 'wq', dims: [32, 32] }, { name: 'wk', dims: [32, 32] }, { name: 'eye', dims: [8, 10] },
      { name: 'shape', dims: [4], int64: [1, 4, 10, 8] }, { name: 'shape2', dims: [2], int64: [10, 32] }, { name: 'shape3', dims: [3], int64: [1, 10, 32] },
    ]));
    const names = r.json.layers.map((l) => l.name);
    expect(names.indexOf('scores')).toBeGreaterThan(names.indexOf('q_proj'));
    expect(names.indexOf('scores')).toBeGreaterThan(names.indexOf('k_proj'));
    expect(r.json.layers.find((l) => l.name === 'scores')).toMatchObject({ op: 'matmul', inputs: ['q_proj', 'k_proj'], m: 10, k: 8, n: 10, heads: 4 });
    expect(r.json.layers.find((l) => l.name === 'k_proj')).toMatchObject({ op: 'fc', inFeatures: 32, outFeatures: 32, tokens: 10 });
    expect(r.json.layers.find((l) => l.name === 'residual')).toMatchObject({ op: 'eltwise', inputs: ['q_again', 'scores'], elements: 400 });
  });

  test('unsupported operators: one error listing each with its count and node names; --skip-unsupported drops them', () => {
    const buf = build([
      { op: 'Conv', in: ['x', 'w'], out: ['a'] },
      { op: 'Hardmax2', in: ['a'], out: ['b'], name: 'hm1' },
      { op: 'Hardmax2', in: ['b'], out: ['c'], name: 'hm2' },
      { op: 'Fancy', in: ['c'], out: ['d'], name: 'f', domain: 'com.example' },
      { op: 'Conv', in: ['d', 'w'], out: ['e'] },
    ], [X], [{ name: 'w', dims: [8, 8, 1, 1] }]);
    expect(() => imp(buf)).toThrow('m.onnx: graph: unsupported operators: Hardmax2 x2 (hm1, hm2); com.example.Fancy x1 (f); --skip-unsupported drops them');
    const warnings: string[] = [];
    const r = imp(buf, { skipUnsupported: true, onWarning: (m) => warnings.push(m) });
    expect(warnings).toEqual(['dropped unsupported operators: Hardmax2 x2 (hm1, hm2); com.example.Fancy x1 (f); their work is not modelled (at least 6144 operations per sample, one per output element)']);
    expect(r.dropped.map((d) => d.node)).toEqual(['hm1', 'hm2', 'f']);
    expect(r.workload.layers[1]).toMatchObject({ op: 'conv2d', inputs: ['n0'] });
  });

  test('bad models: one line naming the file and the node', () => {
    const badConv = build([{ op: 'Conv', in: ['x', 'w'], out: ['y'], name: 'c1' }], [X], [{ name: 'w', dims: [8, 3, 3, 3] }]);
    expect(() => imp(badConv)).toThrow('m.onnx: node "c1" (Conv): Conv input [1x8x16x16] does not match weight [8x3x3x3] with group 1');
    const dangling = build([{ op: 'Relu', in: ['nope'], out: ['y'], name: 'r' }], [X], []);
    expect(() => imp(dangling)).toThrow('m.onnx: node "r" (Relu): reads tensor "nope", which no node, input or initialiser provides');
    expect(() => decodeOnnx('junk.onnx', Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]))).toThrow(/^junk\.onnx: \(top level\): not a valid ONNX model \(protobuf decoding failed: [^\n]*\)$/);
    expect(() => decodeOnnx('w.onnx', Buffer.from('{"schema": "mcmsim/workload@1"}'))).toThrow('w.onnx: (top level): this is a JSON file, expected an ONNX model (binary protobuf)');
    expect(() => importOnnx(path.join(FIX, 'missing.onnx'))).toThrow(InputError);
  });
});

// The official schema ships with Debian's python3-onnx; CI runs where it is installed.
const OFFICIAL = [process.env.ONNX_PROTO, '/usr/lib/python3/dist-packages/onnx/onnx.proto'].find((p) => p && fs.existsSync(p));
if (!OFFICIAL) console.warn('SKIPPED the ONNX schema check: official onnx.proto not found (apt-get install python3-onnx, or set ONNX_PROTO to its path)');

describe('the subset schema matches the official onnx.proto', () => {
  (OFFICIAL ? test : test.skip)('every message, field number, type and label of onnx_subset.proto is the official one', () => {
    const official = protobuf.parse(fs.readFileSync(OFFICIAL!, 'utf8'), { keepCase: true }).root;
    const subset = protobuf.parse(fs.readFileSync(ONNX_SUBSET_PROTO, 'utf8'), { keepCase: true }).root;
    let checked = 0;
    const walk = (ns: protobuf.NamespaceBase) => {
      for (const obj of ns.nestedArray) {
        if (obj instanceof protobuf.Type) {
          const o = official.lookupType(obj.fullName);
          for (const f of obj.fieldsArray) {
            const of = o.fields[f.name];
            expect([obj.fullName, f.name, of?.id, of?.type, of?.repeated]).toEqual([obj.fullName, f.name, f.id, f.type, f.repeated]);
            checked++;
          }
        }
        if (obj instanceof protobuf.Enum) {
          const o = official.lookupEnum(obj.fullName);
          for (const [k, v] of Object.entries(obj.values)) expect([obj.fullName, k, o.values[k]]).toEqual([obj.fullName, k, v]);
        }
        if ('nestedArray' in obj) walk(obj as protobuf.NamespaceBase);
      }
    };
    walk(subset);
    expect(checked).toBeGreaterThan(40);
  });
});

describe('import onnx: large initialisers and the command line', () => {
  test('a 16 MB inline weight is neither decoded nor copied: the import takes well under a second of CPU', () => {
    const W = root.lookupType('onnx.ModelProto');
    const buf = Buffer.from(W.encode(W.fromObject({
      ir_version: 8, opset_import: [{ domain: '', version: 13 }],
      graph: {
        node: [{ op_type: 'MatMul', input: ['x', 'w'], output: ['y'], name: 'proj' }],
        input: [vi('x', [1, 7, 1024])], output: [vi('y', [])],
        initializer: [{ name: 'w', dims: [1024, 4096], data_type: 1, raw_data: Buffer.alloc(1024 * 4096 * 4, 1) }],
      },
    })).finish());
    const t = process.cpuUsage();
    const r = imp(buf);
    const c = process.cpuUsage(t);
    expect((c.user + c.system) / 1e6).toBeLessThan(1);
    expect(r.json.layers[0]).toMatchObject({ op: 'fc', inFeatures: 1024, outFeatures: 4096, tokens: 7 });
    expect(r.params).toBe(1024 * 4096);
  });

  test('mcmsim import onnx: workload and scenario files, --json summary, one-line errors', async () => {
    const { cli } = await import('../cli/incli');
    const dir = fs.mkdtempSync(path.join(require('os').tmpdir(), 'mcmsim-import-'));
    const out = path.join(dir, 'w', 'r50.json');
    const scen = path.join(dir, 's.json');
    const r = await cli('import', 'onnx', path.join(FIX, 'resnet50.onnx'), '--out', out, '--scenario-out', scen, '--batch', '2', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j).toMatchObject({ layers: 72, batch: 2, macsPerSample: 4089184256, weightElems: 25502912 });
    expect(loadWorkload(out).layers).toHaveLength(72);
    expect(JSON.parse(fs.readFileSync(scen, 'utf8'))).toEqual({ schema: 'mcmsim/scenario@1', name: 'resnet50', models: [{ workload: 'w/r50.json', batch: 2 }] });
    const bad = await cli('import', 'onnx', path.join(FIX, 'resnet50.onnx'), '--out', out, '--input', 'image=1x3x224x224');
    expect(bad.code).toBe(2);
    expect(bad.err).toBe(`mcmsim: error: ${path.join(FIX, 'resnet50.onnx')}: graph.input: --input names "image", but the model's inputs are "input"\n`);
    const syntax = await cli('import', 'onnx', path.join(FIX, 'resnet50.onnx'), '--out', out, '--input', '1,3,224,224');
    expect(syntax.err).toBe('mcmsim: error: --input: expected NAME=DIMxDIM..., e.g. input=1x3x224x224, got "1,3,224,224"\n');
  });
});
