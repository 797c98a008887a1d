/**
 * 500 fuzzed input files through the CLI in this process, 4 of them also through the
 * compiled CLI (10 s, 1 GiB): exit 0 with valid output or exit 2 with one line naming a file of
 * the case (test/fuzz/fuzz.ts). scripts/robust.ts fuzz runs 20000.
 */
import * as fs from 'fs';
import * as path from 'path';
import { runFuzz } from './fuzz';

const COMPILED = path.resolve(__dirname, '../../dist/sim/cli/main.js');

describe('fuzzed inputs', () => {
  test('500 mutated shipped files: exit 0 with valid output or exit 2 with one line naming the file', async () => {
    // heavy: false leaves out in-range numbers that make a run simulate gigabytes (the script has them).
    const r = await runFuzz({ runs: 500, seed: 22, spawn: fs.existsSync(COMPILED) ? 4 : 0, heavy: false });
    expect(r.failures).toEqual([]);
    expect(r.cases).toBe(500);
    // Both outcomes occur, and every kind of input is exercised.
    expect(r.exit0).toBeGreaterThan(25);
    expect(r.exit2).toBeGreaterThan(250);
    expect(Object.keys(r.byKind).sort()).toEqual(['onnx', 'package', 'requests', 'scenario', 'schedule', 'small-workload', 'workload']);
  }, 280_000);
});
