/**
 * Shape consistency (issue #22 item 4): a layer's input must chain with its producers' output
 * shapes, apart from the documented reshape/concat, channel slice, 2x/4x upsampling, one row and
 * column of padding, and eltwise broadcast. A mismatch names both shapes; "warn" makes it a
 * warning and false silences it.
 */
import { parseWorkload } from '../../sim/input/workload';
import { InputError } from '../../sim/input/errors';

const load = (layers: object[], extra: object = {}) => parseWorkload('w.json', { schema: 'mcmsim/workload@1', name: 'w', layers, ...extra });
const c1 = { name: 'c1', op: 'conv2d', inChannels: 3, inHeight: 32, inWidth: 32, outChannels: 32, kernel: 3, pad: 1 }; // 32x32x32
const err = (layers: object[]) => {
  try {
    load(layers);
  } catch (e) {
    if (e instanceof InputError) return e.message;
    throw e;
  }
  return null;
};

describe('a layer input that does not chain with its producer', () => {
  test('the reported case: 3x7x32 read from a 32x32x32 output is an error naming both shapes', () => {
    expect(err([c1, { name: 'c2', op: 'conv2d', inChannels: 3, inHeight: 7, inWidth: 32, outChannels: 8, kernel: 1 }]))
      .toBe('w.json: layers[1]: reads channels x inHeight x inWidth = 3x7x32, but its producer (c1) outputs 32x32x32');
  });
  test('the same number of elements in other rows and columns (a crop, a transpose) is not a slice', () => {
    expect(err([c1, { name: 'p', op: 'pool', channels: 32, inHeight: 16, inWidth: 32, kernel: 2, stride: 2 }])).toMatch(/reads channels x inHeight x inWidth = 32x16x32, but its producer \(c1\) outputs 32x32x32$/);
  });
  test('fc tokens that do not match: error', () => {
    const q = { name: 'q', op: 'fc', inFeatures: 64, outFeatures: 64, tokens: 16, inputs: [] };
    expect(err([q, { name: 'r', op: 'fc', inFeatures: 32, outFeatures: 8, tokens: 8 }])).toBe('w.json: layers[1]: reads tokens x inFeatures = 8x32, but its producer (q) outputs 16x64 (tokens x features)');
  });
  test('more channels than a concat of its producers supplies: error naming each', () => {
    const a = { name: 'a', op: 'conv2d', inChannels: 3, inHeight: 8, inWidth: 8, outChannels: 4, kernel: 1, inputs: [] };
    const b = { name: 'b', op: 'conv2d', inChannels: 3, inHeight: 8, inWidth: 8, outChannels: 4, kernel: 1, inputs: [] };
    expect(err([a, b, { name: 'c', op: 'conv2d', inChannels: 12, inHeight: 8, inWidth: 8, outChannels: 4, kernel: 1, inputs: ['a', 'b'] }]))
      .toBe('w.json: layers[2]: reads channels x inHeight x inWidth = 12x8x8, but its producers (a, b) output 4x8x8 + 4x8x8');
  });
  test('an eltwise that keeps its input size passes the shape on', () => {
    const relu = { name: 'relu', op: 'eltwise', elements: 32768 };
    expect(err([c1, relu, { name: 'c2', op: 'conv2d', inChannels: 16, inHeight: 16, inWidth: 64, outChannels: 8, kernel: 1 }])).toMatch(/16x16x64, but its producer \(relu\) outputs 32x32x32$/);
  });
});

