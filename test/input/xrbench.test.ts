import { fitPad, maestroTotals, parseMaestro } from '../../scripts/xrbench';

const TEXT = `Network A {
FPS: 30
Layer conv1 {
\tType: CONV
\tDimensions: { N: 1, K: 4, C: 3, Y: 10, X: 8, R: 3, S: 3 }
}
Layer fc1 {
\tType: CONV
\tDimensions: { N: 1, K: 16, C: 32, Y: 128, X: 1, R: 1, S: 1 }
}
}
Network B {
FPS: 60
Dependency: {
\tA
}
Layer conv1 {
\tType: CONV
\tDimensions: { N: 1, K: 2, C: 2, Y: 2, X: 2, R: 4, S: 3 }
}
}
`;

describe('XRBench MAESTRO descriptions', () => {
  const nets = parseMaestro(TEXT, 'x.m');
  test('networks, frame rates and layer dimensions', () => {
    expect(nets.map((n) => [n.name, n.fps, n.layers.length])).toEqual([['A', 30, 2], ['B', 60, 1]]);
    expect(nets[0].layers[0]).toEqual({ name: 'conv1', n: 1, k: 4, c: 3, y: 10, x: 8, r: 3, s: 3 });
  });
  test('totals by MAESTRO\'s rule: no stride, no padding (hand-computed)', () => {
    // conv1: 4 x 3 x 9 x (10-3+1) x (8-3+1) = 108 x 48 = 5184; fc1: 16 x 32 x 128 = 65536
    expect(maestroTotals(nets[0].layers)).toEqual({ macs: 5184 + 65536, weights: 108 + 512 });
  });
  test('a kernel larger than its input gets the least padding that fits', () => {
    expect(fitPad(10, 3)).toBe(0);
    expect(fitPad(2, 4)).toBe(1); // (2 + 2 - 4) + 1 = 1 output row
    expect(fitPad(2, 3)).toBe(1); // (2 + 2 - 3) + 1 = 2
    // B: 2 x 2 x 12 weights; 1 x 2 outputs (rows pad 1 -> 1, cols pad 1 -> 2)
    expect(maestroTotals(nets[1].layers)).toEqual({ macs: 48 * 1 * 2, weights: 48 });
  });
  test('an unsupported layer type is an error', () => {
    expect(() => parseMaestro('Network Z {\nLayer p {\nType: POOL\nDimensions: { N: 1, K: 1, C: 1, Y: 2, X: 2, R: 1, S: 1 }\n}\n}', 'z.m')).toThrow(/layer type POOL/);
  });
});
