import { planLayer, share, tileLoad, LayerPlan } from '../../sim/cost/plan';
import { LOCAL_SOURCES } from '../../sim/cost/mapper';
import { testPackage, testWorkload } from '../helpers';

// conv 3x3, 16 -> 32 channels, 16x16 input, pad 1, stride 1: P = Q = 16.
const conv = testWorkload('w', [
  { name: 'conv', op: 'conv2d', inChannels: 16, inHeight: 16, inWidth: 16, outChannels: 32, kernel: 3, pad: 1 },
]).layers[0].shape;

function plan(df: 'ws' | 'os' | 'rs', bufferBytes = 1 << 20, samples = 1): LayerPlan {
  const pkg = testPackage({ grid: [[df]], kinds: { [df]: { bufferBytes } } });
  const p = planLayer(conv, pkg.chiplets[0].kind, samples, 1);
  if (typeof p === 'string') throw new Error(p);
  return p;
}

describe('LayerPlan: one conv layer on one 8x8 chiplet (numbers derived by hand)', () => {
  test('shape: MACs = K*C*R*S*P*Q = 32*16*9*256', () => {
    expect(conv.p).toBe(16);
    expect(conv.q).toBe(16);
    expect(conv.macsPerSample).toBe(1179648);
  });
  test('ws: ceil(16/8)*ceil(32/8)*3*3 = 72 folds of 256 pixels + 8 + 8 - 2 fill/drain = 18446 cycles', () => {
    const p = plan('ws');
    expect(p.tiles).toBe(1);
    expect(p.computeCycles).toBe(72 * 256 + 14);
    expect(p.utilization).toBeCloseTo(1179648 / (18446 * 64), 12);
  });
  test('os: P x Q, ceil(16/8)*ceil(16/8) folds of 32*16*9 steps = 18432 cycles, full utilisation', () => {
    const p = plan('os');
    expect(p.spatial).toBe('P x Q');
    expect(p.computeCycles).toBe(4 * 4608);
    expect(p.utilization).toBeCloseTo(1, 12);
  });
  test('rs: 2 filter-row sets (floor(8/3)); ceil(32/2)*ceil(16/8)*16*3*16 = 24576 cycles, 75%', () => {
    const p = plan('rs');
    expect(p.computeCycles).toBe(24576);
    expect(p.utilization).toBeCloseTo(0.75, 12);
  });
  test('bytes: W = 4608, I = 4096, O = 8192; buffer accesses for ws', () => {
    const p = plan('ws');
    expect(p.spatial).toBe('C x K (taps in time)');
    expect([p.weightBytes, p.inputBytes, p.outputBytes]).toEqual([4608, 4096, 8192]);
    // fills (W + I) + 2 O + weight reads W + input reads 16 rows * 4 K-folds * 9 taps * 256
    // + partial sums 2 * (2 C-folds * 9 taps - 1) * O
    expect(p.bufferAccessBytes).toBe(4608 + 4096 + 2 * 8192 + 4608 + 147456 + 2 * 17 * 8192);
  });
  test('a 16 KiB buffer (4 KiB per tile) forces tiling; loads sum to the plan totals', () => {
    const p = plan('ws', 16384);
    expect(p.tiles).toBeGreaterThan(1);
    expect(p.tileBytes).toBeLessThanOrEqual(4096);
    const tl = { weightBytes: 0, inputBytes: 0, outputBytes: 0 };
    let w = 0, i = 0, o = 0;
    for (let t = 0; t < p.tiles; t++) {
      tileLoad(p, t, tl);
      w += tl.weightBytes; i += tl.inputBytes; o += tl.outputBytes;
    }
    expect([w, i, o]).toEqual([p.weightLoadBytes, p.inputLoadBytes, p.outputBytes]);
    // Halo rows make the tiled input larger than the untiled 4096 bytes.
    expect(p.inputBytes).toBeGreaterThanOrEqual(4096);
  });
  test('a buffer too small for one output row and channel is reported, not planned', () => {
    const pkg = testPackage({ kinds: { ws: { bufferBytes: 256 } } });
    expect(typeof planLayer(conv, pkg.chiplets[0].kind, 1, 1)).toBe('string');
  });
  test('share() splits exactly', () => {
    const parts = [0, 1, 2].map((i) => share(10, 3, i));
    expect(parts).toEqual([3, 3, 4]);
    expect(parts.reduce((a, b) => a + b)).toBe(10);
  });
});

describe('planLayer memoisation', () => {
  test('sources differing only in latency get their own plan (the memo key holds every input)', () => {
    const kind = testPackage({ grid: [['ws']], kinds: { ws: { bufferBytes: 16384 } } }).chiplets[0].kind;
    const near = Object.freeze({ ...LOCAL_SOURCES, weightGBps: 1, inputGBps: 1 });
    const far = Object.freeze({ ...near, weightLatencyNs: 100, inputLatencyNs: 100 });
    const a = planLayer(conv, kind, 1, 1, near) as LayerPlan;
    const b = planLayer(conv, kind, 1, 1, far) as LayerPlan;
    // Same 16 tiles; compute-bound, so only the first tile's load is exposed: 100 ns at 500 MHz = 50 cycles more.
    // (The key once left the latencies out, and the second call got the first call's plan.)
    expect(b.tiles).toBe(a.tiles);
    expect(b.mapperLatencyCycles - a.mapperLatencyCycles).toBe(50);
    // A repeated call is the memoised object itself.
    expect(planLayer(conv, kind, 1, 1, far)).toBe(b);
  });
});
