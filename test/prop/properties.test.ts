/**
 * Property-based tests (issue #22 item 1): generated packages, workloads and scenarios, each
 * scheduled by every strategy and by a random valid schedule, simulated with the run-time
 * invariants on, and checked against test/prop/properties.ts; and, cheaper, hundreds of
 * generated workloads and packages through the loaders. scripts/robust.ts runs thousands.
 * Failures print fast-check's seed and the shrunk case.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import fc from 'fast-check';
import { caseArb, packageArb, SMALL, workloadArb } from './gen';
import { checkCase, CaseStats } from './properties';
import { parseWorkload } from '../../sim/input/workload';
import { parsePackage } from '../../sim/input/package';
import { Topology } from '../../sim/cost/topology';
import { writeCase } from './properties';
import { cli } from '../cli/incli';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mcmsim-prop-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

// Fixed seeds: the suite is repeatable; scripts/robust.ts varies them.
const SEED = 22;

describe('generated inputs load', () => {
  test('300 generated workloads (chains, branches, joins, every op) pass the strict shape check', () => {
    fc.assert(
      fc.property(workloadArb('w', { ...SMALL, maxSteps: 16 }), (w) => {
        const parsed = parseWorkload('w.json', w);
        expect(parsed.layers.length).toBe((w.layers as unknown[]).length);
        expect(parsed.warnings).toBeUndefined();
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
  test('300 generated packages (1x1 to 8x8, mixed kinds, both DRAM models) load and route', () => {
    fc.assert(
      fc.property(packageArb(SMALL), (p) => {
        const pkg = parsePackage('p.json', p);
        const topo = new Topology(pkg);
        // Every chiplet reaches every other over a shortest (XY) path of links.
        let wrong = 0;
        for (const a of pkg.chiplets) for (const b of pkg.chiplets) if (topo.route(a.index, b.index).length !== Math.abs(a.row - b.row) + Math.abs(a.col - b.col)) wrong++;
        expect(wrong).toBe(0);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});

describe('generated scenarios on generated packages', () => {
  test('every strategy and a random valid schedule satisfy every property', async () => {
    const stats: CaseStats = { schedules: 0, skipped: 0, refusals: {} };
    let n = 0;
    await fc.assert(
      fc.asyncProperty(caseArb({ ...SMALL, maxBatch: 16 }), async (c) => {
        await checkCase(c, path.join(tmp, `case${n++}`), { strategies: ['greedy', 'standalone', 'scar'], random: true, roundTrip: n % 5 === 0 }, stats);
      }),
      { seed: SEED, numRuns: 25, endOnFailure: false },
    );
    // Batches up to 16 here (the run time grows with them); scripts/robust.ts goes to 64.
    // The generator must produce runnable cases, not only refusals.
    expect(stats.schedules).toBeGreaterThan(70);
    expect(stats.skipped).toBeLessThan(stats.schedules / 4);
  }, 240_000);
});

describe('worker threads change nothing', () => {
  test('compare --jobs 1 and --jobs 2 print the same bytes on generated inputs', async () => {
    const small = path.resolve(__dirname, '../golden/small/package.json');
    let n = 0;
    await fc.assert(
      fc.asyncProperty(caseArb({ ...SMALL, maxGrid: 3, maxModels: 2, maxBatch: 8, maxSteps: 4 }), async (c) => {
        const f = writeCase(c, path.join(tmp, `jobs${n++}`));
        const args = ['compare', '--scenarios', f.scenario, '--packages', f.package, small, '--strategy', 'greedy', '--quiet', '--seed', String(c.seed)]; // text: --json also holds wall times
        const one = await cli(...args, '--jobs', '1');
        const two = await cli(...args, '--jobs', '2');
        expect(two.code).toBe(one.code);
        expect(two.out).toBe(one.out);
        expect(two.err).toBe(one.err);
      }),
      { seed: SEED, numRuns: 3 },
    );
  }, 120_000);
});