describe('documented cases that are accepted', () => {
  const ok = (layers: object[]) => expect(err(layers)).toBeNull();
  test('the same shape, and a channel slice (a split)', () => {
    ok([c1, { name: 'c2', op: 'conv2d', inChannels: 32, inHeight: 32, inWidth: 32, outChannels: 8, kernel: 3, pad: 1 }]);
    ok([c1, { name: 'half', op: 'conv2d', inChannels: 16, inHeight: 32, inWidth: 32, outChannels: 8, kernel: 1 }]);
  });
  test('a concat of two maps, and a slice of a concat', () => {
    const a = { name: 'a', op: 'conv2d', inChannels: 3, inHeight: 8, inWidth: 8, outChannels: 4, kernel: 1, inputs: [] };
    const b = { name: 'b', op: 'depthwise', channels: 3, inHeight: 8, inWidth: 8, kernel: 1, inputs: [] };
    ok([a, b, { name: 'c', op: 'conv2d', inChannels: 7, inHeight: 8, inWidth: 8, outChannels: 4, kernel: 1, inputs: ['a', 'b'] }]);
    ok([a, b, { name: 'c', op: 'conv2d', inChannels: 5, inHeight: 8, inWidth: 8, outChannels: 4, kernel: 1, inputs: ['a', 'b'] }]);
  });
  test('2x and 4x nearest upsampling, one row and column of padding', () => {
    ok([c1, { name: 'up', op: 'conv2d', inChannels: 32, inHeight: 64, inWidth: 64, outChannels: 8, kernel: 3, pad: 1 }]);
    ok([c1, { name: 'up4', op: 'depthwise', channels: 32, inHeight: 128, inWidth: 128, kernel: 3, pad: 1 }]);
    ok([c1, { name: 'pad', op: 'pool', channels: 32, inHeight: 33, inWidth: 33, kernel: 2, stride: 1 }]);
  });
  test('flatten into an fc, global pool into an fc, tokens as positions', () => {
    ok([c1, { name: 'fc', op: 'fc', inFeatures: 32768, outFeatures: 10 }]);
    ok([c1, { name: 'gp', op: 'pool', channels: 32, inHeight: 32, inWidth: 32, kernel: 32 }, { name: 'fc', op: 'fc', inFeatures: 32, outFeatures: 10 }]);
    ok([c1, { name: 'tok', op: 'fc', inFeatures: 32, outFeatures: 64, tokens: 1024 }]);
    ok([{ name: 'emb', op: 'fc', inFeatures: 48, outFeatures: 64, tokens: 64, inputs: [] }, { name: 'map', op: 'conv2d', inChannels: 64, inHeight: 8, inWidth: 8, outChannels: 8, kernel: 3, pad: 1 }]);
  });
  test('attention: q/k/v slices of one fc, matmul output into the projection', () => {
    ok([
      { name: 'qkv', op: 'fc', inFeatures: 64, outFeatures: 192, tokens: 16, inputs: [] },
      { name: 'q', op: 'fc', inFeatures: 64, outFeatures: 64, tokens: 16, inputs: ['qkv'] },
      { name: 'qk', op: 'matmul', heads: 4, m: 16, k: 16, n: 16, inputs: ['q', 'qkv'] },
      { name: 'sm', op: 'eltwise', elements: 1024 },
      { name: 'av', op: 'matmul', heads: 4, m: 16, k: 16, n: 16, inputs: ['sm', 'qkv'] },
      { name: 'proj', op: 'fc', inFeatures: 64, outFeatures: 64, tokens: 16 },
    ]);
  });
  test('an eltwise broadcasts (not checked)', () => {
    ok([c1, { name: 'bias', op: 'eltwise', elements: 65536, inputs: ['c1'] }]);
  });
});

describe('checkInputSizes', () => {
  const bad = [c1, { name: 'c2', op: 'conv2d', inChannels: 3, inHeight: 7, inWidth: 32, outChannels: 8, kernel: 1 }, { name: 'c3', op: 'conv2d', inChannels: 16, inHeight: 7, inWidth: 32, outChannels: 8, kernel: 1 }];
  test('"warn": one warning line naming the first mismatch and how many more, and how to silence it', () => {
    const w = load(bad, { checkInputSizes: 'warn' });
    expect(w.warnings).toEqual(['w.json: layers[1]: reads channels x inHeight x inWidth = 3x7x32, but its producer (c1) outputs 32x32x32 (and 1 more layer); a layer list that does not chain shapes can say "checkInputSizes": false to silence this']);
  });
  test('false: no error, no warning; a consistent file has no warnings field', () => {
    expect(load(bad, { checkInputSizes: false }).warnings).toBeUndefined();
    expect(load([c1], { checkInputSizes: 'warn' }).warnings).toBeUndefined();
  });
  test('any other value is an error naming the field', () => {
    expect(() => load([c1], { checkInputSizes: 'yes' })).toThrow('w.json: checkInputSizes: expected true, false or "warn", got "yes"');
  });
});
